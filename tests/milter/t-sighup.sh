#!/bin/sh
# SIGHUP: the config is reloaded and the milter keeps serving (it must not
# be stopped by libmilter's signal thread); the next message sees the new
# list.  Three more SIGHUPs change nothing.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/milter/lib.sh"
mt_start sighup
mt_run sighup.lua part=1
mt_expect_rc 0
expect_log 'HUP1: domain=healthy\.example verdict=healthy .*via=milter'

printf '  - domain: healthy.example\n    route: smarthost\n' >>"$CONF"
for n in 1 2 3 4; do
    mxd_hup 'reloaded '
done
mt_expect_nolog 'milter: smfi_main returned'
mt_run sighup.lua part=2
mt_expect_rc 0
expect_log 'HUP2: domain=healthy\.example verdict=listed .*via=milter'
mxd_stop
pass
