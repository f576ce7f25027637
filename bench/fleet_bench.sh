#!/bin/sh
# bench/fleet_bench.sh - what the fleet (fleet.redis) costs and gives:
#  1. socketmap answers per second of two mxdetourd with the same cached
#     verdicts, one with the fleet off and one with it on, measured in the
#     same run, alternating, ROUNDS rounds (median shown): the goal is at
#     least 95% of off;
#  2. how long a verdict takes to reach every node: three fleet nodes, a
#     verdict record published on the channel as a node publishes it, each
#     node's socketmap asked in a tight loop until it answers the route;
#  3. bytes per verdict in Redis (MEMORY USAGE of a record key).
# Run by hand from the top of a built tree (not part of make check):
#   sh bench/fleet_bench.sh [-d SECONDS] [-r ROUNDS] [-D DOMAINS] [-n VERDICTS]
# Needs redis-server and redis-cli (Debian: redis-server).  Everything runs
# on unix sockets in a temporary directory and is stopped by PID on exit.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
builddir=${top_builddir:-$top}
MXD="$builddir/src/mxdetourd"
CLI="$builddir/src/mxdetour"
SECS=3
ROUNDS=3
DOMAINS=100000
VERDICTS=50
while getopts d:r:D:n: opt; do
    case $opt in
    d) SECS=$OPTARG ;;
    r) ROUNDS=$OPTARG ;;
    D) DOMAINS=$OPTARG ;;
    n) VERDICTS=$OPTARG ;;
    *)
        echo "usage: $0 [-d SECONDS] [-r ROUNDS] [-D DOMAINS] [-n VERDICTS]" >&2
        exit 2
        ;;
    esac
done
BENCH=fleet_bench
. "$top/bench/lib.sh"
{ [ -x "$MXD" ] && [ -x "$CLI" ]; } || die "$MXD or $CLI not built (run make -j2 first)"
command -v redis-server >/dev/null && command -v redis-cli >/dev/null ||
    die "redis-server and redis-cli needed (apt-get install redis-server)"
bench_tmp fbench

gcc -O2 -std=c11 -Wall -Wextra -pthread -o "$T/sockbench" "$top/bench/sockbench.c" ||
    die "cannot build sockbench"
RSOCK="$T/redis.sock"
redis-server --port 0 --unixsocket "$RSOCK" --unixsocketperm 700 --save '' --appendonly no \
    --daemonize no --dir "$T" >"$T/redis.log" 2>&1 &
track $!
poll 200 sh -c "redis-cli -s '$RSOCK' PING 2>/dev/null | grep -q PONG" || die "redis-server did not start"

# state file: every dN.test cached and fresh (bench/state_gen.sh)
sh "$top/bench/state_gen.sh" "$DOMAINS" >"$T/verdicts.gen" || die "cannot write the state file"

start_node() { # NAME REDIS_SPEC STATE
    mkdir -p "$T/$1"
    cat >"$T/$1/mxdetour.yaml" <<YAML
listen:
  milter: ""
  socketmap: "unix:$T/$1/sm.sock"
  policy: ""
  control: "unix:$T/$1/control.sock"
  socket_group: ""
user: ""
state_file: "$T/$1/verdicts"
resolvers:
  local: ["127.0.0.1:9"]
  # nothing listens there: no canary check may call the resolver down
  check_interval: 1d
probe:
  recheck: 1d
routing:
  mode: rewrite
  on_broken: pin-mx
fleet:
  redis: "$2"
  node: $1
YAML
    [ -n "$3" ] && cp "$3" "$T/$1/verdicts"
    "$MXD" -f -c "$T/$1/mxdetour.yaml" 2>>"$T/$1.log" &
    track $!
    poll 600 "$CLI" -c "$T/$1/mxdetour.yaml" status >/dev/null 2>&1 || die "$1 did not start"
}
start_node off "" "$T/verdicts.gen"
start_node on "unix:$RSOCK" "$T/verdicts.gen"
start_node n2 "unix:$RSOCK" ""
start_node n3 "unix:$RSOCK" ""
for n in on n2 n3; do
    poll 200 grep -q 'fleet=redis state=up' "$T/$n.log" || die "$n: fleet not up"
done

