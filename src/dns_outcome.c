/*
 * dns_outcome - see dns_outcome.h: the names of the outcomes, as the JSON
 * and the state file spell them, and as the evidence text does.
 */
#include "dns_outcome.h"

static const char *const outcome_names[DNS__COUNT] = {
    "pending", "answer",  "nodata",    "nxdomain",   "timeout",   "servfail",   "formerr",
    "notimp",  "refused", "malformed", "wrong-type", "bad-rdata", "cname-loop", "failed",
};

/* Evidence spells rcodes as dig does, other outcomes in lower case. */
static const char *const outcome_evidence[DNS__COUNT] = {
    "pending", "answer",  "nodata",    "NXDOMAIN",   "timeout",   "SERVFAIL",   "FORMERR",
    "NOTIMP",  "REFUSED", "malformed", "wrong-type", "bad-rdata", "cname-loop", "failed",
};

const char *dns_outcome_name(enum dns_outcome o)
{
    return (unsigned)o < DNS__COUNT ? outcome_names[o] : "failed";
}

const char *dns_outcome_evidence(enum dns_outcome o)
{
    return (unsigned)o < DNS__COUNT ? outcome_evidence[o] : "failed";
}
