/*
 * test_edit.c: surgical edits of a plan's frontmatter (kp_yaml_edit):
 * the text that comes out, byte for byte, and that it loads as the tree
 * the edit meant.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "kiplan.h"

/* Edit text with op at path to the JSON value; the result, or an error. */
static const char *edit(const char *text, enum kp_edit_op op,
			const char *path, const char *json)
{
	static char out[4096];
	struct kp_buf b = KP_BUF_INIT;
	struct kp_error err = KP_ERROR_INIT;
	struct kp_doc *doc = NULL;
	struct kp_plan *plan = NULL;

	kp_buf_addstr(&b, text);
	if (json && kp_json_parse(&doc, json, strlen(json), "v", &err) < 0) {
		snprintf(out, sizeof(out), "bad JSON: %s", err.msg);
		goto done;
	}
	if (kp_yaml_edit(&b, op, path, doc ? kp_doc_root(doc) : NULL, &err) <
	    0) {
		snprintf(out, sizeof(out), "error: %s", err.msg);
		goto done;
	}
	/* Whatever the edit wrote must load. */
	if (kp_plan_parse(&plan, "t.md", b.buf, b.len, 0, &err) < 0)
		snprintf(out, sizeof(out), "does not load: %s\n%s", err.msg,
			 b.buf);
	else
		snprintf(out, sizeof(out), "%s", b.buf);
done:
	kp_plan_free(plan);
	kp_doc_free(doc);
	kp_buf_release(&b);
	return out;
}

static const char plan[] =
	"---\n"
	"# a comment\n"
	"status: kladde   # kladde | aktiv\n"
	"samtykke:\n"
	"  givet: true\n"
	"  dato:   # Dato\n"
	"maal:\n"
	"  - titel: A\n"
	"    indsatser:\n"
	"      - opgave: |\n"
	"          Lang\n"
	"          tekst\n"
	"\n"
	"        frist: 2014-06-02\n"
	"      - opgave: B   # b\n"
	"# part 5\n"
	"opfoelgning:\n"
	"  dato: 2014-10-01\n"
	"---\n"
	"Body\n";

void test_edit__scalars_in_place(void)
{
	char want[2048];

	snprintf(want, sizeof(want), "%s", plan);
	memcpy(strstr(want, "kladde   #"), "aktiv    #", 10);
	/* The comment after the value stays; so does the rest. */
	STR_EQ(edit(plan, KP_EDIT_SET, "status", "\"aktiv\""),
	       "---\n# a comment\nstatus: aktiv   # kladde | aktiv\n"
	       "samtykke:\n  givet: true\n  dato:   # Dato\nmaal:\n"
	       "  - titel: A\n    indsatser:\n      - opgave: |\n"
	       "          Lang\n          tekst\n\n"
	       "        frist: 2014-06-02\n      - opgave: B   # b\n"
	       "# part 5\nopfoelgning:\n  dato: 2014-10-01\n---\nBody\n");
	/* An empty value is filled after its colon, before the comment. */
	OK(strstr(edit(plan, KP_EDIT_SET, "samtykke.dato", "\"2014-05-01\""),
		  "  dato: 2014-05-01   # Dato\n"));
	/* A block scalar gives way to the new value; its blank line stays. */
	OK(strstr(edit(plan, KP_EDIT_SET, "maal.0.indsatser.0.opgave",
		       "\"Kort\""),
		  "      - opgave: Kort\n\n        frist: 2014-06-02\n"));
	OK(strstr(edit(plan, KP_EDIT_SET, "maal.0.indsatser.1.opgave",
		       "\"C: d\""),
		  "      - opgave: \"C: d\"   # b\n"));
	OK(strstr(edit(plan, KP_EDIT_SET, "samtykke.givet", "false"),
		  "  givet: false\n"));
}

