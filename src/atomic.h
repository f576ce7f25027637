/*
 * atomic - replace a file atomically: write a new temp file in the same
 * folder, fsync, rename it over the old one.  Readers see the old file or
 * the new one, never half of one.
 *
 * The temp file is made by mkostemp(3) ("PATH.tmp.XXXXXX", O_EXCL, so a
 * planted link or file is never followed or reused).  Every failure closes
 * the stream and removes the temp file: a full disk costs the caller one
 * failed attempt, never a descriptor on a deleted file.
 */
#ifndef MXD_ATOMIC_H
#define MXD_ATOMIC_H
#include <stdio.h>

/* A stream on a new temp file next to path, with the given mode; its name is
 * put in tmp.  NULL with errno on failure (nothing left behind). */
FILE *atomic_open(const char *path, unsigned mode, char *tmp, size_t size);
/* Flushes, fsyncs and closes f (always, even on error), then renames tmp
 * over path.  0, or -1 with errno of the first failure and tmp removed. */
int atomic_commit(FILE *f, const char *tmp, const char *path);
#endif
