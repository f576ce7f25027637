#!/bin/bash
# Installs what mxdetour needs on Debian 12, builds it, and starts mxdetourd
# in the foreground on the example config (contrib/mxdetour.yaml).  Run as root
# from the source tree.  Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
. contrib/deps.sh
# The example config publishes a Postfix lmdb: table and listens inside
# Postfix's queue directory.  Postfix is installed ("No configuration":
# nothing is configured or started) only where no mail server is installed:
# installing it would replace an existing Exim or Sendmail.
mta=""
if ! dpkg-query -W -f '${Status}\n' postfix 2>/dev/null | grep -q 'ok installed' &&
    [ ! -e /usr/sbin/sendmail ]; then
    mta="postfix postfix-lmdb"
elif dpkg-query -W -f '${Status}\n' postfix 2>/dev/null | grep -q 'ok installed'; then
    mta="postfix-lmdb"
fi
# shellcheck disable=SC2086
mxd_apt_install $BUILD_DEPS $mta
[ -f configure ] || ./autogen.sh >/dev/null
[ -f Makefile ] || ./configure -q
make -s -j"$(nproc)"
# What the example config expects: its user and its folders (what the
# Debian package's postinst makes too).
id mxdetour >/dev/null 2>&1 || useradd --system --home-dir /var/lib/mxdetour --shell /usr/sbin/nologin mxdetour
group=mxdetour
getent group postfix >/dev/null && group=postfix
install -d -o mxdetour -g mxdetour -m 0750 /var/lib/mxdetour
install -d -o mxdetour -g mxdetour -m 0755 /run/mxdetour
install -d -m 0755 /var/spool/postfix
install -d -o mxdetour -g "$group" -m 0750 /var/spool/postfix/mxdetour
src/mxdetour check-config -c contrib/mxdetour.yaml
if [ ! -f /etc/postfix/main.cf ]; then
    echo "note: Postfix has no /etc/postfix/main.cf (installed as \"No configuration\"):"
    echo "      postmap cannot index the published table until Postfix is configured."
fi
exec src/mxdetourd -f -c contrib/mxdetour.yaml
