#!/bin/sh
# t-dead-peer.sh - listen.milter_timeout: a milter peer that stops
# mid-packet (a length header announcing 100 octets, then 3) is dropped
# by the daemon after the timeout (2 s here), not after libmilter's two
# hours; several at once do not keep a healthy session from being served.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/milter/lib.sh"
fakedns_start "$MT_DIR/zone.rules"
mt_write_conf healthy
sed -i 's|^  milter: .*|&\n  milter_timeout: 2s|' "$CONF"
mt_stale_socket
mxd_start

# Each peer prints how long the daemon took to close its connection.
dead_peer() { # OUT
    "$PY" - "$SOCK" >"$1" 2>&1 <<'PY'
import socket, struct, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(struct.pack(">I", 100) + b"O\x00\x00")
t0 = time.monotonic()
s.settimeout(30)
try:
    while s.recv(4096):
        pass
    print(int((time.monotonic() - t0) * 1000))
except socket.timeout:
    print("still open after 30 s")
PY
}
for i in 1 2 3 4; do
    dead_peer "$TMPD/peer$i.out" &
    track $!
done
mt_run healthy.lua
mt_expect_rc 0
expect_log 'HEALTHY1: domain=healthy\.example verdict=healthy .*via=milter'
for i in 1 2 3 4; do
    poll 20 test -s "$TMPD/peer$i.out" || fail "dead peer $i: no result within 20 s"
    ms=$(cat "$TMPD/peer$i.out")
    case $ms in
    *[!0-9]* | "") fail "dead peer $i: $ms" ;;
    esac
    echo "# dead peer $i: closed after $ms ms"
    [ "$ms" -ge 1500 ] && [ "$ms" -le 8000 ] ||
        fail "dead peer $i: closed after $ms ms, want 2000 to 4000 and some (listen.milter_timeout 2s; a peer may also wait in the listen queue)"
done
mxd_stop
pass
