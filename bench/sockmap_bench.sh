#!/bin/sh
# bench/sockmap_bench.sh - socketmap and policy answers per second and
# p50/p99 latency of mxdetourd with 100,000 cached domains, next to a
# minimal netstring/policy echo server (bench/echo_floor.c, "the floor") on
# the same kind of socket (unix stream), measured in the same run.
#
# Run by hand from the top of a built tree (make -j2 first; not part of
# make check):
#   sh bench/sockmap_bench.sh [-d SECONDS] [-c "CONNS..."] [-r ROUNDS]
#                             [-D DOMAINS] [-t CLIENT_THREADS] [-p] [-s]
# Defaults: 3 s per cell, 1 8 64 connections, 3 rounds (the round with the
# median rate is reported), 100000 domains, 1 client thread.  -p pins the
# servers to the last CPU and the client to the others (taskset).  -s
# gives the daemon a syslog socket, as on a host: a private mount namespace
# whose /dev/log is a datagram socket read by a small Python sink (on the
# same CPUs, as journald would be), and JOURNAL_STREAM set, as systemd
# sets it, so no stderr copy; without -s there is no /dev/log (this
# container's case) and -f copies every line to a file.
#
# bench/sockbench.c is the client: each connection keeps one request
# outstanding, as Postfix does.  The state file is generated here: every
# domain dN.test (N < DOMAINS) is cached and fresh (probe.recheck 1d), one
# in ten aaaa-ignored with a pin address (so the socketmap answers
# "OK smtp:[192.0.2.x]" and logs a decision line), the rest healthy; no
# probe ever starts.  resolvers.local is tests/dns/fakedns.py on loopback
# with no rules (every name NXDOMAIN): the canary check finds the local
# resolver up, as on a real host; were it down, every domain would get
# routing.on_local_dns_down and the run would measure the wrong path (the
# script fails unless a tenth of the socketmap answers are OK).  A policy request is Postfix 3.7's RCPT request with a new
# instance each time; mxdetourd remembers every instance (up to 65,536,
# dropped after 300 s idle), so before each policy cell the daemon is
# restarted and the cell is capped at POLICY_MAX requests, which keeps
# every request on the full path (never "table full").
#
# Memory: VmRSS of a daemon started with no state next to one that loaded
# the DOMAINS verdicts, and the cache's own byte count from
# `mxdetour status`.  Processes started here are stopped by PID on exit.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
builddir=${top_builddir:-$top}
MXD="$builddir/src/mxdetourd"
CLI="$builddir/src/mxdetour"
SECS=3
CONNS="1 8 64"
ROUNDS=3
DOMAINS=100000
THREADS=1
PIN_SRV=""
PIN_CLI=""
SINK=0
SINK_PID=""
POLICY_MAX=60000
SOCKMAP_MAX=50000000
while getopts d:c:r:D:t:ps opt; do
    case $opt in
    d) SECS=$OPTARG ;;
    c) CONNS=$OPTARG ;;
    r) ROUNDS=$OPTARG ;;
    D) DOMAINS=$OPTARG ;;
    t) THREADS=$OPTARG ;;
    p)
        last=$(($(nproc) - 1))
        [ "$last" -gt 0 ] || { echo "sockmap_bench: -p needs 2 CPUs" >&2; exit 2; }
        PIN_SRV="taskset -c $last"
        PIN_CLI="taskset -c 0-$((last - 1))"
        ;;
    s) SINK=1 ;;
    *)
        echo "usage: $0 [-d SECONDS] [-c \"CONNS...\"] [-r ROUNDS] [-D DOMAINS] [-t THREADS] [-p] [-s]" >&2
        exit 2
        ;;
    esac
done

BENCH=sockmap_bench
. "$top/bench/lib.sh"

{ [ -x "$MXD" ] && [ -x "$CLI" ]; } || die "$MXD or $CLI not built (run make -j2 first)"
bench_tmp sbench
MXD_PID=""
FLOOR_PID=""

: >"$T/zone.rules"
/usr/bin/python3 "$top/tests/dns/fakedns.py" --listen 127.0.0.1 --port 0 \
    --portfile "$T/dns.port" --quiet --rules "$T/zone.rules" 2>"$T/dns.log" &
track $!
poll 200 test -s "$T/dns.port" || die "fakedns did not start: $(tail -3 "$T/dns.log")"

# the syslog sink (-s): keeps every line in a file (as journald writes
# them), writes the count on SIGTERM
if [ $SINK = 1 ]; then
    command -v unshare >/dev/null || die "unshare missing (util-linux)"
    /usr/bin/python3 -c '
import signal, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
s.bind(sys.argv[1])
out = open(sys.argv[3], "ab")
n = 0
def done(*_):
    out.close()
    open(sys.argv[2], "w").write("%d\n" % n)
    sys.exit(0)
