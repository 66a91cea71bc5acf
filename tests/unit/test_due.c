/*
 * test_due.c: due items from trees built by hand and from JSON, the
 * selection and sort, the ICS rules, and the cache.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "kiplan.h"

static struct kp_date D(int y, int m, int d) {
	struct kp_date r = { y, m, d };

	return r;
}

static const char *
fmt(struct kp_date d)
{
	static char out[11];

	kp_date_format(out, d);
	return out;
}

/* A plan from JSON text; the document stays alive in *doc. */
static const struct kp_node *plan(struct kp_doc **doc, const char *json)
{
	struct kp_error err = KP_ERROR_INIT;

	*doc = NULL;
	if (kp_json_parse(doc, json, strlen(json), "t.json", &err) < 0) {
		harness_fail(__FILE__, __LINE__, "bad test JSON: %s", err.msg);
		return NULL;
	}
	return kp_doc_root(*doc);
}

/* kp_due_text() of it, in a static buffer. */
static const char *text_of(const struct kp_due_item *it)
{
	static char s[256];
	struct kp_buf b = KP_BUF_INIT;

	kp_due_text(&b, it);
	snprintf(s, sizeof(s), "%s", b.buf);
	kp_buf_release(&b);
	return s;
}

void test_due__follow_up_six_months_clamped(void)
{
	struct kp_due_list l = KP_DUE_LIST_INIT;
	struct kp_findings f = KP_FINDINGS_INIT;
	struct kp_doc *doc;
	const struct kp_node *root =
		plan(&doc, "{\"id\":\"ki-2013-0001\",\"status\":\"aktiv\","
			   "\"moede\":{\"dato\":\"2013-08-31\"},"
			   "\"koordinator\":{\"navn\":\"Anne\"}}");

	INT_EQ(kp_due_extract(&l, root, "a.md", -1, &f), 1);
	INT_EQ(f.len, 0);
	INT_EQ(l.v[0].kind, KP_DUE_OPFOELGNING);
	STR_EQ(fmt(l.v[0].date), "2014-02-28");
	INT_EQ(l.v[0].inferred, 1);
	STR_EQ(text_of(&l.v[0]),
	       "Opfølgningsmøde (senest 6 mdr. efter mødet 2013-08-31)");
	STR_EQ(l.v[0].responsible, "Anne");
	STR_EQ(l.v[0].id, "ki-2013-0001");
	kp_due_release(&l);
	kp_doc_free(doc);

	root = plan(
		&doc,
		"{\"status\":\"aktiv\",\"moede\":{\"dato\":\"2015-08-31\"}}");
	kp_due_extract(&l, root, "b.md", -1, &f);
	STR_EQ(fmt(l.v[0].date), "2016-02-29");
	kp_due_release(&l);
	kp_doc_free(doc);

	/* An explicit date wins over the inference. */
	root = plan(&doc,
		    "{\"status\":\"aktiv\",\"moede\":{\"dato\":\"2014-01-01\"},"
		    "\"opfoelgning\":{\"dato\":\"2014-03-03\"}}");
	kp_due_extract(&l, root, "c.md", -1, &f);
	STR_EQ(fmt(l.v[0].date), "2014-03-03");
	INT_EQ(l.v[0].inferred, 0);
	STR_EQ(text_of(&l.v[0]), "Opfølgningsmøde");
	kp_due_release(&l);
	kp_doc_free(doc);
	kp_findings_release(&f);
}

