#!/bin/sh
# conf_replay.sh - replays every file of tests/fuzz/conf_corpus through the
# fuzz_conf target linked with replay.c (no clang needed), so each input
# that once crashed the loader stays a regression test.
set -u
bin=${top_builddir:-.}/tests/fuzz/replay_conf
dir=${top_srcdir:-.}/tests/fuzz/conf_corpus
if [ ! -x "$bin" ]; then
    echo "FAIL: $bin not built"
    exit 1
fi
exec "$bin" "$dir"
