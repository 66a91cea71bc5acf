/*
 * share.c: a plan repository shared through a git server.  Refusing to
 * commit in the middle of a merge, clone, the remote, and sync (fetch,
 * integrate, validate, push), all through libgit2.
 */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <git2.h>

#include "repo/repo.h"
#include "i18n.h"
#include "banned.h"

#define BRANCH_PREFIX "refs/heads/"
#define SYNC_REF "refs/kiplan/sync"
#define RESERVE_REF "refs/kiplan/reserve"

static int git_fail(struct kp_error *err, const char *fmt)
{
	const git_error *e = git_error_last();

	return kp_error_set(err, KP_EGIT, NULL, 0, 0, fmt,
			    e && e->message ? e->message : _("unknown error"));
}

static int ensure_ids(struct kp_repo *repo, struct kp_error *err);

/* ------------------------------------------------------------------ */
/* Refusals                                                            */
/* ------------------------------------------------------------------ */

/* The 1-based line of the first conflict marker in text, or 0. */
static unsigned marker_line(const char *text, size_t len)
{
	static const char *const marks[] = { "<<<<<<<", ">>>>>>>", "|||||||" };
	unsigned line = 1;
	size_t i = 0, k;

	while (i < len) {
		for (k = 0; k < sizeof(marks) / sizeof(marks[0]); k++)
			if (len - i >= 7 &&
			    memcmp(text + i, marks[k], 7) == 0 &&
			    (len - i == 7 || text[i + 7] == ' ' ||
			     text[i + 7] == '\n' || text[i + 7] == '\r'))
				return line;
		while (i < len && text[i] != '\n')
			i++;
		i++;
		line++;
	}
	return 0;
}

int kp_repo_busy(struct kp_repo *repo, const char *rel, const char *data,
		 size_t len, struct kp_error *err)
{
	git_repository *git = kp_repo_git(repo);
	git_index *idx = NULL;
	unsigned line;
	int state, error = 0;

	state = git_repository_state(git);
	switch (state) {
	case GIT_REPOSITORY_STATE_NONE: break;
	case GIT_REPOSITORY_STATE_MERGE:
		return kp_error_set(
			err, KP_ECONFLICT, NULL, 0, 0,
			_("a git merge is not finished: resolve the conflicts "
			  "(kiplan validate shows them), then 'git commit', "
			  "or give up the merge with 'git merge --abort'"));
	case GIT_REPOSITORY_STATE_REBASE:
	case GIT_REPOSITORY_STATE_REBASE_INTERACTIVE:
	case GIT_REPOSITORY_STATE_REBASE_MERGE:
	case GIT_REPOSITORY_STATE_APPLY_MAILBOX:
	case GIT_REPOSITORY_STATE_APPLY_MAILBOX_OR_REBASE:
		return kp_error_set(
			err, KP_ECONFLICT, NULL, 0, 0,
			_("a git rebase is not finished: finish it with 'git "
			  "rebase --continue', or give it up with 'git rebase "
			  "--abort'"));
	default:
		return kp_error_set(
			err, KP_ECONFLICT, NULL, 0, 0,
			_("a git cherry-pick or revert is not finished: "
			  "finish it, or give it up with 'git cherry-pick "
			  "--abort' or 'git revert --abort'"));
	}
	if (git_repository_index(&idx, git) == 0 &&
	    git_index_read(idx, 0) == 0 && git_index_has_conflicts(idx)) {
		error = kp_error_set(
			err, KP_ECONFLICT, NULL, 0, 0,
			_("the index has unresolved conflicts: resolve them "
			  "and 'git add' the files, or 'git reset --merge'"));
		goto done;
	}
	if (data && (line = marker_line(data, len)) > 0)
		error = kp_error_set(
			err, KP_ECONFLICT, rel, line, 1,
			_("the file holds git's conflict markers from a "
			  "merge: keep the right text between them, remove "
			  "the marker lines, and try again"));
done:
	git_index_free(idx);
	return error;
}

/* ------------------------------------------------------------------ */
/* Credentials                                                         */
/* ------------------------------------------------------------------ */

struct net {
	unsigned tries; /* credential callbacks in this operation */
	int rejected;	/* the server refused a ref update */
	char *reject_msg;
};

static int file_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/*
 * Credentials as the issue wants them: ssh-agent, then the usual key
 * files (passphrase from $KIPLAN_SSH_PASSPHRASE); for https
 * $KIPLAN_GIT_USERNAME and $KIPLAN_GIT_PASSWORD.  Each is offered once.
 */
static int credentials(git_credential **out, const char *url,
		       const char *user_from_url, unsigned int allowed,
		       void *payload)
{
	static const char *const keys[] = { "id_ed25519", "id_ecdsa",
					    "id_rsa" };
	struct net *n = payload;
	const char *user = user_from_url, *home = getenv("HOME");
	unsigned k = n->tries++;

	(void)url;
	if (!user || !*user)
		user = getenv("KIPLAN_GIT_USERNAME");
	if (!user || !*user)
		user = getenv("USER");
	if ((allowed & GIT_CREDENTIAL_USERNAME) && user)
		return git_credential_username_new(out, user);
	if ((allowed & GIT_CREDENTIAL_SSH_KEY) && user) {
		if (k == 0 && getenv("SSH_AUTH_SOCK"))
			return git_credential_ssh_key_from_agent(out, user);
		k -= getenv("SSH_AUTH_SOCK") ? 1 : 0;
		for (; home && k < sizeof(keys) / sizeof(keys[0]); k++) {
			struct kp_buf p = KP_BUF_INIT;
			int rc = 1;

			kp_buf_addf(&p, "%s/.ssh/%s", home, keys[k]);
			if (file_exists(p.buf)) {
				rc = git_credential_ssh_key_new(
					out, user, NULL, p.buf,
					getenv("KIPLAN_SSH_PASSPHRASE"));
				n->tries = k + 1 +
					   (getenv("SSH_AUTH_SOCK") ? 1 : 0);
			}
			kp_buf_release(&p);
			if (rc <= 0)
				return rc;
		}
		return GIT_PASSTHROUGH;
	}
	if ((allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) && k == 0 &&
	    getenv("KIPLAN_GIT_PASSWORD"))
		return git_credential_userpass_plaintext_new(
			out, user ? user : "", getenv("KIPLAN_GIT_PASSWORD"));
	return GIT_PASSTHROUGH;
}

static int push_status(const char *refname, const char *status, void *payload)
{
	struct net *n = payload;

	(void)refname;
	if (status) {
		n->rejected = 1;
		free(n->reject_msg);
		n->reject_msg = kp_xstrdup(status);
	}
	return 0;
}

static void callbacks(git_remote_callbacks *cb, struct net *n)
{
	git_remote_init_callbacks(cb, GIT_REMOTE_CALLBACKS_VERSION);
	cb->credentials = credentials;
	cb->push_update_reference = push_status;
	cb->payload = n;
}

