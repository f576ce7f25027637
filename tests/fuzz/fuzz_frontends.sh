#!/bin/sh
# fuzz_frontends.sh - the socketmap/policy/control request semantics (with
# a core double), dname_normalize/dname_from_address, the fleet record
# parser and the --file name list under libFuzzer, ASan and UBSan,
# ${MXD_FUZZ_SECONDS:-15} s each (four targets: a minute of make check).  See lib.sh.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/fuzz/lib.sh"
fuzz_seconds 15
fuzz_init
if ! flags=$(pkg-config --cflags --libs yaml-0.1 libidn2 2>/dev/null); then
    need "pkg-config cannot find yaml-0.1 and libidn2 (apt-get install libyaml-dev libidn2-dev)"
fi
conf="src/conf.c src/conf_schema.c src/conf_value.c src/conf_yaml.c src/conf_fleet.c \
src/domlist.c"
# shellcheck disable=SC2086 # flags is a word list
fuzz_target frontends "$secs" 4200 frontends_corpus - "policy/sockmap.c policy/policy.c policy/milter_msg.c \
policy/policy_attr.c src/control.c src/json.c src/dname.c src/log.c src/log_syslog.c src/util.c src/verdict.c src/dns_outcome.c \
src/route.c src/route_sendmail.c src/metrics.c src/txn.c src/logq.c $conf" $flags -lpthread
fuzz_target dname "$secs" 1100 dname_corpus - "src/dname.c src/util.c" -lidn2
fuzz_target fleet_record "$secs" 1500 fleet_corpus - "src/fleet_record.c src/dname.c \
src/verdict.c src/dns_outcome.c src/util.c" -lidn2
fuzz_target namelist "$secs" 4096 namelist_corpus - "src/namelist.c src/util.c"
exit $FUZZ_FAILED
