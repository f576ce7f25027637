/*
 * netstring - see netstring.h.  Pure: no I/O, no allocation.
 *
 * netstring_parse() splits the work as Postfix's util/netstring.c does:
 * length digits, ':', payload, ','.  Each step has its own verdict:
 *   - an empty buffer, digits without ':' yet, or a payload/terminator not
 *     yet received are NETSTRING_INCOMPLETE (the caller reads more);
 *   - a length above `limit` is NETSTRING_ERR_SIZE as soon as the digits
 *     say so, before the payload arrives, so a peer cannot make us buffer
 *     an oversized request;
 *   - anything else that is not "DIGITS:PAYLOAD," is NETSTRING_ERR_FORMAT:
 *     no digits, a non-digit before ':', leading zeros (the netstring spec
 *     forbids them; Postfix and Sendmail never send them), or a byte other
 *     than ',' after the payload.
 * The payload is returned in place (inside buf); it may contain any octets,
 * NUL included: the caller decides what is acceptable.
 *
 * netstring_format() writes "LEN:DATA," and a terminating NUL, snprintf
 * style: it returns the framed length (without the NUL) and writes nothing
 * unless size is larger than that.
 */
#include "netstring.h"
#include <stdio.h>
#include <string.h>

/* Enough digits for any size_t; more are a format error, not an overflow. */
#define NETSTRING_DIGITS_MAX 20

enum netstring_status netstring_parse(const char *buf, size_t len, size_t limit, const char **data,
                                      size_t *dlen, size_t *used)
{
    size_t i, n = 0;

    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)buf[i];
        if (c == ':')
            break;
        if (c < '0' || c > '9' || i >= NETSTRING_DIGITS_MAX)
            return NETSTRING_ERR_FORMAT;
        if (i == 1 && buf[0] == '0')
            return NETSTRING_ERR_FORMAT; /* leading zero */
        /* n * 10 + d > limit, written so that it cannot wrap */
        if (n > limit / 10 || limit - n * 10 < (size_t)(c - '0'))
            return NETSTRING_ERR_SIZE;
        n = n * 10 + (size_t)(c - '0');
    }
    if (i == len)
        return NETSTRING_INCOMPLETE;
    if (i == 0)
        return NETSTRING_ERR_FORMAT; /* ':' without digits */
    /* Past the ':', the payload and its ',' must all be here. */
    i++;
    if (len - i <= n)
        return NETSTRING_INCOMPLETE;
    if (buf[i + n] != ',')
        return NETSTRING_ERR_FORMAT;
    *data = buf + i;
    *dlen = n;
    *used = i + n + 1;
    return NETSTRING_OK;
}

size_t netstring_format(char *out, size_t size, const char *data, size_t dlen)
{
    char head[NETSTRING_DIGITS_MAX + 2];
    int h = snprintf(head, sizeof(head), "%zu:", dlen);
    size_t need = (size_t)h + dlen + 1;

    if (need >= size)
        return need;
    memcpy(out, head, (size_t)h);
    if (dlen)
        memcpy(out + h, data, dlen);
    out[need - 1] = ',';
    out[need] = '\0';
    return need;
}

const char *netstring_strerror(enum netstring_status s)
{
    switch (s) {
    case NETSTRING_OK:
        return "ok";
    case NETSTRING_INCOMPLETE:
        return "incomplete netstring";
    case NETSTRING_ERR_FORMAT:
        return "netstring format error";
    case NETSTRING_ERR_SIZE:
        return "netstring too long";
    }
    return "unknown netstring status";
}