/* ------------------------------------------------------------------ */
/* Clone and remote                                                    */
/* ------------------------------------------------------------------ */

static int private_mode(const char *path, const struct stat *st, int flag,
			struct FTW *ftw)
{
	(void)ftw;
	if (flag == FTW_SL)
		return 0;
	if (S_ISDIR(st->st_mode))
		return chmod(path, 0700) < 0 ? -1 : 0;
	if (S_ISREG(st->st_mode))
		return chmod(path, (st->st_mode & 0100) ? 0700 : 0600) < 0 ? -1
									   : 0;
	return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag,
			struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) < 0 ? -1 : 0;
}

/* A random UUID (version 4), "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx". */
static int make_uuid(char out[37])
{
	unsigned char r[16];
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	size_t got = 0, i;
	char *p = out;

	if (fd < 0)
		return -1;
	while (got < sizeof(r)) {
		ssize_t n = read(fd, r + got, sizeof(r) - got);

		if (n <= 0) {
			close(fd);
			return -1;
		}
		got += (size_t)n;
	}
	close(fd);
	r[6] = (unsigned char)((r[6] & 0x0f) | 0x40);
	r[8] = (unsigned char)((r[8] & 0x3f) | 0x80);
	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*p++ = '-';
		snprintf(p, 3, "%02x", r[i]);
		p += 2;
	}
	return 0;
}

/* The settings of a shared clone, in the git directory's config. */
static int configure_clone(git_repository *git, struct kp_error *err)
{
	git_config *cfg = NULL;
	git_buf have = { NULL, 0, 0 };
	char uuid[37];
	int error = 0;

	if (git_repository_config(&cfg, git) < 0) {
		error = git_fail(err, _("cannot read the git configuration: "
					"%s"));
		goto done;
	}
	if (git_config_get_string_buf(&have, cfg, "kiplan.clone") < 0) {
		if (make_uuid(uuid) < 0) {
			error = kp_error_set(err, KP_EIO, "/dev/urandom", 0, 0,
					     "%s", strerror(errno));
			goto done;
		}
		if (git_config_set_string(cfg, "kiplan.clone", uuid) < 0)
			goto fail;
	}
	if (git_config_set_string(cfg, "core.sharedRepository", "0600") < 0 ||
	    git_config_set_string(cfg, "merge.kiplan.name",
				  "kiplan: indsatsplaner flettes felt for "
				  "felt") < 0 ||
	    git_config_set_string(cfg, "merge.kiplan.driver",
				  "kiplan merge-file %O %A %B %P") < 0)
		goto fail;
	goto done;
fail:
	error = git_fail(err, _("cannot write the git configuration: %s"));
done:
	git_buf_dispose(&have);
	git_config_free(cfg);
	return error;
}

/* The directory a clone of url goes to: its last part without ".git". */
static char *clone_dir(const char *url)
{
	size_t n = strlen(url);
	const char *b;

	while (n > 1 && url[n - 1] == '/')
		n--;
	b = url + n;
	while (b > url && b[-1] != '/' && b[-1] != ':')
		b--;
	if ((size_t)(url + n - b) > 4 && memcmp(url + n - 4, ".git", 4) == 0)
		n -= 4;
	return kp_xstrndup(b, (size_t)(url + n - b));
}

int kp_repo_clone(struct kp_repo **out, const char *url, const char *dir,
		  struct kp_error *err)
{
	git_repository *git = NULL;
	git_clone_options co;
	struct net n = { 0, 0, NULL };
	char *d = dir ? kp_xstrdup(dir) : clone_dir(url);
	struct stat st;
	int made = 0, error = 0;

	*out = NULL;
	git_libgit2_init();
	umask(077);
	if (!*d || strcmp(d, ".") == 0 || strcmp(d, "..") == 0) {
		error = kp_error_set(err, KP_EUSAGE, NULL, 0, 0,
				     _("cannot tell a directory from the url "
				       "'%s'; name one"),
				     url);
		goto done;
	}
	if (lstat(d, &st) == 0) {
		DIR *dd;
		int empty = 1;

		if (!S_ISDIR(st.st_mode) || !(dd = opendir(d))) {
			error = kp_error_set(err, KP_EEXISTS, d, 0, 0,
					     _("exists, and is not an empty "
					       "directory"));
			goto done;
		}
		for (struct dirent *de; (de = readdir(dd));)
			if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
				empty = 0;
		closedir(dd);
		if (!empty) {
			error = kp_error_set(err, KP_EEXISTS, d, 0, 0,
					     _("exists, and is not an empty "
					       "directory"));
			goto done;
		}
	} else {
		made = 1;
	}
	git_clone_options_init(&co, GIT_CLONE_OPTIONS_VERSION);
	callbacks(&co.fetch_opts.callbacks, &n);
	co.checkout_opts.dir_mode = 0700;
	co.checkout_opts.file_mode = 0600;
	if (git_clone(&git, url, d, &co) < 0) {
		error = git_fail(err, _("cannot clone: %s"));
		goto undo;
	}
	if ((error = configure_clone(git, err)) < 0)
		goto undo;
	git_repository_free(git);
	git = NULL;
	if (nftw(d, private_mode, 16, FTW_PHYS) < 0) {
		error = kp_error_set(err, KP_EIO, d, 0, 0,
				     _("cannot chmod: %s"), strerror(errno));
		goto undo;
	}
	if ((error = kp_repo_open(out, d, err)) < 0)
		goto undo;
	if ((error = kp_repo_lock(*out, err)) < 0 ||
	    (error = ensure_ids(*out, err)) < 0) {
		kp_repo_free(*out);
		*out = NULL;
		goto undo;
	}
	kp_repo_unlock(*out);
	goto done;
undo:
	git_repository_free(git);
	git = NULL;
	/* Nothing half-made is left: the directory goes, or is empty again. */
	nftw(d, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	if (!made)
		mkdir(d, 0700);
done:
	free(n.reject_msg);
	free(d);
	git_libgit2_shutdown();
	return error;
}

int kp_repo_remote(char **out, struct kp_repo *repo, const char *url,
		   struct kp_error *err)
{
	git_repository *git = kp_repo_git(repo);
	git_remote *r = NULL;
	int rc, error = 0;

