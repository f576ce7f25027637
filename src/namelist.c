/*
 * namelist - see namelist.h.  getline() reads a line whole; a fixed
 * buffer with fgets() cut a 1,500-octet line into two "names".
 */
#include "namelist.h"
#include "util.h"
#include <stdlib.h>
#include <string.h>

char **namelist_read(FILE *f, size_t *n)
{
    char *line = NULL, **v = NULL;
    size_t linecap = 0, cap = 0;

    *n = 0;
    while (getline(&line, &linecap, f) >= 0) {
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0] || line[0] == '#')
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 1024;
            v = xrealloc(v, cap * sizeof(*v));
        }
        v[(*n)++] = xstrdup(line);
    }
    free(line);
    return v ? v : xcalloc(1, sizeof(*v));
}
