/*
 * emit.c: values written as YAML, in the block style that kiplan writes
 * and the fast reader reads: the template's fields, and the values that
 * kiplan set, followup and close put into a plan.
 */
#include <ctype.h>
#include <string.h>

#include "load/load.h"
#include "banned.h"

static int reserved_word(const char *s, size_t len)
{
	static const char *const words[] = { "true", "false", "null", "yes",
					     "no",   "on",    "off",  "y",
					     "n",    "~" };
	size_t i, j;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (strlen(words[i]) != len)
			continue;
		for (j = 0; j < len; j++)
			if (tolower((unsigned char)s[j]) != words[i][j])
				break;
		if (j == len)
			return 1;
	}
	return 0;
}

/* 1 when s can stand as a plain YAML scalar and load back as this string. */
static int plain_ok(const char *s, size_t len)
{
	struct kp_date d;
	size_t i;

	if (len == 10 && kp_date_parse(&d, s, len) == 0)
		return 1;
	if (!len || reserved_word(s, len) || s[len - 1] == ' ')
		return 0;
	if (!isalpha((unsigned char)s[0]) && !((unsigned char)s[0] & 0x80))
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c & 0x80 || isalnum(c))
			continue;
		if (!strchr(" .,-()/@_+;?", c))
			return 0;
	}
	return 1;
}

void kp_yaml_scalar(struct kp_buf *out, const struct kp_node *n)
{
	switch (n->type) {
	case KP_NULL: kp_buf_addstr(out, "null"); break;
	case KP_BOOL:
		kp_buf_addstr(out, n->v.boolean ? "true" : "false");
		break;
	case KP_INT: kp_buf_addf(out, "%lld", n->v.integer); break;
	case KP_FLOAT: kp_buf_addf(out, "%.17g", n->v.real); break;
	case KP_STR:
		if (plain_ok(n->v.str.ptr, n->v.str.len))
			kp_buf_add(out, n->v.str.ptr, n->v.str.len);
		else
			kp_buf_add_json(out, n->v.str.ptr, n->v.str.len);
		break;
	default: break;
	}
}

void kp_yaml_key(struct kp_buf *out, const char *key, size_t len)
{
	size_t i;
	int plain = len > 0;

	for (i = 0; i < len; i++)
		if (!islower((unsigned char)key[i]) &&
		    !isdigit((unsigned char)key[i]) && key[i] != '_')
			plain = 0;
	if (plain)
		kp_buf_add(out, key, len);
	else
		kp_buf_add_json(out, key, len);
	kp_buf_addch(out, ':');
}

static int is_coll(const struct kp_node *n)
{
	return (n->type == KP_MAP && n->v.map.len) ||
	       (n->type == KP_SEQ && n->v.seq.len);
}

static void indent(struct kp_buf *out, int n)
{
	while (n-- > 0)
		kp_buf_addch(out, ' ');
}

/* The items of a mapping at indentation ind; the first without indent
 * when first_inline (after "- "). */
void kp_yaml_pairs(struct kp_buf *out, const struct kp_node *n, int ind,
		   int first_inline)
{
	size_t i;

	for (i = 0; i < n->v.map.len; i++) {
		const struct kp_pair *p = &n->v.map.pairs[i];

		if (i || !first_inline)
			indent(out, ind);
		kp_yaml_key(out, p->key, p->keylen);
		kp_yaml_value(out, p->value, ind + 2);
	}
}

/* After "key:": the value, its own lines for a collection. */
void kp_yaml_value(struct kp_buf *out, const struct kp_node *n, int ind)
{
	size_t i;

	if (!is_coll(n)) {
		kp_buf_addch(out, ' ');
		if (n->type == KP_MAP)
			kp_buf_addstr(out, "{}");
		else if (n->type == KP_SEQ)
			kp_buf_addstr(out, "[]");
		else
			kp_yaml_scalar(out, n);
		kp_buf_addch(out, '\n');
		return;
	}
	kp_buf_addch(out, '\n');
	if (n->type == KP_MAP) {
		kp_yaml_pairs(out, n, ind, 0);
		return;
	}
	for (i = 0; i < n->v.seq.len; i++) {
		const struct kp_node *it = n->v.seq.items[i];

		indent(out, ind);
		kp_buf_addch(out, '-');
		if (it->type == KP_MAP && it->v.map.len) {
			kp_buf_addch(out, ' ');
			kp_yaml_pairs(out, it, ind + 2, 1);
		} else if (is_coll(it)) {
			/* A list in a list: written in flow style, as JSON. */
			kp_buf_addch(out, ' ');
			kp_json_write(out, it);
			kp_buf_addch(out, '\n');
		} else {
			kp_yaml_value(out, it, ind + 2);
		}
	}
}
