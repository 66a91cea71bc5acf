/*
 * load.h: what the module load (lib/load/) offers the modules above it,
 * besides lib/kiplan.h.
 */
#ifndef KP_LOAD_H
#define KP_LOAD_H

#include <stddef.h>

#include "kiplan.h"

/*
 * Characters that people paste from a word processor, or type, where
 * YAML needs something else: a tab in the indentation, a no-break space
 * (U+00A0) for a space, typographic quotation marks (U+2018, U+2019,
 * U+201C, U+201D, U+201E) for straight ones.
 */
enum kp_hint { KP_HINT_NONE, KP_HINT_TAB, KP_HINT_NBSP, KP_HINT_QUOTE };

/*
 * The hint for the character at s (at most n bytes), or KP_HINT_NONE;
 * *cp is its code point.  A tab is KP_HINT_TAB wherever it is: only the
 * caller knows whether it stands in the indentation.
 */
enum kp_hint kp_hint_at(const char *s, size_t n, unsigned *cp);

/*
 * Where a YAML token may start on the line [s, end) (at its start, after
 * "key:" or "- ", each followed by white space), the first character
 * that kp_hint_at() knows, tabs only in the line's indentation.  Its byte
 * offset from s in *off; KP_HINT_NONE when there is none.
 */
enum kp_hint kp_hint_line(const char *s, const char *end, size_t *off,
			  unsigned *cp);

/* Where the character stands: it broke the YAML, or YAML took it in. */
enum kp_hint_place { KP_HINT_BROKE, KP_HINT_IN_KEY, KP_HINT_IN_VALUE };

/*
 * Append the message for the hint (translated): what the character is
 * and what to write instead.
 */
void kp_hint_message(struct kp_buf *out, enum kp_hint hint, unsigned cp,
		     enum kp_hint_place place);

#endif
