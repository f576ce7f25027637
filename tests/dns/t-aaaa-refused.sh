#!/bin/sh
# the AAAA query of the MX host is answered REFUSED
# => verdict aaaa-error, hosts[0].aaaa = refused.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/dns/lib.sh"
aaaa_case refused aaaa-error refused REFUSED
