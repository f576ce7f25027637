#!/bin/sh
# bench/hardening_bench.sh - the resource figures of issue 12 (see
# bench/hardening.md):
#  1. flood: VmRSS of mxdetourd after N (default 1,000,000) unique domains
#     through the socketmap (bench/sockbench.c -S: dN.test, each once, 8
#     connections), with probe.max_cached at its default and at 100,000;
#     once with probe.rate at its default (the flood guard admits few) and
#     once with the guard wide open (every domain probed and cached, so
#     max_cached is what bounds the cache).
#  2. save: socketmap latency (p50/p99/max, 8 connections, random cached
#     domains) over a window in which the state file of N cached verdicts
#     is saved, next to a window without a save.  The save is the one the
#     daemon schedules 1 s after the local resolver is found down (it
#     points at 127.0.0.1:9, where nothing listens; resolvers.check_interval
#     2s); the state file's mtime shows when it happened.
# Run by hand from the top of a built tree: sh bench/hardening_bench.sh [-n N]
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
builddir=${top_builddir:-$top}
MXD="$builddir/src/mxdetourd"
CLI="$builddir/src/mxdetour"
N=1000000
while getopts n: opt; do
    case $opt in
    n) N=$OPTARG ;;
    *) echo "usage: $0 [-n DOMAINS]" >&2; exit 2 ;;
    esac
done
BENCH=hardening_bench
. "$top/bench/lib.sh"
{ [ -x "$MXD" ] && [ -x "$CLI" ]; } || die "$MXD or $CLI not built (run make -j2 first)"
bench_tmp hbench
MXD_PID=""
stop_mxd() { stop_pid "$MXD_PID"; MXD_PID=""; }
gcc -O2 -std=c11 -Wall -Wextra -pthread -o "$T/sockbench" "$top/bench/sockbench.c" ||
    die "cannot build sockbench"

write_conf() { # STATE_FILE PROBE_YAML...
    state=$1
    shift
    cat >"$T/mxdetour.yaml" <<YAML
listen:
  milter: ""
  socketmap: "unix:$T/sm.sock"
  policy: ""
  control: "unix:$T/control.sock"
  socket_group: ""
user: ""
state_file: "$state"
resolvers:
  local: ["127.0.0.1:9"]
  check_interval: 2s
routing:
  mode: rewrite
  on_broken: pin-mx
log:
  level: warning
probe:
  recheck: 1d
YAML
    for l in "$@"; do printf '  %s\n' "$l" >>"$T/mxdetour.yaml"; done
}
status_ok() { "$CLI" -c "$T/mxdetour.yaml" status >"$T/status.out" 2>&1; }
start_mxd() {
    "$MXD" -f -c "$T/mxdetour.yaml" 2>>"$T/mxd.log" &
    MXD_PID=$!
    track "$MXD_PID"
    poll 1200 status_ok || die "mxdetourd did not start: $(tail -5 "$T/mxd.log")"
}
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
kv() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

echo "# flood: $N unique domains through the socketmap"
for rate in default wide; do
    for mc in default 100000; do
        set --
        [ "$mc" = default ] || set -- "max_cached: $mc"
        [ "$rate" = default ] || set -- "$@" "rate: 100000/s" "max_pending: 10000000"
        write_conf "" "$@"
        start_mxd
        rss0=$(rss_kb "$MXD_PID")
        line=$("$T/sockbench" -s "$T/sm.sock" -m socketmap -c 8 -S -n "$N" -d 3600) ||
            die "sockbench failed: $line"
        sleep 2
        status_ok
        rss1=$(rss_kb "$MXD_PID")
        cached=$(sed -n 's/^cached domains: //p' "$T/status.out")
        echo "rate=$rate max_cached=$mc requests=$(kv requests "$line") seconds=$(kv seconds "$line")" \
            "rss_start_kb=$rss0 rss_after_kb=$rss1 cached=\"$cached\" p99_us=$(kv p99_us "$line")"
        stop_mxd
    done
done

echo "# save: socketmap latency while $N cached verdicts are saved"
# state file: every dN.test cached and fresh (bench/state_gen.sh)
sh "$top/bench/state_gen.sh" "$N" >"$T/verdicts" || die "cannot write the state file"
write_conf "$T/verdicts"
m0=$(stat -c %Y.%N "$T/verdicts" 2>/dev/null || stat -c %Y "$T/verdicts")
start_mxd
t0=$(date +%s.%N)
with=$("$T/sockbench" -s "$T/sm.sock" -m socketmap -c 8 -D "$N" -d 12) || die "sockbench: $with"
m1=$(stat -c %y "$T/verdicts")
[ "$(stat -c %Y.%N "$T/verdicts" 2>/dev/null || stat -c %Y "$T/verdicts")" != "$m0" ] ||
    die "no save happened in the window"
without=$("$T/sockbench" -s "$T/sm.sock" -m socketmap -c 8 -D "$N" -d 12) || die "sockbench: $without"
echo "window started $(date -d "@$t0" +%T.%N | cut -c1-12), state file written $(echo "$m1" | cut -c12-23)"
echo "with-save:    $with"
echo "without-save: $without"
stop_mxd
