/*
 * mxdetour - the command line: probe and check-config run on their own;
 * status, lookup, flush, export and explain ask the running daemon over the
 * control socket.  Verbs are dispatched from one table, which also holds
 * each verb's usage (`mxdetour VERB -h`).  Exit codes: 0 ok, 1 a check found
 * problems, 2 usage, 69 (EX_UNAVAILABLE) daemon not reachable, 78
 * (EX_CONFIG) bad config.
 */
#include "config.h"
#include "conf.h"
#include "conf_warn.h"
#include "control_client.h"
#include "dname.h"
#include "dnsmsg.h"
#include "explain.h"
#include "export_fmt.h"
#include "json.h"
#include "loop.h"
#include "namelist.h"
#include "probe.h"
#include "probe_auth.h"
#include "route.h"
#include "util.h"
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#define EXIT_FOUND 1
#define EXIT_USAGE 2

static const char *conf_path;
static const char *socket_spec; /* -s: control socket, config not read */

struct verb {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *usage; /* after "mxdetour [-c FILE] " */
};

static const struct verb *find_verb(const char *name);
static void usage_to(FILE *f, const char *only);

static void usage(void)
{
    usage_to(stderr, NULL);
}

/* For a verb's own errors: its usage only. */
static int verb_usage(const char *verb)
{
    usage_to(stderr, verb);
    return EXIT_USAGE;
}

/* Loads the config; without -c a missing default file means built-in defaults. */
static struct conf *load(int quiet_missing)
{
    struct conf_errs errs = {0};
    const char *path = conf_path ? conf_path : CONF_DEFAULT_PATH;
    struct conf *c;

    if (!conf_path && quiet_missing && access(path, F_OK) != 0)
        return conf_defaults();
    c = conf_load(path, &errs);
    for (size_t i = 0; i < errs.n; i++)
        fprintf(stderr, "%s\n", errs.msg[i]);
    conf_errs_free(&errs);
    return c;
}

/* ---- probe ---- */

struct job {
    char domain[DNAME_MAX + 1];
    const char *input;
    const char *error; /* bad name */
    int done;
    struct verdict_info vi;
    struct probe_result r;
    char route[1024];
};

struct run {
    struct job *jobs;
    size_t n;
};

static void on_done(void *arg, const char *domain, const struct verdict_info *vi,
                    const struct probe_result *local)
{
    struct job *j = arg;
    (void)domain;
    j->vi = *vi;
    j->r = *local;
    j->done = 1;
}

/* probe.authoritative: one object per name server asked; [] when none was. */
static size_t json_authoritative(char *out, size_t size, size_t p, const struct probe_auth *a)
{
    p = json_raw(out, size, p, "[");
    for (unsigned i = 0; i < a->nserver; i++) {
        const struct probe_auth_server *sv = &a->server[i];
        char why[160];
        p = json_raw(out, size, p, "%s{\"name\":", i ? "," : "");
        p = json_str(out, size, p, sv->name);
        p = json_raw(out, size, p, ",\"address\":");
        p = json_str(out, size, p, sv->addr);
        p = json_raw(out, size, p, ",\"zone\":");
        p = json_str(out, size, p, a->zone);
        p = json_raw(out, size, p,
                     ",\"qtype\":\"%s\",\"outcome\":\"%s\",\"a\":\"%s\",\"ms\":%u,\"fault\":",
                     a->qtype == DNSMSG_T_MX ? "MX" : "AAAA", pauth_outcome(sv),
                     dns_outcome_name(sv->a.outcome), sv->q.ms > sv->a.ms ? sv->q.ms : sv->a.ms);
        p = json_str(out, size, p, pauth_fault(a, sv, why, sizeof(why)));
        p = json_raw(out, size, p, "}");
    }
    return json_raw(out, size, p, "]");
}

