#!/bin/sh
# cppcheck over every C file of the product: no finding allowed.
command -v cppcheck >/dev/null || { echo "SKIP: cppcheck not installed"; exit 77; }
cd "$top_srcdir" || exit 1
cppcheck --quiet --error-exitcode=1 --inline-suppr --std=c11 \
    --enable=warning,style,performance,portability \
    --suppress=missingIncludeSystem -D_GNU_SOURCE -Isrc -Ipolicy src policy
