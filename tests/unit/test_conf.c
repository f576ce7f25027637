/*
 * test_conf - the config loader and its value checkers, table driven.
 *
 * Each row of invalid[] is a YAML text and the one exact message it must
 * produce, line and column included; each row of valid[] is a YAML text and
 * "field=value" facts the snapshot must show (dump() prints every field in
 * one line, so a failure shows got and want side by side).  Every row runs
 * as its own cmocka test so a failure names the row.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "conf.h"
#include "domlist.h"
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>
#include <unistd.h>

/* ---------------------------------------------------------------------- */
/* Helpers                                                                 */

static void cat(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void cat(char *buf, size_t size, const char *fmt, ...)
{
    size_t off = strlen(buf);
    va_list ap;
    va_start(ap, fmt);
    if (off < size)
        vsnprintf(buf + off, size - off, fmt, ap);
    va_end(ap);
}

static void servers(char *buf, size_t size, const struct conf_server *s, size_t n)
{
    size_t i;
    if (n == 0)
        cat(buf, size, "-");
    for (i = 0; i < n; i++)
        cat(buf, size, "%s%s%s%s:%u", i ? "," : "", s[i].family == AF_INET6 ? "[" : "", s[i].addr,
            s[i].family == AF_INET6 ? "]" : "", s[i].port);
}

static const char *level_name(int l)
{
    switch (l) {
    case LOG_ERR:
        return "error";
    case LOG_WARNING:
        return "warning";
    case LOG_NOTICE:
        return "notice";
    case LOG_INFO:
        return "info";
    case LOG_DEBUG:
        return "debug";
    default:
        return "?";
    }
}

static const char *facility_name(int f)
{
    static const char *const local[] = {"local0", "local1", "local2", "local3",
                                        "local4", "local5", "local6", "local7"};
    if (f == LOG_MAIL)
        return "mail";
    if (f == LOG_DAEMON)
        return "daemon";
    if (f == LOG_USER)
        return "user";
    if (f >= LOG_LOCAL0 && f <= LOG_LOCAL7)
        return local[(f - LOG_LOCAL0) >> 3];
    return "?";
}

/* Every field of a snapshot as " key=value" tokens (domains as
 * name/route/smarthost/transport/note, "-" for NULL). */
static void dump(const struct conf *c, char *buf, size_t size)
{
    static const char *const ldd[] = {"none", "smarthost", "pin-external"};
    size_t i;

    buf[0] = '\0';
    cat(buf, size,
        " milter=%s socketmap=%s policy=%s control=%s socket_mode=%04o control_mode=%04o",
        c->listen_milter, c->listen_socketmap, c->listen_policy, c->listen_control,
        (unsigned)c->socket_mode, (unsigned)c->control_mode);
    cat(buf, size, " socket_group=%s user=%s state_file=%s", c->socket_group, c->user,
        c->state_file);
    cat(buf, size, " local=");
    if (c->local_system)
        cat(buf, size, "system");
    else
        servers(buf, size, c->local, c->nlocal);
    cat(buf, size, " external=");
    servers(buf, size, c->external, c->nexternal);
    cat(buf, size,
        " timeout=%u tries=%u concurrency=%u max_mx=%u recheck=%u max_pending=%u max_cached=%u "
        "rate=%u/%u "
        "wait=%u authoritative=%s",
        c->timeout_ms, c->tries, c->concurrency, c->max_mx, c->recheck_ms, c->max_pending,
        c->max_cached, c->rate_count, c->rate_per_ms, c->wait_ms, c->authoritative ? "on" : "off");
    cat(buf, size, " mode=%s on_broken=%s smarthost=%s transport=%s ldd=%s tag_header=%s",
        c->mode == CONF_MODE_TAG ? "tag" : "rewrite", conf_route_name(c->on_broken), c->smarthost,
        c->transport, ldd[c->on_local_dns_down], c->tag_header);
    cat(buf, size, " fleet=%s prefix=%s node=%s", c->fleet_redis, c->fleet_prefix, c->fleet_node);
    cat(buf, size, " publish=%s postfix_config=%s level=%s facility=%s domains=", c->publish,
        c->postfix_config, level_name(c->log_level), facility_name(c->log_facility));
    for (i = 0; i < c->ndomains; i++) {
        const struct conf_domain *d = &c->domains[i];
        cat(buf, size, "%s%s%s/%s/%s/%s/%s@%d:%d", i ? "," : "", d->wildcard ? "*." : "", d->name,
            conf_route_name(d->route), d->smarthost ? d->smarthost : "-",
            d->transport ? d->transport : "-", d->note ? d->note : "-", d->line, d->column);
    }
    cat(buf, size, " metrics=%s ", c->listen_metrics);
    cat(buf, size, "rescue=%s ", c->rescue ? "on" : "off");
    cat(buf, size, "milter_timeout=%u ", c->milter_timeout_ms);
}

static void print_errs(const struct conf_errs *e)
{
    size_t i;
    for (i = 0; i < e->n; i++)
        print_message("  got error: %s\n", e->msg[i]);
}

/* ---------------------------------------------------------------------- */
/* Valid documents                                                         */

struct valid_case {
    const char *name;
    const char *yaml;
    const char *want[8]; /* tokens of dump(), NULL-terminated */
};

static const struct valid_case valid[] = {
    {"empty file gives the defaults",
     "",
     {"milter=unix:/var/spool/postfix/mxdetour/milter.sock",
      "socketmap=unix:/var/spool/postfix/mxdetour/socketmap.sock",
      "control=unix:/run/mxdetour/control.sock socket_mode=0660 control_mode=0600",
      "state_file=/var/lib/mxdetour/verdicts", "local=system",
      "timeout=2000 tries=2 concurrency=200 max_mx=5 recheck=3600000 max_pending=10000 "
      "max_cached=1000000 "
      "rate=600/60000 wait=1000 authoritative=off",
      "mode=rewrite on_broken=pin-mx smarthost= transport=smtp ldd=none tag_header=X-MXDetour",
      "publish= postfix_config= level=info facility=mail domains= metrics= rescue=off "
      "milter_timeout=1800000 "}},
    {"fleet off by default", "", {"fleet= prefix=mxdetour: node="}},
    {"rescue off by default", "", {" rescue=off "}},
    {"rescue on", "routing:\n  rescue: on\n", {" rescue=on "}},
    {"fleet on a unix socket",
     "fleet:\n  redis: unix:/run/redis/redis.sock\n  key_prefix: \"mx:out:\"\n  node: mta-1\n",
     {"fleet=unix:/run/redis/redis.sock prefix=mx:out: node=mta-1 publish="}},
    {"fleet over TCP", "fleet:\n  redis: \"192.0.2.7:6379\"\n", {"fleet=192.0.2.7:6379 prefix="}},
    {"fleet over IPv6 and localhost",
     "fleet:\n  redis: \"[2001:db8::7]:6380\"\n  key_prefix: \"\"\n",
     {"fleet=[2001:db8::7]:6380 prefix= node="}},
    {"fleet on localhost", "fleet:\n  redis: localhost:6379\n", {"fleet=localhost:6379 prefix="}},
    {"comments only", "# nothing here\n\n   # still nothing\n", {"user=mxdetour", "domains= "}},
    {"explicit empty document",
     "---\n...\n",
     {"policy=unix:/var/spool/postfix/mxdetour/policy.sock"}},
    {"control on loopback, own mode, postfix_config",
     "listen:\n  control: inet:9999@127.0.0.1\n  control_mode: \"0660\"\n"
     "routing:\n  postfix_config: /etc/postfix-out\n",
     {"control=inet:9999@127.0.0.1", "control_mode=0660", "postfix_config=/etc/postfix-out"}},
    {"metrics on loopback",
     "listen:\n  metrics: inet:9465@127.0.0.1\n",
     {"metrics=inet:9465@127.0.0.1 "}},
    /* Unlike control: the metrics name no domain, and Prometheus scrapes
     * from another host. */
    {"metrics on every address, IPv6",
     "listen:\n  metrics: \"inet6:9465@::\"\n",
     {"metrics=inet6:9465@:: "}},
    {"metrics off", "listen:\n  metrics: \"\"\n", {"metrics= "}},
    {"empty sections are allowed", "listen:\nprobe: {}\ndomains:\nlog: ~\n", {"tries=2"}},
    {"listeners off, inet forms",
     "listen:\n  milter: inet:8891@127.0.0.1\n  socketmap: \"\"\n  policy: inet6:9000@::1\n"
     "  control: unix:/tmp/c.sock\n",
     {"milter=inet:8891@127.0.0.1 socketmap= policy=inet6:9000@::1 control=unix:/tmp/c.sock"}},
    {"inet listener with a host name",
     "listen:\n  milter: inet:8891@localhost\n",
     {"milter=inet:8891@localhost"}},
    {"socket mode quoted, plain, 3 digits",
     "listen:\n  socket_mode: \"0600\"\n  socket_group: \"\"\nuser: \"\"\n",
     {"socket_mode=0600 control_mode=0600 socket_group= user= "}},
    {"socket mode as a plain 0660", "listen:\n  socket_mode: 0664\n", {"socket_mode=0664"}},
    {"socket mode 3 digits", "listen:\n  socket_mode: \"640\"\n", {"socket_mode=0640"}},
    {"state file off", "state_file: \"\"\n", {"state_file= "}},
    {"durations in every unit",
     "probe:\n  timeout: 500ms\n  recheck: 1d\n  wait: 10m\n",
     {"timeout=500 ", "recheck=86400000 ", "wait=600000"}},
    {"milter timeout", "listen:\n  milter_timeout: 10m\n", {" milter_timeout=600000 "}},
    {"authoritative on", "probe:\n  authoritative: on\n", {"wait=1000 authoritative=on"}},
    {"authoritative off", "probe:\n  authoritative: off\n", {"authoritative=off"}},
    {"wait 0 and 0s", "probe:\n  wait: 0\n", {"wait=0"}},
    {"wait 0s", "probe:\n  wait: 0s\n  recheck: 2h\n", {"recheck=7200000", "wait=0"}},
    {"integer bounds",
     "probe:\n  tries: 10\n  concurrency: 1\n  max_mx: 16\n  max_pending: 10000000\n"
     "  max_cached: 100\n",
     {"tries=10 concurrency=1 max_mx=16 ", "max_pending=10000000 max_cached=100 "}},
    {"quoted integer", "probe:\n  tries: \"3\"\n", {"tries=3"}},
    {"rate per second", "probe:\n  rate: 10/s\n", {"rate=10/1000"}},
    {"rate per hour", "probe:\n  rate: 5/h\n", {"rate=5/3600000"}},
    {"local resolvers, IPv4 and IPv6 forms",
     "resolvers:\n  local: [127.0.0.1, \"127.0.0.2:5300\", \"[::1]:53\", \"::1\", "
     "\"[2001:db8::0001]\"]\n",
     {"local=127.0.0.1:53,127.0.0.2:5300,[::1]:53,[::1]:53,[2001:db8::1]:53 "}},
    {"external resolvers block list",
     "resolvers:\n  local: system\n  external:\n    - 192.0.2.53\n    - \"[2001:db8::53]:5353\"\n",
     {"local=system external=192.0.2.53:53,[2001:db8::53]:5353 "}},
    {"routing in tag mode",
     "routing:\n  mode: tag\n  on_broken: transport\n  transport: smtp-ipv4\n"
     "  tag_header: X-Test_1\n  publish: /etc/postfix/mxdetour_transport\n",
     {"mode=tag on_broken=transport ", "transport=smtp-ipv4 ", "tag_header=X-Test_1 ",
      "publish=/etc/postfix/mxdetour_transport "}},
    {"publish with a table type",
     "routing:\n  publish: \"lmdb:/var/lib/mxdetour/transport\"\n",
     {"publish=lmdb:/var/lib/mxdetour/transport "}},
    {"publish as texthash",
     "routing:\n  publish: \"texthash:/var/lib/mxdetour/transport\"\n",
     {"publish=texthash:/var/lib/mxdetour/transport "}},
    /* Only postmap's own database name counts: hash: makes PATH.db. */
    {"publish beside the state file",
     "state_file: /srv/mxd/t.lmdb\nrouting:\n  publish: \"hash:/srv/mxd/t\"\n",
     {"state_file=/srv/mxd/t.lmdb ", "publish=hash:/srv/mxd/t "}},
    {"smarthost with on_broken and local dns down",
     "routing:\n  on_broken: smarthost\n  smarthost: \"[203.0.113.25]:25\"\n"
     "  on_local_dns_down: smarthost\n",
     {"on_broken=smarthost smarthost=[203.0.113.25]:25 ", "ldd=smarthost "}},
    {"smarthost forms: bracketed IP",
     "routing:\n  smarthost: \"[192.0.2.1]\"\n",
     {"smarthost=[192.0.2.1] "}},
    {"smarthost forms: host",
     "routing:\n  smarthost: relay.example\n",
     {"smarthost=relay.example "}},
    {"smarthost forms: host and port",
     "routing:\n  smarthost: relay.example:2525\n",
     {"smarthost=relay.example:2525 "}},
    {"smarthost forms: bracketed IPv6",
     "routing:\n  smarthost: \"[ipv6:2001:db8::1]:25\"\n",
     {"smarthost=[ipv6:2001:db8::1]:25 "}},
    {"on_local_dns_down pin-external",
     "routing:\n  on_local_dns_down: pin-external\n",
     {"ldd=pin-external "}},
    {"log level and facility",
     "log:\n  level: debug\n  facility: local3\n",
     {"level=debug facility=local3 "}},
    {"log facility daemon, level error",
     "log: {level: error, facility: daemon}\n",
     {"level=error facility=daemon "}},
    {"domains: the doc/design.md example",
     "domains:\n"
     "  - contoso.com\n"
     "  - domain: fabrikam.example\n"
     "    route: smarthost\n"
     "    smarthost: \"[203.0.113.25]:25\"\n"
     "    note: \"NS drop AAAA queries\"\n"
     "  - domain: \"*.tailspin.example\"\n"
     "    route: transport\n"
     "    transport: smtp-ipv4\n",
     {"domains=contoso.com/pin-mx/-/-/-@2:5,fabrikam.example/smarthost/[203.0.113.25]:25/-/"
      "NS drop AAAA queries@3:13,*.tailspin.example/transport/-/smtp-ipv4/-@7:13 "}},
    {"domains: case, trailing dot, IDN",
     "domains:\n  - Contoso.COM.\n  - bücher.example\n  - \"*.BÜCHER.example\"\n",
     {"domains=contoso.com/pin-mx/-/-/-@2:5,xn--bcher-kva.example/pin-mx/-/-/-@3:5,"
      "*.xn--bcher-kva.example/pin-mx/-/-/-@4:5 "}},
    {"domains: entry inherits on_broken set later in the file",
     "domains:\n  - a.example\n  - domain: b.example\n    route: smarthost\n"
     "routing:\n  on_broken: none\n  smarthost: relay.example\n",
     {"domains=a.example/none/-/-/-@2:5,b.example/smarthost/-/-/-@3:13 "}},
    {"domains: apex and wildcard are different entries",
     "domains: [example.net, \"*.example.net\"]\n",
     {"domains=example.net/pin-mx/-/-/-@1:11,*.example.net/pin-mx/-/-/-@1:24 "}},
    {"domains: route none",
     "domains:\n  - {domain: x.example, route: none, note: \"\"}\n",
     {"domains=x.example/none/-/-/-@2:14 "}},
};

static void run_valid(void **state)
{
    const struct valid_case *t = *state;
    struct conf_errs errs = {NULL, 0};
    struct conf *c = conf_load_buf("t.yaml", t->yaml, strlen(t->yaml), &errs);
    char got[4096];
    size_t i;

    if (c == NULL || errs.n != 0) {
        print_errs(&errs);
        fail_msg("%s: got errors, want none", t->name);
    }
    dump(c, got, sizeof(got));
    for (i = 0; i < 8 && t->want[i] != NULL; i++) {
        if (strstr(got, t->want[i]) == NULL)
            fail_msg("%s:\n  got  %s\n  want %s", t->name, got, t->want[i]);
    }
    conf_unref(c);
    conf_errs_free(&errs);
}

/* ---------------------------------------------------------------------- */
/* Invalid documents: exactly one error each                               */

struct invalid_case {
    const char *yaml;
    const char *want;
};

static const struct invalid_case invalid[] = {
    {"bogus: 1\n", "t.yaml:1:1: unknown key \"bogus\""},
    {"routing:\n  rescue: yes\n", "t.yaml:2:11: routing.rescue: bad value \"yes\" (use on or off)"},
    {"listen:\n  milter: \"\"\n  listn: x\n", "t.yaml:3:3: unknown key \"listn\" in listen"},
    {"probe:\n  tries: 2\n  timeout: 2x\n",
     "t.yaml:3:12: probe.timeout: bad duration \"2x\" (use 500ms, 2s, 10m, 1h, 1d)"},
    {"probe:\n  timeout: 2\n",
     "t.yaml:2:12: probe.timeout: bad duration \"2\" (use 500ms, 2s, 10m, 1h, 1d)"},
    {"probe:\n  timeout: 1.5s\n",
     "t.yaml:2:12: probe.timeout: bad duration \"1.5s\" (use 500ms, 2s, 10m, 1h, 1d)"},
    {"probe:\n  timeout: 0s\n",
     "t.yaml:2:12: probe.timeout: bad duration \"0s\" (must be greater than 0)"},
    {"probe:\n  recheck: 100d\n", "t.yaml:2:12: probe.recheck: bad duration \"100d\" (too long)"},
    {"probe:\n  recheck: -1h\n",
     "t.yaml:2:12: probe.recheck: bad duration \"-1h\" (use 500ms, 2s, 10m, 1h, 1d)"},
    {"listen:\n  milter_timeout: 0s\n",
     "t.yaml:2:19: listen.milter_timeout: bad duration \"0s\" (must be greater than 0)"},
    {"probe:\n  wait: 1 s\n",
     "t.yaml:2:9: probe.wait: bad duration \"1 s\" (use 500ms, 2s, 10m, 1h, 1d)"},
    {"probe:\n  authoritative: yes\n",
     "t.yaml:2:18: probe.authoritative: bad value \"yes\" (use on or off)"},
    {"probe:\n  authoritative: \"\"\n",
     "t.yaml:2:18: probe.authoritative: bad value \"\" (use on or off)"},
    {"probe:\n  tries: 0\n", "t.yaml:2:10: probe.tries: bad number \"0\" (use 1..10)"},
    {"probe:\n  tries: 11\n", "t.yaml:2:10: probe.tries: bad number \"11\" (use 1..10)"},
    {"probe:\n  concurrency: lots\n",
     "t.yaml:2:16: probe.concurrency: bad number \"lots\" (use 1..10000)"},
    {"probe:\n  max_mx: 17\n", "t.yaml:2:11: probe.max_mx: bad number \"17\" (use 1..16)"},
    {"probe:\n  max_pending: 99999999999999999999\n",
     "t.yaml:2:16: probe.max_pending: bad number \"99999999999999999999\" (use 1..10000000)"},
    {"probe:\n  max_cached: 99\n",
     "t.yaml:2:15: probe.max_cached: bad number \"99\" (use 100..100000000)"},
    {"probe:\n  rate: 10/day\n",
     "t.yaml:2:9: probe.rate: bad rate \"10/day\" (use N/s, N/min or N/h, N from 1 to "
     "100000000)"},
    {"probe:\n  rate: 0/s\n",
     "t.yaml:2:9: probe.rate: bad rate \"0/s\" (use N/s, N/min or N/h, N from 1 to 100000000)"},
    {"listen:\n  milter: unix:run/milter.sock\n",
     "t.yaml:2:11: listen.milter: bad listen address \"unix:run/milter.sock\" (unix: needs an "
     "absolute path)"},
    {"listen:\n  policy: inet:99999@127.0.0.1\n",
     "t.yaml:2:11: listen.policy: bad listen address \"inet:99999@127.0.0.1\" (use unix:/PATH, "
     "inet:PORT@HOST, inet6:PORT@HOST or \"\" for off)"},
    {"listen:\n  socketmap: tcp:25\n",
     "t.yaml:2:14: listen.socketmap: bad listen address \"tcp:25\" (use unix:/PATH, "
     "inet:PORT@HOST, inet6:PORT@HOST or \"\" for off)"},
    {"listen:\n  control: inet:25\n",
     "t.yaml:2:12: listen.control: bad listen address \"inet:25\" (use unix:/PATH, "
     "inet:PORT@HOST, inet6:PORT@HOST or \"\" for off)"},
    {"listen:\n  control: inet:9999@0.0.0.0\n",
     "t.yaml:2:12: listen.control: \"0.0.0.0\" is not a loopback address (use unix:PATH, "
     "inet:PORT@127.0.0.1 or inet6:PORT@::1)"},
    {"listen:\n  metrics: unix:/run/mxdetour/metrics.sock\n",
     "t.yaml:2:12: listen.metrics: bad listen address \"unix:/run/mxdetour/metrics.sock\" "
     "(metrics are served over HTTP: use inet:PORT@HOST, inet6:PORT@HOST or \"\" for off)"},
    {"listen:\n  metrics: 9465\n",
     "t.yaml:2:12: listen.metrics: bad listen address \"9465\" (use unix:/PATH, "
     "inet:PORT@HOST, inet6:PORT@HOST or \"\" for off)"},
    {"listen:\n  control_mode: \"0999\"\n",
     "t.yaml:2:17: listen.control_mode: bad socket mode \"0999\" (use an octal string like "
     "\"0660\")"},
    {"routing:\n  postfix_config: etc/postfix\n",
     "t.yaml:2:19: routing.postfix_config: bad path \"etc/postfix\" (use an absolute path or "
     "\"\" for none)"},
    {"listen:\n  socket_mode: \"0999\"\n",
     "t.yaml:2:16: listen.socket_mode: bad socket mode \"0999\" (use an octal string like "
     "\"0660\")"},
    {"listen:\n  socket_mode: \"0066\"\n",
     "t.yaml:2:16: listen.socket_mode: bad socket mode \"0066\" (the owner needs read and "
     "write: 0600 at least)"},
    {"listen:\n  socket_group: \"-wheel\"\n",
     "t.yaml:2:17: listen.socket_group: bad name \"-wheel\" (letters, digits, '.', '_', '-'; "
     "not starting with '-')"},
    {"user: \"mx detour\"\n",
     "t.yaml:1:7: user: bad name \"mx detour\" (letters, digits, '.', '_', '-'; not starting "
     "with '-')"},
    {"state_file: var/lib/x\n",
     "t.yaml:1:13: state_file: bad path \"var/lib/x\" (use an absolute path or \"\" for none)"},
    {"resolvers:\n  local: [\"127.0.0.1:0\"]\n",
     "t.yaml:2:11: resolvers.local: bad resolver address \"127.0.0.1:0\" (use IP or IP:port, "
     "IPv6 as [::1]:53 or ::1)"},
    {"resolvers:\n  local: []\n",
     "t.yaml:2:10: resolvers.local: empty list (use system or a list of addresses)"},
    {"resolvers:\n  local: 127.0.0.1\n",
     "t.yaml:2:10: resolvers.local: bad resolver list \"127.0.0.1\" (use system or a list of "
     "\"IP\" / \"IP:port\")"},
    {"resolvers:\n  external:\n    - \"[::1]:x\"\n",
     "t.yaml:3:7: resolvers.external: bad resolver address \"[::1]:x\" (use IP or IP:port, IPv6 "
     "as [::1]:53 or ::1)"},
    {"resolvers:\n  external:\n    - dns.example\n",
     "t.yaml:3:7: resolvers.external: bad resolver address \"dns.example\" (use IP or IP:port, "
     "IPv6 as [::1]:53 or ::1)"},
    {"resolvers:\n  external: 192.0.2.1\n",
     "t.yaml:2:13: resolvers.external: expected a list of addresses, got a scalar"},
    {"routing:\n  mode: replace\n",
     "t.yaml:2:9: routing.mode: bad mode \"replace\" (use rewrite or tag)"},
    {"routing:\n  on_broken: reroute\n",
     "t.yaml:2:14: routing.on_broken: bad route \"reroute\" (use smarthost, pin-mx, transport or "
     "none)"},
    {"routing:\n  on_broken: smarthost\n",
     "t.yaml:2:14: routing.on_broken: smarthost needs routing.smarthost"},
    {"routing:\n  smarthost: \"\"\n  on_local_dns_down: smarthost\n",
     "t.yaml:3:22: routing.on_local_dns_down: smarthost needs routing.smarthost"},
    {"routing:\n  on_local_dns_down: maybe\n",
     "t.yaml:2:22: routing.on_local_dns_down: bad value \"maybe\" (use none, smarthost or "
     "pin-external)"},
    {"routing:\n  smarthost: \"relay.example;rm\"\n",
     "t.yaml:2:14: routing.smarthost: bad smarthost \"relay.example;rm\" (use \"[host]:port\", "
     "\"[192.0.2.1]\", \"relay.example\" or \"relay.example:2525\")"},
    {"routing:\n  smarthost: \"[192.0.2.1]:0\"\n",
     "t.yaml:2:14: routing.smarthost: bad smarthost \"[192.0.2.1]:0\" (use \"[host]:port\", "
     "\"[192.0.2.1]\", \"relay.example\" or \"relay.example:2525\")"},
    {"routing:\n  transport: \"smtp:\"\n",
     "t.yaml:2:14: routing.transport: bad transport \"smtp:\" (a master.cf service name: "
     "letters, digits, '-', '_')"},
    {"routing:\n  tag_header: \"X Detour\"\n",
     "t.yaml:2:15: routing.tag_header: bad header name \"X Detour\" (printable ASCII, no spaces "
     "or ':')"},
    {"routing:\n  publish: transport.lmdb\n",
     "t.yaml:2:12: routing.publish: bad path \"transport.lmdb\" (use an absolute path or \"\" for "
     "none)"},
    {"routing:\n  publish: \"nis:/x\"\n",
     "t.yaml:2:12: routing.publish: bad table type \"nis:/x\" (use lmdb:, hash:, btree:, cdb:, "
     "texthash: or a bare absolute path)"},
    {"routing:\n  publish: \"hash:\"\n",
     "t.yaml:2:12: routing.publish: bad table \"hash:\" (a path must follow the type)"},
    {"fleet:\n  redis: redis.example:6379\n",
     "t.yaml:2:10: fleet.redis: bad Redis address \"redis.example:6379\" (the host must be an IP "
     "address or localhost: a name would be resolved with a blocking lookup)"},
    {"fleet:\n  redis: \"127.0.0.1\"\n",
     "t.yaml:2:10: fleet.redis: bad Redis address \"127.0.0.1\" (use \"\", unix:/PATH or IP:PORT)"},
    {"fleet:\n  redis: \"127.0.0.1:0\"\n",
     "t.yaml:2:10: fleet.redis: bad Redis address \"127.0.0.1:0\" (use \"\", unix:/PATH or "
     "IP:PORT)"},
    {"fleet:\n  redis: unix:redis.sock\n",
     "t.yaml:2:10: fleet.redis: bad Redis address \"unix:redis.sock\" (use \"\", unix:/PATH or "
     "IP:PORT)"},
    {"fleet:\n  key_prefix: \"mx detour\"\n",
     "t.yaml:2:15: fleet.key_prefix: bad key prefix \"mx detour\" (printable ASCII, no spaces)"},
    {"fleet:\n  node: \"\"\n",
     "t.yaml:2:9: fleet.node: bad node name \"\" (use 1 to 64 of A-Z a-z 0-9 . _ -)"},
    {"fleet:\n  node: \"mta 1\"\n",
     "t.yaml:2:9: fleet.node: bad node name \"mta 1\" (use 1 to 64 of A-Z a-z 0-9 . _ -)"},
    {"fleet:\n  rediss: unix:/x\n", "t.yaml:2:3: unknown key \"rediss\" in fleet"},
    /* Every publish would destroy the saved verdicts. */
    {"state_file: /srv/mxd/v\nrouting:\n  publish: /srv/mxd/v\n",
     "t.yaml:3:12: routing.publish: table \"/srv/mxd/v\" would overwrite state_file "
     "\"/srv/mxd/v\" (give the table a path of its own)"},
    {"routing:\n  publish: \"texthash:/var/lib/mxdetour/verdicts\"\n",
     "t.yaml:2:12: routing.publish: table \"texthash:/var/lib/mxdetour/verdicts\" would "
     "overwrite state_file \"/var/lib/mxdetour/verdicts\" (give the table a path of its own)"},
    {"routing:\n  publish: /srv/mxd/v\nstate_file: /srv/mxd/v.lmdb\n",
     "t.yaml:2:12: routing.publish: table \"/srv/mxd/v\" would overwrite state_file "
     "\"/srv/mxd/v.lmdb\" (give the table a path of its own)"},
    {"state_file: /srv/mxd/v.cdb\nrouting:\n  publish: \"cdb:/srv/mxd/v\"\n",
     "t.yaml:3:12: routing.publish: table \"cdb:/srv/mxd/v\" would overwrite state_file "
     "\"/srv/mxd/v.cdb\" (give the table a path of its own)"},
    {"routing:\n  publish: \"hash:relative\"\n",
     "t.yaml:2:12: routing.publish: bad path \"hash:relative\" (use an absolute path or \"\" for "
     "none)"},
    {"log:\n  level: loud\n",
     "t.yaml:2:10: log.level: bad log level \"loud\" (use error, warning, notice, info or "
     "debug)"},
    {"log:\n  facility: kern\n",
     "t.yaml:2:13: log.facility: bad log facility \"kern\" (use mail, daemon, user or "
     "local0..local7)"},
    {"listen: unix:/run/x.sock\n", "t.yaml:1:9: listen: expected a mapping, got a scalar"},
    {"probe:\n  - timeout\n", "t.yaml:2:3: probe: expected a mapping, got a list"},
    {"probe:\n  timeout: [1s]\n",
     "t.yaml:2:12: probe.timeout: expected a single value, got a list"},
    {"log:\n  level: {x: 1}\n", "t.yaml:2:10: log.level: expected a single value, got a mapping"},
    {"- a\n- b\n", "t.yaml:1:1: the top level must be a mapping, got a list"},
    {"just text\n", "t.yaml:1:1: the top level must be a mapping, got a scalar"},
    {"probe:\n  tries: 2\nprobe:\n  tries: 3\n",
     "t.yaml:3:1: duplicate key \"probe\" (first at line 1)"},
    {"probe:\n  tries: 2\n  tries: 3\n",
     "t.yaml:3:3: duplicate key \"tries\" in probe (first at line 2)"},
    {"domains: contoso.com\n", "t.yaml:1:10: domains: expected a list, got a scalar"},
    {"domains:\n  - [a.example]\n",
     "t.yaml:2:5: domains: an entry is a domain or a mapping, got a list"},
    {"domains:\n  - a.*.example\n",
     "t.yaml:2:5: bad domain \"a.*.example\" (a wildcard is only allowed as a leading \"*.\")"},
    {"domains:\n  - \"*example.com\"\n",
     "t.yaml:2:5: bad domain \"*example.com\" (a wildcard is only allowed as a leading \"*.\")"},
    {"domains:\n  - \"*.\"\n", "t.yaml:2:5: bad domain \"*.\" (empty name)"},
    {"domains:\n  - exa mple.com\n",
     "t.yaml:2:5: bad domain \"exa mple.com\" (invalid character (letters, digits, '-' and '.' "
     "only))"},
    {"domains:\n  - -bad.example\n",
     "t.yaml:2:5: bad domain \"-bad.example\" (label starts or ends with '-')"},
    {"domains:\n  - a..example\n", "t.yaml:2:5: bad domain \"a..example\" (empty label)"},
    {"domains:\n  - 192.0.2.1\n", "t.yaml:2:5: bad domain \"192.0.2.1\" (numeric top-level label)"},
    {"domains:\n  - "
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example\n",
     "t.yaml:2:5: bad domain "
     "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example\" (label longer "
     "than 63)"},
    {"domains:\n  - xn--zz.example\n",
     "t.yaml:2:5: bad domain \"xn--zz.example\" (invalid IDN: bad punycode in an xn-- label)"},
    {"domains:\n  - \"\\u00ad\\u0301x.example\"\n",
     "t.yaml:2:5: bad domain \"\xc2\xad\xcc\x81x.example\" (invalid IDN: label starts with a "
     "combining mark)"},
    {"domains:\n  - contoso.com\n  - other.example\n  - CONTOSO.com.\n",
     "t.yaml:4:5: duplicate domain \"contoso.com\" (first at line 2)"},
    {"domains:\n  - \"*.x.example\"\n  - domain: \"*.X.example\"\n    route: none\n",
     "t.yaml:3:13: duplicate domain \"*.x.example\" (first at line 2)"},
    {"domains:\n  - route: none\n", "t.yaml:2:5: domains entry without a \"domain\" key"},
    {"domains:\n  - domain: a.example\n    via: relay\n",
     "t.yaml:3:5: unknown key \"via\" in domains entry"},
    {"domains:\n  - domain: a.example\n    route: detour\n",
     "t.yaml:3:12: domains.route: bad route \"detour\" (use smarthost, pin-mx, transport or "
     "none)"},
    {"domains:\n  - domain: a.example\n    route: smarthost\n",
     "t.yaml:3:12: domains.route: smarthost for \"a.example\" but no smarthost (set smarthost in "
     "the entry or routing.smarthost)"},
    {"domains:\n  - domain: a.example\n    smarthost: \"[a b]\"\n",
     "t.yaml:3:16: domains.smarthost: bad smarthost \"[a b]\" (use \"[host]:port\", "
     "\"[192.0.2.1]\", \"relay.example\" or \"relay.example:2525\")"},
    {"domains:\n  - domain: a.example\n    transport: \"smtp ipv4\"\n",
     "t.yaml:3:16: domains.transport: bad transport \"smtp ipv4\" (a master.cf service name: "
     "letters, digits, '-', '_')"},
    {"domains:\n  - domain: a.example\n    note: \"two\\nlines\"\n",
     "t.yaml:3:11: domains.note: bad note \"two\\x0alines\" (one line, no control characters)"},
    {"domains:\n  - domain: a.example\n    domain: b.example\n",
     "t.yaml:3:5: duplicate key \"domain\" in domains entry (first at line 2)"},
    {"user: \"a\\0b\"\n", "t.yaml:1:7: user: NUL character in value"},
    {"probe:\n  tries: [1\n",
     "t.yaml:3:1: YAML syntax error: did not find expected ',' or ']' (while parsing a flow "
     "sequence at line 2)"},
    {"probe:\n\ttries: 1\n",
     "t.yaml:2:1: YAML syntax error: found character that cannot start any token (while scanning "
     "for the next token at line 2)"},
    {"log:\n  level: \"info\n",
     "t.yaml:3:1: YAML syntax error: found unexpected end of stream (while scanning a quoted "
     "scalar at line 2)"},
    {"log: &a\n  level: info\nprobe: *a\n", "t.yaml:3:8: YAML aliases (*name) are not supported"},
    {"log:\n  level: *a\n", "t.yaml:2:10: YAML aliases (*name) are not supported"},
    {"domains:\n  - *.example\n",
     "t.yaml:2:6: YAML syntax error: did not find expected alphabetic or numeric character "
     "(while scanning an alias at line 2; quote a wildcard: \"*.example\")"},
    {"domains:\n  - \"\xff.example\"\n",
     "t.yaml:2:6: YAML syntax error: invalid leading UTF-8 octet"},
    {"log: {}\n---\nlog: {}\n", "t.yaml:2:1: more than one YAML document (only one is read)"},
    {"? [a, b]\n: 1\n", "t.yaml:1:3: a key must be a plain name, got a list"},
};

static void run_invalid(void **state)
{
    const struct invalid_case *t = *state;
    struct conf_errs errs = {NULL, 0};
    struct conf *c = conf_load_buf("t.yaml", t->yaml, strlen(t->yaml), &errs);

    if (c != NULL)
        fail_msg("input:\n%s\n  got a config, want error %s", t->yaml, t->want);
    if (errs.n != 1 || strcmp(errs.msg[0], t->want) != 0) {
        print_errs(&errs);
        fail_msg("input:\n%s\n  want exactly: %s", t->yaml, t->want);
    }
    conf_errs_free(&errs);
}

/* ---------------------------------------------------------------------- */
/* Other behaviour                                                         */

static void test_all_errors_reported(void **state)
{
    static const char yaml[] = "listen:\n"                /* 1 */
                               "  listn: x\n"             /* 2 */
                               "probe:\n"                 /* 3 */
                               "  timeout: 2x\n"          /* 4 */
                               "  tries: 99\n"            /* 5 */
                               "routing:\n"               /* 6 */
                               "  on_broken: smarthost\n" /* 7 */
                               "domains:\n"               /* 8 */
                               "  - contoso.com\n"        /* 9 */
                               "  - contoso.com\n"        /* 10 */
                               "  - bad..example\n"       /* 11 */
                               "log:\n"                   /* 12 */
                               "  facility: kern\n"       /* 13 */
                               "extra: 1\n";              /* 14 */
    static const char *const want[] = {
        "m.yaml:2:3: unknown key \"listn\" in listen",
        "m.yaml:4:12: probe.timeout: bad duration \"2x\" (use 500ms, 2s, 10m, 1h, 1d)",
        "m.yaml:5:10: probe.tries: bad number \"99\" (use 1..10)",
        "m.yaml:7:14: routing.on_broken: smarthost needs routing.smarthost",
        "m.yaml:10:5: duplicate domain \"contoso.com\" (first at line 9)",
        "m.yaml:11:5: bad domain \"bad..example\" (empty label)",
        ("m.yaml:13:13: log.facility: bad log facility \"kern\" (use mail, daemon, user or "
         "local0..local7)"),
        "m.yaml:14:1: unknown key \"extra\"",
    };
    struct conf_errs errs = {NULL, 0};
    struct conf *c = conf_load_buf("m.yaml", yaml, strlen(yaml), &errs);
    size_t i;

    (void)state;
    assert_null(c);
    if (errs.n != sizeof(want) / sizeof(want[0]))
        print_errs(&errs);
    assert_int_equal(errs.n, sizeof(want) / sizeof(want[0]));
    for (i = 0; i < errs.n; i++)
        assert_string_equal(errs.msg[i], want[i]);
    conf_errs_free(&errs);
}

static void test_errors_appended(void **state)
{
    struct conf_errs errs = {NULL, 0};
    (void)state;
    conf_errs_add(&errs, "x", 0, 0, "first %d", 1);
    assert_null(conf_load_buf("a.yaml", "a: 1\n", 5, &errs));
    assert_null(conf_load_buf("b.yaml", "b: 1\n", 5, NULL)); /* errs may be NULL */
    assert_int_equal(errs.n, 2);
    assert_string_equal(errs.msg[0], "x: first 1");
    assert_string_equal(errs.msg[1], "a.yaml:1:1: unknown key \"a\"");
    conf_errs_free(&errs);
    assert_int_equal(errs.n, 0);
    conf_errs_free(&errs);
}

static const char *srcdir(void)
{
    const char *s = getenv("top_srcdir");
    return s && *s ? s : ".";
}

static void test_example_file(void **state)
{
    char path[2048], sum[2560], want[2560];
    struct conf_errs errs = {NULL, 0};
    struct conf *c;

    (void)state;
    snprintf(path, sizeof(path), "%s/contrib/mxdetour.yaml", srcdir());
    c = conf_load(path, &errs);
    print_errs(&errs);
    assert_non_null(c);
    assert_int_equal(errs.n, 0);
    conf_summary(c, sum, sizeof(sum));
    /* No live domain: an admin who installs it as it is reroutes nothing. */
    snprintf(want, sizeof(want),
             "%s: ok, 0 domains (0 wildcards), local resolver system, 0 external, mode rewrite, "
             "on_broken pin-mx",
             path);
    assert_string_equal(sum, want);

    /* The example must show the defaults, so that it documents them; the
     * one it changes is publish, which the Postfix snippet reads. */
    {
        struct conf *def = conf_defaults();
        char a[4096], b[4096];
        assert_string_equal(c->publish, "lmdb:/var/lib/mxdetour/transport");
        free(def->publish);
        def->publish = strdup(c->publish);
        dump(c, a, sizeof(a));
        dump(def, b, sizeof(b));
        assert_string_equal(a, b);
        conf_unref(def);
    }
    /* Chroot-safe: the MTA sockets inside Postfix's queue directory, the
     * control socket for root only. */
    assert_string_equal(c->listen_milter, "unix:/var/spool/postfix/mxdetour/milter.sock");
    assert_string_equal(c->listen_control, "unix:/run/mxdetour/control.sock");
    assert_int_equal(c->control_mode, 0600);
    conf_unref(c);
}

static void test_load_file(void **state)
{
    char dir[] = "/tmp/test_conf.XXXXXX", path[64], sum[512], want[512];
    struct conf_errs errs = {NULL, 0};
    struct conf *c;
    FILE *f;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/mxdetour.yaml", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("resolvers:\n  local: [\"127.0.0.1:5300\"]\n  external: [192.0.2.1, \"::1\"]\n"
          "routing:\n  mode: tag\n  on_broken: none\ndomains: [a.example]\n",
          f);
    fclose(f);
    c = conf_load(path, &errs);
    assert_non_null(c);
    conf_summary(c, sum, sizeof(sum));
    snprintf(want, sizeof(want),
             "%s: ok, 1 domain (0 wildcards), local resolver 127.0.0.1:5300, 2 external, mode "
             "tag, on_broken none",
             path);
    assert_string_equal(sum, want);
    conf_unref(c);

    f = fopen(path, "w");
    assert_non_null(f);
    fputs("probe:\n  wait: soon\n", f);
    fclose(f);
    assert_null(conf_load(path, &errs));
    assert_int_equal(errs.n, 1);
    snprintf(want, sizeof(want),
             "%s:2:9: probe.wait: bad duration \"soon\" (use 500ms, 2s, 10m, 1h, 1d)", path);
    assert_string_equal(errs.msg[0], want);
    conf_errs_free(&errs);

    unlink(path);
    assert_null(conf_load(path, &errs));
    assert_int_equal(errs.n, 1);
    snprintf(want, sizeof(want), "%s: cannot open: No such file or directory", path);
    assert_string_equal(errs.msg[0], want);
    conf_errs_free(&errs);
    rmdir(dir);
}

static void test_refcount(void **state)
{
    struct conf *c = conf_load_buf("r.yaml", "domains: [a.example]\n", 21, NULL);
    (void)state;
    assert_non_null(c);
    assert_ptr_equal(conf_ref(c), c);
    assert_int_equal(c->refcnt, 2);
    conf_unref(c);
    assert_int_equal(c->refcnt, 1);
    assert_non_null(conf_match(c, "A.example"));
    conf_unref(c); /* frees; ASan/valgrind would catch a leak or double free */
    conf_unref(NULL);
    assert_null(conf_ref(NULL));
}

static void test_defaults(void **state)
{
    struct conf *c = conf_defaults();
    char sum[256];
    (void)state;
    assert_int_equal(c->refcnt, 1);
    assert_int_equal(c->ndomains, 0);
    assert_null(conf_match(c, "example.com"));
    conf_summary(c, sum, sizeof(sum));
    assert_string_equal(sum, "(defaults): ok, 0 domains (0 wildcards), local resolver system, 0 "
                             "external, mode rewrite, on_broken pin-mx");
    conf_summary(c, sum, 10); /* truncates, terminates */
    assert_string_equal(sum, "(defaults");
    conf_unref(c);
}

static void test_index_domains(void **state)
{
    struct conf *c = conf_defaults();
    struct conf_errs errs = {NULL, 0};
    (void)state;
    c->domains = calloc(2, sizeof(*c->domains));
    c->ndomains = 2;
    c->domains[0].name = strdup("x.example");
    c->domains[0].line = 3;
    c->domains[0].column = 1;
    c->domains[1].name = strdup("x.example");
    c->domains[1].line = 4;
    c->domains[1].column = 7;
    assert_int_equal(conf_index_domains(c, &errs), -1);
    assert_int_equal(errs.n, 1);
    assert_string_equal(errs.msg[0],
                        "(defaults):4:7: duplicate domain \"x.example\" (first at line 3)");
    conf_errs_free(&errs);
    c->domains[1].wildcard = 1;
    assert_int_equal(conf_index_domains(c, &errs), 0);
    assert_int_equal(domlist_count(c->list), 2);
    assert_ptr_equal(conf_match(c, "a.x.example"), &c->domains[1]);
    assert_ptr_equal(conf_match(c, "x.example"), &c->domains[0]);
    conf_unref(c);
}

/* ---------------------------------------------------------------------- */
/* Value checkers                                                          */

static void test_checkers(void **state)
{
    unsigned ms = 7, n = 0, per = 0;
    mode_t m = 0;
    enum conf_route r = CONF_ROUTE_NONE;
    struct conf_server sv;
    int lv = 0, fac = 0;
    (void)state;

    static const struct {
        const char *in;
        unsigned want; /* UINT_MAX-1: error */
    } dur[] = {{"500ms", 500},
               {"2s", 2000},
               {"10m", 600000},
               {"1h", 3600000},
               {"1d", 86400000},
               {"0", 0},
               {"0ms", 0},
               {"49d", 4233600000u},
               {"50d", 1},
               {"2", 1},
               {"s", 1},
               {"2S", 1},
               {"+2s", 1},
               {" 2s", 1},
               {"2s ", 1},
               {"", 1},
               {"4294967295ms", 4294967295u},
               {"4294967296ms", 1}};
    size_t i;
    for (i = 0; i < sizeof(dur) / sizeof(dur[0]); i++) {
        const char *e = conf_parse_duration(dur[i].in, &ms);
        if (dur[i].want == 1) {
            if (e == NULL)
                fail_msg("duration \"%s\": got ok %u, want an error", dur[i].in, ms);
        } else if (e != NULL || ms != dur[i].want) {
            fail_msg("duration \"%s\": got %s %u, want %u", dur[i].in, e ? e : "ok", ms,
                     dur[i].want);
        }
    }
    assert_non_null(conf_parse_duration(NULL, &ms));

    assert_null(conf_parse_rate("600/min", &n, &per));
    assert_int_equal(n, 600);
    assert_int_equal(per, 60000);
    assert_non_null(conf_parse_rate("600/m", &n, &per));
    assert_non_null(conf_parse_rate("/s", &n, &per));
    assert_non_null(conf_parse_rate("1 /s", &n, &per));

    assert_null(conf_parse_listen(""));
    assert_null(conf_parse_listen("unix:/run/mxdetour/milter.sock"));
    assert_null(conf_parse_listen("local:/run/x"));
    assert_null(conf_parse_listen("inet:10025@127.0.0.1"));
    assert_null(conf_parse_listen("inet6:10025@::1"));
    assert_non_null(conf_parse_listen("inet6:10025@127.0.0.1"));
    assert_non_null(conf_parse_listen("inet:10025"));
    assert_non_null(conf_parse_listen("inet:0@127.0.0.1"));
    assert_non_null(conf_parse_listen("inet:@127.0.0.1"));
    assert_non_null(conf_parse_listen("unix:"));
    {
        char longp[200] = "unix:/";
        memset(longp + 6, 'a', 120);
        assert_string_equal(conf_parse_listen(longp),
                            "bad listen address (unix path longer than 107 bytes)");
    }

    assert_null(conf_parse_server("192.0.2.1", &sv));
    assert_string_equal(sv.addr, "192.0.2.1");
    assert_int_equal(sv.family, AF_INET);
    assert_int_equal(sv.port, 53);
    assert_null(conf_parse_server("[::1]:5300", &sv));
    assert_string_equal(sv.addr, "::1");
    assert_int_equal(sv.family, AF_INET6);
    assert_int_equal(sv.port, 5300);
    assert_null(conf_parse_server("2001:db8::1", &sv));
    assert_int_equal(sv.port, 53);
    assert_null(conf_parse_server("127.0.0.1:65535", NULL));
    assert_non_null(conf_parse_server("127.0.0.1:65536", &sv));
    assert_non_null(conf_parse_server("[127.0.0.1]:53", &sv));
    assert_non_null(conf_parse_server("[::1]53", &sv));
    assert_non_null(conf_parse_server("[::1", &sv));
    assert_non_null(conf_parse_server("localhost", &sv));
    assert_non_null(conf_parse_server("", &sv));
    assert_non_null(conf_parse_server("fe80::1%eth0", &sv));

    assert_null(conf_parse_mode_bits("0660", &m));
    assert_int_equal(m, 0660);
    assert_null(conf_parse_mode_bits("600", &m));
    assert_int_equal(m, 0600);
    assert_non_null(conf_parse_mode_bits("1660", &m));
    assert_non_null(conf_parse_mode_bits("06600", &m));
    assert_non_null(conf_parse_mode_bits("66", &m));

    assert_null(conf_parse_route("pin-mx", &r));
    assert_int_equal(r, CONF_ROUTE_PIN_MX);
    assert_null(conf_parse_route("none", &r));
    assert_int_equal(r, CONF_ROUTE_NONE);
    assert_non_null(conf_parse_route("PIN-MX", &r));
    assert_string_equal(conf_route_name(CONF_ROUTE_SMARTHOST), "smarthost");
    assert_string_equal(conf_route_name(CONF_ROUTE_TRANSPORT), "transport");

    assert_null(conf_parse_nexthop("[relay.example]:25"));
    assert_null(conf_parse_nexthop("[192.0.2.1]"));
    assert_null(conf_parse_nexthop("[2001:db8::1]:25"));
    assert_null(conf_parse_nexthop("relay.example"));
    assert_null(conf_parse_nexthop("relay.example:2525"));
    assert_non_null(conf_parse_nexthop(""));
    assert_non_null(conf_parse_nexthop("relay.example:"));
    assert_non_null(conf_parse_nexthop("relay.example:smtp"));
    assert_non_null(conf_parse_nexthop("[relay.example"));
    assert_non_null(conf_parse_nexthop("[relay.example]x"));
    assert_non_null(conf_parse_nexthop("relay example"));
    assert_non_null(conf_parse_nexthop("smtp:[relay.example]"));
    assert_non_null(conf_parse_nexthop("relay.example,x"));
    assert_non_null(conf_parse_nexthop("[999.0.2.1]"));

    assert_null(conf_parse_transport("smtp-ipv4"));
    assert_null(conf_parse_transport("relay_4"));
    assert_non_null(conf_parse_transport(""));
    assert_non_null(conf_parse_transport("smtp:"));
    assert_non_null(conf_parse_transport("a/b"));

    assert_null(conf_parse_level("notice", &lv));
    assert_int_equal(lv, LOG_NOTICE);
    assert_null(conf_parse_level("warning", &lv));
    assert_int_equal(lv, LOG_WARNING);
    assert_non_null(conf_parse_level("Info", &lv));
    assert_null(conf_parse_facility("local7", &fac));
    assert_int_equal(fac, LOG_LOCAL7);
    assert_null(conf_parse_facility("user", &fac));
    assert_int_equal(fac, LOG_USER);
    assert_non_null(conf_parse_facility("local8", &fac));
    assert_non_null(conf_parse_facility("local", &fac));
    assert_non_null(conf_parse_facility("local00", &fac));
}

/* conf_match() normalises the query: case, trailing dot, UTF-8. */
static void test_match(void **state)
{
    static const char yaml[] = "domains:\n"
                               "  - bücher.example\n"
                               "  - \"*.tailspin.example\"\n"
                               "  - \"*.eu.tailspin.example\"\n"
                               "  - mx.eu.tailspin.example\n"
                               "  - Contoso.COM.\n";
    static const struct {
        const char *query;
        const char *want; /* entry as written back: "*.name" or "name"; "" = none */
    } cases[] = {
        {"bücher.example", "xn--bcher-kva.example"},
        {"BÜCHER.EXAMPLE.", "xn--bcher-kva.example"},
        {"xn--bcher-kva.example", "xn--bcher-kva.example"},
        {"XN--BCHER-KVA.Example", "xn--bcher-kva.example"},
        {"mx.bücher.example", ""},
        {"tailspin.example", ""}, /* apex not matched */
        {"a.tailspin.example", "*.tailspin.example"},
        {"a.b.tailspin.example.", "*.tailspin.example"},
        {"eu.tailspin.example", "*.tailspin.example"},        /* *.eu does not cover eu */
        {"x.eu.tailspin.example", "*.eu.tailspin.example"},   /* most specific */
        {"mx.eu.tailspin.example", "mx.eu.tailspin.example"}, /* exact beats wildcard */
        {"MX.EU.tailspin.example.", "mx.eu.tailspin.example"},
        {"a.mx.eu.tailspin.example", "*.eu.tailspin.example"},
        {"contoso.com", "contoso.com"},
        {"CONTOSO.COM.", "contoso.com"},
        {"www.contoso.com", ""},
        {"contoso.com.au", ""},
        {"", ""},
        {"bad..name", ""},
        {"xn--zz.example", ""},
    };
    struct conf *c = conf_load_buf("m.yaml", yaml, strlen(yaml), NULL);
    size_t i;
    int bad = 0;

    (void)state;
    assert_non_null(c);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct conf_domain *d = conf_match(c, cases[i].query);
        char got[300] = "";
        if (d != NULL)
            snprintf(got, sizeof(got), "%s%s", d->wildcard ? "*." : "", d->name);
        if (strcmp(got, cases[i].want) != 0) {
            print_error("conf_match \"%s\": got \"%s\", want \"%s\"\n", cases[i].query, got,
                        cases[i].want);
            bad++;
        }
    }
    assert_null(conf_match(NULL, "contoso.com"));
    assert_null(conf_match(c, NULL));
    conf_unref(c);
    assert_int_equal(bad, 0);
}

