/*
 * notify - see notify.h.  libsystemd's sd_notify() speaks the protocol;
 * READY=1 comes only after every socket is bound, the state loaded and the
 * privileges dropped, so "systemctl start" returning means the MTA can
 * connect.
 */
#include "notify.h"
#include "log.h"
#include <string.h>
#include <systemd/sd-daemon.h>

static void say(const char *what)
{
    int rc = sd_notify(0, what);
    if (rc < 0)
        log_warn("sd_notify %s: %s", what, strerror(-rc));
}

void notify_ready(void)
{
    say("READY=1\nSTATUS=answering");
}

void notify_reloading(void)
{
    say("RELOADING=1");
}

void notify_stopping(void)
{
    say("STOPPING=1");
}
