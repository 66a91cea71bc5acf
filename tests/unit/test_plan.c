/*
 * test_plan.c: plan files: frontmatter, body, BOM and CRLF, positions of
 * every refusal, and the size limit.
 */
#include <cmark.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "kiplan.h"

static char result[1024];

/* "ok" or "<code>: <file:line:col: message>" for a plan held in s. */
static const char *plan_n(const char *s, size_t len)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_plan *plan = NULL;
	char msg[600];
	int rc;

	rc = kp_plan_parse(&plan, "p.md", s, len, KP_LOAD_BODY, &err);
	if (rc < 0) {
		OK(plan == NULL);
		OK(err.code == rc);
		kp_error_format(msg, sizeof(msg), &err);
		snprintf(result, sizeof(result), "%s: %s", kp_error_name(rc),
			 msg);
		return result;
	}
	OK(plan->root && plan->root->type == KP_MAP);
	kp_plan_free(plan);
	return "ok";
}

static const char *plan(const char *s)
{
	return plan_n(s, strlen(s));
}

void test_plan__frontmatter_and_body(void)
{
	const char *s = "---\nid: ki-2014-0001\nborger:\n  navn: Jens Hansen\n"
			"---\n# Noter\n\nFra mødet.\n";
	struct kp_error err = KP_ERROR_INIT;
	struct kp_plan *p = NULL;
	cmark_node *first;

	INT_EQ(kp_plan_parse(&p, "ki.md", s, strlen(s), KP_LOAD_BODY, &err), 0);
	STR_EQ(p->path, "ki.md");
	STR_EQ(kp_plan_str(p, "id"), "ki-2014-0001");
	STR_EQ(kp_plan_str(p, "borger.navn"), "Jens Hansen");
	OK(kp_plan_str(p, "borger.cpr") == NULL);
	OK(kp_plan_str(NULL, "id") == NULL);
	INT_EQ(p->body_line, 6);
	STR_EQ(p->body, "# Noter\n\nFra mødet.\n");
	INT_EQ(p->body_len, strlen(p->body));
	INT_EQ(p->text.len, strlen(s));
	/* Frontmatter positions are file positions. */
	INT_EQ(kp_map_pair(p->root, "borger")->line, 3);
	INT_EQ(kp_node_at(p->root, "borger.navn")->line, 4);
	INT_EQ(kp_node_at(p->root, "borger.navn")->col, 9);
	OK(p->body_doc != NULL);
	first = cmark_node_first_child(p->body_doc);
	INT_EQ(cmark_node_get_type(first), CMARK_NODE_HEADING);
	INT_EQ(cmark_node_get_start_line(first) + p->body_line - 1, 6);
	kp_plan_free(p);
	/* Without KP_LOAD_BODY the body is not parsed. */
	INT_EQ(kp_plan_parse(&p, "ki.md", s, strlen(s), 0, &err), 0);
	OK(p->body_doc == NULL);
	kp_plan_free(p);
	kp_plan_free(NULL);
}

void test_plan__closing_lines_and_empty_body(void)
{
	const char *s = "---\nid: x\n...\nbody";
	struct kp_error err = KP_ERROR_INIT;
	struct kp_plan *p = NULL;

	INT_EQ(kp_plan_parse(&p, "p.md", s, strlen(s), 0, &err), 0);
	STR_EQ(p->body, "body");
	INT_EQ(p->body_line, 4);
	kp_plan_free(p);
	s = "---\nid: x\n---";
	INT_EQ(kp_plan_parse(&p, "p.md", s, strlen(s), KP_LOAD_BODY, &err), 0);
	INT_EQ(p->body_len, 0);
	INT_EQ(p->body_line, 4);
	kp_plan_free(p);
	/* "--- x" inside the frontmatter is not its end. */
	STR_EQ(plan("---\nid: x\n----\n"),
	       "parse: p.md:1:1: unclosed frontmatter: no closing '---' line");
}

void test_plan__bom_and_crlf(void)
{
	const char *s = "\xef\xbb\xbf---\r\nid: x\r\nnavn: \"a\r\n  b\"\r\n"
			"---\r\nline one\r\nline two\r\n";
	const char *dup = "\xef\xbb\xbf---\r\nid: x\r\nnavn: a\r\n\r\n"
			  "navn: b\r\n---\r\n";
	struct kp_error err = KP_ERROR_INIT;
	struct kp_plan *p = NULL;

	INT_EQ(kp_plan_parse(&p, "p.md", s, strlen(s), 0, &err), 0);
	STR_EQ(p->text.buf, "---\nid: x\nnavn: \"a\n  b\"\n---\nline one\n"
			    "line two\n");
	STR_EQ(kp_plan_str(p, "navn"), "a b");
	INT_EQ(p->body_line, 6);
	STR_EQ(p->body, "line one\nline two\n");
	kp_plan_free(p);
	/* Line numbers are those of the file. */
	STR_EQ(plan(dup),
	       "parse: p.md:5:1: duplicate key 'navn' (first at line 3)");
	/* A lone CR ends a line too (as in YAML and CommonMark). */
	STR_EQ(plan("---\rid: x\rid: y\r---\r"),
	       "parse: p.md:3:1: duplicate key 'id' (first at line 2)");
}

