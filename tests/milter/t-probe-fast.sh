#!/bin/sh
# A probe that ends within probe.wait (AAAA SERVFAIL after 300 ms): the
# message that started it already gets the headers.  End-of-message waited
# for it (>= 250 ms) but not for the whole wait.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/milter/lib.sh"
mt_start probe-fast
mt_run probe-fast.lua
mt_expect_rc 0
mt_expect_ms_ge 250
mt_expect_ms_le 3000
expect_log 'FAST1: domain=fast\.example verdict=aaaa-error route=smtp:\[127\.0\.0\.11\]:25 .*via=milter'
mxd_stop
pass
