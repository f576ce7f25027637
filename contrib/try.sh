#!/bin/bash
# Installs what mxdetour needs on Debian 12, builds it, and starts mxdetourd
# in the foreground on the example config (contrib/mxdetour.yaml).  Run as root
# from the source tree.  Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
. contrib/deps.sh
mxd_apt_install $BUILD_DEPS
[ -f configure ] || ./autogen.sh >/dev/null
[ -f Makefile ] || ./configure -q
make -s -j"$(nproc)"
# What the example config expects: its user, runtime and state folders.
id mxdetour >/dev/null 2>&1 || useradd --system --home-dir /var/lib/mxdetour --shell /usr/sbin/nologin mxdetour
install -d -o mxdetour -g mxdetour -m 0755 /run/mxdetour /var/lib/mxdetour
src/mxdetour check-config -c contrib/mxdetour.yaml
exec src/mxdetourd -f -c contrib/mxdetour.yaml
