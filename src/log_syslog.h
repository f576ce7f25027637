/*
 * log_syslog - syslog lines that this process sends itself, for the log
 * thread's batches (logq.c): one datagram a line, as syslog(3) sends, but
 * up to LOG_SYSLOG_BATCH of them per system call (sendmmsg), over a socket
 * kept connected.  While no syslog daemon listens (a container, a daemon
 * restarting) a connect is tried at most once a second and the lines in
 * between are dropped, as syslog(3) drops them (LOG_CONS is not used);
 * syslog(3) tries socket, connect and close again for every line.  A
 * daemon that takes no line for half a second is stalled: lines are
 * dropped for a second (syslog(3) would wait for it, however long).
 * Thread-safe (one mutex; in the daemon only the log thread sends).
 */
#ifndef MXD_LOG_SYSLOG_H
#define MXD_LOG_SYSLOG_H
#include <stddef.h>

#define LOG_SYSLOG_BATCH 64

/* ident[pid] and facility of every line, as openlog(3) takes them. */
void log_syslog_open(const char *ident, int facility);
/* The socket's path: _PATH_LOG unless a test gives another. */
void log_syslog_path(const char *path);
/* Sends n lines; prio[i] is a syslog(3) priority without the facility. */
void log_syslog_send(size_t n, const int *prio, const char *const *line);
/* Closes the socket (the next send connects again). */
void log_syslog_close(void);
#endif
