/*
 * policy_attr - pure parser for Postfix policy delegation requests:
 * lines "name=value\n", ended by an empty line.  Grammar: name is
 * [a-z_]+ (1..64 octets), value is any octets but LF and NUL (at most
 * 4096), at most POLICY_ATTR_MAX lines, POLICY_REQ_MAX octets in all.
 */
#ifndef MXD_POLICY_ATTR_H
#define MXD_POLICY_ATTR_H
#include <stddef.h>

#define POLICY_ATTR_MAX 128
#define POLICY_REQ_MAX  16384

enum policy_attr_status {
    POLICY_ATTR_OK,
    POLICY_ATTR_INCOMPLETE, /* no empty line yet */
    POLICY_ATTR_ERR_FORMAT, /* a line without '=', a bad name, a NUL */
    POLICY_ATTR_ERR_SIZE,   /* too many lines, too long */
};

struct policy_attr {
    const char *name, *value; /* point into the request copy */
};

struct policy_req {
    char buf[POLICY_REQ_MAX + 1]; /* NUL-separated copy of the request */
    struct policy_attr attr[POLICY_ATTR_MAX];
    size_t nattr;
};

/* Parses one request at the start of buf[0..len) into *req; *used is the
 * number of bytes consumed (through the empty line) on POLICY_ATTR_OK. */
enum policy_attr_status policy_attr_parse(const char *buf, size_t len, struct policy_req *req,
                                          size_t *used);
/* Value of the last attribute with that name, or NULL. */
const char *policy_attr_get(const struct policy_req *req, const char *name);
const char *policy_attr_strerror(enum policy_attr_status s);
#endif
