#!/bin/bash
# bench/probe_bench.sh - throughput of `mxdetour probe` against a local
# authoritative server, next to adnshost resolving the same names.
#
# Run by hand from the top of a built tree (not part of make check):
#   bash bench/probe_bench.sh [N_DOMAINS] [N_MIXED]
#
# 1. N_DOMAINS (default 10000) generated domains, each "MX 10 mx.DOMAIN",
#    the host with one A record and no AAAA (NODATA), served by nsd on
#    127.0.0.2:53 (adns only talks to port 53).  mxdetour probes them all
#    with probe.concurrency 200; adnshost resolves the same MX, A and AAAA
#    names (3 queries a domain, as mxdetour sends) in one pipelined run.
# 2. N_MIXED (default 1000) domains of which every tenth drops AAAA, served
#    by tests/dns/fakedns.py on 127.0.0.3:53 (nsd cannot drop queries).
#    With timeout 2s and 2 tries the whole run must take about one probe's
#    budget (2s + 4s with c-ares' backoff), not 100 x that.
#
# Everything listens on loopback only; generated files and results go to
# bench/out/ (git-ignored).  Installs nsd and adns-tools with apt-get when
# they are missing (root needed for that and for port 53).  Processes started
# here are stopped by PID on exit.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
builddir=${top_builddir:-$top}
MXD="$builddir/src/mxdetour"
PY=/usr/bin/python3
N=${1:-10000}
NMIX=${2:-1000}
CONC=200
OUTD="$top/bench/out"
NSD_ADDR=127.0.0.2
FAKE_ADDR=127.0.0.3

BENCH=probe_bench
. "$top/bench/lib.sh"

[ -x "$MXD" ] || die "$MXD not built (run make first)"
[ "$(id -u)" = 0 ] || die "run as root (port 53 on loopback, apt-get)"
need_pkgs=""
command -v nsd >/dev/null 2>&1 || [ -x /usr/sbin/nsd ] || need_pkgs="$need_pkgs nsd"
command -v adnshost >/dev/null 2>&1 || need_pkgs="$need_pkgs adns-tools"
"$PY" -c 'import dnslib' 2>/dev/null || need_pkgs="$need_pkgs python3-dnslib"
if [ -n "$need_pkgs" ]; then
    echo "installing:$need_pkgs"
    # Debian's nsd package would start a service on every address; keep it
    # from doing so while installing.
    rm_policy=0
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod +x /usr/sbin/policy-rc.d
        rm_policy=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y $need_pkgs >/tmp/probe_bench.apt.log 2>&1
    arc=$?
    [ $rm_policy = 1 ] && rm -f /usr/sbin/policy-rc.d
    [ $arc -eq 0 ] || die "apt-get install$need_pkgs failed (see /tmp/probe_bench.apt.log)"
fi
NSD=$(command -v nsd || echo /usr/sbin/nsd)

rm -rf "$OUTD"
mkdir -p "$OUTD"

ms_now() { "$PY" -c 'import time; print(int(time.monotonic() * 1000))'; }

port_busy() { # ADDR PORT
    "$PY" -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
try:
    s.bind((sys.argv[1], int(sys.argv[2])))
except OSError:
    sys.exit(0)
sys.exit(1)' "$1" "$2"
}

