/*
 * writer - one thread that writes the state file and the publish table, so
 * that the loop thread, which answers socketmap and policy lookups, never
 * walks and writes a large cache itself (1 M verdicts: half a second).
 * Requests coalesce: a save asked for while one is pending is the same
 * save.  The job runs the caller's function; that function must be safe
 * off the loop thread (the cache and the config are locked; postmap is
 * waited for in the writer, so no child is left for the loop to reap).
 */
#ifndef MXD_WRITER_H
#define MXD_WRITER_H

/* job(publish): save the state, and publish the table when publish is 1. */
int writer_start(void (*job)(int publish));
/* Asks for a save (publish 0) or a save and a publish (publish 1). */
void writer_request(int publish);
/* Runs what is pending, then ends the thread.  Idempotent. */
void writer_stop(void);
#endif
