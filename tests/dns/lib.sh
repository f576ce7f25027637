# tests/dns/lib.sh - shared helpers for the DNS-layer tests (sourced, not run).
#
# A test script sources this file, starts one or more fakedns.py servers with
# a rules file, runs `mxdetour probe --json` against them and asserts fields
# of the JSON answer.  Everything it starts is stopped by PID on exit, and
# its temporary directory is removed unless KEEP_TMP=1.
#
#   fakedns_start RULES_FILE   start a server on a free loopback port, wait
#                              until it answers; sets FD_PORT (and FD_LOG)
#   dead_port                  print a loopback UDP port nobody listens on
#   write_conf [YAML]          write $CONF (default: routing pin-mx, no listeners)
#   probe ARGS...              run mxdetour probe -c $CONF --json ARGS; the
#                              output lands in $OUT, exit code in $RC, wall
#                              time in $WALL_MS; every line is checked against
#                              the JSON schema of the probe output
#   expect DOMAIN PATH OP VALUE
#                              assert one JSON field: PATH is dotted
#                              ("mx.outcome", "hosts.0.name"); OP is = (equal),
#                              ~ (Python regex, full match), ^ (prefix),
#                              >= or <= (numbers)
#   expect_rc N                assert the exit code of the last probe (at once)
#   check_expects              check the expectations collected so far
#   pass [MSG]                 check them and print PASS
#   fail MSG / skip MSG        end the test (exit 1 / 77)
#
# Budgets: c-ares backs off, so one dropped query sent to one server with
# timeout T and N tries costs T * (2^N - 1).  budget_ms T N prints that.
# The generic helpers (results, need, fakedns_start, now_ms) are
# tests/lib/common.sh's.

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
OUT=""
RC=""
WALL_MS=0

lib_dump() {
    if [ -n "$OUT" ] && [ -f "$OUT" ]; then
        echo "--- probe stdout ($OUT):"
        cat "$OUT"
        echo "--- probe stderr:"
        cat "$OUT.err" 2>/dev/null
    fi
}

pass() {
    check_expects
    echo "PASS: $TEST_NAME${1:+: $1}"
}

need_dnslib
need_built
lib_init dns

budget_ms() { # TIMEOUT_MS TRIES
    echo $(($1 * ((1 << $2) - 1)))
}

