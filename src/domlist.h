/*
 * domlist - the known-broken list index.  Lookup cost is one hash probe per
 * label of the queried name, whatever the list length: exact entries first,
 * then wildcards from the most specific suffix up.  The list keeps pointers
 * into the caller's entries; it does not copy or free them.
 */
#ifndef MXD_DOMLIST_H
#define MXD_DOMLIST_H
#include <stddef.h>

struct conf_domain;
struct domlist;

struct domlist *domlist_new(size_t hint);
void domlist_free(struct domlist *dl);
/* Returns the entry already present for the same name and kind, or NULL when added. */
const struct conf_domain *domlist_add(struct domlist *dl, const struct conf_domain *d);
const struct conf_domain *domlist_match(const struct domlist *dl, const char *domain);
size_t domlist_count(const struct domlist *dl);
#endif
