#!/bin/sh
# t-control.sh - the control socket beyond its file mode: with
# listen.control_mode 0666 a client running as another user (nobody) gets
# "ERR permission denied" and nothing else, and the refusal is logged once
# a minute for that uid however often it asks, while root is served; an
# answer over 1 MiB (export of 30,000 listed domains) arrives whole.
. "${top_srcdir:-.}/tests/daemon/lib.sh"
need_cmd setpriv "apt-get install util-linux"

N=30000
dns_start
{
    echo "$D_ROUTING"
    i=0
    while [ $i -lt $N ]; do
        printf '  - domain: long-listed-domain-number-%05d.example.test\n    route: smarthost\n' $i
        i=$((i + 1))
    done
} >"$TMPD/routing.yaml"
d_write_conf "$(cat "$TMPD/routing.yaml")"
sed -i 's|^  control: .*|&\n  control_mode: "0666"|' "$CONF"
chmod 711 "$TMPD" # nobody may reach the socket: only the daemon says no
mxd_start
expect_eq "$(stat -c %a "$CONTROL_SOCK")" 666 "mode of the control socket"

# Another user: refused, every time, with one log line; a learned verdict
# outlives its flush.
wait_verdict broken.test
as_nobody() {
    NB_OUT=$(setpriv --reuid=65534 --regid=65534 --clear-groups \
        "$MXD" -s "unix:$CONTROL_SOCK" "$@" 2>&1)
    NB_RC=$?
}
for verb in status "flush --all" export status status; do
    # shellcheck disable=SC2086
    as_nobody $verb
    expect_eq "$NB_OUT" "mxdetour: permission denied" "mxdetour $verb as nobody"
    expect_eq "$NB_RC" 1 "mxdetour $verb as nobody: exit code (mxdetour(1): a refused verb is 1)"
done
expect_eq "$(grep -c 'control: permission denied to uid 65534' "$TMPD/daemon.log")" 1 \
    "log lines about nobody's five refused requests"
wait_verdict broken.test
expect_eq "$VERDICT" aaaa-ignored "verdict of broken.test after nobody's flush"

# Root: served, and an export past 1 MiB comes whole.
cli export
expect_eq "$CLI_RC" 0 "mxdetour export exit code"
size=$(printf '%s\n' "$CLI_OUT" | wc -c)
[ "$size" -gt 1048576 ] || fail "the export is $size octets: the test wants over 1 MiB"
expect_eq "$(printf '%s\n' "$CLI_OUT" | grep -c '^long-listed-domain-number-.*\.example\.test smtp:')" \
    $N "listed domains in the export"
expect_match "$(printf '%s\n' "$CLI_OUT" | tail -n 1)" '29999\.example\.test smtp:' "the export's last line"
alive "a large export"
pass
