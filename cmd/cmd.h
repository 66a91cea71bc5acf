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
	KP_EXIT_ERROR = 3,    /* system, I/O, YAML or git failure */
	KP_EXIT_COMMITTED = 4 /* committed, but a later step failed */
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
/*
 * After a command's change and its output: flush the output, end the
 * change (kp_repo_end()) and unlock.  KP_EXIT_OK, or KP_EXIT_COMMITTED
 * when the change's journal could not be removed (said on stderr).
 */
int cmd_repo_end(struct kp_repo *repo);
int cmd_due(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_set(int argc, char **argv);
int cmd_followup(int argc, char **argv);
int cmd_close(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_merge_file(int argc, char **argv);

/*
 * cmd/change.c: a plan of the repository to change (set, followup,
 * close): cmd_plan_open() opens the repository and reads PLAN; it says
 * what is wrong and returns an exit status when it fails.
 * cmd_change_commit() applies the change, lets a person edit the result
 * (edit), judges it (errors that the plan did not have refuse it), and
 * commits it with kp_repo_change() (or, dry_run, prints it); it prints
 * the revision committed and returns an exit status.
 */
struct cmd_plan {
	struct kp_repo *repo;
	struct kp_schema *schema;
	char *rel;
	struct kp_buf raw; /* the working file as read */
	struct kp_plan *plan;
};
int cmd_plan_open(struct cmd_plan *p, const char *arg);
void cmd_plan_release(struct cmd_plan *p);
/* The plan's id, or its file when it has none; borrowed. */
const char *cmd_plan_id(const struct cmd_plan *p);
struct cmd_commit {
	const char *summary; /* Danish, as every commit message */
	const char *const *body;
	size_t nbody;
	int edit, dry_run;
};
int cmd_change_commit(struct cmd_plan *p, struct kp_change *c,
		      const struct cmd_commit *o, struct kp_change_result *res);
/*
 * The options of a meeting held, shared by followup and close, with
 * these getopt values: 'd' --date, 'f' --form, 'p' --sted, 'D'
 * --deltager (repeatable), 'B' --borger-fravalgt, 'E' --evaluering.
 * cmd_meeting_opt() returns 1 for one of them, 0 for another option, -1
 * for a bad value (said on stderr).
 */
struct cmd_meeting {
	struct kp_meeting_opts o;
	const char **names;
	int have_date;
};
void cmd_meeting_init(struct cmd_meeting *m, int argc);
int cmd_meeting_opt(struct cmd_meeting *m, int c, const char *arg);
/* The meeting's date on the states the change set, then the change
 * committed as cmd_change_commit() does, with summary and body. */
int cmd_meeting_commit(struct cmd_plan *p, struct kp_change *c,
		       const struct cmd_meeting *m, const char *summary,
		       char *const *body, size_t nbody, int edit,
		       struct kp_change_result *res);
void cmd_meeting_release(struct cmd_meeting *m);
/*
 * s (a task written over several lines, say) as one line in b: white
 * space runs become one space, control characters are escaped.  Returns
 * b->buf.
 */
const char *cmd_one_line(struct kp_buf *b, const char *s);
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
/*
 * KP_EXIT_ERROR for most errors, KP_EXIT_USAGE for KP_EUSAGE,
 * KP_EXIT_COMMITTED for KP_EAFTER.
 */
int cmd_exit_for(int error);
/*
 * What the repository lock repaired (kp_repo_set_notify()): one line
 * "kiplan: MSG" on stderr.
 */
void cmd_notify(const char *msg, void *payload);
/*
 * A command calls cmd_committed() once its change is committed: from
 * then on a failure to write its output is KP_EXIT_COMMITTED, not
 * KP_EXIT_ERROR, so that a script does not make the change again.
 */
void cmd_committed(void);
int cmd_was_committed(void);

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
