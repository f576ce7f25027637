#!/bin/sh
# t-layers.sh - the front-ends under policy/ see the core through core.h
# only: no file there includes conf.h or verdict.h, directly or through
# another header (the preprocessor's own list of headers, `cc -MM`, is
# what is checked, so an include hidden in a header fails too).  And the
# core's header itself includes neither.
cd "${top_srcdir:-.}" || exit 1
CC=${CC:-cc}
bad=0
n=0
for f in policy/*.c src/core.h; do
    # -MM: user headers only; -MG: a missing system header (libmilter on a
    # bare host) is not an error here, the build reports that.
    deps=$($CC -MM -MG -I src -I policy -I . "$f" 2>&1) || {
        echo "FAIL: $CC -MM $f: $deps"
        exit 1
    }
    n=$((n + 1))
    for h in conf.h conf_value.h verdict.h; do
        case " $(printf '%s' "$deps" | tr '\\\n' '  ') " in
        *" src/$h "*)
            echo "$f includes src/$h (front-ends use core.h; see doc/HACKING)"
            bad=1
            ;;
        esac
    done
done
[ "$n" -ge 7 ] || { echo "FAIL: only $n files checked"; exit 1; }
[ "$bad" = 0 ] && echo "PASS: $n files under policy/ (and core.h) include no config or verdict header"
exit "$bad"
