#!/bin/sh
# A healthy recipient domain: no header; the decision is logged with the
# queue ID that came with end-of-message.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/milter/lib.sh"
mt_start healthy
mt_run healthy.lua
mt_expect_rc 0
expect_log 'HEALTHY1: domain=healthy\.example verdict=healthy .*via=milter'
expect_log 'HEALTHY2: domain=healthy\.example verdict=healthy .*via=milter'
expect_log 'HEALTHY2: domain=calm\.example verdict=healthy .*via=milter'
mxd_stop
pass
