/*
 * metrics_http - listen.metrics: GET /metrics over HTTP, served by
 * libmicrohttpd on a thread of its own, so a slow scraper never holds up
 * the event loop.  The gauges are read under the cache's lock in O(1)
 * (cache_verdict_counts()), so a scrape costs the same with a million
 * cached domains as with ten.
 */
#ifndef MXD_METRICS_HTTP_H
#define MXD_METRICS_HTTP_H

/* Binds spec ("inet:PORT@HOST" or "inet6:PORT@HOST"; "" is off) and starts
 * serving.  Call as root, before the privilege drop, like the other
 * listeners.  0, or -1 with the reason logged. */
int metrics_http_start(const char *spec);
/* Closes the listener and the connections, joins the thread. */
void metrics_http_stop(void);
#endif
