/*
 * publish - routing.publish: the current reroutes written as a Postfix
 * transport table, so that transport_maps keeps the last routes while the
 * daemon is down.  The value is "TYPE:PATH" (lmdb:, hash:, btree:, cdb: run
 * postmap on the text file PATH; texthash: does not need it) or a bare PATH,
 * which means lmdb:PATH as in DESIGN.md's example.
 * Written atomically: temp file, fsync, rename, then postmap in a child
 * process that the loop never waits for.
 */
#ifndef MXD_PUBLISH_H
#define MXD_PUBLISH_H
/* Rewrites the table from text ("domain route\n" lines).  Returns 0 or -1 (logged). */
int publish_write(const char *spec, const char *text);
/* Reaps finished postmap children; call from time to time. */
void publish_reap(void);
#endif
