/*
 * yaml_suite.c: the YAML Test Suite (loader subset) through kp_yaml_parse.
 *
 *   yaml-suite DIR [ID...]
 *
 * DIR holds index.tsv and one folder per case (see its README.md).  A json
 * case loads in.yaml as a stream and compares it, by value, with the JSON
 * texts of in.json; an error case must be refused with a line and column.
 * Every case is also loaded as a plan's frontmatter, which may refuse it
 * but must do so cleanly.  libyaml 0.2.5's own divergences from YAML 1.2
 * are listed below by name; they must still diverge in the same way, so
 * that a libyaml upgrade that fixes one is noticed ("XPASS").
 *
 * The last line is "N passed, N failed, N known".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

#define FILE_MAX (16 * 1024 * 1024)

enum outcome {
	PASS,		/* as the suite says */
	REJECTS,	/* a valid input is refused */
	DIFFERS,	/* a valid input loads to other data */
	ACCEPTS		/* an invalid input loads */
};

static const char *const outcome_names[] = {
	"pass", "rejects valid input", "loads different data",
	"accepts invalid input"
};

/*
 * libyaml 0.2.5 is a YAML 1.1 parser; these are the cases where it
 * departs from the 1.2 suite (index.tsv, column 4), and why.
 */
static const struct known {
	const char *id;
	enum outcome expect;
	const char *reason;
} known[] = {
	{ "2LFX", REJECTS, "libyaml: reserved directive %FOO with parameters" },
	{ "2SXE", REJECTS, "libyaml: anchor name containing ':'" },
	{ "4MUZ-00", REJECTS, "libyaml: flow mapping ':' on the line after the key" },
	{ "4MUZ-01", REJECTS, "libyaml: flow mapping ':' on the line after the key" },
	{ "4MUZ-02", REJECTS, "libyaml: flow mapping ':' on the line after the key" },
	{ "58MP", REJECTS, "libyaml: flow mapping edge case '{x: :x}'" },
	{ "5MUD", REJECTS, "libyaml: flow ':' and value on the next line" },
	{ "5T43", REJECTS, "libyaml: ':' at the start of an adjacent flow scalar" },
	{ "652Z", DIFFERS, "libyaml: plain scalar starting with '?' in flow" },
	{ "6BCT", REJECTS, "libyaml: tabs as separation spaces" },
	{ "6CA3", REJECTS, "libyaml: tab-indented top-level flow collection" },
	{ "6LVF", REJECTS, "libyaml: reserved directive %FOO" },
	{ "7Z25", REJECTS, "libyaml: bare document after '...'" },
	{ "8XYN", REJECTS, "libyaml: anchor name with a non-ASCII character" },
	{ "96NN-00", REJECTS, "libyaml: tab leading literal content" },
	{ "96NN-01", REJECTS, "libyaml: tab leading literal content" },
	{ "9C9N", ACCEPTS, "libyaml: wrongly indented flow sequence" },
	{ "9HCY", ACCEPTS, "libyaml: directive without a preceding '...'" },
	{ "9JBA", ACCEPTS, "libyaml: comment without a space after ']'" },
	{ "9SA2", REJECTS, "libyaml: multi-line double-quoted flow key" },
	{ "A2M4", REJECTS, "libyaml: tabs after indentation indicators" },
	{ "BEC7", REJECTS, "libyaml: %YAML 1.3 directive" },
	{ "CVW2", ACCEPTS, "libyaml: comment without a space after ','" },
	{ "DBG4", REJECTS, "libyaml: plain characters in flow sequences" },
	{ "DK3J", REJECTS, "libyaml: zero-indented block scalar with '#' line" },
	{ "DK95-00", REJECTS, "libyaml: tabs that look like indentation" },
	{ "DK95-01", ACCEPTS, "libyaml: tabs that look like indentation" },
	{ "DK95-03", REJECTS, "libyaml: tabs that look like indentation" },
	{ "DK95-04", REJECTS, "libyaml: tabs that look like indentation" },
	{ "EB22", ACCEPTS, "libyaml: directive without a preceding '...'" },
	{ "FP8R", REJECTS, "libyaml: zero-indented block scalar" },
	{ "G5U8", ACCEPTS, "libyaml: '-' as plain scalar in a flow sequence" },
	{ "HM87-00", REJECTS, "libyaml: flow scalar starting with ':'" },
	{ "HM87-01", DIFFERS, "libyaml: flow scalar starting with '?'" },
	{ "HWV9", REJECTS, "libyaml: stream of only '...'" },
	{ "JEF9-02", DIFFERS, "libyaml: trailing whitespace of a kept block scalar" },
	{ "K3WX", REJECTS, "libyaml: flow ':' after a comment line" },
	{ "L24T-01", DIFFERS, "libyaml: trailing line of spaces in a kept block scalar" },
	{ "M7A3", REJECTS, "libyaml: bare documents" },
	{ "MUS6-00", ACCEPTS, "libyaml: %YAML directive variants" },
	{ "MUS6-01", ACCEPTS, "libyaml: repeated %YAML directive" },
	{ "MUS6-05", REJECTS, "libyaml: %YAML directive with a comment" },
	{ "MUS6-06", REJECTS, "libyaml: %YAML 1.1 directive variant" },
	{ "NJ66", REJECTS, "libyaml: multi-line plain flow mapping key" },
	{ "Q5MG", REJECTS, "libyaml: tab before a flow mapping" },
	{ "QB6E", ACCEPTS, "libyaml: wrongly indented multi-line quoted scalar" },
	{ "QT73", REJECTS, "libyaml: comment and '...' only" },
	{ "R4YG", REJECTS, "libyaml: tabs in block scalars with indentation indicator" },
	{ "RHX7", ACCEPTS, "libyaml: %YAML directive without '...'" },
	{ "S98Z", ACCEPTS, "libyaml: block scalar more indented than its first line" },
	{ "SU5Z", ACCEPTS, "libyaml: comment without a space after a quoted scalar" },
	{ "UT92", REJECTS, "libyaml: explicit documents with '...'" },
	{ "VJP3-01", REJECTS, "libyaml: flow collection over many lines" },
	{ "W4TN", REJECTS, "libyaml: %YAML 1.2 directive documents" },
	{ "W5VH", REJECTS, "libyaml: alias name with ':' and other characters" },
	{ "X4QW", ACCEPTS, "libyaml: comment without a space after '>'" },
	{ "Y2GN", DIFFERS, "libyaml: anchor name with ':' in the middle" },
	{ "Y79Y-001", REJECTS, "libyaml: tabs in various contexts" },
	{ "Y79Y-003", ACCEPTS, "libyaml: tab before '-' in a block sequence" },
	{ "Y79Y-010", REJECTS, "libyaml: tabs in various contexts" },
	{ "YJV2", ACCEPTS, "libyaml: '-' alone in a flow sequence" },
};

