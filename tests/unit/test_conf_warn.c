/*
 * test_conf_warn - check-config's warnings: each condition gives its line,
 * and a config that does what the admin expects gives none.  master.cf and
 * main.cf come from a temp dir named by routing.postfix_config, so the
 * host's Postfix (or its absence) does not matter.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "conf_warn.h"

static char dir[] = "/tmp/test_conf_warn.XXXXXX";
static char seen[4096];

static void collect(const char *text, void *arg)
{
    (void)arg;
    strncat(seen, text, sizeof(seen) - strlen(seen) - 2);
    strcat(seen, "\n");
}

static void put(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Loads yaml with postfix_config pointing at the temp dir; returns the count. */
static size_t warnings(const char *yaml)
{
    char doc[2048];
    struct conf_errs errs = {NULL, 0};
    snprintf(doc, sizeof(doc), "user: root\nlisten:\n  socket_group: root\n%s", yaml);
    if (!strstr(yaml, "routing:"))
        snprintf(doc + strlen(doc), sizeof(doc) - strlen(doc),
                 "routing:\n  smarthost: \"[192.0.2.1]\"\n  postfix_config: %s\n", dir);
    struct conf *c = conf_load_buf("t.yaml", doc, strlen(doc), &errs);
    for (size_t i = 0; i < errs.n; i++)
        fprintf(stderr, "%s\n", errs.msg[i]);
    assert_non_null(c);
    conf_errs_free(&errs);
    seen[0] = '\0';
    size_t n = conf_warnings(c, collect, NULL);
    conf_unref(c);
    return n;
}

static const char debian_master[] =
    "# service type  private unpriv  chroot  wakeup  maxproc command + args\n"
    "smtp      inet  n       -       y       -       -       smtpd\n"
    "cleanup   unix  n       -       y       -       0       cleanup\n";

static void test_clean(void **state)
{
    (void)state;
    put("master.cf", debian_master);
    put("main.cf", "compatibility_level = 3.6\n");
    assert_int_equal(warnings(""), 0);
    assert_string_equal(seen, "");
}

static void test_no_smarthost(void **state)
{
    char yaml[512];
    (void)state;
    snprintf(yaml, sizeof(yaml), "routing:\n  postfix_config: %s\n", dir);
    assert_int_equal(warnings(yaml), 1);
    assert_non_null(strstr(seen, "routing.smarthost is not set"));
    assert_non_null(strstr(seen, "mx-error"));
    /* transport routes by the domain's own MX: no smart host needed. */
    snprintf(yaml, sizeof(yaml), "routing:\n  on_broken: transport\n  postfix_config: %s\n", dir);
    assert_int_equal(warnings(yaml), 0);
    snprintf(yaml, sizeof(yaml), "routing:\n  on_broken: none\n  postfix_config: %s\n", dir);
    assert_int_equal(warnings(yaml), 1);
    assert_non_null(strstr(seen, "never rerouted"));
}

static void test_accounts(void **state)
{
    char doc[512];
    struct conf_errs errs = {NULL, 0};
    (void)state;
    snprintf(doc, sizeof(doc),
             "user: no-such-user-mxd\nlisten:\n  socket_group: no-such-group-mxd\n"
             "routing:\n  smarthost: \"[192.0.2.1]\"\n  postfix_config: %s\n",
             dir);
    struct conf *c = conf_load_buf("t.yaml", doc, strlen(doc), &errs);
    assert_non_null(c);
    seen[0] = '\0';
    assert_int_equal(conf_warnings(c, collect, NULL), 2);
    assert_non_null(strstr(seen, "user \"no-such-user-mxd\" does not exist"));
    assert_non_null(strstr(seen, "listen.socket_group \"no-such-group-mxd\" does not exist"));
    conf_unref(c);
}

static void test_chroot(void **state)
{
    (void)state;
    put("master.cf", debian_master);
    put("main.cf", "queue_directory = /var/spool/postfix\n");
    assert_int_equal(warnings("  milter: unix:/run/mxdetour/milter.sock\n"
                              "  policy: unix:/var/spool/postfix/mxdetour/policy.sock\n"),
                     1);
    assert_non_null(strstr(seen, "/run/mxdetour/milter.sock is outside Postfix's queue "
                                 "directory /var/spool/postfix, but master.cf chroots smtp "
                                 "(smtpd)"));
    /* Another queue directory: the default sockets are outside it. */
    put("main.cf", "queue_directory = /srv/spool\n");
    assert_int_equal(warnings(""), 2);
    /* No chroot (5th column n): nothing to say. */
    put("master.cf", "smtp      inet  n       -       n       -       -       smtpd\n");
    assert_int_equal(warnings("  milter: unix:/run/mxdetour/milter.sock\n"), 0);
    /* An inet milter is reachable from anywhere. */
    put("master.cf", debian_master);
    put("main.cf", "");
    assert_int_equal(warnings("  milter: inet:8891@127.0.0.1\n  policy: \"\"\n"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean),
        cmocka_unit_test(test_no_smarthost),
        cmocka_unit_test(test_accounts),
        cmocka_unit_test(test_chroot),
    };
    if (!mkdtemp(dir))
        return 1;
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return rc;
}
