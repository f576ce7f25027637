/*
 * sockbench - load client of bench/sockmap_bench.sh: requests per second and
 * per-request latency against a socketmap or policy server on a unix stream
 * socket (mxdetourd, or the floor bench/echo_floor.c).
 *
 * Each of CONNS connections keeps exactly one request outstanding, as
 * Postfix does: it sends the next request only when the previous answer is
 * complete.  Connections are spread over THREADS threads (default 1), each
 * driving its share with epoll; one client thread keeps the client off the
 * server's core on a 2-CPU machine.  A run stops issuing requests after
 * SECONDS or after MAXREQ requests in all, whichever comes first, then
 * waits for the outstanding answers.  Latency is measured per request with
 * CLOCK_MONOTONIC from just before write() to the end of the answer.
 *
 * Requests:
 *   socketmap  netstring "postfix-transport user@dN.test", N uniform random
 *              in [0, DOMAINS), or with -S 0, 1, 2... (every domain new: a
 *              flood of unique names)
 *   policy     a Postfix 3.7 smtpd_access_policy request (every attribute
 *              Postfix 3.7 sends), protocol_state=RCPT,
 *              recipient=user@dN.test, instance unique per request
 * Answers are checked: a socketmap answer must be a netstring "OK ..." or
 * "NOTFOUND ", a policy answer "action=...\n\n"; anything else, or a closed
 * connection, is an error (exit 1).
 *
 * Output: one line of key=value pairs (see usage()).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define REQ_MAX 4096
#define ANS_MAX 4096

enum mode { MODE_SOCKMAP, MODE_POLICY };

struct conn {
    int fd;
    uint64_t rng;
    uint64_t t0; /* ns, request sent */
    char req[REQ_MAX];
    size_t reqlen;
    char ans[ANS_MAX];
    size_t anslen;
    int busy;
};

struct worker {
    pthread_t tid;
    int id;
    struct conn *conns;
    int nconns;
    uint32_t *lat; /* ns per request */
    size_t nlat, caplat;
    unsigned long ok, notfound, other;
    char err[256];
};

static enum mode mode;
static const char *path;
static unsigned ndomains = 100000;
static int sequential; /* -S: dN.test in order, each once */
static atomic_uint domain_seq;
static double seconds = 3.0;
static long maxreq = 1000000;
static atomic_long issued;
static atomic_ulong instance_seq;
static uint64_t deadline_ns;
static unsigned pid_tag;

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t xorshift(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

static void usage(void)
{
    fprintf(stderr, "usage: sockbench -s PATH -m socketmap|policy [-c CONNS] [-t THREADS]\n"
                    "                 [-d SECONDS] [-n MAXREQ] [-D DOMAINS] [-S]\n"
                    "prints: mode= conns= requests= seconds= rps= p50_us= p99_us= max_us=\n"
                    "        ok= notfound= other= (socketmap: OK / NOTFOUND answers;\n"
                    "        policy: DUNNO / - / other actions)\n");
    exit(2);
}

/* Builds the next request of c into c->req. */
static void make_request(struct conn *c)
{
    unsigned d =
        sequential ? atomic_fetch_add(&domain_seq, 1) : (unsigned)(xorshift(&c->rng) % ndomains);

    if (mode == MODE_SOCKMAP) {
        char payload[256];
        int n = snprintf(payload, sizeof(payload), "postfix-transport user@d%u.test", d);
        c->reqlen = (size_t)snprintf(c->req, sizeof(c->req), "%d:%s,", n, payload);
        return;
    }
    unsigned long inst = atomic_fetch_add(&instance_seq, 1);
    c->reqlen = (size_t)snprintf(c->req, sizeof(c->req),
                                 "request=smtpd_access_policy\n"
                                 "protocol_state=RCPT\n"
                                 "protocol_name=ESMTP\n"
                                 "helo_name=client.example.org\n"
                                 "queue_id=\n"
                                 "sender=alice@example.org\n"
                                 "recipient=user@d%u.test\n"
                                 "recipient_count=0\n"
                                 "client_address=192.0.2.10\n"
                                 "client_name=client.example.org\n"
                                 "reverse_client_name=client.example.org\n"
                                 "instance=%x.%lx.%x.0\n"
                                 "sasl_method=\n"
                                 "sasl_username=\n"
                                 "sasl_sender=\n"
                                 "size=12345\n"
                                 "ccert_subject=\n"
                                 "ccert_issuer=\n"
                                 "ccert_fingerprint=\n"
                                 "ccert_pubkey_fingerprint=\n"
                                 "encryption_protocol=TLSv1.3\n"
                                 "encryption_cipher=TLS_AES_256_GCM_SHA384\n"
                                 "encryption_keysize=256\n"
                                 "etrn_domain=\n"
                                 "stress=\n"
                                 "client_port=40000\n"
                                 "policy_context=\n"
                                 "server_address=192.0.2.1\n"
                                 "server_port=25\n"
                                 "compatibility_level=3.6\n"
                                 "\n",
                                 d, pid_tag, inst, (unsigned)c->fd);
}

static int send_request(struct worker *w, struct conn *c)
{
    size_t off = 0;

    make_request(c);
    c->anslen = 0;
    c->t0 = now_ns();
    while (off < c->reqlen) {
        ssize_t n = write(c->fd, c->req + off, c->reqlen - off);
        if (n > 0) {
            off += (size_t)n;
        } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            struct pollfd p = {.fd = c->fd, .events = POLLOUT};
            poll(&p, 1, 1000);
        } else {
            snprintf(w->err, sizeof(w->err), "write: %s", n < 0 ? strerror(errno) : "0");
            return -1;
        }
    }
    c->busy = 1;
    return 0;
}