void test_due__actions_closed_and_drafts(void)
{
	struct kp_due_list l = KP_DUE_LIST_INIT;
	struct kp_findings f = KP_FINDINGS_INIT;
	struct kp_doc *doc;
	const char *acts = "\"maal\":[{\"titel\":\"A\",\"indsatser\":["
			   "{\"opgave\":\"Et\",\"ansvarlig\":\"DP\",\"frist\":"
			   "\"2014-07-01\"},"
			   "{\"opgave\":\"To\"},"
			   "{\"opgave\":\"Tre\",\"frist\":\"2014-08-01\"},"
			   "{\"frist\":\"2014-08-02\"}]}]";
	char json[512];
	const struct kp_node *root;

	snprintf(json, sizeof(json),
		 "{\"status\":\"aktiv\",\"opfoelgning\":{\"dato\":\"2014-09-"
		 "01\"},%s}",
		 acts);
	root = plan(&doc, json);
	INT_EQ(kp_due_extract(&l, root, "a.md", -1, &f), 4);
	INT_EQ(l.v[1].kind, KP_DUE_FRIST);
	INT_EQ(l.v[1].n, 1);
	STR_EQ(l.v[1].responsible, "DP");
	STR_EQ(l.v[1].task, "Et");
	STR_EQ(text_of(&l.v[1]), "Frist: Et");
	/* The action's number counts the actions without a deadline too. */
	INT_EQ(l.v[2].n, 3);
	STR_EQ(l.v[2].responsible, "");
	/* An action without a task is named by its number. */
	STR_EQ(l.v[3].task, "");
	STR_EQ(text_of(&l.v[3]), "Frist for indsats 4");
	kp_due_release(&l);
	kp_doc_free(doc);

	snprintf(json, sizeof(json),
		 "{\"status\":\"afsluttet\",\"opfoelgning\":{\"dato\":\"2014-"
		 "09-01\"},%s}",
		 acts);
	root = plan(&doc, json);
	INT_EQ(kp_due_extract(&l, root, "b.md", 30, &f), 0);
	kp_doc_free(doc);

	root = plan(&doc, "{\"status\":\"kladde\",\"samtykke\":{\"dato\":"
			  "\"2014-05-10\"}}");
	INT_EQ(kp_due_extract(&l, root, "c.md", -1, &f), 0);
	INT_EQ(kp_due_extract(&l, root, "c.md", 14, &f), 1);
	INT_EQ(l.v[0].kind, KP_DUE_MOEDE);
	STR_EQ(fmt(l.v[0].date), "2014-05-10"); /* the consent date */
	INT_EQ(f.len, 0);
	kp_due_release(&l);
	kp_doc_free(doc);

	/* A draft's meeting names the planned date when there is one. */
	root = plan(
		&doc,
		"{\"status\":\"kladde\",\"samtykke\":{\"dato\":\"2014-05-10\"},"
		"\"moede\":{\"dato\":\"2014-06-20\"}}");
	INT_EQ(kp_due_extract(&l, root, "c.md", 14, &f), 1);
	INT_EQ(l.v[0].has_meeting, 1);
	STR_EQ(text_of(&l.v[0]),
	       "Første koordinerende møde (planlagt 2014-06-20)");
	kp_due_release(&l);
	kp_doc_free(doc);

	/*
	 * A draft without a consent date is not due, and due says nothing
	 * of it: validate warns, once (rule samtykke_dato).
	 */
	root = plan(&doc, "{\"status\":\"kladde\"}");
	INT_EQ(kp_due_extract(&l, root, "d.md", 14, &f), 0);
	INT_EQ(f.len, 0);
	kp_doc_free(doc);
	kp_findings_release(&f);
}

