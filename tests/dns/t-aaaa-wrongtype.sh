#!/bin/sh
# the AAAA query is answered with a TXT record
# => verdict aaaa-error, hosts[0].aaaa = wrong-type.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/dns/lib.sh"
aaaa_case wrongtype aaaa-error wrong-type wrong-type