# 1. socketmap rate, fleet off and on, alternating.
kv() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
run() { "$T/sockbench" -s "$T/$1/sm.sock" -m socketmap -c 8 -t 1 -d "$SECS" -n 50000000 -D "$DOMAINS"; }
run off >/dev/null && run on >/dev/null || die "sockbench failed"
offs="" ons=""
r=0
while [ $r -lt "$ROUNDS" ]; do
    a=$(run off) && b=$(run on) || die "sockbench failed"
    echo "# round $r off: $a" >&2
    echo "# round $r on:  $b" >&2
    offs="$offs $(kv rps "$a")"
    ons="$ons $(kv rps "$b")"
    r=$((r + 1))
done
med() { echo "$@" | tr ' ' '\n' | sed '/^$/d' | sort -n | awk '{ v[NR] = $0 } END { print v[int((NR + 1) / 2)] }'; }
off=$(med $offs)
on=$(med $ons)

# 2 and 3: verdicts published as a node publishes them (SET, then PUBLISH
# of the record), timed until every node answers the route.  Nothing here
# may start a probe: one through 127.0.0.1:9 would call the resolver down.
/usr/bin/python3 - "$RSOCK" "$VERDICTS" "$T/on/sm.sock" "$T/n2/sm.sock" "$T/n3/sm.sock" >"$T/prop.out" <<'PY' || die "propagation run failed"
import socket, sys, time, statistics
rsock, n, socks = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
r = socket.socket(socket.AF_UNIX); r.connect(rsock)
def cmd(*args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    r.sendall(out)
    return r.recv(65536)
nodes = []
for s in socks:
    c = socket.socket(socket.AF_UNIX); c.connect(s); nodes.append(c)
def ask(c, dom):
    q = ("postfix-transport u@%s" % dom).encode()
    c.sendall(b"%d:%s," % (len(q), q))
    return c.recv(4096)
lat, size, mem = [], 0, []
for i in range(n):
    dom = "p%d-%d.test" % (i, int(time.time()))
    rec = ("mxd1\t%s\taaaa-ignored\t1\t1\t%d\tbench\tmx1.%s\t192.0.2.%d 198.51.100.%d\t"
           "AAAA mx1.%s timeout 2x2000ms at 192.0.2.53" % (dom, int(time.time()), dom, i % 250 + 1, i % 250 + 1, dom)).encode()
    size = len(rec)
    t0 = time.monotonic()
    cmd("SET", "mxdetour:v:" + dom, rec, "PX", 86400000)
    cmd("PUBLISH", "mxdetour:verdicts", rec)
    pending = set(range(len(nodes)))
    while pending and time.monotonic() - t0 < 5:
        for k in list(pending):
            if ask(nodes[k], dom).split(b":", 1)[1].startswith(b"OK"):
                pending.discard(k)
    if pending:
        sys.exit("verdict %s not answered by %d nodes after 5 s" % (dom, len(pending)))
    lat.append((time.monotonic() - t0) * 1000)
    m = cmd("MEMORY", "USAGE", "mxdetour:v:" + dom)
    mem.append(int(m[1:].split(b"\r")[0]))
lat.sort()
print("prop_ms p50=%.2f p99=%.2f max=%.2f n=%d" % (statistics.median(lat), lat[int(len(lat) * 0.99) - 1 if len(lat) >= 100 else -1], lat[-1], n))
print("record_bytes=%d memory_usage=%d" % (size, statistics.median(mem)))
PY
lease=$(redis-cli -s "$RSOCK" SET mxdetour:lease:lease.test on NX PX 2000 >/dev/null &&
    redis-cli -s "$RSOCK" MEMORY USAGE mxdetour:lease:lease.test)

echo "# fleet_bench: $DOMAINS cached domains, ${SECS}s per cell, 8 connections, $ROUNDS rounds (median), $(nproc) CPUs, $(uname -r), $(redis-server --version | cut -d' ' -f3)"
echo
echo "| socketmap req/s, fleet off | fleet on | on/off |"
echo "|--:|--:|--:|"
echo "| $off | $on | $(awk -v a="$on" -v b="$off" 'BEGIN { printf "%.1f%%", 100 * a / b }') |"
echo
echo "verdict to all 3 nodes (SET + PUBLISH to the last node answering the route), $(sed -n 's/^prop_ms //p' "$T/prop.out") ms"
echo "Redis per verdict: $(sed -n 's/^record_bytes=\([0-9]*\).*/\1/p' "$T/prop.out")-byte record, MEMORY USAGE $(sed -n 's/.*memory_usage=//p' "$T/prop.out") bytes (TTL included); a lease key $lease bytes"
echo "checks: probes on the fleet-on node: $("$CLI" -c "$T/on/mxdetour.yaml" status | sed -n 's/^probes: //p')"
