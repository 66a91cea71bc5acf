/*
 * paths.c: validate over files, directories and standard input, on the
 * batch engine: what kiplan validate does, short of printing.
 */
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "load/load.h"
#include "banned.h"

struct vrun {
	const struct kp_validate_opts *opts;
	struct kp_validate_totals *totals;
	unsigned flags;
};

struct vslot {
	struct kp_findings f;
	int parsed; /* f holds the plan's findings */
};

static void work(void *ctx, struct kp_batch_item *it, const char *data,
		 size_t len, struct kp_batch_worker *w)
{
	const struct vrun *r = ctx;
	struct vslot *s = it->slot;
	struct kp_plan *plan = NULL;
	struct kp_error err = KP_ERROR_INIT;
	int error;

	(void)w;
	s->parsed = 1;
	error = kp_plan_parse(&plan, it->path, data, len, r->flags, &err);
	if (error < 0) {
		kp_finding_from_error(&s->f, &err);
		return;
	}
	kp_validate(plan, r->opts->schema, &s->f);
	kp_plan_free(plan);
}

static void finish(void *ctx, struct kp_batch_item *it)
{
	struct vrun *r = ctx;
	struct vslot *s = it->slot;
	struct kp_validate_totals *t = r->totals;
	struct kp_file_report rep;
	size_t errors, warnings;

	memset(&rep, 0, sizeof(rep));
	rep.path = it->path;
	/* A file over the size limit is an invalid plan, not a read error. */
	if (it->failed && it->error.code == KP_ELIMIT && !it->walk_problem) {
		kp_finding_from_error(&s->f, &it->error);
		s->parsed = 1;
	}
	if (!s->parsed) {
		rep.error = &it->error;
		t->unreadable++;
	} else {
		rep.findings = &s->f;
		errors = kp_findings_count(&s->f, KP_ERROR);
		warnings = kp_findings_count(&s->f, KP_WARNING);
		t->files++;
		t->errors += errors;
		t->warnings += warnings;
		if (errors || (r->opts->strict && warnings))
			t->invalid++;
	}
	if (r->opts->report)
		r->opts->report(&rep, r->opts->payload);
	kp_findings_release(&s->f);
}

int kp_validate_paths(struct kp_validate_totals *out, const char *const *paths,
		      size_t npaths, const struct kp_validate_opts *opts)
{
	static const struct kp_batch_ops ops = { sizeof(struct vslot), NULL,
						 work, finish };
	struct vrun r;

	memset(out, 0, sizeof(*out));
	r.opts = opts;
	r.totals = out;
	r.flags = KP_LOAD_BODY | (opts->full_load ? 0 : KP_LOAD_FAST);
	return kp_batch_run(paths, npaths, opts->jobs, &ops, &r);
}
