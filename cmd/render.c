/*
 * render.c: kiplan render, a plan as HTML or PDF, as the parties
 * receive it.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "banned.h"

static const char usage_str[] = N_(
	"usage: kiplan render [--format html|pdf] [-o FILE] [--redact] "
	"[--force]\n"
	"                     [--schema FILE] PLAN[@REV]\n"
	"\n"
	"Render a plan, or one of its revisions, as the guideline's form.\n"
	"\n"
	"  --format html|pdf    output format (default: from -o, else html)\n"
	"  -o, --output FILE    write to FILE (atomically) instead of stdout\n"
	"  --redact             hide the CPR number's last four digits and\n"
	"                       the telephone numbers\n"
	"  --force              render a plan that has errors, marked invalid\n"
	"  --schema FILE        labels from FILE instead of the repository's\n"
	"                       or the built-in schema\n"
	"  -h, --help           show this help\n"
	"\n"
	"Exit status: 0 rendered, 1 the plan has errors, 2 usage, 3 "
	"failure.\n");

static const char *format_of(const char *path)
{
	const char *dot = path ? strrchr(path, '.') : NULL;

	if (!dot || strchr(dot, '/'))
		return NULL;
	if (strcmp(dot, ".html") == 0 || strcmp(dot, ".htm") == 0)
		return "html";
	if (strcmp(dot, ".pdf") == 0)
		return "pdf";
	return NULL;
}

/*
 * The schema of the plan repository: that of the current directory (-C,
 * $KIPLAN_DIR), else that of the directory of the plan's path.
 */
static int repo_schema(struct kp_schema **out, const char *spec,
		       struct kp_error *err)
{
	struct kp_repo *repo = NULL;
	char *dir = kp_xstrdup(spec), *at, *slash;
	int error;

	*out = NULL;
	if ((at = strrchr(dir, '@')) && !strchr(at, '/'))
		*at = '\0';
	if ((slash = strrchr(dir, '/')))
		slash[1] = '\0';
	else
		dir[0] = '\0';
	error = kp_repo_open(&repo, *dir ? dir : NULL, err);
	if (error == KP_ENOTFOUND && *dir)
		error = kp_repo_open(&repo, NULL, err);
	if (error == 0)
		error = kp_repo_schema(out, repo, err);
	kp_repo_free(repo);
	free(dir);
	return error;
}

struct args {
	const char *format, *output, *schema_path, *plan;
	int redact, force, help;
};

static int parse(struct args *a, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "redact", no_argument, NULL, 'r' },
		{ "force", no_argument, NULL, 'F' },
		{ "schema", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const formats[] = { "html", "pdf", NULL };
	int c;

	while ((c = cmd_getopt(argc, argv, "ho:", lo, usage_str)) != -1)
		switch (c) {
		case 'h': a->help = 1; return cmd_help(usage_str);
		case 'f':
			if ((c = cmd_choice("--format", optarg, formats)) < 0)
				return cmd_usage(usage_str);
			a->format = formats[c];
			break;
		case 'o': a->output = optarg; break;
		case 'r': a->redact = 1; break;
		case 'F': a->force = 1; break;
		case 's': a->schema_path = optarg; break;
		default: return cmd_usage(usage_str);
		}
	if (optind + 1 != argc)
		return cmd_usage(usage_str);
	a->plan = argv[optind];
	if (!a->format && a->output && !(a->format = format_of(a->output))) {
		cmd_warn(_("cannot tell the format from '%s'; use --format"),
			 a->output);
		return KP_EXIT_USAGE;
	}
	if (!a->format)
		a->format = "html";
	if (!a->output && strcmp(a->format, "pdf") == 0 &&
	    isatty(STDOUT_FILENO)) {
		cmd_warn(_("a PDF is not written to a terminal; use -o FILE, "
			   "or redirect the output"));
		return KP_EXIT_USAGE;
	}
	return KP_EXIT_OK;
}

static int write_out(const struct args *a, const struct kp_buf *out)
{
	struct kp_error err = KP_ERROR_INIT;

	if (a->output) {
		if (kp_write_file_atomic(a->output, out->buf, out->len, 0600,
					 &err) < 0) {
			cmd_report(&err);
			return KP_EXIT_ERROR;
		}
	} else if (fwrite(out->buf, 1, out->len, stdout) != out->len) {
		return KP_EXIT_ERROR;
	}
	return KP_EXIT_OK;
}

int cmd_render(int argc, char **argv)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_findings f = KP_FINDINGS_INIT, warn = KP_FINDINGS_INIT;
	struct kp_render_opts opts;
	struct kp_source src;
	struct kp_schema *schema = NULL;
	struct kp_plan *plan = NULL;
	struct kp_buf out = KP_BUF_INIT;
	struct args a;
	int rc, error = 0;
	size_t errors;

	memset(&a, 0, sizeof(a));
	if ((rc = parse(&a, argc, argv)) != KP_EXIT_OK || a.help)
		return rc;
	memset(&src, 0, sizeof(src));
	if ((error = kp_plan_open(&plan, &src, a.plan, 0, &err)) < 0) {
		cmd_report(&err);
		rc = cmd_exit_for(error);
		goto done;
	}
	if (a.schema_path)
		error = kp_schema_load(&schema, a.schema_path, &err);
	else if (src.in_repo)
		error = repo_schema(&schema, a.plan, &err);
	if (error < 0) {
		cmd_report(&err);
		rc = KP_EXIT_ERROR;
		goto done;
	}
	errors = kp_validate(plan, schema, &f);
	if (errors && !a.force) {
		cmd_print_findings(stderr, a.plan, &f, 0);
		cmd_warn(Q_("%s: the plan has %zu error; not rendered "
			    "(--force renders it marked invalid)",
			    "%s: the plan has %zu errors; not rendered "
			    "(--force renders it marked invalid)",
			    errors),
			 a.plan, errors);
		rc = KP_EXIT_FINDINGS;
		goto done;
	}
	memset(&opts, 0, sizeof(opts));
	opts.schema = schema;
	opts.src = &src;
	opts.redact = a.redact;
	opts.invalid = errors > 0;
	opts.warnings = &warn;
	if ((error = kp_render(&out, a.format, plan, &opts, &err)) < 0) {
		cmd_report(&err);
		rc = cmd_exit_for(error);
		goto done;
	}
	cmd_print_findings(stderr, a.plan, &warn, 0);
	rc = write_out(&a, &out);
done:
	kp_findings_release(&f);
	kp_findings_release(&warn);
	kp_schema_free(schema);
	kp_plan_free(plan);
	kp_buf_release(&out);
	return rc;
}
