/*
 * conf_value - the private interface between the config modules: the value
 * checkers that conf_value.c implements for conf_schema.c beyond the public
 * conf_parse_*() of conf.h, and the config's size limits.  Each checker is
 * pure and returns NULL or a static "bad THING (hint)" message.
 */
#ifndef MXD_CONF_VALUE_H
#define MXD_CONF_VALUE_H
#include <stddef.h>
#include "conf.h"

/* A config with 100,000 domains is about 3 MB; this only stops a mistake
 * (conf_load of a disk image) from eating memory. */
#define CONF_MAX_FILE    (64u * 1024 * 1024)
#define CONF_MAX_SERVERS 32
#define CONF_MAX_CANARY  8
#define CONF_MAX_NOTE    256

/* 1 and *v when s[0..n) is a decimal number not above max. */
int conf_value_uint(const char *s, size_t n, unsigned long long max, unsigned long long *v);
const char *conf_value_mode(const char *s, enum conf_mode *m);
/* off|on into *v (0 or 1). */
const char *conf_value_switch(const char *s, int *v);
const char *conf_value_ldd(const char *s, enum conf_ldd *l);
const char *conf_value_account(const char *s);
const char *conf_value_path(const char *s);
const char *conf_value_table(const char *s);
const char *conf_value_header(const char *s);
const char *conf_value_note(const char *s);
/* fleet.redis, fleet.key_prefix and fleet.node (key is the name after "fleet."). */
const char *conf_value_fleet(const char *key, const char *s);
/* fleet.node's default: the host name, malloc'd. */
char *conf_value_default_node(void);
#endif
