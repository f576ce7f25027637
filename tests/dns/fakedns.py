#!/usr/bin/python3
"""fakedns - a misbehaving authoritative DNS server for mxdetour's tests.

Usage:
  /usr/bin/python3 tests/dns/fakedns.py --listen 127.0.0.1 --port PORT --rules FILE
                                        [--pidfile F] [--portfile F] [--quiet] [--no-tcp]

Serves UDP and TCP on one loopback address and port (--port 0 picks a free
port that is free for both, and --portfile writes it once both sockets are
bound; the pidfile is written at the same moment, so its existence means
"ready").  --no-tcp closes the TCP socket once the port is chosen: a client
that follows a truncated answer over TCP is refused (RFC 8906 3.1.5).  It refuses non-loopback addresses: these tests must never send
traffic off the machine.

Rules file, one rule a line, '#' starts a comment:
  NAME TYPE ACTION [ARGS...]
NAME is a domain (case-insensitive, trailing dot optional); "*" matches
any name that has no rule of its own, "*.suffix" any name below suffix that
has none (extensions used to build a server that refuses everything).
TYPE is A, AAAA, MX, CNAME, TXT, NS, ... or ANY (= every type; a rule of the
exact type wins over ANY).
ACTION:
  answer RDATA...      one record per line; several lines = several records
  nodata | nxdomain | drop | servfail | formerr | notimp | refused
  delay MS ACTION...   the same ACTION, replied MS milliseconds later
  ttl S ACTION...      records of this rule carry TTL S seconds (default 300;
                       0 to 2147483647), e.g. "ttl 2 answer 192.0.2.1";
                       delay and ttl combine in any order
  truncated            TC bit, empty answer, over UDP and TCP alike
  malformed            a header claiming one answer, then garbage bytes
  wrongtype            a TXT record instead of the type asked for
  badrdata             a record of the asked type with 3 bytes of RDATA
  lame                 NOERROR, no records and no AA bit: a server that is
                       not authoritative for the zone (RFC 4074 4.5)
  referral             no AA, no answer, and an NS record of the name's
                       top-level domain in authority (ns.TLD): a referral
                       instead of an answer (RFC 4074 4.5)
Every other reply carries the AA bit; RD is echoed and never acted on (the
server never recurses), so it serves a client asking with RD=0 or RD=1 the
same.
A name with no rule at all is NXDOMAIN; a name with rules, none of them for
the asked type, is NODATA, unless the name has a CNAME: then the chain is
answered as an authoritative server would (target records follow).

The rules file is re-read when its size or mtime changes, so a test can
change the server's behaviour while it runs; a file that does not parse
keeps the old rules (the error is logged).  A bad rules file at start-up is
fatal (exit 2, FILE:LINE: message).

Every query is logged to stderr: "udp 127.0.0.1:40000 MX example.test. -> drop".
Nothing a client sends can stop the server: unparsable packets are answered
with FORMERR when they carry a header, ignored otherwise; responses (QR=1)
are ignored.
"""

import argparse
import heapq
import ipaddress
import os
import selectors
import signal
import socket
import struct
import sys
import time

from dnslib import CLASS, DNSHeader, DNSQuestion, DNSRecord, NS, QTYPE, RCODE, RD, RR
from dnslib.label import DNSBuffer

SIMPLE = {"nodata", "nxdomain", "drop", "servfail", "formerr", "notimp", "refused",
          "truncated", "malformed", "wrongtype", "badrdata", "lame", "referral"}
RCODES = {"nxdomain": RCODE.NXDOMAIN, "servfail": RCODE.SERVFAIL, "formerr": RCODE.FORMERR,
          "notimp": RCODE.NOTIMP, "refused": RCODE.REFUSED}
TTL = 300
MAX_TCP_CONN = 256
TCP_IDLE = 30.0
MAX_CNAME_CHAIN = 8


def log(msg):
    try:
        sys.stderr.write("fakedns: %s\n" % msg)
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def norm(name):
    name = name.strip().lower()
    if name not in (".", "") and name.endswith("."):
        name = name[:-1]
    return name if name else "."


class RuleError(Exception):
    pass


class Rule:
    """One parsed line: delay_ms, ttl, action, rtype (QTYPE int or None = ANY), rr."""

    def __init__(self, name, rtype, action, delay_ms, rr, ttl=TTL):
        self.name = name
        self.rtype = rtype
        self.action = action
        self.delay_ms = delay_ms
        self.rr = rr
        self.ttl = ttl


