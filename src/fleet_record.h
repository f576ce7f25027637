/*
 * fleet_record - one shared verdict as it is stored in Redis and published
 * to the other nodes: a single line of tab-separated fields,
 *   mxd1 DOMAIN VERDICT CONFIRMED PINNABLE MADE NODE HOST PIN EVIDENCE
 * (MADE: wall clock seconds; empty fields are "-").  Everything read from
 * Redis is untrusted: fleet_record_parse() accepts only what
 * fleet_record_format() could have written.  Pure, no I/O.
 */
#ifndef MXD_FLEET_RECORD_H
#define MXD_FLEET_RECORD_H
#include <stddef.h>
#include <stdint.h>
#include "dname.h"
#include "verdict.h"

#define FLEET_NODE_MAX   64
#define FLEET_RECORD_MAX 1400

struct fleet_record {
    char domain[DNAME_MAX + 1];
    char node[FLEET_NODE_MAX + 1];
    int64_t made; /* wall clock seconds */
    struct verdict_info vi;
};

/* Writes the record into buf; returns its length, or 0 when it does not fit. */
size_t fleet_record_format(const struct fleet_record *r, char *buf, size_t size);
/* Parses buf[0..len) into *r; NULL, or a static reason it was refused. */
const char *fleet_record_parse(const char *buf, size_t len, struct fleet_record *r);
#endif
