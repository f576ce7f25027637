/*
 * listen - the listeners of the loop thread: socketmap (netstrings),
 * policy (attribute blocks) and control (one line).  Each connection has a
 * bounded input buffer; a request that does not parse, or that grows past
 * its limit, closes that connection and nothing else.  Connections idle
 * too long, or stuck half-way through a request, are closed too.
 */
#ifndef MXD_LISTEN_H
#define MXD_LISTEN_H
#include <sys/types.h>

struct loop;
enum listen_proto {
    LISTEN_SOCKMAP,
    LISTEN_POLICY,
    LISTEN_CONTROL,
};

/* Binds spec ("unix:PATH", "inet:PORT@HOST", "inet6:PORT@HOST").  A stale
 * unix socket file (nobody answers on it) is replaced; a live one is an
 * error.  Returns 0, or -1 with a message logged. */
int listen_open(struct loop *l, enum listen_proto proto, const char *spec, mode_t mode,
                const char *group);
/* Closes every listener (not the connections in flight) and removes the unix socket files. */
void listen_close_all(void);
/* Connections with a request or an answer under way, for the SIGTERM drain:
 * idle connections (Postfix keeps them open) do not hold the exit up. */
unsigned listen_busy(void);
#endif
