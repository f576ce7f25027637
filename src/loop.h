/*
 * loop - the one event loop thread: epoll over descriptors, one-shot
 * timers, and hooks that run on every turn (c-ares timeouts, the work queue).
 * Not thread-safe except loop_wake(), which other threads call to make the
 * loop run its hooks now.
 */
#ifndef MXD_LOOP_H
#define MXD_LOOP_H
#include <stdint.h>

#define LOOP_READ  1
#define LOOP_WRITE 2

struct loop;
typedef void (*loop_fd_cb)(struct loop *l, int fd, int events, void *arg);
typedef void (*loop_timer_cb)(struct loop *l, void *arg);
/* Runs before each wait; returns the longest wait it allows in ms (-1 any). */
typedef int (*loop_hook_cb)(struct loop *l, void *arg);

struct loop *loop_new(void);
void loop_free(struct loop *l);
/* Each returns 0, or -1 with errno set and (for a failed epoll_ctl) a line
 * logged.  loop_mod() of a descriptor not added fails with ENOENT, quietly:
 * callers use it to add-or-modify.  loop_del() of one not added is a no-op. */
int loop_add(struct loop *l, int fd, int events, loop_fd_cb cb, void *arg);
int loop_mod(struct loop *l, int fd, int events);
int loop_del(struct loop *l, int fd);
/* Returns an id for loop_cancel(); ids are never 0. */
uint64_t loop_timer(struct loop *l, unsigned ms, loop_timer_cb cb, void *arg);
void loop_cancel(struct loop *l, uint64_t id);
/* Hooks run in the order added, as many as are added.  loop_unhook() is
 * safe from inside a hook: the others of that turn still run. */
void loop_hook(struct loop *l, loop_hook_cb cb, void *arg);
void loop_unhook(struct loop *l, loop_hook_cb cb, const void *arg);
void loop_wake(struct loop *l);
/* Runs until loop_stop(); returns 0. */
int loop_run(struct loop *l);
void loop_stop(struct loop *l);
/* One turn: wait at most ms for events.  For callers with their own loop (the CLI). */
void loop_once(struct loop *l, int ms);
#endif
