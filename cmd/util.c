/*
 * util.c: what the subcommands share in talking to the user: reports,
 * findings, options, and the set of plans a command reads.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"
#include "banned.h"

void cmd_report(const struct kp_error *err)
{
	struct kp_buf b = KP_BUF_INIT;
	size_t size = strlen(err->file) + strlen(err->msg) + 64;
	char *line = kp_xmalloc(size);

	kp_error_format(line, size, err);
	kp_buf_add_escaped(&b, line, strlen(line));
	fprintf(stderr, "kiplan: %s\n", b.buf);
	kp_buf_release(&b);
	free(line);
}

void cmd_warn(const char *fmt, ...)
{
	struct kp_buf b = KP_BUF_INIT, e = KP_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	kp_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	/* A file name, an argument: no CPR number is echoed whole. */
	kp_cpr_mask_text(b.buf);
	/* Whatever a value holds, a message is one line of text. */
	kp_buf_add_escaped(&e, b.buf, b.len);
	fprintf(stderr, "kiplan: %s\n", e.buf);
	kp_buf_release(&b);
	kp_buf_release(&e);
}

void cmd_print_finding(FILE *to, const char *file, const struct kp_finding *f)
{
	struct kp_buf b = KP_BUF_INIT;

	kp_finding_text(&b, file, f);
	kp_buf_addch(&b, '\n');
	fwrite(b.buf, 1, b.len, to);
	kp_buf_release(&b);
}

void cmd_print_findings(FILE *to, const char *file, const struct kp_findings *f,
			int errors_only)
{
	size_t i;

	for (i = 0; i < f->len; i++)
		if (!errors_only || f->v[i].sev == KP_ERROR)
			cmd_print_finding(to, file, &f->v[i]);
}

void cmd_print_file_report(const struct kp_file_report *r, int errors_only)
{
	if (r->error)
		cmd_report(r->error);
	else
		cmd_print_findings(stderr, r->path, r->findings, errors_only);
}

int cmd_exit_for(int error)
{
	if (error == 0)
		return KP_EXIT_OK;
	if (error == KP_EUSAGE)
		return KP_EXIT_USAGE;
	if (error == KP_EINVALID || error == KP_ECONFLICT)
		return KP_EXIT_FINDINGS;
	if (error == KP_EAFTER)
		return KP_EXIT_COMMITTED;
	return KP_EXIT_ERROR;
}

void cmd_notify(const char *msg, void *payload)
{
	(void)payload;
	cmd_warn("%s", msg);
}

static int committed;

void cmd_committed(void)
{
	committed = 1;
}

int cmd_was_committed(void)
{
	return committed;
}

int cmd_help(const char *usage)
{
	fputs(_(usage), stdout);
	return KP_EXIT_OK;
}

int cmd_usage(const char *usage)
{
	fputs(_(usage), stderr);
	return KP_EXIT_USAGE;
}

/* The long options of lo as "--name", for a suggestion. */
static const char *suggest_option(const char *word, const struct option *lo,
				  char **names)
{
	size_t n = 0;

	for (; lo->name; lo++) {
		size_t len = strlen(lo->name) + 3;

		names[n] = kp_xmalloc(len);
		snprintf(names[n], len, "--%s", lo->name);
		n++;
	}
	return kp_suggest(word, (const char *const *)names, n);
}

static void unknown_option(char **argv, const struct option *lo)
{
	const char *word = argv[optind - 1], *eq, *best;
	char **names, shortopt[3] = { '-', (char)optopt, '\0' };
	char *bare = NULL;
	size_t n = 0, i;

	if (optopt) {
		word = shortopt;
	} else if ((eq = strchr(word, '='))) {
		bare = kp_xstrndup(word, (size_t)(eq - word));
		word = bare;
	}
	while (lo[n].name)
		n++;
	names = kp_xcalloc(n + 1, sizeof(*names));
	best = strncmp(word, "--", 2) == 0 ? suggest_option(word, lo, names)
					   : NULL;
	if (best)
		cmd_warn(_("unknown option '%s'; did you mean '%s'?"), word,
			 best);
	else
		cmd_warn(_("unknown option '%s'"), word);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(bare);
}

int cmd_getopt(int argc, char **argv, const char *shortopts,
	       const struct option *lo, const char *usage)
{
	char *opts = kp_xmalloc(strlen(shortopts) + 2);
	int c;

	(void)usage;
	opts[0] = ':';
	memcpy(opts + 1, shortopts, strlen(shortopts) + 1);
	opterr = 0;
	c = getopt_long(argc, argv, opts, lo, NULL);
	free(opts);
	if (c == ':') {
		if (optopt) {
			char o[3] = { '-', (char)optopt, '\0' };

			cmd_warn(_("option '%s' needs a value"), o);
		} else {
			cmd_warn(_("option '%s' needs a value"),
				 argv[optind - 1]);
		}
		return '?';
	}
	if (c == '?')
		unknown_option(argv, lo);
	return c;
}

int cmd_choice(const char *option, const char *value,
	       const char *const *choices)
{
	struct kp_buf list = KP_BUF_INIT;
	const char *best;
	size_t n;

	for (n = 0; choices[n]; n++)
		if (strcmp(value, choices[n]) == 0)
			return (int)n;
	for (n = 0; choices[n]; n++) {
		if (n)
			kp_buf_addstr(&list, ", ");
		kp_buf_addstr(&list, choices[n]);
	}
	best = kp_suggest(value, choices, n);
	if (best)
		/* TRANSLATORS: --format: 'jsn' is not one of text, json;
		 * did you mean 'json'? */
		cmd_warn(_("%s: '%s' is not one of %s; did you mean '%s'?"),
			 option, value, list.buf, best);
	else
		cmd_warn(_("%s: '%s' is not one of %s"), option, value,
			 list.buf);
	kp_buf_release(&list);
	return -1;
}

