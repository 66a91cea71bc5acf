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
 * return KP_EXIT_ERROR.
 */
int cmd_repo_open(struct kp_repo **out);
int cmd_due(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_clone(int argc, char **argv);
int cmd_remote(int argc, char **argv);
int cmd_sync(int argc, char **argv);

/* Print "kiplan: FILE:LINE:COL: MSG" to stderr, control characters escaped. */
void cmd_report(const struct kp_error *err);
/*
 * Print "kiplan: " and a formatted message (already translated) to
 * stderr, as one line: control characters in it are escaped.
 */
void cmd_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The one way a finding is printed: kp_finding_text() and a newline. */
void cmd_print_finding(FILE *to, const char *file, const struct kp_finding *f);
void cmd_print_findings(FILE *to, const char *file, const struct kp_findings *f,
			int errors_only);
/* A file report to stderr: its error, or its findings. */
void cmd_print_file_report(const struct kp_file_report *r, int errors_only);
/* KP_EXIT_ERROR for most errors, KP_EXIT_USAGE for KP_EUSAGE. */
int cmd_exit_for(int error);

/*
 * Options.  usage is an N_() text: cmd_help() prints it translated to
 * stdout and returns KP_EXIT_OK; cmd_usage() to stderr, KP_EXIT_USAGE.
 * cmd_getopt() is getopt_long() that says itself what is wrong with an
 * option ("unknown option '--strcit'; did you mean '--strict'?", "option
 * '--format' needs a value") and then returns '?'.  cmd_choice() is the
 * index of value in the NULL-terminated choices, or -1 after saying
 * which values option takes.
 */
int cmd_help(const char *usage);
int cmd_usage(const char *usage);
struct option;
int cmd_getopt(int argc, char **argv, const char *shortopts,
	       const struct option *lo, const char *usage);
int cmd_choice(const char *option, const char *value,
	       const char *const *choices);
/*
 * Open path in $VISUAL, else $EDITOR, else vi (a shell command, as git
 * runs it) and wait; -1, said on stderr, when it cannot start or fails.
 */
int cmd_edit_file(const char *path);
/* $KIPLAN_FULL_LOAD is set: libyaml for every plan. */
int cmd_full_load(void);

/*
 * The plans that validate, due and export read: the PATH arguments (a
 * plan id or a bare name resolves in the plan repository, from any
 * directory in it), or without any, every plan of the repository.  The
 * repository is that of the current directory (-C, $KIPLAN_DIR), else
 * that of the first PATH.  flags: with CMD_PLANS_SCHEMA, the schema is
 * schema_path, else the repository's, else NULL (the built-in one); with
 * CMD_PLANS_NO_GIT, the repository is found without git (kp_repo_locate)
 * and p->repo serves only its working directory.  Says what is wrong and
 * returns an exit status when it fails.
 */
enum { CMD_PLANS_SCHEMA = 1, CMD_PLANS_NO_GIT = 2 };
struct cmd_plans {
	struct kp_repo *repo;	  /* NULL outside a plan repository */
	struct kp_schema *schema; /* NULL: the built-in schema */
	char **paths;
	size_t n;
};
/* clang-format off */
#define CMD_PLANS_INIT { NULL, NULL, NULL, 0 }
/* clang-format on */
int cmd_plans_open(struct cmd_plans *p, int argc, char **argv,
		   const char *schema_path, unsigned flags);
void cmd_plans_release(struct cmd_plans *p);

#endif
