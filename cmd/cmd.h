/*
 * cmd.h: the subcommands of kiplan, their exit codes, and the few helpers
 * that they share.  Only cmd/ talks to the user.
 */
#ifndef KP_CMD_H
#define KP_CMD_H

#include "kiplan.h"
#include "i18n.h"

/* Exit status, documented in kiplan(1), EXIT STATUS. */
enum {
	KP_EXIT_OK = 0,	      /* success; nothing to report */
	KP_EXIT_FINDINGS = 1, /* a plan has errors (or: something is overdue) */
	KP_EXIT_USAGE = 2,    /* bad options or arguments */
	KP_EXIT_ERROR = 3     /* system, I/O, YAML or git failure */
};

int cmd_validate(int argc, char **argv);
int cmd_render(int argc, char **argv);
/* --- further commands: one prototype each, in the order of the table --- */
int cmd_init(int argc, char **argv);
int cmd_new(int argc, char **argv);
int cmd_send(int argc, char **argv);
int cmd_log(int argc, char **argv);
int cmd_show(int argc, char **argv);
/*
 * cmd/repo.c: open the plan repository of the current directory (or -C,
 * or $KIPLAN_DIR); when there is none, say so, suggest kiplan init and
 * return KP_EXIT_ERROR.  Print findings as "FILE:LINE:COL: SEV: CODE: MSG"
 * to stderr.
 */
int cmd_repo_open(struct kp_repo **out);
void cmd_repo_findings(const char *file, const struct kp_findings *f);
int cmd_due(int argc, char **argv);
int cmd_export(int argc, char **argv);

/* Print "kiplan: FILE:LINE:COL: MSG" to stderr, control characters escaped. */
void cmd_report(const struct kp_error *err);
/* Print "kiplan: " and a formatted message to stderr. */
void cmd_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* KP_EXIT_ERROR for most errors, KP_EXIT_USAGE for KP_EUSAGE. */
int cmd_exit_for(int error);

#endif
