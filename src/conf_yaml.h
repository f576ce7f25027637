/*
 * conf_yaml - YAML text to a plain tree of positioned nodes, for conf.c.
 *
 * Private to the config layer: conf_yaml.c is the only file that sees
 * libyaml, conf.c applies the schema to this tree.  Every node keeps the
 * 1-based line and column of its first character, so a check made long
 * after parsing can still point at the value it rejects.
 *
 * conf_yaml_parse() returns 0 and sets *root (NULL for an empty stream), or
 * -1 after adding the syntax error to errs (a syntax error ends parsing).
 * Aliases are refused (CONF_NODE_BAD, error already reported) rather than
 * expanded, so a small file cannot grow into a huge tree.  The caller frees
 * the tree with conf_node_free().
 */
#ifndef MXD_CONF_YAML_H
#define MXD_CONF_YAML_H
#include <stddef.h>

struct conf_errs;

enum conf_node_kind {
    CONF_NODE_SCALAR,
    CONF_NODE_MAP,
    CONF_NODE_SEQ,
    CONF_NODE_BAD, /* refused while parsing; the error is already in errs */
};

struct conf_node {
    enum conf_node_kind kind;
    int line, column;
    int plain;                /* scalar written without quotes or block style */
    char *value;              /* scalar text, NUL-terminated */
    size_t len;               /* scalar length in bytes: > strlen(value) when it holds a NUL */
    struct conf_node **child; /* map: key, value, key, value...; seq: items */
    size_t n;
};

int conf_yaml_parse(const char *name, const char *buf, size_t len, struct conf_node **root,
                    struct conf_errs *errs);
void conf_node_free(struct conf_node *n);
#endif
