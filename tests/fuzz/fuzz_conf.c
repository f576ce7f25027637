/*
 * fuzz_conf - libFuzzer target for the config loader (conf_load_buf).
 *
 * Any byte string must give either a snapshot and no error, or NULL and at
 * least one "NAME:..." error; never a crash, a leak or undefined behaviour.
 * A snapshot is also exercised the way the daemon uses it (summary, match),
 * so the index built from hostile input is walked too.  Built with
 * -fsanitize=fuzzer by fuzz_conf.sh, and linked with replay.c for make check.
 */
#include "conf.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct conf_errs errs = {NULL, 0};
    struct conf *c = conf_load_buf("fuzz.yaml", (const char *)data, size, &errs);
    size_t i;

    if ((c == NULL) == (errs.n == 0))
        abort(); /* the contract: NULL exactly when something was reported */
    for (i = 0; i < errs.n; i++)
        if (strncmp(errs.msg[i], "fuzz.yaml:", 10) != 0)
            abort();
    if (c != NULL) {
        char sum[512];
        conf_summary(c, sum, sizeof(sum));
        for (i = 0; i < c->ndomains; i++) {
            char name[300];
            const struct conf_domain *d = &c->domains[i];
            strcpy(name, d->wildcard ? "x." : "");
            strcat(name, d->name);
            if (strlen(name) <= 253 && conf_match(c, name) == NULL)
                abort(); /* every entry must find itself (or a better one) */
        }
        conf_match(c, "mx.example.com");
        conf_unref(conf_ref(c));
        conf_unref(c);
    }
    conf_errs_free(&errs);
    return 0;
}
