#!/bin/sh
# the AAAA query of the MX host is answered SERVFAIL
# => verdict aaaa-error, hosts[0].aaaa = servfail.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/dns/lib.sh"
aaaa_case servfail aaaa-error servfail SERVFAIL
