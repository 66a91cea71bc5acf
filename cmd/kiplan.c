/*
 * kiplan.c: main() and the command table.
 *
 * main() handles only the options that come before the command (-C,
 * --help, --version), then calls the command with argv[0] set to the
 * command's name.  Each command lives in cmd/<name>.c.
 */
#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "banned.h"

static const struct kp_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary; /* N_(): translated when printed */
} cmds[] = {
	{ "init", cmd_init, N_("create a plan repository (git, private)") },
	{ "new", cmd_new,
	  N_("create a draft plan from the template of Bilag 1 and commit "
	     "it") },
	{ "validate", cmd_validate,
	  N_("check plans against the schema and the guideline's rules") },
	{ "render", cmd_render,
	  N_("render a plan as HTML or PDF, as the parties receive it") },
	{ "send", cmd_send,
	  N_("record sending a plan revision to its parties") },
	{ "followup", cmd_followup,
	  N_("record a follow-up meeting and commit the revision after it") },
	{ "close", cmd_close,
	  N_("close a plan: the closing meeting, its actions, and why") },
	{ "set", cmd_set,
	  N_("change fields of a plan from a script, and commit it") },
	{ "log", cmd_log, N_("show the audit trail of one plan") },
	{ "diff", cmd_diff,
	  N_("say what changed in a plan since the revision last sent") },
	{ "merge-file", cmd_merge_file,
	  N_("merge two versions of a plan field by field (git's merge "
	     "driver)") },
	{ "show", cmd_show,
	  N_("print a plan as it was at a revision (PLAN@REV)") },
	{ "due", cmd_due,
	  N_("list follow-ups and deadlines that are due (for cron)") },
	{ "export", cmd_export, N_("export plans as JSON, CSV or FHIR") },
	{ "verify", cmd_verify,
	  N_("check a received PDF or HTML copy against the repository") },
	{ "stats", cmd_stats,
	  N_("monitoring figures from the history, with charts") },
	{ "clone", cmd_clone,
	  N_("clone a shared plan repository, private, ready to sync") },
	{ "remote", cmd_remote,
	  N_("show or set the server that the plans are shared through") },
	{ "sync", cmd_sync,
	  N_("fetch, merge and push the plans (for a person or cron)") },
};
#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

static const char usage_str[] = N_("usage: kiplan [-C DIR] COMMAND [ARGS...]\n"
				   "       kiplan help COMMAND\n"
				   "       kiplan --version\n");

static void print_commands(FILE *out)
{
	size_t i;

	fputs(_(usage_str), out);
	fputs(_("\nKoordinerende indsatsplaner (KI-plans) as plain-text "
		"files.\n\nCommands:\n"),
	      out);
	for (i = 0; i < NCMDS; i++)
		fprintf(out, "  %-10s %s\n", cmds[i].name, _(cmds[i].summary));
	fputs(_("\nOptions:\n"
		"  -C DIR     run as if kiplan was started in DIR\n"
		"  -h, --help show this help\n"
		"  --version  show the version\n"
		"\nSee 'kiplan help COMMAND' and kiplan(1).\n"),
	      out);
}

static const struct kp_cmd *find_cmd(const char *name)
{
	const char *names[NCMDS], *best;
	size_t i;

	for (i = 0; i < NCMDS; i++) {
		if (strcmp(cmds[i].name, name) == 0)
			return &cmds[i];
		names[i] = cmds[i].name;
	}
	if ((best = kp_suggest(name, names, NCMDS)))
		cmd_warn(_("'%s' is not a kiplan command; did you mean '%s'? "
			   "See 'kiplan help'."),
			 name, best);
	else
		cmd_warn(_("'%s' is not a kiplan command; see 'kiplan help'."),
			 name);
	return NULL;
}

static int finish(int rc)
{
	/* As git's run_builtin(): a full disk or closed pipe is an error. */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (errno != EPIPE)
			cmd_warn(_("cannot write to standard output: %s"),
				 strerror(errno));
		if (cmd_was_committed()) {
			cmd_warn(_("the change is committed all the same; do "
				   "not make it again"));
			return KP_EXIT_COMMITTED;
		}
		return KP_EXIT_ERROR;
	}
	return rc;
}

/*
 * Messages follow the user's language; nothing else does.  Only LC_CTYPE
 * (the character set gettext converts to) and LC_MESSAGES come from the
 * environment: LC_NUMERIC would put decimal commas into JSON, and
 * LC_TIME and LC_COLLATE would make output depend on the machine.
 */
static void setup_locale(void)
{
	const char *dir = getenv("KIPLAN_LOCALEDIR");

	setlocale(LC_CTYPE, "");
	setlocale(LC_MESSAGES, "");
	bindtextdomain(KP_TEXTDOMAIN, dir && *dir ? dir : KP_LOCALEDIR);
	bind_textdomain_codeset(KP_TEXTDOMAIN, "UTF-8");
}

/* The options before the command; -1 to go on, else an exit status. */
static int global_option(int *argc, char ***argv)
{
	char **v = *argv;

	if (strcmp(v[0], "-h") == 0 || strcmp(v[0], "--help") == 0) {
		print_commands(stdout);
		return finish(KP_EXIT_OK);
	}
	if (strcmp(v[0], "--version") == 0) {
		printf("kiplan %s\n", KP_VERSION);
		return finish(KP_EXIT_OK);
	}
	if (strcmp(v[0], "-C") != 0) {
		cmd_warn(_("unknown option '%s'"), v[0]);
		fputs(_(usage_str), stderr);
		return KP_EXIT_USAGE;
	}
	if (*argc < 2) {
		cmd_warn(_("option '%s' needs a value"), "-C");
		fputs(_(usage_str), stderr);
		return KP_EXIT_USAGE;
	}
	if (chdir(v[1]) < 0) {
		cmd_warn(_("cannot change to '%s': %s"), v[1], strerror(errno));
		return KP_EXIT_ERROR;
	}
	*argc -= 2;
	*argv += 2;
	return -1;
}

static int help(int argc, char **argv)
{
	static char help_opt[] = "--help";
	const struct kp_cmd *cmd;
	char *hargv[3];

	if (argc < 2) {
		print_commands(stdout);
		return finish(KP_EXIT_OK);
	}
	if (!(cmd = find_cmd(argv[1])))
		return KP_EXIT_USAGE;
	hargv[0] = argv[1];
	hargv[1] = help_opt;
	hargv[2] = NULL;
	return finish(cmd->fn(2, hargv));
}

int main(int argc, char **argv)
{
	const struct kp_cmd *cmd;
	int rc;

	setup_locale();
	argc--;
	argv++;
	while (argc > 0 && argv[0][0] == '-')
		if ((rc = global_option(&argc, &argv)) >= 0)
			return rc;
	if (argc == 0) {
		print_commands(stderr);
		return KP_EXIT_USAGE;
	}
	if (strcmp(argv[0], "help") == 0)
		return help(argc, argv);
	if (!(cmd = find_cmd(argv[0])))
		return KP_EXIT_USAGE;
	return finish(cmd->fn(argc, argv));
}
