#!/usr/bin/python3
"""client.py - the socketmap and policy peers of mxdetour's daemon tests.

Speaks to a running mxdetourd over its unix sockets as Postfix does, and as
a broken or hostile peer would.  Every wait is bounded; nothing sleeps.

  sm SOCK MAP KEY...        one connection, one netstring request "MAP KEY"
                            per KEY; prints each answer payload on a line;
                            "<closed>" and exit 3 when the daemon closes
                            the connection.
  raw SOCK BYTES [SECS]     sends BYTES (Python escapes: \\r \\n \\x00 ...),
                            then reads until the daemon closes the
                            connection or SECS (default 5) pass; prints
                            "answer=<repr>" and "closed" (exit 0) or "open"
                            (exit 4).
  smraw SOCK PAYLOAD [SECS] as raw, with PAYLOAD (escapes decoded) framed
                            as one netstring.
  raw-drop SOCK BYTES       sends BYTES and disconnects at once.
  many SOCK N MAP KEY       opens N idle connections, then asks "MAP KEY"
                            on one more; prints the answer.
  idle-then SOCK BYTES MAP KEY
                            opens a connection, sends BYTES (may be ""),
                            keeps it open while a second connection asks
                            "MAP KEY"; prints that answer; exit 3 when the
                            second connection gets no answer.
  policy SOCK STEP...       one connection, one request per STEP
                            "STATE,INSTANCE,RECIPIENT,COUNT" with every
                            attribute Postfix 3.7 sends; prints the action
                            line of each answer ("action=DUNNO").
"""

import socket
import sys
import time

TIMEOUT = 10.0


def connect(path):
    """Connects as a blocking client would: a full listen backlog (EAGAIN on
    a unix socket with a timeout set) is waited out, for TIMEOUT at most."""
    end = time.monotonic() + TIMEOUT
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(TIMEOUT)
        try:
            s.connect(path)
            return s
        except BlockingIOError:
            s.close()
            if time.monotonic() > end:
                raise
            time.sleep(0.01)


def netstring(payload):
    return str(len(payload)).encode() + b":" + payload + b","


def read_netstring(s):
    """The payload of one netstring answer, or None when the peer closed."""
    buf = b""
    while b":" not in buf:
        d = s.recv(1)
        if not d:
            return None
        buf += d
        if len(buf) > 12:
            raise ValueError("bad netstring length %r" % buf)
    n = int(buf[:-1])
    data = b""
    while len(data) < n + 1:
        d = s.recv(n + 1 - len(data))
        if not d:
            return None
        data += d
    if data[-1:] != b",":
        raise ValueError("netstring without ','")
    return data[:-1]


def unescape(text):
    return text.encode("latin-1").decode("unicode_escape").encode("latin-1")


def cmd_sm(path, mapname, keys):
    s = connect(path)
    for k in keys:
        s.sendall(netstring((mapname + " " + k).encode("utf-8", "surrogateescape")))
        a = read_netstring(s)
        if a is None:
            print("<closed>")
            return 3
        print(a.decode("utf-8", "replace"))
    s.close()
    return 0


def wait_close(s, secs):
    """Reads until EOF or secs; returns (bytes read, closed?)."""
    got = b""
    end = time.monotonic() + secs
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return got, False
        s.settimeout(left)
        try:
            d = s.recv(4096)
        except socket.timeout:
            return got, False
        except ConnectionResetError:
            return got, True
        if not d:
            return got, True
        got += d


def cmd_raw(path, data, secs, frame=False):
    s = connect(path)
    data = unescape(data)
    if frame:
        data = netstring(data)
    try:
        s.sendall(data)
    except (BrokenPipeError, ConnectionResetError):
        pass
    got, closed = wait_close(s, secs)
    print("answer=%r" % got)
    print("closed" if closed else "open")
    return 0 if closed else 4


def cmd_raw_drop(path, data):
    s = connect(path)
    s.sendall(unescape(data))
    s.close()
    return 0


def cmd_many(path, n, mapname, key):
    idle = [connect(path) for _ in range(n)]
    rc = cmd_sm(path, mapname, [key])
    for c in idle:
        c.close()
    return rc


def cmd_idle_then(path, data, mapname, key):
    idle = connect(path)
    if data:
        idle.sendall(unescape(data))
    s = connect(path)
    s.sendall(netstring((mapname + " " + key).encode()))
    a = read_netstring(s)
    s.close()
    idle.close()
    if a is None:
        print("<closed>")
        return 3
    print(a.decode("utf-8", "replace"))
    return 0


POSTFIX37 = [
    ("request", "smtpd_access_policy"),
    ("protocol_state", None),
    ("protocol_name", "ESMTP"),
    ("helo_name", "client.example.org"),
    ("queue_id", "4XbQ1234"),
    ("sender", "alice@example.org"),
    ("recipient", None),
    ("recipient_count", None),
    ("client_address", "192.0.2.10"),
    ("client_name", "client.example.org"),
    ("reverse_client_name", "client.example.org"),
    ("instance", None),
    ("sasl_method", ""),
    ("sasl_username", ""),
    ("sasl_sender", ""),
    ("size", "1234"),
    ("ccert_subject", ""),
    ("ccert_issuer", ""),
    ("ccert_fingerprint", ""),
    ("ccert_pubkey_fingerprint", ""),
    ("encryption_protocol", ""),
    ("encryption_cipher", ""),
    ("encryption_keysize", "0"),
    ("etype", ""),
    ("stress", ""),
    ("client_port", "40000"),
    ("policy_context", ""),
    ("server_address", "192.0.2.1"),
    ("server_port", "25"),
]


def policy_request(state, instance, rcpt, count):
    vals = {"protocol_state": state, "instance": instance, "recipient": rcpt,
            "recipient_count": count}
    lines = ["%s=%s\n" % (k, vals[k] if v is None else v) for k, v in POSTFIX37]
    return ("".join(lines) + "\n").encode()


def read_policy_answer(s):
    buf = b""
    while not buf.endswith(b"\n\n"):
        d = s.recv(4096)
        if not d:
            return None
        buf += d
    return buf


def cmd_policy(path, steps):
    s = connect(path)
    for step in steps:
        state, instance, rcpt, count = step.split(",")
        s.sendall(policy_request(state, instance, rcpt, count))
        a = read_policy_answer(s)
        if a is None:
            print("<closed>")
            return 3
        lines = a.decode("utf-8", "replace").split("\n")
        if len(lines) != 3 or not lines[0].startswith("action="):
            print("<bad answer %r>" % a)
            return 5
        print(lines[0])
    s.close()
    return 0


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    cmd, path, args = argv[1], argv[2], argv[3:]
    if cmd == "sm":
        return cmd_sm(path, args[0], args[1:])
    if cmd == "raw":
        return cmd_raw(path, args[0], float(args[1]) if len(args) > 1 else 5.0)
    if cmd == "smraw":
        return cmd_raw(path, args[0], float(args[1]) if len(args) > 1 else 5.0, True)
    if cmd == "many":
        return cmd_many(path, int(args[0]), args[1], args[2])
    if cmd == "raw-drop":
        return cmd_raw_drop(path, args[0])
    if cmd == "idle-then":
        return cmd_idle_then(path, args[0], args[1], args[2])
    if cmd == "policy":
        return cmd_policy(path, args)
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