int cmd_full_load(void)
{
	const char *v = getenv("KIPLAN_FULL_LOAD");

	return v && *v;
}

typedef int (*repo_opener)(struct kp_repo **out, const char *path,
			   struct kp_error *err);

/* The repository of the directory that holds path (or is path). */
static int repo_of_path(struct kp_repo **out, const char *path,
			repo_opener open_repo)
{
	struct kp_error err = KP_ERROR_INIT;
	struct stat st;
	char *dir;
	const char *slash;
	int error;

	if (strcmp(path, "-") == 0 || stat(path, &st) < 0)
		return KP_ENOTFOUND;
	if (S_ISDIR(st.st_mode)) {
		dir = kp_xstrdup(path);
	} else {
		slash = strrchr(path, '/');
		dir = !slash ? kp_xstrdup(".")
		      : slash == path
			      ? kp_xstrdup("/")
			      : kp_xstrndup(path, (size_t)(slash - path));
	}
	error = open_repo(out, dir, &err);
	free(dir);
	return error;
}

/*
 * kp_repo_open(), but outside a plan repository libgit2 (kiplan-git.so)
 * is not loaded: due and export of a directory of plans start as fast
 * as validate.
 */
static int open_with_git(struct kp_repo **out, const char *path,
			 struct kp_error *err)
{
	int error = kp_repo_locate(out, path, err);

	if (error == KP_ENOTFOUND)
		return error;
	if (error == 0)
		kp_repo_free(*out);
	*out = NULL;
	return kp_repo_open(out, path, err);
}

int cmd_plans_open(struct cmd_plans *p, int argc, char **argv,
		   const char *schema_path, unsigned flags)
{
	/* Without git, validate never loads libgit2 (kiplan-git.so). */
	repo_opener open_repo =
		flags & CMD_PLANS_NO_GIT ? kp_repo_locate : open_with_git;
	struct kp_error err = KP_ERROR_INIT;
	int error, i;

	memset(p, 0, sizeof(*p));
	error = open_repo(&p->repo, NULL, &err);
	if (error == KP_ENOTFOUND && argc > 0)
		error = repo_of_path(&p->repo, argv[0], open_repo);
	if (error < 0 && error != KP_ENOTFOUND) {
		cmd_report(&err);
		return KP_EXIT_ERROR;
	}
	if (error < 0)
		p->repo = NULL;
	if (argc == 0 && !p->repo) {
		cmd_warn(_("no plan given, and not in a plan repository; give "
			   "a PATH, or use -C DIR or KIPLAN_DIR"));
		return KP_EXIT_ERROR;
	}
	if (schema_path)
		error = kp_schema_load(&p->schema, schema_path, &err);
	else if (p->repo && (flags & CMD_PLANS_SCHEMA))
		error = kp_repo_schema(&p->schema, p->repo, &err);
	else
		error = 0;
	if (error < 0) {
		cmd_report(&err);
		cmd_plans_release(p);
		return KP_EXIT_ERROR;
	}
	p->paths = kp_xcalloc((size_t)argc + 1, sizeof(*p->paths));
	if (argc == 0)
		p->paths[p->n++] = kp_xstrdup(kp_repo_workdir(p->repo));
	for (i = 0; i < argc; i++) {
		struct stat st;
		char *rel = NULL;

		/* A plan id, or a name at the repository's top. */
		if (p->repo && strcmp(argv[i], "-") != 0 &&
		    lstat(argv[i], &st) < 0 &&
		    kp_repo_plan_path(&rel, p->repo, argv[i], 1, &err) == 0) {
			struct kp_buf b = KP_BUF_INIT;

			kp_buf_addf(&b, "%s/%s", kp_repo_workdir(p->repo), rel);
			p->paths[p->n++] = kp_buf_detach(&b, NULL);
			free(rel);
			continue;
		}
		p->paths[p->n++] = kp_xstrdup(argv[i]);
	}
	return KP_EXIT_OK;
}

void cmd_plans_release(struct cmd_plans *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		free(p->paths[i]);
	free(p->paths);
	kp_schema_free(p->schema);
	kp_repo_free(p->repo);
	memset(p, 0, sizeof(*p));
}

int cmd_edit_file(const char *path)
{
	const char *ed = getenv("VISUAL");
	struct kp_buf cmd = KP_BUF_INIT;
	pid_t pid;
	int status;

	if (!ed || !*ed)
		ed = getenv("EDITOR");
	if (!ed || !*ed)
		ed = "vi";
	/* As git: the editor is a shell command, the file its argument. */
	kp_buf_addf(&cmd, "%s \"$@\"", ed);
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		cmd_warn(_("cannot start the editor: %s"), strerror(errno));
		kp_buf_release(&cmd);
		return -1;
	}
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", cmd.buf, ed, path, (char *)NULL);
		_exit(127);
	}
	kp_buf_release(&cmd);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		cmd_warn(_("the editor '%s' failed"), ed);
		return -1;
	}
	return 0;
}