	*out = NULL;
	if (url) {
		rc = git_remote_lookup(&r, git, "origin");
		git_remote_free(r);
		r = NULL;
		if (rc == 0)
			rc = git_remote_set_url(git, "origin", url);
		else
			rc = git_remote_create(&r, git, "origin", url);
		if (rc < 0) {
			error = git_fail(err, _("cannot set the remote: %s"));
			goto done;
		}
		git_remote_free(r);
		r = NULL;
		if ((error = configure_clone(git, err)) < 0)
			goto done;
		if ((error = kp_repo_lock(repo, err)) < 0)
			goto done;
		error = ensure_ids(repo, err);
		kp_repo_unlock(repo);
		if (error < 0)
			goto done;
	}
	rc = git_remote_lookup(&r, git, "origin");
	if (rc == GIT_ENOTFOUND) {
		error = kp_error_set(err, KP_ENOTFOUND, NULL, 0, 0,
				     _("the plan repository has no remote; "
				       "set one with 'kiplan remote URL'"));
		goto done;
	}
	if (rc < 0) {
		error = git_fail(err, _("cannot read the remote: %s"));
		goto done;
	}
	*out = kp_xstrdup(git_remote_url(r));
done:
	git_remote_free(r);
	return error;
}

/* ------------------------------------------------------------------ */
/* Ids: blocks reserved on the server                                  */
/* ------------------------------------------------------------------ */

/*
 * What a fetch brings: the server's branches into refs/kiplan/remote/
 * (REMOTE_NS), and its reserved blocks of ids.  Only kiplan writes
 * under refs/kiplan/, holding its lock, so a lock file of libgit2 that
 * a kill leaves there is removed by recovery (lib/repo/txn.c).  Nothing
 * in FETCH_HEAD (libgit2 1.5 truncates it all the same, without a lock),
 * and refs/remotes/origin/ is kiplan sync's to update after its commit,
 * as git's lock discipline wants it (mirror_tracking()).
 */
#define REMOTE_NS "refs/kiplan/remote/origin/"
static const char *const fetch_specs[] = {
	"+refs/kiplan/ids/*:refs/kiplan/ids/*", "+refs/heads/*:" REMOTE_NS "*"
};

/*
 * The remote origin, as an anonymous remote of its url: no refspec of
 * the configuration, so neither fetch nor push writes refs/remotes/.
 */
static int open_origin(git_remote **out, git_repository *git,
		       struct kp_error *err)
{
	git_remote *r = NULL;
	int rc;

	*out = NULL;
	rc = git_remote_lookup(&r, git, "origin");
	if (rc == GIT_ENOTFOUND) {
		git_remote_free(r);
		return kp_error_set(err, KP_ENOTFOUND, NULL, 0, 0,
				    _("the plan repository has no remote; "
				      "set one with 'kiplan remote URL'"));
	}
	if (rc < 0 ||
	    git_remote_create_anonymous(out, git, git_remote_url(r)) < 0 ||
	    (git_remote_pushurl(r) &&
	     git_remote_set_instance_pushurl(*out, git_remote_pushurl(r)) < 0))
		rc = git_fail(err, _("cannot read the remote: %s"));
	git_remote_free(r);
	return rc < 0 ? rc : 0;
}

/* Fetch the ids' refs, and with branches the branches too. */
static int fetch_remote(git_remote *remote, struct net *n, int branches,
			struct kp_error *err)
{
	git_fetch_options fo;
	git_strarray specs = { (char **)fetch_specs, branches ? 2 : 1 };

	git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION);
	n->tries = 0;
	callbacks(&fo.callbacks, n);
	fo.prune = GIT_FETCH_NO_PRUNE;
	fo.update_fetchhead = 0;
	fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
	if (git_remote_fetch(remote, &specs, &fo, "kiplan: fetch") < 0)
		return git_fail(err, _("cannot fetch from the server: %s"));
	return 0;
}

/* Push src to dst without force; 1 when the server refused it. */
static int push_ref(git_remote *remote, struct net *n, const char *src,
		    const char *dst, struct kp_error *err)
{
	git_push_options po;
	struct kp_buf spec = KP_BUF_INIT;
	char *specs[1];
	git_strarray arr = { specs, 1 };
	int rc;

	git_push_options_init(&po, GIT_PUSH_OPTIONS_VERSION);
	n->tries = 0;
	n->rejected = 0;
	callbacks(&po.callbacks, n);
	kp_buf_addf(&spec, "%s:%s", src, dst);
	specs[0] = spec.buf;
	kp_test_crash("before-push");
	rc = git_remote_push(remote, &arr, &po);
	kp_buf_release(&spec);
	if (rc == GIT_ENONFASTFORWARD || (rc == 0 && n->rejected))
		return 1;
	if (rc < 0)
		return git_fail(err, _("cannot push to the server: %s"));
	return 0;
}

/* The clone's identity; 0 when it is a clone with an origin. */
static int clone_uuid(char **out, git_repository *git)
{
	git_config *cfg = NULL;
	git_buf v = { NULL, 0, 0 };
	git_remote *r = NULL;
	int rc = -1;

	*out = NULL;
	if (git_remote_lookup(&r, git, "origin") < 0)
		goto done;
	if (git_repository_config_snapshot(&cfg, git) < 0 ||
	    git_config_get_string_buf(&v, cfg, "kiplan.clone") < 0)
		goto done;
	*out = kp_xstrdup(v.ptr);
	rc = 0;
done:
	git_buf_dispose(&v);
	git_config_free(cfg);
	git_remote_free(r);
	return rc;
}

/*
 * The blocks of year: every block's first number, and whether it is
 * ours, in owner[] (indexed by first number: 0 none, 1 another clone's,
 * 2 ours).
 */
static void scan_blocks(unsigned char *owner, git_repository *git, int year,
			const char *uuid)
{
	git_reference_iterator *it = NULL;
	git_reference *ref;
	struct kp_buf glob = KP_BUF_INIT, mine = KP_BUF_INIT;

	kp_buf_addf(&glob, "refs/kiplan/ids/%04d/*", year);
	kp_buf_addf(&mine, "\nKlon: %s\n", uuid);
	if (git_reference_iterator_glob_new(&it, git, glob.buf) == 0) {
		while (git_reference_next(&ref, it) == 0) {
			const char *name = git_reference_name(ref);
			const char *last = strrchr(name, '/') + 1;
			git_commit *c = NULL;
			int lo = atoi(last);

			if (lo > 0 && lo <= KP_ID_MAX &&
			    git_reference_target(ref) &&
			    git_commit_lookup(&c, git,
					      git_reference_target(ref)) == 0) {
				owner[lo] =
					strstr(git_commit_message(c), mine.buf)
						? 2
						: 1;
				git_commit_free(c);
			}
			git_reference_free(ref);
		}
		git_reference_iterator_free(it);
	}
	kp_buf_release(&glob);
	kp_buf_release(&mine);
}

/* The next number in our blocks, or 0 when they are used up. */
static int from_blocks(const unsigned char *owner, const unsigned char *used)
{
	int lo, n, top;

	for (lo = 1; lo <= KP_ID_MAX; lo++) {
		if (owner[lo] != 2)
			continue;
		top = lo + KP_ID_BLOCK - 1;
		if (top > KP_ID_MAX)
			top = KP_ID_MAX;
		for (n = top; n >= lo && !used[n]; n--)
			;
		if (n < top)
			return n < lo ? lo : n + 1;
	}
	return 0;
}

