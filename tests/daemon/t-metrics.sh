#!/bin/sh
# t-metrics.sh - listen.metrics: GET /metrics of the real daemon, parsed by
# prometheus_client's text parser (tests/daemon/metrics.py).  Every family
# of the docs is there with its type; socketmap and policy decisions, probes
# and publishes raise their counters by exactly what the test caused; the
# counters survive a SIGHUP; other paths answer 404, other methods 405;
# a port in use stops the start-up (exit 69); contrib/grafana/mxdetour.json
# queries only what the scrape holds; with
# fleet.redis, mxdetour_fleet_up follows a real redis-server up and down.
. "${top_srcdir:-.}/tests/daemon/lib.sh"
"$PY" -c 'import prometheus_client' 2>/dev/null ||
    need "python3-prometheus-client not installed (apt-get install python3-prometheus-client)"
MPY="$D_DIR/metrics.py"

dns_start
PORT=$("$PY" "$MPY" port) || fail "no free port"
URL="http://127.0.0.1:$PORT/metrics"
PUBDIR="$TMPD/pub"
mkdir "$PUBDIR" || fail "mkdir $PUBDIR"
d_write_conf "$D_ROUTING"
# Here, not in D_ROUTING: the publish table must sit outside routing's defaults.
sed -i -e "s|^listen:\$|listen:\n  metrics: \"inet:$PORT@127.0.0.1\"|" \
    -e "s|^  mode: rewrite\$|  mode: rewrite\n  publish: \"texthash:$PUBDIR/transport\"|" "$CONF"
mxd_start

# scrape -> $TMPD/m (one "family NAME TYPE" or "SAMPLE VALUE" a line)
scrape() {
    "$PY" "$MPY" scrape "$URL" >"$TMPD/m" 2>"$TMPD/m.err" || fail "scrape: $(cat "$TMPD/m.err")"
}
val() { # SAMPLE -> the value, or fail
    _v=$(awk -v k="$1" '$1 == k { print $2 }' "$TMPD/m")
    [ -n "$_v" ] || fail "no sample $1 in the scrape: $(cat "$TMPD/m")"
    echo "$_v"
}
expect_val() { # SAMPLE WANT
    expect_eq "$(val "$1")" "$2" "$1"
}
lk() { # FRONTEND ANSWER
    echo "mxdetour_lookups_total{answer=$2,frontend=$1}"
}

scrape
# prometheus_client names a counter family without its _total.
for f in "mxdetour_lookups counter" "mxdetour_verdicts gauge" "mxdetour_probes counter" \
    "mxdetour_probe_duration_seconds histogram" "mxdetour_resolver_up gauge" \
    "mxdetour_publish counter" "mxdetour_cache_entries gauge" "mxdetour_fleet_up gauge"; do
    grep -qx "family $f" "$TMPD/m" || fail "family $f missing: $(grep '^family' "$TMPD/m")"
done
n=$(grep -c '^family' "$TMPD/m")
expect_eq "$n" 8 "number of families"
grep -q 'domain=\|\.test' "$TMPD/m" && fail "a domain in the metrics: $(grep '\.test' "$TMPD/m")"
# The Grafana dashboard asks only for what this daemon serves.
G_OUT=$("$PY" "$top_srcdir/tests/lint/grafana_check.py" "$top_srcdir/contrib/grafana/mxdetour.json" \
    "$TMPD/m" 2>&1) || fail "contrib/grafana/mxdetour.json against the scrape: $G_OUT"
expect_val 'mxdetour_resolver_up{resolver=local}' 1
expect_val 'mxdetour_fleet_up{}' 0
expect_val 'mxdetour_cache_entries{}' 0
expect_val "$(lk socketmap route)" 0
expect_val 'mxdetour_probe_duration_seconds_count{}' 0
expect_val 'mxdetour_publish_total{result=ok}' 1 # the start-up publish
expect_val 'mxdetour_publish_total{result=error}' 0

# socketmap: a listed route, two domains unknown at first, then known.
sm postfix-transport user@listed.test user@broken.test user@healthy.test
wait_verdict broken.test
wait_verdict healthy.test
sm postfix-transport user@broken.test user@healthy.test
expect_eq "$SM_OUT" "OK $BROKEN_ROUTE
NOTFOUND " "socketmap answers once the probes are done"
# policy: one routed transaction, one healthy one asked at DATA and at
# END-OF-MESSAGE (one decision per domain, not per request).
P_OUT=$("$PY" "$CLIENT" policy "$POLICY_SOCK" "RCPT,m1,bob@listed.test,0" \
    "END-OF-MESSAGE,m1,bob@listed.test,1" "RCPT,m2,eve@healthy.test,0" "DATA,m2,,1" \
    "END-OF-MESSAGE,m2,,1" 2>&1) || fail "policy client: $P_OUT"

