#!/bin/sh
# Every C file is formatted by the committed .clang-format.
command -v clang-format >/dev/null || { echo "SKIP: clang-format not installed"; exit 77; }
cd "$top_srcdir" || exit 1
bad=0
for f in src/*.c src/*.h policy/*.c policy/*.h tests/unit/*.c tests/fuzz/*.c bench/*.c; do
    [ -f "$f" ] || continue
    if ! clang-format --style=file "$f" | cmp -s - "$f"; then
        echo "not clang-formatted: $f"
        bad=1
    fi
done
exit $bad
