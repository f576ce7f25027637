#!/bin/sh
# t-sockets.sh - the unix listeners: created with listen.socket_mode (the
# control socket with listen.control_mode, default 0600); a second
# daemon on the same sockets refuses to start (exit 69) and the first goes on
# answering; after a SIGKILL the stale socket files are replaced by the next
# start; a regular file where a socket should be is never removed.
. "${top_srcdir:-.}/tests/daemon/lib.sh"

dns_start
d_write_conf
mxd_start
for s in "$SM_SOCK" "$POLICY_SOCK"; do
    expect_eq "$(stat -c %a "$s")" 660 "mode of $s (listen.socket_mode 0660)"
done
expect_eq "$(stat -c %a "$CONTROL_SOCK")" 600 "mode of the control socket (listen.control_mode, default 0600)"

# A second daemon on the same, live sockets.
"$MXDD" -f -c "$CONF" 2>"$TMPD/second.log" &
second=$!
poll 10 sh -c "! kill -0 $second 2>/dev/null" || { kill "$second"; fail "a second mxdetourd kept running"; }
wait "$second"
expect_eq "$?" 69 "exit code of a second mxdetourd on live sockets"
grep -q 'Address already in use' "$TMPD/second.log" || fail "second daemon: $(cat "$TMPD/second.log")"
alive "a second daemon tried the same sockets"

# SIGKILL leaves the socket files behind; the next start replaces them.
mxd_kill
[ -S "$SM_SOCK" ] || fail "SIGKILL removed the socket file (it cannot have)"
mxd_start
alive "a restart over stale socket files"
mxd_stop

# A regular file in the socket's place is an error, and it is left alone.
rm -f "$SM_SOCK"
echo "precious" >"$SM_SOCK"
"$MXDD" -f -c "$CONF" 2>"$TMPD/third.log" &
third=$!
poll 10 sh -c "! kill -0 $third 2>/dev/null" || { kill "$third"; fail "mxdetourd started over a regular file"; }
wait "$third"
expect_eq "$?" 69 "exit code with a regular file in the socket's place"
expect_eq "$(cat "$SM_SOCK")" precious "the regular file in the socket's place"
pass
