#!/bin/sh
# Two listed domains with different routes: two tag headers, no -Route.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/milter/lib.sh"
mt_start two-routes
mt_run two-routes.lua
mt_expect_rc 0
expect_log 'TWO1: domain=other\.example verdict=listed route=smtp:\[192\.0\.2\.26\]:25 .*via=milter'
mxd_stop
pass
