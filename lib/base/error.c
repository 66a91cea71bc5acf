/*
 * error.c: struct kp_error, filled without allocating.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/base.h"
#include "banned.h"

/*
 * A text that did not fit its fixed buffer (n >= size bytes wanted) ends
 * in "…" at a character boundary: shortened, never cut in silence or in
 * the middle of a UTF-8 sequence.
 */
static void mark_cut(char *buf, size_t size, int n)
{
	static const char ellipsis[] = "\xe2\x80\xa6";
	size_t end;

	if (n < 0 || (size_t)n < size)
		return;
	end = size - sizeof(ellipsis);
	while (end > 0 && ((unsigned char)buf[end] & 0xc0) == 0x80)
		end--;
	memcpy(buf + end, ellipsis, sizeof(ellipsis));
}

int kp_error_set(struct kp_error *err, int code, const char *file,
		 unsigned line, unsigned col, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!err)
		return code;
	err->code = code;
	n = snprintf(err->file, sizeof(err->file), "%s", file ? file : "");
	mark_cut(err->file, sizeof(err->file), n);
	err->line = line;
	err->col = col;
	va_start(ap, fmt);
	n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	mark_cut(err->msg, sizeof(err->msg), n);
	kp_cpr_mask_text(err->msg);
	return code;
}

const char *kp_error_name(int code)
{
	switch (code) {
	case KP_OK: return "ok";
	case KP_EIO: return "io";
	case KP_EPARSE: return "parse";
	case KP_ELIMIT: return "limit";
	case KP_ESCHEMA: return "schema";
	case KP_EGIT: return "git";
	case KP_EUSAGE: return "usage";
	case KP_ENOTFOUND: return "notfound";
	case KP_EINVALID: return "invalid";
	case KP_EEXISTS: return "exists";
	case KP_ELOCKED: return "locked";
	case KP_ERENDER: return "render";
	case KP_EPLUGIN: return "plugin";
	}
	return "error";
}

void kp_error_format(char *out, size_t size, const struct kp_error *err)
{
	if (err->file[0] && err->line && err->col)
		snprintf(out, size, "%s:%u:%u: %s", err->file, err->line,
			 err->col, err->msg);
	else if (err->file[0] && err->line)
		snprintf(out, size, "%s:%u: %s", err->file, err->line,
			 err->msg);
	else if (err->file[0])
		snprintf(out, size, "%s: %s", err->file, err->msg);
	else
		snprintf(out, size, "%s", err->msg);
}
