#!/bin/sh
# The test server itself: every action of tests/dns/fakedns.py on the wire
# (UDP and TCP), and survival of garbage input.  Needs no mxdetour.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/dns/lib.sh"
cat >"$TMPD/rules" <<'RULES'
ok.test MX answer 10 mx1.ok.test   # comment
mx1.ok.test A answer 127.0.0.10
MX1.OK.TEST. A answer 127.0.0.11
mx1.ok.test AAAA nodata
nm.test MX answer 0 .
cn.test CNAME answer mx1.ok.test.
d.test AAAA drop
sf.test AAAA servfail
fe.test AAAA formerr
ni.test AAAA notimp
rf.test AAAA refused
nx.test AAAA nxdomain
mal.test AAAA malformed
tc.test AAAA truncated
wt.test AAAA wrongtype
br.test AAAA badrdata
lm.test AAAA lame
rl.test AAAA referral
dl.test AAAA delay 300 answer 2001:db8::1
dl.test A delay 200 nodata
ttl.test A ttl 2 answer 127.0.0.20
ttl.test MX delay 100 ttl 7 answer 10 mx1.ok.test
ttc.test CNAME ttl 5 answer ttl.test.
all.test ANY refused
all.test A answer 127.0.0.5
*.wild.test ANY servfail
RULES
fakedns_start "$TMPD/rules"
"$PY" - "$FD_PORT" "$TMPD/rules" <<'EOF2' || fail "fakedns misbehaves wrongly"
import os, random, socket, struct, sys, time
from dnslib import DNSRecord, QTYPE, RCODE
port = int(sys.argv[1])
bad = []

def ask(name, qtype, tcp=False, raw=None, timeout=0.8):
    pkt = raw if raw is not None else DNSRecord.question(name, qtype).pack()
    t0 = time.monotonic()
    try:
        if tcp:
            s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
            s.sendall(struct.pack("!H", len(pkt)) + pkt)
            hdr = s.recv(2)
            n = struct.unpack("!H", hdr)[0]
            d = b""
            while len(d) < n:
                chunk = s.recv(n - len(d))
                if not chunk:
                    break
                d += chunk
            s.close()
        else:
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.settimeout(timeout)
            s.sendto(pkt, ("127.0.0.1", port))
            d, _ = s.recvfrom(65535)
            s.close()
    except (socket.timeout, struct.error):
        return ("timeout",), time.monotonic() - t0
    ms = time.monotonic() - t0
    try:
        r = DNSRecord.parse(d)
    except Exception:
        return ("unparsable", len(d)), ms
    return (RCODE.get(r.header.rcode), r.header.tc,
            tuple((QTYPE.get(x.rtype), str(x.rdata)) for x in r.rr)), ms

def check(name, qtype, want, tcp=False, min_s=0.0):
    got, s = ask(name, qtype, tcp)
    if got != want or s < min_s:
        bad.append("%s %s%s: got %r in %.3fs, want %r" % (name, qtype, " tcp" if tcp else "", got, s, want))

for tcp in (False, True):
    check("ok.test", "MX", ("NOERROR", 0, (("MX", "10 mx1.ok.test."),)), tcp)
    check("mx1.ok.test", "A", ("NOERROR", 0, (("A", "127.0.0.10"), ("A", "127.0.0.11"))), tcp)
    check("tc.test", "AAAA", ("NOERROR", 1, ()), tcp)
    check("mal.test", "AAAA", ("unparsable", 31), tcp)
check("Mx1.Ok.Test", "AAAA", ("NOERROR", 0, ()))
check("mx1.ok.test", "TXT", ("NOERROR", 0, ()))
check("nope.test", "A", ("NXDOMAIN", 0, ()))
check("nm.test", "MX", ("NOERROR", 0, (("MX", "0 ."),)))
check("cn.test", "A", ("NOERROR", 0, (("CNAME", "mx1.ok.test."), ("A", "127.0.0.10"), ("A", "127.0.0.11"))))
check("cn.test", "AAAA", ("NOERROR", 0, (("CNAME", "mx1.ok.test."),)))
check("d.test", "AAAA", ("timeout",))
check("d.test", "A", ("NOERROR", 0, ()))
for n, rc in (("sf", "SERVFAIL"), ("fe", "FORMERR"), ("ni", "NOTIMP"), ("rf", "REFUSED"), ("nx", "NXDOMAIN")):
    check(n + ".test", "AAAA", (rc, 0, ()))
check("wt.test", "AAAA", ("NOERROR", 0, (("TXT", '"wrong type"'),)))
check("br.test", "AAAA", ("unparsable", 40))
check("dl.test", "AAAA", ("NOERROR", 0, (("AAAA", "2001:db8::1"),)), min_s=0.29)
check("dl.test", "A", ("NOERROR", 0, ()), min_s=0.19)
check("all.test", "A", ("NOERROR", 0, (("A", "127.0.0.5"),)))
check("all.test", "MX", ("REFUSED", 0, ()))
check("x.y.wild.test", "A", ("SERVFAIL", 0, ()))
check("wild.test", "A", ("NXDOMAIN", 0, ()))

