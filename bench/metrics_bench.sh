#!/bin/sh
# bench/metrics_bench.sh - the cost of GET /metrics with DOMAINS cached
# verdicts (default 100,000, loaded from a generated state file), next to
# the same daemon with an empty cache, and next to `mxdetour status`, which
# walks the whole table under the cache lock.
#
# Run by hand from the top of a built tree (make -j2 first; not part of
# make check):
#   sh bench/metrics_bench.sh [-n SCRAPES] [-D DOMAINS]
# Each cell makes SCRAPES (default 1,000) requests from Python's
# http.client: once over one kept-alive connection (as Prometheus does),
# once with a new connection per scrape (as curl in a loop), and reports
# the total time, the mean and p50/p99 per scrape.  No probe ever starts
# (resolvers.local is 127.0.0.1:9, where nothing listens; probe.recheck 1d).
# Processes started here are stopped by PID on exit.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
builddir=${top_builddir:-$top}
MXD="$builddir/src/mxdetourd"
CLI="$builddir/src/mxdetour"
N=1000
DOMAINS=100000
while getopts n:D: opt; do
    case $opt in
    n) N=$OPTARG ;;
    D) DOMAINS=$OPTARG ;;
    *)
        echo "usage: $0 [-n SCRAPES] [-D DOMAINS]" >&2
        exit 2
        ;;
    esac
done

BENCH=metrics_bench
. "$top/bench/lib.sh"

{ [ -x "$MXD" ] && [ -x "$CLI" ]; } || die "$MXD or $CLI not built (run make -j2 first)"
bench_tmp metbench
MXD_PID=""

# DOMAINS verdicts: every seventh aaaa-ignored, the rest healthy, so the
# gauge has more than one series to count.
python3 - "$DOMAINS" >"$T/verdicts.full" <<'PY' || die "cannot write the state file"
import sys, time
n, now = int(sys.argv[1]), int(time.time())
print("mxdetour-state 1")
for i in range(n):
    v = "aaaa-ignored" if i % 7 == 0 else "healthy"
    print(f"m{i}.test\t{v}\t0\t1\t{now}\tmx.m{i}.test\t192.0.2.{i % 250 + 1}\tbench")
PY
printf 'mxdetour-state 1\n' >"$T/verdicts.empty"

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
CONF="$T/mxdetour.yaml"
write_conf() { # STATE_FILE
    cat >"$CONF" <<YAML
listen:
  milter: ""
  socketmap: ""
  policy: ""
  control: "unix:$T/control.sock"
  metrics: "inet:$PORT@127.0.0.1"
  socket_group: ""
user: ""
state_file: "$1"
resolvers:
  local: ["127.0.0.1:9"]
probe:
  recheck: 1d
YAML
}

up() { "$CLI" -c "$CONF" status >/dev/null 2>&1; }
start() { # STATE_FILE
    cp "$1" "$T/verdicts"
    write_conf "$T/verdicts"
    "$MXD" -f -c "$CONF" 2>"$T/daemon.log" &
    MXD_PID=$!
    track "$MXD_PID"
    tries=600
    until up; do
        tries=$((tries - 1))
        [ $tries -gt 0 ] || die "mxdetourd did not start: $(tail -n 5 "$T/daemon.log")"
        sleep 0.05
    done
}
stop() {
    stop_pid "$MXD_PID"
    MXD_PID=""
}

scrapes() { # LABEL
    python3 - "$PORT" "$N" "$1" "$MXD_PID" <<'PY'
import http.client, os, sys, time
port, n, label, pid = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]

def cpu():  # the daemon's user + system time, in seconds
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

def cell(keep):
    times, size = [], 0
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c0 = cpu()
    t0 = time.perf_counter()
    for _ in range(n):
        if not keep:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        t = time.perf_counter()
        conn.request("GET", "/metrics")
        r = conn.getresponse()
        body = r.read()
        times.append(time.perf_counter() - t)
        assert r.status == 200, r.status
        size = len(body)
        if not keep:
            conn.close()
    total = time.perf_counter() - t0
    daemon = cpu() - c0
    times.sort()
    ms = lambda s: f"{s * 1000:.3f} ms"
    print(f"| {label} | {'kept-alive' if keep else 'new each'} | {n} | {total:.3f} s | "
          f"{ms(total / n)} | {ms(times[n // 2])} | {ms(times[n * 99 // 100])} | {daemon:.2f} s | "
          f"{size} B |")

cell(True)
cell(False)
PY
}

statuses() { # LABEL
    t0=$(date +%s%N)
    i=0
    while [ $i -lt 20 ]; do
        "$CLI" -c "$CONF" status >/dev/null || die "status failed"
        i=$((i + 1))
    done
    t1=$(date +%s%N)
    echo "| $1 | \`mxdetour status\` (walks the table) | 20 | $(((t1 - t0) / 1000000)) ms | $(((t1 - t0) / 20000000)) ms | | | | |"
}

echo "| cache | scrape | n | total | mean | p50 | p99 | daemon CPU | body |"
echo "|---|---|---|---|---|---|---|---|---|"
start "$T/verdicts.empty"
scrapes "empty"
statuses "empty"
stop
start "$T/verdicts.full"
entries=$(python3 -c "import urllib.request as u; print([l for l in u.urlopen('http://127.0.0.1:$PORT/metrics').read().decode().splitlines() if l.startswith('mxdetour_cache_entries ')][0])")
[ "$entries" = "mxdetour_cache_entries $DOMAINS" ] || die "cache not filled: $entries"
scrapes "$DOMAINS verdicts"
statuses "$DOMAINS verdicts"
stop