#define NKNOWN (sizeof(known) / sizeof(known[0]))

static int used[NKNOWN];
static int verbose;

static const struct known *find_known(const char *id)
{
	size_t i;

	for (i = 0; i < NKNOWN; i++)
		if (strcmp(known[i].id, id) == 0) {
			used[i] = 1;
			return &known[i];
		}
	return NULL;
}

static int read_file(struct kp_buf *b, const char *dir, const char *id,
		     const char *file, struct kp_error *err)
{
	struct kp_buf path = KP_BUF_INIT;
	int error;

	kp_buf_addf(&path, "%s/%s/%s", dir, id, file);
	error = kp_buf_read_file(b, path.buf, FILE_MAX, err);
	kp_buf_release(&path);
	return error;
}

static int is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The length of the JSON text starting at s (which is not a space). */
static size_t json_extent(const char *s, size_t len)
{
	size_t i = 0;
	int depth = 0, in_str = 0;

	if (s[0] != '{' && s[0] != '[' && s[0] != '"') {
		while (i < len && !is_space((unsigned char)s[i]) &&
		       s[i] != '{' && s[i] != '[' && s[i] != '"')
			i++;
		return i;
	}
	for (; i < len; i++) {
		char c = s[i];

		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = 0;
			if (!in_str && depth == 0)
				return i + 1;
			continue;
		}
		if (c == '"')
			in_str = 1;
		else if (c == '{' || c == '[')
			depth++;
		else if ((c == '}' || c == ']') && --depth == 0)
			return i + 1;
	}
	return len;
}

/*
 * in.json as a KP_SEQ of its JSON texts, in *out (a document of its own).
 * Returns 0, or negative with err set.
 */
