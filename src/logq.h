/*
 * logq - decision lines off the answering threads.  logq_put() copies a
 * line into a bounded ring and returns at once; one log thread writes the
 * lines, in order and in batches, with log_lines() (syslog and the stderr
 * copy: a few system calls for the whole batch).  When the ring is full the line is
 * dropped and counted, never waited for: an answer to the MTA matters more
 * than its log line.  The log thread reports drops with a warning line
 * ("N decision lines dropped") and logq_dropped() counts them for status.
 * Without a running queue (the CLI, tests, before logq_start() and after
 * logq_stop()) logq_put() writes the line at once on the caller's thread.
 */
#ifndef MXD_LOGQ_H
#define MXD_LOGQ_H
#include <stddef.h>

/* The daemon's ring: about 4,000 decision lines of 250 octets, some 200 ms
 * of a busy milter's lines on a 2-core host. */
#define LOGQ_BYTES    (1024u * 1024u)
#define LOGQ_LINE_MAX 1024 /* longer lines are cut (RFC 3164 allows 1024) */

/* How lines leave the queue, n at a time (at most LOGQ_BATCH); log_lines()
 * unless a test gives another. */
#define LOGQ_BATCH 64
typedef void (*logq_writer)(size_t n, const int *prio, const char *const *line);

/* Starts the log thread with a ring of bytes octets (at least
 * LOGQ_LINE_MAX + 4; a line takes its length, its NUL and 4 octets, rounded
 * up to 4).  0, or -1 (lines are then written at once).  Call after
 * detaching: threads do not survive fork. */
int logq_start(size_t bytes, logq_writer writer);
/* Queues one line, or writes it at once when no queue runs.  Never waits
 * for the writer.  Thread-safe. */
void logq_put(int prio, const char *line);
/* Writes every queued line, reports drops, stops the thread. */
void logq_stop(void);
/* Lines dropped because the ring was full, since the process started. */
unsigned long logq_dropped(void);
#endif
