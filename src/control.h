/*
 * control - the control socket verbs behind the CLI: status [json],
 * lookup DOMAIN [json], flush [DOMAIN], export [rows], explain DOMAIN.
 * Pure dispatch from one table to core.h and explain_store.h.
 */
#ifndef MXD_CONTROL_H
#define MXD_CONTROL_H
/* Answers one request line; the result is malloc'd.  Errors start with "ERR ". */
char *control_answer(const char *line);
#endif