static int load_json_stream(struct kp_doc **out, const char *data,
			    size_t len, const char *name, struct kp_error *err)
{
	struct kp_doc *doc = kp_doc_new();
	struct kp_node *seq = kp_node_new(doc, KP_SEQ, 1, 1);
	size_t i = 0;
	int error = 0;

	while (i < len) {
		struct kp_doc *one = NULL;
		size_t n;

		if (is_space((unsigned char)data[i])) {
			i++;
			continue;
		}
		n = json_extent(data + i, len - i);
		if ((error = kp_json_parse(&one, data + i, n, name, err)) < 0)
			break;
		kp_node_append(doc, seq, kp_node_copy(doc, kp_doc_root(one)));
		kp_doc_free(one);
		i += n;
	}
	if (error < 0) {
		kp_doc_free(doc);
		return error;
	}
	kp_doc_set_root(doc, seq);
	*out = doc;
	return 0;
}

/* What kiplan does with one case; *why says more when it is not PASS. */
static enum outcome run_case(const char *dir, const char *id, int is_error,
			     struct kp_buf *why)
{
	struct kp_buf yaml = KP_BUF_INIT, json = KP_BUF_INIT;
	struct kp_error err = KP_ERROR_INIT;
	struct kp_doc *got = NULL, *want = NULL;
	enum outcome result;
	char msg[600];
	int rc;

	if (read_file(&yaml, dir, id, "in.yaml", &err) < 0) {
		kp_error_format(msg, sizeof(msg), &err);
		kp_buf_addf(why, "cannot read: %s", msg);
		result = is_error ? ACCEPTS : REJECTS;
		goto done;
	}
	rc = kp_yaml_parse(&got, yaml.buf, yaml.len, 1, KP_YAML_STREAM,
			   "in.yaml", &err);
	if (is_error) {
		if (rc == 0) {
			kp_json_write(why, kp_doc_root(got));
			result = ACCEPTS;
		} else if (err.code != rc || !err.line || !err.col ||
			   !err.msg[0]) {
			kp_buf_addf(why, "refused without a position (%d %u:%u %s)",
				    rc, err.line, err.col, err.msg);
			result = ACCEPTS;
		} else {
			result = PASS;
		}
		goto done;
	}
	if (rc < 0) {
		kp_error_format(msg, sizeof(msg), &err);
		kp_buf_addstr(why, msg);
		result = REJECTS;
		goto done;
	}
	if (read_file(&json, dir, id, "in.json", &err) < 0 ||
	    load_json_stream(&want, json.buf, json.len, "in.json", &err) < 0) {
		kp_error_format(msg, sizeof(msg), &err);
		kp_buf_addf(why, "in.json: %s", msg);
		result = DIFFERS;
		goto done;
	}
	if (kp_node_equal(kp_doc_root(got), kp_doc_root(want))) {
		result = PASS;
	} else {
		kp_buf_addstr(why, "got ");
		kp_json_write(why, kp_doc_root(got));
		kp_buf_addstr(why, " want ");
		kp_json_write(why, kp_doc_root(want));
		result = DIFFERS;
	}
done:
	kp_doc_free(got);
	kp_doc_free(want);
	kp_buf_release(&yaml);
	kp_buf_release(&json);
	return result;
}

/*
 * The same input as a plan's frontmatter: refused or loaded, but cleanly:
 * a refusal names a position and a message, a load has a mapping root.
 * Returns 0 when all is well.
 */
static int run_plan_mode(const char *dir, const char *id, struct kp_buf *why)
{
	struct kp_buf yaml = KP_BUF_INIT;
	struct kp_error err = KP_ERROR_INIT;
	struct kp_doc *doc = NULL;
	int rc, bad = 0;

	if (read_file(&yaml, dir, id, "in.yaml", &err) < 0) {
		kp_buf_release(&yaml);
		return 0;	/* reported by run_case() */
	}
	rc = kp_yaml_parse(&doc, yaml.buf, yaml.len, 2, KP_YAML_PLAN, "plan",
			   &err);
	if (rc == 0 && (!kp_doc_root(doc) ||
			kp_doc_root(doc)->type != KP_MAP)) {
		kp_buf_addstr(why, "plan mode loaded a root that is not a mapping");
		bad = 1;
	}
	if (rc < 0 && (err.code != rc || !err.msg[0] || doc)) {
		kp_buf_addf(why, "plan mode refused without a message (%d)", rc);
		bad = 1;
	}
	if (rc < 0 && rc != KP_ELIMIT && (err.line < 2 || !err.col)) {
		kp_buf_addf(why, "plan mode refused without a position: %s",
			    err.msg);
		bad = 1;
	}
	kp_doc_free(doc);
	kp_buf_release(&yaml);
	return bad;
}

