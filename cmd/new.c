/*
 * new.c: kiplan new, create a draft plan from the template of Bilag 1,
 * validate it, write it and commit it.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"
#include "banned.h"

static const char usage_str[] =
	"usage: kiplan new [--navn NAME] [--cpr CPR] [--adresse ADDRESS]\n"
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
	"  --koordinator-navn, -stilling, -organisation, -telefon, -email\n"
	"                         koordinator.*\n"
	"  --moede-dato DATE      moede.dato, the coordination meeting\n"
	"  --set KEY.PATH=VALUE   any field; typed as the schema wants it\n"
	"                         (deltagere.0.navn=... for list items)\n"
	"  --from FILE|-          fields from a YAML or JSON mapping\n"
	"  --edit                 open $VISUAL or $EDITOR before the commit\n"
	"  -m MESSAGE             a line for the commit message (repeatable)\n"
	"  -h, --help             show this help\n";

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
#define SET_LINE 1000000u /* marks --set values for typing */

struct setting {
	char *path;
	const char *value;
	int typed; /* --set: typed by the schema */
	struct kp_node *node;
};

/* 1 when s, up to its end or the next '.', is a list index. */
static int is_index(const char *s)
{
	if (!*s || *s == '.')
		return 0;
	for (; *s && *s != '.'; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

/* The value of key in map, created (as a mapping, or a list when
 * seq_next) when missing. */
static struct kp_node *step(struct kp_doc *doc, struct kp_node *cur,
			    const char *seg, int seq_next, const char *path)
{
	size_t i;

	if (cur->type == KP_MAP) {
		struct kp_node *n;

		for (i = 0; i < cur->v.map.len; i++)
			if (strcmp(cur->v.map.pairs[i].key, seg) == 0)
				return cur->v.map.pairs[i].value;
		n = kp_node_new(doc, seq_next ? KP_SEQ : KP_MAP, 0, 0);
		kp_node_put(doc, cur, seg, strlen(seg), 0, 0, n);
		return n;
	}
	if (cur->type == KP_SEQ && is_index(seg)) {
		unsigned long ix = strtoul(seg, NULL, 10);

		if (ix < cur->v.seq.len)
			return cur->v.seq.items[ix];
		if (ix == cur->v.seq.len) {
			struct kp_node *n = kp_node_new(
				doc, seq_next ? KP_SEQ : KP_MAP, 0, 0);

			kp_node_append(doc, cur, n);
			return n;
		}
	}
	cmd_warn("cannot set '%s': '%s' is not a field there (list items are "
		 "numbered from 0, in order)",
		 path, seg);
	return NULL;
}

static int set_path(struct kp_doc *doc, struct kp_node *root, const char *path,
		    struct kp_node *val)
{
	char *copy = kp_xstrdup(path), *seg = copy, *dot;
	struct kp_node *cur = root;
	int rc = -1;
	size_t i;

	for (;;) {
		dot = strchr(seg, '.');
		if (dot)
			*dot = '\0';
		if (!*seg) {
			cmd_warn("cannot set '%s': an empty key", path);
			goto done;
		}
		if (!dot)
			break;
		if (!(cur = step(doc, cur, seg, is_index(dot + 1), path)))
			goto done;
		seg = dot + 1;
	}
	if (cur->type == KP_MAP) {
		for (i = 0; i < cur->v.map.len; i++)
			if (strcmp(cur->v.map.pairs[i].key, seg) == 0) {
				cur->v.map.pairs[i].value = val;
				rc = 0;
				goto done;
			}
		kp_node_put(doc, cur, seg, strlen(seg), 0, 0, val);
		rc = 0;
	} else if (cur->type == KP_SEQ && is_index(seg) &&
		   strtoul(seg, NULL, 10) <= cur->v.seq.len) {
		unsigned long ix = strtoul(seg, NULL, 10);

		if (ix == cur->v.seq.len)
			kp_node_append(doc, cur, val);
		else
			cur->v.seq.items[ix] = val;
		rc = 0;
	} else {
		cmd_warn("cannot set '%s': '%s' is not a field there", path,
			 seg);
	}
done:
	free(copy);
	return rc;
}

/* The value as YAML's core schema reads it: boolean, integer or string. */
static struct kp_node *typed_node(struct kp_doc *doc, const char *v,
				  unsigned line)
{
	struct kp_node *n;
	const char *p = v;

	if (strcmp(v, "true") == 0 || strcmp(v, "false") == 0) {
		n = kp_node_new(doc, KP_BOOL, line, 1);
		n->v.boolean = v[0] == 't';
		return n;
	}
	if (*p == '-' || *p == '+')
		p++;
	if (*p && strlen(p) < 18 && is_index(p) && (p[0] != '0' || !p[1])) {
		n = kp_node_new(doc, KP_INT, line, 1);
		n->v.integer = strtoll(v, NULL, 10);
		return n;
	}
	return kp_node_new_str(doc, v, strlen(v), line, 1);
}

/*
 * A --set value is typed as YAML would read it, unless the schema then
 * finds fault with exactly that value and wants it as a string
 * ("telefon=12345678").
 */
static void type_settings(struct kp_doc *doc, struct kp_node *root,
			  const struct kp_schema *schema, struct setting *s,
			  size_t n)
{
	struct kp_findings f = KP_FINDINGS_INIT;
	struct kp_node *inst = kp_node_new(doc, KP_MAP, 0, 0), *one;
	size_t i, j;

	one = kp_node_new(doc, KP_INT, 0, 0);
	one->v.integer = KP_FORMAT_VERSION;
	kp_node_put(doc, inst, "kiplan", 6, 0, 0, one);
	kp_node_put(doc, inst, "id", 2, 0, 0,
		    kp_node_new_str(doc, "ki-2000-0001", 12, 0, 0));
	kp_node_put(doc, inst, "status", 6, 0, 0,
		    kp_node_new_str(doc, "kladde", 6, 0, 0));
	for (i = 0; i < root->v.map.len; i++) {
		const struct kp_pair *p = &root->v.map.pairs[i];

		if (strcmp(p->key, "kiplan") && strcmp(p->key, "id") &&
		    strcmp(p->key, "status"))
			kp_node_put(doc, inst, p->key, p->keylen, 0, 0,
				    p->value);
	}
	kp_schema_validate(schema, inst, &f);
	for (i = 0; i < n; i++) {
		struct kp_node *nd = s[i].node;

		if (!s[i].typed || nd->type == KP_STR)
			continue;
		for (j = 0; j < f.len; j++)
			if (f.v[j].line == nd->line) {
				nd->type = KP_STR;
				nd->v.str.ptr = kp_doc_strndup(
					doc, s[i].value, strlen(s[i].value));
				nd->v.str.len = strlen(s[i].value);
				break;
			}
	}
	kp_findings_release(&f);
}

static int load_fields(struct kp_doc **out, const char *path)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_buf text = KP_BUF_INIT;
	const char *p;
	int error;

	*out = NULL;
	if ((error = kp_buf_read_file(&text, path, KP_PLAN_MAX, &err)) < 0)
		goto done;
	for (p = text.buf; *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r';
	     p++)
		;
	if (*p == '{')
		error = kp_json_parse(out, text.buf, text.len, path, &err);
	else
		error = kp_yaml_parse(out, text.buf, text.len, 1, KP_YAML_PLAN,
				      path, &err);
	if (error < 0)
		goto done;
	if (!kp_doc_root(*out) || kp_doc_root(*out)->type != KP_MAP) {
		error = kp_error_set(&err, KP_EPARSE, path, 1, 1,
				     "expected a mapping of the plan's fields");
		goto done;
	}
done:
	if (error < 0) {
		cmd_report(&err);
		kp_doc_free(*out);
		*out = NULL;
	}
	kp_buf_release(&text);
	return error;
}

static int run_editor(const char *path)
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
		cmd_warn("cannot start the editor: %s", strerror(errno));
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
		cmd_warn("the editor '%s' failed", ed);
		return -1;
	}
	return 0;
}

