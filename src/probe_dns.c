/*
 * probe_dns - see probe_dns.h.  ARES_FLAG_NOCHECKRESP keeps SERVFAIL,
 * NOTIMP and REFUSED as answers instead of moving on to another server: they
 * are the evidence.  The receive buffer is raised because 200 queries in
 * flight overflow the default one on loopback (doc/mta-facts.md §4).
 */
#include "probe_dns.h"
#include "loop.h"
#include "util.h"
#include <ares.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pdns {
    ares_channel ch;
    struct loop *loop;
    unsigned timeout_ms, tries, nservers;
    char servers[256];
    char first[56]; /* evidence names this server */
};

struct query {
    struct pdns *d;
    char name[256];
    int qtype;
    probe_dns_cb cb;
    void *arg;
    uint64_t start;
    struct query *next;
};

static unsigned concurrency = 200, inflight;
static size_t nwaiting;
static struct query *wait_head, *wait_tail;
static int ares_ready;

void probe_dns_set_concurrency(unsigned n)
{
    concurrency = n ? n : 1;
}

unsigned probe_dns_inflight(void)
{
    return inflight;
}

size_t probe_dns_waiting(void)
{
    return nwaiting;
}

static void on_fd(struct loop *l, int fd, int events, void *arg)
{
    struct pdns *d = arg;
    (void)l;
    ares_process_fd(d->ch, events & LOOP_READ ? fd : ARES_SOCKET_BAD,
                    events & LOOP_WRITE ? fd : ARES_SOCKET_BAD);
}

static void on_sock_state(void *data, ares_socket_t fd, int readable, int writable)
{
    struct pdns *d = data;
    int ev = (readable ? LOOP_READ : 0) | (writable ? LOOP_WRITE : 0);

    if (!ev) {
        loop_del(d->loop, fd);
    } else if (loop_mod(d->loop, fd, ev) < 0) {
        loop_add(d->loop, fd, ev, on_fd, d);
    }
}

