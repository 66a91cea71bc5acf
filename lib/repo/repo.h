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
 * A change: the one way a command changes a plan repository
 * (lib/repo/txn.c).  Every committing command goes through it:
 *
 *	kp_repo_lock()		the repository lock; repairs first
 *	kp_txn_begin()		the journal
 *	kp_txn_put()		a file and its new text, for the commit
 *	kp_txn_prepare()	the commit object: its id and time are known
 *	kp_txn_outbox()		a document for outbox/, stamped with them
 *	kp_txn_commit()		the commit point and the rest
 *	kp_txn_free()		without a commit, nothing is left behind
 *	kp_repo_unlock()
 *
 * Nothing is visible until kp_txn_commit(): every file is written under
 * a temporary name first.  Then, under git's locks (taken as hard links
 * to kiplan's own files, so that recovery knows them for its own), the
 * branch moves from the commit it was built on to the new one only if it
 * still points there (compare and swap); that is the commit point.
 * After it: the index entries of the files put (as the committed blobs),
 * the files in the working tree, the reflogs, the outbox.
 *
 * kp_txn_commit() returns 0 when all is done; KP_EAFTER when the commit
 * exists but a later step failed (err says which; the journal stays, and
 * the next kp_repo_lock() finishes it: do not repeat the command); any
 * other code when nothing was committed.  kp_txn_committed() says the
 * same.  kind names the command ("new", "send"); request, a digest of
 * what was asked (or NULL), lets a retried command learn that recovery
 * finished it (kp_repo_replayed()).  Call everything holding the lock.
 */
struct kp_txn;

#define KP_TXN_CREATE 1	 /* the file must not exist (KP_EEXISTS) */
#define KP_TXN_KEEP 2	 /* commit data; leave the working file alone */
#define KP_TXN_ADOPTED 4 /* data is a commit's already: no marker check */

int kp_txn_begin(struct kp_txn **out, struct kp_repo *repo, const char *kind,
		 const char *request, struct kp_error *err);
/*
 * rel (relative to the working directory) will hold data.  Without
 * KP_TXN_KEEP the new text goes beside it under a temporary name now,
 * and replaces it after the commit point.
 */
int kp_txn_put(struct kp_txn *t, const char *rel, const void *data, size_t len,
	       unsigned flags, struct kp_error *err);
/*
 * The commit: HEAD's tree with the files put (none: HEAD's own tree, an
 * empty commit), the message, the author and committer of
 * kp_repo_signature().  HEAD must be a branch.
 */
int kp_txn_prepare(struct kp_txn *t, const char *message, struct kp_error *err);
/*
 * Instead of kp_txn_prepare(): the branch is to become commit, one
 * that exists and descends from it (kiplan sync's fast-forward or
 * merge): the files that differ from HEAD's tree are put (those it
 * lacks are removed, a working file only while unchanged); reflog is
 * the reflog's message.
 */
struct git_oid;
int kp_txn_adopt(struct kp_txn *t, const struct git_oid *commit,
		 const char *reflog, struct kp_error *err);
/* After kp_txn_prepare(): the commit's id (into out) and time. */
const char *kp_txn_commit_id(const struct kp_txn *t, char out[41]);
void kp_txn_time(const struct kp_txn *t, long long *time, int *offset);
/* What the change makes of a plan, for recovery's report. */
void kp_txn_describe(struct kp_txn *t, const char *plan, unsigned revision);
/* outbox/name will hold data, after the commit point. */
int kp_txn_outbox(struct kp_txn *t, const char *name, const void *data,
		  size_t len, struct kp_error *err);
int kp_txn_commit(struct kp_txn *t, struct kp_error *err);
int kp_txn_committed(const struct kp_txn *t);
void kp_txn_free(struct kp_txn *t);

/*
 * Recovery, run by kp_repo_lock() (lib/repo/txn.c): see there.
 */
int kp_txn_recover(struct kp_repo *repo, struct kp_error *err);
/*
 * Remove every lock file below refs/kiplan/: only kiplan writes there,
 * holding its lock (which the caller holds), so any one is stale.
 */
void kp_repo_kiplan_locks(struct kp_repo *repo);
/*
 * Move the documents of outbox/ whose sending the history lacks into
 * outbox/ikke-sendt/ (lib/repo/outbox.c), saying so; the number moved.
 */
size_t kp_outbox_check(struct kp_repo *repo);

/*
 * What recovery finished of an interrupted command: when the last such
 * command was of this kind and request, fill out, forget it (a request
 * made again later is carried out) and return 1; else 0.
 */
