/*
 * state - the state file: learned verdicts, so a restart does not forget
 * them.  Written atomically (temp file, fsync, rename).  A corrupt or
 * truncated file is logged and ignored, never fatal: line by line, a bad
 * line is skipped.
 */
#ifndef MXD_STATE_H
#define MXD_STATE_H
/* Returns the number of verdicts saved, or -1 (logged). */
long state_save(const char *path);
/* Returns the number of verdicts loaded (0 when the file is absent or bad). */
long state_load(const char *path, unsigned recheck_ms);
#endif
