#!/bin/sh
# A healthy and a listed recipient: the tag header only, no -Route header.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/milter/lib.sh"
mt_start mixed
mt_run mixed.lua
mt_expect_rc 0
expect_log 'MIXED1: domain=healthy\.example verdict=healthy .*via=milter'
expect_log 'MIXED1: domain=listed\.example verdict=listed .*via=milter'
mxd_stop
pass
