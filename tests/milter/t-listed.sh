#!/bin/sh
# A listed domain: tag header and -Route header.  Also: the stale socket
# file left in place by lib.sh was replaced, and the new socket has
# listen.socket_mode; SIGTERM stops the milter at once.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/milter/lib.sh"
mt_start listed
mode=$(stat -c %a "$SOCK") || fail "no socket $SOCK"
[ "$mode" = 660 ] || fail "socket mode $mode, expected 660 (listen.socket_mode)"
mt_run listed.lua
mt_expect_rc 0
expect_log 'LISTED1: domain=listed\.example verdict=listed route=smtp:\[192\.0\.2\.25\]:25 .*via=milter'
expect_log 'LISTED3: domain=same\.example verdict=listed route=smtp:\[192\.0\.2\.25\]:25 .*via=milter'
mxd_stop
[ "$MXD_STOP_MS" -lt 4000 ] || fail "stop took $MXD_STOP_MS ms: libmilter's accept poll was not woken"
pass
