/*
 * sockmap - the socketmap table service (doc/design.md §6): one request
 * "NAME KEY" in, one answer "OK value" / "NOTFOUND " out.  Talks to the core
 * through core.h only.  The framing is sockmap_io.h's job.
 */
#ifndef MXD_SOCKMAP_H
#define MXD_SOCKMAP_H
#include <stddef.h>

/* Map name + key: longer requests close the connection.  Postfix accepts
 * local parts longer than RFC 5321's 64 octets (up to its 2048-octet SMTP
 * line), and closing on such a key would defer that mail: so the limit is
 * the line, not the RFC. */
#define SOCKMAP_REQ_MAX 2100

/* Answers one request payload (netstring already stripped) into out (the
 * answer payload, not framed).  Returns 0, or -1 when the request is
 * malformed and the connection must be closed. */
int sockmap_answer(const char *req, size_t len, char *out, size_t size);
#endif
