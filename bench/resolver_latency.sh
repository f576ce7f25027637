#!/bin/sh
# bench/resolver_latency.sh - first-verdict latency of a dropped-AAAA domain
# through a real recursive resolver, before and after "Slow is not broken"
# (the re-ask of a timeout, with the external confirmation run side by side
# instead of after it).
#
# Run by hand from the top of a built tree (not part of make check):
#   sh bench/resolver_latency.sh [RUNS] [OLD_MXDETOUR]
#
# The domain's MX host answers A and drops AAAA (tests/dns/fakedns.py, the
# authoritative server); Debian's unbound (tests/lib/common.sh
# unbound_start, the test. zone stubbed to fakedns) is the local resolver;
# the external resolver, when there is one, is fakedns itself (it drops the
# AAAA too, so the external pass also runs its whole budget).  Each run
# starts a fresh unbound (a cold cache, as for a domain seen the first time)
# and a new domain name, and times `mxdetour probe --json` with the default
# budget (probe.timeout 2s, probe.tries 2).
#
# "before" is OLD_MXDETOUR, or src/mxdetour built from the commit before
# "Slow is not broken" in a temporary worktree (bench/out/old), once.  Every
# process started here is stopped by PID; nothing leaves loopback.
set -u
top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
. "$top_srcdir/tests/lib/common.sh"
RUNS=${1:-3}
OLD=${2:-}
NEW="$MXD"
OUTD="$top_srcdir/bench/out"

need_dnslib
need_built
need_cmd unbound "apt-get install unbound"
if [ -z "$OLD" ]; then
    OLD="$OUTD/old/src/mxdetour"
    if [ ! -x "$OLD" ]; then
        rev=$(git -C "$top_srcdir" log --format=%H --grep '^Slow is not broken' | tail -n 1)
        [ -n "$rev" ] || fail "no commit 'Slow is not broken' in the history"
        mkdir -p "$OUTD"
        git -C "$top_srcdir" worktree add --detach "$OUTD/old" "$rev^" >/dev/null 2>&1 ||
            fail "git worktree add $OUTD/old $rev^"
        echo "# building $(git -C "$OUTD/old" log --oneline -1) in $OUTD/old"
        (cd "$OUTD/old" && ./autogen.sh >/dev/null 2>&1 && ./configure -q >/dev/null 2>&1 &&
            make -s -j2 src/mxdetour >/dev/null 2>&1) || fail "the old build failed"
    fi
fi
lib_init bench

: >"$TMPD/rules"
fakedns_start "$TMPD/rules"
auth=127.0.0.1:$FD_PORT
printf 'routing:\n  on_broken: pin-mx\n' >"$TMPD/mxdetour.yaml"

N=0
# one_run BINARY ARGS...: prints "VERDICT MS" of one probe of a new domain.
one_run() {
    local bin=$1 d out
    shift
    N=$((N + 1))
    d="drop$N.bench.test"
    printf '%s MX answer 10 mx1.%s\nmx1.%s A answer 127.0.0.10\nmx1.%s AAAA drop\n' \
        "$d" "$d" "$d" "$d" >>"$TMPD/rules"
    sleep 0.05 # fakedns sees the new mtime
    unbound_start "$auth" "${UB_ADDR:-127.0.0.1}" "${UB_PORT:-$(free_port)}"
    out=$(timeout 60 "$bin" probe -c "$TMPD/mxdetour.yaml" --json --resolver "$UB_ADDR:$UB_PORT" "$@" "$d")
    unbound_stop
    "$PY" -c 'import json, sys; o = json.loads(sys.argv[1]); print(o["verdict"], o["ms"])' "$out"
}

printf '| build | external resolver | verdict | first verdict, ms (each run) | median |\n'
printf '|---|---|---|---|---|\n'
for which in before after; do
    bin=$OLD
    [ $which = after ] && bin=$NEW
    for ext in no yes; do
        set --
        [ $ext = yes ] && set -- --external "$auth"
        all="" verdicts=""
        for _r in $(seq "$RUNS"); do
            res=$(one_run "$bin" "$@")
            verdicts="$verdicts ${res% *}"
            all="$all ${res#* }"
        done
        med=$(printf '%s\n' $all | sort -n | sed -n "$(((RUNS + 1) / 2))p")
        printf '| %s | %s | %s | %s | %s |\n' "$which" "$ext" \
            "$(printf '%s\n' $verdicts | sort -u | tr '\n' ' ' | sed 's/ $//')" \
            "$(echo $all | tr ' ' ',')" "$med"
    done
done
