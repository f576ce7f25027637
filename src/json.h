/*
 * json - the few bytes of JSON that `mxdetour probe --json` and the control
 * socket print: string escaping into a bounded buffer.
 */
#ifndef MXD_JSON_H
#define MXD_JSON_H
#include <stddef.h>
/* Appends the JSON string literal of s (with quotes) at buf+pos; returns the new pos. */
size_t json_str(char *buf, size_t size, size_t pos, const char *s);
/* Appends printf-formatted raw text; returns the new pos (never past size - 1). */
size_t json_raw(char *buf, size_t size, size_t pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The "key: value" lines of a status or lookup text as one JSON object
 * (malloc'd, with a newline): keys with spaces become '_' ("cached
 * domains" -> "cached_domains"); a value of digits is a number, "yes"/"no"
 * a boolean, "k=v k=v..." an object (digit values as numbers), anything
 * else a string.  Lines without ": " are skipped.  One converter for every
 * text form, so a line added to the text is in the JSON too. */
char *json_from_fields(const char *text);
#endif
