#!/bin/sh
# t-reload.sh - SIGHUP.  A broken config file is rejected with
# FILE:LINE:COLUMN on stderr and the daemon keeps answering with the old
# config; a good one takes effect for the next request (a new listed domain,
# then routing.mode tag).
. "${top_srcdir:-.}/tests/daemon/lib.sh"
need_cmd postmap "apt-get install postfix"

dns_start
d_write_conf
mxd_start

pm 'user@listed.test'
expect_eq "$PM_OUT" "$LISTED_ROUTE" "route of listed.test before any reload"
pm 'user@listed2.test'
expect_eq "$PM_RC" 1 "listed2.test is not listed yet: exit code"

# A bad value: the reload fails, the old routes stay.
cp "$CONF" "$TMPD/good.yaml"
sed 's/^  tries: 1$/  tries: lots/' "$TMPD/good.yaml" >"$CONF"
line=$(grep -n '^  tries: lots$' "$CONF" | cut -d: -f1)
[ -n "$line" ] || fail "test bug: no tries line in $CONF"
mxd_hup reload
expect_log "reload of .* failed"
expect_log "$CONF:$line:[0-9]+: "
mxd_running || fail "mxdetourd exited after a SIGHUP with a bad config"
pm 'user@listed.test'
expect_eq "$PM_OUT" "$LISTED_ROUTE" "route of listed.test after a failed reload"
# (the CLI reads the config file too, to find the control socket)
CLI_OUT=$("$MXD" -c "$TMPD/good.yaml" status 2>&1)
expect_match "$CLI_OUT" '^listed domains: 1$' "status after a failed reload"

# A YAML syntax error too.
printf 'routing:\n  mode: [rewrite\n' >"$CONF"
mxd_hup reload
expect_log "$CONF:[0-9]+:[0-9]+: "
pm 'user@listed.test'
expect_eq "$PM_OUT" "$LISTED_ROUTE" "route of listed.test after a reload with a YAML error"

# A good file: a second listed domain with its own smart host.
d_write_conf "$D_ROUTING
  - domain: listed2.test
    route: smarthost
    smarthost: \"[198.51.100.9]:25\""
mxd_hup reload
pm 'user@listed2.test'
expect_eq "$PM_OUT" "smtp:[198.51.100.9]:25" "route of listed2.test after a good reload"
pm 'user@listed.test'
expect_eq "$PM_OUT" "$LISTED_ROUTE" "route of listed.test after a good reload"
cli status
expect_match "$CLI_OUT" '^listed domains: 2$' "status after a good reload"

# routing.mode tag by reload: no more routes.
d_write_conf 'routing:
  mode: tag
domains:
  - domain: listed.test
    route: smarthost
    smarthost: "[203.0.113.25]:25"'
mxd_hup reload
pm 'user@listed.test'
expect_eq "$PM_RC" 1 "listed.test after a reload into tag mode: exit code"
cli status
expect_match "$CLI_OUT" '^mode: tag$' "status after a reload into tag mode"
mxd_stop
pass
