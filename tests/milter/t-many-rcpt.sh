#!/bin/sh
# 1,000 recipients in one message: one header per domain, not per recipient.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/milter/lib.sh"
mt_start many-rcpt
mt_run many-rcpt.lua
mt_expect_rc 0
# The stop flushes the decision-line queue: count after it.
expect_log 'MANY2: domain=healthy\.example verdict=healthy .*via=milter'
mxd_stop
n=$(grep -c 'MANY1: domain=listed\.example verdict=listed' "$TMPD/daemon.log")
[ "$n" = 1 ] || fail "$n decision lines for MANY1, expected 1 (one per domain)"
pass
