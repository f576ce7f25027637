#!/bin/sh
# contrib/grafana/mxdetour.json parses, and its queries use only the metric
# names and labels src/metrics.c prints, each family at least once.
# (tests/daemon/t-metrics.sh checks it against a real scrape too.)
cd "$top_srcdir" || exit 1
exec /usr/bin/python3 tests/lint/grafana_check.py contrib/grafana/mxdetour.json src/metrics.c
