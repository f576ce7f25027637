/*
 * milter_msg - what the milter does with one message, without libmilter
 * (doc/design.md §6): the distinct recipient domains it remembers from
 * RCPT, and at end-of-message the headers to add and the decision lines
 * to log.  policy/milter.c hangs one struct milter_msg on each libmilter
 * session and hands it the addresses and the queue ID; this file never
 * sees mfapi.h, so tests/unit/test_milter_msg.c runs it against a fake
 * core.  One session uses one struct at a time (libmilter calls a
 * session's callbacks one after the other); there is no lock here.
 */
#ifndef MXD_MILTER_MSG_H
#define MXD_MILTER_MSG_H
#include <stddef.h>

#define MLFI_MAX_DOMAINS 5000 /* distinct recipient domains per message */
#define MLFI_MAX_TAGS    100  /* tag headers per message */
#define MLFI_QID_MAX     64

/* Read-only for the caller, except qid. */
struct milter_msg {
    char **dom;             /* distinct recipient domains, normalised */
    unsigned char *pending; /* [i]: dom[i] had no verdict yet and a probe ran at RCPT */
    size_t n, cap;
    int blocked; /* a recipient was not considered: no whole-message route */
    /* The queue ID as seen at RCPT (log_qid() form), for an MTA that names
     * it only then; the caller fills it. */
    char qid[MLFI_QID_MAX];
};

/* Adds one header; name and value are checked (printable, no CR/LF, fit
 * the MTA's limits) and writable, as smfi_addheader() wants them.  qid is
 * the message's queue ID ("" when unknown), for the caller's log lines. */
typedef void milter_msg_add_fn(void *arg, const char *qid, char *name, char *value);

struct milter_msg *milter_msg_new(void);
/* Forgets the recipients: a new message on the same session.  NULL is a no-op. */
void milter_msg_reset(struct milter_msg *m);
void milter_msg_free(struct milter_msg *m);
/* One RCPT address: the first sight of its domain asks the core, which
 * queues a probe when it does not know it yet.  An address without a
 * usable domain blocks the whole-message route. */
void milter_msg_rcpt(struct milter_msg *m, const char *addr);
/* End of message: waits (up to probe.wait) for the probes still running,
 * asks the core again for each domain, logs one decision line per domain
 * and calls add for each header: one tag header per rerouted or listed
 * domain (at most MLFI_MAX_TAGS), then the -Route header when the whole
 * message has one route (txn.h).  qid is the queue ID at end-of-message
 * (log_qid() form); when it is "", m->qid is used.  Does nothing for a
 * message without a remembered domain. */
void milter_msg_decide(struct milter_msg *m, const char *qid, milter_msg_add_fn *add, void *arg);
#endif
