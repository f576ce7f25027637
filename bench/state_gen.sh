#!/bin/sh
# bench/state_gen.sh N - a state file on stdout in which every domain dN.test
# (N < the argument) is cached and fresh: one in ten aaaa-ignored with a pin
# address (the socketmap answers "OK smtp:[192.0.2.x]"), the rest healthy.
# Shared by the benchmarks that start mxdetourd with a full cache.
awk -v n="$1" -v now="$(date +%s)" 'BEGIN {
    OFS = "\t"
    print "mxdetour-state 1"
    for (i = 0; i < n; i++) {
        ip = "192.0.2." (i % 250 + 1)
        if (i % 10 == 0)
            print "d" i ".test", "aaaa-ignored", 0, 1, now, "mx1.d" i ".test", ip,
                "AAAA mx1.d" i ".test timeout 2x2s @127.0.0.1:9"
        else
            print "d" i ".test", "healthy", 0, 1, now, "-", ip, "1 MX host answered, slowest 3ms"
    }
}'
