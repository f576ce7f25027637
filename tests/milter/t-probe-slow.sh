#!/bin/sh
# A probe that outlasts probe.wait (1s): end-of-message returns after the
# wait, within wait + 2 s, without a route header; the decision is logged
# as unknown.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/milter/lib.sh"
mt_start probe-slow
mt_run probe-slow.lua part=1
mt_expect_rc 0
mt_expect_ms_ge 900
mt_expect_ms_le 3000
expect_log 'SLOW1: domain=slow\.example verdict=unknown .*via=milter'
mt_run probe-slow.lua part=2
mt_expect_rc 0
mt_expect_ms_le 3000
expect_log 'SLOW2: domain=slow\.example verdict=unknown .*via=milter'
expect_log 'SLOW2: domain=listed\.example verdict=listed .*via=milter'
mxd_stop
pass
