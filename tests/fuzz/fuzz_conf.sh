#!/bin/sh
# fuzz_conf.sh - the config loader (conf_load_buf) under libFuzzer, ASan and
# UBSan for ${MXD_FUZZ_SECONDS:-60} s over conf_corpus/.  See lib.sh.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/fuzz/lib.sh"
fuzz_seconds 60
fuzz_init
if ! flags=$(pkg-config --cflags --libs yaml-0.1 libidn2 2>/dev/null); then
    need "pkg-config cannot find yaml-0.1 and libidn2 (apt-get install libyaml-dev libidn2-dev)"
fi
# shellcheck disable=SC2086 # flags is a word list
fuzz_target conf "$secs" 65536 conf_corpus conf.dict \
    "src/conf.c src/conf_schema.c src/conf_value.c src/conf_yaml.c src/conf_fleet.c src/dname.c src/domlist.c src/util.c" $flags
exit $FUZZ_FAILED
