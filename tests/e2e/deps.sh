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
#   - Exim: exim4-daemon-light conflicts with postfix too, so exim4-daemon-light,
#     exim4-base and exim4-config are unpacked the same way into
#     /var/cache/mxdetour-e2e/exim (override with MXD_E2E_EXIM); its shared
#     libraries are installed normally, and the system user Debian-exim that
#     the binary was built for is created (as exim4-base's postinst does).
# Idempotent: a second run installs nothing and keeps the unpacked tree.
set -eu

export DEBIAN_FRONTEND=noninteractive
SM_PREFIX=${MXD_E2E_SENDMAIL:-/var/cache/mxdetour-e2e/sendmail}
EXIM_PREFIX=${MXD_E2E_EXIM:-/var/cache/mxdetour-e2e/exim}

PKGS="postfix postfix-lmdb iproute2 python3 python3-dnslib m4 procps"
# What sendmail-bin depends on (apt-cache depends sendmail-bin), minus the
# sendmail packages themselves and their postinst helpers.
SM_LIBS="libdb5.3 libldap-2.5-0 liblockfile1 libnsl2 libsasl2-2 libssl3 libwrap0"
# What exim4-daemon-light links against (dpkg-deb -f exim4-daemon-light*.deb Depends).
EXIM_LIBS="libcrypt1 libgnutls-dane0 libgnutls30 libidn12 libidn2-0 libpcre2-8-0"

missing=""
for p in $PKGS $SM_LIBS $EXIM_LIBS; do
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

# Unpacks Debian packages into a private prefix: unpack PREFIX PKG...
unpack() {
    prefix=$1
    shift
    work=$(mktemp -d)
    chown _apt "$work" 2>/dev/null || true # apt-get download drops to _apt
    if ! (cd "$work" && apt-get download "$@"); then
        rm -rf "$work"
        return 1
    fi
    rm -rf "$prefix.new"
    mkdir -p "$prefix.new"
    for deb in "$work"/*.deb; do
        dpkg-deb -x "$deb" "$prefix.new" || {
            rm -rf "$work"
            return 1
        }
    done
    rm -rf "$work" "$prefix"
    mv "$prefix.new" "$prefix"
}

# Exim (tests/daemon/t-export-exim.sh): the binary looks up its user at start.
if ! getent passwd Debian-exim >/dev/null; then
    adduser --system --group --quiet --allow-bad-names --home /var/spool/exim4 \
        --no-create-home Debian-exim
fi
if [ ! -x "$EXIM_PREFIX/usr/sbin/exim4" ]; then
    unpack "$EXIM_PREFIX" exim4-daemon-light exim4-base exim4-config ||
        echo "warning: could not unpack Exim into $EXIM_PREFIX; tests/daemon/t-export-exim.sh will skip (fail under CI=true)" >&2
fi

# Sendmail is for one test (t-sendmail.sh, which skips without it): a failed
# download is a warning, not a failed install.
if [ ! -x "$SM_PREFIX/usr/libexec/sendmail/sendmail" ] || [ ! -f "$SM_PREFIX/usr/share/sendmail/cf/m4/cf.m4" ]; then
    if ! unpack "$SM_PREFIX" sendmail-bin sendmail-base sendmail-cf; then
        echo "warning: could not unpack Sendmail into $SM_PREFIX; tests/e2e/t-sendmail.sh will skip" >&2
        exit 0
    fi
fi
echo "e2e dependencies ready (sendmail unpacked in $SM_PREFIX, exim in $EXIM_PREFIX)"