/* Validate text as plan file name; findings to stderr; 1 when valid. */
static int draft_valid(const char *name, const struct kp_buf *text,
		       const struct kp_schema *schema, int *rc)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_findings f = KP_FINDINGS_INIT;
	struct kp_plan *plan = NULL;
	size_t errors;

	if (kp_plan_parse(&plan, name, text->buf, text->len, 0, &err) < 0) {
		cmd_report(&err);
		*rc = KP_EXIT_FINDINGS;
		return 0;
	}
	errors = kp_validate(plan, schema, &f);
	cmd_repo_findings(name, &f);
	kp_findings_release(&f);
	kp_plan_free(plan);
	if (errors) {
		*rc = KP_EXIT_FINDINGS;
		return 0;
	}
	return 1;
}

static void print_path(const struct kp_repo *repo, const char *rel)
{
	char cwd[4096];
	const char *wd = kp_repo_workdir(repo);

	if (getcwd(cwd, sizeof(cwd)) && strcmp(cwd, wd) == 0)
		printf("%s\n", rel);
	else
		printf("%s/%s\n", wd, rel);
}

int cmd_new(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "set", required_argument, NULL, 's' },
		{ "from", required_argument, NULL, 'f' },
		{ "edit", no_argument, NULL, 'e' },
		{ "navn", required_argument, NULL, 256 },
		{ "cpr", required_argument, NULL, 257 },
		{ "adresse", required_argument, NULL, 258 },
		{ "telefon", required_argument, NULL, 259 },
		{ "email", required_argument, NULL, 260 },
		{ "koordinator-navn", required_argument, NULL, 261 },
		{ "koordinator-stilling", required_argument, NULL, 262 },
		{ "koordinator-organisation", required_argument, NULL, 263 },
		{ "koordinator-telefon", required_argument, NULL, 264 },
		{ "koordinator-email", required_argument, NULL, 265 },
		{ "moede-dato", required_argument, NULL, 266 },
		{ NULL, 0, NULL, 0 }
	};
	struct kp_error err = KP_ERROR_INIT;
	struct kp_repo *repo = NULL;
	struct kp_schema *schema = NULL;
	struct kp_doc *fields = NULL, *from = NULL;
	struct kp_node *root;
	struct kp_buf text = KP_BUF_INIT, msg = KP_BUF_INIT, path = KP_BUF_INIT;
	struct kp_buf editpath = KP_BUF_INIT;
	struct setting *sets = NULL;
	const char **body = NULL;
	const char *from_path = NULL, *st;
	size_t nsets = 0, nbody = 0, i;
	char id[13], rel[16], commit[41];
	struct kp_date today;
	struct stat sb;
	int c, edit = 0, rc = KP_EXIT_OK, error, locked = 0;

	sets = kp_xcalloc((size_t)argc + 1, sizeof(*sets));
	body = kp_xcalloc((size_t)argc + 1, sizeof(*body));
	while ((c = getopt_long(argc, argv, "hm:", lo, NULL)) != -1) {
		switch (c) {
		case 'h': fputs(usage_str, stdout); goto done;
		case 'm': body[nbody++] = optarg; continue;
		case 'f': from_path = optarg; continue;
		case 'e': edit = 1; continue;
		case 's': {
			const char *eq = strchr(optarg, '=');

			if (!eq || eq == optarg) {
				cmd_warn("--set wants KEY.PATH=VALUE, not '%s'",
					 optarg);
				fputs(usage_str, stderr);
				rc = KP_EXIT_USAGE;
				goto done;
			}
			sets[nsets].path =
				kp_xstrndup(optarg, (size_t)(eq - optarg));
			sets[nsets].value = eq + 1;
			sets[nsets++].typed = 1;
			continue;
		}
		default:
			if (c >= 256 && c < 256 + (int)NFIELD_OPTS) {
				sets[nsets].path =
					kp_xstrdup(field_opts[c - 256].path);
				sets[nsets++].value = optarg;
				continue;
			}
			fputs(usage_str, stderr);
			rc = KP_EXIT_USAGE;
			goto done;
		}
	}
	if (optind != argc) {
		fputs(usage_str, stderr);
		rc = KP_EXIT_USAGE;
		goto done;
	}
	if ((rc = cmd_repo_open(&repo)) != KP_EXIT_OK)
		goto done;
	if ((error = kp_repo_schema(&schema, repo, &err)) < 0 ||
	    (error = kp_today(&today, &err)) < 0) {
		cmd_report(&err);
		rc = cmd_exit_for(error);
		goto done;
	}

	/* The fields: --from, then the options and --set, in order. */
	fields = kp_doc_new();
	root = kp_node_new(fields, KP_MAP, 1, 1);
	kp_doc_set_root(fields, root);
	if (from_path) {
		const struct kp_node *fr;

		if (load_fields(&from, from_path) < 0) {
			rc = KP_EXIT_ERROR;
			goto done;
		}
		fr = kp_doc_root(from);
		for (i = 0; i < fr->v.map.len; i++)
			kp_node_put(
				fields, root, fr->v.map.pairs[i].key,
				fr->v.map.pairs[i].keylen,
				fr->v.map.pairs[i].line, fr->v.map.pairs[i].col,
				kp_node_copy(fields, fr->v.map.pairs[i].value));
	}
	for (i = 0; i < nsets; i++) {
		struct setting *s = &sets[i];

		s->node = s->typed ? typed_node(fields, s->value,
						SET_LINE + (unsigned)i)
				   : kp_node_new_str(fields, s->value,
						     strlen(s->value),
						     SET_LINE + (unsigned)i, 1);
		if (set_path(fields, root, s->path, s->node) < 0) {
			rc = KP_EXIT_USAGE;
			goto done;
		}
	}
	type_settings(fields, root, schema, sets, nsets);
	if (kp_map_get(root, "id") || kp_map_get(root, "kiplan")) {
		cmd_warn("'id' and 'kiplan' are set by kiplan new, not given");
		rc = KP_EXIT_USAGE;
		goto done;
	}
	st = kp_node_str(kp_map_get(root, "status"));
	if (kp_map_get(root, "status") && (!st || strcmp(st, "kladde") != 0)) {
		cmd_warn("a new plan is a draft (status: kladde)");
		rc = KP_EXIT_USAGE;
		goto done;
	}

	/* Allocate the id and write, under the lock. */
	if ((error = kp_repo_lock(repo, &err)) < 0) {
		cmd_report(&err);
		rc = KP_EXIT_ERROR;
		goto done;
	}
	locked = 1;
	if ((error = kp_repo_next_id(id, repo, today.y, &err)) < 0 ||
	    (error = kp_template_draft(&text, id, root, &err)) < 0) {
		cmd_report(&err);
		rc = cmd_exit_for(error);
		goto done;
	}
	snprintf(rel, sizeof(rel), "%s.md", id);
	if (!draft_valid(rel, &text, schema, &rc)) {
		cmd_warn("%s: the draft is not valid; nothing written", rel);
		goto done;
	}
	if (edit) {
		/* The draft waits in .git while it is edited; its id stays
		 * reserved (kp_repo_next_id looks there). */
		kp_buf_addf(&editpath, "%s/.git/kiplan-edit",
			    kp_repo_workdir(repo));
		if (mkdir(editpath.buf, 0700) < 0 && errno != EEXIST) {
			cmd_warn("cannot create %s: %s", editpath.buf,
				 strerror(errno));
			rc = KP_EXIT_ERROR;
			goto done;
		}
		kp_buf_addf(&editpath, "/%s", rel);
		if ((error = kp_write_file_atomic(editpath.buf, text.buf,
						  text.len, 0600, &err)) < 0) {
			cmd_report(&err);
			rc = KP_EXIT_ERROR;
			goto done;
		}
		kp_repo_unlock(repo);
		locked = 0;
		if (run_editor(editpath.buf) < 0) {
			cmd_warn("nothing committed; the draft is kept in %s",
				 editpath.buf);
			rc = KP_EXIT_ERROR;
			goto done;
		}
		kp_buf_reset(&text);
		if ((error = kp_buf_read_file(&text, editpath.buf, KP_PLAN_MAX,
					      &err)) < 0) {
			cmd_report(&err);
			rc = KP_EXIT_ERROR;
			goto done;
		}
		if (!draft_valid(rel, &text, schema, &rc)) {
			cmd_warn("%s: not valid; nothing committed; your text "
				 "is kept in %s",
				 rel, editpath.buf);
			goto done;
		}
		if ((error = kp_repo_lock(repo, &err)) < 0) {
			cmd_report(&err);
			rc = KP_EXIT_ERROR;
			goto done;
		}
		locked = 1;
	}
	kp_buf_addf(&path, "%s/%s", kp_repo_workdir(repo), rel);
	if (lstat(path.buf, &sb) == 0) {
		cmd_warn("%s exists already; nothing written", path.buf);
		rc = KP_EXIT_ERROR;
		goto done;
	}
	kp_buf_addf(&msg, "Opret indsatsplan %s", id);
	{
		struct kp_buf m = KP_BUF_INIT;

		error = kp_repo_message(&m, msg.buf, body, nbody, id, 1, NULL,
					0, &err);
		kp_buf_release(&msg);
		msg = m;
	}
	if (error < 0) {
		cmd_report(&err);
		rc = cmd_exit_for(error);
		goto done;
	}
	kp_test_crash("new-before-write");
	if ((error = kp_write_file_atomic(path.buf, text.buf, text.len, 0600,
					  &err)) < 0) {
		cmd_report(&err);
		rc = KP_EXIT_ERROR;
		goto done;
	}
	kp_test_crash("new-written");
	if ((error = kp_repo_commit(commit, repo, rel, text.buf, text.len,
				    msg.buf, &err)) < 0) {
		cmd_report(&err);
		if (!commit[0]) {
			/* Nothing committed: take the file back. */
			unlink(path.buf);
		}
		rc = cmd_exit_for(error);
		goto done;
	}
	if (editpath.len)
		unlink(editpath.buf);
	kp_repo_unlock(repo);
	locked = 0;
	print_path(repo, rel);
done:
	if (locked)
		kp_repo_unlock(repo);
	for (i = 0; i < nsets; i++)
		free(sets[i].path);
	free(sets);
	free(body);
	kp_doc_free(fields);
	kp_doc_free(from);
	kp_schema_free(schema);
	kp_repo_free(repo);
	kp_buf_release(&text);
	kp_buf_release(&msg);
	kp_buf_release(&path);
	kp_buf_release(&editpath);
	return rc;
}
