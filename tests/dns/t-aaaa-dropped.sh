#!/bin/sh
# the AAAA query is dropped: evidence is a timeout after 1x500ms, the route pins the A address (routing.on_broken pin-mx)
# => verdict aaaa-ignored, hosts[0].aaaa = timeout.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/dns/lib.sh"
aaaa_case drop aaaa-ignored timeout timeout
