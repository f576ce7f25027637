#!/bin/sh
# "<>", empty and garbage recipients: no header, no decision line, the
# message continues; next to a listed domain they block the -Route header.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/milter/lib.sh"
mt_start garbage
mt_run garbage.lua
mt_expect_rc 0
mt_expect_nolog 'GARBAGE1: '
expect_log 'GARBAGE2: domain=listed\.example verdict=listed .*via=milter'
mxd_stop
pass
