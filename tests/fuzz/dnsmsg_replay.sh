#!/bin/sh
# dnsmsg_replay.sh - replays tests/fuzz/dnsmsg_corpus through fuzz_dnsmsg.c
# linked with replay.c (no clang needed), so every seed and every input that
# once broke the DNS reply parser stays a regression test.  The target
# checks the parser's invariants, not only "no crash".
set -u
bin=${top_builddir:-.}/tests/fuzz/replay_dnsmsg
corpus=${top_srcdir:-.}/tests/fuzz/dnsmsg_corpus
if [ ! -x "$bin" ]; then
    echo "FAIL: $bin not built"
    exit 1
fi
"$bin" "$corpus" || { echo "FAIL: $bin on $corpus"; exit 1; }
exit 0