void test_due__problems_are_reported(void)
{
	struct kp_due_list l = KP_DUE_LIST_INIT;
	struct kp_findings f = KP_FINDINGS_INIT;
	struct kp_doc *doc;
	const struct kp_node *root;

	root = plan(&doc, "{\"status\":\"aktiv\",\n\"opfoelgning\":{\"dato\":"
			  "\"2014-02-30\"},"
			  "\"moede\":{\"dato\":\"2014-01-01\"}}");
	INT_EQ(kp_due_extract(&l, root, "a.md", -1, &f), 0);
	INT_EQ(f.len, 1);
	INT_EQ(f.v[0].sev, KP_ERROR);
	INT_EQ(f.v[0].line, 2);
	OK(strstr(f.v[0].msg, "opfoelgning.dato") != NULL);
	kp_findings_release(&f);
	kp_doc_free(doc);

	root = plan(&doc, "{\"status\":\"aktiv\"}");
	INT_EQ(kp_due_extract(&l, root, "b.md", -1, &f), 0);
	INT_EQ(f.len, 1);
	kp_findings_release(&f);
	kp_doc_free(doc);

	root = plan(
		&doc,
		"{\"status\":\"active\",\"moede\":{\"dato\":\"2014-01-01\"}}");
	INT_EQ(kp_due_extract(&l, root, "c.md", -1, &f), 0);
	INT_EQ(f.len, 1);
	OK(strstr(f.v[0].msg, "status") != NULL);
	kp_findings_release(&f);
	kp_doc_free(doc);

	root = plan(&doc,
		    "{\"status\":\"aktiv\",\"moede\":{\"dato\":20140101}}");
	kp_due_extract(&l, root, "d.md", -1, &f);
	INT_EQ(f.len, 1); /* not a date (and not again as missing) */
	kp_findings_release(&f);
	kp_doc_free(doc);
	kp_due_release(&l);
}

/* A tree built with kp_node_put, as the loader builds it. */
void test_due__tree_by_hand(void)
{
	struct kp_doc *doc = kp_doc_new();
	struct kp_node *root = kp_node_new(doc, KP_MAP, 1, 1);
	struct kp_node *moede = kp_node_new(doc, KP_MAP, 5, 1);
	struct kp_due_list l = KP_DUE_LIST_INIT;

	kp_node_put(doc, root, "status", 6, 2, 1,
		    kp_node_new_str(doc, "aktiv", 5, 2, 9));
	kp_node_put(doc, moede, "dato", 4, 6, 3,
		    kp_node_new_str(doc, "2016-02-29", 10, 6, 9));
	kp_node_put(doc, root, "moede", 5, 5, 1, moede);
	INT_EQ(kp_due_extract(&l, root, "x.md", -1, NULL), 1);
	STR_EQ(fmt(l.v[0].date), "2016-08-29");
	INT_EQ(l.v[0].line, 6);
	kp_due_release(&l);
	kp_doc_free(doc);
}

static void item(struct kp_due_list *l, const char *id, enum kp_due_kind k,
		 struct kp_date d, unsigned n, const char *resp)
{
	struct kp_due_item it;

	memset(&it, 0, sizeof(it));
	it.kind = k;
	it.date = d;
	it.n = n;
	it.id = id;
	it.file = "f.md";
	it.citizen = "Borger";
	it.coordinator = "Anne";
	it.responsible = resp;
	it.task = "t";
	kp_due_add(l, &it);
}

