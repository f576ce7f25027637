#!/bin/sh
# bench/milter_bench.sh - messages per second through mxdetourd's milter,
# next to a no-op libmilter filter (bench/noop_milter.c) in the same run.
#
# Run by hand from the top of a built tree (not part of make check):
#   sh bench/milter_bench.sh [-n MESSAGES] [-c "CONNS..."] [-r ROUNDS] [-l LEVEL] [-s]
# Defaults: 3000 messages per measurement, spread over 1 and then 4
# concurrent connections, 3 rounds (the median is reported), log.level
# info: decision lines on; mxdetourd -f writes each to stderr (a file here)
# and to syslog(3).  Without a syslog daemon (no /dev/log, as in a
# container) glibc then tries to connect for every line.  -s gives the
# daemon a syslog sink instead, as on a real host: a private mount
# namespace (unshare -m, root only) whose /dev/log is a datagram socket
# read by a small Python sink; stderr goes to /dev/null.  -l warning
# measures without decision lines.
#
# Each message: MAIL, 5 RCPT (two listed domains, two healthy domains
# whose verdicts are cached by a warm-up message, one repeated domain),
# end-of-message; mxdetourd answers with two tag headers and logs four
# decision lines.  The client is miltertest running bench/milter_bench.lua,
# one process per connection, the same for both filters; both negotiate
# away the same protocol steps and the replies to MAIL and RCPT (-o: the
# no-op replies to them, as both did before mxdetourd stopped).  noop_milter is built here with cc and
# libmilter.  fakedns.py serves tests/milter/zone.rules on loopback.
# Processes started here are stopped by PID on exit.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
builddir=${top_builddir:-$top}
MXD="$builddir/src/mxdetourd"
PY=/usr/bin/python3
N=3000
CONNS="1 4"
ROUNDS=3
LEVEL=info
SINK=0
NOOP_ARGS=""
while getopts n:c:r:l:so opt; do
    case $opt in
    n) N=$OPTARG ;;
    c) CONNS=$OPTARG ;;
    r) ROUNDS=$OPTARG ;;
    l) LEVEL=$OPTARG ;;
    s) SINK=1 ;;
    o) NOOP_ARGS=replies ;;
    *) echo "usage: $0 [-n MESSAGES] [-c \"CONNS...\"] [-r ROUNDS] [-l LEVEL] [-s] [-o]" >&2; exit 2 ;;
    esac
done

BENCH=milter_bench
. "$top/bench/lib.sh"

[ -x "$MXD" ] || die "$MXD not built (run make first)"
command -v miltertest >/dev/null || die "miltertest missing (apt-get install miltertest)"
"$PY" -c 'import dnslib' 2>/dev/null || die "python3-dnslib missing"
bench_tmp mbench

cc -O2 -Wall -Wextra -o "$T/noop_milter" "$top/bench/noop_milter.c" \
    $(pkg-config --cflags --libs milter) -lpthread || die "cannot build noop_milter"

"$PY" "$top/tests/dns/fakedns.py" --listen 127.0.0.1 --port 0 --portfile "$T/dns.port" \
    --quiet --rules "$top/tests/milter/zone.rules" 2>"$T/dns.log" &
track $!
poll 200 test -s "$T/dns.port" || die "fakedns did not start"

cat >"$T/mxdetour.yaml" <<YAML
listen:
  milter: "unix:$T/mxd.sock"
  socketmap: ""
  policy: ""
  control: "unix:$T/control.sock"
user: ""
state_file: ""
resolvers:
  local: ["127.0.0.1:$(cat "$T/dns.port")"]
log:
  level: $LEVEL
YAML
sed -n '/^probe:/,$p' "$top/tests/milter/default.yaml" >>"$T/mxdetour.yaml"

# the syslog sink: counts datagrams, writes the count on SIGTERM
SINK_PY='
import signal, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
s.bind(sys.argv[1])
n = 0
def done(*_):
    open(sys.argv[2], "w").write("%d\n" % n)
    sys.exit(0)
signal.signal(signal.SIGTERM, done)
while True:
    s.recv(65536)
    n += 1
'
if [ $SINK = 1 ]; then
    command -v unshare >/dev/null || die "unshare missing (util-linux)"
    "$PY" -c "$SINK_PY" "$T/log.sock" "$T/log.count" &
    SINK_PID=$!
    track "$SINK_PID"
    poll 200 test -S "$T/log.sock" || die "syslog sink did not start"
    mkdir "$T/hostdev"
    # shellcheck disable=SC2016 # expanded by the inner shell
    unshare -m sh -c 'mount --make-rprivate / && mount --bind /dev "$1/hostdev" &&
        mount -t tmpfs tmpfs /dev && for d in null zero random urandom; do
        ln -s "$1/hostdev/$d" /dev/$d; done && ln -s "$1/log.sock" /dev/log &&
        exec "$2" -f -c "$1/mxdetour.yaml"' sh "$T" "$MXD" 2>/dev/null &
