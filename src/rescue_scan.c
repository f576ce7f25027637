/*
 * rescue_scan - see rescue_scan.h.  A small JSON reader for exactly what
 * postqueue -j prints: the members we need are read, every other value is
 * skipped whatever its type (postqueue(1): "the list of members is expected
 * to grow over time").  Strings are decoded (\" and \\ may appear in a
 * quoted local part); \u escapes become '?', which cannot match a domain.
 */
#include "rescue_scan.h"
#include <ctype.h>
#include <string.h>

#define ADDR_MAX 1024

struct rd {
    const char *p;
    int bad;
};

static void ws(struct rd *r)
{
    while (*r->p == ' ' || *r->p == '\t' || *r->p == '\r' || *r->p == '\n')
        r->p++;
}

static int eat(struct rd *r, char ch)
{
    ws(r);
    if (*r->p != ch)
        return 0;
    r->p++;
    return 1;
}

/* A string into out (cut at size - 1); out may be NULL to skip it. */
static void str(struct rd *r, char *out, size_t size)
{
    size_t n = 0;

    if (!eat(r, '"')) {
        r->bad = 1;
        return;
    }
    while (*r->p && *r->p != '"') {
        char ch = *r->p++;
        if (ch == '\\') {
            ch = *r->p ? *r->p++ : '\0';
            if (ch == 'u') {
                for (int i = 0; i < 4 && isxdigit((unsigned char)*r->p); i++)
                    r->p++;
                ch = '?';
            } else if (ch == 'n' || ch == 't' || ch == 'r' || ch == 'b' || ch == 'f') {
                ch = '?';
            }
        }
        if (out && n + 1 < size)
            out[n++] = ch;
    }
    if (!eat(r, '"'))
        r->bad = 1;
    if (out)
        out[n] = '\0';
}

static void skip(struct rd *r, int depth);

/* Calls member(key) for each member of an object; member reads the value. */
static void object(struct rd *r, int depth, void (*member)(struct rd *, const char *, void *),
                   void *arg)
{
    char key[64];

    if (!eat(r, '{') || depth > 16) {
        r->bad = 1;
        return;
    }
    if (eat(r, '}'))
        return;
    do {
        str(r, key, sizeof(key));
        if (r->bad || !eat(r, ':')) {
            r->bad = 1;
            return;
        }
        if (member)
            member(r, key, arg);
        else
            skip(r, depth + 1);
    } while (!r->bad && eat(r, ','));
    if (!eat(r, '}'))
        r->bad = 1;
}

static void skip(struct rd *r, int depth)
{
    ws(r);
    if (depth > 16) {
        r->bad = 1;
    } else if (*r->p == '"') {
        str(r, NULL, 0);
    } else if (*r->p == '{') {
        object(r, depth, NULL, NULL);
    } else if (*r->p == '[') {
        r->p++;
        if (eat(r, ']'))
            return;
        do
            skip(r, depth + 1);
        while (!r->bad && eat(r, ','));
        if (!eat(r, ']'))
            r->bad = 1;
    } else {
        /* number, true, false, null */
        const char *start = r->p;
        while (*r->p && !strchr(",}] \t\r\n", *r->p))
            r->p++;
        if (r->p == start)
            r->bad = 1;
    }
}

struct msg {
    const char *const *domains;
    size_t n;
    char queue[32];
    char qid[RESCUE_QID_MAX];
    uint64_t mask;
};

static uint64_t match(const char *addr, const char *const *domains, size_t n)
{
    const char *at = strrchr(addr, '@');
    char dom[ADDR_MAX];
    size_t len = 0;
    uint64_t mask = 0;

    if (!at)
        return 0;
    for (at++; *at && len + 1 < sizeof(dom); at++)
        dom[len++] = (char)tolower((unsigned char)*at);
    while (len && dom[len - 1] == '.')
        len--;
    dom[len] = '\0';
    for (size_t i = 0; i < n && i < 64; i++) {
        const char *d = domains[i];
        if (strncmp(d, "*.", 2) == 0) {
            size_t dl = strlen(d + 1); /* ".x" */
            if (len > dl && strcmp(dom + len - dl, d + 1) == 0)
                mask |= (uint64_t)1 << i;
        } else if (strcmp(dom, d) == 0) {
            mask |= (uint64_t)1 << i;
        }
    }
    return mask;
}

static void recipient(struct rd *r, const char *key, void *arg)
{
    struct msg *m = arg;
    char addr[ADDR_MAX];

    if (strcmp(key, "address") != 0) {
        skip(r, 3);
        return;
    }
    str(r, addr, sizeof(addr));
    if (!r->bad)
        m->mask |= match(addr, m->domains, m->n);
}

static void message(struct rd *r, const char *key, void *arg)
{
    struct msg *m = arg;

    if (strcmp(key, "queue_name") == 0) {
        str(r, m->queue, sizeof(m->queue));
    } else if (strcmp(key, "queue_id") == 0) {
        str(r, m->qid, sizeof(m->qid));
    } else if (strcmp(key, "recipients") == 0) {
        if (!eat(r, '[')) {
            r->bad = 1;
            return;
        }
        if (eat(r, ']'))
            return;
        do
            object(r, 2, recipient, m);
        while (!r->bad && eat(r, ','));
        if (!eat(r, ']'))
            r->bad = 1;
    } else {
        skip(r, 1);
    }
}

uint64_t rescue_scan_line(const char *line, const char *const *domains, size_t n,
                          char qid[RESCUE_QID_MAX])
{
    struct rd r = {line, 0};
    struct msg m = {domains, n, "", "", 0};

    qid[0] = '\0';
    object(&r, 0, message, &m);
    if (r.bad || strcmp(m.queue, "deferred") != 0 || !m.qid[0])
        return 0;
    /* A queue ID is letters and digits: anything else is not passed to
     * postqueue -i as an argument. */
    for (const char *p = m.qid; *p; p++)
        if (!isalnum((unsigned char)*p))
            return 0;
    if (m.mask)
        memcpy(qid, m.qid, RESCUE_QID_MAX);
    return m.mask;
}
