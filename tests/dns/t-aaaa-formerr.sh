#!/bin/sh
# the AAAA query of the MX host is answered FORMERR
# => verdict aaaa-error, hosts[0].aaaa = formerr.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/dns/lib.sh"
aaaa_case formerr aaaa-error formerr FORMERR
