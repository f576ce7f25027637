/*
 * policy_io - the policy service's side of a connection: takes one
 * attribute block out of the bytes read and answers it from the service's
 * recipient table, which lives here (one per process, loop thread only).
 * The socket itself (accept, read, write, limits) is src/listen.c's job,
 * shared with the other services.
 */
#ifndef MXD_POLICY_IO_H
#define MXD_POLICY_IO_H
#include <stddef.h>
#include <stdint.h>

/* Room for one answer: callers size out with it. */
#define POLICY_IO_ANS_MAX 2048

/* Creates the recipient table (once; later calls do nothing). */
void policy_io_start(void);
/* Forgets transactions idle longer than max_idle_ms (none before the start). */
void policy_io_expire(uint64_t now_ms, uint64_t max_idle_ms);
/* Takes one request from in[0..inlen) and writes its answer, a string, to
 * out.  Returns the bytes consumed, 0 when the request is not complete yet,
 * or -1 with *why when the connection must be closed. */
long policy_io_one(const char *in, size_t inlen, char *out, size_t size, const char **why);
#endif