/* 1 complete and valid, 0 incomplete, -1 invalid (w->err set). */
static int answer_done(struct worker *w, struct conn *c)
{
    if (mode == MODE_SOCKMAP) {
        size_t i = 0, len = 0;
        while (i < c->anslen && c->ans[i] >= '0' && c->ans[i] <= '9' && i < 6)
            len = len * 10 + (size_t)(c->ans[i++] - '0');
        if (i == c->anslen)
            return 0;
        if (i == 0 || c->ans[i] != ':')
            goto bad;
        if (c->anslen < i + 1 + len + 1)
            return c->anslen >= sizeof(c->ans) ? -1 : 0;
        if (c->anslen != i + 1 + len + 1 || c->ans[i + 1 + len] != ',')
            goto bad;
        const char *p = c->ans + i + 1;
        if (len > 3 && memcmp(p, "OK ", 3) == 0)
            w->ok++;
        else if (len == 9 && memcmp(p, "NOTFOUND ", 9) == 0)
            w->notfound++;
        else
            goto bad;
        return 1;
    }
    if (c->anslen < 2 || memcmp(c->ans + c->anslen - 2, "\n\n", 2) != 0)
        return c->anslen >= sizeof(c->ans) ? -1 : 0;
    if (c->anslen < 9 || memcmp(c->ans, "action=", 7) != 0 ||
        memchr(c->ans, '\n', c->anslen) != c->ans + c->anslen - 2)
        goto bad;
    if (c->anslen == 7 + 5 + 2 && memcmp(c->ans + 7, "DUNNO", 5) == 0)
        w->ok++;
    else
        w->other++;
    return 1;
bad:
    snprintf(w->err, sizeof(w->err), "unexpected answer: %.*s",
             (int)(c->anslen > 80 ? 80 : c->anslen), c->ans);
    return -1;
}

/* Issues the next request on c unless the run is over; 1 issued, 0 not. */
static int next(struct worker *w, struct conn *c, uint64_t now)
{
    if (now >= deadline_ns || atomic_fetch_add(&issued, 1) >= maxreq)
        return 0;
    return send_request(w, c) < 0 ? -1 : 1;
}

static void *run(void *arg)
{
    struct worker *w = arg;
    int ep = epoll_create1(EPOLL_CLOEXEC), active = 0;
    struct epoll_event evs[64];

    if (ep < 0) {
        snprintf(w->err, sizeof(w->err), "epoll_create1: %s", strerror(errno));
        return NULL;
    }
    for (int i = 0; i < w->nconns; i++) {
        struct conn *c = &w->conns[i];
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
        epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
        int r = next(w, c, now_ns());
        if (r < 0)
            goto out;
        active += r;
    }
    while (active > 0) {
        int n = epoll_wait(ep, evs, 64, 5000);
        if (n == 0) {
            snprintf(w->err, sizeof(w->err), "no answer within 5 s");
            goto out;
        }
        if (n < 0) {
            if (errno == EINTR)
                continue;
            snprintf(w->err, sizeof(w->err), "epoll_wait: %s", strerror(errno));
            goto out;
        }
        for (int i = 0; i < n; i++) {
            struct conn *c = evs[i].data.ptr;
            ssize_t got = read(c->fd, c->ans + c->anslen, sizeof(c->ans) - c->anslen);
            if (got < 0 && (errno == EAGAIN || errno == EINTR))
                continue;
            if (got <= 0) {
                snprintf(w->err, sizeof(w->err), "server closed the connection%s",
                         c->busy ? " with a request outstanding" : "");
                goto out;
            }
            if (!c->busy) {
                snprintf(w->err, sizeof(w->err), "data without a request");
                goto out;
            }
            c->anslen += (size_t)got;
            int d = answer_done(w, c);
            if (d < 0)
                goto out;
            if (d == 0)
                continue;
            uint64_t t1 = now_ns(), dt = t1 - c->t0;
            c->busy = 0;
            if (w->nlat == w->caplat) {
                w->caplat = w->caplat ? w->caplat * 2 : 65536;
                w->lat = realloc(w->lat, w->caplat * sizeof(*w->lat));
                if (!w->lat) {
                    snprintf(w->err, sizeof(w->err), "out of memory");
                    goto out;
                }
            }
            w->lat[w->nlat++] = dt > UINT32_MAX ? UINT32_MAX : (uint32_t)dt;
            int r = next(w, c, t1);
            if (r < 0)
                goto out;
            if (r == 0)
                active--;
        }
    }
out:
    close(ep);
    return NULL;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static int connect_unix(const char *p)
{
    struct sockaddr_un sun;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd < 0)
        return -1;
    memset(&sun, 0, sizeof(sun));
    sun.sun_family = AF_UNIX;
    snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", p);
    if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
        close(fd);
        return -1;
    }
    /* non-blocking only after connect: reads come through epoll */
    if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

