#!/bin/sh
# Every contrib/ file the README quotes (between "<!-- contrib:PATH -->" and
# the end of the code block that follows) is quoted byte for byte, so the
# README never drifts from the files the end-to-end tests use.
cd "$top_srcdir" || exit 1
/usr/bin/python3 - <<'PY'
import re, sys
text = open("README", encoding="utf-8").read()
quotes = re.findall(r"<!-- contrib:(\S+) -->\n```\n(.*?)```\n", text, re.S)
if not quotes:
    sys.exit("README quotes no contrib file")
bad = 0
for path, body in quotes:
    want = open(path, encoding="utf-8").read()
    if body != want:
        print(f"README's quote of {path} differs from the file")
        bad = 1
print(f"{len(quotes)} contrib quotes checked")
sys.exit(bad)
PY
