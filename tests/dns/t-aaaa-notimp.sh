#!/bin/sh
# the AAAA query of the MX host is answered NOTIMP
# => verdict aaaa-error, hosts[0].aaaa = notimp.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/dns/lib.sh"
aaaa_case notimp aaaa-error notimp NOTIMP
