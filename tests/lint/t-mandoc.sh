#!/bin/sh
# The man pages parse as mdoc without warnings (mandoc -Tlint -W warning).
. "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
need_cmd mandoc "apt-get install mandoc"
cd "$top_srcdir" || exit 1
status=0
for page in doc/mxdetourd.8 doc/mxdetour.1 doc/mxdetour.yaml.5; do
    [ -f "$page" ] || { echo "missing: $page"; status=1; continue; }
    out=$(mandoc -Tlint -W warning "$page" 2>&1) || { echo "$out"; status=1; }
done
exit $status