# The publish after broken.test's verdict is done once the table holds it.
poll 10 grep -q '^broken.test ' "$PUBDIR/transport" || fail "broken.test never published"
scrape
expect_val "$(lk socketmap route)" 2
expect_val "$(lk socketmap unknown)" 2
expect_val "$(lk socketmap none)" 1
expect_val "$(lk socketmap tag)" 0
expect_val "$(lk policy route)" 1
expect_val "$(lk policy none)" 1
expect_val "$(lk policy unknown)" 0
expect_val "$(lk milter route)" 0
expect_val 'mxdetour_probes_total{result=aaaa-ignored}' 1
expect_val 'mxdetour_probes_total{result=healthy}' 1
expect_val 'mxdetour_probes_total{result=cancelled}' 0
expect_val 'mxdetour_probe_duration_seconds_count{}' 2
expect_val 'mxdetour_probe_duration_seconds_bucket{le=+Inf}' 2
# broken.test's AAAA query is dropped: at least one 500 ms timeout.
sum=$(val 'mxdetour_probe_duration_seconds_sum{}')
awk -v s="$sum" 'BEGIN { exit !(s >= 0.5) }' || fail "probe duration sum $sum, want >= 0.5"
expect_val 'mxdetour_probe_duration_seconds_bucket{le=30}' 2
expect_val 'mxdetour_verdicts{verdict=healthy}' 1
expect_val 'mxdetour_verdicts{verdict=aaaa-ignored}' 1
expect_val 'mxdetour_verdicts{verdict=unknown}' 0
expect_val 'mxdetour_cache_entries{}' 2
ok=$(val 'mxdetour_publish_total{result=ok}')
[ "$ok" -ge 2 ] || fail "publish ok $ok after broken.test got its route, want >= 2"
cp "$TMPD/m" "$TMPD/before-hup"

# SIGHUP republishes at once; with the table's folder gone that fails.
rm -rf "$PUBDIR"
mxd_hup reload
publish_failed() {
    scrape
    [ "$(val 'mxdetour_publish_total{result=error}')" = 1 ]
}
poll 10 publish_failed || fail "no publish error counted after the reload: $(cat "$TMPD/m")"
# Every other sample is as before the reload.
grep -v '^mxdetour_publish_total' "$TMPD/before-hup" >"$TMPD/b"
grep -v '^mxdetour_publish_total' "$TMPD/m" >"$TMPD/a"
diff "$TMPD/b" "$TMPD/a" >"$TMPD/d" || fail "the metrics changed over a SIGHUP: $(cat "$TMPD/d")"
expect_val 'mxdetour_publish_total{result=ok}' "$ok"

# HTTP: other paths and methods.
expect_eq "$("$PY" "$MPY" status GET "http://127.0.0.1:$PORT/")" 404 "GET /"
expect_eq "$("$PY" "$MPY" status GET "http://127.0.0.1:$PORT/metricsx")" 404 "GET /metricsx"
expect_eq "$("$PY" "$MPY" status POST "$URL")" 405 "POST /metrics"
expect_eq "$("$PY" "$MPY" status DELETE "$URL")" 405 "DELETE /metrics"
expect_eq "$("$PY" "$MPY" status HEAD "$URL")" 200 "HEAD /metrics"
alive "the metrics requests"

# A second daemon on the same metrics port does not start: exit 69 with
# the reason on stderr, and its other sockets are gone again.
mkdir "$TMPD/two" || fail "mkdir"
sed "s|$TMPD/|$TMPD/two/|g" "$CONF" >"$TMPD/two/mxdetour.yaml"
"$MXDD" -f -c "$TMPD/two/mxdetour.yaml" >"$TMPD/two/out" 2>&1
expect_eq "$?" 69 "exit status of a start with the metrics port taken"
expect_match "$(cat "$TMPD/two/out")" "listen.metrics inet:$PORT@127.0.0.1: cannot listen" \
    "stderr of a start with the metrics port taken"
[ -e "$TMPD/two/sm.sock" ] && fail "the failed start left its socketmap socket behind"
mxd_stop

# The fleet gauge: 1 while Redis answers, 0 once it is killed.
REDIS=$(command -v redis-server || echo /usr/bin/redis-server)
[ -x "$REDIS" ] || need "redis-server not installed (apt-get install redis-server)"
RSOCK="$TMPD/redis.sock"
"$REDIS" --port 0 --unixsocket "$RSOCK" --unixsocketperm 700 --save '' --appendonly no \
    --daemonize no --dir "$TMPD" >"$TMPD/redis.log" 2>&1 &
REDIS_PID=$!
track "$REDIS_PID"
printf 'fleet:\n  redis: "unix:%s"\n  node: m1\n' "$RSOCK" >>"$CONF"
mxd_start
fleet_is() { # 0|1
    scrape
    [ "$(val 'mxdetour_fleet_up{}')" = "$1" ]
}
poll 10 fleet_is 1 || fail "mxdetour_fleet_up not 1 with redis-server up: $(cat "$TMPD/m")"
stop_pid "$REDIS_PID"
poll 10 fleet_is 0 || fail "mxdetour_fleet_up not 0 after redis-server was killed"
mxd_stop
pass