static void print_json(const struct job *j, const struct conf *c)
{
    char out[16384];
    size_t p = 0;
    const struct probe_result *r = &j->r;

    p = json_raw(out, sizeof(out), p, "{\"domain\":");
    p = json_str(out, sizeof(out), p, j->error ? j->input : j->domain);
    if (j->error) {
        p = json_raw(out, sizeof(out), p, ",\"error\":");
        json_str(out, sizeof(out), p, j->error);
        printf("%s}\n", out);
        return;
    }
    p = json_raw(out, sizeof(out), p,
                 ",\"verdict\":\"%s\",\"confirmed\":%s,\"host\":", verdict_name(j->vi.verdict),
                 j->vi.confirmed ? "true" : "false");
    p = json_str(out, sizeof(out), p, j->vi.host);
    p = json_raw(out, sizeof(out), p, ",\"evidence\":");
    p = json_str(out, sizeof(out), p, j->vi.evidence);
    p = json_raw(out, sizeof(out), p, ",\"route\":");
    p = json_str(out, sizeof(out), p, c->mode == CONF_MODE_REWRITE ? j->route : "");
    p = json_raw(out, sizeof(out), p, ",\"ms\":%u,\"mx\":{\"outcome\":\"%s\",\"server\":", r->ms,
                 dns_outcome_name(r->mx.outcome));
    p = json_str(out, sizeof(out), p, r->mx.server);
    p = json_raw(out, sizeof(out), p, ",\"ms\":%u},\"hosts\":[", r->mx.ms);
    for (unsigned i = 0; i < r->nhost; i++) {
        const struct probe_host *h = &r->host[i];
        p = json_raw(out, sizeof(out), p, "%s{\"name\":", i ? "," : "");
        p = json_str(out, sizeof(out), p, h->name);
        p = json_raw(out, sizeof(out), p, ",\"pref\":%u,\"a\":\"%s\",\"aaaa\":\"%s\",\"addrs\":[",
                     h->pref, dns_outcome_name(h->a.outcome), dns_outcome_name(h->aaaa.outcome));
        for (unsigned k = 0; k < h->naddr; k++) {
            p = json_raw(out, sizeof(out), p, k ? "," : "");
            p = json_str(out, sizeof(out), p, h->addr[k]);
        }
        p = json_raw(out, sizeof(out), p, "]}");
    }
    p = json_raw(out, sizeof(out), p, "],\"authoritative\":");
    p = json_authoritative(out, sizeof(out), p, &r->auth);
    json_raw(out, sizeof(out), p, "}");
    printf("%s\n", out);
}

static void print_plain(const struct job *j, const struct conf *c)
{
    if (j->error) {
        printf("%s error=\"%s\"\n", j->input, j->error);
        return;
    }
    printf("%s verdict=%s host=%s route=%s evidence=\"%s\"\n", j->domain,
           verdict_name(j->vi.verdict), j->vi.host[0] ? j->vi.host : "-",
           c->mode == CONF_MODE_REWRITE && j->route[0] ? j->route : "-", j->vi.evidence);
}

static void print_explain(const struct job *j, const struct conf *c)
{
    char route[1600];
    const struct conf_domain *d = conf_match_normalized(c, j->domain);

    if (j->vi.verdict != VERDICT_LISTED) {
        char text[EXPLAIN_MAX];
        explain_probe(&j->r, &j->vi, text, sizeof(text));
        fputs(text, stdout);
    }
    explain_route(c, d, j->vi.verdict, c->mode == CONF_MODE_REWRITE ? j->route : "", route,
                  sizeof(route));
    fputs(route, stdout);
}

static int add_server(struct conf_server **list, size_t *n, const char *s)
{
    struct conf_server one;
    const char *err = conf_parse_server(s, &one);
    if (err) {
        fprintf(stderr, "mxdetour: %s: %s\n", s, err);
        return -1;
    }
    *list = xrealloc(*list, (*n + 1) * sizeof(**list));
    (*list)[(*n)++] = one;
    return 0;
}