/* Reserve a new block of year on the server: its first number in *out. */
static int reserve_block(int *out, git_repository *git, int year,
			 const char *uuid, const unsigned char *used,
			 unsigned char *owner, struct kp_error *err)
{
	git_remote *remote = NULL;
	git_treebuilder *tb = NULL;
	git_signature *sig = NULL;
	git_oid tree_id, cid;
	git_tree *tree = NULL;
	struct net n = { 0, 0, NULL };
	struct kp_buf ref = KP_BUF_INIT, msg = KP_BUF_INIT;
	int lo, top = 0, i, rc, error = 0, tries;

	*out = 0;
	if ((error = open_origin(&remote, git, err)) < 0)
		goto done;
	if ((error = fetch_remote(remote, &n, 0, err)) < 0)
		goto offline;
	memset(owner, 0, KP_ID_MAX + 1);
	scan_blocks(owner, git, year, uuid);
	if ((*out = from_blocks(owner, used)) > 0)
		goto done; /* reserved by an earlier run that was cut short */
	for (i = 1; i <= KP_ID_MAX; i++)
		if (used[i] || owner[i])
			top = owner[i]	? i + KP_ID_BLOCK - 1
			      : i > top ? i
					: top;
	if (git_treebuilder_new(&tb, git, NULL) < 0 ||
	    git_treebuilder_write(&tree_id, tb) < 0 ||
	    git_tree_lookup(&tree, git, &tree_id) < 0 ||
	    git_signature_now(&sig, "kiplan", "kiplan@localhost") < 0) {
		error = git_fail(err, _("cannot write the tree: %s"));
		goto done;
	}
	for (tries = 0; tries < 64; tries++) {
		git_reference *r = NULL;

		lo = top + 1;
		if (lo + KP_ID_BLOCK - 1 > KP_ID_MAX) {
			error = kp_error_set(err, KP_ELIMIT, NULL, 0, 0,
					     _("no plan id left in %d"), year);
			goto done;
		}
		kp_buf_reset(&ref);
		kp_buf_reset(&msg);
		kp_buf_addf(&ref, "refs/kiplan/ids/%04d/%04d", year, lo);
		/* Danish, as every commit kiplan writes. */
		kp_buf_addf(&msg,
			    "Reserv\xc3\xa9r plan-id ki-%04d-%04d til "
			    "ki-%04d-%04d\n\nKlon: %s\n",
			    year, lo, year, lo + KP_ID_BLOCK - 1, uuid);
		/*
		 * Pushed from a ref of its own: refs/kiplan/ids/ holds only
		 * what the server has, or a kill between the two would leave
		 * a block here that no other clone knows is taken.
		 */
		if (git_commit_create(&cid, git, NULL, sig, sig, NULL, msg.buf,
				      tree, 0, NULL) < 0 ||
		    git_reference_create(&r, git, RESERVE_REF, &cid, 1,
					 "kiplan: reserve ids") < 0) {
			error = git_fail(err,
					 _("cannot update the branch: %s"));
			goto done;
		}
		git_reference_free(r);
		r = NULL;
		rc = push_ref(remote, &n, RESERVE_REF, ref.buf, err);
		if (rc == 0) {
			/* Ours on the server; should this fail, the next
			 * fetch brings the ref. */
			git_reference_create(&r, git, ref.buf, &cid, 1,
					     "kiplan: reserve ids");
			git_reference_free(r);
			owner[lo] = 2;
			*out = lo;
			goto done;
		}
		if (rc < 0)
			goto offline;
		/* Another clone took it first: look again, take the next. */
		if ((error = fetch_remote(remote, &n, 0, err)) < 0)
			goto offline;
		top = lo + KP_ID_BLOCK - 1;
	}
	error = kp_error_set(err, KP_ELOCKED, NULL, 0, 0,
			     _("could not reserve plan ids on the server; "
			       "try again"));
	goto done;
offline:
	error = kp_error_set(err, KP_EGIT, NULL, 0, 0,
			     _("no plan id is left among those reserved for "
			       "this clone, and the server cannot be reached "
			       "to reserve more (%s); try again when it can, "
			       "and run 'kiplan sync' while online"),
			     err ? err->msg : "");
done:
	git_tree_free(tree);
	git_treebuilder_free(tb);
	git_signature_free(sig);
	git_remote_free(remote);
	kp_buf_release(&ref);
	kp_buf_release(&msg);
	free(n.reject_msg);
	return error;
}

/*
 * Make sure that a clone has an id left for this year, reserving a block
 * while the server can be reached, so that kiplan new works offline.
 */
static int ensure_ids(struct kp_repo *repo, struct kp_error *err)
{
	struct kp_date today;
	char id[13];
	int error;

	if ((error = kp_today(&today, err)) < 0)
		return error;
	return kp_repo_next_id(id, repo, today.y, err);
}

int kp_repo_block_id(int *out, struct kp_repo *repo, int year,
		     const unsigned char *used, struct kp_error *err)
{
	git_repository *git = kp_repo_git(repo);
	unsigned char *owner = NULL;
	char *uuid = NULL;
	int lo, error = 0;

	*out = 0;
	if (clone_uuid(&uuid, git) < 0)
		return KP_ENOTFOUND;
	owner = kp_xcalloc(KP_ID_MAX + 1, 1);
	scan_blocks(owner, git, year, uuid);
	if ((*out = from_blocks(owner, used)) > 0)
		goto done;
	if ((error = reserve_block(&lo, git, year, uuid, used, owner, err)) < 0)
		goto done;
	*out = from_blocks(owner, used);
	if (!*out)
		error = kp_error_set(err, KP_ELIMIT, NULL, 0, 0,
				     _("no plan id left in %d"), year);
done:
	free(owner);
	free(uuid);
	return error;
}

/* ------------------------------------------------------------------ */
/* Sync                                                                */
/* ------------------------------------------------------------------ */

struct sync {
	struct kp_repo *repo;
	git_repository *git;
	git_remote *remote;
	struct net net;
	const char *branch; /* "refs/heads/main" */
	char *tracking;	    /* "refs/remotes/origin/main" */
	struct kp_sync_result *res;
	unsigned plan_conflicts; /* plans kp_merge_plan() could not merge */
	/*
	 * The round's change, begun before the fetch: a kill leaves its
	 * journal, and recovery removes the objects begun since.
	 */
	struct kp_txn *txn;
};

static void sleep_ms(int ms)
{
	struct timespec ts;

	if (ms <= 0)
		return;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	nanosleep(&ts, NULL);
}