# A port on which nothing listens: bound, read and closed at once, so the
# kernel answers ICMP port unreachable.
dead_port() {
    "$PY" -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

CONF="$TMPD/mxdetour.yaml"
write_conf() { # [YAML]
    if [ $# -gt 0 ]; then
        printf '%s\n' "$1" >"$CONF"
    else
        cat >"$CONF" <<'EOF'
routing:
  on_broken: pin-mx
EOF
    fi
}
write_conf

# One Python run checks, per probe output file, that every line is a JSON
# object with the fields and types `mxdetour probe --json` promises (names
# from doc/design.md §4), then every expectation collected by expect().
# Starting Python costs about 150 ms here, so expectations are batched: they
# are checked at the next probe, at pass, or by check_expects, and a failure
# lists every expectation that failed.
CHECK_PY='
import json, re, sys
VERDICTS = {"listed", "healthy", "aaaa-ignored", "aaaa-error", "mx-error", "nxdomain",
            "null-mx", "local-dns-down", "unknown"}
OUTCOMES = {"pending", "answer", "nodata", "nxdomain", "timeout", "servfail", "formerr",
            "notimp", "refused", "malformed", "wrong-type", "bad-rdata", "cname-loop",
            "failed"}
bad = []

def schema(path):
    objs = []
    for lineno, line in enumerate(open(path), 1):
        if not line.strip():
            continue
        where = "%s:%d: " % (path, lineno)
        try:
            o = json.loads(line)
        except ValueError as e:
            bad.append(where + "not JSON: %s" % e); continue
        if not isinstance(o, dict):
            bad.append(where + "not an object"); continue
        objs.append(o)
        def need(obj, key, kind, prefix=""):
            if key not in obj:
                bad.append(where + "missing %s%s" % (prefix, key)); return None
            v = obj[key]
            ok = {"str": isinstance(v, str), "bool": isinstance(v, bool),
                  "int": isinstance(v, int) and not isinstance(v, bool) and v >= 0,
                  "dict": isinstance(v, dict), "list": isinstance(v, list)}[kind]
            if not ok:
                bad.append(where + "%s%s is %r, not %s" % (prefix, key, v, kind)); return None
            return v
        for k in ("domain", "verdict", "host", "evidence", "route"):
            need(o, k, "str")
        need(o, "confirmed", "bool")
        need(o, "ms", "int")
        if o.get("verdict") not in VERDICTS:
            bad.append(where + "unknown verdict %r" % o.get("verdict"))
        mx = need(o, "mx", "dict")
        if mx is not None:
            need(mx, "server", "str", "mx.")
            need(mx, "ms", "int", "mx.")
            if need(mx, "outcome", "str", "mx.") not in OUTCOMES:
                bad.append(where + "mx.outcome %r" % mx.get("outcome"))
        for i, h in enumerate(need(o, "hosts", "list") or []):
            w = "hosts.%d." % i
            if not isinstance(h, dict):
                bad.append(where + w + " not an object"); continue
            need(h, "name", "str", w)
            need(h, "pref", "int", w)
            for k in ("a", "aaaa"):
                if need(h, k, "str", w) not in OUTCOMES:
                    bad.append(where + "%s%s %r" % (w, k, h.get(k)))
            addrs = need(h, "addrs", "list", w)
            if addrs is not None and not all(isinstance(a, str) for a in addrs):
                bad.append(where + w + "addrs not strings")
    return objs

cache = {}
for line in open(sys.argv[1]):
    path, domain, field, op, want = line.rstrip("\n").split("\t")
    if path not in cache:
        cache[path] = schema(path)
    if op == "schema":
        continue
    objs = [o for o in cache[path] if o.get("domain") == domain]
    if len(objs) != 1:
        bad.append("%s: %d JSON lines for domain %s" % (path, len(objs), domain)); continue
    v = objs[0]
    try:
        for part in field.split("."):
            v = v[int(part)] if isinstance(v, list) else v[part]
    except (KeyError, IndexError, ValueError, TypeError):
        bad.append("%s: %s: no field %s" % (path, domain, field)); continue
    if isinstance(v, bool):
        s = "true" if v else "false"
    elif isinstance(v, str):
        s = v
    else:
        s = json.dumps(v)
    try:
        ok = {"=": lambda: s == want,
              "~": lambda: re.fullmatch(want, s) is not None,
              "^": lambda: s.startswith(want),
              ">=": lambda: float(s) >= float(want),
              "<=": lambda: float(s) <= float(want)}[op]()
    except ValueError:
        ok = False
    if not ok:
        bad.append("%s: %s: %s is %r, expected %s %r" % (path, domain, field, s, op, want))
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
'

EXPECTS="$TMPD/expects"
: >"$EXPECTS"

expect() { # DOMAIN PATH OP VALUE
    [ -n "$OUT" ] || fail "expect before probe"
    printf '%s\t%s\t%s\t%s\t%s\n' "$OUT" "$1" "$2" "$3" "$4" >>"$EXPECTS"
}

check_expects() {
    [ -s "$EXPECTS" ] || return 0
    local why rc
    why=$("$PY" -c "$CHECK_PY" "$EXPECTS" 2>&1)
    rc=$?
    : >"$EXPECTS"
    [ $rc -eq 0 ] || fail "$why"
}

# probe ARGS... : sets OUT, RC, WALL_MS.  Never hangs: coreutils timeout.
PROBE_N=0
probe() {
    check_expects
    PROBE_N=$((PROBE_N + 1))
    OUT="$TMPD/probe$PROBE_N.out"
    local t0 t1
    t0=$(now_ms)
    timeout 60 "$MXD" probe -c "$CONF" --json "$@" >"$OUT" 2>"$OUT.err"
    RC=$?
    t1=$(now_ms)
    WALL_MS=$((t1 - t0))
    echo "# mxdetour probe -c $CONF --json $* => rc=$RC in ${WALL_MS}ms"
    sed 's/^/#   /' "$OUT" "$OUT.err"
    [ $RC -ne 124 ] || fail "mxdetour probe hung (killed after 60 s)"
    if [ $RC -eq 0 ] || [ $RC -eq 1 ]; then
        printf '%s\t\t\tschema\t\n' "$OUT" >>"$EXPECTS"
    fi
}

# plain_probe ARGS... : the same without --json.
plain_probe() {
    check_expects
    PROBE_N=$((PROBE_N + 1))
    OUT="$TMPD/probe$PROBE_N.out"
    timeout 60 "$MXD" probe -c "$CONF" "$@" >"$OUT" 2>"$OUT.err"
    RC=$?
    echo "# mxdetour probe -c $CONF $* => rc=$RC"
    sed 's/^/#   /' "$OUT" "$OUT.err"
    [ $RC -ne 124 ] || fail "mxdetour probe hung (killed after 60 s)"
}

expect_rc() {
    [ "$RC" = "$1" ] || fail "exit code $RC, expected $1"
}

# The fakedns log holds one line per query; count those naming NAME.
queries_for() { # LOGFILE NAME
    grep -ci " $2\. " "$1"
}

# Standard zone of a healthy domain: MX 10 mx1.D, mx1.D A ADDR.
rules_mx1() { # DOMAIN ADDR
    printf '%s MX answer 10 mx1.%s\nmx1.%s A answer %s\n' "$1" "$1" "$1" "$2"
}

# The common shape of the AAAA misbehaviour tests: one domain whose single MX
# host answers A and misbehaves on AAAA.
#   aaaa_case ACTION VERDICT OUTCOME EVIDENCE_OUTCOME
aaaa_case() {
    local d="${1}.aaaa.test" rules="$TMPD/rules"
    {
        rules_mx1 "$d" 127.0.0.10
        echo "mx1.$d AAAA $1"
    } >"$rules"
    fakedns_start "$rules"
    local srv="127.0.0.1:$FD_PORT"
    probe --resolver "$srv" --timeout 500ms --tries 1 "$d"
    expect_rc 1
    expect "$d" verdict = "$2"
    expect "$d" host = "mx1.$d"
    expect "$d" confirmed = false
    expect "$d" mx.outcome = answer
    expect "$d" mx.server = "$srv"
    expect "$d" hosts.0.name = "mx1.$d"
    expect "$d" hosts.0.a = answer
    expect "$d" hosts.0.aaaa = "$3"
    expect "$d" hosts.0.addrs '=' '["127.0.0.10"]'
    if [ "$3" = timeout ]; then
        # A timeout is asked once more before it is believed (slow is
        # not broken): the verdict takes two budgets.
        expect "$d" evidence = "AAAA mx1.$d timeout 1x500ms @$srv; asked twice"
        expect "$d" ms '>=' 950
        expect "$d" ms '<=' $((2 * $(budget_ms 500 1) + 400))
    else
        expect "$d" evidence = "AAAA mx1.$d $4 @$srv"
        expect "$d" ms '<=' 400
    fi
    expect "$d" route = "smtp:[127.0.0.10]:25"
    pass "$1 => $2 ($3)"
}