static char **read_list(const char *path, size_t *n)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
    char **v;

    *n = 0;
    if (!f)
        return NULL;
    v = namelist_read(f, n);
    if (f != stdin)
        fclose(f);
    return v;
}

static int cmd_probe(int argc, char **argv)
{
    static const struct option opts[] = {
        {"json", no_argument, NULL, 'j'},           {"resolver", required_argument, NULL, 'r'},
        {"external", required_argument, NULL, 'e'}, {"timeout", required_argument, NULL, 't'},
        {"tries", required_argument, NULL, 'n'},    {"file", required_argument, NULL, 'f'},
        {"config", required_argument, NULL, 'c'},   {"explain", no_argument, NULL, 'x'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0},
    };
    struct conf_server *local = NULL, *ext = NULL;
    size_t nlocal = 0, next = 0, nfile = 0;
    const char *timeout = NULL, *tries = NULL, *file = NULL;
    char **names = NULL;
    int json = 0, explain = 0, opt, rc = EXIT_USAGE;
    struct conf *c = NULL;
    struct loop *l = NULL;
    struct probe_engine *e = NULL;
    struct run run = {0};
    char err[256];

    optind = 1;
    while ((opt = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
        switch (opt) {
        case 'h':
            usage_to(stdout, "probe");
            rc = 0;
            goto out;
        case 'x':
            explain = 1;
            break;
        case 'c':
            conf_path = optarg;
            break;
        case 'j':
            json = 1;
            break;
        case 'r':
            if (add_server(&local, &nlocal, optarg) < 0)
                goto out;
            break;
        case 'e':
            if (add_server(&ext, &next, optarg) < 0)
                goto out;
            break;
        case 't':
            timeout = optarg;
            break;
        case 'n':
            tries = optarg;
            break;
        case 'f':
            file = optarg;
            break;
        default:
            verb_usage("probe");
            goto out;
        }
    }
    if (optind >= argc && !file) {
        verb_usage("probe");
        goto out;
    }
    c = load(1);
    if (!c) {
        rc = EX_CONFIG;
        goto out;
    }
    if (timeout) {
        const char *why = conf_parse_duration(timeout, &c->timeout_ms);
        if (why || c->timeout_ms == 0) {
            fprintf(stderr, "mxdetour: --timeout %s: %s\n", timeout, why ? why : "must be > 0");
            goto out;
        }
    }
    if (tries) {
        char *end;
        long v = strtol(tries, &end, 10);
        if (*end || v < 1 || v > 10) {
            fprintf(stderr, "mxdetour: --tries %s: want 1..10\n", tries);
            goto out;
        }
        c->tries = (unsigned)v;
    }
    if (nlocal) {
        c->local_system = 0;
        free(c->local);
        c->local = local; /* the snapshot is ours alone: conf_unref() frees it */
        c->nlocal = nlocal;
        local = NULL;
    }
    if (next) {
        free(c->external);
        c->external = ext;
        c->nexternal = next;
        ext = NULL;
    }
    if (file && !(names = read_list(file, &nfile))) {
        fprintf(stderr, "mxdetour: %s: %s\n", file, strerror(errno));
        goto out;
    }

    run.n = (size_t)(argc - optind) + nfile;
    run.jobs = xcalloc(run.n, sizeof(*run.jobs));
    l = loop_new();
    e = l ? probe_engine_new(l, c, err, sizeof(err)) : NULL;
    if (!e) {
        fprintf(stderr, "mxdetour: %s\n", l ? err : "event loop");
        rc = EX_CONFIG;
        goto out;
    }
    rc = 0;
    for (size_t i = 0; i < run.n; i++) {
        struct job *j = &run.jobs[i];
        j->input = i < nfile ? names[i] : argv[optind + (int)(i - nfile)];
        j->error = dname_normalize(j->input, j->domain, sizeof(j->domain));
        const struct conf_domain *d = j->error ? NULL : conf_match_normalized(c, j->domain);
        if (j->error) {
            j->done = 1;
        } else if (d) {
            j->vi.verdict = VERDICT_LISTED;
            snprintf(j->vi.evidence, sizeof(j->vi.evidence), "listed at %s:%d%s%s", c->path,
                     d->line, d->note ? ": " : "", d->note ? d->note : "");
            j->done = 1;
        } else {
            probe_start(e, j->domain, on_done, j);
        }
    }
    while (probe_running(e))
        loop_once(l, -1);
    for (size_t i = 0; i < run.n; i++) {
        struct job *j = &run.jobs[i];
        if (!j->error)
            route_build(c, conf_match_normalized(c, j->domain), &j->vi, j->route, sizeof(j->route));
        if (json)
            print_json(j, c);
        else
            print_plain(j, c);
        if (explain && !j->error)
            print_explain(j, c);
        if (j->error || verdict_is_broken(j->vi.verdict))
            rc = EXIT_FOUND;
    }
out: /* every exit, also the usage errors: nothing leaks (LeakSanitizer) */
    probe_engine_free(e);
    loop_free(l);
    free(run.jobs);
    for (size_t i = 0; i < nfile; i++)
        free(names[i]);
    free(names);
    free(local);
    free(ext);
    conf_unref(c);
    return rc;
}

/* ---- check-config ---- */

static void print_warning(const char *text, void *arg)
{
    (void)arg;
    printf("warning: %s\n", text);
}

static int cmd_check(int argc, char **argv)
{
    char line[512];
    (void)argv;
    if (argc > 1)
        return verb_usage("check-config");
    struct conf *c = load(0);
    if (!c)
        return EX_CONFIG;
    conf_summary(c, line, sizeof(line));
    printf("%s\n", line);
    conf_warnings(c, print_warning, NULL);
    conf_unref(c);
    return 0;
}

/* ---- verbs served by the daemon ---- */

/* What to do with a good answer instead of printing it. */
struct export_cb {
    int (*fn)(char *answer, void *arg);
    void *arg;
};

static int ask(const char *request, const struct export_cb *cb)
{
    struct conf *c;
    char *answer;

    if (socket_spec) {
        c = conf_defaults();
        free(c->listen_control);
        c->listen_control = xstrdup(socket_spec);
    } else if (!(c = load(1))) {
        fprintf(stderr, "mxdetour: the config does not load; name the control socket with -s "
                        "unix:PATH to reach the daemon anyway\n");
        return EX_CONFIG;
    }
    if (!c->listen_control[0]) {
        fprintf(stderr, "mxdetour: listen.control is off in %s\n", c->path);
        conf_unref(c);
        return EX_UNAVAILABLE;
    }
    answer = control_client_ask(c->listen_control, request, 10000);
    if (!answer) {
        fprintf(stderr, "mxdetour: daemon not reachable at %s: %s\n", c->listen_control,
                strerror(errno));
        conf_unref(c);
        return EX_UNAVAILABLE;
    }
    conf_unref(c);
    if (strncmp(answer, "ERR ", 4) == 0) {
        fprintf(stderr, "mxdetour: %s", answer + 4);
        free(answer);
        return EXIT_FOUND;
    }
    int rc = 0;
    if (cb)
        rc = cb->fn(answer, cb->arg);
    else
        fputs(answer, stdout);
    free(answer);
    return rc;
}

/* Options of the verbs served by the daemon: --json, --all, --format F and
 * at most one operand.  0, or EXIT_USAGE (said why). */
struct args {
    int json, all;
    const char *format, *operand;
};

static int parse_args(const char *verb, int argc, char **argv, struct args *a)
{
    memset(a, 0, sizeof(*a));
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0 && strstr(find_verb(verb)->usage, "--json"))
            a->json = 1;
        else if (strcmp(argv[i], "--all") == 0 && strcmp(verb, "flush") == 0)
            a->all = 1;
        else if (strcmp(argv[i], "--format") == 0 && strcmp(verb, "export") == 0 && i + 1 < argc)
            a->format = argv[++i];
        else if (strncmp(argv[i], "--format=", 9) == 0 && strcmp(verb, "export") == 0)
            a->format = argv[i] + 9;
        else if (argv[i][0] == '-' && argv[i][1])
            return fprintf(stderr, "mxdetour %s: unknown option %s\n", verb, argv[i]),
                   verb_usage(verb);
        else if (a->operand)
            return verb_usage(verb);
        else
            a->operand = argv[i];
    }
    return 0;
}

