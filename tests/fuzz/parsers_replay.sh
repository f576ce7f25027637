#!/bin/sh
# parsers_replay.sh - replays each fuzz corpus but conf's and dnsmsg's
# (netstring, policy, state, frontends, dname, fleet, namelist) through its
# fuzz target linked with replay.c (no clang needed), so each input that
# once broke a parser stays a regression test.  The targets check
# invariants, not only "no crash".
set -u
b=${top_builddir:-.}/tests/fuzz
d=${top_srcdir:-.}/tests/fuzz
rc=0
for t in netstring:netstring_corpus policy_attr:policy_corpus state_line:state_corpus \
    frontends:frontends_corpus dname:dname_corpus fleet_record:fleet_corpus \
    namelist:namelist_corpus; do
    bin=$b/replay_${t%%:*}
    if [ ! -x "$bin" ]; then
        echo "FAIL: $bin not built"
        exit 1
    fi
    "$bin" "$d/${t#*:}" || { echo "FAIL: $bin on ${t#*:}"; rc=1; }
done
exit $rc
