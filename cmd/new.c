/*
 * new.c: kiplan new, create a draft plan from the template of Bilag 1,
 * validate it, write it and commit it (kp_repo_new_draft(),
 * kp_repo_new_commit()); with --edit, a person edits it first.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "banned.h"

static const char usage_str[] = N_(
	"usage: kiplan new [--navn NAME] [--cpr CPR|-] [--adresse ADDRESS]\n"
	"                  [--telefon PHONE] [--email EMAIL]\n"
	"                  [--koordinator-navn NAME] [--koordinator-stilling "
	"TITLE]\n"
	"                  [--koordinator-organisation ORG]\n"
	"                  [--koordinator-telefon PHONE] [--koordinator-email "
	"EMAIL]\n"
	"                  [--moede-dato DATE] [--set KEY.PATH=VALUE]...\n"
	"                  [--from FILE|-] [--edit] [-m MESSAGE]...\n"
	"\n"
	"Create a draft (status: kladde) from the template of Bilag 1 with "
	"the\n"
	"next free id ki-YYYY-NNNN, validate it, write <id>.md (0600), commit\n"
	"it, and print its path.  An invalid draft is not written (exit 1).\n"
	"\n"
	"  --navn, --cpr, --adresse, --telefon, --email   borger.*\n"
	"  --cpr -                the CPR number from standard input, so that\n"
	"                         it is not in the command line (ps, /proc)\n"
	"  --koordinator-navn, -stilling, -organisation, -telefon, -email\n"
	"                         koordinator.*\n"
	"  --moede-dato DATE      moede.dato, the coordination meeting\n"
	"  --set KEY.PATH=VALUE   any field; typed as the schema wants it\n"
	"                         (deltagere.0.navn=... for list items)\n"
	"  --from FILE|-          fields from a YAML or JSON mapping\n"
	"  --edit                 open $VISUAL or $EDITOR before the commit\n"
	"  -m MESSAGE             a line for the commit message (repeatable)\n"
	"  -h, --help             show this help\n");

/* The options that set one field each, as strings. */
static const struct {
	const char *opt, *path;
} field_opts[] = {
	{ "navn", "borger.navn" },
	{ "cpr", "borger.cpr" },
	{ "adresse", "borger.adresse" },
	{ "telefon", "borger.telefon" },
	{ "email", "borger.email" },
	{ "koordinator-navn", "koordinator.navn" },
	{ "koordinator-stilling", "koordinator.stilling" },
	{ "koordinator-organisation", "koordinator.organisation" },
	{ "koordinator-telefon", "koordinator.telefon" },
	{ "koordinator-email", "koordinator.email" },
	{ "moede-dato", "moede.dato" },
};
#define NFIELD_OPTS (sizeof(field_opts) / sizeof(field_opts[0]))
#define FIELD_OPT 256

struct setting {
	const char *path; /* NULL: value is KEY.PATH=VALUE (--set) */
	const char *value;
};

struct args {
	struct kp_fields *fields;
	struct setting *sets; /* applied after --from, in order */
	size_t nsets;
	const char **body;
	size_t nbody;
	const char *from;
	int edit;
	int help;
};

static int parse(struct args *a, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "set", required_argument, NULL, 's' },
		{ "from", required_argument, NULL, 'f' },
		{ "edit", no_argument, NULL, 'e' },
		{ "navn", required_argument, NULL, FIELD_OPT + 0 },
		{ "cpr", required_argument, NULL, FIELD_OPT + 1 },
		{ "adresse", required_argument, NULL, FIELD_OPT + 2 },
		{ "telefon", required_argument, NULL, FIELD_OPT + 3 },
		{ "email", required_argument, NULL, FIELD_OPT + 4 },
		{ "koordinator-navn", required_argument, NULL, FIELD_OPT + 5 },
		{ "koordinator-stilling", required_argument, NULL,
		  FIELD_OPT + 6 },
		{ "koordinator-organisation", required_argument, NULL,
		  FIELD_OPT + 7 },
		{ "koordinator-telefon", required_argument, NULL,
		  FIELD_OPT + 8 },
		{ "koordinator-email", required_argument, NULL, FIELD_OPT + 9 },
		{ "moede-dato", required_argument, NULL, FIELD_OPT + 10 },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	a->body = kp_xcalloc((size_t)argc + 1, sizeof(*a->body));
	a->sets = kp_xcalloc((size_t)argc + 1, sizeof(*a->sets));
	a->fields = kp_fields_new();
	while ((c = cmd_getopt(argc, argv, "hm:", lo, usage_str)) != -1) {
		switch (c) {
		case 'h': a->help = 1; return cmd_help(usage_str);
		case 'm': a->body[a->nbody++] = optarg; break;
		case 'f': a->from = optarg; break;
		case 'e': a->edit = 1; break;
		case 's': a->sets[a->nsets++].value = optarg; break;
		default:
			if (c < FIELD_OPT || c >= FIELD_OPT + (int)NFIELD_OPTS)
				return cmd_usage(usage_str);
			a->sets[a->nsets].path = field_opts[c - FIELD_OPT].path;
			a->sets[a->nsets++].value = optarg;
		}
	}
	if (optind != argc)
		return cmd_usage(usage_str);
	return KP_EXIT_OK;
}