else
    "$MXD" -f -c "$T/mxdetour.yaml" 2>"$T/mxd.log" &
fi
MXD_PID=$! # unshare and sh exec: the same process
track "$MXD_PID"
# shellcheck disable=SC2086 # NOOP_ARGS: empty or one word
"$T/noop_milter" "unix:$T/noop.sock" $NOOP_ARGS 2>"$T/noop.log" &
NOOP_PID=$!
track "$NOOP_PID"
poll 200 test -S "$T/mxd.sock" || die "mxdetourd did not start: $(cat "$T/mxd.log" 2>/dev/null)"
poll 200 grep -q 'listening' "$T/noop.log" || die "noop_milter did not start"

# warm-up: probes the healthy domains so that every measured lookup is cached
miltertest -s "$top/bench/milter_bench.lua" -D sock="$T/mxd.sock" -D n=1 -D check=1 ||
    die "warm-up message failed"
# (the probe that RCPT queued finishes within probe.wait; a second message
# then finds both healthy domains in the cache)
miltertest -s "$top/bench/milter_bench.lua" -D sock="$T/mxd.sock" -D n=1 -D check=1 ||
    die "second warm-up message failed"

# PID: CPU nanoseconds (user + system) of the process so far, threads that
# have exited included (libmilter runs a thread per connection, so the sum
# over /proc/PID/task would lose them); clock-tick resolution, which is why
# a measurement needs thousands of messages
TICK=$(getconf CLK_TCK)
cpu_ns() {
    sed 's/.*) //' "/proc/$1/stat" | awk -v t="$TICK" '{ printf "%.0f\n", ($12 + $13) * 1e9 / t }'
}

# run SOCK CONNS PID: prints "RATE:CPU" for N messages over CONNS clients:
# messages per second, and the filter's CPU microseconds per message (all
# its threads; a busy machine disturbs it much less than the rate)
run() {
    per=$((N / $2))
    c0=$(cpu_ns "$3")
    t0=$(date +%s%N)
    pids=""
    i=0
    while [ $i -lt "$2" ]; do
        miltertest -s "$top/bench/milter_bench.lua" -D sock="$1" -D n=$per -D check=0 \
            >"$T/client$i.out" 2>&1 &
        pids="$pids $!"
        i=$((i + 1))
    done
    for p in $pids; do
        wait "$p" || die "client failed: $(cat "$T"/client*.out)"
    done
    t1=$(date +%s%N)
    c1=$(cpu_ns "$3")
    echo "$((per * $2 * 1000000000 / (t1 - t0))):$(awk -v a="$c0" -v b="$c1" -v n=$((per * $2)) \
        'BEGIN { printf "%.1f", (b - a) / n / 1000 }')"
}
rates() { tr ' ' '\n' | grep . | cut -d: -f1 | tr '\n' ' '; }
cpus() { tr ' ' '\n' | grep . | cut -d: -f2 | tr '\n' ' '; }

median() {
    tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

echo "# milter_bench: $N messages x 5 recipients, $ROUNDS rounds, log.level $LEVEL, $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg)"
echo "| connections | no-op milter msg/s | mxdetourd msg/s | ratio | no-op CPU µs/msg | mxdetourd CPU µs/msg | CPU ratio | rounds msg/s (noop/mxd) |"
echo "|---|---|---|---|---|---|---|---|"
for c in $CONNS; do
    nl=""
    ml=""
    r=0
    while [ $r -lt "$ROUNDS" ]; do
        nl="$nl $(run "$T/noop.sock" "$c" "$NOOP_PID")"
        ml="$ml $(run "$T/mxd.sock" "$c" "$MXD_PID")"
        r=$((r + 1))
    done
    nm=$(echo "$nl" | rates | median)
    mm=$(echo "$ml" | rates | median)
    nc=$(echo "$nl" | cpus | median)
    mc=$(echo "$ml" | cpus | median)
    ratio=$(awk -v a="$mm" -v b="$nm" 'BEGIN { printf "%.0f%%", 100 * a / b }')
    cratio=$(awk -v a="$nc" -v b="$mc" 'BEGIN { printf "%.0f%%", 100 * a / b }')
    echo "| $c | $nm | $mm | $ratio | $nc | $mc | $cratio | $(echo "$nl" | rates)/ $(echo "$ml" | rates)|"
done
if [ $SINK = 1 ]; then
    kill "$SINK_PID"
    wait "$SINK_PID"
    echo "# the syslog sink received $(cat "$T/log.count") lines (log.level $LEVEL; info: 4 a message)"
else
    echo "# mxdetourd wrote $(grep -c 'via=milter' "$T/mxd.log") decision lines (log.level $LEVEL; info: 4 a message)"
fi
