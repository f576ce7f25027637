/*
 * dname - domain names as mxdetour compares them (see dname.h).
 *
 * dname_normalize() turns what an admin writes or a peer sends into the one
 * form the list, the cache and the log use: A-labels, lower case, no
 * trailing dot, LDH host-name labels.  UTF-8 goes through libidn2 (UTS #46,
 * non-transitional first, as browsers and registries do, and transitional
 * as a fallback so that names registered under IDNA2003 still match).  An
 * ASCII name that carries "xn--" labels is also run through libidn2, so a
 * broken A-label is refused here instead of being probed.
 *
 * dname_from_address() takes the domain after the LAST '@' (a quoted local
 * part may itself contain '@'), refuses address literals, which have no MX
 * to probe, and anything that cannot be a host name.
 *
 * Both write into the caller's buffer and return NULL or a static message;
 * they hold no state and are safe from any thread.
 */
#include "dname.h"
#include <idn2.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Far above any valid name (253 octets of A-labels); bounds libidn2's work. */
#define DNAME_INPUT_MAX 1024

static const char *idn_error(int rc)
{
    switch (rc) {
    case IDN2_MALLOC:
        abort(); /* same policy as xmalloc(): OOM is not recoverable */
    case IDN2_ENCODING_ERROR:
        return "invalid IDN: not valid UTF-8";
    case IDN2_PUNYCODE_BAD_INPUT:
    case IDN2_PUNYCODE_BIG_OUTPUT:
    case IDN2_PUNYCODE_OVERFLOW:
    case IDN2_INVALID_ALABEL:
    case IDN2_UALABEL_MISMATCH:
    case IDN2_ALABEL_ROUNDTRIP_FAILED:
        return "invalid IDN: bad punycode in an xn-- label";
    case IDN2_TOO_BIG_DOMAIN:
        return "name longer than 253";
    case IDN2_TOO_BIG_LABEL:
        return "label longer than 63";
    case IDN2_HYPHEN_STARTEND:
        return "label starts or ends with '-'";
    case IDN2_DISALLOWED:
    case IDN2_UNASSIGNED:
        return "invalid IDN: disallowed character";
    case IDN2_LEADING_COMBINING:
        return "invalid IDN: label starts with a combining mark";
    case IDN2_CONTEXTJ:
    case IDN2_CONTEXTJ_NO_RULE:
    case IDN2_CONTEXTO:
    case IDN2_CONTEXTO_NO_RULE:
        return "invalid IDN: character not allowed in this context";
    case IDN2_BIDI:
        return "invalid IDN: mixes left-to-right and right-to-left text";
    default:
        return "invalid IDN";
    }
}

static int needs_idn(const char *s)
{
    const char *p;
    for (p = s; *p; p++)
        if ((unsigned char)*p >= 0x80)
            return 1;
    for (p = s;; p++) {
        if (strncasecmp(p, "xn--", 4) == 0)
            return 1;
        p = strchr(p, '.');
        if (p == NULL)
            return 0;
    }
}

static int is_ldh(int ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-';
}

/* Host-name rules on a lower-case ASCII name (RFC 1123 2.1, RFC 3696 2). */
static const char *check_ldh(const char *s, size_t len)
{
    size_t i, start = 0;
    int numeric = 1;

    if (len == 0)
        return "empty name";
    if (len > DNAME_MAX)
        return "name longer than 253";
    for (i = 0; i <= len; i++) {
        if (i < len && s[i] != '.') {
            if (!is_ldh((unsigned char)s[i]))
                return "invalid character (letters, digits, '-' and '.' only)";
            if (s[i] < '0' || s[i] > '9')
                numeric = 0;
            continue;
        }
        if (i == start)
            return "empty label";
        if (i - start > 63)
            return "label longer than 63";
        if (s[start] == '-' || s[i - 1] == '-')
            return "label starts or ends with '-'";
        if (i == len && numeric)
            return "numeric top-level label";
        start = i + 1;
        numeric = 1;
    }
    return NULL;
}

const char *dname_normalize(const char *in, char *out, size_t size)
{
    char buf[DNAME_INPUT_MAX + 1];
    const char *name = buf;
    char *idn = NULL;
    const char *err;
    size_t len, i;

    if (in == NULL || *in == '\0')
        return "empty name";
    len = strlen(in);
    if (len > DNAME_INPUT_MAX)
        return "name longer than 253";
    memcpy(buf, in, len + 1);
    if (buf[len - 1] == '.')
        buf[--len] = '\0';
    if (len == 0)
        return "empty name"; /* the root: no mail domain */
    for (i = 0; i < len; i++)
        if (buf[i] >= 'A' && buf[i] <= 'Z')
            buf[i] = (char)(buf[i] - 'A' + 'a');

    if (needs_idn(buf)) {
        int rc = idn2_lookup_u8((const uint8_t *)buf, (uint8_t **)&idn,
                                IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
        if (rc != IDN2_OK) {
            int rc2 = idn2_lookup_u8((const uint8_t *)buf, (uint8_t **)&idn,
                                     IDN2_TRANSITIONAL | IDN2_NFC_INPUT);
            if (rc2 != IDN2_OK)
                return idn_error(rc);
        }
        name = idn;
        len = strlen(idn);
        /* UTS #46 may map a trailing full stop (U+3002...) to '.'. */
        if (len > 1 && idn[len - 1] == '.')
            idn[--len] = '\0';
    }

    err = check_ldh(name, len);
    if (err == NULL && len + 1 > size)
        err = "name longer than the buffer";
    if (err == NULL)
        memcpy(out, name, len + 1);
    idn2_free(idn);
    return err;
}

const char *dname_from_address(const char *addr, int bare_ok, char *out, size_t size)
{
    char buf[DNAME_MAX + 2];
    const char *dom, *end, *at;
    size_t len, i;

    if (addr == NULL)
        return "empty address";
    dom = addr;
    end = addr + strlen(addr);
    if (dom < end && *dom == '<') {
        if (end[-1] != '>')
            return "unbalanced angle brackets";
        dom++;
        end--;
    } else if (dom < end && end[-1] == '>') {
        return "unbalanced angle brackets";
    }
    if (dom == end)
        return "empty address";

    at = NULL;
    for (i = 0; dom + i < end; i++)
        if (dom[i] == '@')
            at = dom + i;
    if (at != NULL)
        dom = at + 1;
    else if (!bare_ok)
        return "no domain (not an address)";

    len = (size_t)(end - dom);
    if (len == 0)
        return "no domain";
    if (len == 1 && *dom == '*')
        return "no domain ('*')";
    if (*dom == '[')
        return "address literal (no domain to probe)";
    for (i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)dom[i];
        if (ch <= ' ' || ch == 0x7f)
            return "space or control character in domain";
    }
    if (len > DNAME_MAX + 1 || (len == DNAME_MAX + 1 && dom[len - 1] != '.'))
        return "domain longer than 253";
    memcpy(buf, dom, len);
    buf[len] = '\0';
    return dname_normalize(buf, out, size);
}
