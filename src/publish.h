/*
 * publish - routing.publish: the current reroutes written as a Postfix
 * transport table, so that transport_maps keeps the last routes while the
 * daemon is down.  The value is "TYPE:PATH" (lmdb:, hash:, btree:, cdb: run
 * postmap on the text file PATH; texthash: does not need it) or a bare PATH,
 * which means lmdb:PATH (doc/design.md §3).
 * Written atomically: temp file, fsync, rename, then postmap, waited for:
 * callers run off the loop thread (src/writer.c) or at start and stop.
 */
#ifndef MXD_PUBLISH_H
#define MXD_PUBLISH_H
/* Rewrites the table from text ("domain route\n" lines) and runs
 * "postmap [-c postfix_config] TYPE:PATH" for the indexed types
 * (postfix_config "" = Postfix's own) and waits for it.  Returns 0 or -1
 * (logged with the table, the command and how it failed). */
int publish_write(const char *spec, const char *text, const char *postfix_config);
/* Each publish_write() has a number, 1, 2, ...: the next one's, and the
 * highest whose table is complete (postmap done).  rescue.c waits for the
 * table to hold a new route before it retries deferred mail. */
unsigned long publish_seq_next(void);
unsigned long publish_seq_done(void);
/* postmap runs as this user while the daemon is still root ("" = as is). */
void publish_run_as(const char *user);
#endif
