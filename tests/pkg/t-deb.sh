#!/bin/sh
# The Debian package: debian/ builds with "dpkg-buildpackage -b -us -uc"
# from a copy of the source tree as it is (uncommitted changes included),
# lintian finds no error, the .deb holds the files of the install set and
# debian/copyright carries LICENSE's terms.  As root it then installs the
# package and checks what postinst made (user mxdetour, not in group
# postfix; /var/lib/mxdetour and /var/spool/postfix/mxdetour with their
# owners and modes; the conffile, which mxdetourd -t accepts; the enabled
# unit), installs it again over itself, purges it and checks that all of it
# is gone.  The .deb is kept as tests/pkg/mxdetour.deb for other tests.
# Never purges an install it did not make: an installed mxdetour package or
# an existing mxdetour user is a failure with a message.

# A build of its own, not a part of the "make check" that runs this test.
unset MAKEFLAGS MFLAGS MAKELEVEL
missing() {
    if [ "${CI:-}" = true ]; then
        echo "FAIL: $1 (CI installs it: contrib/deps.sh)"
        exit 1
    fi
    echo "SKIP: $1"
    exit 77
}
for tool in dpkg-buildpackage:dpkg-dev dh:debhelper lintian:lintian; do
    command -v "${tool%%:*}" >/dev/null || missing "${tool%%:*} not installed (apt-get install ${tool#*:})"
done

tmp=$(mktemp -d) || exit 1
installed=
. "$top_srcdir/tests/pkg/keep-user.sh"
cleanup() {
    [ -n "$installed" ] && dpkg --purge mxdetour >"$tmp/cleanup.log" 2>&1
    keep_user_restore
    rm -rf "$tmp"
}
trap cleanup EXIT
status=0
fail() { echo "FAIL: $*"; status=1; }
show() { echo "---- $1"; tail -n "${2:-40}" "$1"; }

mkdir "$tmp/src"
if git -C "$top_srcdir" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    # Tracked and new files as they are now; build products are ignored.
    git -C "$top_srcdir" ls-files -z -co --exclude-standard |
        (cd "$top_srcdir" && tar --null -T - --ignore-failed-read -cf - 2>/dev/null) |
        tar -C "$tmp/src" -xf - || { echo "FAIL: cannot copy the source tree"; exit 1; }
else
    cp -a "$top_srcdir/." "$tmp/src/" || exit 1
fi
chmod -R u+w "$tmp/src"
# nice: timing-sensitive tests may run alongside under make -j.
if ! (cd "$tmp/src" && nice dpkg-buildpackage -b -us -uc) >"$tmp/build.log" 2>&1; then
    echo "FAIL: dpkg-buildpackage -b -us -uc"
    show "$tmp/build.log" 60
    exit 1
fi
deb=$(ls "$tmp"/mxdetour_*_"$(dpkg --print-architecture)".deb 2>/dev/null)
[ -f "$deb" ] || { echo "FAIL: no mxdetour_*.deb built"; ls "$tmp"; exit 1; }
echo "built ${deb##*/}"

lintian "$deb" >"$tmp/lintian.log" 2>&1
grep -q '^E:' "$tmp/lintian.log" && { fail "lintian errors:"; grep '^E:' "$tmp/lintian.log"; }
grep '^W:' "$tmp/lintian.log"

dpkg-deb -c "$deb" | awk '{print $6}' >"$tmp/files"
for f in ./usr/sbin/mxdetourd ./usr/bin/mxdetour ./etc/mxdetour/mxdetour.yaml \
    ./lib/systemd/system/mxdetourd.service ./usr/share/man/man8/mxdetourd.8.gz \
    ./usr/share/man/man1/mxdetour.1.gz ./usr/share/man/man5/mxdetour.yaml.5.gz \
    ./usr/share/doc/mxdetour/copyright \
    ./usr/share/doc/mxdetour/examples/postfix/main.cf.snippet \
    ./usr/share/doc/mxdetour/examples/postfix/master.cf.snippet \
    ./usr/share/doc/mxdetour/examples/postfix/milter_header_checks \
    ./usr/share/doc/mxdetour/examples/sendmail/mxdetour.mc \
    ./usr/share/doc/mxdetour/examples/grafana/mxdetour.json; do
    grep -qxF "$f" "$tmp/files" || fail "the .deb has no $f"
done
dpkg-deb -I "$deb" conffiles | grep -qx /etc/mxdetour/mxdetour.yaml ||
    fail "/etc/mxdetour/mxdetour.yaml is not a conffile"
unit=$(dpkg-deb --fsys-tarfile "$deb" | tar -xOf - ./lib/systemd/system/mxdetourd.service)
echo "$unit" | grep -qx 'ExecStart=/usr/sbin/mxdetourd -f -c /etc/mxdetour/mxdetour.yaml' ||
    fail "the unit's ExecStart does not run /usr/sbin/mxdetourd -f on /etc/mxdetour/mxdetour.yaml"
echo "$unit" | grep -qx 'Type=notify' || fail "the unit is not Type=notify"
# debian/copyright's license paragraph is LICENSE's text, indented.
terms=$(sed -n '/^ Redistribution/,$p' "$top_srcdir/debian/copyright" | sed 's/^ //; s/^\.$//')
[ "$terms" = "$(sed -n '/^Redistribution/,$p' "$top_srcdir/LICENSE")" ] ||
    fail "debian/copyright's license text differs from LICENSE"

