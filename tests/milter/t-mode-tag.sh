#!/bin/sh
# routing.mode tag: the tag header, never the -Route header.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/milter/lib.sh"
mt_start mode-tag
mt_run mode-tag.lua
mt_expect_rc 0
expect_log 'TAG1: domain=listed\.example verdict=listed .*via=milter'
mxd_stop
pass
