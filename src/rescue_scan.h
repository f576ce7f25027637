/*
 * rescue_scan - reads one line of `postqueue -j` (one JSON object per
 * queued message: queue_name, queue_id, recipients[].address, ...) and
 * says whether it is a deferred message with a recipient in one of the
 * given domains.  Pure: no I/O, so the unit test feeds it real lines.
 */
#ifndef MXD_RESCUE_SCAN_H
#define MXD_RESCUE_SCAN_H
#include <stddef.h>
#include <stdint.h>

#define RESCUE_QID_MAX 64

/* domains: n <= 64 normalised names (lower case, no final dot); "*.x"
 * matches every subdomain of x, as ".x" does in a transport table.
 * Returns a mask with bit i set when a recipient's domain matches
 * domains[i] and the message is in the deferred queue (its queue ID in
 * qid), else 0 (other queues, no match, or not a postqueue -j object). */
uint64_t rescue_scan_line(const char *line, const char *const *domains, size_t n,
                          char qid[RESCUE_QID_MAX]);
#endif
