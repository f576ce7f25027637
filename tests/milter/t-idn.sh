#!/bin/sh
# An IDN recipient (user@bücher.example) matches the A-label list entry.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/milter/lib.sh"
mt_start idn
mt_run idn.lua
mt_expect_rc 0
expect_log 'IDN1: domain=xn--bcher-kva\.example verdict=listed .*via=milter'
mxd_stop
pass
