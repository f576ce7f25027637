#!/bin/sh
# t-readme.sh - the README's "Step by step, on Debian's default Postfix",
# followed as written, against Debian's own main.cf and master.cf
# (/usr/share/postfix/main.cf.debian and master.cf.dist: smtpd, cleanup,
# trivial-rewrite and smtp chrooted in the queue directory), with the
# package built by tests/pkg/t-deb.sh installed (its user, its binaries).
# The only edits: file locations move into the test's temp dir, and Postfix
# commands take the private config dir.
#
# Asserted:
#  - healthy mail is delivered with no 4xx before mxdetourd's first start,
#    while it runs, and after it is stopped;
#  - `mxdetourd` (not -f) returns only once the publish table exists, so the
#    snippet's transport_maps never names a missing table;
#  - the milter is reached from the chrooted smtpd (tag header, no
#    "connect to Milter" warning); a dropped-AAAA domain is rerouted from
#    its second message on, and stays rerouted after mxdetourd stops.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

for f in main.cf.debian master.cf.dist; do
    [ -f "/usr/share/postfix/$f" ] || need "/usr/share/postfix/$f missing (apt-get install postfix)"
done

# ---- the package, as the README's step 1 installs it ----
DEB="$top_builddir/tests/pkg/mxdetour.deb"
MXDD_RUN="$MXDD"
MXD_RUN="$MXD"
RUN_AS=""
if dpkg-query -W -f '${Status}' mxdetour 2>/dev/null | grep -q 'ok installed'; then
    fail "package mxdetour is installed on this machine already; this test installs and purges its own"
elif [ -f "$DEB" ]; then
    # A package left from an older tree would test old code: t-deb.sh
    # builds it from this one (make check runs it first).
    [ "$DEB" -nt "$MXDD" ] ||
        fail "$DEB is older than $MXDD: run tests/pkg/t-deb.sh first (make check TESTS='tests/pkg/t-deb.sh tests/e2e/t-readme.sh')"
    . "$top_srcdir/tests/pkg/keep-user.sh"
    keep_user_save # contrib/try.sh's user: the package takes it over, the purge removes it
    DEBIAN_FRONTEND=noninteractive dpkg -i "$DEB" >"$TMPD/dpkg.log" 2>&1 ||
        fail "dpkg -i $DEB: $(tail -n 5 "$TMPD/dpkg.log")"
    PURGE=1
    MXDD_RUN=/usr/sbin/mxdetourd
    MXD_RUN=/usr/bin/mxdetour
    RUN_AS=mxdetour
else
    need "$DEB not built (tests/pkg/t-deb.sh builds it)"
fi
# Cleanup: Postfix (as tests/e2e/lib.sh does), the daemon, then the package.
MXD_PID=""
lib_cleanup_pre() {
    [ "$PF_STARTED" = 1 ] && pf_stop_quiet
    [ -n "$MXD_PID" ] && stop_pid "$MXD_PID"
    if [ "${PURGE:-0}" = 1 ]; then
        DEBIAN_FRONTEND=noninteractive dpkg --purge mxdetour >>"$TMPD/dpkg.log" 2>&1 ||
            echo "# dpkg --purge mxdetour failed: $(tail -n 3 "$TMPD/dpkg.log")"
        keep_user_restore
    fi
}

dns_start
sinks_start

# ---- Debian's Postfix as installed, before anything of mxdetour ----
{
    cat /usr/share/postfix/main.cf.debian
    cat <<EOF
# What the Debian installer adds for an Internet site, and what a private
# instance needs (its own queue, log and data directories).
myhostname = mta.e2e.test
mydestination =
relayhost =
mynetworks = 127.0.0.0/8
inet_interfaces = 127.0.0.1
inet_protocols = all
queue_directory = $SPOOL
data_directory = $TMPD/data
maillog_file = $MAILLOG
maillog_file_prefixes = $TMPD
alias_maps =
alias_database =
smtp_connect_timeout = 5s
delay_warning_time = 0
queue_run_delay = 1h
minimal_backoff_time = 1h
maximal_backoff_time = 1h
EOF
} >"$PFDIR/main.cf"
cp /usr/share/postfix/master.cf.dist "$PFDIR/master.cf"
grep -Eq '^smtp +inet +n +- +y ' "$PFDIR/master.cf" || fail "test bug: Debian's smtpd is not chrooted"
grep -Eq '^cleanup +unix +n +- +y ' "$PFDIR/master.cf" || fail "test bug: Debian's cleanup is not chrooted"
pf_chroot_etc
pf_start

no_4xx() { # WHAT: every reply of the last submit is 2xx/3xx
    if printf '%s\n' "$SUBMIT_OUT" | grep -Eq '^(MAIL|RCPT [^ ]+|DATA) [45][0-9][0-9] '; then
        fail "$1: $SUBMIT_OUT"
    fi
}
sent_to() { # RCPT RELAY WHAT
    wait_status "$QID" "$1" "" 40
    expect_eq "$STATUS $RELAY" "sent $2" "$3"
}

submit_ok a@healthy.test
no_4xx "healthy mail before mxdetourd's first start"
sent_to a@healthy.test "mx.healthy.test[127.0.0.10]:25" "healthy mail before the first start"
submit_ok b@slow.test
sent_to b@slow.test "mx.slow.test[127.0.0.11]:25" "slow.test before the first start"
BEFORE_DELAY=$DELAY
expect_ge "$BEFORE_DELAY" 3 "delay= of slow.test without mxdetour (Postfix waits for AAAA)"

