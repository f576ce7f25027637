/*
 * log - syslog (ident mxdetourd) and, in the foreground, stderr.  One line
 * per event.  Values from the network go through log_kv(), which quotes
 * values with spaces and replaces control characters, so a peer can never
 * forge a log line.  Thread-safe (syslog(3) is; the stderr copy is one write).
 */
#ifndef MXD_LOG_H
#define MXD_LOG_H
#include <stddef.h>
#include <syslog.h>

/* Where a copy of each line goes besides syslog. */
enum log_stderr {
    LOG_STDERR_OFF,     /* detached, or under systemd: syslog reaches the journal */
    LOG_STDERR_STAMPED, /* -f: every line, with a timestamp */
    LOG_STDERR_ERRORS,  /* starting without -f: warnings and errors only */
};

void log_open(const char *ident, int facility, int level, int to_stderr);
void log_stderr_off(void);
void log_set_level(int level);
void log_msg(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* 1 when lines of prio are written at the current level. */
int log_enabled(int prio);
/* Writes one finished line, whatever the level (the caller checked it). */
void log_line(int prio, const char *line);
/* Writes finished lines, whatever the level: the log thread's batch
 * (logq.c).  Syslog through log_syslog.c, many lines a system call; the
 * stderr copy in one write. */
void log_lines(size_t n, const int *prio, const char *const *line);
#define log_err(...)    log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...)   log_msg(LOG_WARNING, __VA_ARGS__)
#define log_notice(...) log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_info(...)   log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...)  log_msg(LOG_DEBUG, __VA_ARGS__)

/* Appends " key=value" (or "key=value" at pos 0) to buf, quoting values with
 * spaces or quotes and escaping control characters; the value is cut at 200
 * octets.  Returns the new position (never past size - 1). */
size_t log_kv(char *buf, size_t size, size_t pos, const char *key, const char *value);
/* Copies a queue ID from the MTA (milter macro, policy attribute), keeping
 * only what queue IDs are made of (letters, digits, '.', '-', '_'): it
 * starts a log line unquoted.  in may be NULL; out is always terminated. */
void log_qid(char *out, size_t size, const char *in);
#endif
