/*
 * sockmap_io - see sockmap_io.h.
 */
#include "sockmap_io.h"
#include "netstring.h"
#include "sockmap.h"
#include <string.h>

long sockmap_io_one(const char *in, size_t inlen, char *out, size_t size, size_t *outlen,
                    const char **why)
{
    const char *data;
    size_t dlen, used;
    char ans[2048];
    enum netstring_status s = netstring_parse(in, inlen, SOCKMAP_REQ_MAX, &data, &dlen, &used);

    if (s == NETSTRING_INCOMPLETE)
        return 0;
    if (s != NETSTRING_OK) {
        *why = netstring_strerror(s);
        return -1;
    }
    if (sockmap_answer(data, dlen, ans, sizeof(ans)) < 0) {
        *why = "malformed socketmap request";
        return -1;
    }
    *outlen = netstring_format(out, size, ans, strlen(ans));
    if (*outlen >= size) {
        *why = "answer does not fit";
        return -1;
    }
    return (long)used;
}