struct kp_txn_outcome {
	char commit[41];
	char *plan; /* as kp_txn_describe() named it */
	unsigned revision;
	char *docs[2]; /* outbox documents */
	size_t ndocs;
};
int kp_repo_replayed(struct kp_txn_outcome *out, struct kp_repo *repo,
		     const char *kind, const char *request);
void kp_txn_outcome_release(struct kp_txn_outcome *o);
/* A digest of len bytes, 40 hex digits, for a request. */
void kp_txn_digest(char out[41], const void *data, size_t len);

/*
 * Commit the one file rel with the content data (len bytes) on top of
 * HEAD, as one change (kp_txn_*): HEAD's tree with that one entry
 * replaced, whatever else is staged or modified; the working file is
 * left alone (KP_TXN_KEEP), and the index entry of rel set to data.
 * With data NULL the tree is HEAD's own (an empty commit that records a
 * sending).  The commit
 * id goes into out as soon as the commit exists, so that out is set when
 * KP_EAFTER is returned.  Call it holding the lock.
 */
int kp_repo_commit(char out[41], struct kp_repo *repo, const char *rel,
		   const char *data, size_t len, const char *message,
		   struct kp_error *err);

/* The libgit2 repository (borrowed), and whether the lock is held. */
struct git_repository *kp_repo_git(const struct kp_repo *repo);
int kp_repo_locked(const struct kp_repo *repo);
/*
 * A change finished (kp_txn_commit()) leaves its journal until
 * kp_repo_unlock() calls kp_txn_end(): the command writes its output
 * before that, so that a kill before the output is out is taken for an
 * interrupted change, and a retry is recognized (kp_repo_replayed()).
 */
void kp_repo_txn_done(struct kp_repo *repo, int done);
int kp_repo_txn_is_done(const struct kp_repo *repo);
int kp_txn_end(struct kp_repo *repo, struct kp_error *err);

/*
 * Author or committer: $KIPLAN_AUTHOR ("Name <email>") or git's
 * user.name and user.email; the time from datevar ("GIT_AUTHOR_DATE",
 * "GIT_COMMITTER_DATE") when set ("@SECONDS +HHMM", "SECONDS +HHMM" or
 * "YYYY-MM-DDTHH:MM:SS+HH:MM"), else now.
 */
struct git_signature;
int kp_repo_signature(struct git_signature **out, struct kp_repo *repo,
		      const char *datevar, struct kp_error *err);

/* Tell what was repaired (kp_repo_set_notify()); fmt through _(). */
void kp_repo_notify(struct kp_repo *repo, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
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

/*
 * The history of the plan files, for stats (lib/repo/walk.c): the
 * first-parent history of HEAD, oldest first, and for each commit the
 * plan files it changed: every regular file named *.md outside hidden
 * directories (as kp_scan() walks them), added or modified (its new blob)
 * or deleted.  The commits are compared with their parents on up to jobs
 * threads (0: every CPU); the result is the same whatever their number.
 */
struct kp_oid {
	unsigned char id[20];
};

struct kp_walk_change {
	size_t path; /* index into paths */
	struct kp_oid blob;
	int deleted;
};

struct kp_walk_commit {
	struct kp_oid id;
	long long time;		/* committer time */
	int offset;		/* minutes east of UTC */
	char *plan_id;		/* the Plan-Id trailer, or NULL; owned */
	unsigned recipients;	/* the number of Sendt-til trailers */
	size_t first, nchanges; /* changes[first .. first + nchanges) */
};

struct kp_walk {
	struct kp_walk_commit *commits; /* oldest first */
	size_t ncommits;
	struct kp_walk_change *changes; /* in the order of the commits */
	size_t nchanges;
	char **paths; /* relative to the top of the working directory */
	size_t npaths;
};

int kp_repo_walk(struct kp_walk **out, struct kp_repo *repo, int jobs,
		 struct kp_error *err);
void kp_walk_free(struct kp_walk *walk);

/*
 * Read each of the n blobs and hand it to fn (i is its index in blobs),
 * on up to jobs threads: fn runs on the worker's thread (worker is
 * 0..jobs-1) and may touch only what belongs to i and to its worker.
 * The data is borrowed for the call.  KP_EGIT when a blob cannot be read.
 */
int kp_repo_blobs(struct kp_repo *repo, const struct kp_oid *blobs, size_t n,
		  int jobs,
		  void (*fn)(void *payload, size_t i, const char *data,
			     size_t len, int worker),
		  void *payload, struct kp_error *err);

#endif
