/*
 * milter - the libmilter front-end (doc/design.md §6).  The only file
 * that includes mfapi.h.  Runs smfi_main() on a thread of its own; its
 * callbacks reach the core through core.h only.
 */
#ifndef MXD_MILTER_H
#define MXD_MILTER_H
/* Starts the milter on conn (libmilter syntax).  Returns 0, or -1 with a
 * message logged.  Call once, after the core is up. */
int milter_start(const char *conn);
/* Stops accepting, lets sessions in flight finish, joins the thread. */
void milter_stop(void);
#endif
