/*
 * icc.h: private to the render module.  The ICC profile that a PDF/A
 * output intent embeds, made from its published constants.
 */
#ifndef KP_ICC_H
#define KP_ICC_H

#include "kiplan.h"

/* The description in the profile, and the output condition it names. */
#define KP_ICC_SRGB_NAME "sRGB IEC61966-2.1"

/*
 * Append an ICC v2 display profile (class 'mntr', RGB to the XYZ
 * connection space) of sRGB (IEC 61966-2-1) to out: the header, then the
 * tags desc, cprt, wtpt (D50), rXYZ, gXYZ and bXYZ (the primaries
 * adapted to D50 with the Bradford transform) and one curv, 1024 points
 * of the sRGB transfer function, shared by rTRC, gTRC and bTRC.  The
 * same bytes every time.  Its size is in its first four bytes.
 */
void kp_icc_srgb(struct kp_buf *out);

#endif
