/*
 * probe_auth - evidence that names the server at fault (probe.authoritative).
 * After a query failed through the local resolver, ask the zone's own name
 * servers directly what they do with it:
 *
 *  1. NS of the name and of each parent (not the TLD) through the local
 *     resolver, all at once; the longest name whose NS RRset answers is the
 *     zone;
 *  2. A of its first PROBE_MAX_AUTH name servers, through the resolver;
 *  3. each server directly (port 53, RD=0): the failing query and A of the
 *     same name, side by side; a TC=1 reply is asked again over TCP.
 *
 * Each server is then one of: answers, drops the query while A answers,
 * does not answer at all, an rcode, NXDOMAIN while A exists (RFC 4074
 * section 4.2), lame or a referral (RFC 4074 section 4.5), TC=1 with TCP
 * failing (RFC 8906 section 3.1.5).  pauth_evidence() appends a summary
 * that names the misbehaving servers and says whether Postfix is hurt: when
 * every server misbehaves it is, when only some do it is hurt
 * intermittently (a resolver picks a server per query).
 *
 * Budget: 2 * Q(local) + 2 * Q(one direct server) (see probe.h for Q).
 * A job ends in exactly one callback, on the loop thread.  pauth_free()
 * ends every job's direct queries; a job still waiting on the local
 * channel ends when that channel is freed (free the set first, then the
 * local channel): its callback then runs with the results it has.
 */
#ifndef MXD_PROBE_AUTH_H
#define MXD_PROBE_AUTH_H
#include <stddef.h>
#include "verdict.h"

struct loop;
struct pdns;
struct pauth_set;

typedef void (*pauth_cb)(void *arg);

/* local: the resolver channel for NS and A; not owned. */
struct pauth_set *pauth_new(struct loop *l, struct pdns *local, unsigned timeout_ms,
                            unsigned tries);
void pauth_free(struct pauth_set *s);
unsigned pauth_budget_ms(const struct pauth_set *s);
/* 1 for the verdicts whose failing query the servers are asked about. */
int pauth_wanted(enum verdict v);
/* Asks about (name, qtype); fills *out, which must live until cb runs. */
void pauth_start(struct pauth_set *s, const char *name, int qtype, struct probe_auth *out,
                 pauth_cb cb, void *arg);
/* Appends "; authoritative: ..." to ev (NUL-terminated, size octets),
 * shortened to fit: every server, else the misbehaving ones, else counts. */
void pauth_evidence(const struct probe_auth *a, char *ev, size_t size);
/* What one server did, e.g. "drops AAAA"; "answers" when nothing is wrong. */
const char *pauth_fault(const struct probe_auth *a, const struct probe_auth_server *sv, char *buf,
                        size_t size);
/* The failing query's outcome as JSON shows it: "referral", "lame",
 * "tcp-failed", or the dns_outcome name. */
const char *pauth_outcome(const struct probe_auth_server *sv);
#endif