void test_due__keep_and_sort(void)
{
	struct kp_due_list all = KP_DUE_LIST_INIT, kept = KP_DUE_LIST_INIT;
	struct kp_due_opts o;

	memset(&o, 0, sizeof(o));
	o.today = D(2014, 6, 1);
	o.within = 14;
	o.draft_days = -1;
	item(&all, "ki-2014-0002", KP_DUE_FRIST, D(2014, 6, 15), 2, "B");
	item(&all, "ki-2014-0002", KP_DUE_OPFOELGNING, D(2014, 6, 15), 0, "A");
	item(&all, "ki-2014-0001", KP_DUE_FRIST, D(2014, 6, 16), 1, "B");
	item(&all, "ki-2014-0001", KP_DUE_OPFOELGNING, D(2014, 5, 1), 0, "A");
	item(&all, "ki-2014-0003", KP_DUE_MOEDE, D(2014, 5, 1), 0, "A");
	item(&all, "ki-2014-0004", KP_DUE_OPFOELGNING, D(2014, 6, 1), 0, "A");

	INT_EQ(kp_due_keep(&kept, all.v, all.len, &o), 4);
	INT_EQ(kp_due_sort(&kept, &o), 1);
	STR_EQ(kept.v[0].id, "ki-2014-0001");
	INT_EQ(kept.v[0].overdue, 31);
	STR_EQ(kept.v[1].id, "ki-2014-0004");
	INT_EQ(kept.v[1].overdue, 0);		    /* due today: not overdue */
	INT_EQ(kept.v[2].kind, KP_DUE_OPFOELGNING); /* same day and id */
	INT_EQ(kept.v[3].kind, KP_DUE_FRIST);
	INT_EQ(kept.v[3].overdue, -14);
	kp_due_release(&kept);

	o.overdue_only = 1;
	o.draft_days = 10;
	INT_EQ(kp_due_keep(&kept, all.v, all.len, &o), 2);
	kp_due_sort(&kept, &o);
	STR_EQ(kept.v[1].id, "ki-2014-0003");
	STR_EQ(fmt(kept.v[1].date), "2014-05-11");
	kp_due_release(&kept);

	o.overdue_only = 0;
	o.within = 100;
	o.by = KP_DUE_BY_ANSVARLIG;
	kp_due_keep(&kept, all.v, all.len, &o);
	kp_due_sort(&kept, &o);
	STR_EQ(kept.v[0].responsible, "A");
	STR_EQ(kept.v[kept.len - 1].responsible, "B");
	kp_due_release(&kept);

	o.coordinator = "ANNE";
	INT_EQ(kp_due_keep(&kept, all.v, all.len, &o), 6);
	kp_due_release(&kept);
	o.coordinator = "Peter";
	INT_EQ(kp_due_keep(&kept, all.v, all.len, &o), 0);
	kp_due_release(&kept);
	kp_due_release(&all);
}

void test_due__ics_text_and_folding(void)
{
	struct kp_buf b = KP_BUF_INIT;
	char line[300];
	size_t i, start;

	kp_ics_add_text(&b, "a,b;c\\d\ne\rf", 11);
	STR_EQ(b.buf, "a\\,b\\;c\\\\d\\nef");
	kp_buf_reset(&b);

	/* 200 octets of "æ" (2 octets each) after a 9-octet name. */
	memcpy(line, "SUMMARY:x", 9);
	for (i = 0; i < 100; i++)
		memcpy(line + 9 + 2 * i, "\xc3\xa6", 2);
	kp_ics_add_line(&b, line, 209);
	start = 0;
	for (i = 0; i + 1 < b.len; i++) {
		if (b.buf[i] == '\r' && b.buf[i + 1] == '\n') {
			OK(i - start <= 75);
			/* Never inside a UTF-8 sequence. */
			OK(i == start || (b.buf[i - 1] & 0xc0) != 0xc0);
			start = i + 2;
			if (start < b.len)
				OK(b.buf[start] == ' ');
		}
	}
	OK(b.len > 4 && memcmp(b.buf + b.len - 2, "\r\n", 2) == 0);
	kp_buf_reset(&b);
	kp_ics_add_line(&b, "X:12345", 7);
	STR_EQ(b.buf, "X:12345\r\n");
	kp_buf_release(&b);
}