# AA on every reply but lame and referral; RD echoed, never acted on.
def head(name, qtype, rd):
    q = DNSRecord.question(name, qtype)
    q.header.rd = rd
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(0.8)
    s.sendto(q.pack(), ("127.0.0.1", port))
    r = DNSRecord.parse(s.recvfrom(65535)[0])
    return (r.header.aa, r.header.rd, len(r.rr),
            tuple((QTYPE.get(x.rtype), str(x.rname), str(x.rdata)) for x in r.auth))
for name, qtype, rd, want in (("ok.test", "MX", 0, (1, 0, 1, ())),
                              ("ok.test", "MX", 1, (1, 1, 1, ())),
                              ("lm.test", "AAAA", 0, (0, 0, 0, ())),
                              ("rl.test", "AAAA", 0, (0, 0, 0, (("NS", "test.", "ns.test."),)))):
    got = head(name, qtype, rd)
    if got != want:
        bad.append("%s %s rd=%d: aa, rd, answers, authority %r, want %r" % (name, qtype, rd, got, want))

# ttl S: the rule's records carry it (CNAMEs too); others keep 300.
def ttls(name, qtype):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(0.8)
    s.sendto(DNSRecord.question(name, qtype).pack(), ("127.0.0.1", port))
    return [x.ttl for x in DNSRecord.parse(s.recvfrom(65535)[0]).rr]
for name, qtype, want in (("ttl.test", "A", [2]), ("ttl.test", "MX", [7]),
                          ("ttc.test", "A", [5, 2]), ("ok.test", "MX", [300])):
    if ttls(name, qtype) != want:
        bad.append("%s %s: TTLs %r, want %r" % (name, qtype, ttls(name, qtype), want))

# A delayed answer must not hold up the others.
t0 = time.monotonic()
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(DNSRecord.question("dl.test", "AAAA").pack(), ("127.0.0.1", port))
check("ok.test", "MX", ("NOERROR", 0, (("MX", "10 mx1.ok.test."),)))
if time.monotonic() - t0 > 0.2:
    bad.append("a delayed answer blocked the server")

# Garbage: headers get FORMERR, shorter junk and responses are ignored.
got, _ = ask(None, None, raw=b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\xff\xff")
if got != ("FORMERR", 0, ()):
    bad.append("garbage query: %r" % (got,))
if ask(None, None, raw=b"\x01", timeout=0.2)[0] != ("timeout",):
    bad.append("1-byte packet answered")
if ask(None, None, raw=b"\x12\x34\x81\x00" + b"\0" * 8, timeout=0.2)[0] != ("timeout",):
    bad.append("a response packet was answered")
random.seed(7)
base = [DNSRecord.question(n, t).pack() for n in ("ok.test", "cn.test", "mal.test") for t in ("A", "MX", "ANY")]
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(3000):
    b = bytearray(random.choice(base))
    k = i % 3
    if k == 0:
        b = bytearray(os.urandom(random.randrange(0, 80)))
    elif k == 1:
        for _ in range(3):
            b[random.randrange(len(b))] = random.randrange(256)
    else:
        b = b[:random.randrange(len(b))]
    u.sendto(bytes(b), ("127.0.0.1", port))
for i in range(30):
    c = socket.create_connection(("127.0.0.1", port))
    c.sendall(os.urandom(random.randrange(0, 200)))
    c.close()
time.sleep(0.5)  # let the server drain its queue before the last check
check("ok.test", "MX", ("NOERROR", 0, (("MX", "10 mx1.ok.test."),)))
check("ok.test", "MX", ("NOERROR", 0, (("MX", "10 mx1.ok.test."),)), True)

# Rules are re-read when the file changes.
rules = sys.argv[2]
with open(rules, "a") as f:
    f.write("new.test A answer 127.0.0.77\n")
st = os.stat(rules)
os.utime(rules, ns=(st.st_atime_ns, st.st_mtime_ns + 1000000))
check("new.test", "A", ("NOERROR", 0, (("A", "127.0.0.77"),)))

for b in bad:
    print("FAIL:", b)
sys.exit(1 if bad else 0)
EOF2
grep -q 'AAAA d.test. -> drop' "$FD_LOG" || fail "queries are not logged"
# --no-tcp: UDP answers, a TCP connection is refused.
FD_OPTS=--no-tcp fakedns_start "$TMPD/rules"
"$PY" - "$FD_PORT" <<'EOF3' || fail "--no-tcp: TCP was not refused"
import socket, sys
try:
    socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1).close()
except ConnectionRefusedError:
    sys.exit(0)
sys.exit(1)
EOF3
# A bad rules file is refused at start with FILE:LINE.
echo "x.test A answer not-an-address" >"$TMPD/badrules"
if "$PY" "$FAKEDNS" --port 0 --rules "$TMPD/badrules" 2>"$TMPD/err"; then
    fail "a bad rules file was accepted"
fi
grep -q "badrules:1:" "$TMPD/err" || fail "no FILE:LINE for a bad rule: $(cat "$TMPD/err")"
if "$PY" "$FAKEDNS" --listen 192.0.2.1 --port 0 --rules "$TMPD/rules" 2>/dev/null; then
    fail "a non-loopback address was accepted"
fi
pass
