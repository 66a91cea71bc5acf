/*
 * oracle.h: what the fuzz targets ask of every text kiplan shows a
 * person: no control character, and no CPR number whole.  Included by
 * the targets that check findings (fuzz_validate.c, fuzz_merge.c).
 */
#ifndef KP_FUZZ_ORACLE_H
#define KP_FUZZ_ORACLE_H

#include <stdlib.h>

static void check_text(const char *s, size_t n)
{
	struct kp_buf copy = KP_BUF_INIT;
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			abort();
	kp_buf_add(&copy, s, n);
	if (kp_cpr_mask_text(copy.buf) != 0)
		abort(); /* a CPR number got out whole */
	kp_buf_release(&copy);
}

/* Finding i of f has a code, and comes in order of line and column. */
static int finding_ok(const struct kp_findings *f, size_t i)
{
	return f->v[i].msg && f->v[i].code &&
	       (!i || f->v[i].line > f->v[i - 1].line ||
		(f->v[i].line == f->v[i - 1].line &&
		 f->v[i].col >= f->v[i - 1].col));
}

#endif
