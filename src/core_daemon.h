/*
 * core_daemon - what mxdetourd.c (and only it) uses to run the core: start,
 * reload, stop.  Front-ends use core.h.
 */
#ifndef MXD_CORE_DAEMON_H
#define MXD_CORE_DAEMON_H
#include "conf.h"

struct loop;
/* The current config snapshot, referenced: release with conf_unref(). */
struct conf *core_conf(void);
/* Takes a reference to c.  Returns 0, or -1 with a message logged. */
int core_start(struct loop *l, struct conf *c);
/* Swaps in c (takes a reference); the old snapshot lives on while used. */
void core_reload(struct conf *c);
/* Saves state and frees the probe engine; in-flight probes are dropped. */
void core_stop(void);
#endif