/* The operand as the daemon will read it: a bad name is a usage error here,
 * before the daemon is asked. */
static int domain_arg(const char *verb, const char *arg, char *dom, size_t size)
{
    const char *e;
    if (!arg)
        return verb_usage(verb);
    if ((e = dname_from_address(arg, 1, dom, size)) != NULL) {
        fprintf(stderr, "mxdetour %s: bad domain %s: %s\n", verb, arg, e);
        return EXIT_USAGE;
    }
    return 0;
}

static int cmd_status(int argc, char **argv)
{
    struct args a;
    if (parse_args("status", argc, argv, &a) || a.operand)
        return verb_usage("status");
    return ask(a.json ? "status json" : "status", NULL);
}

/* "VERB DOMAIN[ json]" to the daemon. */
static int ask_domain(const char *verb, int argc, char **argv)
{
    char req[DNAME_MAX + 20], dom[DNAME_MAX + 1];
    struct args a;
    int rc;

    if (parse_args(verb, argc, argv, &a))
        return EXIT_USAGE;
    if ((rc = domain_arg(verb, a.operand, dom, sizeof(dom))) != 0)
        return rc;
    snprintf(req, sizeof(req), "%s %s%s", verb, dom, a.json ? " json" : "");
    return ask(req, NULL);
}

