#!/bin/sh
# cppcheck over every C file of the product: no finding allowed.
. "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
need_cmd cppcheck "apt-get install cppcheck"
cd "$top_srcdir" || exit 1
cppcheck --quiet --error-exitcode=1 --inline-suppr --std=c11 \
    --enable=warning,style,performance,portability \
    --suppress=missingIncludeSystem -D_GNU_SOURCE -Isrc -Ipolicy src policy
