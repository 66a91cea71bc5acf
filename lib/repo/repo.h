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

/* The libgit2 repository behind repo, for lib/repo only.  Borrowed. */
struct git_repository;
struct git_repository *kp_repo_git(struct kp_repo *repo);

/*
 * The next free plan id of year, "ki-YYYY-NNNN", into out.  Taken are
 * the ids of that year in the working directory, in HEAD, among the
 * drafts being edited (.git/kiplan-edit/), and every id that a commit of
 * HEAD's history names (Plan-Id), so that a deleted plan's id is never
 * given again.  A clone takes the next one of its reserved blocks
 * (kp_repo_block_id()); another repository one more than the highest
 * taken.  Call it holding the lock.
 */
int kp_repo_next_id(char out[13], struct kp_repo *repo, int year,
		    struct kp_error *err);

/* The highest number of an id, ki-YYYY-9999. */
#define KP_ID_MAX 9999

/*
 * Ids in a shared repository (lib/repo/share.c).  A clone takes its ids
 * from blocks of KP_ID_BLOCK numbers that it reserved on the server,
 * each a ref refs/kiplan/ids/YYYY/NNNN (NNNN its first number) created
 * by a push that the server refuses when the ref exists already: an
 * atomic reservation.  The ref points at a commit that names the clone
 * (kiplan.clone in .git/config).  *out: the lowest number above every
 * one in used (indexed by number, KP_ID_MAX + 1 entries) within the
 * clone's blocks of year; when none is left, a new block is reserved,
 * which needs the server.  KP_ENOTFOUND when the repository is not a
 * clone (no kiplan.clone or no origin): then the caller takes one more
 * than the highest.
 */
#define KP_ID_BLOCK 20
int kp_repo_block_id(int *out, struct kp_repo *repo, int year,
		     const unsigned char *used, struct kp_error *err);

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

/*
 * The author or committer signature that kp_repo_commit() uses, the time
 * from the environment variable datevar when set.
 */
struct git_signature;
int kp_repo_signature(struct git_signature **out, struct kp_repo *repo,
		      const char *datevar, struct kp_error *err);

/*
 * The history of HEAD in the order that numbers revisions, oldest first:
 * its first-parent line, and before each merge commit on it the commits
 * that the merge brought in (reachable from its other parents, not from
 * its first), oldest first.  A sync merges with the server's branch as
 * first parent, so every clone sees one order once it has synced, and
 * numbers given on the server's line never change.  *out (free()) holds
 * *n ids; (*mainline)[i] is 1 for a commit of the first-parent line.
 */
struct git_oid;
int kp_repo_linear(struct git_oid **out, unsigned char **mainline, size_t *n,
		   struct git_repository *git, struct kp_error *err);

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