static int selected(const char *id, int argc, char **argv)
{
	int i;

	if (argc < 3)
		return 1;
	for (i = 2; i < argc; i++)
		if (strcmp(argv[i], id) == 0)
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	struct kp_buf index = KP_BUF_INIT, path = KP_BUF_INIT;
	struct kp_error err = KP_ERROR_INIT;
	int pass = 0, fail = 0, nknown = 0;
	char msg[600], *line, *next;
	size_t i;

	if (argc > 1 && strcmp(argv[1], "-v") == 0) {
		verbose = 1;
		argv++;
		argc--;
	}
	if (argc < 2) {
		fputs("usage: yaml-suite [-v] DIR [ID...]\n", stderr);
		return 2;
	}
	kp_buf_addf(&path, "%s/index.tsv", argv[1]);
	if (kp_buf_read_file(&index, path.buf, FILE_MAX, &err) < 0) {
		kp_error_format(msg, sizeof(msg), &err);
		fprintf(stderr, "yaml-suite: %s\n", msg);
		printf("0 passed, 1 failed\n");
		return 1;
	}
	for (line = index.buf; *line; line = next) {
		char *field[6] = { NULL };
		struct kp_buf why = KP_BUF_INIT, pwhy = KP_BUF_INIT;
		const struct known *k;
		enum outcome got;
		int nf = 0, is_error, listed;
		char *p;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else
			next = line + strlen(line);
		if (!*line || strncmp(line, "id\t", 3) == 0)
			continue;
		for (p = line; nf < 6; nf++) {
			field[nf] = p;
			p = strchr(p, '\t');
			if (!p)
				break;
			*p++ = '\0';
		}
		if (nf < 3) {
			printf("FAIL index.tsv: malformed line '%s'\n", line);
			fail++;
			continue;
		}
		if (!selected(field[0], argc, argv))
			continue;
		is_error = strcmp(field[1], "error") == 0;
		got = run_case(argv[1], field[0], is_error, &why);
		k = find_known(field[0]);
		listed = strcmp(field[3], "ok") != 0;
		if (run_plan_mode(argv[1], field[0], &pwhy)) {
			printf("FAIL %s: %s\n", field[0], pwhy.buf);
			fail++;
		} else if (!k != !listed) {
			printf("FAIL %s: index.tsv says '%s' but the known list %s\n",
			       field[0], field[3],
			       k ? "has it" : "does not");
			fail++;
		} else if (k && got == k->expect) {
			if (verbose)
				printf("known %s: %s (%s)\n", field[0],
				       outcome_names[got], k->reason);
			nknown++;
		} else if (k && got == PASS) {
			printf("XPASS %s: known failure now passes (%s); "
			       "update the known list\n", field[0], k->reason);
			fail++;
		} else if (k) {
			printf("FAIL %s: expected to %s (%s), but %s: %s\n",
			       field[0], outcome_names[k->expect], k->reason,
			       outcome_names[got], why.buf);
			fail++;
		} else if (got != PASS) {
			printf("FAIL %s (%s): %s: %s\n", field[0],
			       nf >= 5 ? field[5] : "", outcome_names[got],
			       why.buf);
			fail++;
		} else {
			if (verbose)
				printf("ok %s\n", field[0]);
			pass++;
		}
		kp_buf_release(&why);
		kp_buf_release(&pwhy);
	}
	if (argc < 3)
		for (i = 0; i < NKNOWN; i++)
			if (!used[i]) {
				printf("FAIL %s: in the known list but not in index.tsv\n",
				       known[i].id);
				fail++;
			}
	kp_buf_release(&index);
	kp_buf_release(&path);
	printf("%d passed, %d failed, %d known\n", pass, fail, nknown);
	return fail ? 1 : 0;
}