def parse_rule(words):
    if len(words) < 3:
        raise RuleError("expected NAME TYPE ACTION [ARGS...]")
    name = norm(words[0])
    tname = words[1].upper()
    if tname == "ANY":
        rtype = None
    else:
        try:
            rtype = getattr(QTYPE, tname)
        except AttributeError:
            raise RuleError("unknown type %r" % words[1])
        if not isinstance(rtype, int):
            raise RuleError("unknown type %r" % words[1])
    rest = words[2:]
    delay = 0
    ttl = TTL
    while rest and rest[0].lower() in ("delay", "ttl"):
        what = rest[0].lower()
        if len(rest) < 3:
            raise RuleError("expected %s %s ACTION..." % (what, "MS" if what == "delay" else "S"))
        try:
            n = int(rest[1])
        except ValueError:
            raise RuleError("bad %s %r" % (what, rest[1]))
        if what == "delay":
            if n < 0 or n > 600000:
                raise RuleError("delay out of range: %r" % rest[1])
            delay += n
        else:
            if n < 0 or n > 0x7FFFFFFF:
                raise RuleError("ttl out of range: %r" % rest[1])
            ttl = n
        rest = rest[2:]
    action = rest[0].lower()
    args = rest[1:]
    rr = None
    if action == "answer":
        if rtype is None:
            raise RuleError("answer needs a concrete TYPE, not ANY")
        if not args:
            raise RuleError("answer needs RDATA")
        owner = "." if name == "." else name + "."
        zone = "%s %d IN %s %s" % (owner, TTL, tname, " ".join(args))
        try:
            rrs = RR.fromZone(zone)
        except Exception as e:  # dnslib raises many kinds on bad RDATA
            raise RuleError("bad RDATA %r: %s" % (" ".join(args), e))
        if len(rrs) != 1:
            raise RuleError("bad RDATA %r" % " ".join(args))
        rr = rrs[0]
        try:
            rr.pack(DNSBuffer())  # validate now, not at query time
        except Exception as e:
            raise RuleError("bad RDATA %r: %s" % (" ".join(args), e))
    elif action in SIMPLE:
        if args:
            raise RuleError("%s takes no arguments" % action)
    else:
        raise RuleError("unknown action %r" % rest[0])
    if name.startswith("*") and name not in ("*",) and not name.startswith("*."):
        raise RuleError("wildcard must be '*' or '*.suffix'")
    return Rule(name, rtype, action, delay, rr, ttl)


def load_rules(path):
    """Returns {name: [Rule...]}; raises RuleError with FILE:LINE."""
    rules = {}
    with open(path, "r", encoding="utf-8", errors="replace") as f:
        for lineno, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            try:
                r = parse_rule(line.split())
            except RuleError as e:
                raise RuleError("%s:%d: %s" % (path, lineno, e))
            rules.setdefault(r.name, []).append(r)
    return rules


class Zone:
    def __init__(self, path):
        self.path = path
        self.stamp = self._stamp()
        self.rules = load_rules(path)

    def _stamp(self):
        try:
            st = os.stat(self.path)
            return (st.st_mtime_ns, st.st_size, st.st_ino)
        except OSError:
            return None

    def maybe_reload(self):
        stamp = self._stamp()
        if stamp is None or stamp == self.stamp:
            return
        self.stamp = stamp
        try:
            self.rules = load_rules(self.path)
            log("reloaded %s" % self.path)
        except (RuleError, OSError) as e:
            log("reload failed, keeping old rules: %s" % e)

    def rules_for_name(self, name):
        if name in self.rules:
            return self.rules[name]
        labels = name.split(".")
        for i in range(1, len(labels)):
            wild = "*." + ".".join(labels[i:])
            if wild in self.rules:
                return self.rules[wild]
        return self.rules.get("*")

    def lookup(self, qname, qtype, depth=0):
        """Returns (action, delay_ms, [records]) for one name and type."""
        rules = self.rules_for_name(norm(qname))
        if rules is None:
            return ("nxdomain", 0, [])
        exact = [r for r in rules if r.rtype == qtype]
        chosen = exact or [r for r in rules if r.rtype is None]
        if not chosen and qtype != QTYPE.CNAME:
            cn = [r for r in rules if r.rtype == QTYPE.CNAME and r.action == "answer"]
            if cn:
                return self._chain(qname, cn[0], qtype, depth)
        if not chosen:
            return ("nodata", 0, [])
        for r in chosen:
            if r.action != "answer":
                return (r.action, r.delay_ms, [])
        recs = []
        for r in chosen:
            rr = RR(rname=qname, rtype=r.rr.rtype, rclass=CLASS.IN, ttl=r.ttl, rdata=r.rr.rdata)
            recs.append(rr)
        return ("answer", max(r.delay_ms for r in chosen), recs)

    def _chain(self, qname, rule, qtype, depth):
        rec = RR(rname=qname, rtype=QTYPE.CNAME, rclass=CLASS.IN, ttl=rule.ttl, rdata=rule.rr.rdata)
        target = str(rule.rr.rdata.label)
        if depth >= MAX_CNAME_CHAIN:
            return ("answer", rule.delay_ms, [rec])
        action, delay, recs = self.lookup(target, qtype, depth + 1)
        delay = max(delay, rule.delay_ms)
        if action in ("answer", "nodata"):
            return ("answer", delay, [rec] + recs)
        if action == "nxdomain":
            return ("cname-nxdomain", delay, [rec] + recs)
        return (action, delay, [])