static int cmd_lookup(int argc, char **argv)
{
    return ask_domain("lookup", argc, argv);
}

static int cmd_explain(int argc, char **argv)
{
    return ask_domain("explain", argc, argv);
}

static int cmd_flush(int argc, char **argv)
{
    char req[DNAME_MAX + 20], dom[DNAME_MAX + 1];
    struct args a;
    int rc;

    if (parse_args("flush", argc, argv, &a))
        return EXIT_USAGE;
    if (a.all == !!a.operand) {
        /* Forgetting every verdict re-probes every domain: never by accident. */
        fprintf(stderr, "mxdetour flush: name a DOMAIN, or --all to forget every verdict\n");
        return verb_usage("flush");
    }
    if (a.all)
        return ask("flush", NULL);
    if ((rc = domain_arg("flush", a.operand, dom, sizeof(dom))) != 0)
        return rc;
    snprintf(req, sizeof(req), "flush %s", dom);
    return ask(req, NULL);
}

static int write_export(char *answer, void *arg)
{
    const enum export_format *f = arg;
    size_t n, bad;
    struct export_row *rows = export_rows_parse(answer, &n);

    bad = export_write(stdout, *f, rows, n);
    free(rows);
    if (bad)
        fprintf(stderr,
                "mxdetour export: %zu route%s cannot be said in this format (see the "
                "comments in the output)\n",
                bad, bad == 1 ? "" : "s");
    return 0;
}

static int cmd_export(int argc, char **argv)
{
    struct args a;
    enum export_format f = EXPORT_POSTFIX;

    if (parse_args("export", argc, argv, &a) || a.operand)
        return verb_usage("export");
    if (a.format && export_format_from_name(a.format, &f) < 0) {
        fprintf(stderr, "mxdetour export: unknown format \"%s\"\n", a.format);
        return verb_usage("export");
    }
    /* Postfix: the daemon's own table, byte for byte as before. */
    if (f == EXPORT_POSTFIX)
        return ask("export", NULL);
    return ask("export rows", &(struct export_cb){write_export, &f});
}

