/*
 * conf_fleet - the value checkers of the fleet section (see conf_value.h).
 * fleet.redis takes an IP address, not a host name: hiredis resolves names
 * with a blocking getaddrinfo(), and the connection is made on the loop
 * thread, which must never wait.
 */
#include "conf_value.h"
#include "util.h"
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#define NODE_MAX   64
#define PREFIX_MAX 64

static int node_char(int ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '.' || ch == '_' || ch == '-';
}

static const char *redis_address(const char *s)
{
    static const char *const bad = "bad Redis address (use \"\", unix:/PATH or IP:PORT)";
    struct sockaddr_un un;
    unsigned long long port;
    char host[64];
    unsigned char addr[16];

    if (*s == '\0')
        return NULL;
    if (strncmp(s, "unix:", 5) == 0) {
        if (s[5] != '/')
            return bad;
        if (strlen(s + 5) >= sizeof(un.sun_path))
            return "bad Redis address (socket path too long)";
        return conf_value_path(s + 5);
    }
    const char *colon = strrchr(s, ':');
    size_t hlen = colon ? (size_t)(colon - s) : 0;
    if (!colon || hlen == 0 || hlen >= sizeof(host) ||
        !conf_value_uint(colon + 1, strlen(colon + 1), 65535, &port) || port == 0)
        return bad;
    memcpy(host, s, hlen);
    host[hlen] = '\0';
    if (strcmp(host, "localhost") == 0 || inet_pton(AF_INET, host, addr) == 1)
        return NULL;
    if (host[0] == '[' && host[hlen - 1] == ']') {
        host[hlen - 1] = '\0';
        if (inet_pton(AF_INET6, host + 1, addr) == 1)
            return NULL;
    }
    return "bad Redis address (the host must be an IP address or localhost: a name would be "
           "resolved with a blocking lookup)";
}

const char *conf_value_fleet(const char *key, const char *s)
{
    size_t n = strlen(s);

    if (strcmp(key, "redis") == 0)
        return redis_address(s);
    if (strcmp(key, "key_prefix") == 0) {
        for (size_t i = 0; i < n; i++)
            if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f)
                return "bad key prefix (printable ASCII, no spaces)";
        return n > PREFIX_MAX ? "bad key prefix (longer than 64)" : NULL;
    }
    /* node: shared in every record, so it must be safe in a log line. */
    for (size_t i = 0; i < n; i++)
        if (!node_char((unsigned char)s[i]))
            return "bad node name (use 1 to 64 of A-Z a-z 0-9 . _ -)";
    return n == 0 || n > NODE_MAX ? "bad node name (use 1 to 64 of A-Z a-z 0-9 . _ -)" : NULL;
}

char *conf_value_default_node(void)
{
    char name[256] = "";
    size_t n = 0;

    if (gethostname(name, sizeof(name) - 1) != 0)
        name[0] = '\0';
    for (; n < NODE_MAX && name[n]; n++)
        if (!node_char((unsigned char)name[n]))
            name[n] = '-';
    name[n] = '\0';
    return xstrdup(n ? name : "mxdetourd");
}