def reply_header(q):
    h = DNSHeader(id=q.header.id, qr=1, aa=1, ra=0, rd=q.header.rd,
                  opcode=q.header.opcode)
    return h


def build_response(zone, q):
    """Returns (bytes or None, delay_ms, action) for a parsed query."""
    if q.header.opcode != 0:
        r = DNSRecord(reply_header(q), questions=q.questions)
        r.header.rcode = RCODE.NOTIMP
        return r.pack(), 0, "opcode-notimp"
    if len(q.questions) != 1:
        r = DNSRecord(reply_header(q), questions=q.questions[:1])
        r.header.rcode = RCODE.FORMERR
        return r.pack(), 0, "qdcount-formerr"
    question = q.questions[0]
    qname = question.qname
    qtype = question.qtype
    action, delay, recs = zone.lookup(str(qname), qtype)
    resp = DNSRecord(reply_header(q), questions=[question])
    if action == "drop":
        return None, delay, action
    if action == "answer":
        for rr in recs:
            resp.add_answer(rr)
    elif action == "cname-nxdomain":
        for rr in recs:
            resp.add_answer(rr)
        resp.header.rcode = RCODE.NXDOMAIN
    elif action == "nodata":
        pass
    elif action in RCODES:
        resp.header.rcode = RCODES[action]
    elif action == "truncated":
        resp.header.tc = 1
    elif action in ("lame", "referral"):
        resp.header.aa = 0
        if action == "referral":
            tld = norm(str(qname)).split(".")[-1]
            resp.add_auth(RR(rname=tld + ".", rtype=QTYPE.NS, rclass=CLASS.IN, ttl=TTL,
                             rdata=NS("ns.%s." % tld)))
    elif action == "wrongtype":
        resp.add_answer(RR.fromZone('%s %d IN TXT "wrong type"' % (qname, TTL))[0])
    elif action == "badrdata":
        resp.add_answer(RR(rname=qname, rtype=qtype, rclass=CLASS.IN, ttl=TTL,
                           rdata=RD(b"\x20\x01\x0d")))
    elif action == "malformed":
        head = bytearray(resp.pack())
        struct.pack_into("!H", head, 6, 1)  # ANCOUNT = 1, but what follows is junk
        return bytes(head) + b"\xff\xff\xff\x01\x02", delay, action
    return resp.pack(), delay, action


def formerr_from_raw(data):
    """FORMERR echoing the ID of an unparsable query; None when not a query."""
    if len(data) < 12:
        return None
    qid, flags = struct.unpack("!HH", data[:4])
    if flags & 0x8000:
        return None
    out_flags = 0x8000 | (flags & 0x7900) | RCODE.FORMERR  # QR, keep opcode and RD
    return struct.pack("!HHHHHH", qid, out_flags, 0, 0, 0, 0)


