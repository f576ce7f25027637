/*
 * netstring - pure parser and formatter for D. J. Bernstein's netstrings
 * ("LEN:DATA,"), as Postfix's socketmap speaks them.  No I/O.
 */
#ifndef MXD_NETSTRING_H
#define MXD_NETSTRING_H
#include <stddef.h>

enum netstring_status {
    NETSTRING_OK,         /* one complete netstring parsed */
    NETSTRING_INCOMPLETE, /* need more bytes */
    NETSTRING_ERR_FORMAT, /* not a netstring: bad length digits, missing ':' or ',' */
    NETSTRING_ERR_SIZE,   /* length above the limit */
};

/* Parses the netstring at the start of buf[0..len).  On NETSTRING_OK sets
 * *data and *dlen to the payload (inside buf) and *used to the bytes consumed. */
enum netstring_status netstring_parse(const char *buf, size_t len, size_t limit, const char **data,
                                      size_t *dlen, size_t *used);
/* Writes "LEN:DATA," into out; returns the length it needs (like snprintf),
 * writing nothing when size is too small. */
size_t netstring_format(char *out, size_t size, const char *data, size_t dlen);
const char *netstring_strerror(enum netstring_status s);
#endif
