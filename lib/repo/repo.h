/*
 * repo.h: the repo module, for the modules above it: plan repositories
 * (libgit2): revisions, history, locks, the template, drafts and sendings.
 */
#ifndef KP_REPO_H
#define KP_REPO_H

#include "kiplan.h"
#include "base/base.h"
#include "load/load.h"
#include "check/check.h"
#include "render/render.h"

/*
 * The git directory, as libgit2 finds it (in a worktree, the worktree's
 * own, under the main repository's .git/worktrees/), with a trailing
 * slash.  Borrowed; NULL for a repository found by kp_repo_locate().
 */
const char *kp_repo_gitdir(const struct kp_repo *repo);

/*
 * The next free plan id of year, "ki-YYYY-NNNN", into out: one more than
 * the highest of that year in the working directory, in HEAD, and among
 * the drafts being edited (.git/kiplan-edit/).  Call it holding the lock.
 */
int kp_repo_next_id(char out[13], struct kp_repo *repo, int year,
		    struct kp_error *err);

/*
 * Build a commit message: summary, the body paragraphs (one line each),
 * then the trailers
 * "Plan-Id: id", "Revision: N" and one "Sendt-til: R" per recipient.
 * Every part is refused (KP_EUSAGE) when it holds a control character (a
 * newline could forge a trailer); a recipient also when it holds '<' or
 * '>' outside its "Name <email>" form.
 */
int kp_repo_message(struct kp_buf *out, const char *summary,
		    const char *const *body, size_t nbody, const char *id,
		    unsigned revision, const char *const *recipients,
		    size_t nrecipients, struct kp_error *err);

/*
 * Commit the one file rel with the content data (len bytes) on top of
 * HEAD: the new tree is HEAD's tree with that one entry replaced, whatever
 * else is staged or modified.  With data NULL the tree is HEAD's own (an
 * empty commit that records a sending).  HEAD's branch moves only if it
 * still points where it was read (compare and swap), then the index entry
 * of rel is updated, so that git status shows the file clean.  Author and
 * committer: $KIPLAN_AUTHOR ("Name <email>") or git's user.name and
 * user.email; times from $GIT_AUTHOR_DATE and $GIT_COMMITTER_DATE when
 * set ("@SECONDS +HHMM", "SECONDS +HHMM" or "YYYY-MM-DDTHH:MM:SS+HH:MM").
 * The commit id goes into out.  Call it holding the lock.
 */
int kp_repo_commit(char out[41], struct kp_repo *repo, const char *rel,
		   const char *data, size_t len, const char *message,
		   struct kp_error *err);

/* The commit time of commit (hex), seconds since the epoch and minutes
 * east of UTC. */
int kp_repo_commit_time(long long *time, int *offset, struct kp_repo *repo,
			const char *commit, struct kp_error *err);

/*
 * A test hook: when $KIPLAN_TEST_CRASH equals point, the process kills
 * itself with SIGKILL there, so that tests can check what a crash at
 * that point leaves behind.
 */
void kp_test_crash(const char *point);

/*
 * The draft of a new plan (lib/template.c): the template of the
 * guideline's Bilag 1 as a plan file with id, status kladde, and the
 * values of fields (a KP_MAP; NULL for none) in the template's order.
 * Every field not given stands as a Danish comment that says what goes
 * there.  The keys kiplan, id and status of fields are ignored.
 */
int kp_template_draft(struct kp_buf *out, const char *id,
		      const struct kp_node *fields, struct kp_error *err);

#endif