void test_edit__keys_and_items_added(void)
{
	/* A key at the end of its mapping, at its siblings' column. */
	OK(strstr(edit(plan, KP_EDIT_SET, "maal.0.indsatser.1.status",
		       "\"gennemfoert\""),
		  "      - opgave: B   # b\n        status: gennemfoert\n"
		  "# part 5\n"));
	/* A top-level key at the end of the frontmatter. */
	OK(strstr(edit(plan, KP_EDIT_SET, "afslutning.dato",
		       "\"2015-03-01\""),
		  "  dato: 2014-10-01\nafslutning:\n  dato: 2015-03-01\n---\n"));
	/* An item at the end of its list. */
	OK(strstr(edit(plan, KP_EDIT_SET, "maal.0.indsatser.2",
		       "{\"opgave\":\"Ny\",\"ansvarlig\":\"X\"}"),
		  "      - opgave: B   # b\n      - opgave: Ny\n"
		  "        ansvarlig: X\n# part 5\n"));
	/* A new list from item 0, and a list of meetings. */
	OK(strstr(edit(plan, KP_EDIT_SET, "moeder.0",
		       "{\"dato\":\"2014-10-01\",\"deltagere\":[\"A\",\"B\"]}"),
		  "moeder:\n  - dato: 2014-10-01\n    deltagere:\n      - A\n"
		  "      - B\n---\n"));
	STR_EQ(edit(plan, KP_EDIT_SET, "moeder.1", "1"),
	       "error: a new list starts at item 0");
	/* A value that was a scalar becomes a mapping. */
	OK(strstr(edit(plan, KP_EDIT_SET, "samtykke.dato.x", "1"),
		  "is not a field there") == NULL);
	OK(strstr(edit(plan, KP_EDIT_SET, "samtykke.givet.x", "1"),
		  "error: cannot set 'samtykke.givet.x': 'x' is not a field"));
	STR_EQ(edit(plan, KP_EDIT_SET, "maal.5.titel", "\"x\""),
	       "error: cannot set 'maal.5.titel': '5' is not a field there "
	       "(list items are numbered from 0, in order)");
}

void test_edit__removed(void)
{
	/* A key with its lines; a mapping left empty goes with it. */
	OK(strstr(edit(plan, KP_EDIT_REMOVE, "opfoelgning.dato", NULL),
		  "# part 5\n---\nBody\n"));
	OK(strstr(edit(plan, KP_EDIT_REMOVE, "maal.0.indsatser.0.opgave",
		       NULL),
		  "      - frist: 2014-06-02\n") == NULL);
	OK(strstr(edit(plan, KP_EDIT_REMOVE, "maal.0.indsatser.0.frist", NULL),
		  "          tekst\n\n      - opgave: B"));
	OK(strstr(edit(plan, KP_EDIT_REMOVE, "samtykke.dato", NULL),
		  "samtykke:\n  givet: true\nmaal:\n"));
	/* Nothing to remove is nothing to do. */
	STR_EQ(edit(plan, KP_EDIT_REMOVE, "henvisning.dato", NULL), plan);
}

void test_edit__flow_refused(void)
{
	static const char flow[] = "---\nid: x\nd: {a: 1}\nl: []\n---\n";

	OK(strstr(edit(flow, KP_EDIT_SET, "d.b", "2"),
		  "error: cannot change 'd.b': it is written in flow style"));
	/* An empty [] is replaced, in block style. */
	STR_EQ(edit(flow, KP_EDIT_SET, "l.0", "\"a\""),
	       "---\nid: x\nd: {a: 1}\nl:\n  - a\n---\n");
}

/* libyaml counts characters; the edit counts bytes: æ, ø and å. */
void test_edit__after_non_ascii(void)
{
	static const char t[] = "---\nnavn: Søren Ærø Åberg\ns:\n  a: 1\n---\n";

	STR_EQ(edit(t, KP_EDIT_SET, "s.b", "\"ø\""),
	       "---\nnavn: Søren Ærø Åberg\ns:\n  a: 1\n  b: ø\n---\n");
	STR_EQ(edit(t, KP_EDIT_SET, "s.a", "2"),
	       "---\nnavn: Søren Ærø Åberg\ns:\n  a: 2\n---\n");
}
