/*
 * policy - Postfix policy delegation service (doc/design.md §6): keeps
 * per-instance recipient routes, answers DUNNO at RCPT and FILTER/PREPEND/DUNNO
 * at END-OF-MESSAGE or DATA.  Never REJECT or DEFER.  Runs on the event
 * loop thread only (not thread-safe).  The framing is policy_io.h's job.
 */
#ifndef MXD_POLICY_H
#define MXD_POLICY_H
#include <stddef.h>
#include <stdint.h>

struct policy_req;
struct policy_table;

struct policy_table *policy_table_new(void);
void policy_table_free(struct policy_table *t);
/* Writes the whole answer ("action=...\n\n") into out.  Returns 0. */
int policy_answer(struct policy_table *t, const struct policy_req *req, uint64_t now_ms, char *out,
                  size_t size);
/* Forgets instances idle longer than max_idle_ms. */
void policy_table_expire(struct policy_table *t, uint64_t now_ms, uint64_t max_idle_ms);
size_t policy_table_size(const struct policy_table *t);
#endif
