#!/bin/sh
# contrib/postfix/milter_header_checks turns exactly the -Route header the
# milter writes into FILTER <route>, and leaves every other header alone.
# Checked with postmap -q, the same table lookup that cleanup(8) does.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
need_cmd postmap "apt-get install postfix"
lib_init hc
pf_private_dir
MAP="regexp:$top_srcdir/contrib/postfix/milter_header_checks"

expect() { # HEADER-LINE WANT ("" = no match)
    got=$(postmap -c "$PFDIR" -q "$1" "$MAP" 2>&1)
    rc=$?
    if [ -z "$2" ]; then
        [ $rc -eq 1 ] && [ -z "$got" ] || fail "'$1' => rc=$rc '$got', expected no match"
    else
        [ $rc -eq 0 ] && [ "$got" = "$2" ] || fail "'$1' => rc=$rc '$got', expected '$2'"
    fi
    echo "# '$1' => '$got'"
}

for r in 'smtp:[192.0.2.25]:25' 'smtp-ipv4:' 'relay:relay.example' \
    'smtp:[192.0.2.1]:25, [192.0.2.2]:25' 'smtp:[2001:db8::1]:25'; do
    expect "X-MXDetour-Route: $r" "FILTER $r"
    expect "X-MXDetour-Route:$r" "FILTER $r"
done
expect 'x-mxdetour-route: smtp:[192.0.2.25]:25' 'FILTER smtp:[192.0.2.25]:25'
expect 'X-MXDetour: domain=listed.example verdict=listed route=smtp:[192.0.2.25]:25' ''
expect 'X-MXDetour-Route: ' ''
expect 'X-MXDetour-Routes: smtp:[192.0.2.25]:25' ''
expect 'X-Other-MXDetour-Route: smtp:[192.0.2.25]:25' ''
expect 'Subject: X-MXDetour-Route: smtp:[192.0.2.25]:25' ''
pass