def handle(zone, data, proto, peer):
    """Returns (reply bytes or None, delay_ms)."""
    who = "%s %s:%s" % (proto, peer[0], peer[1]) if peer else proto
    if len(data) >= 3 and data[2] & 0x80:
        log("%s response packet ignored" % who)
        return None, 0
    try:
        q = DNSRecord.parse(data)
    except Exception as e:  # DNSError, struct.error, UnicodeError, IndexError...
        wire = formerr_from_raw(data)
        log("%s unparsable query (%s) -> %s" % (who, e.__class__.__name__,
                                                 "formerr" if wire else "ignored"))
        return wire, 0
    try:
        zone.maybe_reload()
        wire, delay, action = build_response(zone, q)
    except Exception as e:
        log("%s internal error %r -> servfail" % (who, e))
        r = DNSRecord(reply_header(q), questions=q.questions[:1])
        r.header.rcode = RCODE.SERVFAIL
        try:
            return r.pack(), 0
        except Exception:
            return formerr_from_raw(data), 0
    if q.questions:
        qd = q.questions[0]
        desc = "%s %s" % (QTYPE.get(qd.qtype), qd.qname)
    else:
        desc = "(no question)"
    log("%s %s -> %s%s" % (who, desc, action, " after %dms" % delay if delay else ""))
    if wire is not None and proto == "udp" and len(wire) > 512:
        # Real servers truncate; a test that wants big answers uses TCP.
        r = DNSRecord(reply_header(q), questions=q.questions[:1])
        r.header.tc = 1
        wire = r.pack()
    return wire, delay


class TcpConn:
    def __init__(self, sock):
        self.sock = sock
        self.inbuf = b""
        self.outbuf = b""
        self.last = time.monotonic()
        self.closed = False


class Server:
    def __init__(self, zone, addr, port, tcp=True):
        self.zone = zone
        self.sel = selectors.DefaultSelector()
        self.timers = []  # (when, seq, fn)
        self.seq = 0
        self.conns = {}
        family = socket.AF_INET6 if ":" in addr else socket.AF_INET
        self.udp, self.tcp = self._bind(family, addr, port)
        self.port = self.udp.getsockname()[1]
        self.sel.register(self.udp, selectors.EVENT_READ, ("udp", None))
        if tcp:
            self.sel.register(self.tcp, selectors.EVENT_READ, ("listen", None))
        else:
            self.tcp.close()
        self.stop = False

    @staticmethod
    def _bind(family, addr, port):
        for _ in range(50):
            udp = socket.socket(family, socket.SOCK_DGRAM)
            tcp = socket.socket(family, socket.SOCK_STREAM)
            try:
                tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                udp.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
                udp.bind((addr, port))
                tcp.bind((addr, udp.getsockname()[1]))
                tcp.listen(64)
                udp.setblocking(False)
                tcp.setblocking(False)
                return udp, tcp
            except OSError:
                udp.close()
                tcp.close()
                if port != 0:
                    raise
        raise OSError("no port free for both UDP and TCP")

    def later(self, delay_ms, fn):
        self.seq += 1
        heapq.heappush(self.timers, (time.monotonic() + delay_ms / 1000.0, self.seq, fn))

    def send_udp(self, wire, peer):
        try:
            self.udp.sendto(wire, peer)
        except OSError as e:
            log("udp send to %s failed: %s" % (peer, e))

    def on_udp(self):
        for _ in range(64):
            try:
                data, peer = self.udp.recvfrom(65535)
            except (BlockingIOError, InterruptedError):
                return
            except OSError as e:
                log("udp recv: %s" % e)
                return
            wire, delay = handle(self.zone, data, "udp", peer)
            if wire is None:
                continue
            if delay:
                self.later(delay, lambda w=wire, p=peer: self.send_udp(w, p))
            else:
                self.send_udp(wire, peer)

    def on_accept(self):
        try:
            sock, _ = self.tcp.accept()
        except OSError:
            return
        if len(self.conns) >= MAX_TCP_CONN:
            sock.close()
            return
        sock.setblocking(False)
        c = TcpConn(sock)
        self.conns[sock] = c
        self.sel.register(sock, selectors.EVENT_READ, ("tcp", c))

    def close_conn(self, c):
        if c.closed:
            return
        c.closed = True
        self.conns.pop(c.sock, None)
        try:
            self.sel.unregister(c.sock)
        except (KeyError, ValueError):
            pass
        c.sock.close()

    def tcp_send(self, c, wire):
        if c.closed:
            return
        c.outbuf += struct.pack("!H", len(wire)) + wire
        self.tcp_flush(c)

    def tcp_flush(self, c):
        while c.outbuf and not c.closed:
            try:
                n = c.sock.send(c.outbuf)
            except (BlockingIOError, InterruptedError):
                break
            except OSError:
                self.close_conn(c)
                return
            c.outbuf = c.outbuf[n:]
        if c.closed:
            return
        ev = selectors.EVENT_READ | (selectors.EVENT_WRITE if c.outbuf else 0)
        try:
            self.sel.modify(c.sock, ev, ("tcp", c))
        except (KeyError, ValueError):
            pass

    def on_tcp(self, c, mask):
        c.last = time.monotonic()
        if mask & selectors.EVENT_WRITE:
            self.tcp_flush(c)
        if not mask & selectors.EVENT_READ or c.closed:
            return
        try:
            data = c.sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            self.close_conn(c)
            return
        if not data:
            self.close_conn(c)
            return
        c.inbuf += data
        peer = None
        try:
            peer = c.sock.getpeername()
        except OSError:
            pass
        while len(c.inbuf) >= 2:
            n = struct.unpack("!H", c.inbuf[:2])[0]
            if len(c.inbuf) < 2 + n:
                break
            msg, c.inbuf = c.inbuf[2:2 + n], c.inbuf[2 + n:]
            wire, delay = handle(self.zone, msg, "tcp", peer)
            if wire is None:
                continue
            if delay:
                self.later(delay, lambda cc=c, w=wire: self.tcp_send(cc, w))
            else:
                self.tcp_send(c, wire)
        if len(c.outbuf) > (1 << 20):
            self.close_conn(c)  # a client that never reads

    def run(self):
        while not self.stop:
            now = time.monotonic()
            while self.timers and self.timers[0][0] <= now:
                _, _, fn = heapq.heappop(self.timers)
                try:
                    fn()
                except Exception as e:
                    log("timer: %r" % e)
            timeout = 1.0
            if self.timers:
                timeout = max(0.0, min(timeout, self.timers[0][0] - now))
            try:
                events = self.sel.select(timeout)
            except InterruptedError:
                continue
            for key, mask in events:
                kind, c = key.data
                try:
                    if kind == "udp":
                        self.on_udp()
                    elif kind == "listen":
                        self.on_accept()
                    else:
                        self.on_tcp(c, mask)
                except Exception as e:  # never die on one client
                    log("%s handler: %r" % (kind, e))
                    if c is not None:
                        self.close_conn(c)
            now = time.monotonic()
            for c in [c for c in self.conns.values() if now - c.last > TCP_IDLE]:
                self.close_conn(c)