static int do_fetch(struct sync *s, struct kp_error *err)
{
	int error = fetch_remote(s->remote, &s->net, 1, err);

	if (error == 0)
		s->res->fetched = 1;
	return error;
}

/* Push src (a ref) to the branch; 1 when the server refused it. */
static int do_push(struct sync *s, const char *src, struct kp_error *err)
{
	return push_ref(s->remote, &s->net, src, s->branch, err);
}

static int lookup_commit(git_commit **out, git_repository *git,
			 const git_oid *id, struct kp_error *err)
{
	if (git_commit_lookup(out, git, id) < 0)
		return git_fail(err, _("cannot read a commit: %s"));
	return 0;
}

/*
 * Whether the tree of commit to can replace that of from in the working
 * files: KP_ECONFLICT when a working file in the way was changed.  A dry
 * run: the change itself is lib/repo/txn.c's (adopt()).
 */
static int checkout_to(struct sync *s, git_commit *from, git_commit *to,
		       struct kp_error *err)
{
	git_checkout_options co;
	git_tree *base = NULL, *tree = NULL;
	int rc, error = 0;

	git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
	/* Nor the index: its lock would be libgit2's, outside the change. */
	co.checkout_strategy = GIT_CHECKOUT_SAFE | GIT_CHECKOUT_DRY_RUN |
			       GIT_CHECKOUT_DONT_UPDATE_INDEX |
			       GIT_CHECKOUT_DONT_WRITE_INDEX;
	co.dir_mode = 0700;
	co.file_mode = 0600;
	if (git_commit_tree(&base, from) < 0 ||
	    git_commit_tree(&tree, to) < 0) {
		error = git_fail(err, _("cannot read a commit: %s"));
		goto done;
	}
	co.baseline = base;
	rc = git_checkout_tree(s->git, (git_object *)tree, &co);
	if (rc < 0 && rc != GIT_ECONFLICT)
		error = kp_error_set(
			err, KP_EIO, NULL, 0, 0,
			_("cannot read the working files: %s"),
			git_error_last() ? git_error_last()->message : "");
	else if (rc < 0)
		error = kp_error_set(
			err, KP_ECONFLICT, NULL, 0, 0,
			_("changes in the working files that are not sent "
			  "would be overwritten by the server's: send them or "
			  "put them aside, then sync again (%s)"),
			git_error_last() ? git_error_last()->message : "");
done:
	git_tree_free(base);
	git_tree_free(tree);
	return error;
}

static int is_plan_path(const char *path)
{
	size_t n = strlen(path);

	return n > 3 && strcmp(path + n - 3, ".md") == 0 &&
	       strncmp(path, ".kiplan/", 8) != 0;
}

static struct kp_sync_file *add_file(struct kp_sync_result *res,
				     const char *path)
{
	struct kp_sync_file *f;

	res->files = kp_xrealloc(res->files,
				 (res->nfiles + 1) * sizeof(*res->files));
	f = &res->files[res->nfiles++];
	f->path = kp_xstrdup(path);
	memset(&f->findings, 0, sizeof(f->findings));
	return f;
}

/* The error findings of the plan text data; -1 when it does not parse. */
static long plan_errors(struct kp_findings *out, const char *path,
			const char *data, size_t len,
			const struct kp_schema *schema)
{
	struct kp_plan *plan = NULL;
	struct kp_error e = KP_ERROR_INIT;
	struct kp_findings tmp = KP_FINDINGS_INIT;
	long n;

	if (!out)
		out = &tmp;
	if (kp_plan_parse(&plan, path, data, len, 0, &e) < 0) {
		struct kp_finding *f;

		if (out->len == out->alloc) {
			out->alloc = out->alloc ? 2 * out->alloc : 4;
			out->v = kp_xrealloc(out->v,
					     out->alloc * sizeof(*out->v));
		}
		f = &out->v[out->len++];
		f->code = "konflikt";
		f->sev = KP_ERROR;
		f->line = e.line;
		f->col = e.col;
		f->msg = kp_xstrdup(e.msg);
		kp_findings_release(&tmp);
		return -1;
	}
	n = (long)kp_validate(plan, schema, out);
	kp_plan_free(plan);
	kp_findings_release(&tmp);
	return n;
}

static int blob_text(git_blob **out, git_repository *git, const git_tree *t,
		     const char *path)
{
	git_tree_entry *e = NULL;
	int rc;

	*out = NULL;
	if (!t || git_tree_entry_bypath(&e, t, path) < 0)
		return 0;
	rc = git_blob_lookup(out, git, git_tree_entry_id(e));
	git_tree_entry_free(e);
	return rc;
}

/*
 * Validate the plans that the merge changed against both sides: a plan
 * whose merged text has errors where neither side had them, or that does
 * not parse, is refused.  Returns KP_EINVALID with res->files.
 */
static int check_merged(struct sync *s, git_tree *merged, git_tree *ours,
			git_tree *theirs, struct kp_error *err)
{
	git_diff *d1 = NULL;
	struct kp_schema *schema = NULL;
	size_t i;
	int error = 0, bad = 0;

	if (kp_repo_schema(&schema, s->repo, err) < 0)
		schema = NULL; /* the built-in one */
	kp_error_set(err, 0, NULL, 0, 0, "%s", "");
	if (git_diff_tree_to_tree(&d1, s->git, ours, merged, NULL) < 0) {
		error = git_fail(err, _("cannot compare trees: %s"));
		goto done;
	}
	for (i = 0; i < git_diff_num_deltas(d1); i++) {
		const git_diff_delta *dd = git_diff_get_delta(d1, i);
		const char *path = dd->new_file.path;
		git_blob *mb = NULL, *tb = NULL;
		struct kp_findings f = KP_FINDINGS_INIT;
		long me, te;

		if (dd->status == GIT_DELTA_DELETED || !is_plan_path(path))
			continue;
		blob_text(&mb, s->git, merged, path);
		blob_text(&tb, s->git, theirs, path);
		/* Taken whole from the local side: checked when it was made. */
		if (mb && tb &&
		    git_oid_equal(git_blob_id(mb), git_blob_id(tb))) {
			git_blob_free(mb);
			git_blob_free(tb);
			continue;
		}
		me = mb ? plan_errors(&f, path, git_blob_rawcontent(mb),
				      (size_t)git_blob_rawsize(mb), schema)
			: 0;
		te = tb ? plan_errors(NULL, path, git_blob_rawcontent(tb),
				      (size_t)git_blob_rawsize(tb), schema)
			: 0;
		if (me < 0 || (me > 0 && me > te)) {
			struct kp_sync_file *sf = add_file(s->res, path);

			sf->findings = f;
			bad = 1;
		} else {
			kp_findings_release(&f);
		}
		git_blob_free(mb);
		git_blob_free(tb);
	}
	if (bad)
		error = kp_error_set(err, KP_EINVALID, NULL, 0, 0,
				     _("a merged plan is not valid; nothing "
				       "was changed"));
done:
	git_diff_free(d1);
	kp_schema_free(schema);
	return error;
}