signal.signal(signal.SIGTERM, done)
while True:
    out.write(s.recv(65536) + b"\n")
    n += 1
' "$T/log.sock" "$T/log.count" "$T/syslog.txt" &
    SINK_PID=$!
    track "$SINK_PID"
    poll 200 test -S "$T/log.sock" || die "syslog sink did not start"
    mkdir "$T/hostdev"
fi

gcc -O2 -std=c11 -Wall -Wextra -pthread -o "$T/sockbench" "$top/bench/sockbench.c" ||
    die "cannot build sockbench"
gcc -O2 -std=c11 -Wall -Wextra -o "$T/echo_floor" "$top/bench/echo_floor.c" ||
    die "cannot build echo_floor"

# state file: every dN.test cached and fresh (bench/state_gen.sh)
sh "$top/bench/state_gen.sh" "$DOMAINS" >"$T/verdicts.gen" || die "cannot write the state file"

write_conf() { # FILE STATE_FILE
    cat >"$1" <<YAML
listen:
  milter: ""
  socketmap: "unix:$T/mxd-socketmap.sock"
  policy: "unix:$T/mxd-policy.sock"
  control: "unix:$T/control.sock"
  socket_group: ""
user: ""
state_file: "$2"
resolvers:
  local: ["127.0.0.1:$(cat "$T/dns.port")"]
probe:
  recheck: 1d
routing:
  mode: rewrite
  on_broken: pin-mx
YAML
}
write_conf "$T/empty.yaml" "$T/empty.state"
write_conf "$T/mxdetour.yaml" "$T/verdicts"

status_ok() { "$CLI" -c "$CONF" status >"$T/status.out" 2>&1; }
start_mxd() { # CONF
    CONF=$1
    if [ $SINK = 1 ]; then
        # shellcheck disable=SC2016 # expanded by the inner shell
        JOURNAL_STREAM=bench $PIN_SRV unshare -m sh -c 'mount --make-rprivate / &&
            mount --bind /dev "$1/hostdev" && mount -t tmpfs tmpfs /dev &&
            for d in null zero random urandom; do ln -s "$1/hostdev/$d" /dev/$d; done &&
            ln -s "$1/log.sock" /dev/log && exec "$2" -f -c "$3"' sh "$T" "$MXD" "$CONF" \
            2>>"$T/mxd.log" &
    else
        $PIN_SRV "$MXD" -f -c "$CONF" 2>>"$T/mxd.log" &
    fi
    MXD_PID=$! # taskset, unshare and sh exec: the same process
    track "$MXD_PID"
    poll 600 status_ok || die "mxdetourd did not start: $(tail -5 "$T/mxd.log")"
}
stop_mxd() {
    stop_pid "$MXD_PID"
    MXD_PID=""
}
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# memory: a daemon without state, then one that loads the DOMAINS verdicts
start_mxd "$T/empty.yaml"
rss0=$(rss_kb "$MXD_PID")
stop_mxd
cp "$T/verdicts.gen" "$T/verdicts"
t0=$(date +%s%N)
start_mxd "$T/mxdetour.yaml"
t1=$(date +%s%N)
rss1=$(rss_kb "$MXD_PID")
cached=$(sed -n 's/^cached domains: //p' "$T/status.out")
ncached=${cached%% *}
[ "$ncached" = "$DOMAINS" ] || die "expected $DOMAINS cached domains, status says: $cached"

$PIN_SRV "$T/echo_floor" "$T/floor-socketmap.sock" "$T/floor-policy.sock" 2>"$T/floor.log" &
FLOOR_PID=$!
track "$FLOOR_PID"
poll 200 grep -q listening "$T/floor.log" || die "echo_floor did not start"

