/*
 * metrics_http - see metrics_http.h.  Bounds: at most MAX_CONNS
 * connections at once (more are refused at accept), each closed after
 * IDLE_S seconds without progress; libmicrohttpd caps the request headers
 * (32 KiB per connection) and drops any request body unread.  Other paths
 * answer 404, other methods 405, as a scraper and a curious admin expect.
 */
#include "metrics_http.h"
#include "cache.h"
#include "health.h"
#include "log.h"
#include "metrics.h"
#include "util.h"
#include <microhttpd.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MAX_CONNS 16
#define IDLE_S    10
#define CONTENT   "text/plain; version=0.0.4; charset=utf-8"

static struct MHD_Daemon *mhd;

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned status, char *body, size_t len,
                             enum MHD_ResponseMemoryMode mode, const char *type)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(len, body, mode);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
    enum MHD_Result ret = MHD_queue_response(conn, status, r);
    MHD_destroy_response(r);
    return ret;
}

static char not_found[] = "not found: the metrics are at /metrics\n";
static char not_allowed[] = "method not allowed: use GET\n";

static char *scrape(size_t *len)
{
    struct metrics_gauges g;

    memset(&g, 0, sizeof(g));
    g.entries = cache_verdict_counts(g.verdicts);
    g.resolver_up = !health_down(NULL, NULL, 0);
    return metrics_render(&g, len);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **state)
{
    size_t len;
    (void)cls, (void)version, (void)upload_data, (void)upload_size, (void)state;

    if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
        return reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED, not_allowed, sizeof(not_allowed) - 1,
                     MHD_RESPMEM_PERSISTENT, "text/plain");
    if (strcmp(url, "/metrics") != 0)
        return reply(conn, MHD_HTTP_NOT_FOUND, not_found, sizeof(not_found) - 1,
                     MHD_RESPMEM_PERSISTENT, "text/plain");
    char *text = scrape(&len);
    return reply(conn, MHD_HTTP_OK, text, len, MHD_RESPMEM_MUST_FREE, CONTENT);
}

static void on_error(void *cls, const char *fmt, va_list ap)
{
    char line[512];
    (void)cls;
    vsnprintf(line, sizeof(line), fmt, ap);
    line[strcspn(line, "\n")] = '\0';
    log_warn("metrics: %s", line);
}

int metrics_http_start(const char *spec)
{
    char port[16], host[256];
    const char *at = strchr(spec, '@');
    int v6 = strncmp(spec, "inet6:", 6) == 0;
    struct addrinfo hints, *res;

    if (!spec[0])
        return 0;
    const char *p = spec + (v6 ? 6 : 5);
    /* conf_schema.c let only inet and inet6 through. */
    if (!at || at < p || (size_t)(at - p) >= sizeof(port) || strlen(at + 1) >= sizeof(host)) {
        log_err("listen.metrics %s: not inet:PORT@HOST or inet6:PORT@HOST", spec);
        return -1;
    }
    memcpy(port, p, (size_t)(at - p));
    port[at - p] = '\0';
    util_strlcpy(host, at + 1, sizeof(host));
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = v6 ? AF_INET6 : AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV | AI_PASSIVE;
    int e = getaddrinfo(host, port, &hints, &res);
    if (e != 0) {
        log_err("listen.metrics %s: %s", spec, gai_strerror(e));
        return -1;
    }
    mhd = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG |
                               (v6 ? MHD_USE_IPv6 : 0),
                           0, NULL, NULL, on_request, NULL,
                           /* first, or MHD logs the other options to stderr itself */
                           MHD_OPTION_EXTERNAL_LOGGER, on_error, NULL, MHD_OPTION_SOCK_ADDR,
                           res->ai_addr, MHD_OPTION_CONNECTION_LIMIT, (unsigned)MAX_CONNS,
                           MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)IDLE_S, MHD_OPTION_END);
    freeaddrinfo(res);
    if (!mhd) {
        log_err("listen.metrics %s: cannot listen (address in use or not ours?)", spec);
        return -1;
    }
    return 0;
}

void metrics_http_stop(void)
{
    if (mhd)
        MHD_stop_daemon(mhd);
    mhd = NULL;
}
