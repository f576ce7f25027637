#!/bin/sh
# t-full-disk.sh - a full disk costs one warning per failed save and
# nothing else: the state file and the published table live on a 64 KiB
# tmpfs that the test fills, SIGHUP triggers a state save and a publish
# (both fail: ENOSPC), and afterwards the daemon holds no descriptor on a
# deleted temp file (each one would keep its blocks, so the disk would stay
# full) and logged one warning per attempt.  The tmpfs is mounted in a
# private mount namespace (unshare -m), so nothing outside sees it.
if [ -z "${MXD_IN_MOUNT_NS:-}" ]; then
    . "${top_srcdir:-.}/tests/lib/common.sh"
    [ "$(id -u)" = 0 ] || skip "mounting a tmpfs needs root"
    need_cmd unshare "apt-get install util-linux"
    MXD_IN_MOUNT_NS=1 exec unshare -m --propagation private sh "$0" "$@"
fi
. "${top_srcdir:-.}/tests/daemon/lib.sh"

SAVES=${SAVES:-100}
MNT="$TMPD/disk"
mkdir "$MNT" || fail "mkdir $MNT"
mount -t tmpfs -o size=64k,mode=0755 mxd-test "$MNT" || skip "cannot mount a tmpfs here"
# The daemon's descriptors keep the tmpfs busy: stop it before umount.
lib_cleanup_pre() {
    stop_pid "$D_PID"
    D_PID=""
    umount "$MNT"
}
STATE="$MNT/verdicts"
TABLE="$MNT/transport"

dns_start
# texthash: no postmap child, so only our own writes touch the disk.
d_write_conf "routing:
  mode: rewrite
  on_broken: pin-mx
  smarthost: \"[203.0.113.25]:25\"
  publish: \"texthash:$TABLE\"
domains:
  - domain: listed.test
    route: smarthost"
mxd_start
published() { grep -q '^listed\.test ' "$TABLE" 2>/dev/null; }
poll 5 published || fail "listed.test not published to $TABLE"

# Fill the disk: dd stops at ENOSPC.
dd if=/dev/zero of="$MNT/filler" bs=4k 2>/dev/null
df "$MNT" | grep -q ' 100% ' || fail "the tmpfs is not full: $(df "$MNT" | tail -n 1)"

warnings() { # publish failures, one a line
    mxd_log_count "publish $TABLE: No space left on device"
}
warned() { # COUNT
    [ "$(warnings)" -ge "$1" ]
}
deleted_fds() {
    n=0
    for fd in /proc/"$D_PID"/fd/*; do
        case $(readlink "$fd" 2>/dev/null) in *" (deleted)") n=$((n + 1)) ;; esac
    done
    echo "$n"
}
state_warnings() {
    mxd_log_count "state file $STATE: No space left on device"
}

base=$(warnings)
sbase=$(state_warnings)
i=0
while [ "$i" -lt "$SAVES" ]; do
    i=$((i + 1))
    kill -HUP "$D_PID" || fail "cannot signal mxdetourd"
    # A reload publishes at once, and every publish saves the state first.
    poll 10 warned $((base + i)) || fail "save $i: no publish warning within 10 s"
done
leaked=$(deleted_fds)
echo "descriptors on deleted files after $SAVES failed saves: $leaked"
expect_eq "$leaked" 0 "descriptors on deleted files after $SAVES failed saves"
expect_eq "$(($(warnings) - base))" "$SAVES" "publish warnings for $SAVES failed publishes"
expect_eq "$(($(state_warnings) - sbase))" "$SAVES" "state warnings for $SAVES failed saves"
ls "$MNT" | grep -v '^filler$' | grep -vx 'verdicts\|transport' &&
    fail "temp files left behind on the disk: $(ls "$MNT")"

# Room again: the next save and publish succeed.
rm -f "$MNT/filler"
mxd_hup reload
poll 5 published || fail "no publish once the disk has room"
alive "$SAVES failed saves"
mxd_stop
pass
