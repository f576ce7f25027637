/*
 * policy_attr - see policy_attr.h.  Pure: no I/O, no allocation.
 *
 * The grammar is Postfix's attr_print_plain(3) output as the policy client
 * sends it (SMTPD_POLICY_README): "name=value\n" lines, then "\n".
 * Errors are reported as soon as the bytes received so far prove them, even
 * when the request is not complete yet, so a peer cannot keep a bad request
 * buffered:
 *   POLICY_ATTR_ERR_FORMAT  a name character outside [a-z_], an empty name,
 *                           a name longer than 64 octets, a line without
 *                           '=', a NUL in a value;
 *   POLICY_ATTR_ERR_SIZE    a value longer than 4096 octets, more than
 *                           POLICY_ATTR_MAX lines, or a request (through the
 *                           empty line) longer than POLICY_REQ_MAX octets.
 * CR is an ordinary value octet: Postfix never sends CRLF, and a "\r\n"
 * empty line is a format error rather than a guess.
 *
 * On POLICY_ATTR_OK, req->attr[] points into req->buf, which holds a
 * NUL-separated copy of the request: "name=value\n" and "name\0value\0"
 * have the same length, so the copy always fits.  *req is overwritten on
 * every call, whatever the result.
 */
#include "policy_attr.h"
#include <string.h>

#define POLICY_NAME_MAX 64
/* Room for long TLS attributes (ccert_subject, ccert_issuer); a longer one
 * closes the connection and Postfix falls back to default_action. */
#define POLICY_VALUE_MAX 4096

static int policy_name_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || c == '_';
}

/* The bytes run out at pos without the request being complete. */
static enum policy_attr_status policy_more(size_t pos)
{
    return pos + 1 > POLICY_REQ_MAX ? POLICY_ATTR_ERR_SIZE : POLICY_ATTR_INCOMPLETE;
}

/* The value starting at vstart: *end is its '\n' (POLICY_ATTR_OK), or len
 * when the bytes run out first (POLICY_ATTR_INCOMPLETE).  A NUL before the
 * '\n' is a format error and a value past POLICY_VALUE_MAX octets a size
 * error, whichever comes first in the bytes.  The loop's bound is set once:
 * testing the length at every octet, as the name loop did too, made parsing
 * half of a policy request's own time (an 800-octet request). */
static enum policy_attr_status policy_value_end(const char *buf, size_t len, size_t vstart,
                                                size_t *end)
{
    /* Octets vstart .. vstart + POLICY_VALUE_MAX decide: the last one may
     * only be the '\n'. */
    size_t lim = len - vstart > POLICY_VALUE_MAX ? vstart + POLICY_VALUE_MAX + 1 : len,
           pos = vstart;

    while (pos < lim && buf[pos] != '\n' && buf[pos] != '\0')
        pos++;
    if (pos < lim && buf[pos] == '\0')
        return POLICY_ATTR_ERR_FORMAT;
    if (pos < lim) {
        *end = pos;
        return POLICY_ATTR_OK;
    }
    if (lim - vstart == POLICY_VALUE_MAX + 1)
        return POLICY_ATTR_ERR_SIZE;
    *end = len;
    return POLICY_ATTR_INCOMPLETE;
}

enum policy_attr_status policy_attr_parse(const char *buf, size_t len, struct policy_req *req,
                                          size_t *used)
{
    size_t pos = 0, out = 0;

    req->nattr = 0;
    for (;;) {
        size_t start = pos, eq, vstart, nlim;
        enum policy_attr_status vs;

        if (pos >= len)
            return policy_more(pos);
        if (buf[pos] == '\n') {
            *used = pos + 1;
            return POLICY_ATTR_OK;
        }
        if (req->nattr == POLICY_ATTR_MAX)
            return POLICY_ATTR_ERR_SIZE;
        /* Bounded up front: one test per octet in the loop. */
        nlim = len - start > POLICY_NAME_MAX ? start + POLICY_NAME_MAX + 1 : len;
        while (pos < nlim && policy_name_char((unsigned char)buf[pos]))
            pos++;
        if (pos - start > POLICY_NAME_MAX)
            return POLICY_ATTR_ERR_FORMAT;
        if (pos == len)
            return policy_more(pos);
        if (buf[pos] != '=' || pos == start)
            return POLICY_ATTR_ERR_FORMAT;
        eq = pos++;
        vstart = pos;
        vs = policy_value_end(buf, len, vstart, &pos);
        if (vs == POLICY_ATTR_INCOMPLETE)
            return policy_more(pos);
        if (vs != POLICY_ATTR_OK)
            return vs;
        /* This line and at least the final empty line must fit. */
        if (pos + 2 > POLICY_REQ_MAX)
            return POLICY_ATTR_ERR_SIZE;
        memcpy(req->buf + out, buf + start, eq - start);
        req->buf[out + (eq - start)] = '\0';
        req->attr[req->nattr].name = req->buf + out;
        out += eq - start + 1;
        memcpy(req->buf + out, buf + vstart, pos - vstart);
        req->buf[out + (pos - vstart)] = '\0';
        req->attr[req->nattr].value = req->buf + out;
        out += pos - vstart + 1;
        req->nattr++;
        pos++; /* the '\n' */
    }
}

const char *policy_attr_get(const struct policy_req *req, const char *name)
{
    size_t i = req->nattr;

    /* The first octet first: a request has some 30 attributes and callers
     * ask for four or five of them, so most strcmp() calls were misses. */
    while (i-- > 0) {
        if (req->attr[i].name[0] == name[0] && strcmp(req->attr[i].name, name) == 0)
            return req->attr[i].value;
    }
    return NULL;
}

const char *policy_attr_strerror(enum policy_attr_status s)
{
    switch (s) {
    case POLICY_ATTR_OK:
        return "ok";
    case POLICY_ATTR_INCOMPLETE:
        return "incomplete policy request";
    case POLICY_ATTR_ERR_FORMAT:
        return "policy request format error";
    case POLICY_ATTR_ERR_SIZE:
        return "policy request too long";
    }
    return "unknown policy request status";
}