void test_due__cache_round_trip_and_identity(void)
{
	char dir[] = "/tmp/kp-test-cache-XXXXXX";
	struct kp_due_list in = KP_DUE_LIST_INIT, out = KP_DUE_LIST_INIT;
	struct kp_error err = KP_ERROR_INIT;
	struct kp_due_cache *c;
	struct kp_file_id a = { 1, 2, 300, 1000000000LL, 1000000000LL };
	struct kp_file_id b = { 1, 3, 400, 1000000000LL, 1000000000LL };
	struct kp_buf path = KP_BUF_INIT;
	struct stat st;

	OK(mkdtemp(dir) != NULL);
	kp_buf_addf(&path, "%s/sub/due.cache", dir);
	item(&in, "ki-2014-0001", KP_DUE_FRIST, D(2014, 6, 15), 2, "Å, ø; \\");
	item(&in, "ki-2014-0001", KP_DUE_OPFOELGNING, D(2016, 2, 29), 0, "");
	in.v[1].inferred = 1;
	in.v[1].has_meeting = 1;
	in.v[1].meeting = D(2015, 8, 29);

	OK(kp_due_cache_open(&c, path.buf, 42, &err) == 0);
	OK(kp_due_cache_get(c, "a.md", &a, &out) == 0);
	kp_due_cache_put(c, "a.md", &a, in.v, 2);
	kp_due_cache_put(c, "b/c.md", &b, in.v, 0);
	OK(kp_due_cache_commit(c, &err) == 0);
	kp_due_cache_free(c);
	OK(stat(path.buf, &st) == 0 && (st.st_mode & 0777) == 0600);

	OK(kp_due_cache_open(&c, path.buf, 42, &err) == 0);
	INT_EQ(kp_due_cache_get(c, "a.md", &a, &out), 1);
	INT_EQ(out.len, 2);
	STR_EQ(out.v[0].responsible, "Å, ø; \\");
	STR_EQ(out.v[0].file, "a.md");
	STR_EQ(fmt(out.v[1].date), "2016-02-29");
	INT_EQ(out.v[0].n, 2);
	STR_EQ(out.v[0].task, "t");
	INT_EQ(out.v[0].has_meeting, 0);
	INT_EQ(out.v[1].has_meeting, 1);
	STR_EQ(fmt(out.v[1].meeting), "2015-08-29");
	STR_EQ(text_of(&out.v[1]),
	       "Opfølgningsmøde (senest 6 mdr. efter mødet 2015-08-29)");
	/* Another inode: a miss. */
	b.ino = 4;
	INT_EQ(kp_due_cache_get(c, "b/c.md", &b, &out), 0);
	INT_EQ(out.len, 2);
	kp_due_cache_free(c);

	/* Another key: everything misses. */
	OK(kp_due_cache_open(&c, path.buf, 43, &err) == 0);
	INT_EQ(kp_due_cache_get(c, "a.md", &a, &out), 0);
	kp_due_cache_free(c);

	kp_due_release(&in);
	kp_due_release(&out);
	unlink(path.buf);
	kp_buf_reset(&path);
	kp_buf_addf(&path, "%s/sub", dir);
	rmdir(path.buf);
	rmdir(dir);
	kp_buf_release(&path);
}

static int collect(const char *path, const struct kp_error *problem,
		   void *payload)
{
	struct kp_buf *b = payload;

	if (problem)
		return 0;
	kp_buf_addstr(b, path);
	kp_buf_addch(b, '\n');
	return 0;
}

void test_due__scan_order(void)
{
	char dir[] = "/tmp/kp-test-scan-XXXXXX";
	static const char *const files[] = { "b.md",	"a/z.md",  "a-c.md",
					     "a/y.txt", ".h/x.md", "A.md" };
	struct kp_buf b = KP_BUF_INIT, p = KP_BUF_INIT;
	const char *roots[1];
	char cwd[4096];
	size_t i;
	FILE *f;

	OK(getcwd(cwd, sizeof(cwd)) != NULL);
	OK(mkdtemp(dir) != NULL);
	OK(chdir(dir) == 0);
	mkdir("a", 0700);
	mkdir(".h", 0700);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		f = fopen(files[i], "w");
		OK(f != NULL);
		if (f)
			fclose(f);
	}
	roots[0] = ".";
	OK(kp_scan(roots, 1, collect, &b) == 0);
	STR_EQ(b.buf, "./A.md\n./a/z.md\n./a-c.md\n./b.md\n");
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		unlink(files[i]);
	rmdir("a");
	rmdir(".h");
	OK(chdir(cwd) == 0);
	rmdir(dir);
	kp_buf_release(&b);
	kp_buf_release(&p);
}

