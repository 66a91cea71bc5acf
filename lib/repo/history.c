/*
 * history.c: a plan's history as data, once kp_repo_history() has read
 * it.  Part of the kiplan executable: nothing here needs git.
 */
#include <stddef.h>

#include "repo/repo.h"
#include "banned.h"

const struct kp_revision *kp_history_last_sent_any(const struct kp_history *h)
{
	size_t i;

	for (i = h->len; i-- > 0;)
		if (h->v[i].sent)
			return &h->v[i];
	return NULL;
}
