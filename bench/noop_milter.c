/*
 * noop_milter - the baseline of bench/milter_bench.sh: a libmilter filter
 * that registers the same callbacks and negotiates away the same protocol
 * steps as mxdetourd's milter (policy/milter.c), keeps a per-connection
 * private pointer as it does, and otherwise does nothing.  Throughput
 * through it is what libmilter and the client cost; the difference to
 * mxdetourd is the price of the core lookups, the decision and the
 * headers.  Like mxdetourd it asks for no reply to MAIL and RCPT
 * (SMFIP_NR_MAIL, SMFIP_NR_RCPT) unless told "replies", the behaviour of
 * both before mxdetourd learned it.
 *
 * usage: noop_milter unix:PATH [replies]   (runs until SIGTERM or SIGINT)
 */
#include <libmilter/mfapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int noreply = 1; /* MAIL and RCPT without a reply */

static sfsistat nop_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1, unsigned long f2,
                              unsigned long f3, unsigned long *pf0, unsigned long *pf1,
                              unsigned long *pf2, unsigned long *pf3)
{
    const unsigned long skip = SMFIP_NOCONNECT | SMFIP_NOHELO | SMFIP_NOHDRS | SMFIP_NOEOH |
                               SMFIP_NOBODY | SMFIP_NOUNKNOWN | SMFIP_NODATA;

    (void)ctx;
    (void)f2;
    (void)f3;
    *pf0 = f0 & SMFIF_ADDHDRS;
    *pf1 = f1 & (skip | (noreply ? SMFIP_NR_MAIL | SMFIP_NR_RCPT : 0));
    *pf2 = 0;
    *pf3 = 0;
    return SMFIS_CONTINUE;
}

static sfsistat nop_envrcpt(SMFICTX *ctx, char **argv)
{
    static char priv;

    (void)argv;
    if (smfi_getpriv(ctx) == NULL)
        smfi_setpriv(ctx, &priv);
    return noreply ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

static sfsistat nop_close(SMFICTX *ctx)
{
    smfi_setpriv(ctx, NULL);
    return SMFIS_CONTINUE;
}

static sfsistat nop_ctx(SMFICTX *ctx)
{
    (void)ctx;
    return SMFIS_CONTINUE;
}

static sfsistat nop_connect(SMFICTX *ctx, char *host, _SOCK_ADDR *addr)
{
    (void)ctx;
    (void)host;
    (void)addr;
    return SMFIS_CONTINUE;
}

static sfsistat nop_str(SMFICTX *ctx, char *s)
{
    (void)ctx;
    (void)s;
    return SMFIS_CONTINUE;
}

static sfsistat nop_argv(SMFICTX *ctx, char **argv)
{
    (void)ctx;
    (void)argv;
    return noreply ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

static sfsistat nop_header(SMFICTX *ctx, char *name, char *value)
{
    (void)ctx;
    (void)name;
    (void)value;
    return SMFIS_CONTINUE;
}

static sfsistat nop_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
    (void)ctx;
    (void)chunk;
    (void)len;
    return SMFIS_CONTINUE;
}

static sfsistat nop_unknown(SMFICTX *ctx, const char *cmd)
{
    (void)ctx;
    (void)cmd;
    return SMFIS_CONTINUE;
}

static struct smfiDesc nop_desc = {
    .xxfi_name = "noop_milter",
    .xxfi_version = SMFI_VERSION,
    .xxfi_flags = SMFIF_ADDHDRS,
    .xxfi_connect = nop_connect,
    .xxfi_helo = nop_str,
    .xxfi_envfrom = nop_argv,
    .xxfi_envrcpt = nop_envrcpt,
    .xxfi_header = nop_header,
    .xxfi_eoh = nop_ctx,
    .xxfi_body = nop_body,
    .xxfi_eom = nop_ctx,
    .xxfi_abort = nop_ctx,
    .xxfi_close = nop_close,
    .xxfi_unknown = nop_unknown,
    .xxfi_data = nop_ctx,
    .xxfi_negotiate = nop_negotiate,
};

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3 || (argc == 3 && strcmp(argv[2], "replies") != 0)) {
        fprintf(stderr, "usage: noop_milter unix:PATH [replies]\n");
        return 2;
    }
    noreply = argc == 2;
    if (smfi_register(nop_desc) != MI_SUCCESS || smfi_setconn(argv[1]) != MI_SUCCESS ||
        smfi_opensocket(1) != MI_SUCCESS) {
        fprintf(stderr, "noop_milter: cannot listen on %s\n", argv[1]);
        return 1;
    }
    fprintf(stderr, "noop_milter: listening on %s\n", argv[1]);
    return smfi_main() == MI_SUCCESS ? 0 : 1;
}
