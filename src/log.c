/*
 * log - see log.h.  Level filtering happens here so that debug lines cost a
 * comparison when they are off.
 */
#include "log.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int log_level = LOG_INFO;
static int log_stderr;

void log_open(const char *ident, int facility, int level, int to_stderr)
{
    openlog(ident, LOG_PID | LOG_NDELAY, facility);
    log_level = level;
    log_stderr = to_stderr;
}

void log_set_level(int level)
{
    log_level = level;
}

void log_msg(int prio, const char *fmt, ...)
{
    char line[2048];
    va_list ap;

    if (prio > log_level)
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    syslog(prio, "%s", line);
    if (log_stderr) {
        size_t n = strlen(line);
        char out[sizeof(line) + 16];
        int m = snprintf(out, sizeof(out), "mxdetourd: %.*s\n", (int)n, line);
        if (m > 0 &&
            write(STDERR_FILENO, out, (size_t)m < sizeof(out) ? (size_t)m : sizeof(out) - 1) < 0)
            log_stderr = 0;
    }
}

static size_t put(char *buf, size_t size, size_t pos, char c)
{
    if (pos + 1 < size)
        buf[pos++] = c;
    buf[pos < size ? pos : size - 1] = '\0';
    return pos;
}

size_t log_kv(char *buf, size_t size, size_t pos, const char *key, const char *value)
{
    static const char hex[] = "0123456789abcdef";
    int quote = value[0] == '\0' || strpbrk(value, " \"\t") != NULL;
    size_t i;

    if (size == 0)
        return 0;
    if (pos > 0)
        pos = put(buf, size, pos, ' ');
    for (; *key; key++)
        pos = put(buf, size, pos, *key);
    pos = put(buf, size, pos, '=');
    if (quote)
        pos = put(buf, size, pos, '"');
    for (i = 0; i < 200 && value[i]; i++) {
        unsigned char c = (unsigned char)value[i];
        if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
            pos = put(buf, size, pos, '\\');
            if (c == '"' || c == '\\') {
                pos = put(buf, size, pos, (char)c);
            } else {
                pos = put(buf, size, pos, 'x');
                pos = put(buf, size, pos, hex[c >> 4]);
                pos = put(buf, size, pos, hex[c & 15]);
            }
        } else {
            pos = put(buf, size, pos, (char)c);
        }
    }
    if (i == 200 && value[i])
        pos = put(buf, size, pos, '~');
    if (quote)
        pos = put(buf, size, pos, '"');
    return pos;
}

void log_qid(char *out, size_t size, const char *in)
{
    size_t n = 0;

    if (size == 0)
        return;
    for (; in != NULL && *in && n + 1 < size; in++)
        if ((*in >= '0' && *in <= '9') || (*in >= 'A' && *in <= 'Z') ||
            (*in >= 'a' && *in <= 'z') || *in == '.' || *in == '-' || *in == '_')
            out[n++] = *in;
    out[n] = '\0';
}
