#!/bin/sh
# Every C file is formatted by the committed .clang-format.
. "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
need_cmd clang-format "apt-get install clang-format"
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
