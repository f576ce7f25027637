#!/bin/sh
# the AAAA answer claims one record and carries garbage
# => verdict aaaa-error, hosts[0].aaaa = malformed.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/dns/lib.sh"
aaaa_case malformed aaaa-error malformed malformed
