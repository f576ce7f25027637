/*
 * milter - the libmilter front-end (doc/design.md §6).  The only file
 * that includes mfapi.h.  Runs smfi_main() on a thread of its own; its
 * callbacks reach the core through core.h only.
 */
#ifndef MXD_MILTER_H
#define MXD_MILTER_H
/* Starts the milter on conn (libmilter syntax).  Returns 0, or -1 with a
 * message logged.  Call once, after the core is up.
 *
 * timeout_ms (listen.milter_timeout, rounded up to seconds) is libmilter's
 * one I/O timeout: how long a session waits for the MTA's next command or
 * for the rest of a packet.  With headers and body skipped (the
 * negotiation), the longest legitimate wait is the SMTP client's whole DATA
 * transfer between the last RCPT and end-of-message; a peer that stops
 * mid-packet holds its thread this long.  doc/mxdetourd.8 has the figures. */
int milter_start(const char *conn, unsigned timeout_ms);
/* Stops accepting, lets sessions in flight finish, joins the thread. */
void milter_stop(void);
#endif
