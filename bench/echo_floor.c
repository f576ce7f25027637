/*
 * echo_floor - the floor of bench/sockmap_bench.sh: a minimal single-threaded
 * epoll server on unix stream sockets that does the framing work of
 * mxdetourd's socketmap and policy listeners and no lookups.
 *
 *   socketmap socket: each complete netstring "LEN:DATA," is answered with
 *                     the netstring "9:NOTFOUND ,"; a malformed one closes
 *                     the connection.
 *   policy socket:    each request (lines ended by an empty line) is
 *                     answered with "action=DUNNO\n\n".
 * Requests may be pipelined; answers go out in order.  Whatever mxdetourd
 * does beyond this (parsing attributes, normalising the domain, the cache
 * lookup, routes, logging) is the difference the benchmark shows.
 *
 * usage: echo_floor SOCKMAP_PATH POLICY_PATH   (runs until SIGTERM/SIGINT;
 * prints "listening" to stderr once both sockets accept connections)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define BUF_MAX (64 * 1024)

enum kind { K_LISTEN_SOCKMAP, K_LISTEN_POLICY, K_SOCKMAP, K_POLICY };

struct conn {
    int fd;
    enum kind kind;
    char in[BUF_MAX];
    size_t inlen;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static int open_unix(const char *p)
{
    struct sockaddr_un sun;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

    if (fd < 0)
        return -1;
    memset(&sun, 0, sizeof(sun));
    sun.sun_family = AF_UNIX;
    snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", p);
    unlink(p);
    if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 || listen(fd, 128) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Consumes one request at the start of c->in: bytes used, 0 incomplete,
 * -1 malformed. */
static long one(struct conn *c)
{
    if (c->kind == K_SOCKMAP) {
        size_t i = 0, len = 0;
        while (i < c->inlen && c->in[i] >= '0' && c->in[i] <= '9') {
            len = len * 10 + (size_t)(c->in[i++] - '0');
            if (i > 5)
                return -1;
        }
        if (i == c->inlen)
            return 0;
        if (i == 0 || c->in[i] != ':')
            return -1;
        if (c->inlen < i + len + 2)
            return 0;
        if (c->in[i + 1 + len] != ',')
            return -1;
        return (long)(i + len + 2);
    }
    if (c->inlen > 0 && c->in[0] == '\n')
        return 1; /* an empty request */
    const char *end = memmem(c->in, c->inlen, "\n\n", 2);
    return end ? (long)(end + 2 - c->in) : 0;
}

static int serve(struct conn *c)
{
    static const char nf[] = "9:NOTFOUND ,", dunno[] = "action=DUNNO\n\n";
    char out[BUF_MAX];
    size_t outlen = 0, off = 0;
    ssize_t n = read(c->fd, c->in + c->inlen, sizeof(c->in) - c->inlen);

    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return 0;
    if (n <= 0)
        return -1;
    c->inlen += (size_t)n;
    for (;;) {
        long used = one(c);
        if (used < 0)
            return -1;
        if (used == 0)
            break;
        const char *a = c->kind == K_SOCKMAP ? nf : dunno;
        size_t alen = c->kind == K_SOCKMAP ? sizeof(nf) - 1 : sizeof(dunno) - 1;
        if (outlen + alen > sizeof(out))
            return -1;
        memcpy(out + outlen, a, alen);
        outlen += alen;
        memmove(c->in, c->in + used, c->inlen - (size_t)used);
        c->inlen -= (size_t)used;
    }
    if (c->inlen == sizeof(c->in))
        return -1;
    while (off < outlen) {
        ssize_t w = write(c->fd, out + off, outlen - off);
        if (w > 0)
            off += (size_t)w;
        else if (w < 0 && errno == EINTR)
            continue;
        else
            return -1; /* the client keeps one request outstanding: never full */
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct conn lsm = {.kind = K_LISTEN_SOCKMAP}, lpo = {.kind = K_LISTEN_POLICY};
    struct epoll_event ev, evs[64];
    struct sigaction sa;
    int ep;

    if (argc != 3) {
        fprintf(stderr, "usage: echo_floor SOCKMAP_PATH POLICY_PATH\n");
        return 2;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    lsm.fd = open_unix(argv[1]);
    lpo.fd = open_unix(argv[2]);
    ep = epoll_create1(EPOLL_CLOEXEC);
    if (lsm.fd < 0 || lpo.fd < 0 || ep < 0) {
        perror("echo_floor");
        return 1;
    }
    ev.events = EPOLLIN;
    ev.data.ptr = &lsm;
    epoll_ctl(ep, EPOLL_CTL_ADD, lsm.fd, &ev);
    ev.data.ptr = &lpo;
    epoll_ctl(ep, EPOLL_CTL_ADD, lpo.fd, &ev);
    fprintf(stderr, "echo_floor: listening\n");
    while (!stop) {
        int n = epoll_wait(ep, evs, 64, -1);
        for (int i = 0; i < n; i++) {
            struct conn *c = evs[i].data.ptr;
            if (c->kind == K_LISTEN_SOCKMAP || c->kind == K_LISTEN_POLICY) {
                int fd;
                while ((fd = accept4(c->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
                    struct conn *nc = malloc(sizeof(*nc));
                    if (!nc) {
                        close(fd);
                        continue;
                    }
                    nc->fd = fd;
                    nc->kind = c->kind == K_LISTEN_SOCKMAP ? K_SOCKMAP : K_POLICY;
                    nc->inlen = 0;
                    ev.events = EPOLLIN;
                    ev.data.ptr = nc;
                    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
                }
                continue;
            }
            if (serve(c) < 0) {
                epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
                close(c->fd);
                free(c);
            }
        }
    }
    unlink(argv[1]);
    unlink(argv[2]);
    return 0;
}
