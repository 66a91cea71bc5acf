/*
 * render.c: kiplan render, a plan as HTML or PDF, as the parties
 * receive it.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "banned.h"

static const char usage_str[] =
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
	"Exit status: 0 rendered, 1 the plan has errors, 2 usage, 3 failure.\n";

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

/* The schema of the repository that holds the plan, if any. */
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
	error = kp_repo_open(&repo, *dir ? dir : ".", err);
	if (error == 0)
		error = kp_repo_schema(out, repo, err);
	kp_repo_free(repo);
	free(dir);
	return error;
}

static void report_findings(const char *name, const struct kp_findings *f)
{
	struct kp_buf b = KP_BUF_INIT;
	size_t i;

	for (i = 0; i < f->len; i++) {
		kp_buf_reset(&b);
		kp_buf_add_escaped(&b, name, strlen(name));
		kp_buf_addf(&b, ":%u:%u: %s: %s: ", f->v[i].line, f->v[i].col,
			    kp_severity_name(f->v[i].sev), f->v[i].code);
		kp_buf_add_escaped(&b, f->v[i].msg, strlen(f->v[i].msg));
		fprintf(stderr, "%s\n", b.buf);
	}
	kp_buf_release(&b);
}

int cmd_render(int argc, char **argv)
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
	struct kp_error err = KP_ERROR_INIT;
	struct kp_findings f = KP_FINDINGS_INIT;
	struct kp_render_opts opts;
	struct kp_source src;
	struct kp_schema *schema = NULL;
	struct kp_plan *plan = NULL;
	struct kp_buf out = KP_BUF_INIT;
	const char *format = NULL, *output = NULL, *schema_path = NULL;
	int c, redact = 0, force = 0, rc = KP_EXIT_OK, error;
	size_t errors;

	while ((c = getopt_long(argc, argv, "ho:", lo, NULL)) != -1)
		switch (c) {
		case 'h': fputs(usage_str, stdout); return KP_EXIT_OK;
		case 'f': format = optarg; break;
		case 'o': output = optarg; break;
		case 'r': redact = 1; break;
		case 'F': force = 1; break;
		case 's': schema_path = optarg; break;
		default: fputs(usage_str, stderr); return KP_EXIT_USAGE;
		}
	argc -= optind;
	argv += optind;
	if (argc != 1) {
		fputs(usage_str, stderr);
		return KP_EXIT_USAGE;
	}
	if (format && strcmp(format, "html") != 0 &&
	    strcmp(format, "pdf") != 0) {
		cmd_warn("unknown format '%s' (html or pdf)", format);
		return KP_EXIT_USAGE;
	}
	if (!format && output && !(format = format_of(output))) {
		cmd_warn("cannot tell the format from '%s'; use --format",
			 output);
		return KP_EXIT_USAGE;
	}
	if (!format)
		format = "html";

	memset(&src, 0, sizeof(src));
	if ((error = kp_plan_open(&plan, &src, argv[0], 0, &err)) < 0) {
		cmd_report(&err);
		rc = cmd_exit_for(error);
		goto done;
	}
	if (schema_path)
		error = kp_schema_load(&schema, schema_path, &err);
	else if (src.in_repo)
		error = repo_schema(&schema, argv[0], &err);
	if (error < 0) {
		cmd_report(&err);
		rc = KP_EXIT_ERROR;
		goto done;
	}

	errors = kp_validate(plan, schema, &f);
	if (errors && !force) {
		report_findings(argv[0], &f);
		cmd_warn("%s: the plan has %zu error%s; not rendered "
			 "(--force renders it marked invalid)",
			 argv[0], errors, errors == 1 ? "" : "s");
		rc = KP_EXIT_FINDINGS;
		goto done;
	}

	memset(&opts, 0, sizeof(opts));
	opts.schema = schema;
	opts.src = &src;
	opts.redact = redact;
	opts.invalid = errors > 0;
	if ((error = kp_render(&out, format, plan, &opts, &err)) < 0) {
		cmd_report(&err);
		rc = cmd_exit_for(error);
		goto done;
	}
	if (output) {
		if ((error = kp_write_file_atomic(output, out.buf, out.len,
						  0600, &err)) < 0) {
			cmd_report(&err);
			rc = KP_EXIT_ERROR;
		}
	} else if (fwrite(out.buf, 1, out.len, stdout) != out.len) {
		rc = KP_EXIT_ERROR;
	}
done:
	kp_findings_release(&f);
	kp_schema_free(schema);
	kp_plan_free(plan);
	kp_buf_release(&out);
	return rc;
}