def write_atomic(path, text):
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with open(tmp, "w") as f:
        f.write(text)
    os.rename(tmp, path)


def main():
    ap = argparse.ArgumentParser(description="misbehaving test DNS server (loopback only)")
    ap.add_argument("--listen", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--rules", required=True)
    ap.add_argument("--pidfile")
    ap.add_argument("--portfile")
    ap.add_argument("--quiet", action="store_true", help="do not log each query")
    ap.add_argument("--no-tcp", action="store_true", help="serve UDP only: TCP is refused")
    a = ap.parse_args()
    try:
        if not ipaddress.ip_address(a.listen).is_loopback:
            raise ValueError
    except ValueError:
        sys.stderr.write("fakedns: --listen must be a loopback address, not %r\n" % a.listen)
        return 2
    if not 0 <= a.port <= 65535:
        sys.stderr.write("fakedns: bad --port\n")
        return 2
    try:
        zone = Zone(a.rules)
    except (RuleError, OSError) as e:
        sys.stderr.write("fakedns: %s\n" % e)
        return 2
    if a.quiet:
        global log
        log = lambda msg: None  # noqa: E731
    try:
        srv = Server(zone, a.listen, a.port, tcp=not a.no_tcp)
    except OSError as e:
        sys.stderr.write("fakedns: cannot bind %s:%d: %s\n" % (a.listen, a.port, e))
        return 1

    def on_term(signum, frame):
        srv.stop = True

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    if a.portfile:
        write_atomic(a.portfile, "%d\n" % srv.port)
    if a.pidfile:
        write_atomic(a.pidfile, "%d\n" % os.getpid())
    sys.stderr.write("fakedns: listening on %s port %d (udp, tcp)\n" % (a.listen, srv.port))
    sys.stderr.flush()
    srv.run()
    if a.pidfile:
        try:
            os.unlink(a.pidfile)
        except OSError:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