void test_plan__refusals_with_positions(void)
{
	STR_EQ(plan(""), "parse: p.md:1:1: a plan starts with a '---' line");
	STR_EQ(plan("id: x\n---\n"),
	       "parse: p.md:1:1: a plan starts with a '---' line");
	STR_EQ(plan("--- \nid: x\n---\n"),
	       "parse: p.md:1:1: a plan starts with a '---' line");
	STR_EQ(plan("\n---\nid: x\n---\n"),
	       "parse: p.md:1:1: a plan starts with a '---' line");
	STR_EQ(plan("---\nid: x\n"),
	       "parse: p.md:1:1: unclosed frontmatter: no closing '---' line");
	STR_EQ(plan("---"),
	       "parse: p.md:1:1: unclosed frontmatter: no closing '---' line");
	STR_EQ(plan("---\n---\nbody\n"),
	       "parse: p.md:2:1: the frontmatter is empty");
	STR_EQ(plan("---\n# only a comment\n---\n"),
	       "parse: p.md:2:1: the frontmatter is empty");
	STR_EQ(plan("---\n- a\n---\n"),
	       "parse: p.md:2:1: the frontmatter must be a mapping (key: "
	       "value), not a list");
	STR_EQ(plan("---\nid: x\nbad: [1,\n---\n"),
	       "parse: p.md:4:1: a value is missing here");
	STR_EQ(plan("---\nid: x\n  y: 1\n---\n"),
	       "parse: p.md:3:4: a ':' followed by a space cannot stand "
	       "here: put a value that holds ': ' in quotes, and indent a "
	       "key like the keys above it");
	STR_EQ(plan("---\nid: &a x\n---\n"),
	       "parse: p.md:2:5: anchors and aliases are not allowed in a "
	       "plan");
	STR_EQ(plan("---\nid: !!binary eA==\n---\n"),
	       "parse: p.md:2:5: tags are not allowed in a plan: '!!binary'");
	STR_EQ(plan("---\nid: x\n<<: {a: 1}\n---\n"),
	       "parse: p.md:3:1: merge keys ('<<') are not allowed in a plan");
	STR_EQ(plan("---\nid: x\n--- y\n---\n"),
	       "parse: p.md:3:1: a second YAML document is not allowed in a "
	       "plan");
}

void test_plan__bytes_checked_in_body_too(void)
{
	STR_EQ(plan("---\nid: x\n---\nbody\nmore \x1b[2J\n"),
	       "parse: p.md:5:6: control character U+001B is not allowed");
	STR_EQ(plan("---\nid: x\n---\næøå \xe6\n"),
	       "parse: p.md:4:5: invalid UTF-8 (byte 0xe6)");
	STR_EQ(plan_n("---\nid: x\n---\nbody\0\n", 20),
	       "parse: p.md:4:5: control character U+0000 is not allowed");
	STR_EQ(plan("---\nid: \"x\x08\"\n---\n"),
	       "parse: p.md:2:7: control character U+0008 is not allowed");
	STR_EQ(plan("\xef\xbb\xbf---\r\nid: x\x7f\r\n---\r\n"),
	       "parse: p.md:2:6: control character U+007F is not allowed");
	STR_EQ(plan("---\nid: x\n---\nCSI \xc2\x9b" "31m\n"),
	       "parse: p.md:4:5: control character U+009B is not allowed");
	STR_EQ(plan("---\nid: x\n---\ntab\tand CR\r\n\xc2\xa0\n"), "ok");
}

void test_plan__size_limit(void)
{
	struct kp_buf b = KP_BUF_INIT;

	kp_buf_addstr(&b, "---\nid: x\n---\n");
	while (b.len < KP_PLAN_MAX)
		kp_buf_addstr(&b, "Lorem ipsum dolor sit amet.\n");
	kp_buf_setlen(&b, KP_PLAN_MAX);
	STR_EQ(plan_n(b.buf, b.len), "ok");
	kp_buf_addch(&b, '\n');
	STR_EQ(plan_n(b.buf, b.len),
	       "limit: p.md: file is larger than the limit of 1048576 bytes");
	kp_buf_release(&b);
}

void test_plan__load_from_file(void)
{
	char dir[] = "/tmp/kp-test-plan-XXXXXX", path[64], missing[64];
	struct kp_error err = KP_ERROR_INIT;
	struct kp_plan *p = NULL;
	const char *s = "---\nid: ki-1\n---\nBody.\n";
	struct kp_buf big = KP_BUF_INIT;

	OK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/ki-1.md", dir);
	snprintf(missing, sizeof(missing), "%s/none.md", dir);
	INT_EQ(kp_write_file_atomic(path, s, strlen(s), 0600, &err), 0);
	INT_EQ(kp_plan_load(&p, path, KP_LOAD_BODY, &err), 0);
	STR_EQ(p->path, path);
	STR_EQ(kp_plan_str(p, "id"), "ki-1");
	OK(p->body_doc != NULL);
	kp_plan_free(p);
	INT_EQ(kp_plan_load(&p, missing, 0, &err), KP_EIO);
	OK(p == NULL);
	STR_EQ(err.file, missing);
	/* Too large: refused before it is parsed. */
	kp_buf_addstr(&big, "---\n");
	while (big.len <= KP_PLAN_MAX)
		kp_buf_addstr(&big, "# filler line of a large file\n");
	INT_EQ(kp_write_file_atomic(path, big.buf, big.len, 0600, &err), 0);
	INT_EQ(kp_plan_load(&p, path, 0, &err), KP_ELIMIT);
	OK(p == NULL);
	kp_buf_release(&big);
	/* An error in the file names it. */
	s = "---\nid: x\nid: y\n---\n";
	INT_EQ(kp_write_file_atomic(path, s, strlen(s), 0600, &err), 0);
	INT_EQ(kp_plan_load(&p, path, 0, &err), KP_EPARSE);
	STR_EQ(err.file, path);
	INT_EQ(err.line, 3);
	INT_EQ(err.col, 1);
	unlink(path);
	rmdir(dir);
}
