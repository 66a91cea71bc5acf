/*
 * exportrun.c: export over files, directories or the plan repository, on
 * the batch engine: each plan is read, validated and written into its
 * slot on every CPU, and the slots go to the writer in the walk's order,
 * so memory is one batch, whatever the number of plans.
 */
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "load/load.h"
#include "repo/repo.h"
#include "i18n.h"
#include "banned.h"

#define FLUSH_AT 65536

/* A set of strings (open addressing), with what each stands for. */
struct set {
	char **keys;
	char **vals;
	size_t len, cap;
};

/* The value of key, or NULL; key (copied) added with val when missing. */
static const char *set_add(struct set *s, const char *key, const char *val)
{
	size_t i, mask;

	if (2 * (s->len + 1) > s->cap) {
		struct set n = { NULL, NULL, 0, s->cap ? 2 * s->cap : 64 };

		n.keys = kp_xcalloc(n.cap, sizeof(*n.keys));
		n.vals = kp_xcalloc(n.cap, sizeof(*n.vals));
		for (i = 0; i < s->cap; i++) {
			size_t j;

			if (!s->keys[i])
				continue;
			j = kp_hash64(0, s->keys[i], strlen(s->keys[i]));
			while (n.keys[j & (n.cap - 1)])
				j++;
			n.keys[j & (n.cap - 1)] = s->keys[i];
			n.vals[j & (n.cap - 1)] = s->vals[i];
		}
		n.len = s->len;
		free(s->keys);
		free(s->vals);
		*s = n;
	}
	mask = s->cap - 1;
	for (i = kp_hash64(0, key, strlen(key)); s->keys[i & mask]; i++)
		if (strcmp(s->keys[i & mask], key) == 0)
			return s->vals[i & mask];
	s->keys[i & mask] = kp_xstrdup(key);
	s->vals[i & mask] = kp_xstrdup(val);
	s->len++;
	return NULL;
}

static void set_free(struct set *s)
{
	size_t i;

	for (i = 0; i < s->cap; i++) {
		free(s->keys[i]);
		free(s->vals[i]);
	}
	free(s->keys);
	free(s->vals);
}

struct erun {
	const struct kp_export_run *run;
	struct kp_export_totals *totals;
	struct kp_buf buf; /* what goes to the writer next */
	int write_failed;
	size_t entries;	     /* FHIR: entries written */
	struct set ids;	     /* plan id -> its file */
	struct set patients; /* FHIR: Patient ids written */
};

struct eslot {
	char *rel; /* relative to the repository, or NULL */
	struct kp_buf out;
	struct kp_buf patient; /* FHIR: the Patient's entry */
	char patient_id[37];
	char *id; /* the plan id */
	unsigned id_line, id_col;
	struct kp_findings f;
	int exported;
	int invalid;
};

static void drain(struct erun *r, int all)
{
	if (r->buf.len < (all ? 1 : FLUSH_AT))
		return;
	if (!r->write_failed &&
	    r->run->write(r->buf.buf, r->buf.len, r->run->payload) < 0)
		r->write_failed = 1;
	kp_buf_reset(&r->buf);
}

static void prepare(void *ctx, struct kp_batch_item *it,
		    struct kp_batch_worker *main)
{
	const struct erun *r = ctx;
	struct eslot *s = it->slot;
	struct kp_error err = KP_ERROR_INIT;

	(void)main;
	/* libgit2 and the working directory are asked on this thread. */
	if (r->run->revs &&
	    kp_repo_plan_path(&s->rel, r->run->repo, it->path, 1, &err) < 0)
		s->rel = NULL;
}

