#!/bin/sh
# the AAAA answer has 3 bytes of RDATA
# => verdict aaaa-error, hosts[0].aaaa = bad-rdata.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/dns/lib.sh"
aaaa_case badrdata aaaa-error bad-rdata bad-rdata
