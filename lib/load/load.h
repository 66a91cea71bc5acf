/*
 * load.h: the load module, for the modules above it: plan files read
 * and parsed (YAML with libyaml, the fast reader, JSON, Markdown), the
 * walk over paths, and the batch engine that reads many plans on every
 * CPU.
 */
#ifndef KP_LOAD_H
#define KP_LOAD_H

#include "kiplan.h"
#include "base/base.h"

struct stat;

/*
 * The batch engine (batch.c).  kp_batch_run() walks paths as kp_scan()
 * does and handles the plan files found in batches of KP_BATCH_SIZE:
 *
 *  1. prepare(ctx, item, main) on the calling thread, in the walk's
 *     order; it may set item->skip when it has the answer already (a
 *     cache hit).  May be NULL.
 *  2. Every other item is read (at most KP_PLAN_MAX bytes) and given to
 *     work(ctx, item, data, len, worker), on up to jobs threads when the
 *     batch has at least KP_BATCH_THREADED items to read, else on the
 *     calling thread.  work() may touch only its item, its slot and its
 *     worker.  A file that cannot be read is not worked: item->failed
 *     and item->error say why.
 *  3. finish(ctx, item) on the calling thread, in the walk's order, for
 *     every item: worked, skipped or failed.  A file that the walk saw
 *     but that is gone when it is read (a plan removed, a writer's
 *     temporary file renamed meanwhile) is not an item at all.
 *
 * Each item has a slot of ops->slot_size bytes, zeroed, for the caller's
 * results; slots and the workers' arenas are valid until finish() has
 * seen the whole batch.  Returns what the walk returns.
 */
#define KP_BATCH_SIZE 1024
#define KP_BATCH_THREADED 32

struct kp_batch_item {
	char *path;	       /* as the walk gave it; the engine's */
	const struct stat *st; /* what the walk saw, or NULL */
	size_t index;	       /* within the batch */
	void *slot;	       /* the caller's: ops->slot_size bytes */
	int skip;	       /* set by prepare(): nothing to read */
	int failed;	       /* error says why the file was not worked */
	int walk_problem;      /* failed already in the walk */
	int vanished;	       /* gone since the walk: never finished */
	struct kp_error error;
};

struct kp_batch_worker {
	int index;	      /* 0..jobs-1; -1 for the calling thread */
	struct kp_buf data;   /* the engine's read buffer */
	struct kp_doc *arena; /* see kp_batch_arena() */
};

struct kp_batch_ops {
	size_t slot_size;
	void (*prepare)(void *ctx, struct kp_batch_item *item,
			struct kp_batch_worker *main);
	void (*work)(void *ctx, struct kp_batch_item *item, const char *data,
		     size_t len, struct kp_batch_worker *worker);
	void (*finish)(void *ctx, struct kp_batch_item *item);
};

/*
 * An arena for what a worker's items keep until finish(): freed with the
 * batch.  Never NULL.
 */
struct kp_doc *kp_batch_arena(struct kp_batch_worker *w);

/* jobs < 1: kp_jobs_default(). */
int kp_batch_run(const char *const *paths, size_t npaths, int jobs,
		 const struct kp_batch_ops *ops, void *ctx);

#endif