static void work(void *ctx, struct kp_batch_item *it, const char *data,
		 size_t len, struct kp_batch_worker *w)
{
	const struct erun *r = ctx;
	const struct kp_export_run *run = r->run;
	struct eslot *s = it->slot;
	struct kp_error err = KP_ERROR_INIT;
	struct kp_plan *plan = NULL;
	struct kp_source src;

	(void)w;
	kp_buf_init(&s->out);
	kp_buf_init(&s->patient);
	if (kp_plan_parse(&plan, it->path, data, len,
			  run->full_load ? 0 : KP_LOAD_FAST, &err) < 0) {
		/* Not a plan at all: nothing to export; it counts as invalid.
		 */
		kp_finding_from_error(&s->f, &err);
		s->invalid = 1;
		return;
	}
	if (kp_validate(plan, run->schema, &s->f))
		s->invalid = 1;
	if (kp_plan_str(plan, "id")) {
		const struct kp_node *n = kp_map_get(plan->root, "id");

		s->id = kp_xstrdup(kp_plan_str(plan, "id"));
		s->id_line = n->line;
		s->id_col = n->col;
	}
	if (!s->invalid || !run->valid_only) {
		memset(&src, 0, sizeof(src));
		if (run->revs && s->rel)
			kp_revmap_source(run->revs, &src, s->rel, data, len);
		/* Index 0: the separators are finish()'s. */
		if (run->opts.format == KP_EXPORT_FHIR)
			kp_fhir_plan(&s->out, &s->patient, s->patient_id, plan,
				     src.in_repo ? &src : NULL, &run->opts, 1);
		else
			kp_export_plan(&s->out, &run->opts, plan,
				       src.in_repo ? &src : NULL, 0);
		s->exported = 1;
	}
	kp_plan_free(plan);
}

static void finish(void *ctx, struct kp_batch_item *it)
{
	struct erun *r = ctx;
	struct eslot *s = it->slot;
	struct kp_export_totals *t = r->totals;
	struct kp_file_report rep;

	memset(&rep, 0, sizeof(rep));
	rep.path = it->path;
	if (s->id) {
		const char *other = set_add(&r->ids, s->id, it->path);

		if (other) {
			/* TRANSLATORS: the plan id, the other file. */
			kp_findings_add(&s->f, "id", KP_ERROR, s->id_line,
					s->id_col,
					_("the plan id %s is also that of %s: "
					  "two plans cannot have one id in an "
					  "export; give one of them a new id"),
					s->id, other);
			kp_findings_sort(&s->f);
			s->invalid = 1;
			s->exported = 0;
		}
	}
	if (it->failed) {
		rep.error = &it->error;
		t->failed++;
	} else {
		rep.findings = &s->f;
		t->invalid += (size_t)s->invalid;
	}
	if (r->run->report && (rep.error || s->invalid))
		r->run->report(&rep, r->run->payload);
	if (s->exported && r->run->opts.format == KP_EXPORT_FHIR) {
		t->exported++;
		if (!set_add(&r->patients, s->patient_id, "")) {
			if (r->entries++)
				kp_buf_addch(&r->buf, ',');
			kp_buf_add(&r->buf, s->patient.buf, s->patient.len);
		}
		if (r->entries++)
			kp_buf_addch(&r->buf, ',');
		kp_buf_add(&r->buf, s->out.buf, s->out.len);
		drain(r, 0);
	} else if (s->exported) {
		if (t->exported++ && r->run->opts.format == KP_EXPORT_JSON)
			kp_buf_addch(&r->buf, ',');
		kp_buf_add(&r->buf, s->out.buf, s->out.len);
		drain(r, 0);
	}
	kp_buf_release(&s->out);
	kp_buf_release(&s->patient);
	free(s->id);
	kp_findings_release(&s->f);
	free(s->rel);
}

int kp_export_paths(struct kp_export_totals *totals, const char *const *paths,
		    size_t npaths, const struct kp_export_run *run)
{
	static const struct kp_batch_ops ops = { sizeof(struct eslot), prepare,
						 work, finish };
	struct erun r;

	memset(totals, 0, sizeof(*totals));
	memset(&r, 0, sizeof(r));
	r.run = run;
	r.totals = totals;
	kp_buf_init(&r.buf);
	kp_export_begin(&r.buf, &run->opts);
	kp_batch_run(paths, npaths, run->jobs, &ops, &r);
	kp_export_end(&r.buf, &run->opts, totals->exported);
	drain(&r, 1);
	kp_buf_release(&r.buf);
	totals->write_failed = r.write_failed;
	set_free(&r.ids);
	set_free(&r.patients);
	return r.write_failed ? KP_EIO : 0;
}