# Bounded wait until ADDR:53 answers a query for NAME/TYPE.
wait_dns() { # ADDR NAME TYPE
    local i
    for i in $(seq 100); do
        if "$PY" - "$1" "$2" "$3" <<'EOF'; then return 0; fi
import socket, sys
from dnslib import DNSRecord
q = DNSRecord.question(sys.argv[2], sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(0.1)
s.sendto(q.pack(), (sys.argv[1], 53))
try:
    s.recvfrom(4096)
except OSError:
    sys.exit(1)
EOF
        sleep 0.1
    done
    return 1
}

# ---- 1. N domains from nsd --------------------------------------------------
port_busy $NSD_ADDR 53 && die "$NSD_ADDR:53 is in use"
echo "generating $N domains"
"$PY" - "$N" "$OUTD" <<'EOF'
import sys
n, out = int(sys.argv[1]), sys.argv[2]
with open(out + "/bench.test.zone", "w") as z, open(out + "/domains", "w") as d, \
        open(out + "/adns.in", "w") as a:
    z.write("$ORIGIN bench.test.\n$TTL 300\n"
            "@ SOA ns.bench.test. hostmaster.bench.test. 1 3600 600 86400 300\n"
            "@ NS ns.bench.test.\nns A 127.0.0.2\n")
    a.write("-t mx-\n")
    names = ["d%05d" % i for i in range(n)]
    for i, name in enumerate(names):
        z.write("%s MX 10 mx.%s\nmx.%s A 127.%d.%d.%d\n"
                % (name, name, name, 1 + (i >> 16) % 250, (i >> 8) & 255, i & 255))
        d.write("%s.bench.test\n" % name)
        a.write("%s.bench.test\n" % name)
    a.write("-t a\n")
    for name in names:
        a.write("mx.%s.bench.test\n" % name)
    a.write("-t aaaa\n")
    for name in names:
        a.write("mx.%s.bench.test\n" % name)
EOF
cat >"$OUTD/nsd.conf" <<EOF
server:
  ip-address: $NSD_ADDR@53
  do-ip6: no
  username: ""
  chroot: ""
  zonesdir: "$OUTD"
  database: ""
  zonelistfile: "$OUTD/zone.list"
  xfrdfile: "$OUTD/xfrd.state"
  xfrdir: "$OUTD"
  pidfile: "$OUTD/nsd.pid"
  logfile: "$OUTD/nsd.log"
  server-count: 2
  verbosity: 0
  hide-version: yes
  minimal-responses: yes
  refuse-any: yes
  rrl-ratelimit: 0          # nsd limits responses per client to 200/s by default
  rrl-whitelist-ratelimit: 0
remote-control:
  control-enable: no
zone:
  name: bench.test
  zonefile: bench.test.zone
EOF
"$NSD" -d -c "$OUTD/nsd.conf" 2>>"$OUTD/nsd.log" &
track $!
wait_dns $NSD_ADDR d00000.bench.test MX || die "nsd does not answer (see $OUTD/nsd.log)"

cat >"$OUTD/mxdetour.yaml" <<EOF
probe:
  timeout: 2s
  tries: 2
  concurrency: $CONC
  max_pending: 1000000
  rate: 100000000/s
routing:
  on_broken: pin-mx
EOF

echo "mxdetour probe: $N domains, concurrency $CONC, @$NSD_ADDR"
udp_drops() { awk '/^Udp:/ && $2 ~ /^[0-9]/ {print $6}' /proc/net/snmp; }
rcvbuf0=$(udp_drops)
t0=$(ms_now)
"$MXD" probe -c "$OUTD/mxdetour.yaml" --json --resolver $NSD_ADDR --file "$OUTD/domains" \
    >"$OUTD/probe.json" 2>"$OUTD/probe.err"
rc=$?
t1=$(ms_now)
mxd_ms=$((t1 - t0))
summary() { # JSON FILE -> "total healthy=N ..."
    "$PY" -c 'import collections, json, sys
c = collections.Counter()
for l in open(sys.argv[1]):
    try:
        c[json.loads(l)["verdict"]] += 1
    except (ValueError, KeyError, TypeError):
        c["(bad line)"] += 1
print(sum(c.values()), " ".join("%s=%d" % kv for kv in sorted(c.items())))' "$1"
}
mxd_sum=$(summary "$OUTD/probe.json")
rcvbuf1=$(udp_drops)
echo "  rc=$rc wall=${mxd_ms}ms verdicts: $mxd_sum (UDP RcvbufErrors +$((rcvbuf1 - rcvbuf0)))"

rcvbuf0=$(udp_drops)
echo "adnshost: $((3 * N)) queries (MX, A, AAAA), pipelined, @$NSD_ADDR"
t0=$(ms_now)
adnshost --config "nameserver $NSD_ADDR" -a -f -Fi <"$OUTD/adns.in" >"$OUTD/adns.out" 2>"$OUTD/adns.err"
arc=$?
t1=$(ms_now)
adns_ms=$((t1 - t0))
rcvbuf1=$(udp_drops)
# -Fi: one line per RR, "; failed permfail 301 nodata" for NODATA, other
# "; failed" lines for real failures (timeouts).
adns_ok=$(grep -vc '^; failed' "$OUTD/adns.out")
adns_nodata=$(grep -c '^; failed permfail 301 nodata' "$OUTD/adns.out")
adns_fail=$(($(grep -c '^; failed' "$OUTD/adns.out") - adns_nodata))
echo "  rc=$arc wall=${adns_ms}ms records=$adns_ok nodata=$adns_nodata failed=$adns_fail (UDP RcvbufErrors +$((rcvbuf1 - rcvbuf0)))"

# adnshost has no concurrency limit: the run above sends all queries at once.
# The same list again, fed through a window of 3 x $CONC queries in flight
# (what mxdetour's $CONC domains at a time amount to).
adns_window() { # ADDR INFILE OUTFILE WINDOW
    "$PY" - "$@" <<'EOF'
import os, select, subprocess, sys
addr, inf, outf, window = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
qs, qtype = [], None
for line in open(inf):
    line = line.strip()
    if line.startswith("-t "):
        qtype = line[3:]
    elif line:
        qs.append((qtype, line))
p = subprocess.Popen(["adnshost", "--config", "nameserver " + addr, "-a", "-f"],
                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
out = open(outf, "w")
sent = done = 0
buf = b""
skip = 0
fd = p.stdout.fileno()
while done < len(qs):
    if sent < len(qs) and sent - done < window:
        n = min(len(qs), done + window) - sent
        p.stdin.write("".join("-t %s\n%s\n" % q for q in qs[sent:sent + n]).encode())
        sent += n
    r, _, _ = select.select([fd], [], [], 60)
    if not r:
        break
    data = os.read(fd, 65536)
    if not data:
        break
    buf += data
    *lines, buf = buf.split(b"\n")
    for l in lines:
        if skip:
            skip -= 1
            continue
        parts = l.split()
        if len(parts) >= 3 and parts[0].isdigit():
            done += 1
            skip = int(parts[1])
            out.write(l.decode(errors="replace") + "\n")
p.stdin.close()
p.wait()
out.close()
sys.exit(0 if done == len(qs) else 1)
EOF
}
echo "adnshost: the same $((3 * N)) queries, at most $((3 * CONC)) in flight"
rcvbuf0=$(udp_drops)
t0=$(ms_now)
adns_window $NSD_ADDR "$OUTD/adns.in" "$OUTD/adnsw.out" $((3 * CONC))
wrc=$?
t1=$(ms_now)
adnsw_ms=$((t1 - t0))
rcvbuf1=$(udp_drops)
adnsw_ok=$(grep -c ' ok 0 ok ' "$OUTD/adnsw.out")
adnsw_nodata=$(grep -c ' nodata ' "$OUTD/adnsw.out")
adnsw_other=$(($(grep -c . "$OUTD/adnsw.out") - adnsw_ok - adnsw_nodata))
echo "  rc=$wrc wall=${adnsw_ms}ms ok=$adnsw_ok nodata=$adnsw_nodata other=$adnsw_other (UDP RcvbufErrors +$((rcvbuf1 - rcvbuf0)))"

# ---- 2. NMIX domains, every tenth drops AAAA, from fakedns ------------------
port_busy $FAKE_ADDR 53 && die "$FAKE_ADDR:53 is in use"
"$PY" - "$NMIX" "$OUTD" <<'EOF'
import sys
n, out = int(sys.argv[1]), sys.argv[2]
with open(out + "/mixed.rules", "w") as r, open(out + "/mixed.domains", "w") as d:
    for i in range(n):
        name = "m%05d.mixed.test" % i
        r.write("%s MX answer 10 mx.%s\nmx.%s A answer 127.0.%d.%d\n"
                % (name, name, name, (i >> 8) & 255, i & 255))
        r.write("mx.%s AAAA %s\n" % (name, "drop" if i % 10 == 0 else "nodata"))
        d.write(name + "\n")
EOF
"$PY" "$top/tests/dns/fakedns.py" --quiet --listen $FAKE_ADDR --port 53 \
    --rules "$OUTD/mixed.rules" 2>"$OUTD/fakedns.log" &
track $!
wait_dns $FAKE_ADDR m00001.mixed.test MX || die "fakedns does not answer"

echo "mxdetour probe: $NMIX domains, every tenth drops AAAA, timeout 2s tries 2 (budget 6s), @$FAKE_ADDR"
t0=$(ms_now)
"$MXD" probe -c "$OUTD/mxdetour.yaml" --json --resolver $FAKE_ADDR --file "$OUTD/mixed.domains" \
    >"$OUTD/mixed.json" 2>"$OUTD/mixed.err"
mrc=$?
t1=$(ms_now)
mix_ms=$((t1 - t0))
mix_sum=$(summary "$OUTD/mixed.json")
echo "  rc=$mrc wall=${mix_ms}ms verdicts: $mix_sum"

echo "adnshost: the same $NMIX domains (MX, A, AAAA), @$FAKE_ADDR"
"$PY" - "$OUTD" <<'EOF'
import sys
out = sys.argv[1]
names = [l.strip() for l in open(out + "/mixed.domains") if l.strip()]
with open(out + "/adns-mixed.in", "w") as a:
    a.write("-t mx-\n" + "".join(n + "\n" for n in names))
    a.write("-t a\n" + "".join("mx.%s\n" % n for n in names))
    a.write("-t aaaa\n" + "".join("mx.%s\n" % n for n in names))
EOF
t0=$(ms_now)
timeout 300 adnshost --config "nameserver $FAKE_ADDR" -a -f -Fi <"$OUTD/adns-mixed.in" \
    >"$OUTD/adns-mixed.out" 2>"$OUTD/adns-mixed.err"
t1=$(ms_now)
amix_ms=$((t1 - t0))
amix_nodata=$(grep -c '^; failed permfail 301 nodata' "$OUTD/adns-mixed.out")
amix_fail=$(($(grep -c '^; failed' "$OUTD/adns-mixed.out") - amix_nodata))
echo "  wall=${amix_ms}ms nodata=$amix_nodata failed=$amix_fail"

rate() { "$PY" -c 'import sys; print("%.0f" % (int(sys.argv[1]) * 1000.0 / max(1, int(sys.argv[2]))))' "$1" "$2"; }
{
    echo "| run | domains | wall | domains/s | result |"
    echo "|---|---|---|---|---|"
    echo "| mxdetour probe, nsd | $N | ${mxd_ms} ms | $(rate "$N" "$mxd_ms") | $mxd_sum |"
    echo "| adnshost (MX+A+AAAA), all at once, nsd | $N | ${adns_ms} ms | $(rate "$N" "$adns_ms") | $adns_ok records, $adns_nodata nodata, $adns_fail failed |"
    echo "| adnshost (MX+A+AAAA), $((3 * CONC)) in flight, nsd | $N | ${adnsw_ms} ms | $(rate "$N" "$adnsw_ms") | $adnsw_ok ok, $adnsw_nodata nodata, $adnsw_other other |"
    echo "| mxdetour probe, 10% drop AAAA, fakedns | $NMIX | ${mix_ms} ms | $(rate "$NMIX" "$mix_ms") | $mix_sum |"
    echo "| adnshost (MX+A+AAAA), 10% drop AAAA, fakedns | $NMIX | ${amix_ms} ms | $(rate "$NMIX" "$amix_ms") | $amix_nodata nodata, $amix_fail failed |"
} | tee "$OUTD/results.md"
echo "(results in $OUTD/results.md; $(nproc) cores, $(uname -r))"
ok=1
[ "$rc" -eq 0 ] || ok=0
[ "$mrc" -eq 1 ] || ok=0
[ $ok = 1 ] || echo "probe_bench: unexpected exit codes (probe rc=$rc, mixed rc=$mrc)" >&2
[ $ok = 1 ]
