#!/bin/sh
# A client that aborts mid-message, then a new message on the same
# connection: nothing carried over, and the milter still works.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/milter/lib.sh"
mt_start abort
mt_run abort.lua
mt_expect_rc 0
expect_log 'ABORT2: domain=healthy\.example verdict=healthy .*via=milter'
mt_expect_nolog 'ABORT2: domain=listed'
mt_expect_nolog 'ABORT4: domain=healthy'
expect_log 'ABORT4: domain=listed\.example verdict=listed .*via=milter'
mxd_stop
pass
