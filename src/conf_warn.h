/*
 * conf_warn - a valid config that will not do what the admin expects:
 * broken domains that get no route, a user or group that does not exist,
 * MTA sockets that a chrooted Postfix cannot reach.  check-config prints
 * each as a "warning:" line and still exits 0; mxdetourd logs them at start.
 */
#ifndef MXD_CONF_WARN_H
#define MXD_CONF_WARN_H
#include "conf.h"

/* Calls emit once per warning (text without "warning: "); returns how many.
 * Reads master.cf and main.cf from routing.postfix_config, or /etc/postfix,
 * when they are readable. */
size_t conf_warnings(const struct conf *c, void (*emit)(const char *text, void *arg), void *arg);
#endif
