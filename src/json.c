/*
 * json - see json.h.  Output is cut, never overrun, when the buffer is full.
 */
#include "json.h"
#include <stdarg.h>
#include <stdio.h>

size_t json_raw(char *buf, size_t size, size_t pos, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (pos >= size)
        return size ? size - 1 : 0;
    va_start(ap, fmt);
    n = vsnprintf(buf + pos, size - pos, fmt, ap);
    va_end(ap);
    if (n < 0)
        return pos;
    pos += (size_t)n;
    return pos < size ? pos : size - 1;
}

size_t json_str(char *buf, size_t size, size_t pos, const char *s)
{
    pos = json_raw(buf, size, pos, "\"");
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            pos = json_raw(buf, size, pos, "\\%c", c);
        else if (c < 0x20)
            pos = json_raw(buf, size, pos, "\\u%04x", c);
        else
            pos = json_raw(buf, size, pos, "%c", c);
    }
    return json_raw(buf, size, pos, "\"");
}
