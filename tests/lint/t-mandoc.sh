#!/bin/sh
# The man pages parse as mdoc without warnings (mandoc -Tlint -W warning).
command -v mandoc >/dev/null || { echo "SKIP: mandoc not installed (apt-get install mandoc)"; exit 77; }
cd "$top_srcdir" || exit 1
status=0
for page in doc/mxdetourd.8 doc/mxdetour.1 doc/mxdetour.yaml.5; do
    [ -f "$page" ] || { echo "missing: $page"; status=1; continue; }
    out=$(mandoc -Tlint -W warning "$page" 2>&1) || { echo "$out"; status=1; }
done
exit $status
