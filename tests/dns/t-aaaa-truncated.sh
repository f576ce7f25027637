#!/bin/sh
# the AAAA answer is truncated over UDP and over TCP alike (c-ares retries over TCP and gets TC again): the probe cannot get an answer, which is malformed
# => verdict aaaa-error, hosts[0].aaaa = malformed.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/dns/lib.sh"
aaaa_case truncated aaaa-error malformed malformed
