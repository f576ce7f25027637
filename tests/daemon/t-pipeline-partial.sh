#!/bin/sh
# t-pipeline-partial.sh - a pipelining socketmap client whose every write
# ends in the middle of a request, but which completes a request with each
# write (every 2 s, for 14 s): the 10 s limit on a partial request counts
# from the last completed one, so the connection stays open and every
# request is answered.
. "${top_srcdir:-.}/tests/daemon/lib.sh"

dns_start
d_write_conf
mxd_start

out=$("$PY" - "$SM_SOCK" <<'PYEOF'
import socket, sys, time

WRITES, GAP = 8, 2.0
req = b"postfix-transport user@listed.test"
frame = str(len(req)).encode() + b":" + req + b","
half = len(frame) // 2
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(5)
s.connect(sys.argv[1])
buf = b""
answered = 0
for i in range(WRITES):
    # The end of the previous request (none the first time), the start of the next one.
    try:
        s.sendall((frame[half:] if i else b"") + frame[:half])
    except OSError:  # the daemon closed the connection
        print("closed after %d answers, %.0f s" % (answered, i * GAP))
        sys.exit(0)
    want = i  # requests complete so far
    while answered < want:
        try:
            chunk = s.recv(4096)
        except socket.timeout:
            chunk = b""
        if not chunk:
            print("closed after %d answers, %.0f s" % (answered, i * GAP))
            sys.exit(0)
        buf += chunk
        while b"," in buf:
            n, rest = buf.split(b":", 1)
            payload, buf = rest[: int(n)], rest[int(n) + 1 :]
            if payload != b"OK smtp:[203.0.113.25]:25":
                print("wrong answer %r" % payload)
                sys.exit(0)
            answered += 1
    time.sleep(GAP)
print("answered %d" % answered)
PYEOF
)
expect_eq "$out" "answered 7" "a client that always ends its writes mid-request"
alive "a slow pipelining client"
mxd_stop
pass
