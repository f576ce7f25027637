/*
 * namelist - the name list of `mxdetour probe --file`: one name a line,
 * blank lines and lines starting with '#' skipped.  A line is one name
 * whatever its length, so that a line too long for a domain name is
 * rejected as one bad name instead of read as several.
 */
#ifndef MXD_NAMELIST_H
#define MXD_NAMELIST_H
#include <stddef.h>
#include <stdio.h>

/* The names of f's lines (each malloc'd, in an array malloc'd, never NULL),
 * their count in *n.  The caller frees both. */
char **namelist_read(FILE *f, size_t *n);
#endif
