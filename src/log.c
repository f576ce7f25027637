/*
 * log - see log.h.  Level filtering happens here so that debug lines cost a
 * comparison when they are off.
 */
#include "log.h"
#include "log_syslog.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int log_level = LOG_INFO; /* set at reload, read by every thread: atomic */
static int log_stderr;           /* enum log_stderr, read by every thread */

void log_open(const char *ident, int facility, int level, int to_stderr)
{
    openlog(ident, LOG_PID | LOG_NDELAY, facility);
    log_syslog_open(ident, facility);
    __atomic_store_n(&log_level, level, __ATOMIC_RELAXED);
    __atomic_store_n(&log_stderr, to_stderr, __ATOMIC_RELAXED);
}

void log_stderr_off(void)
{
    __atomic_store_n(&log_stderr, LOG_STDERR_OFF, __ATOMIC_RELAXED);
}

/* The stderr copy: "2026-12-02T00:31:56.123+0000 mxdetourd: text" in the
 * foreground, where no syslog daemon adds the time; just the name before
 * the start-up is done, when it reads as a command's error message. */
/* Formats the stderr copy of one line into out; returns its length. */
static size_t stderr_line(int mode, const char *line, char *out, size_t size)
{
    char stamp[64] = "";
    if (mode == LOG_STDERR_STAMPED) {
        struct timespec ts;
        struct tm tm;
        char zone[8];
        clock_gettime(CLOCK_REALTIME, &ts);
        localtime_r(&ts.tv_sec, &tm);
        strftime(zone, sizeof(zone), "%z", &tm);
        size_t n = strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
        snprintf(stamp + n, sizeof(stamp) - n, ".%03ld%s ", ts.tv_nsec / 1000000L, zone);
    }
    int m = snprintf(out, size, "%smxdetourd: %s\n", stamp, line);
    return m < 0 ? 0 : (size_t)m < size ? (size_t)m : size - 1;
}

static int wants_stderr(int mode, int prio)
{
    return mode == LOG_STDERR_STAMPED || (mode == LOG_STDERR_ERRORS && prio <= LOG_WARNING);
}

static void to_stderr(int mode, const char *line)
{
    char out[2300];
    size_t n = stderr_line(mode, line, out, sizeof(out));
    if (write(STDERR_FILENO, out, n) < 0)
        log_stderr_off();
}

void log_set_level(int level)
{
    __atomic_store_n(&log_level, level, __ATOMIC_RELAXED);
}

int log_enabled(int prio)
{
    return prio <= __atomic_load_n(&log_level, __ATOMIC_RELAXED);
}

void log_line(int prio, const char *line)
{
    syslog(prio, "%s", line);
    int mode = __atomic_load_n(&log_stderr, __ATOMIC_RELAXED);
    if (wants_stderr(mode, prio))
        to_stderr(mode, line);
}

void log_lines(size_t n, const int *prio, const char *const *line)
{
    char out[16384];
    size_t used = 0;

    log_syslog_send(n, prio, line);
    int mode = __atomic_load_n(&log_stderr, __ATOMIC_RELAXED);
    for (size_t i = 0; i < n; i++) {
        if (!wants_stderr(mode, prio[i]))
            continue;
        if (sizeof(out) - used < 2300) { /* one line more might not fit */
            if (write(STDERR_FILENO, out, used) < 0)
                log_stderr_off();
            used = 0;
        }
        used += stderr_line(mode, line[i], out + used, sizeof(out) - used);
    }
    if (used > 0 && write(STDERR_FILENO, out, used) < 0)
        log_stderr_off();
}

void log_msg(int prio, const char *fmt, ...)
{
    char line[2048];
    va_list ap;

    if (!log_enabled(prio))
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    log_line(prio, line);
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
