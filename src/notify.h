/*
 * notify - tells systemd (Type=notify) when the daemon is ready, reloading
 * or stopping.  Without NOTIFY_SOCKET (not started by systemd) each call
 * does nothing.
 */
#ifndef MXD_NOTIFY_H
#define MXD_NOTIFY_H
void notify_ready(void);
void notify_reloading(void);
void notify_stopping(void);
#endif
