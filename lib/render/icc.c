/*
 * icc.c: an sRGB display profile (ICC.1:2001-04, version 2.1), written
 * from the numbers of IEC 61966-2-1 rather than read from a file, so
 * that a PDF/A output intent depends on no file at run time.
 */
#include <math.h>
#include <string.h>

#include "render/icc.h"
#include "banned.h"

/* Points of the transfer curve: the size of the common sRGB profiles. */
#define TRC_POINTS 1024

/* An s15Fixed16Number: the value times 65536. */
#define FX(v) ((unsigned long)((v)*65536.0 + 0.5))

static void be32(struct kp_buf *b, unsigned long v)
{
	kp_buf_addch(b, (char)(v >> 24 & 0xff));
	kp_buf_addch(b, (char)(v >> 16 & 0xff));
	kp_buf_addch(b, (char)(v >> 8 & 0xff));
	kp_buf_addch(b, (char)(v & 0xff));
}

static void be16(struct kp_buf *b, unsigned v)
{
	kp_buf_addch(b, (char)(v >> 8 & 0xff));
	kp_buf_addch(b, (char)(v & 0xff));
}

static void put32(struct kp_buf *b, size_t at, unsigned long v)
{
	b->buf[at] = (char)(v >> 24 & 0xff);
	b->buf[at + 1] = (char)(v >> 16 & 0xff);
	b->buf[at + 2] = (char)(v >> 8 & 0xff);
	b->buf[at + 3] = (char)(v & 0xff);
}

static void zeros(struct kp_buf *b, size_t n)
{
	while (n--)
		kp_buf_addch(b, '\0');
}

static void pad4(struct kp_buf *b, size_t start)
{
	while ((b->len - start) % 4)
		kp_buf_addch(b, '\0');
}

/* An XYZType: three s15Fixed16Numbers. */
static void xyz(struct kp_buf *b, double x, double y, double z)
{
	kp_buf_add(b, "XYZ ", 4);
	zeros(b, 4);
	be32(b, FX(x));
	be32(b, FX(y));
	be32(b, FX(z));
}

/* A textDescriptionType: ASCII only, no Unicode or ScriptCode text. */
static void desc(struct kp_buf *b, const char *s)
{
	kp_buf_add(b, "desc", 4);
	zeros(b, 4);
	be32(b, strlen(s) + 1);
	kp_buf_add(b, s, strlen(s) + 1);
	zeros(b, 4 + 4); /* Unicode language code and count */
	zeros(b, 2 + 1); /* ScriptCode code and count */
	zeros(b, 67);	 /* ScriptCode string */
}

static void text(struct kp_buf *b, const char *s)
{
	kp_buf_add(b, "text", 4);
	zeros(b, 4);
	kp_buf_add(b, s, strlen(s) + 1);
}

/* sRGB's transfer function, encoded value to linear light. */
static double srgb_linear(double v)
{
	return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
}

static void curv(struct kp_buf *b)
{
	int i;

	kp_buf_add(b, "curv", 4);
	zeros(b, 4);
	be32(b, TRC_POINTS);
	for (i = 0; i < TRC_POINTS; i++)
		be16(b, (unsigned)(srgb_linear((double)i / (TRC_POINTS - 1)) *
					   65535.0 +
				   0.5));
}

enum { T_DESC, T_CPRT, T_WTPT, T_RXYZ, T_GXYZ, T_BXYZ, T_TRC, NTAGS };

void kp_icc_srgb(struct kp_buf *out)
{
	/* Tag signatures, each with the element whose data it points to. */
	static const struct {
		const char *sig;
		int data;
	} tags[] = {
		{ "desc", T_DESC }, { "cprt", T_CPRT }, { "wtpt", T_WTPT },
		{ "rXYZ", T_RXYZ }, { "gXYZ", T_GXYZ }, { "bXYZ", T_BXYZ },
		{ "rTRC", T_TRC },  { "gTRC", T_TRC },	{ "bTRC", T_TRC }
	};
	const size_t ntags = sizeof(tags) / sizeof(tags[0]);
	size_t start = out->len, table, off[NTAGS], len[NTAGS], i;

	/* The header (ICC.1:2001-04, 6.1). */
	zeros(out, 4);		 /* profile size, set at the end */
	zeros(out, 4);		 /* preferred CMM: none */
	be32(out, 0x02100000UL); /* version 2.1.0 */
	kp_buf_add(out, "mntrRGB XYZ ", 12);
	be16(out, 2026); /* date and time of this profile */
	be16(out, 12);
	be16(out, 1);
	zeros(out, 6);
	kp_buf_add(out, "acsp", 4);
	zeros(out, 4 + 4 + 4 + 4 +
			   8); /* platform, flags, maker, model, attributes */
	be32(out, 0);	       /* rendering intent: perceptual */
	be32(out, FX(0.9642)); /* the connection space's white, D50 */
	be32(out, FX(1.0));
	be32(out, FX(0.8249));
	zeros(out, 4);	/* creator */
	zeros(out, 44); /* profile id (v4) and reserved */

	/* The tag table, its offsets set when the data is written. */
	be32(out, ntags);
	table = out->len;
	zeros(out, 12 * ntags);
	for (i = 0; i < NTAGS; i++) {
		off[i] = out->len - start;
		switch (i) {
		case T_DESC: desc(out, KP_ICC_SRGB_NAME); break;
		case T_CPRT: text(out, "No copyright, use freely"); break;
		case T_WTPT: xyz(out, 0.9642, 1.0, 0.8249); break;
		/* IEC 61966-2-1's primaries and D65, adapted to D50 */
		case T_RXYZ: xyz(out, 0.4360747, 0.2225045, 0.0139322); break;
		case T_GXYZ: xyz(out, 0.3850649, 0.7168786, 0.0971045); break;
		case T_BXYZ: xyz(out, 0.1430804, 0.0606169, 0.7141733); break;
		default: curv(out); break;
		}
		len[i] = out->len - start - off[i];
		pad4(out, start);
	}
	for (i = 0; i < ntags; i++) {
		memcpy(out->buf + table + 12 * i, tags[i].sig, 4);
		put32(out, table + 12 * i + 4, off[tags[i].data]);
		put32(out, table + 12 * i + 8, len[tags[i].data]);
	}
	put32(out, start, out->len - start);
}