/* The text of the blob of an index entry, or NULL (e NULL, unreadable). */
static git_blob *entry_blob(git_repository *git, const git_index_entry *e)
{
	git_blob *b = NULL;

	if (e && git_blob_lookup(&b, git, &e->id) < 0)
		b = NULL;
	return b;
}

/*
 * Resolve the conflicts of plans that git's text merge left in idx with
 * kiplan's plan-aware merge (kp_merge_plan(), as kiplan merge-file does
 * for git pull): a plan that merges cleanly takes the merged text in
 * idx; one that does not keeps its conflict in idx, and its findings
 * (which field, both values, who changed each) go to s->res.  server_c
 * is the first parent, local_c the second.
 */
static int merge_plans(struct sync *s, git_index *idx, git_commit *server_c,
		       git_commit *local_c, struct kp_error *err)
{
	git_index_conflict_iterator *it = NULL;
	const git_index_entry *a, *o, *t;
	const git_signature *sa = git_commit_author(server_c);
	const git_signature *la = git_commit_author(local_c);
	char **paths = NULL;
	size_t n = 0, i;
	int error = 0;

	/* The paths first: resolving changes what the iterator walks. */
	if (git_index_conflict_iterator_new(&it, idx) < 0)
		return git_fail(err, _("cannot merge: %s"));
	while (git_index_conflict_next(&a, &o, &t, it) == 0)
		if (o && t && is_plan_path(o->path)) {
			paths = kp_xrealloc(paths, (n + 1) * sizeof(*paths));
			paths[n++] = kp_xstrdup(o->path);
		}
	git_index_conflict_iterator_free(it);
	for (i = 0; i < n && !error; i++) {
		git_blob *ab, *ob, *tb;
		struct kp_buf out = KP_BUF_INIT;
		struct kp_findings f = KP_FINDINGS_INIT;
		git_index_entry ne;
		int rc;

		if (git_index_conflict_get(&a, &o, &t, idx, paths[i]) < 0)
			continue;
		ab = entry_blob(s->git, a);
		ob = entry_blob(s->git, o);
		tb = entry_blob(s->git, t);
		if (!ob || !tb || (a && !ab)) {
			/* Present but unreadable: no conflict, an error. */
			error = kp_error_set(err, KP_EIO, paths[i], 0, 0,
					     _("cannot read: %s"),
					     git_error_last()
						     ? git_error_last()->message
						     : "");
			git_blob_free(ab);
			git_blob_free(ob);
			git_blob_free(tb);
			break;
		}
		memset(&ne, 0, sizeof(ne));
		ne.mode = o->mode;
		rc = kp_merge_plan(
			&out, &f, paths[i], ab ? git_blob_rawcontent(ab) : NULL,
			ab ? (size_t)git_blob_rawsize(ab) : 0,
			git_blob_rawcontent(ob), (size_t)git_blob_rawsize(ob),
			git_blob_rawcontent(tb), (size_t)git_blob_rawsize(tb),
			sa && sa->name ? sa->name : NULL,
			la && la->name ? la->name : NULL, err);
		if (rc == KP_MERGE_CLEAN) {
			ne.path = paths[i];
			if (git_blob_create_from_buffer(&ne.id, s->git, out.buf,
							out.len) < 0 ||
			    git_index_conflict_remove(idx, paths[i]) < 0 ||
			    git_index_add(idx, &ne) < 0)
				error = git_fail(err, _("cannot merge: %s"));
		} else if (rc == KP_MERGE_CONFLICT) {
			struct kp_sync_file *sf = add_file(s->res, paths[i]);

			sf->findings = f;
			memset(&f, 0, sizeof(f));
			/* Said once, by the findings: not again below. */
			git_index_conflict_remove(idx, paths[i]);
			s->plan_conflicts++;
		} else {
			/* Not a plan on one side: git's conflict stays. */
			kp_error_set(err, 0, NULL, 0, 0, "%s", "");
		}
		kp_findings_release(&f);
		kp_buf_release(&out);
		git_blob_free(ab);
		git_blob_free(ob);
		git_blob_free(tb);
	}
	for (i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	return error;
}

/*
 * Merge: a commit on top of the server's branch (first parent) with the
 * local one (second), into *out.  KP_ECONFLICT when git cannot merge.
 */
static int merge_commit(git_oid *out, struct sync *s, git_commit *theirs_c,
			git_commit *ours_c, struct kp_error *err)
{
	git_merge_options mo;
	git_index *idx = NULL;
	git_tree *tree = NULL, *rt = NULL, *lt = NULL;
	git_signature *sig = NULL;
	const git_commit *parents[2];
	git_oid tree_id;
	int error = 0;

	git_merge_options_init(&mo, GIT_MERGE_OPTIONS_VERSION);
	mo.flags = GIT_MERGE_FIND_RENAMES;
	if (git_merge_commits(&idx, s->git, theirs_c, ours_c, &mo) < 0) {
		error = git_fail(err, _("cannot merge: %s"));
		goto done;
	}
	if (git_index_has_conflicts(idx) &&
	    (error = merge_plans(s, idx, theirs_c, ours_c, err)) < 0)
		goto done;
	if (git_index_has_conflicts(idx) || s->plan_conflicts) {
		git_index_conflict_iterator *it = NULL;
		const git_index_entry *a, *o, *t;

		if (git_index_conflict_iterator_new(&it, idx) == 0) {
			while (git_index_conflict_next(&a, &o, &t, it) == 0)
				add_file(s->res, o   ? o->path
						 : t ? t->path
						     : a->path);
			git_index_conflict_iterator_free(it);
		}
		error = kp_error_set(err, KP_ECONFLICT, NULL, 0, 0,
				     _("plans were changed on both sides and "
				       "cannot be merged; nothing was "
				       "changed"));
		goto done;
	}
	if (git_index_write_tree_to(&tree_id, idx, s->git) < 0 ||
	    git_tree_lookup(&tree, s->git, &tree_id) < 0 ||
	    git_commit_tree(&rt, theirs_c) < 0 ||
	    git_commit_tree(&lt, ours_c) < 0) {
		error = git_fail(err, _("cannot write the tree: %s"));
		goto done;
	}
	if ((error = check_merged(s, tree, rt, lt, err)) < 0)
		goto done;
	if ((error = kp_repo_signature(&sig, s->repo, "GIT_COMMITTER_DATE",
				       err)) < 0)
		goto done;
	parents[0] = theirs_c;
	parents[1] = ours_c;
	/* Danish, as every commit message kiplan writes. */
	if (git_commit_create(out, s->git, NULL, sig, sig, NULL,
			      "Flet planarkivet med serverens\n\n"
			      "Flettet af kiplan sync: serverens historik "
			      "f\xc3\xb8rst, dette arkivs\nnye revisioner og "
			      "sendinger efter.\n",
			      tree, 2, parents) < 0)
		error = git_fail(err, _("cannot write the commit: %s"));
done:
	git_signature_free(sig);
	git_tree_free(tree);
	git_tree_free(rt);
	git_tree_free(lt);
	git_index_free(idx);
	return error;
}

static size_t count_between(git_repository *git, const git_oid *from,
			    const git_oid *hide)
{
	git_revwalk *w = NULL;
	git_oid id;
	size_t n = 0;

	if (git_revwalk_new(&w, git) < 0)
		return 0;
	if (git_revwalk_push(w, from) == 0 &&
	    (!hide || git_revwalk_hide(w, hide) == 0))
		while (git_revwalk_next(&id, w) == 0)
			n++;
	git_revwalk_free(w);
	return n;
}

/* Make the directories above path, 0700. */
static int mkdirs_above(const char *path)
{
	char *p = kp_xstrdup(path), *c;
	int rc = 0;

	for (c = strchr(p + 1, '/'); c && rc == 0; c = strchr(c + 1, '/')) {
		*c = '\0';
		if (mkdir(p, 0700) < 0 && errno != EEXIST)
			rc = -1;
		*c = '/';
	}
	free(p);
	return rc;
}

/*
 * The branch becomes the commit id (a fast-forward, or the merge), as
 * one change of lib/repo/txn.c: the branch, the index and the working
 * files together, whatever kills kiplan.
 */
static int adopt(struct sync *s, const git_oid *id, const char *why,
		 struct kp_error *err)
{
	int error = kp_txn_adopt(s->txn, id, why, err);

	return error ? error : kp_txn_commit(s->txn, err);
}

/* What the server's branch is now known to be: id, just pushed. */
static int note_pushed(struct sync *s, const git_oid *id, struct kp_error *err)
{
	git_reference *ref = NULL;
	int rc = git_reference_create(&ref, s->git, s->tracking, id, 1,
				      "kiplan sync: push");

	git_reference_free(ref);
	if (rc < 0)
		return git_fail(err, _("cannot update the branch: %s"));
	return 0;
}

/*
 * refs/remotes/origin/B for those who also use git: the server's branch
 * as kiplan knows it, after the commit.  Only a cache, so as git's
 * locks allow: its lock is taken as a link to a file of kiplan-tmp
 * (recovery knows it for kiplan's by its inode), and should a git
 * command hold it, it is left to that command.  KP_EAFTER when its
 * temporary file stays.
 */
static int mirror_tracking(struct sync *s, struct kp_error *err)
{
	const char *gd = git_repository_commondir(s->git);
	struct kp_buf tmp = KP_BUF_INIT, ref = KP_BUF_INIT, lock = KP_BUF_INIT;
	char hex[GIT_OID_HEXSZ + 1];
	git_oid id, cur;
	int fd, error = 0;

	if (git_reference_name_to_id(&id, s->git, s->tracking) < 0)
		return 0;
	kp_buf_addf(&ref, "%srefs/remotes/origin/%s", gd,
		    s->branch + strlen(BRANCH_PREFIX));
	kp_buf_addf(&lock, "%s.lock", ref.buf);
	kp_buf_addf(&tmp, "%skiplan-tmp/remote-%ld", kp_repo_gitdir(s->repo),
		    (long)getpid());
	if (git_reference_name_to_id(&cur, s->git, ref.buf + strlen(gd)) == 0 &&
	    git_oid_equal(&cur, &id))
		goto done;
	git_oid_tostr(hex, sizeof(hex), &id);
	hex[GIT_OID_HEXSZ] = '\n';
	fd = open(tmp.buf,
		  O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		goto done;
	if (write(fd, hex, sizeof(hex)) != (ssize_t)sizeof(hex) ||
	    fsync(fd) < 0) {
		close(fd);
		goto gone;
	}
	close(fd);
	if (mkdirs_above(ref.buf) < 0 || link(tmp.buf, lock.buf) < 0)
		goto gone;
	if (rename(lock.buf, ref.buf) < 0)
		unlink(lock.buf);
gone:
	/* Said, as txn.c says it: recovery removes it, but only later. */
	if (unlink(tmp.buf) < 0)
		error = kp_error_set(err, KP_EAFTER, tmp.buf, 0, 0,
				     _("cannot remove a temporary file: %s"),
				     strerror(errno));
done:
	kp_buf_release(&tmp);
	kp_buf_release(&ref);
	kp_buf_release(&lock);
	return error;
}

/* Nothing new on the server: push what is ours, if anything. */
static int push_ours(struct sync *s, int have_remote, const git_oid *local,
		     const git_oid *remote, int push, struct kp_error *err)
{
	int rc;

	if (have_remote && git_oid_equal(local, remote))
		return 0;
	s->res->outgoing = (unsigned)count_between(s->git, local,
						   have_remote ? remote : NULL);
	if (!push)
		return 0;
	if ((rc = do_push(s, s->branch, err)) != 0)
		return rc;
	s->res->pushed = 1;
	kp_test_crash("sync-pushed");
	return note_pushed(s, local, err);
}

/*
 * Both have new commits: a merge, the server's first, pushed to the
 * server before it becomes the branch here (refused: nothing changed).
 */
static int merge_push(struct sync *s, git_commit *lc, git_commit *rc_, int push,
		      struct kp_error *err)
{
	git_oid merged, base;
	git_commit *mc = NULL;
	git_reference *tmp = NULL;
	int rc, error = 0;

	if (git_merge_base(&base, s->git, git_commit_id(lc),
			   git_commit_id(rc_)) < 0)
		return git_fail(err, _("cannot merge: %s"));
	s->res->incoming =
		(unsigned)count_between(s->git, git_commit_id(rc_), &base);
	s->res->outgoing =
		(unsigned)count_between(s->git, git_commit_id(lc), &base);
	if ((error = merge_commit(&merged, s, rc_, lc, err)) < 0)
		return error;
	if ((error = lookup_commit(&mc, s->git, &merged, err)) < 0 ||
	    (error = checkout_to(s, lc, mc, err)) < 0)
		goto done;
	if (push) {
		/* Under refs/kiplan/: recovery removes a lock left there. */
		if (git_reference_create(&tmp, s->git, SYNC_REF, &merged, 1,
					 "kiplan sync: merge") < 0) {
			error = git_fail(err,
					 _("cannot update the branch: %s"));
			goto done;
		}
		if ((rc = do_push(s, SYNC_REF, err)) != 0) {
			error = rc;
			goto done;
		}
		s->res->pushed = 1;
		kp_test_crash("sync-pushed");
		if ((error = note_pushed(s, &merged, err)) < 0)
			goto done;
	}
	if ((error = adopt(s, &merged, "kiplan sync: merge", err)) < 0)
		goto done;
	s->res->merged = 1;
done:
	git_reference_free(tmp);
	git_commit_free(mc);
	return error;
}

/*
 * One round: integrate what was fetched, push.  Returns 0 when done, 1
 * when the push was refused (fetch again), or an error.
 */
static int sync_round(struct sync *s, int push, struct kp_error *err)
{
	git_oid local, remote;
	git_commit *lc = NULL, *rc_ = NULL;
	int have_remote, error = 0;

	if (git_reference_name_to_id(&local, s->git, s->branch) < 0) {
		error = git_fail(err, _("cannot read HEAD: %s"));
		goto done;
	}
	have_remote =
		git_reference_name_to_id(&remote, s->git, s->tracking) == 0;
	if (!have_remote || git_oid_equal(&local, &remote) ||
	    git_graph_descendant_of(s->git, &local, &remote) == 1) {
		error = push_ours(s, have_remote, &local, &remote, push, err);
		goto finish;
	}
	if ((error = lookup_commit(&lc, s->git, &local, err)) < 0 ||
	    (error = lookup_commit(&rc_, s->git, &remote, err)) < 0)
		goto done;
	if (git_graph_descendant_of(s->git, &remote, &local) == 1) {
		/* Only the server has new commits: fast-forward. */
		s->res->incoming =
			(unsigned)count_between(s->git, &remote, &local);
		if ((error = checkout_to(s, lc, rc_, err)) < 0 ||
		    (error = adopt(s, &remote, "kiplan sync: fast-forward",
				   err)) < 0)
			goto finish;
		s->res->fast_forward = 1;
		goto finish;
	}
	error = merge_push(s, lc, rc_, push, err);
finish:
	if ((error == 0 || error == KP_EAFTER) &&
	    mirror_tracking(s, error ? NULL : err) < 0)
		error = KP_EAFTER;
	if (git_reference_name_to_id(&local, s->git, s->branch) == 0)
		git_oid_tostr(s->res->head, sizeof(s->res->head), &local);
done:
	git_commit_free(lc);
	git_commit_free(rc_);
	return error;
}

void kp_sync_result_release(struct kp_sync_result *res)
{
	size_t i;

	for (i = 0; i < res->nfiles; i++) {
		free(res->files[i].path);
		kp_findings_release(&res->files[i].findings);
	}
	free(res->files);
	memset(res, 0, sizeof(*res));
}

static void clear_files(struct kp_sync_result *res)
{
	size_t i;

	for (i = 0; i < res->nfiles; i++) {
		free(res->files[i].path);
		kp_findings_release(&res->files[i].findings);
	}
	free(res->files);
	res->files = NULL;
	res->nfiles = 0;
}

/*
 * The round's change done with: a journal of a change that committed
 * nothing goes (kp_txn_free()), and should that fail, once more, else
 * an error: the next kiplan would take it for an interrupted one.
 */
static int end_round(struct sync *s, struct kp_error *err)
{
	int committed = kp_txn_committed(s->txn), error = 0;
	struct kp_buf j = KP_BUF_INIT;

	kp_txn_free(s->txn);
	s->txn = NULL;
	kp_buf_addf(&j, "%skiplan-journal", kp_repo_gitdir(s->repo));
	if (!committed && access(j.buf, F_OK) == 0 && unlink(j.buf) < 0)
		error = kp_error_set(err, KP_EIO, j.buf, 0, 0,
				     _("cannot remove the journal: %s"),
				     strerror(errno));
	kp_buf_release(&j);
	return error;
}

int kp_repo_sync(struct kp_sync_result *res, struct kp_repo *repo,
		 const struct kp_sync_opts *opts, struct kp_error *err)
{
	struct sync s;
	git_reference *head = NULL;
	int retries = opts->retries < 0 ? 4 : opts->retries;
	int delay = opts->delay_ms < 0 ? 1000 : opts->delay_ms;
	int attempt, error = 0;

	memset(res, 0, sizeof(*res));
	memset(&s, 0, sizeof(s));
	s.repo = repo;
	s.git = kp_repo_git(repo);
	s.res = res;
	if ((error = kp_repo_busy(repo, NULL, NULL, 0, err)) < 0)
		return error;
	if (git_reference_lookup(&head, s.git, "HEAD") < 0 ||
	    git_reference_type(head) != GIT_REFERENCE_SYMBOLIC) {
		error = kp_error_set(
			err, KP_EGIT, NULL, 0, 0,
			_("HEAD is detached; check out a branch first"));
		goto done;
	}
	s.branch = git_reference_symbolic_target(head);
	if (strncmp(s.branch, BRANCH_PREFIX, strlen(BRANCH_PREFIX)) != 0) {
		error = kp_error_set(
			err, KP_EGIT, NULL, 0, 0,
			_("HEAD is detached; check out a branch first"));
		goto done;
	}
	{
		struct kp_buf t = KP_BUF_INIT;

		kp_buf_addf(&t, REMOTE_NS "%s",
			    s.branch + strlen(BRANCH_PREFIX));
		s.tracking = kp_buf_detach(&t, NULL);
	}
	if ((error = open_origin(&s.remote, s.git, err)) < 0)
		goto done;
	if ((error = kp_repo_lock(repo, err)) < 0)
		goto done;
	for (attempt = 0;; attempt++) {
		res->attempts++;
		clear_files(res);
		error = kp_txn_begin(&s.txn, repo, "sync", NULL, err);
		if (error == 0)
			error = do_fetch(&s, err);
		if (error == 0)
			error = sync_round(&s, opts->push, err);
		if (end_round(&s, error == 0 ? err : NULL) < 0 && error == 0)
			error = KP_EIO;
		if (error == 0 && opts->push)
			error = ensure_ids(repo, err);
		if (error == 0)
			break;
		if (error != 1 && error != KP_EGIT)
			break; /* a conflict, an invalid merge: a person */
		if (attempt >= retries) {
			res->offline = 1;
			if (error == 1)
				error = kp_error_set(
					err, KP_EGIT, NULL, 0, 0,
					_("the server kept refusing the "
					  "push, as others pushed at the "
					  "same time; nothing was changed, "
					  "sync again later"));
			break;
		}
		sleep_ms(delay * (attempt + 1));
	}
	/* A lock libgit2 could not remove is stale: no kiplan writes now. */
	kp_repo_kiplan_locks(repo);
	/* The journal of the change: sync's output needs no replay. */
	if (kp_repo_end(repo, error == 0 ? err : NULL) < 0 && error == 0)
		error = KP_EAFTER;
	kp_repo_unlock(repo);
done:
	free(s.net.reject_msg);
	free(s.tracking);
	git_remote_free(s.remote);
	git_reference_free(head);
	return error;
}
