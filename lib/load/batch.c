/*
 * batch.c: the batch engine that validate, due and export share.  The
 * walk (kp_scan) fills a batch of KP_BATCH_SIZE plans; the caller's
 * prepare() sees each on this thread, in the walk's order (a cache may
 * answer there); the others are read and worked on every CPU, each
 * worker touching only its own items; then finish() sees every item on
 * this thread, in the walk's order again.  So the output never depends
 * on the threads, and memory is one batch, however many plans.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "load/load.h"
#include "banned.h"

struct engine {
	const struct kp_batch_ops *ops;
	void *ctx;
	int jobs;
	struct kp_batch_item items[KP_BATCH_SIZE];
	char *slots; /* KP_BATCH_SIZE * ops->slot_size bytes */
	struct stat st[KP_BATCH_SIZE];
	size_t n;
	struct kp_batch_worker main; /* prepare() and finish() */
	struct kp_batch_worker w[KP_JOBS_MAX];
};

static void worker_init(struct kp_batch_worker *w, int index)
{
	w->index = index;
	kp_buf_init(&w->data);
	w->arena = NULL;
}

struct kp_doc *kp_batch_arena(struct kp_batch_worker *w)
{
	if (!w->arena)
		w->arena = kp_doc_new();
	return w->arena;
}

static void work_one(struct engine *e, struct kp_batch_item *it,
		     struct kp_batch_worker *w)
{
	int error;

	if (it->skip || it->walk_problem)
		return;
	kp_buf_reset(&w->data);
	/* The walk's lstat() gave the size: no fstat() for each plan. */
	if (it->st)
		error = kp_buf_read_regular(&w->data, it->path,
					    (size_t)it->st->st_size,
					    KP_PLAN_MAX, &it->error);
	else
		error = kp_buf_read_file(&w->data, it->path, KP_PLAN_MAX,
					 &it->error);
	if (error < 0) {
		struct stat st;

		/*
		 * Gone since the walk saw it: a plan removed, or a writer's
		 * file renamed, meanwhile.  Not there is not an error.
		 */
		if (it->st && lstat(it->path, &st) < 0 && errno == ENOENT)
			it->vanished = 1;
		else
			it->failed = 1;
		return;
	}
	e->ops->work(e->ctx, it, w->data.buf, w->data.len, w);
}

static void work_range(void *payload, size_t from, size_t to, int worker)
{
	struct engine *e = payload;
	size_t i;

	for (i = from; i < to; i++)
		work_one(e, &e->items[i], &e->w[worker]);
}

static void release_arena(struct kp_batch_worker *w)
{
	kp_doc_free(w->arena);
	w->arena = NULL;
}

static void run_batch(struct engine *e)
{
	size_t i, todo = 0;
	int t, jobs;

	for (i = 0; i < e->n; i++) {
		struct kp_batch_item *it = &e->items[i];

		if (!it->walk_problem && e->ops->prepare)
			e->ops->prepare(e->ctx, it, &e->main);
		if (!it->skip && !it->walk_problem)
			todo++;
	}
	/* A thread pays only when there is enough to read. */
	jobs = todo >= KP_BATCH_THREADED ? e->jobs : 1;
	kp_parallel(e->n, jobs, work_range, e);
	for (i = 0; i < e->n; i++) {
		struct kp_batch_item *it = &e->items[i];

		if (!it->vanished)
			e->ops->finish(e->ctx, it);
		free(it->path);
	}
	for (t = 0; t < jobs; t++)
		release_arena(&e->w[t]);
	release_arena(&e->main);
	memset(e->slots, 0, e->n * e->ops->slot_size);
	e->n = 0;
}

static int on_file(const char *path, const struct stat *st,
		   const struct kp_error *problem, void *payload)
{
	struct engine *e = payload;
	struct kp_batch_item *it = &e->items[e->n];

	memset(it, 0, sizeof(*it));
	it->path = kp_xstrdup(path);
	it->slot = e->slots + e->n * e->ops->slot_size;
	it->index = e->n;
	if (st) {
		e->st[e->n] = *st;
		it->st = &e->st[e->n];
	}
	if (problem) {
		it->error = *problem;
		it->walk_problem = 1;
		it->failed = 1;
	}
	if (++e->n == KP_BATCH_SIZE)
		run_batch(e);
	return 0;
}

int kp_batch_run(const char *const *paths, size_t npaths, int jobs,
		 const struct kp_batch_ops *ops, void *ctx)
{
	struct engine *e = kp_xcalloc(1, sizeof(*e));
	int t, error;

	e->ops = ops;
	e->ctx = ctx;
	e->jobs = jobs < 1	       ? kp_jobs_default()
		  : jobs > KP_JOBS_MAX ? KP_JOBS_MAX
				       : jobs;
	e->slots =
		kp_xcalloc(KP_BATCH_SIZE, ops->slot_size ? ops->slot_size : 1);
	worker_init(&e->main, -1);
	for (t = 0; t < KP_JOBS_MAX; t++)
		worker_init(&e->w[t], t);
	error = kp_scan_stat(paths, npaths, on_file, e);
	if (e->n)
		run_batch(e);
	for (t = 0; t < KP_JOBS_MAX; t++)
		kp_buf_release(&e->w[t].data);
	kp_buf_release(&e->main.data);
	free(e->slots);
	free(e);
	return error;
}