/* Node for node, with lines and columns: the fast reader and the loader. */
static int same_tree(const struct kp_node *a, const struct kp_node *b)
{
	size_t i;

	if (a->type != b->type || a->line != b->line || a->col != b->col)
		return 0;
	switch (a->type) {
	case KP_STR:
		return a->v.str.len == b->v.str.len &&
		       memcmp(a->v.str.ptr, b->v.str.ptr, a->v.str.len) == 0;
	case KP_INT: return a->v.integer == b->v.integer;
	case KP_BOOL: return a->v.boolean == b->v.boolean;
	case KP_SEQ:
		if (a->v.seq.len != b->v.seq.len)
			return 0;
		for (i = 0; i < a->v.seq.len; i++)
			if (!same_tree(a->v.seq.items[i], b->v.seq.items[i]))
				return 0;
		return 1;
	case KP_MAP:
		if (a->v.map.len != b->v.map.len)
			return 0;
		for (i = 0; i < a->v.map.len; i++) {
			const struct kp_pair *p = &a->v.map.pairs[i];
			const struct kp_pair *q = &b->v.map.pairs[i];

			if (strcmp(p->key, q->key) != 0 || p->line != q->line ||
			    p->col != q->col || !same_tree(p->value, q->value))
				return 0;
		}
		return 1;
	default: return 1;
	}
}

/* 1 when the fast reader accepted text; then it must equal the loader. */
static int fast_agrees(const char *name, const char *text, size_t len)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_plan *f = NULL, *s = NULL;
	int accepted = kp_plan_fast(&f, name, text, len);

	if (accepted) {
		if (kp_plan_parse(&s, name, text, len, 0, &err) < 0)
			harness_fail(__FILE__, __LINE__,
				     "%s: fast reader accepts, loader: %s",
				     name, err.msg);
		else if (!same_tree(f->root, s->root) ||
			 f->body_len != s->body_len ||
			 f->body_line != s->body_line ||
			 memcmp(f->body, s->body, f->body_len) != 0)
			harness_fail(__FILE__, __LINE__,
				     "%s: fast reader and loader differ", name);
	}
	kp_plan_free(f);
	kp_plan_free(s);
	return accepted;
}

static int agree_file(const char *path, const struct kp_error *problem,
		      void *payload)
{
	struct kp_buf b = KP_BUF_INIT;
	struct kp_error err = KP_ERROR_INIT;
	int *n = payload;

	if (!problem && kp_buf_read_file(&b, path, KP_PLAN_MAX, &err) == 0)
		*n += fast_agrees(path, b.buf, b.len);
	kp_buf_release(&b);
	return 0;
}

void test_due__fast_reader_equals_loader(void)
{
	static const char *const docs[] = {
		"---\nkiplan: 1\nid: ki-2014-0001\nstatus: aktiv\n---\nBody\n",
		"---\n# c\nid: x   # c\nn: -12\nm: +7\nz: 0\nb: True\nv: "
		"~\ne:\n"
		"q: 'a # b'\nd: \"x: y\"\n---\n",
		"---\na: |\n  one\n\n  two\n    more\n\n\nb: 1\n---\n",
		"---\na: >\n  one\n  two\n\n  three\n    spaced\n  four\nb: "
		"|-\n"
		"  x\n\n---\n",
		"---\nl:\n- a\n- b: 1\n  c: 2\n-   d: 3\nm:\n  - x\n---\n",
		"---\nmaal:\n  - titel: A\n    indsatser:\n      - opgave: >-\n"
		"          Lang\n          tekst\n        frist: 2014-06-02\n"
		"        ansvarlig:\n---\n",
		"---\na:\n\n  # comment\n  b: 1\n...\nBody after dots\n",
	};
	size_t i;
	int n = 0;
	const char *roots[] = { "examples", "tests/cases" };

	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++)
		if (!fast_agrees("doc.md", docs[i], strlen(docs[i])))
			harness_fail(__FILE__, __LINE__,
				     "document %zu: the fast reader gave up",
				     i);
	/* Every plan in the project, where the tests run. */
	kp_scan(roots, 2, agree_file, &n);
	OK(n > 50);
}

