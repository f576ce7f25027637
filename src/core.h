/*
 * core - the one interface that the protocol front-ends (milter, socketmap,
 * policy, control) use.  Every function here is thread-safe and never
 * waits on DNS: lookups answer from the verdict cache at once and queue a
 * probe for unknown or stale domains; the event loop thread runs it.
 * core_wait() is the only call that may sleep, and only up to its budget.
 */
#ifndef MXD_CORE_H
#define MXD_CORE_H
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define CORE_ROUTE_MAX    1024
#define CORE_EVIDENCE_MAX 256 /* as much as a verdict holds */
#define CORE_NOTE_MAX     257 /* a note of the config (256 characters) and its NUL */

/* What a front-end needs of a verdict; the verdicts themselves (verdict.h)
 * stay behind the core. */
struct core_answer {
    const char *verdict; /* its name (doc/design.md §4), static: "unknown" while not known */
    int known;           /* a verdict is known (verdict is not "unknown") */
    int listed;          /* the domain is on the known-broken list */
    char route[CORE_ROUTE_MAX]; /* "transport:nexthop" per doc/design.md §5; "" = none */
    int rewrite;                /* routing.mode is rewrite: front-ends may answer route */
    int probing;                /* a probe for this domain is queued or running */
    uint64_t age_ms;            /* since the verdict was made */
    char evidence[CORE_EVIDENCE_MAX];
    char note[CORE_NOTE_MAX];
};

/* The front-ends, as the metrics count them. */
enum core_frontend { CORE_SOCKETMAP, CORE_POLICY, CORE_MILTER, CORE__FRONTENDS };

/* domain must come from dname_normalize(). */
void core_lookup(const char *domain, struct core_answer *ans);
/* Waits up to ms for the probes of these domains; returns how many are still pending. */
size_t core_wait(const char *const *domains, size_t n, unsigned ms);
/* What the front-ends read of the config (the snapshot itself stays in
 * the core: core_daemon.h). */
/* routing.tag_header into buf. */
void core_tag_header(char *buf, size_t size);
/* probe.wait in ms. */
unsigned core_wait_ms(void);
/* listen.socket_mode, and listen.socket_group into group ("" = none). */
mode_t core_socket_perms(char *group, size_t size);
/* Counts one answer a front-end gave for one recipient domain (metrics). */
void core_count(enum core_frontend f, const struct core_answer *a);
/* One key=value syslog line per decision (doc/design.md §7). qid may be NULL. */
void core_log_decision(const char *qid, const char *domain, const struct core_answer *a,
                       const char *via);

/* Control verbs (control.c).  Each writes text into a malloc'd string the
 * caller frees. */
char *core_status_text(void);
char *core_lookup_text(const char *domain);
/* Forgets one domain (or all learned verdicts when domain is NULL) and
 * re-probes it; returns how many were forgotten. */
size_t core_flush(const char *domain);
/* The current reroutes as a Postfix transport table ("domain route" lines),
 * or with rows, as "domain\troute\thost" lines for export_fmt.h. */
char *core_export_text(int rows);
#endif
