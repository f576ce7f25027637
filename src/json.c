/*
 * json - see json.h.  Output is cut, never overrun, when the buffer is full.
 */
#include "json.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t json_raw(char *buf, size_t size, size_t pos, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (pos >= size)
        return size ? size - 1 : 0;
    va_start(ap, fmt);
    n = vsnprintf(buf + pos, size - pos, fmt, ap);
    va_end(ap);
    if (n < 0)
        return pos;
    pos += (size_t)n;
    return pos < size ? pos : size - 1;
}

size_t json_str(char *buf, size_t size, size_t pos, const char *s)
{
    pos = json_raw(buf, size, pos, "\"");
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            pos = json_raw(buf, size, pos, "\\%c", c);
        else if (c < 0x20)
            pos = json_raw(buf, size, pos, "\\u%04x", c);
        else
            pos = json_raw(buf, size, pos, "%c", c);
    }
    return json_raw(buf, size, pos, "\"");
}

struct jbuf {
    char *b;
    size_t len, cap;
};

static void jput(struct jbuf *j, const char *s, size_t n)
{
    if (j->len + n + 1 > j->cap) {
        j->cap = (j->len + n + 1) * 2;
        j->b = realloc(j->b, j->cap);
        if (!j->b)
            abort(); /* as xrealloc(): out of memory is not recoverable here */
    }
    memcpy(j->b + j->len, s, n);
    j->len += n;
    j->b[j->len] = '\0';
}

static void jstr(struct jbuf *j, const char *s, size_t n)
{
    char tmp[8];
    jput(j, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\' || c < 0x20) {
            int w = c < 0x20 ? snprintf(tmp, sizeof(tmp), "\\u%04x", c)
                             : snprintf(tmp, sizeof(tmp), "\\%c", c);
            jput(j, tmp, (size_t)w);
        } else {
            jput(j, (const char *)&s[i], 1);
        }
    }
    jput(j, "\"", 1);
}

static int all_digits(const char *s, size_t n)
{
    if (n == 0 || n > 18)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static void jscalar(struct jbuf *j, const char *v, size_t n)
{
    if (all_digits(v, n))
        jput(j, v, n);
    else
        jstr(j, v, n);
}

/* "k=v k=v": every space-separated token has a '=' and no quote. */
static int is_pairs(const char *v, size_t n)
{
    size_t i = 0;
    if (n == 0)
        return 0;
    while (i < n) {
        size_t t = i;
        while (t < n && v[t] != ' ')
            t++;
        const char *eq = memchr(v + i, '=', t - i);
        if (!eq || eq == v + i || memchr(v + i, '"', t - i))
            return 0;
        i = t + 1;
    }
    return 1;
}

static void jvalue(struct jbuf *j, const char *v, size_t n)
{
    if (n == 3 && memcmp(v, "yes", 3) == 0) {
        jput(j, "true", 4);
    } else if (n == 2 && memcmp(v, "no", 2) == 0) {
        jput(j, "false", 5);
    } else if (is_pairs(v, n)) {
        size_t i = 0;
        jput(j, "{", 1);
        while (i < n) {
            size_t t = i;
            while (t < n && v[t] != ' ')
                t++;
            const char *eq = memchr(v + i, '=', t - i);
            jput(j, i ? "," : "", i ? 1 : 0);
            jstr(j, v + i, (size_t)(eq - (v + i)));
            jput(j, ":", 1);
            jscalar(j, eq + 1, (size_t)(v + t - (eq + 1)));
            i = t + 1;
        }
        jput(j, "}", 1);
    } else {
        jscalar(j, v, n);
    }
}

char *json_from_fields(const char *text)
{
    struct jbuf j = {0};
    int first = 1;

    jput(&j, "{", 1);
    while (*text) {
        size_t len = strcspn(text, "\n");
        const char *sep = memchr(text, ':', len);
        if (sep && sep > text && sep + 1 < text + len + 1 &&
            (sep + 1 == text + len || sep[1] == ' ')) {
            char key[64];
            size_t kl = (size_t)(sep - text), p = 0;
            for (size_t i = 0; i < kl && p < sizeof(key) - 1; i++)
                key[p++] = text[i] == ' ' ? '_' : text[i];
            key[p] = '\0';
            const char *v = sep + 1 + (sep + 1 < text + len);
            jput(&j, first ? "" : ",", first ? 0 : 1);
            jstr(&j, key, p);
            jput(&j, ":", 1);
            jvalue(&j, v, (size_t)(text + len - v));
            first = 0;
        }
        text += len + (text[len] == '\n');
    }
    jput(&j, "}\n", 2);
    return j.b;
}
