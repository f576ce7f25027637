/*
 * state - the state file: learned verdicts, so a restart does not forget
 * them.  Written atomically (temp file, fsync, rename).  A corrupt or
 * truncated file is logged and ignored, never fatal: line by line, a bad
 * line is skipped.
 */
#ifndef MXD_STATE_H
#define MXD_STATE_H
#include <stddef.h>
#include <stdint.h>
#include "dname.h"
#include "verdict.h"

/* Longest line the loader accepts, newline excluded. */
#define STATE_LINE_MAX 2047

struct state_rec {
    char domain[DNAME_MAX + 1];
    int64_t made_wall;
    struct verdict_info vi;
};

/* Returns the number of verdicts saved, or -1 (logged). */
long state_save(const char *path);
/* Returns the number of verdicts loaded (0 when the file is absent or bad).
 * Stops, with one warning, when the cache is full (probe.max_cached). */
long state_load(const char *path, unsigned recheck_ms);
/* Parses one line of len octets (its newline removed; it may hold NULs,
 * which make it bad): 0 and *out filled, or -1.  Every field is checked:
 * a domain name, a verdict, 0 or 1, a time in seconds (digits only), a
 * host name or "-", IPv4 addresses separated by spaces or "-", and an
 * evidence text without control characters; then, optionally, the
 * pin's TTL (1 to 2^31 - 1 seconds, only on a line with a pin). */
int state_parse_line(const char *line, size_t len, struct state_rec *out);
#endif