/* A list of 20,000 domains loads, and the index finds every one of them. */
static void test_big_list(void **state)
{
    size_t n = 20000, i, len = 0, cap = 64 + n * 32;
    char *yaml = malloc(cap), name[64];
    struct conf_errs errs = {NULL, 0};
    struct conf *c;
    (void)state;
    len += (size_t)snprintf(yaml, cap, "domains:\n");
    for (i = 0; i < n; i++)
        len += (size_t)snprintf(yaml + len, cap - len, "  - \"%s%zu.example\"\n",
                                i % 2 ? "*.w" : "d", i);
    c = conf_load_buf("big.yaml", yaml, len, &errs);
    print_errs(&errs);
    assert_non_null(c);
    assert_int_equal(c->ndomains, n);
    for (i = 0; i < n; i++) {
        const struct conf_domain *d;
        snprintf(name, sizeof(name), i % 2 ? "mx.w%zu.example" : "d%zu.example", i);
        d = conf_match(c, name);
        if (d == NULL || d != &c->domains[i])
            fail_msg("%s: got %s, want entry %zu", name, d ? d->name : "no match", i);
    }
    conf_unref(c);
    free(yaml);
}

int main(void)
{
    static const struct CMUnitTest fixed[] = {
        cmocka_unit_test(test_all_errors_reported),
        cmocka_unit_test(test_errors_appended),
        cmocka_unit_test(test_example_file),
        cmocka_unit_test(test_load_file),
        cmocka_unit_test(test_refcount),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_index_domains),
        cmocka_unit_test(test_checkers),
        cmocka_unit_test(test_match),
        cmocka_unit_test(test_big_list),
    };
    size_t nv = sizeof(valid) / sizeof(valid[0]), ni = sizeof(invalid) / sizeof(invalid[0]);
    size_t nf = sizeof(fixed) / sizeof(fixed[0]), i, k = 0;
    struct CMUnitTest *tests = calloc(nv + ni + nf, sizeof(*tests));
    char(*names)[96] = calloc(ni, sizeof(*names));
    int rc;

    for (i = 0; i < nv; i++) {
        tests[k].name = valid[i].name;
        tests[k].test_func = run_valid;
        tests[k++].initial_state = (void *)&valid[i];
    }
    for (i = 0; i < ni; i++) {
        /* Name an invalid row by its message, without the "t.yaml:L:C: ". */
        const char *m = strchr(invalid[i].want, ' ');
        snprintf(names[i], sizeof(names[i]), "invalid %zu: %.80s", i + 1, m ? m + 1 : "");
        tests[k].name = names[i];
        tests[k].test_func = run_invalid;
        tests[k++].initial_state = (void *)&invalid[i];
    }
    for (i = 0; i < nf; i++)
        tests[k++] = fixed[i];
    rc = _cmocka_run_group_tests("conf", tests, k, NULL, NULL);
    free(tests);
    free(names);
    return rc;
}
