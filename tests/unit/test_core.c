/*
 * test_core.c: buffers, the data tree and findings.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"
#include "kiplan.h"
#include "base/base.h"

void test_core__buf_grows_and_stays_terminated(void)
{
	struct kp_buf b = KP_BUF_INIT;
	int i;

	STR_EQ(b.buf, "");
	for (i = 0; i < 1000; i++)
		kp_buf_addf(&b, "%d,", i % 10);
	INT_EQ(b.len, 2000);
	INT_EQ(b.buf[b.len], 0);
	kp_buf_setlen(&b, 3);
	STR_EQ(b.buf, "0,1");
	kp_buf_release(&b);
	STR_EQ(b.buf, "");
}

void test_core__escaped_hides_control_characters(void)
{
	struct kp_buf b = KP_BUF_INIT;

	kp_buf_add_escaped(&b, "a\nb\x1b[31m\xff\xc3\xa6", 11);
	STR_EQ(b.buf, "a\\nb\\x1b[31m\\xff\xc3\xa6");
	kp_buf_release(&b);
}

void test_core__json_string(void)
{
	struct kp_buf b = KP_BUF_INIT;

	kp_buf_add_json(&b, "\"x\"\\\n\x01\xc3\xb8", 8);
	STR_EQ(b.buf, "\"\\\"x\\\"\\\\\\n\\u0001\xc3\xb8\"");
	kp_buf_release(&b);
}

/* The escapes of JSON one byte at a time, for kp_buf_add_json(). */
static void json_slow(struct kp_buf *b, const unsigned char *s, size_t len)
{
	size_t i;

	kp_buf_addch(b, '"');
	for (i = 0; i < len; i++) {
		switch (s[i]) {
		case '"': kp_buf_addstr(b, "\\\""); break;
		case '\\': kp_buf_addstr(b, "\\\\"); break;
		case '\n': kp_buf_addstr(b, "\\n"); break;
		case '\r': kp_buf_addstr(b, "\\r"); break;
		case '\t': kp_buf_addstr(b, "\\t"); break;
		case '\b': kp_buf_addstr(b, "\\b"); break;
		case '\f': kp_buf_addstr(b, "\\f"); break;
		default:
			if (s[i] < 0x20 || s[i] == 0x7f)
				kp_buf_addf(b, "\\u%04x", s[i]);
			else
				kp_buf_addch(b, s[i]);
		}
	}
	kp_buf_addch(b, '"');
}

/* Every byte value at every place of a text read eight bytes at a time. */
void test_core__json_string_every_byte(void)
{
	struct kp_buf fast = KP_BUF_INIT, slow = KP_BUF_INIT;
	unsigned char text[40];
	unsigned c;
	size_t at, len;

	for (c = 0; c < 256; c++) {
		for (at = 0; at < 20; at++) {
			memset(text, 'a', sizeof(text));
			text[at] = (unsigned char)c;
			text[at + 9] = c & 1 ? 0xc3 : '~';
			for (len = at + 1; len <= sizeof(text); len += 7) {
				kp_buf_reset(&fast);
				kp_buf_reset(&slow);
				kp_buf_add_json(&fast, (const char *)text, len);
				json_slow(&slow, text, len);
				INT_EQ(fast.len, slow.len);
				OK(memcmp(fast.buf, slow.buf, slow.len) == 0);
			}
		}
	}
	kp_buf_release(&fast);
	kp_buf_release(&slow);
}

void test_core__tree_build_lookup_equal(void)
{
	struct kp_doc *doc = kp_doc_new();
	struct kp_node *root = kp_node_new(doc, KP_MAP, 2, 1);
	struct kp_node *borger = kp_node_new(doc, KP_MAP, 3, 1);
	struct kp_node *seq = kp_node_new(doc, KP_SEQ, 5, 1);
	struct kp_node *a, *b;
	struct kp_buf out = KP_BUF_INIT;
	int i;

	kp_node_put(doc, borger, "navn", 4, 4, 3,
		    kp_node_new_str(doc, "Jens", 4, 4, 9));
	kp_node_put(doc, root, "borger", 6, 3, 1, borger);
	for (i = 0; i < 100; i++) {
		struct kp_node *n = kp_node_new(doc, KP_INT, 6, 3);

		n->v.integer = i;
		kp_node_append(doc, seq, n);
	}
	kp_node_put(doc, root, "tal", 3, 5, 1, seq);
	kp_doc_set_root(doc, root);
	STR_EQ(kp_node_str(kp_node_at(root, "borger.navn")), "Jens");
	OK(kp_node_at(root, "borger.cpr") == NULL);
	INT_EQ(seq->v.seq.len, 100);
	INT_EQ(seq->v.seq.items[99]->v.integer, 99);
	a = kp_node_new(doc, KP_INT, 1, 1);
	a->v.integer = 1;
	b = kp_node_new(doc, KP_FLOAT, 1, 1);
	b->v.real = 1.0;
	OK(kp_node_equal(a, b));
	OK(kp_node_equal(root, kp_node_copy(doc, root)));
	kp_json_write(&out, borger);
	STR_EQ(out.buf, "{\"navn\":\"Jens\"}");
	kp_buf_release(&out);
	kp_doc_free(doc);
}

