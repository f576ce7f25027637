/*
 * dname - domain names as mxdetour compares them: A-labels (UTF-8 converted
 * with libidn2), lower case, no trailing dot, LDH labels of 1..63 octets,
 * at most 253 octets in all.
 */
#ifndef MXD_DNAME_H
#define MXD_DNAME_H
#include <stddef.h>

#define DNAME_MAX 253

/* Normalises in into out (at least DNAME_MAX + 1 bytes).  Returns NULL or a
 * static error message ("invalid IDN: ...", "label longer than 63"...). */
const char *dname_normalize(const char *in, char *out, size_t size);
/* Extracts and normalises the domain of an address ("user@dom", "<user@dom>",
 * "@dom" or a bare "dom" when bare_ok).  NULL or an error message. */
const char *dname_from_address(const char *addr, int bare_ok, char *out, size_t size);
#endif
