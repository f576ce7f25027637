/*
 * fleet_loop - hiredis's event adapter for the daemon's loop (src/loop.h),
 * in the manner of hiredis's own adapters (ae, libevent): hiredis asks to
 * watch its socket for reading or writing, and the loop calls it back.
 * Loop thread only.
 */
#ifndef MXD_FLEET_LOOP_H
#define MXD_FLEET_LOOP_H
#include <hiredis/async.h>

struct loop;
/* Returns 0, or -1 when the context already has an adapter. */
int fleet_loop_attach(redisAsyncContext *ac, struct loop *l);
#endif