kv() { # KEY LINE
    echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"
}
cpu_ns() { # PID: on-CPU nanoseconds of all its threads so far, then of its main thread
    cat "/proc/$1"/task/*/schedstat | awk '{ s += $1 } END { printf "%.0f ", s }'
    cut -d' ' -f1 "/proc/$1/task/$1/schedstat"
}
bench() { # SOCK MODE CONNS MAX SERVER_PID: one sockbench line, plus the
    # server's CPU time per request (less sensitive to a busy machine than the rate)
    # the main thread answers; mxdetourd's others (the log thread) are
    # shown apart as other_us: they run on the same 2 CPUs as the client
    c0=$(cpu_ns "$5")
    line=$($PIN_CLI "$T/sockbench" -s "$1" -m "$2" -c "$3" -t "$THREADS" -d "$SECS" -n "$4" \
        -D "$DOMAINS") || die "sockbench failed against $1 ($2, $3 connections)"
    c1=$(cpu_ns "$5")
    echo "$line $(echo "$c0 $c1" | awk -v n="$(kv requests "$line")" \
        '{ printf "cpu_us=%.1f other_us=%.1f", ($3 - $1) / n / 1000, ($3 - $4 - $1 + $2) / n / 1000 }')"
}
# warm-up (not reported): faults in both servers' paths
bench "$T/floor-socketmap.sock" socketmap 1 20000 "$FLOOR_PID" >/dev/null
bench "$T/mxd-socketmap.sock" socketmap 1 20000 "$MXD_PID" >/dev/null

# median: of the sockbench lines on stdin, the one with the median rps
median() {
    awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^rps=/) { split($i, a, "="); print a[2] "\t" $0 } }' |
        sort -n | awk '{ v[NR] = $0 } END { print v[int((NR + 1) / 2)] }' | cut -f2-
}

rows=""
for mode in socketmap policy; do
    if [ $mode = policy ]; then
        rss2=$(rss_kb "$MXD_PID") # after every socketmap cell, before the first restart
    fi
    for c in $CONNS; do
        fl=""
        ml=""
        r=0
        while [ $r -lt "$ROUNDS" ]; do
            if [ $mode = socketmap ]; then
                max=$SOCKMAP_MAX
            else
                max=$POLICY_MAX
                stop_mxd
                start_mxd "$T/mxdetour.yaml"
            fi
            f=$(bench "$T/floor-$mode.sock" $mode "$c" "$max" "$FLOOR_PID") || exit 1
            m=$(bench "$T/mxd-$mode.sock" $mode "$c" "$max" "$MXD_PID") || exit 1
            echo "# round $r floor:    $f" >&2
            echo "# round $r mxdetourd: $m" >&2
            fl="$fl
$f"
            ml="$ml
$m"
            r=$((r + 1))
        done
        fm=$(printf '%s\n' "$fl" | median)
        mm=$(printf '%s\n' "$ml" | median)
        ratio=$(awk -v a="$(kv rps "$mm")" -v b="$(kv rps "$fm")" 'BEGIN { printf "%.0f%%", 100 * a / b }')
        okshare=""
        if [ $mode = socketmap ]; then
            [ "$(kv ok "$mm")" -gt 0 ] ||
                die "no OK answer: the local resolver is down or the state was not loaded"
            okshare=" ($(awk -v o="$(kv ok "$mm")" -v n="$(kv requests "$mm")" 'BEGIN { printf "%.1f%% OK", 100 * o / n }'))"
        fi
        rows="$rows
| $mode | $c | $(kv rps "$fm") | $(kv p50_us "$fm") | $(kv p99_us "$fm") | $(kv cpu_us "$fm") | $(kv rps "$mm") | $(kv p50_us "$mm") | $(kv p99_us "$mm") | $(kv cpu_us "$mm") | $(kv other_us "$mm") | $ratio | $(kv requests "$mm")$okshare |"
    done
done
"$CLI" -c "$T/mxdetour.yaml" status >"$T/status.out" 2>&1
cached2=$(sed -n 's/^cached domains: //p' "$T/status.out")

echo "# sockmap_bench: $DOMAINS cached domains, ${SECS}s per cell, $ROUNDS rounds (median shown), $THREADS client thread(s), ${PIN_SRV:+pinned (server: $PIN_SRV), }$(nproc) CPUs, $(uname -r)"
echo
echo "| protocol | conns | floor req/s | floor p50 µs | floor p99 µs | floor CPU µs/req | mxdetourd req/s | mxdetourd p50 µs | mxdetourd p99 µs | mxdetourd CPU µs/req | of which other threads | rate ratio | mxdetourd requests |"
echo "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|"
echo "$rows" | sed '/^$/d'
echo
bytes=${cached#*(}
bytes=${bytes%% *}
echo "memory: VmRSS ${rss0} kB without state, ${rss1} kB after loading $ncached verdicts" \
    "($(( (rss1 - rss0) * 1024 / DOMAINS )) bytes per domain; load took $(( (t1 - t0) / 1000000 )) ms" \
    "including start-up), ${rss2} kB after the socketmap cells"
echo "status: cached domains: $cached at start, $cached2 at the end ($((bytes / DOMAINS)) bytes per domain by the cache's count)"
if [ $SINK = 1 ]; then
    stop_pid "$SINK_PID"
    SINK_PID=""
    echo "syslog: the sink received $(cat "$T/log.count") lines"
fi
full=$(cat "$T/mxd.log" "$T/syslog.txt" 2>/dev/null | grep -c 'transactions remembered')
echo "checks: probes since the last start: $(sed -n 's/^probes: //p' "$T/status.out"); policy table full warnings: $full"