int main(int argc, char **argv)
{
    int nconns = 1, nthreads = 1, opt;
    const char *m = NULL;

    while ((opt = getopt(argc, argv, "s:m:c:t:d:n:D:S")) != -1) {
        switch (opt) {
        case 's':
            path = optarg;
            break;
        case 'm':
            m = optarg;
            break;
        case 'c':
            nconns = atoi(optarg);
            break;
        case 't':
            nthreads = atoi(optarg);
            break;
        case 'd':
            seconds = atof(optarg);
            break;
        case 'n':
            maxreq = atol(optarg);
            break;
        case 'D':
            ndomains = (unsigned)strtoul(optarg, NULL, 10);
            break;
        case 'S':
            sequential = 1;
            break;
        default:
            usage();
        }
    }
    if (!path || !m || nconns < 1 || nthreads < 1 || seconds <= 0 || maxreq < 1 || ndomains < 1)
        usage();
    if (strcmp(m, "socketmap") == 0)
        mode = MODE_SOCKMAP;
    else if (strcmp(m, "policy") == 0)
        mode = MODE_POLICY;
    else
        usage();
    if (nthreads > nconns)
        nthreads = nconns;
    pid_tag = (unsigned)getpid() ^ (unsigned)now_ns();

    struct worker *w = calloc((size_t)nthreads, sizeof(*w));
    struct conn *conns = calloc((size_t)nconns, sizeof(*conns));
    if (!w || !conns) {
        fprintf(stderr, "sockbench: out of memory\n");
        return 1;
    }
    for (int i = 0; i < nconns; i++) {
        conns[i].fd = connect_unix(path);
        if (conns[i].fd < 0) {
            fprintf(stderr, "sockbench: connect %s: %s\n", path, strerror(errno));
            return 1;
        }
        conns[i].rng = 0x9e3779b97f4a7c15ull * (uint64_t)(i + 1) ^ now_ns();
    }
    for (int t = 0, first = 0; t < nthreads; t++) {
        int share = nconns / nthreads + (t < nconns % nthreads);
        w[t].id = t;
        w[t].conns = conns + first;
        w[t].nconns = share;
        first += share;
    }

    uint64_t start = now_ns();
    deadline_ns = start + (uint64_t)(seconds * 1e9);
    for (int t = 0; t < nthreads; t++)
        pthread_create(&w[t].tid, NULL, run, &w[t]);
    for (int t = 0; t < nthreads; t++)
        pthread_join(w[t].tid, NULL);
    uint64_t end = now_ns();

    size_t total = 0;
    unsigned long ok = 0, nf = 0, other = 0;
    int failed = 0;
    for (int t = 0; t < nthreads; t++) {
        total += w[t].nlat;
        ok += w[t].ok;
        nf += w[t].notfound;
        other += w[t].other;
        if (w[t].err[0]) {
            fprintf(stderr, "sockbench: %s\n", w[t].err);
            failed = 1;
        }
    }
    if (total == 0) {
        fprintf(stderr, "sockbench: no request completed\n");
        return 1;
    }
    uint32_t *all = malloc(total * sizeof(*all));
    if (!all) {
        fprintf(stderr, "sockbench: out of memory\n");
        return 1;
    }
    size_t k = 0;
    for (int t = 0; t < nthreads; t++) {
        memcpy(all + k, w[t].lat, w[t].nlat * sizeof(*all));
        k += w[t].nlat;
    }
    qsort(all, total, sizeof(*all), cmp_u32);
    double secs = (double)(end - start) / 1e9;
    printf("mode=%s conns=%d requests=%zu seconds=%.3f rps=%.0f p50_us=%.1f p99_us=%.1f "
           "max_us=%.1f ok=%lu notfound=%lu other=%lu\n",
           m, nconns, total, secs, (double)total / secs, all[(total - 1) / 2] / 1e3,
           all[(size_t)((double)(total - 1) * 0.99)] / 1e3, all[total - 1] / 1e3, ok, nf, other);
    for (int i = 0; i < nconns; i++)
        close(conns[i].fd);
    return failed;
}
