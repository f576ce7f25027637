#!/bin/sh
# t-startup.sh - a loud start-up.  Without -f, mxdetourd binds every socket,
# loads the state and writes the publish table before it detaches: the
# command returns 0 only then, and a failure is said on stderr with the
# exit status of doc/design.md §8 (78 config, 69 a socket or the probe
# engine).  Before this, it detached first: exit 0, nothing on stderr, no
# daemon.  Also: --version, the missing socket folder made, timestamps on
# -f lines, and no stderr copy under systemd (JOURNAL_STREAM).
. "${top_srcdir:-.}/tests/daemon/lib.sh"

dns_start
d_write_conf 'routing:
  smarthost: "[203.0.113.25]:25"
  publish: "texthash:'"$TMPD"'/lib/transport"'
mkdir "$TMPD/lib"
# The MTA sockets in a folder that does not exist yet: the daemon makes it.
sed -i "s#unix:$TMPD/sm.sock#unix:$TMPD/spool/sm.sock#" "$CONF"
SM_SOCK="$TMPD/spool/sm.sock"

# Started as an admin would: returns once it answers.
"$MXDD" -c "$CONF" >"$TMPD/start.out" 2>&1
expect_eq "$?" 0 "exit status of a good start without -f"
[ -s "$TMPD/start.out" ] && fail "a good start printed: $(cat "$TMPD/start.out")"
[ -S "$SM_SOCK" ] || fail "mxdetourd returned before the socketmap socket existed"
[ -f "$TMPD/lib/transport" ] || fail "mxdetourd returned before the publish table existed"
expect_eq "$(stat -c %a "$TMPD/spool")" 750 "mode of the socket folder it made"
D_PID=$(pgrep -f "^$MXDD -c $CONF\$" | head -n 1)
[ -n "$D_PID" ] || fail "no detached mxdetourd"
track "$D_PID"
cli status
expect_eq "$CLI_RC" 0 "status of the detached daemon"

# A second one cannot bind: it says so and exits 69, the first goes on.
"$MXDD" -c "$CONF" >"$TMPD/second.out" 2>&1
expect_eq "$?" 69 "exit status when a socket is taken"
grep -q 'Address already in use' "$TMPD/second.out" || fail "second start said: $(cat "$TMPD/second.out")"
kill -TERM "$D_PID"
poll 10 sh -c "! kill -0 $D_PID 2>/dev/null" || fail "the detached daemon did not stop on SIGTERM"
untrack "$D_PID"
D_PID=""

# A socket in a folder whose parent is missing: 69 and the reason.
sed "s#unix:$TMPD/spool/sm.sock#unix:$TMPD/no/such/sm.sock#" "$CONF" >"$TMPD/bad.yaml"
"$MXDD" -c "$TMPD/bad.yaml" >"$TMPD/bad.out" 2>&1
expect_eq "$?" 69 "exit status with an unreachable socket folder"
grep -q "cannot create $TMPD/no/such: No such file or directory" "$TMPD/bad.out" ||
    fail "unreachable socket folder said: $(cat "$TMPD/bad.out")"
# A config error: 78 and file:line:column on stderr.
printf 'probe:\n  tries: 0\n' >"$TMPD/bad2.yaml"
"$MXDD" -c "$TMPD/bad2.yaml" >"$TMPD/bad2.out" 2>&1
expect_eq "$?" 78 "exit status with a bad config"
grep -q "^$TMPD/bad2.yaml:2:10: probe.tries" "$TMPD/bad2.out" || fail "bad config said: $(cat "$TMPD/bad2.out")"

for h in -h --help; do
    out=$("$MXDD" $h 2>/dev/null) || fail "mxdetourd $h: exit $?"
    expect_match "$out" '^usage: mxdetourd ' "mxdetourd $h on stdout"
done
out=$("$MXDD" --version) || fail "mxdetourd --version failed"
expect_match "$out" '^mxdetourd [0-9]+\.[0-9]+\.[0-9]+$' "mxdetourd --version"

# -f: timestamped lines; under systemd (JOURNAL_STREAM) none on stderr,
# since the syslog line reaches the journal already.
mxd_start
mxd_stop
grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+[+-][0-9]{4} mxdetourd: started: ' "$TMPD/daemon.log" ||
    fail "no timestamped start line: $(head -n 3 "$TMPD/daemon.log")"
JOURNAL_STREAM=8:1234 "$MXDD" -f -c "$CONF" 2>"$TMPD/journal.err" &
D_PID=$!
track "$D_PID"
poll 10 test -S "$CONTROL_SOCK" || fail "mxdetourd under JOURNAL_STREAM did not start"
poll 10 cli status
kill -TERM "$D_PID"
wait "$D_PID"
untrack "$D_PID"
D_PID=""
[ -s "$TMPD/journal.err" ] && fail "stderr under JOURNAL_STREAM: $(head -n 3 "$TMPD/journal.err")"
pass