# ---- README step 1: check, start, the table exists ----
relocate "$CONTRIB/mxdetour.yaml" |
    sed -e "s#^user: mxdetour\$#user: \"$RUN_AS\"#" \
        -e "s#^  postfix_config: \"\"\$#  postfix_config: \"$PFDIR\"#" >"$CONF"
grep -q "postfix_config: \"$PFDIR\"" "$CONF" || fail "test bug: no postfix_config line in the example config"
[ -n "$RUN_AS" ] && chown "$RUN_AS" "$LIB"
out=$(ns "$MXD_RUN" -c "$CONF" check-config 2>&1) || fail "check-config: $out"
expect_match "$out" 'warning: routing.smarthost is not set' "check-config's warning"
ns "$MXDD_RUN" -c "$CONF" >"$TMPD/start.out" 2>&1 ||
    fail "mxdetourd did not start: $(cat "$TMPD/start.out")"
[ -f "$LIB/transport.lmdb" ] || fail "mxdetourd returned before the publish table existed"
MXD_PID=$(pgrep -f "^$MXDD_RUN -c $CONF\$" | head -n 1)
[ -n "$MXD_PID" ] || fail "no mxdetourd process after the start"
track "$MXD_PID"
if [ -n "$RUN_AS" ]; then
    expect_eq "$(stat -c %U "/proc/$MXD_PID")" "$RUN_AS" "the daemon's user"
    expect_eq "$(stat -c %U:%G:%a "$MTA")" "$RUN_AS:postfix:750" "the socket folder"
fi

# ---- README step 3, the commands as the README prints them ----
sed -n '/^### Step by step/,/^### The three ways in/p' "$top_srcdir/README" |
    sed -n '/^3\. /,/^4\. /p' | sed -n 's/^       \([a-z].*\)$/\1/p' >"$TMPD/steps"
expect_eq "$(wc -l <"$TMPD/steps" | tr -d ' ')" 4 "commands in README step 3"
postfix() { ns postfix -c "$PFDIR" "$@"; }
while IFS= read -r step; do
    case "$step" in
    "cp contrib/"*) cmd=$(printf '%s' "$step" | sed -e "s#contrib/#$CONTRIB/#" -e "s#/etc/postfix#$PFDIR#") ;;
    "cat contrib/"*) cmd=$(printf '%s' "$step" | sed -e "s#^cat contrib/#relocate $CONTRIB/#" -e "s#/etc/postfix#$PFDIR#") ;;
    "postfix check && postfix reload") cmd="$step" ;;
    *) fail "README step 3 has a command this test does not know: $step" ;;
    esac
    echo "# README: $step"
    eval "$cmd" >>"$TMPD/extra.log" 2>&1 || fail "README step 3 failed: $step: $(tail -n 3 "$TMPD/extra.log")"
done <"$TMPD/steps"
poll 10 pf_reloaded 0 || fail "Postfix did not reload"

# ---- while mxdetourd runs ----
submit_ok c@healthy.test
no_4xx "healthy mail while mxdetourd runs"
sent_to c@healthy.test "mx.healthy.test[127.0.0.10]:25" "healthy mail while mxdetourd runs"
RUN_DELAY=$DELAY
expect_lt "$RUN_DELAY" 1 "delay= of healthy mail while mxdetourd runs"
# The first message to slow.test starts its probe (the milter waits
# probe.wait for it, then lets it go as Postfix would).
submit_ok d@slow.test
no_4xx "first message to slow.test"
sent_to d@slow.test "mx.slow.test[127.0.0.11]:25" "first message to slow.test"
MXD=$MXD_RUN
poll 40 verdict_is slow.test aaaa-ignored || fail "slow.test: verdict '${VERDICT:-}' after 40 s"
wait_published slow.test
submit_ok e@slow.test
no_4xx "second message to slow.test"
sent_to e@slow.test "127.0.0.11[127.0.0.11]:25" "second message to slow.test (pinned)"
SECOND_DELAY=$DELAY
expect_lt "$SECOND_DELAY" 1 "delay= of the second message to slow.test"
grep -q '^X-MXDetour: domain=slow.test verdict=aaaa-ignored' "$SINKS/127.0.0.11" ||
    fail "no milter tag on slow.test mail: the chrooted smtpd did not reach the milter"
expect_no_log 'warning: connect to Milter|status=(deferred|bounced)|Temporary lookup failure'

# ---- after mxdetourd is stopped ----
kill -TERM "$MXD_PID"
poll 10 pf_gone "$MXD_PID" || fail "mxdetourd did not stop within 10 s of SIGTERM"
untrack "$MXD_PID"
submit_ok f@healthy.test g@slow.test
no_4xx "mail after mxdetourd stopped"
sent_to f@healthy.test "mx.healthy.test[127.0.0.10]:25" "healthy mail after mxdetourd stopped"
sent_to g@slow.test "127.0.0.11[127.0.0.11]:25" "slow.test after mxdetourd stopped (the table keeps its route)"
STOPPED_DELAY=$DELAY
expect_no_log 'status=(deferred|bounced)|Temporary lookup failure'
note "slow.test delay= before mxdetour ${BEFORE_DELAY}s, rerouted ${SECOND_DELAY}s, daemon stopped ${STOPPED_DELAY}s; healthy while running ${RUN_DELAY}s"
pass