mkdir -p "$top_builddir/tests/pkg" && cp "$deb" "$top_builddir/tests/pkg/mxdetour.deb"

if [ "$(id -u)" -ne 0 ]; then
    [ "${CI:-}" = true ] && { echo "FAIL: CI runs as root; install part not run"; exit 1; }
    [ $status -ne 0 ] && exit $status
    echo "SKIP: build checks passed; installing needs root"
    exit 77
fi
[ $status -ne 0 ] && exit $status
if dpkg -s mxdetour >/dev/null 2>&1; then
    echo "FAIL: package mxdetour is installed on this machine; this test installs and purges"
    echo "its own build and will not purge yours: 'dpkg --purge mxdetour' first"
    exit 1
fi
# A user mxdetour from before (contrib/try.sh makes one) is taken over by
# the package, removed by the purge below and made again at the end.
keep_user_save
[ -n "$KEEP_PASSWD" ] && echo "# user mxdetour exists already: it is restored after the purge"
if [ -n "$KEEP_PASSWD" ]; then
    # The checks below want the package's own user: take the old one away
    # first (restored on exit).
    userdel mxdetour 2>/dev/null
    getent group mxdetour >/dev/null && groupdel mxdetour 2>/dev/null
fi

installed=yes
dpkg -i "$deb" >"$tmp/install.log" 2>&1 || { fail "dpkg -i"; show "$tmp/install.log"; exit 1; }
getent passwd mxdetour >"$tmp/pw" || fail "postinst made no user mxdetour"
IFS=: read -r _ _ _ _ _ home shell <"$tmp/pw"
[ "$home" = /var/lib/mxdetour ] || fail "mxdetour's home is '$home', not /var/lib/mxdetour"
[ "$shell" = /usr/sbin/nologin ] || fail "mxdetour's shell is '$shell', not /usr/sbin/nologin"
[ "$(id -gn mxdetour)" = mxdetour ] || fail "mxdetour's group is not mxdetour"
id -nG mxdetour | tr ' ' '\n' | grep -qx postfix && fail "user mxdetour is in group postfix"
owner() {
    got=$(stat -c '%U:%G %a' "$1" 2>/dev/null)
    [ "$got" = "$2" ] || fail "$1 is '${got:-missing}', want '$2'"
}
owner /var/lib/mxdetour "mxdetour:mxdetour 750"
if getent group postfix >/dev/null; then
    owner /var/spool/postfix/mxdetour "mxdetour:postfix 750"
else
    owner /var/spool/postfix/mxdetour "mxdetour:mxdetour 750"
fi
[ -f /etc/mxdetour/mxdetour.yaml ] || fail "no /etc/mxdetour/mxdetour.yaml"
/usr/sbin/mxdetourd -t -c /etc/mxdetour/mxdetour.yaml >"$tmp/t.log" 2>&1 ||
    { fail "mxdetourd -t rejects the installed config"; show "$tmp/t.log"; }
/usr/bin/mxdetour -c /etc/mxdetour/mxdetour.yaml check-config >"$tmp/cc.log" 2>&1 ||
    { fail "mxdetour check-config rejects the installed config"; show "$tmp/cc.log"; }
wants=/etc/systemd/system/multi-user.target.wants/mxdetourd.service
[ -L "$wants" ] || fail "the unit is not enabled ($wants missing)"
# The unit as systemd reads it, Documentation= man pages included: verify
# exits 0 on a value it ignores, so any line it prints is a failure.
# (systemd-analyze is in package systemd, which a container may lack.)
if command -v systemd-analyze >/dev/null; then
    if ! systemd-analyze verify /lib/systemd/system/mxdetourd.service >"$tmp/verify.log" 2>&1 ||
        [ -s "$tmp/verify.log" ]; then
        fail "systemd-analyze verify mxdetourd.service"
        show "$tmp/verify.log"
    fi
elif [ "${CI:-}" = true ]; then
    fail "systemd-analyze not installed (CI installs systemd: contrib/deps.sh)"
else
    echo "note: systemd-analyze not installed, the unit was not verified by systemd"
fi
# Installing over itself (what an upgrade runs) keeps working.
dpkg -i "$deb" >"$tmp/install.log" 2>&1 || { fail "second dpkg -i"; show "$tmp/install.log"; }

installed=
dpkg --purge mxdetour >"$tmp/purge.log" 2>&1 || { fail "dpkg --purge"; show "$tmp/purge.log"; }
getent passwd mxdetour >/dev/null && fail "purge left user mxdetour"
getent group mxdetour >/dev/null && fail "purge left group mxdetour"
for f in /var/lib/mxdetour /var/spool/postfix/mxdetour /etc/mxdetour /usr/sbin/mxdetourd \
    /usr/bin/mxdetour /lib/systemd/system/mxdetourd.service "$wants"; do
    [ -e "$f" ] || [ -L "$f" ] && fail "purge left $f"
done
[ $status -eq 0 ] && echo "ok: installed, checked and purged ${deb##*/}"
exit $status
