/*
 * loader.h: private to lib/yaml.c and lib/plan.c.  (Not "yaml.h": with
 * -Ilib that name would hide libyaml's own <yaml.h>.)
 */
#ifndef KP_LOADER_H
#define KP_LOADER_H

#include <stddef.h>

struct kp_error;

/*
 * Check that data is UTF-8 without NUL, C0 control characters other than
 * tab, LF and CR, DEL, and C1 control characters (U+0080..U+009F).  Lines
 * are counted from first_line (LF, CR and CRLF each end one), columns in
 * characters from 1, after a leading BOM.  KP_EPARSE with the position of
 * the first offending byte.
 */
int kp_text_check(const char *data, size_t len, unsigned first_line,
		  const char *name, struct kp_error *err);

/*
 * The 1-based line and column of byte offset in data, counted as
 * kp_text_check() counts them.
 */
void kp_text_position(const char *data, size_t len, size_t offset,
		      unsigned first_line, unsigned *line, unsigned *col);

#endif
