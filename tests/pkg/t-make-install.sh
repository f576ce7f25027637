#!/bin/sh
# "make install DESTDIR=..." from the build tree installs both programs, the
# three man pages, the config sample as $(sysconfdir)/mxdetour/mxdetour.yaml
# and the systemd unit, whose ExecStart names the configured sbindir and
# sysconfdir.  A second install keeps an edited config; uninstall keeps it
# too and removes everything else.
cd "$top_builddir" || exit 1
# A make of its own, not a part of the "make check" that runs this test.
unset MAKEFLAGS MFLAGS MAKELEVEL
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
status=0
fail() { echo "FAIL: $*"; status=1; }

# The configured directories, fully expanded, as make sees them.
dir() { printf 'mxd-show:\n\t@echo $(%s)\n' "$1" | make -s -f Makefile -f - mxd-show; }
sbindir=$(dir sbindir) bindir=$(dir bindir) sysconfdir=$(dir sysconfdir)
mandir=$(dir mandir) unitdir=$(dir systemdsystemunitdir)
[ -n "$sbindir" ] && [ -n "$unitdir" ] || { echo "FAIL: cannot read the paths from Makefile"; exit 1; }

inst() { make -s "$1" DESTDIR="$tmp/root" >"$tmp/make.log" 2>&1 || { cat "$tmp/make.log"; exit 1; }; }
inst install
r=$tmp/root
for f in "$sbindir/mxdetourd" "$bindir/mxdetour"; do
    [ -x "$r$f" ] || fail "$f not installed"
done
for f in man8/mxdetourd.8 man1/mxdetour.1 man5/mxdetour.yaml.5; do
    [ -f "$r$mandir/$f" ] || fail "$mandir/$f not installed"
done
conf=$sysconfdir/mxdetour/mxdetour.yaml
cmp -s "$top_srcdir/contrib/mxdetour.yaml" "$r$conf" || fail "$conf is not contrib/mxdetour.yaml"
unit=$r$unitdir/mxdetourd.service
want="ExecStart=$sbindir/mxdetourd -f -c $conf"
if [ ! -f "$unit" ]; then
    fail "$unitdir/mxdetourd.service not installed"
elif ! grep -qxF "$want" "$unit"; then
    fail "unit has no line '$want':"
    grep '^Exec' "$unit"
fi
grep -n '@[a-z]*@' "$unit" && fail "unit has unsubstituted @...@ names"

echo "# edited" >>"$r$conf"
inst install
grep -q '^# edited' "$r$conf" || fail "a second make install overwrote the edited $conf"
inst uninstall
grep -q '^# edited' "$r$conf" 2>/dev/null || fail "make uninstall removed the edited $conf"
left=$(find "$r" -type f ! -path "$r$conf")
[ -z "$left" ] || fail "make uninstall left: $left"
[ $status -eq 0 ] && echo "ok: make install into $sbindir, $bindir, $mandir, $conf, $unitdir"
exit $status
