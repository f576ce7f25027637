#!/bin/sh
# t-emfile.sh - out of descriptors: the daemon runs with a low RLIMIT_NOFILE
# and peers hold more connections than it can accept, first on the
# socketmap socket (the daemon's own listener), then on the milter socket
# (libmilter's listener).  Neither may spin (both are reported readable as
# long as peers wait in the backlog): under 10% CPU and under 50 log lines
# over 5 s.  Once the peers go, each socket answers a new request.
. "${top_srcdir:-.}/tests/daemon/lib.sh"

need_cmd prlimit "apt-get install util-linux"
HZ=$(getconf CLK_TCK) || skip "getconf CLK_TCK failed"
SECS=5
HOGS=40
MILTER_SOCK="$TMPD/milter.sock"
HOG_PID=""

# utime + stime of the daemon, in clock ticks (proc(5): fields 14 and 15;
# the command name in field 2 has no spaces here).
cpu_ticks() {
    awk '{ print $14 + $15 }' "/proc/$D_PID/stat"
}

# HOGS connections to SOCK that stay open; waits until the daemon logged
# an accept failure matching ERE, then measures SECS seconds.
starve() { # SOCK ERE
    "$PY" - "$1" "$HOGS" "$TMPD/hogs.ready" <<'PYEOF' &
import socket, sys, time
socks = []
for _ in range(int(sys.argv[2])):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sys.argv[1])
    socks.append(s)
open(sys.argv[3], "w").close()
time.sleep(120)
PYEOF
    HOG_PID=$!
    track "$HOG_PID"
    poll 10 test -f "$TMPD/hogs.ready" || fail "the hogs did not connect to $1 within 10 s"
    poll 10 grep -Eq -- "$2" "$TMPD/daemon.log" ||
        fail "no log line matches /$2/: the daemon never ran out of descriptors (limit $limit)"
    lines0=$(wc -l <"$TMPD/daemon.log")
    cpu0=$(cpu_ticks)
    sleep "$SECS"
    cpu1=$(cpu_ticks)
    lines1=$(wc -l <"$TMPD/daemon.log")
    stop_pid "$HOG_PID"
    HOG_PID=""
    rm -f "$TMPD/hogs.ready"

    ticks=$((cpu1 - cpu0))
    lines=$((lines1 - lines0))
    pct=$((ticks * 100 / (HZ * SECS)))
    echo "$TEST_NAME: $(basename "$1") out of descriptors for ${SECS} s: ${pct}% CPU" \
        "($ticks ticks at $HZ Hz), $lines log lines ($((lines / SECS)) a second)"
    [ "$pct" -lt 10 ] || fail "$1: the daemon used ${pct}% CPU while out of descriptors"
    [ "$lines" -lt 50 ] || fail "$1: $lines log lines in ${SECS} s while out of descriptors"
}

# One milter option negotiation (SMFIC_OPTNEG, version 6): prints the
# command letter of the answer.
milter_optneg() {
    "$PY" - "$MILTER_SOCK" <<'PYEOF'
import socket, struct, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(10)
s.connect(sys.argv[1])
s.sendall(struct.pack(">IcIII", 13, b"O", 6, 0x1FF, 0x1FFFFF))
head = b""
while len(head) < 5:
    chunk = s.recv(5 - len(head))
    if not chunk:
        break
    head += chunk
print(head[4:5].decode() if len(head) == 5 else "<closed>")
PYEOF
}

dns_start
d_write_conf
sed -i "s|^  milter: \"\"|  milter: \"unix:$MILTER_SOCK\"|" "$CONF"
grep -q "milter: \"unix:" "$CONF" || fail "could not set listen.milter"
mxd_start
poll 10 test -S "$MILTER_SOCK" || fail "no milter socket within 10 s"

nfd=$(find "/proc/$D_PID/fd" -mindepth 1 | wc -l)
limit=$((nfd + 8))
prlimit --pid "$D_PID" --nofile="$limit:$limit" || fail "prlimit --pid $D_PID failed"

starve "$SM_SOCK" 'mxdetourd: socketmap: accept: Too many open files'
alive "running out of descriptors on the socketmap socket"

starve "$MILTER_SOCK" 'mxdetourd: milter: accept: Too many open files'
expect_eq "$(milter_optneg)" O "milter option negotiation after running out of descriptors"
alive "running out of descriptors on the milter socket"
mxd_stop
pass
