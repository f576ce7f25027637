#!/bin/sh
# t-export-exim.sh - `mxdetour export --format exim` read by a real Exim
# (Debian's exim4-daemon-light, unpacked by tests/e2e/deps.sh since it
# conflicts with postfix) through contrib/exim/mxdetour.main and
# mxdetour.router as shipped: `exim -C CONF -bt` routes a pinned domain to
# its pinned address, a listed one to the smart host (port 2525), a
# subdomain of a listed wildcard to its smart host, and declines the
# wildcard's apex and a healthy domain (the next router takes them).
. "${top_srcdir:-.}/tests/daemon/lib.sh"

EXIM_PREFIX=${MXD_E2E_EXIM:-/var/cache/mxdetour-e2e/exim}
EXIM="$EXIM_PREFIX/usr/sbin/exim4"
if ! [ -x "$EXIM" ] || ! "$EXIM" -C /dev/null -bV >/dev/null 2>&1; then
    why="no runnable Exim in $EXIM_PREFIX (run tests/e2e/deps.sh as root)"
    need "$why"
fi

dns_start
d_write_conf 'routing:
  mode: rewrite
  on_broken: pin-mx
  smarthost: "[203.0.113.25]:2525"
domains:
  - domain: listed.test
    route: smarthost
  - domain: "*.tail.test"
    route: smarthost
    smarthost: "[203.0.113.26]"'
mxd_start
wait_verdict broken.test
wait_verdict healthy.test

cli export --format exim
expect_eq "$CLI_RC" 0 "mxdetour export --format exim exit code"
printf '%s\n' "$CLI_OUT" >"$TMPD/routes"

mkdir -p "$TMPD/exim/spool" "$TMPD/exim/log" || fail "mkdir"
cat >"$TMPD/exim.conf" <<EOF
MXDETOUR_ROUTES = $TMPD/routes
.include $top_srcdir/contrib/exim/mxdetour.main
primary_hostname = mx.test.invalid
domainlist local_domains = @
spool_directory = $TMPD/exim/spool
log_file_path = $TMPD/exim/log/%slog
begin routers
.include $top_srcdir/contrib/exim/mxdetour.router
next_router:
  driver = redirect
  data = :blackhole:
begin transports
remote_smtp:
  driver = smtp
EOF

route() { # ADDRESS -> the -bt answer
    timeout 30 "$EXIM" -C "$TMPD/exim.conf" -bt "$1" 2>&1
}
OUT=$(route user@broken.test)
expect_match "$OUT" 'router = mxdetour, transport = remote_smtp' "exim routes broken.test by mxdetour"
expect_match "$OUT" 'host 127\.0\.0\.11 +\[127\.0\.0\.11\]' "exim: broken.test to its pinned address"
OUT=$(route user@listed.test)
expect_match "$OUT" 'host 203\.0\.113\.25 +\[203\.0\.113\.25\] +port=2525' "exim: listed.test to the smart host, port 2525"
OUT=$(route user@a.tail.test)
expect_match "$OUT" 'host 203\.0\.113\.26 +\[203\.0\.113\.26\]' "exim: a.tail.test by the wildcard entry"
OUT=$(route user@tail.test)
expect_match "$OUT" 'user@tail\.test is discarded' "exim: the wildcard's apex goes on to the next router"
OUT=$(route user@healthy.test)
expect_match "$OUT" 'user@healthy\.test is discarded' "exim: healthy.test goes on to the next router"
# dns_ipv4_lookup: the broken MX host is in the domain list Exim uses.
OUT=$(timeout 30 "$EXIM" -C "$TMPD/exim.conf" -be \
    '${if match_domain{mx1.broken.test}{lsearch;'"$TMPD/routes"'}{yes}{no}}' 2>&1)
expect_eq "$OUT" yes "exim: mx1.broken.test in dns_ipv4_lookup's list"
OUT=$(timeout 30 "$EXIM" -C "$TMPD/exim.conf" -bP dns_ipv4_lookup 2>&1)
expect_eq "$OUT" "dns_ipv4_lookup = lsearch;$TMPD/routes" "exim -bP dns_ipv4_lookup"
mxd_stop
pass
