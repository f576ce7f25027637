# Debian 12 packages, sourced by contrib/try.sh and tests/suite.sh.
# BUILD_DEPS builds mxdetour; TEST_DEPS runs its test suite.
# (unbound: the tests run their own, `unbound -d` with a private config on a
# free loopback port; its system service is not used.)
BUILD_DEPS="build-essential autoconf automake pkg-config libyaml-dev libc-ares-dev
 libmilter-dev libidn2-dev libsystemd-dev libhiredis-dev libmicrohttpd-dev"
TEST_DEPS="libcmocka-dev clang cppcheck clang-format miltertest python3 python3-dnslib
 postfix postfix-lmdb iproute2 mandoc debhelper dpkg-dev lintian fakeroot
 systemd redis-server python3-prometheus-client unbound"

mxd_apt_install() {
    export DEBIAN_FRONTEND=noninteractive
    # Postfix asks nothing when debconf already knows the answer.
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    apt-get update -q >/dev/null || return 1
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends "$@" >/dev/null || return 1
}
