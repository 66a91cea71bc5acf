/*
 * test_icc.c: the sRGB profile of the PDF/A output intent, read back
 * field by field as ICC.1:2001-04 lays it out.
 */
#include <string.h>

#include "harness.h"
#include "kiplan.h"
#include "render/icc.h"

static unsigned long be32(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;

	return (unsigned long)u[0] << 24 | (unsigned long)u[1] << 16 |
	       (unsigned long)u[2] << 8 | u[3];
}

static unsigned be16(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;

	return (unsigned)u[0] << 8 | u[1];
}

/* The data of tag sig, its length in *len; NULL when it is not there. */
static const char *tag(const struct kp_buf *b, const char *sig, size_t *len)
{
	unsigned long n = be32(b->buf + 128), i;

	for (i = 0; i < n; i++) {
		const char *e = b->buf + 132 + 12 * i;

		if (memcmp(e, sig, 4) == 0) {
			*len = be32(e + 8);
			return b->buf + be32(e + 4);
		}
	}
	return NULL;
}

void test_icc__header(void)
{
	struct kp_buf b = KP_BUF_INIT;
	const char *p;

	kp_buf_addstr(&b, "xyz"); /* appended, not written over */
	kp_icc_srgb(&b);
	OK(memcmp(b.buf, "xyz", 3) == 0);
	p = b.buf + 3;
	INT_EQ(be32(p), b.len - 3);
	INT_EQ((b.len - 3) % 4, 0);
	OK(memcmp(p + 36, "acsp", 4) == 0);
	INT_EQ(be32(p + 8), 0x02100000);
	OK(memcmp(p + 12, "mntr", 4) == 0);
	OK(memcmp(p + 16, "RGB ", 4) == 0);
	OK(memcmp(p + 20, "XYZ ", 4) == 0);
	/* the connection space's illuminant, D50 */
	INT_EQ(be32(p + 68), 0xf6d6);
	INT_EQ(be32(p + 72), 0x10000);
	INT_EQ(be32(p + 76), 0xd32d);
	kp_buf_release(&b);
}

void test_icc__tags(void)
{
	static const char *const sigs[] = { "desc", "cprt", "wtpt",
					    "rXYZ", "gXYZ", "bXYZ",
					    "rTRC", "gTRC", "bTRC" };
	struct kp_buf b = KP_BUF_INIT, c = KP_BUF_INIT;
	unsigned long n, i, off, len, sum[3] = { 0, 0, 0 };
	const char *d;
	size_t l, k;

	kp_icc_srgb(&b);
	n = be32(b.buf + 128);
	INT_EQ(n, 9);
	for (i = 0; i < n; i++) {
		off = be32(b.buf + 132 + 12 * i + 4);
		len = be32(b.buf + 132 + 12 * i + 8);
		/* after the table, 4-aligned, inside the profile */
		OK(off >= 132 + 12 * n);
		INT_EQ(off % 4, 0);
		OK(off + len <= b.len);
	}
	for (k = 0; k < sizeof(sigs) / sizeof(sigs[0]); k++)
		OK(tag(&b, sigs[k], &l) != NULL);
	d = tag(&b, "desc", &l);
	OK(d && memcmp(d, "desc", 4) == 0);
	INT_EQ(be32(d + 8), strlen(KP_ICC_SRGB_NAME) + 1);
	STR_EQ(d + 12, KP_ICC_SRGB_NAME);
	INT_EQ(l, 12 + strlen(KP_ICC_SRGB_NAME) + 1 + 8 + 3 + 67);
	d = tag(&b, "wtpt", &l);
	OK(d && memcmp(d, "XYZ ", 4) == 0);
	INT_EQ(l, 20);
	INT_EQ(be32(d + 8), 0xf6d6);
	/* the three primaries add up to the white point, within 0.001 */
	for (k = 0; k < 3; k++) {
		d = tag(&b, k == 0 ? "rXYZ" : k == 1 ? "gXYZ" : "bXYZ", &l);
		OK(d && memcmp(d, "XYZ ", 4) == 0);
		for (i = 0; i < 3; i++)
			sum[i] += be32(d + 8 + 4 * i);
	}
	OK(sum[0] >= 0xf6d6 - 66 && sum[0] <= 0xf6d6 + 66);
	OK(sum[1] >= 0x10000 - 66 && sum[1] <= 0x10000 + 66);
	OK(sum[2] >= 0xd32d - 66 && sum[2] <= 0xd32d + 66);
	/* one curve, from 0 to 1, rising, shared by the three channels */
	d = tag(&b, "rTRC", &l);
	OK(d && memcmp(d, "curv", 4) == 0);
	INT_EQ(be32(d + 8), 1024);
	INT_EQ(l, 12 + 2 * 1024);
	INT_EQ(be16(d + 12), 0);
	INT_EQ(be16(d + 12 + 2 * 1023), 65535);
	for (i = 1; i < 1024; i++)
		OK(be16(d + 12 + 2 * i) > be16(d + 12 + 2 * (i - 1)));
	/* sRGB's linear segment, and its power law half way */
	INT_EQ(be16(d + 12 + 2 * 10), 50);
	INT_EQ(be16(d + 12 + 2 * 511), 13998);
	OK(tag(&b, "gTRC", &l) == d && tag(&b, "bTRC", &l) == d);
	/* the same bytes every time */
	kp_icc_srgb(&c);
	OK(c.len == b.len && memcmp(c.buf, b.buf, b.len) == 0);
	kp_buf_release(&b);
	kp_buf_release(&c);
}