/* Validate text as the plan file name; findings to stderr; 1 if valid. */
static int draft_valid(const char *name, const struct kp_buf *text,
		       const struct kp_schema *schema)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_findings f = KP_FINDINGS_INIT;
	struct kp_plan *plan = NULL;
	size_t errors;

	if (kp_plan_parse(&plan, name, text->buf, text->len, 0, &err) < 0) {
		cmd_report(&err);
		return 0;
	}
	errors = kp_validate(plan, schema, &f);
	cmd_print_findings(stderr, name, &f, 0);
	kp_findings_release(&f);
	kp_plan_free(plan);
	return errors == 0;
}

/*
 * Let a person edit the draft: it waits in the git directory, the lock
 * released, and comes back only when it is still valid.
 */
static int edit_draft(struct kp_repo *repo, const char *rel,
		      struct kp_buf *text, const struct kp_schema *schema,
		      char **editpath)
{
	struct kp_error err = KP_ERROR_INIT;

	if (kp_repo_edit_path(editpath, repo, rel, &err) < 0 ||
	    kp_write_file_atomic(*editpath, text->buf, text->len, 0600, &err) <
		    0) {
		cmd_report(&err);
		return KP_EXIT_ERROR;
	}
	kp_repo_unlock(repo);
	if (cmd_edit_file(*editpath) < 0) {
		cmd_warn(_("nothing committed; the draft is kept in %s"),
			 *editpath);
		return KP_EXIT_ERROR;
	}
	kp_buf_reset(text);
	if (kp_buf_read_file(text, *editpath, KP_PLAN_MAX, &err) < 0) {
		cmd_report(&err);
		return KP_EXIT_ERROR;
	}
	if (!draft_valid(rel, text, schema)) {
		cmd_warn(_("%s: not valid; nothing committed; your text is "
			   "kept in %s"),
			 rel, *editpath);
		return KP_EXIT_FINDINGS;
	}
	if (kp_repo_lock(repo, &err) < 0) {
		cmd_report(&err);
		return KP_EXIT_ERROR;
	}
	return KP_EXIT_OK;
}

static void print_path(const struct kp_repo *repo, const char *rel)
{
	char *cwd = getcwd(NULL, 0);
	const char *wd = kp_repo_workdir(repo);

	if (cwd && strcmp(cwd, wd) == 0)
		printf("%s\n", rel);
	else
		printf("%s/%s\n", wd, rel);
	free(cwd);
}

/*
 * The first line of standard input, without its line break and the
 * blanks around it: a value that must not stand in the command line,
 * where every local user can read it (/proc/PID/cmdline).
 */
static int read_stdin_line(struct kp_buf *out, struct kp_error *err)
{
	struct kp_buf b = KP_BUF_INIT;
	size_t s = 0, e;
	int error;

	if (isatty(STDIN_FILENO)) {
		fputs(_("CPR number: "), stderr);
		fflush(stderr);
	}
	if ((error = kp_buf_read_file(&b, "-", 4096, err)) < 0) {
		kp_buf_release(&b);
		return error;
	}
	e = strcspn(b.buf, "\r\n");
	while (s < e && (b.buf[s] == ' ' || b.buf[s] == '\t'))
		s++;
	while (e > s && (b.buf[e - 1] == ' ' || b.buf[e - 1] == '\t'))
		e--;
	kp_buf_add(out, b.buf + s, e - s);
	kp_buf_release(&b);
	return 0;
}

/* The fields: --from, then the options and --set, in order. */
static int fields(struct args *a, struct kp_error *err)
{
	struct kp_buf cpr = KP_BUF_INIT;
	size_t i;
	int error = 0;

	if (a->from && (error = kp_fields_load(a->fields, a->from, err)) < 0)
		return error;
	for (i = 0; i < a->nsets && !error; i++) {
		const struct setting *s = &a->sets[i];
		const char *value = s->value;

		if (s->path && strcmp(s->path, "borger.cpr") == 0 &&
		    strcmp(value, "-") == 0) {
			if (a->from && strcmp(a->from, "-") == 0) {
				error = kp_error_set(
					err, KP_EUSAGE, NULL, 0, 0,
					_("--from - and --cpr - cannot both "
					  "read standard input"));
				break;
			}
			kp_buf_reset(&cpr);
			if ((error = read_stdin_line(&cpr, err)) < 0)
				break;
			value = cpr.buf;
		}
		error = s->path ? kp_fields_set(a->fields, s->path, value, 0,
						err)
				: kp_fields_set_arg(a->fields, value, err);
	}
	kp_buf_release(&cpr);
	return error;
}