/* The items of data, through the due fast reader (1) or the loader. */
static int due_items(struct kp_due_list *out, const char *path,
		     const char *data, size_t len, int fast)
{
	struct kp_findings f = KP_FINDINGS_INIT;
	struct kp_error err = KP_ERROR_INIT;
	struct kp_plan *p = NULL;
	struct kp_doc *doc = NULL;
	int ok = 0;

	if (fast) {
		if (kp_due_fast(&doc, data, len)) {
			kp_due_extract(out, kp_doc_root(doc), path, 30, &f);
			ok = 1;
		}
	} else if (kp_plan_parse(&p, path, data, len, 0, &err) == 0) {
		kp_due_extract(out, p->root, path, 30, &f);
		ok = 1;
	}
	kp_doc_free(doc);
	kp_plan_free(p);
	kp_findings_release(&f);
	return ok;
}

static int due_agree_file(const char *path, const struct kp_error *problem,
			  void *payload)
{
	struct kp_due_list a = KP_DUE_LIST_INIT, b = KP_DUE_LIST_INIT;
	struct kp_buf text = KP_BUF_INIT;
	struct kp_error err = KP_ERROR_INIT;
	int *n = payload;
	size_t i;

	if (problem || kp_buf_read_file(&text, path, KP_PLAN_MAX, &err) < 0)
		goto done;
	if (!due_items(&a, path, text.buf, text.len, 1) ||
	    !due_items(&b, path, text.buf, text.len, 0))
		goto done;
	(*n)++;
	if (a.len != b.len) {
		harness_fail(__FILE__, __LINE__,
			     "%s: %zu items fast, %zu loaded", path, a.len,
			     b.len);
		goto done;
	}
	for (i = 0; i < a.len; i++) {
		const struct kp_due_item *x = &a.v[i], *y = &b.v[i];

		if (x->kind != y->kind || kp_date_cmp(x->date, y->date) ||
		    x->n != y->n || x->line != y->line ||
		    x->has_meeting != y->has_meeting ||
		    (x->has_meeting && kp_date_cmp(x->meeting, y->meeting)) ||
		    strcmp(x->task, y->task) ||
		    strcmp(x->responsible, y->responsible))
			harness_fail(__FILE__, __LINE__,
				     "%s: item %zu differs fast and loaded",
				     path, i);
	}
done:
	kp_due_release(&a);
	kp_due_release(&b);
	kp_buf_release(&text);
	return 0;
}

/*
 * What due reads of a plan, through its fast reader, is what the loader
 * gives: meetings, action states, consent and referral included.
 */
void test_due__fast_items_equal_loaded(void)
{
	static const char *const keep[] = { "tests/cases/due/latest-meeting.md",
					    "tests/cases/due/withdrawn.md",
					    "tests/cases/due/declined.md" };
	const char *roots[] = { "examples", "tests/cases" };
	struct kp_due_list l = KP_DUE_LIST_INIT;
	struct kp_buf text = KP_BUF_INIT;
	struct kp_error err = KP_ERROR_INIT;
	size_t i;
	int n = 0;

	kp_scan(roots, 2, due_agree_file, &n);
	OK(n > 50);
	/* The fields added for the plan over time keep the fast path. */
	for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		kp_buf_reset(&text);
		OK(kp_buf_read_file(&text, keep[i], KP_PLAN_MAX, &err) == 0);
		OK(due_items(&l, keep[i], text.buf, text.len, 1));
	}
	kp_due_release(&l);
	kp_buf_release(&text);
}