void test_core__findings_sorted_stably(void)
{
	struct kp_findings f = KP_FINDINGS_INIT;

	kp_findings_add(&f, "b", KP_ERROR, 9, 1, "third");
	kp_findings_add(&f, "a", KP_WARNING, 2, 5, "first %d", 1);
	kp_findings_add(&f, "c", KP_ERROR, 9, 1, "fourth");
	kp_findings_add(&f, "d", KP_ERROR, 3, 1, "second");
	kp_findings_sort(&f);
	STR_EQ(f.v[0].msg, "first 1");
	STR_EQ(f.v[1].msg, "second");
	STR_EQ(f.v[2].msg, "third");
	STR_EQ(f.v[3].msg, "fourth");
	INT_EQ(kp_findings_count(&f, KP_ERROR), 3);
	kp_findings_release(&f);
}

void test_core__error_too_long_is_marked(void)
{
	struct kp_error err = KP_ERROR_INIT;
	char name[2000];
	size_t i, n;

	/* 1,000 two-byte characters: far over the buffer. */
	for (i = 0; i + 2 < sizeof(name); i += 2) {
		name[i] = '\xc3';
		name[i + 1] = '\xa6';
	}
	name[i] = '\0';
	kp_error_set(&err, KP_EIO, name, 0, 0, "%s", name);
	n = strlen(err.msg);
	OK(n < sizeof(err.msg));
	/* Ends in the ellipsis, after a whole character. */
	OK(n >= 3 && memcmp(err.msg + n - 3, "\xe2\x80\xa6", 3) == 0);
	OK(kp_utf8_len(err.msg + n - 5, 2) == 2);
	n = strlen(err.file);
	OK(n >= 3 && memcmp(err.file + n - 3, "\xe2\x80\xa6", 3) == 0);
}

/* The size the walk saw is a hint: the limit holds for what is read. */
void test_core__read_regular_keeps_the_limit(void)
{
	char dir[] = "/tmp/kiplan-unit-XXXXXX", path[64];
	struct kp_error err = KP_ERROR_INIT;
	struct kp_buf b = KP_BUF_INIT;
	FILE *f;

	OK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/p.md", dir);
	OK((f = fopen(path, "w")) != NULL);
	fputs("0123456789", f);
	OK(fclose(f) == 0);
	kp_buf_addstr(&b, "x");
	INT_EQ(kp_buf_read_regular(&b, path, 10, 10, &err), 0);
	STR_EQ(b.buf, "x0123456789");
	/* Grown since the walk: refused all the same, b as it was. */
	INT_EQ(kp_buf_read_regular(&b, path, 4, 9, &err), KP_ELIMIT);
	STR_EQ(b.buf, "x0123456789");
	INT_EQ(kp_buf_read_regular(&b, path, 10, 9, &err), KP_ELIMIT);
	/* Gone since the walk. */
	OK(unlink(path) == 0);
	INT_EQ(kp_buf_read_regular(&b, path, 10, 10, &err), KP_EIO);
	STR_EQ(b.buf, "x0123456789");
	OK(rmdir(dir) == 0);
	kp_buf_release(&b);
}

void test_core__text_shorten(void)
{
	/* "Ring til Anne" whole; a long task cut after a word in its
	 * second half, spaces before the cut dropped; the first line only;
	 * a word longer than the half cut at max characters; characters,
	 * not bytes, counted. */
	const char *task = "Ansøgning om bostøtte sendes til kommunen";
	int whole = -1;

	INT_EQ(kp_text_shorten("Ring til Anne", 20, &whole), 13);
	INT_EQ(whole, 1);
	INT_EQ(kp_text_shorten("Ring til Anne", 13, &whole), 13);
	INT_EQ(whole, 1);
	INT_EQ(kp_text_shorten(task, 20, &whole), 13); /* "Ansøgning om" */
	INT_EQ(whole, 0);
	INT_EQ(kp_text_shorten("to   mange  ord i alt", 10, &whole), 10);
	INT_EQ(kp_text_shorten("to mange ord", 10, &whole), 8);
	INT_EQ(kp_text_shorten("Første linje\nanden", 40, &whole), 13);
	INT_EQ(kp_text_shorten("Første linje \nanden", 40, &whole), 13);
	INT_EQ(whole, 0);
	INT_EQ(kp_text_shorten("abcdefghijklmnop qr", 10, &whole), 10);
	INT_EQ(kp_text_shorten("æææææ", 3, &whole), 6);
	INT_EQ(whole, 0);
	INT_EQ(kp_text_shorten("", 3, &whole), 0);
	INT_EQ(whole, 1);
}
