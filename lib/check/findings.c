/*
 * findings.c: what validation finds in a plan, as a list of data.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "banned.h"

void kp_findings_add(struct kp_findings *f, const char *code,
		     enum kp_severity sev, unsigned line, unsigned col,
		     const char *fmt, ...)
{
	struct kp_buf msg = KP_BUF_INIT;
	struct kp_finding *x;
	va_list ap;

	va_start(ap, fmt);
	kp_buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	kp_cpr_mask_text(msg.buf);
	if (f->len == f->alloc) {
		f->alloc = f->alloc ? f->alloc * 2 : 8;
		f->v = kp_xrealloc(f->v, f->alloc * sizeof(*f->v));
	}
	x = &f->v[f->len++];
	x->code = code;
	x->sev = sev;
	x->line = line;
	x->col = col;
	x->msg = kp_buf_detach(&msg, NULL);
}

static int before(const struct kp_finding *a, const struct kp_finding *b)
{
	return a->line < b->line || (a->line == b->line && a->col < b->col);
}

/*
 * Stable merge sort: a hostile plan may produce a finding for each of
 * many thousand keys, so no quadratic sort here.
 */
static void merge_sort(struct kp_finding *v, struct kp_finding *tmp, size_t n)
{
	size_t mid = n / 2, i = 0, j = mid, k = 0;

	if (n < 2)
		return;
	merge_sort(v, tmp, mid);
	merge_sort(v + mid, tmp, n - mid);
	while (i < mid && j < n)
		tmp[k++] = before(&v[j], &v[i]) ? v[j++] : v[i++];
	while (i < mid)
		tmp[k++] = v[i++];
	while (j < n)
		tmp[k++] = v[j++];
	for (i = 0; i < n; i++)
		v[i] = tmp[i];
}

void kp_findings_sort(struct kp_findings *f)
{
	struct kp_finding *tmp;

	if (f->len < 2)
		return;
	tmp = kp_xmalloc(f->len * sizeof(*tmp));
	merge_sort(f->v, tmp, f->len);
	free(tmp);
}

size_t kp_findings_count(const struct kp_findings *f, enum kp_severity sev)
{
	size_t i, n = 0;

	for (i = 0; i < f->len; i++)
		if (f->v[i].sev == sev)
			n++;
	return n;
}

void kp_findings_release(struct kp_findings *f)
{
	size_t i;

	for (i = 0; i < f->len; i++)
		free(f->v[i].msg);
	free(f->v);
	f->v = NULL;
	f->len = f->alloc = 0;
}

const char *kp_severity_name(enum kp_severity sev)
{
	return sev == KP_ERROR ? "error" : "warning";
}

void kp_finding_from_error(struct kp_findings *f, const struct kp_error *err)
{
	kp_findings_add(f, kp_error_name(err->code), KP_ERROR,
			err->line ? err->line : 1, err->col ? err->col : 1,
			"%s", err->msg);
}

/* file, with any CPR number in its name masked (kp_cpr_mask_text()). */
static char *masked(const char *file)
{
	char *s = kp_xstrdup(file);

	kp_cpr_mask_text(s);
	return s;
}

void kp_finding_text(struct kp_buf *out, const char *file,
		     const struct kp_finding *f)
{
	char *name = masked(file);

	kp_buf_add_escaped(out, name, strlen(name));
	free(name);
	if (f->line)
		kp_buf_addf(out, ":%u:%u", f->line, f->col);
	/* The prefix is fixed in every language: editors parse it. */
	kp_buf_addf(out, ": %s: ", kp_severity_name(f->sev));
	kp_buf_add_escaped(out, f->code, strlen(f->code));
	kp_buf_addstr(out, ": ");
	kp_buf_add_escaped(out, f->msg, strlen(f->msg));
}

void kp_finding_json(struct kp_buf *out, const char *file,
		     const struct kp_finding *f)
{
	char *name = masked(file);

	kp_buf_addstr(out, "{\"file\":");
	kp_buf_add_json(out, name, strlen(name));
	free(name);
	kp_buf_addf(out,
		    ",\"line\":%u,\"column\":%u,\"severity\":\"%s\",\"code\":",
		    f->line, f->col, kp_severity_name(f->sev));
	kp_buf_add_json(out, f->code, strlen(f->code));
	kp_buf_addstr(out, ",\"message\":");
	kp_buf_add_json(out, f->msg, strlen(f->msg));
	kp_buf_addch(out, '}');
}
