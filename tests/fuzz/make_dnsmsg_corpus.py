#!/usr/bin/python3
"""make_dnsmsg_corpus - writes the seed DNS replies of tests/fuzz/dnsmsg_corpus/.

Each seed is a reply to a question about example.test, built byte by byte
(no DNS library, so a seed can be as broken as wanted).  Run it from
anywhere; it rewrites the corpus directory next to this script:
    /usr/bin/python3 tests/fuzz/make_dnsmsg_corpus.py
Inputs that once broke the parser are added as files by hand and never
regenerated, so the script only writes the names below.
"""
import os
import struct

A, CNAME, SOA, MX, TXT, AAAA = 1, 5, 6, 15, 16, 28
QPTR = b"\xc0\x0c"  # pointer to the question name at offset 12


def name(n):
    out = b""
    for label in n.split(".") if n else []:
        out += bytes([len(label)]) + label.encode()
    return out + b"\x00"


def header(an, rcode=0, flags=0x8180, qd=1, ns=0):
    return struct.pack(">HHHHHH", 0x1234, flags | rcode, qd, an, ns, 0)


def question(qtype):
    return name("example.test") + struct.pack(">HH", qtype, 1)


def rr(owner, rtype, rdata):
    return owner + struct.pack(">HHIH", rtype, 1, 300, len(rdata)) + rdata


def reply(qtype, answers, rcode=0, flags=0x8180, ns=()):
    out = header(len(answers), rcode, flags, ns=len(ns)) + question(qtype)
    return out + b"".join(answers) + b"".join(ns)


SOA_RR = rr(QPTR, SOA, name("ns.example.test") + name("h.example.test") + bytes(20))

SEEDS = {
    "a_answer": reply(A, [rr(QPTR, A, bytes([192, 0, 2, 1])), rr(QPTR, A, bytes([192, 0, 2, 2]))]),
    "aaaa_answer": reply(AAAA, [rr(QPTR, AAAA, bytes.fromhex("20010db8000000000000000000000001"))]),
    "mx_answer": reply(MX, [
        rr(QPTR, MX, struct.pack(">H", 10) + b"\x03mx1" + QPTR),
        rr(QPTR, MX, struct.pack(">H", 20) + name("mx2.example.net")),
    ]),
    "mx_null": reply(MX, [rr(QPTR, MX, struct.pack(">H", 0) + b"\x00")]),
    "nodata_soa": reply(AAAA, [], flags=0x8580, ns=[SOA_RR]),
    "nxdomain": reply(A, [], rcode=3, flags=0x8580, ns=[SOA_RR]),
    "servfail": reply(AAAA, [], rcode=2),
    "refused": reply(AAAA, [], rcode=5),
    "truncated_tc": reply(AAAA, [], flags=0x8380),
    "cname_chain": reply(A, [
        rr(QPTR, CNAME, name("alias.example.test")),
        rr(name("alias.example.test"), CNAME, name("real.example.net")),
        rr(name("real.example.net"), A, bytes([192, 0, 2, 7])),
    ]),
    "wrongtype_txt": reply(AAAA, [rr(QPTR, TXT, b"\x03abc")]),
    "aaaa_badrdata": reply(AAAA, [rr(QPTR, AAAA, b"\x20\x01\x0d")]),
    "malformed_garbage": header(1) + question(AAAA) + b"\xde\xad\xbe\xef\x00\x01",
    "pointer_loop": header(1) + question(A) + b"\xc0\x1e" + struct.pack(">HHIH", A, 1, 300, 4)
    + bytes([192, 0, 2, 1]),
    "cut_in_record": reply(A, [rr(QPTR, A, bytes([192, 0, 2, 1]))])[:-2],
}


def main():
    d = os.path.join(os.path.dirname(os.path.abspath(__file__)), "dnsmsg_corpus")
    os.makedirs(d, exist_ok=True)
    for n, data in sorted(SEEDS.items()):
        with open(os.path.join(d, n), "wb") as f:
            f.write(data)
    print("wrote %d seeds to %s" % (len(SEEDS), d))


if __name__ == "__main__":
    main()
