/*
 * parallel.c: a batch of independent jobs split over a few threads, for
 * the commands that read many plans (validate, due, export).  The caller
 * keeps the results in slots indexed like the jobs, so the output order
 * never depends on the threads.
 */
#include <pthread.h>
#include <unistd.h>

#include "base/base.h"
#include "banned.h"

struct range {
	void (*fn)(void *payload, size_t from, size_t to, int worker);
	void *payload;
	size_t from, to;
	int worker;
};

static void *run_range(void *arg)
{
	struct range *r = arg;

	if (r->from < r->to)
		r->fn(r->payload, r->from, r->to, r->worker);
	return NULL;
}

int kp_jobs_default(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > KP_JOBS_MAX ? KP_JOBS_MAX : (int)n;
}

void kp_parallel(size_t n, int jobs,
		 void (*fn)(void *payload, size_t from, size_t to, int worker),
		 void *payload)
{
	struct range r[KP_JOBS_MAX] = { { NULL, NULL, 0, 0, 0 } };
	pthread_t tid[KP_JOBS_MAX];
	int created[KP_JOBS_MAX] = { 0 };
	size_t per;
	int t;

	if (jobs < 1)
		jobs = 1;
	if (jobs > KP_JOBS_MAX)
		jobs = KP_JOBS_MAX;
	if ((size_t)jobs > n)
		jobs = n ? (int)n : 1;
	per = (n + (size_t)jobs - 1) / (size_t)jobs;
	for (t = 0; t < jobs; t++) {
		r[t].fn = fn;
		r[t].payload = payload;
		r[t].from = (size_t)t * per < n ? (size_t)t * per : n;
		r[t].to = r[t].from + per > n ? n : r[t].from + per;
		r[t].worker = t;
	}
	for (t = 1; t < jobs; t++)
		created[t] =
			pthread_create(&tid[t], NULL, run_range, &r[t]) == 0;
	run_range(&r[0]);
	/* A range that no thread could take is done here. */
	for (t = 1; t < jobs; t++)
		if (created[t])
			pthread_join(tid[t], NULL);
		else
			run_range(&r[t]);
}
