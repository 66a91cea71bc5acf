/*
 * fuzz_merge.c: libFuzzer target for the merge driver (kiplan
 * merge-file): the input is three texts, base, ours and theirs, split at
 * NUL bytes (a missing one is empty), merged with kp_merge_plan(), the
 * plan-aware three-way merge that uses libgit2 for the text.
 *
 * It aborts when the result is not one of the documented ones (clean,
 * conflict, or an error that leaves nothing in out); when a clean merge
 * does not load as a plan; when a conflict is not reported; when a
 * finding is unsorted, lacks its message, or would show a control
 * character or a whole CPR number; and when theirs is the base but the
 * merge is not ours, byte for byte but for the line ends: a side that
 * changed nothing must change nothing.  (The merge writes every line end
 * as ours' first line has it, kp_plan_restyle(), so a file of mixed CRLF,
 * LF and lone CR comes back with one kind; that is its one liberty.)
 * tests/fuzz/driver.c replays the corpus in `make check`.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "repo/repo.h"
#include "oracle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_findings(const char *name, const struct kp_findings *f)
{
	struct kp_buf b = KP_BUF_INIT;
	size_t i;

	for (i = 0; i < f->len; i++) {
		if (!finding_ok(f, i) || !f->v[i].msg[0])
			abort();
		kp_buf_reset(&b);
		kp_finding_text(&b, name, &f->v[i]);
		check_text(b.buf, b.len);
	}
	kp_buf_release(&b);
}

/*
 * s without its BOM, and with CRLF and lone CR as LF (as the loader reads
 * them), into b.
 */
static void lines(struct kp_buf *b, const char *s, size_t n)
{
	size_t i = n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;

	for (; i < n; i++) {
		if (s[i] != '\r')
			kp_buf_addch(b, s[i]);
		else if (i + 1 == n || s[i + 1] != '\n')
			kp_buf_addch(b, '\n');
	}
}

/* One merge, checked; the result's text in out.  Returns its status. */
static int merge(struct kp_buf *out, const char *const side[3],
		 const size_t len[3])
{
	static const char name[] = "ki-2026-0001.md";
	struct kp_findings conflicts = KP_FINDINGS_INIT;
	struct kp_error err = KP_ERROR_INIT;
	struct kp_plan *plan = NULL;
	int rc;

	rc = kp_merge_plan(out, &conflicts, name, side[0], len[0], side[1],
			   len[1], side[2], len[2], NULL, NULL, &err);
	if (rc < 0) {
		if (err.code != rc || !err.msg[0] || out->len != 0)
			abort();
	} else if (rc == KP_MERGE_CLEAN) {
		if (kp_plan_parse(&plan, name, out->buf, out->len, 0, &err) < 0)
			abort();
		kp_plan_free(plan);
	} else if (rc != KP_MERGE_CONFLICT || conflicts.len == 0) {
		abort();
	}
	check_findings(name, &conflicts);
	kp_findings_release(&conflicts);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int initialized;
	const char *text = (const char *)data, *side[3] = { "", "", "" };
	size_t len[3] = { 0, 0, 0 }, at = 0;
	struct kp_buf out = KP_BUF_INIT;
	int i, rc;

	/*
	 * libgit2 stays initialized for the whole run, so that each merge
	 * does not set it up and tear it down again.
	 */
	if (!initialized && git_libgit2_init() > 0)
		initialized = 1;
	for (i = 0; i < 3 && at <= size; i++) {
		const char *nul = memchr(text + at, '\0', size - at);
		size_t n = nul ? (size_t)(nul - (text + at)) : size - at;

		side[i] = text + at;
		len[i] = n;
		at += n + 1;
	}
	merge(&out, side, len);

	/* Theirs the base: the merge is ours, exactly. */
	kp_buf_reset(&out);
	side[2] = side[0];
	len[2] = len[0];
	rc = merge(&out, side, len);
	if (rc >= 0) {
		struct kp_buf a = KP_BUF_INIT, b = KP_BUF_INIT;

		lines(&a, out.buf, out.len);
		lines(&b, side[1], len[1]);
		if (a.len != b.len || memcmp(a.buf, b.buf, a.len) != 0)
			abort();
		kp_buf_release(&a);
		kp_buf_release(&b);
	}
	kp_buf_release(&out);
	return 0;
}