static const struct verb verbs[] = {
    {"probe", cmd_probe,
     "probe [--json] [--explain] [--resolver IP[:PORT]]... [--external IP[:PORT]]...\n"
     "          [--timeout DUR] [--tries N] [--file FILE] DOMAIN...\n"
     "    probe the domains now, without the daemon; exit 1 when one is broken"},
    {"check-config", cmd_check, "check-config\n    check the config file; exit 78 when invalid"},
    {"status", cmd_status, "status [--json]\n    the daemon's state"},
    {"lookup", cmd_lookup, "lookup [--json] DOMAIN\n    the daemon's verdict and route for DOMAIN"},
    {"explain", cmd_explain,
     "explain DOMAIN\n    the queries of DOMAIN's last probe and how verdict and route follow"},
    {"flush", cmd_flush,
     "flush DOMAIN | --all\n    forget the verdict of DOMAIN (or all) and re-probe"},
    {"export", cmd_export,
     "export [--format postfix|sendmail|exim|exchange]\n"
     "    the current reroutes as the MTA's table (default postfix)"},
};

static const struct verb *find_verb(const char *name)
{
    for (size_t v = 0; v < sizeof(verbs) / sizeof(verbs[0]); v++)
        if (strcmp(name, verbs[v].name) == 0)
            return &verbs[v];
    return NULL;
}

/* The whole usage, or one verb's. */
static void usage_to(FILE *f, const char *only)
{
    fprintf(f, "usage:");
    for (size_t v = 0; v < sizeof(verbs) / sizeof(verbs[0]); v++)
        if (!only || strcmp(only, verbs[v].name) == 0)
            fprintf(f, "%s mxdetour [-c FILE%s] %s\n", only || v == 0 ? "" : "      ",
                    v >= 2 ? " | -s unix:PATH" : "", verbs[v].usage);
    if (!only)
        fprintf(f, "       mxdetour --version\n"
                   "exit: 0 ok, 1 problems found, 2 usage, 69 daemon not reachable, 78 bad "
                   "config\n");
}

/* "VERB -h" / "VERB --help" anywhere before "--". */
static int wants_help(int argc, char **argv)
{
    for (int k = 1; k < argc && strcmp(argv[k], "--") != 0; k++)
        if (strcmp(argv[k], "-h") == 0 || strcmp(argv[k], "--help") == 0)
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    int i = 1;

    while (i < argc && argv[i][0] == '-') {
        if (strcmp(argv[i], "-c") == 0 && i + 1 < argc) {
            conf_path = argv[i + 1];
            i += 2;
        } else if (strcmp(argv[i], "-s") == 0 && i + 1 < argc) {
            socket_spec = argv[i + 1];
            i += 2;
        } else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage_to(stdout, NULL);
            return 0;
        } else if (strcmp(argv[i], "--version") == 0) {
            printf("mxdetour %s\n", PACKAGE_VERSION);
            return 0;
        } else {
            usage();
            return EXIT_USAGE;
        }
    }
    if (i >= argc) {
        usage();
        return EXIT_USAGE;
    }
    /* Verbs other than probe take -c after the verb too. */
    if (strcmp(argv[i], "probe") != 0 && i + 2 < argc + 1) {
        for (int k = i + 1; k + 1 < argc; k++) {
            if (strcmp(argv[k], "-c") == 0) {
                conf_path = argv[k + 1];
                memmove(&argv[k], &argv[k + 2], (size_t)(argc - k - 2) * sizeof(*argv));
                argc -= 2;
                break;
            }
        }
    }
    const struct verb *v = find_verb(argv[i]);
    if (v && wants_help(argc - i, argv + i)) {
        usage_to(stdout, v->name);
        return 0;
    }
    if (v)
        return v->run(argc - i, argv + i);
    fprintf(stderr, "mxdetour: unknown command \"%s\"\n", argv[i]);
    usage();
    return EXIT_USAGE;
}
