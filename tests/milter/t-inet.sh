#!/bin/sh
# The milter on a TCP socket (listen.milter inet:PORT@127.0.0.1): the same
# headers as on a unix socket, and SIGTERM stops it at once (milter_stop
# wakes libmilter's 5 s accept poll, for TCP as for unix sockets).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/milter/lib.sh"
port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])') ||
    fail "no free port"
MILTER_SPEC="inet:$port@127.0.0.1"
mt_start listed
mt_run listed.lua
mt_expect_rc 0
expect_log 'LISTED1: domain=listed\.example verdict=listed .*via=milter'
mxd_stop
[ "$MXD_STOP_MS" -lt 4000 ] || fail "stop took $MXD_STOP_MS ms: libmilter's accept poll was not woken"
pass
