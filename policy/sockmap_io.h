/*
 * sockmap_io - the socketmap service's side of a connection: frames one
 * request out of the bytes read and one answer back (netstrings).  The
 * socket itself (accept, read, write, limits) is src/listen.c's job, shared
 * with the other services.
 */
#ifndef MXD_SOCKMAP_IO_H
#define MXD_SOCKMAP_IO_H
#include <stddef.h>

/* Room for one framed answer: callers size out with it. */
#define SOCKMAP_IO_ANS_MAX 2100

/* Takes one netstring request from in[0..inlen) and writes its framed
 * answer to out (*outlen bytes).  Returns the bytes consumed, 0 when the
 * request is not complete yet, or -1 with *why when the connection must be
 * closed. */
long sockmap_io_one(const char *in, size_t inlen, char *out, size_t size, size_t *outlen,
                    const char **why);
#endif
