/*
 * control - see control.h.  The socket's file mode (listen.control_mode)
 * and its peer's user id (control_peer.h, checked by listen.c) decide who
 * may ask; flush is the only verb that changes anything and it only
 * forgets learned verdicts.
 */
#include "control.h"
#include "core.h"
#include "dname.h"
#include "explain_store.h"
#include "json.h"
#include "logq.h"
#include "util.h"
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

static char *err(const char *fmt, const char *arg)
{
    char text[512];
    snprintf(text, sizeof(text), fmt, arg);
    return xstrdup(text);
}

/* The text form as one JSON object (json_from_fields). */
static char *as_json(char *text)
{
    char *j = json_from_fields(text);
    free(text);
    return j;
}

/* The core's status and the log queue's drops (logq.h). */
static char *status_text(void)
{
    char *core = core_status_text(), tail[96], *text;
    size_t n = strlen(core);

    snprintf(tail, sizeof(tail), "decision lines dropped: %lu\n", logq_dropped());
    text = xmalloc(n + strlen(tail) + 1);
    memcpy(text, core, n);
    memcpy(text + n, tail, strlen(tail) + 1);
    free(core);
    return text;
}

static char *do_status(const char *arg)
{
    if (arg && strcmp(arg, "json") == 0)
        return as_json(status_text());
    return arg ? err("ERR status takes no argument but json\n", "") : status_text();
}

static char *do_export(const char *arg)
{
    if (arg && strcmp(arg, "rows") == 0)
        return core_export_text(1);
    return arg ? err("ERR export takes no argument but rows\n", "") : core_export_text(0);
}

/* "DOMAIN" or "DOMAIN json" (a domain has no space). */
static char *do_lookup(const char *arg)
{
    char dom[DNAME_MAX + 1], key[DNAME_MAX * 2];
    const char *e, *sp = arg ? strchr(arg, ' ') : NULL;
    int json = sp && strcmp(sp + 1, "json") == 0;

    if (!arg)
        return err("ERR lookup needs a domain\n", "");
    snprintf(key, sizeof(key), "%.*s", sp && json ? (int)(sp - arg) : (int)strlen(arg), arg);
    if ((e = dname_from_address(key, 1, dom, sizeof(dom))) != NULL)
        return err("ERR bad domain: %s\n", e);
    return json ? as_json(core_lookup_text(dom)) : core_lookup_text(dom);
}

static char *do_explain(const char *arg)
{
    char dom[DNAME_MAX + 1];
    const char *e;

    if (!arg)
        return err("ERR explain needs a domain\n", "");
    if ((e = dname_from_address(arg, 1, dom, sizeof(dom))) != NULL)
        return err("ERR bad domain: %s\n", e);
    return explain_store_text(dom);
}

static char *do_flush(const char *arg)
{
    char dom[DNAME_MAX + 1], text[300];
    const char *e;
    size_t n;

    if (arg && (e = dname_from_address(arg, 1, dom, sizeof(dom))) != NULL)
        return err("ERR bad domain: %s\n", e);
    n = core_flush(arg ? dom : NULL);
    snprintf(text, sizeof(text), "flushed %zu verdict%s%s%s\n", n, n == 1 ? "" : "s",
             arg ? " of " : "", arg ? dom : "");
    return xstrdup(text);
}

static const struct {
    const char *verb;
    char *(*run)(const char *arg);
} verbs[] = {
    {"status", do_status}, {"lookup", do_lookup},   {"flush", do_flush},
    {"export", do_export}, {"explain", do_explain},
};

char *control_answer(const char *line)
{
    const char *sp = strchr(line, ' ');
    size_t n = sp ? (size_t)(sp - line) : strlen(line);

    for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
        if (strlen(verbs[i].verb) == n && strncmp(line, verbs[i].verb, n) == 0)
            return verbs[i].run(sp && sp[1] ? sp + 1 : NULL);
    return err("ERR unknown verb \"%.40s\"\n", line);
}
