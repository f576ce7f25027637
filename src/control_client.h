/*
 * control_client - the CLI side of the control socket: one request line
 * out, the whole answer in until the daemon closes.  Answers that begin with
 * "ERR " are errors.
 */
#ifndef MXD_CONTROL_CLIENT_H
#define MXD_CONTROL_CLIENT_H
#include <stddef.h>
/* Returns the answer (free() it; "" for an empty one, e.g. an export with
 * no routes), or NULL with errno set when the daemon cannot be reached or
 * does not answer within timeout_ms.  listen is the listen.control spec
 * ("unix:PATH"). */
char *control_client_ask(const char *listen, const char *request, unsigned timeout_ms);
#endif
