/*
 * workdir.h: private to the repo module.  A plan repository is a working
 * directory (lib/repo/workdir.c, which needs no libgit2 and is part of
 * the kiplan executable) and, when it was opened with kp_repo_open(), a
 * libgit2 repository (lib/repo/repo.c and the rest, the git plugin
 * kiplan-git.so).  Both halves see struct kp_repo.
 */
#ifndef KP_REPO_WORKDIR_H
#define KP_REPO_WORKDIR_H

#include "repo/repo.h"

struct git_repository;

struct kp_repo {
	struct git_repository *git; /* NULL: found by kp_repo_locate() */
	char *workdir;		    /* absolute, real, no trailing slash */
	char *gitdir; /* with a trailing slash; NULL without git */
	/* The directory that all worktrees share (refs, objects, and so
	 * kiplan's lock); the git directory in a repository without them. */
	char *commondir;
	int lock_fd;
	int txn_done; /* a finished change's journal waits for the unlock */
	void (*notify)(const char *msg, void *payload);
	void *notify_payload;
};

/* a and b joined by one '/' (a new string: free()). */
char *kp_repo_join(const char *a, const char *b);

/* path is a directory, not a symbolic link to one. */
int kp_repo_is_dir(const char *path);

/* s has the form of a plan id, "ki-YYYY-NNNN". */
int kp_repo_is_id(const char *s);

/*
 * Free what libgit2 holds of repo (lib/repo/repo.c, in the git plugin):
 * repo->git and the library's reference.  kp_repo_free() calls it when
 * repo->git is set, which only kp_repo_open() and kp_repo_init() do.
 */
void kp_repo_git_free(struct kp_repo *repo);

#endif
