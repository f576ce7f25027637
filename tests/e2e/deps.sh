#!/bin/sh
# tests/e2e/deps.sh - installs what the end-to-end tests need, non-interactively.
#
# Run as root before `make check` (the test-suite install step calls it):
#   - postfix (postfix, postmap, postqueue, smtp-sink), postfix-lmdb (lmdb:
#     tables for routing.publish), iproute2 (ip netns), python3-dnslib
#     (tests/dns/fakedns.py), m4 (building the Sendmail .cf);
#   - Sendmail: Debian's sendmail-bin conflicts with postfix, so its packages
#     (sendmail-bin, sendmail-base, sendmail-cf) are only downloaded and
#     unpacked with dpkg-deb -x into a private prefix, default
#     /var/cache/mxdetour-e2e/sendmail (override with MXD_E2E_SENDMAIL);
#     the shared libraries sendmail-bin links against are installed normally.
# Idempotent: a second run installs nothing and keeps the unpacked tree.
set -eu

export DEBIAN_FRONTEND=noninteractive
SM_PREFIX=${MXD_E2E_SENDMAIL:-/var/cache/mxdetour-e2e/sendmail}

PKGS="postfix postfix-lmdb iproute2 python3 python3-dnslib m4 procps"
# What sendmail-bin depends on (apt-cache depends sendmail-bin), minus the
# sendmail packages themselves and their postinst helpers.
SM_LIBS="libdb5.3 libldap-2.5-0 liblockfile1 libnsl2 libsasl2-2 libssl3 libwrap0"

missing=""
for p in $PKGS $SM_LIBS; do
    dpkg-query -W -f '${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
        missing="$missing $p"
done
if [ -n "$missing" ]; then
    apt-get update -q || true
    # postfix asks debconf questions on first install: answer "No configuration";
    # the tests never use the system instance.
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    # shellcheck disable=SC2086
    apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends $missing
fi

# Sendmail is for one test (t-sendmail.sh, which skips without it): a failed
# download is a warning, not a failed install.
sm_unpack() {
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    chown _apt "$work" 2>/dev/null || true # apt-get download drops to _apt
    (cd "$work" && apt-get download sendmail-bin sendmail-base sendmail-cf) || return 1
    rm -rf "$SM_PREFIX.new"
    mkdir -p "$SM_PREFIX.new"
    for deb in "$work"/*.deb; do
        dpkg-deb -x "$deb" "$SM_PREFIX.new" || return 1
    done
    rm -rf "$SM_PREFIX"
    mv "$SM_PREFIX.new" "$SM_PREFIX"
}
if [ ! -x "$SM_PREFIX/usr/libexec/sendmail/sendmail" ] || [ ! -f "$SM_PREFIX/usr/share/sendmail/cf/m4/cf.m4" ]; then
    if ! sm_unpack; then
        echo "warning: could not unpack Sendmail into $SM_PREFIX; tests/e2e/t-sendmail.sh will skip" >&2
        exit 0
    fi
fi
echo "e2e dependencies ready (sendmail unpacked in $SM_PREFIX)"
