/*
 * schema.h: private to lib/schema.c and lib/regex.c.
 */
#ifndef KP_SCHEMA_H
#define KP_SCHEMA_H

#include <stddef.h>

#include "kiplan.h"

/*
 * Rewrite the ECMA-262 regular expression src (len bytes) into PCRE2
 * syntax, appended to out, for compiling with PCRE2_UTF and
 * PCRE2_DOLLAR_ENDONLY (and without PCRE2_UCP, so that \d and \w stay
 * ASCII as in ECMA-262).  What differs: long Unicode property names
 * (\p{Letter}, \p{General_Category=Letter}, \p{Script=Greek}), \uXXXX
 * and \u{X...} escapes (surrogate pairs joined), \s and \S (Unicode
 * white space in ECMA-262), and the classes [] and [^].
 */
void kp_regex_translate(struct kp_buf *out, const char *src, size_t len);

#endif
