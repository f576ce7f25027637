/*
 * conf_yaml - the only user of libyaml (see conf_yaml.h).
 *
 * The event API is used rather than yaml_parser_load() because it lets us
 * refuse aliases as they come (the document API would expand them into a
 * graph a small file can make huge) and bound the nesting depth.  libyaml
 * counts lines and columns from 0; messages count from 1.  A syntax error
 * is fatal because libyaml cannot resume after one; everything that is
 * merely unwelcome (an alias, a second document) is reported and parsing
 * continues or ends cleanly.
 */
#include "conf_yaml.h"
#include "conf.h"
#include "util.h"
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* Deepest real config is 3 levels (domains / entry / key); this only keeps
 * the recursion of a hostile file small. */
#define CONF_YAML_MAX_DEPTH 64

struct yctx {
    yaml_parser_t parser;
    const char *name;
    const char *buf;
    size_t len;
    struct conf_errs *errs;
};

static void syntax_error(struct yctx *y)
{
    yaml_parser_t *p = &y->parser;
    int line, col;

    if (p->error == YAML_MEMORY_ERROR) {
        /* xmalloc() policy: out of memory is not recoverable. */
        abort();
    }
    if (p->error == YAML_READER_ERROR) {
        size_t i, off = p->problem_offset < y->len ? p->problem_offset : y->len;
        line = 1;
        col = 1;
        for (i = 0; i < off; i++) {
            if (y->buf[i] == '\n') {
                line++;
                col = 1;
            } else if (((unsigned char)y->buf[i] & 0xc0) != 0x80) {
                col++;
            }
        }
        conf_errs_add(y->errs, y->name, line, col, "YAML syntax error: %s",
                      p->problem ? p->problem : "unreadable input");
        return;
    }
    line = (int)p->problem_mark.line + 1;
    col = (int)p->problem_mark.column + 1;
    if (p->context != NULL)
        conf_errs_add(
            y->errs, y->name, line, col, "YAML syntax error: %s (%s at line %d%s)",
            p->problem ? p->problem : "bad syntax", p->context, (int)p->context_mark.line + 1,
            /* the likely mistake: "- *.example" reads as an alias */
            strcmp(p->context, "while scanning an alias") == 0 ? "; quote a wildcard: \"*.example\""
                                                               : "");
    else
        conf_errs_add(y->errs, y->name, line, col, "YAML syntax error: %s",
                      p->problem ? p->problem : "bad syntax");
}

static int next(struct yctx *y, yaml_event_t *ev)
{
    if (!yaml_parser_parse(&y->parser, ev)) {
        syntax_error(y);
        return -1;
    }
    return 0;
}

static struct conf_node *new_node(enum conf_node_kind kind, const yaml_mark_t *m)
{
    struct conf_node *n = xcalloc(1, sizeof(*n));
    n->kind = kind;
    n->line = (int)m->line + 1;
    n->column = (int)m->column + 1;
    return n;
}

static void add_child(struct conf_node *parent, struct conf_node *child, size_t *cap)
{
    if (parent->n == *cap) {
        *cap = *cap ? *cap * 2 : 8;
        parent->child = xrealloc(parent->child, *cap * sizeof(*parent->child));
    }
    parent->child[parent->n++] = child;
}

/* Builds the node that starts with ev (consumed here); -1 on a fatal error. */
static int build(struct yctx *y, yaml_event_t *ev, struct conf_node **out, int depth)
{
    struct conf_node *n;
    yaml_event_type_t end;
    size_t cap = 0;

    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        n = new_node(CONF_NODE_SCALAR, &ev->start_mark);
        n->value = xstrndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
        n->len = ev->data.scalar.length;
        n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        yaml_event_delete(ev);
        *out = n;
        return 0;
    case YAML_ALIAS_EVENT:
        n = new_node(CONF_NODE_BAD, &ev->start_mark);
        conf_errs_add(y->errs, y->name, n->line, n->column,
                      "YAML aliases (*name) are not supported");
        yaml_event_delete(ev);
        *out = n;
        return 0;
    case YAML_SEQUENCE_START_EVENT:
        n = new_node(CONF_NODE_SEQ, &ev->start_mark);
        end = YAML_SEQUENCE_END_EVENT;
        break;
    case YAML_MAPPING_START_EVENT:
        n = new_node(CONF_NODE_MAP, &ev->start_mark);
        end = YAML_MAPPING_END_EVENT;
        break;
    default: /* libyaml guarantees a node here */
        yaml_event_delete(ev);
        *out = NULL;
        return -1;
    }
    yaml_event_delete(ev);
    *out = n;
    if (depth >= CONF_YAML_MAX_DEPTH) {
        conf_errs_add(y->errs, y->name, n->line, n->column, "nesting deeper than %d levels",
                      CONF_YAML_MAX_DEPTH);
        return -1;
    }
    for (;;) {
        yaml_event_t cev;
        struct conf_node *child;

        if (next(y, &cev) < 0)
            return -1;
        if (cev.type == end) {
            yaml_event_delete(&cev);
            return 0;
        }
        if (build(y, &cev, &child, depth + 1) < 0) {
            conf_node_free(child);
            return -1;
        }
        add_child(n, child, &cap);
    }
}

static int parse_stream(struct yctx *y, struct conf_node **root)
{
    yaml_event_t ev;
    int docs = 0;

    for (;;) {
        if (next(y, &ev) < 0)
            return -1;
        switch (ev.type) {
        case YAML_STREAM_START_EVENT:
        case YAML_DOCUMENT_END_EVENT:
            yaml_event_delete(&ev);
            break;
        case YAML_STREAM_END_EVENT:
            yaml_event_delete(&ev);
            return 0;
        case YAML_DOCUMENT_START_EVENT:
            if (++docs > 1) {
                conf_errs_add(y->errs, y->name, (int)ev.start_mark.line + 1,
                              (int)ev.start_mark.column + 1,
                              "more than one YAML document (only one is read)");
                yaml_event_delete(&ev);
                return -1;
            }
            yaml_event_delete(&ev);
            break;
        default:
            if (build(y, &ev, root, 0) < 0)
                return -1;
            break;
        }
    }
}

int conf_yaml_parse(const char *name, const char *buf, size_t len, struct conf_node **root,
                    struct conf_errs *errs)
{
    struct yctx y;
    int rc;

    memset(&y, 0, sizeof(y));
    y.name = name;
    y.buf = buf;
    y.len = len;
    y.errs = errs;
    *root = NULL;
    if (!yaml_parser_initialize(&y.parser))
        abort();
    yaml_parser_set_input_string(&y.parser, (const unsigned char *)buf, len);
    rc = parse_stream(&y, root);
    yaml_parser_delete(&y.parser);
    if (rc < 0) {
        conf_node_free(*root);
        *root = NULL;
    }
    return rc;
}

void conf_node_free(struct conf_node *n)
{
    size_t i;
    if (n == NULL)
        return;
    for (i = 0; i < n->n; i++)
        conf_node_free(n->child[i]);
    free(n->child);
    free(n->value);
    free(n);
}