/* Runs every loop turn: expire c-ares timeouts and bound the wait. */
static int on_turn(struct loop *l, void *arg)
{
    struct pdns *d = arg;
    struct timeval tv, *tvp;
    (void)l;

    ares_process_fd(d->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
    tvp = ares_timeout(d->ch, NULL, &tv);
    if (!tvp)
        return -1;
    return (int)(tvp->tv_sec * 1000 + (tvp->tv_usec + 999) / 1000);
}

static void describe_servers(struct pdns *d)
{
    struct ares_addr_port_node *list = NULL, *s;
    size_t pos = 0;

    d->nservers = 0;
    if (ares_get_servers_ports(d->ch, &list) != ARES_SUCCESS)
        return;
    for (s = list; s; s = s->next) {
        char ip[INET6_ADDRSTRLEN], one[64];
        int port = s->udp_port ? s->udp_port : 53;
        inet_ntop(s->family, &s->addr, ip, sizeof(ip));
        if (port == 53)
            snprintf(one, sizeof(one), "%s", ip);
        else if (s->family == AF_INET6)
            snprintf(one, sizeof(one), "[%s]:%d", ip, port);
        else
            snprintf(one, sizeof(one), "%s:%d", ip, port);
        if (d->nservers++ == 0)
            util_strlcpy(d->first, one, sizeof(d->first));
        pos += (size_t)snprintf(d->servers + pos, sizeof(d->servers) - pos, "%s%s", pos ? "," : "",
                                one);
        if (pos >= sizeof(d->servers))
            break;
    }
    ares_free_data(list);
}

static struct pdns *open_channel(struct loop *l, const struct conf_server *srv, size_t n,
                                 unsigned timeout_ms, unsigned tries, int flags, char *err,
                                 size_t errsz)
{
    struct ares_options o;
    int rc, mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_SOCK_STATE_CB |
                   ARES_OPT_SOCK_RCVBUF;
    struct pdns *d = xcalloc(1, sizeof(*d));

    if (!ares_ready) {
        ares_library_init(ARES_LIB_INIT_ALL);
        ares_ready = 1;
    }
    memset(&o, 0, sizeof(o));
    o.flags = ARES_FLAG_NOCHECKRESP | ARES_FLAG_NOALIASES | ARES_FLAG_NOSEARCH | flags;
    o.timeout = (int)timeout_ms;
    o.tries = (int)tries;
    o.sock_state_cb = on_sock_state;
    o.sock_state_cb_data = d;
    o.socket_receive_buffer_size = 4 * 1024 * 1024;
    d->loop = l;
    d->timeout_ms = timeout_ms;
    d->tries = tries;
    rc = ares_init_options(&d->ch, &o, mask);
    if (rc != ARES_SUCCESS) {
        snprintf(err, errsz, "c-ares init: %s", ares_strerror(rc));
        free(d);
        return NULL;
    }
    if (n) {
        char csv[1024];
        size_t pos = 0;
        for (size_t i = 0; i < n && pos < sizeof(csv); i++) {
            const char *fmt = srv[i].family == AF_INET6 ? "%s[%s]:%u" : "%s%s:%u";
            pos += (size_t)snprintf(csv + pos, sizeof(csv) - pos, fmt, i ? "," : "", srv[i].addr,
                                    srv[i].port);
        }
        rc = ares_set_servers_ports_csv(d->ch, csv);
        if (rc != ARES_SUCCESS) {
            snprintf(err, errsz, "resolvers %s: %s", csv, ares_strerror(rc));
            ares_destroy(d->ch);
            free(d);
            return NULL;
        }
    }
    describe_servers(d);
    loop_hook(l, on_turn, d);
    return d;
}

struct pdns *probe_dns_new(struct loop *l, const struct conf_server *srv, size_t n,
                           unsigned timeout_ms, unsigned tries, char *err, size_t errsz)
{
    return open_channel(l, srv, n, timeout_ms, tries, 0, err, errsz);
}

/* RD=0: the server answers from its own zones or not at all.  Over UDP a
 * TC=1 reply is handed back as it is (IGNTC), so the caller sees the
 * truncation and can ask over TCP itself (USEVC) to tell whether TCP works. */
struct pdns *probe_dns_new_direct(struct loop *l, const char *addr, int tcp, unsigned timeout_ms,
                                  unsigned tries, char *err, size_t errsz)
{
    struct conf_server srv;

    memset(&srv, 0, sizeof(srv));
    util_strlcpy(srv.addr, addr, sizeof(srv.addr));
    srv.family = strchr(addr, ':') ? AF_INET6 : AF_INET;
    srv.port = 53;
    return open_channel(l, &srv, 1, timeout_ms, tries,
                        ARES_FLAG_NORECURSE | (tcp ? ARES_FLAG_USEVC : ARES_FLAG_IGNTC), err,
                        errsz);
}

void probe_dns_free(struct pdns *d)
{
    if (!d)
        return;
    struct query **pp = &wait_head, *q;
    struct dns_result r;

    /* Queries still waiting for a slot end here, those in flight in
     * ares_destroy(): both with DNS_FAILED. */
    memset(&r, 0, sizeof(r));
    r.outcome = DNS_FAILED;
    wait_tail = NULL;
    while ((q = *pp) != NULL) {
        if (q->d == d) {
            *pp = q->next;
            nwaiting--;
            q->cb(q->arg, &r, NULL);
            free(q);
        } else {
            wait_tail = q;
            pp = &q->next;
        }
    }
    loop_unhook(d->loop, on_turn, d);
    ares_destroy(d->ch);
    free(d);
}

unsigned probe_dns_budget_ms(const struct pdns *d)
{
    unsigned s = d->nservers ? d->nservers : 1;
    return s * d->timeout_ms * ((1u << d->tries) - 1);
}

const char *probe_dns_servers(const struct pdns *d)
{
    return d->servers;
}

static enum dns_outcome from_status(int status)
{
    switch (status) {
    case ARES_ETIMEOUT:
        return DNS_TIMEOUT;
    case ARES_ESERVFAIL:
        return DNS_SERVFAIL;
    case ARES_EFORMERR:
        return DNS_FORMERR;
    case ARES_ENOTIMP:
        return DNS_NOTIMP;
    case ARES_EREFUSED:
        return DNS_REFUSED;
    case ARES_ENOTFOUND:
        return DNS_NXDOMAIN;
    case ARES_ENODATA:
        return DNS_NODATA;
    case ARES_EBADRESP:
        return DNS_MALFORMED;
    default:
        return DNS_FAILED;
    }
}

static void send_next(void);

static void on_answer(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
    struct query *q = arg;
    struct dns_result r;
    struct dnsmsg m;
    int parsed = abuf && alen > 0 && status != ARES_ETIMEOUT;
    (void)timeouts;

    memset(&r, 0, sizeof(r));
    r.ms = (unsigned)(util_now_ms() - q->start);
    util_strlcpy(r.server, q->d->first, sizeof(r.server));
    if (parsed)
        r.outcome = dnsmsg_parse(abuf, (size_t)alen, q->name, q->qtype, &m);
    else
        r.outcome = from_status(status);
    inflight--;
    q->cb(q->arg, &r, parsed ? &m : NULL);
    free(q);
    send_next();
}

static void send_one(struct query *q)
{
    inflight++;
    q->start = util_now_ms();
    ares_query(q->d->ch, q->name, 1 /* C_IN */, q->qtype, on_answer, q);
}

static void send_next(void)
{
    while (wait_head && inflight < concurrency) {
        struct query *q = wait_head;
        wait_head = q->next;
        if (!wait_head)
            wait_tail = NULL;
        nwaiting--;
        send_one(q);
    }
}

void probe_dns_query(struct pdns *d, const char *name, int qtype, probe_dns_cb cb, void *arg)
{
    struct query *q = xcalloc(1, sizeof(*q));

    q->d = d;
    util_strlcpy(q->name, name, sizeof(q->name));
    q->qtype = qtype;
    q->cb = cb;
    q->arg = arg;
    if (inflight < concurrency && !wait_head) {
        send_one(q);
        return;
    }
    if (wait_tail)
        wait_tail->next = q;
    else
        wait_head = q;
    wait_tail = q;
    nwaiting++;
}
