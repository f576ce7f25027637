/*
 * sockmap - the socketmap table service (DESIGN.md section 6): one request
 * "NAME KEY" in, one answer "OK value" / "NOTFOUND " out.  Talks to the core
 * through core.h only.  The connection I/O is src/listen.c's job.
 */
#ifndef MXD_SOCKMAP_H
#define MXD_SOCKMAP_H
#include <stddef.h>

#define SOCKMAP_REQ_MAX 1100 /* map name + key: longer requests close the connection */

/* Answers one request payload (netstring already stripped) into out (the
 * answer payload, not framed).  Returns 0, or -1 when the request is
 * malformed and the connection must be closed. */
int sockmap_answer(const char *req, size_t len, char *out, size_t size);
#endif