/* The fields, the schema and today, or an exit status. */
static int prepare(struct args *a, struct kp_repo *repo,
		   struct kp_schema **schema, struct kp_date *today)
{
	struct kp_error err = KP_ERROR_INIT;

	if (kp_repo_schema(schema, repo, &err) < 0 ||
	    kp_today(today, &err) < 0 || fields(a, &err) < 0) {
		cmd_report(&err);
		return cmd_exit_for(err.code);
	}
	kp_fields_type(a->fields, *schema, NULL);
	return KP_EXIT_OK;
}

/*
 * The lock just taken finished an interrupted kiplan new of this very
 * draft: print that plan's path instead of making a second one.
 */
static int replayed(struct kp_repo *repo, const char *id,
		    const struct kp_buf *text, const struct args *a)
{
	struct kp_error err = KP_ERROR_INIT;
	char *done = NULL;

	/* An error (no plugin) cannot be: the repository was opened. */
	if (kp_repo_new_replayed(&done, repo, id, text, a->body, a->nbody,
				 &err) <= 0)
		return 0;
	cmd_warn(_("an interrupted kiplan new had already created this "
		   "plan; it is not created again"));
	print_path(repo, done);
	free(done);
	return 1;
}

/* Commit the new plan; say what happened when it fails. */
static int commit(struct kp_repo *repo, const char *id, const char *rel,
		  const struct kp_buf *text, const struct args *a)
{
	struct kp_error err = KP_ERROR_INIT;
	char commit[41];
	int error;

	error = kp_repo_new_commit(commit, repo, id, text, a->body, a->nbody,
				   &err);
	if (error == KP_EAFTER) {
		cmd_committed();
		cmd_report(&err);
		/* TRANSLATORS: ki-2026-0002.md, a commit id */
		cmd_warn(_("%s was committed as revision 1 (%.12s), but the "
			   "step above failed; do not run kiplan new again: "
			   "the next kiplan command that changes the "
			   "repository finishes it"),
			 rel, commit);
		print_path(repo, rel);
		return KP_EXIT_COMMITTED;
	}
	if (error < 0) {
		cmd_report(&err);
		return cmd_exit_for(error);
	}
	cmd_committed();
	return KP_EXIT_OK;
}

int cmd_new(int argc, char **argv)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_repo *repo = NULL;
	struct kp_schema *schema = NULL;
	struct kp_buf text = KP_BUF_INIT;
	struct kp_date today;
	struct args a;
	char id[13], rel[16], *editpath = NULL;
	int rc;

	memset(&a, 0, sizeof(a));
	if ((rc = parse(&a, argc, argv)) != KP_EXIT_OK || a.help)
		goto done;
	if ((rc = cmd_repo_open(&repo)) != KP_EXIT_OK ||
	    (rc = prepare(&a, repo, &schema, &today)) != KP_EXIT_OK)
		goto done;
	if (kp_repo_busy(repo, NULL, NULL, 0, &err) < 0 ||
	    kp_repo_lock(repo, &err) < 0 ||
	    kp_repo_new_draft(&text, id, repo, kp_fields_root(a.fields),
			      today.y, &err) < 0) {
		cmd_report(&err);
		rc = cmd_exit_for(err.code);
		goto done;
	}
	snprintf(rel, sizeof(rel), "%s.md", id);
	if (replayed(repo, id, &text, &a)) {
		rc = KP_EXIT_OK;
		goto done;
	}
	if (!draft_valid(rel, &text, schema)) {
		cmd_warn(_("%s: the draft is not valid; nothing written"), rel);
		rc = KP_EXIT_FINDINGS;
		goto done;
	}
	if (a.edit && (rc = edit_draft(repo, rel, &text, schema, &editpath)) !=
			      KP_EXIT_OK)
		goto done;
	rc = commit(repo, id, rel, &text, &a);
	if (editpath && (rc == KP_EXIT_OK || rc == KP_EXIT_COMMITTED))
		unlink(editpath); /* committed: the draft has done its work */
	if (rc != KP_EXIT_OK)
		goto done;
	print_path(repo, rel);
	rc = cmd_repo_end(repo);
done:
	if (repo)
		kp_repo_unlock(repo);
	free(editpath);
	free(a.body);
	free(a.sets);
	kp_fields_free(a.fields);
	kp_schema_free(schema);
	kp_repo_free(repo);
	kp_buf_release(&text);
	return rc;
}
