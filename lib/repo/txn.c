/*
 * txn.c: the one way kiplan changes a plan repository, as git's
 * lockfile-then-rename discipline: a change is either entirely there or
 * entirely absent, whatever kills the process, and a failure after the
 * commit exists says so.
 *
 * Every new byte is written first under a temporary name and fsync()ed:
 * the objects, the plan files beside their targets (NAME.tmp-XXXXXX),
 * the documents in outbox/, and in <gitdir>kiplan-tmp/ the branch's new
 * value and the new index.  A journal, <gitdir>kiplan-journal, names
 * each temporary file before it is created, and its last line (fsync()ed)
 * the branch's old and new value.  Then git's locks are taken as git
 * takes them, but by link(): refs/heads/B.lock and index.lock are hard
 * links to our own temporary files, so that a lock is known to be
 * kiplan's by its inode, and one that a running git command holds is
 * never touched.  The commit point is the rename of the branch's lock;
 * after it, in this order: the index, the plan files, the reflogs, the
 * outbox, and last the journal is removed.
 *
 * kiplan sync makes no commit of its own here: it adopts one that exists
 * (kp_txn_adopt(), a fast-forward or a merge), with the files that differ
 * from the branch's tree put as above, and those it lacks named in the
 * journal ("del", with the text the working file must still hold to be
 * removed).
 *
 * Recovery (kp_txn_recover(), whenever kp_repo_lock() is taken, so that
 * no kiplan that wrote the journal still runs) reads a journal left
 * behind: when the branch holds the new commit, it finishes the steps
 * after the commit point (each can be done twice); else it removes what
 * was begun.  Then it removes temporary files that no journal names.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <git2.h>

#include "repo/repo.h"
#include "i18n.h"
#include "banned.h"

#define JOURNAL "kiplan-journal"
#define TMPDIR "kiplan-tmp"
#define REPLAY "kiplan-replay"

struct txn_file {
	char *rel;	/* relative to the working directory */
	char *tmp;	/* its new text, beside it; NULL: kept as it is */
	git_oid blob;	/* what the commit holds */
	git_oid old;	/* the working file when the change began */
	int has_old;	/* 0: there was no such file */
	int create;	/* must not exist */
	struct stat st; /* of the file that holds blob, when has_st */
	int has_st;
	int del; /* removed: from the index, and the working file if old */
};

struct txn_doc {
	char *name; /* in outbox/ */
	char *tmp;  /* its temporary file, in outbox/ */
};

struct kp_txn {
	struct kp_repo *repo;
	git_repository *git;
	char kind[16];
	char request[41];
	int jfd;
	unsigned seq;
	struct txn_file *files;
	size_t nfiles;
	struct txn_doc *docs;
	size_t ndocs;
	char *plan; /* for the replay record */
	unsigned revision;
	char *refname;
	git_oid parent, commit;
	int has_parent, prepared, committed;
	long long time;
	int offset;
	long long start; /* when the change began, by the clock */
	char *sigline;	 /* "Name <email> TIME +HHMM" for the reflogs */
	char *reflog;	 /* the reflog message */
	char *pref, *pidx;
	int ref_locked, index_locked;
};

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */
/* ------------------------------------------------------------------ */

static char *path2(const char *a, const char *b)
{
	struct kp_buf p = KP_BUF_INIT;

	kp_buf_addstr(&p, a);
	if (p.len && p.buf[p.len - 1] != '/')
		kp_buf_addch(&p, '/');
	kp_buf_addstr(&p, b);
	return kp_buf_detach(&p, NULL);
}

static const char *gitdir(const struct kp_txn *t)
{
	return kp_repo_gitdir(t->repo);
}

static int io_fail(struct kp_error *err, const char *path, const char *fmt)
{
	return kp_error_set(err, KP_EIO, path, 0, 0, fmt, strerror(errno));
}

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The directory that holds path, fsync()ed; -1 and errno on failure. */
static int sync_dir(const char *path)
{
	return kp_sync_dir_of(path);
}

/* 1 when a and b are the same file (one inode, two names). */
static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return lstat(a, &sa) == 0 && lstat(b, &sb) == 0 &&
	       sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* 1 when lock is a link to a file of the directory dir. */
static int owned_by(const char *lock, const char *dir)
{
	DIR *d = dir ? opendir(dir) : NULL;
	struct dirent *de;
	int found = 0;

	while (d && !found && (de = readdir(d))) {
		char *p = path2(dir, de->d_name);

		if (de->d_name[0] != '.')
			found = same_file(lock, p);
		free(p);
	}
	if (d)
		closedir(d);
	return found;
}

/* The git blob id of the regular file at path; -1 when it is none. */
static int hash_file(git_oid *out, const char *path)
{
	struct kp_buf b = KP_BUF_INIT;
	struct kp_error e = KP_ERROR_INIT;
	struct stat st;
	int rc = -1;

	if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return -1;
	if (kp_buf_read_file(&b, path, (size_t)st.st_size + 1, &e) == 0 &&
	    git_odb_hash(out, b.buf, b.len, GIT_OBJECT_BLOB) == 0)
		rc = 0;
	kp_buf_release(&b);
	return rc;
}

/* 0: no file at path; 1: a regular file, its blob id in now; -1 neither
 * (unreadable, or not a regular file). */
static int file_state(git_oid *now, const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	return hash_file(now, path) == 0 ? 1 : -1;
}

/* Make the directories above path (not path itself). */
static int mkdirs_above(const char *path)
{
	char *p = kp_xstrdup(path), *s;
	int rc = 0;

	for (s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(p, 0700) < 0 && errno != EEXIST) {
			rc = -1;
			break;
		}
		*s = '/';
	}
	free(p);
	return rc;
}

/* ------------------------------------------------------------------ */
/* The journal                                                         */
/* ------------------------------------------------------------------ */

/* A path or text as one word: bytes up to ' ', DEL and '%' as %XX. */
static void add_word(struct kp_buf *b, const char *s)
{
	kp_buf_addch(b, ' ');
	if (!*s) {
		kp_buf_addch(b, '-'); /* the empty word */
		return;
	}
	if (strcmp(s, "-") == 0) {
		kp_buf_addstr(b, "%2D");
		return;
	}
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c <= 0x20 || c == 0x7f || c == '%')
			kp_buf_addf(b, "%%%02X", c);
		else
			kp_buf_addch(b, (char)c);
	}
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static char *get_word(const char *s, size_t n)
{
	struct kp_buf b = KP_BUF_INIT;
	size_t i;

	if (n == 1 && s[0] == '-')
		return kp_buf_detach(&b, NULL);
	for (i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 &&
		    hexval(s[i + 2]) >= 0) {
			kp_buf_addch(&b, (char)(hexval(s[i + 1]) * 16 +
						hexval(s[i + 2])));
			i += 2;
		} else {
			kp_buf_addch(&b, s[i]);
		}
	}
	return kp_buf_detach(&b, NULL);
}

/*
 * A path in the repository as a word that survives the repository
 * being moved: "G:" and the part below the git directory, "W:" below
 * the working directory, else "A:" and the whole path.
 */
static void add_path_word(struct kp_buf *w, const struct kp_repo *repo,
			  const char *abs)
{
	const char *wd = kp_repo_workdir(repo), *gd = kp_repo_gitdir(repo);
	size_t wl = strlen(wd), gl = strlen(gd);
	struct kp_buf b = KP_BUF_INIT;

	if (strncmp(abs, gd, gl) == 0)
		kp_buf_addf(&b, "G:%s", abs + gl);
	else if (strncmp(abs, wd, wl) == 0 && abs[wl] == '/')
		kp_buf_addf(&b, "W:%s", abs + wl + 1);
	else
		kp_buf_addf(&b, "A:%s", abs);
	add_word(w, b.buf);
	kp_buf_release(&b);
}

/* The path that a word of add_path_word() names (free()). */
static char *path_of_word(const struct kp_repo *repo, const char *word)
{
	if (strncmp(word, "G:", 2) == 0)
		return path2(kp_repo_gitdir(repo), word + 2);
	if (strncmp(word, "W:", 2) == 0)
		return path2(kp_repo_workdir(repo), word + 2);
	if (strncmp(word, "A:", 2) == 0 && word[2] == '/')
		return kp_xstrdup(word + 2);
	return NULL;
}

/* Append one line (words, already with their leading spaces). */
static int jline(struct kp_txn *t, const char *key, const struct kp_buf *words,
		 struct kp_error *err)
{
	struct kp_buf l = KP_BUF_INIT;
	int rc;

	kp_buf_addstr(&l, key);
	if (words)
		kp_buf_add(&l, words->buf, words->len);
	kp_buf_addch(&l, '\n');
	rc = write_all(t->jfd, l.buf, l.len);
	kp_buf_release(&l);
	if (rc < 0) {
		char *p = path2(gitdir(t), JOURNAL);

		io_fail(err, p, _("cannot write the journal: %s"));
		free(p);
		return KP_EIO;
	}
	return 0;
}

/* One parsed line of a journal: its words, decoded. */
struct jrec {
	char **w;
	size_t n;
};

struct journal {
	struct jrec *v;
	size_t len;
};

static void journal_release(struct journal *j)
{
	size_t i, k;

	for (i = 0; i < j->len; i++) {
		for (k = 0; k < j->v[i].n; k++)
			free(j->v[i].w[k]);
		free(j->v[i].w);
	}
	free(j->v);
	j->v = NULL;
	j->len = 0;
}

static void journal_parse(struct journal *j, const char *text, size_t len)
{
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		struct jrec r = { NULL, 0 };

		if (!nl)
			break; /* a line cut by a kill: never acted on */
		while (p < nl) {
			const char *sp = memchr(p, ' ', (size_t)(nl - p));
			const char *we = sp ? sp : nl;

			r.w = kp_xrealloc(r.w, (r.n + 1) * sizeof(*r.w));
			r.w[r.n++] = get_word(p, (size_t)(we - p));
			p = sp ? sp + 1 : nl;
		}
		p = nl + 1;
		if (!r.n)
			continue;
		j->v = kp_xrealloc(j->v, (j->len + 1) * sizeof(*j->v));
		j->v[j->len++] = r;
	}
}

/* ------------------------------------------------------------------ */
/* Temporary files                                                     */
/* ------------------------------------------------------------------ */

/*
 * A new temporary file beside target (an absolute path), named in the
 * journal before it exists: target.tmp-XXXXXX, 0600.  *out is its path.
 */
static int tmp_create(char **out, int *fd, struct kp_txn *t, const char *target,
		      struct kp_error *err)
{
	static const char digits[] = "0123456789abcdefghijklmnopqrstuv"
				     "wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
	struct kp_buf p = KP_BUF_INIT, w = KP_BUF_INIT;
	struct timespec ts;
	int tries, error = 0;

	*out = NULL;
	*fd = -1;
	clock_gettime(CLOCK_REALTIME, &ts);
	for (tries = 0; tries < 100; tries++) {
		unsigned long long x = (unsigned long long)getpid() * 7919u +
				       (unsigned long long)ts.tv_nsec +
				       (unsigned long long)++t->seq * 104729u;
		int i;

		kp_buf_reset(&p);
		kp_buf_addf(&p, "%s.tmp-", target);
		for (i = 0; i < 6; i++) {
			kp_buf_addch(&p, digits[x % 62]);
			x /= 62;
		}
		kp_buf_reset(&w);
		add_path_word(&w, t->repo, p.buf);
		if ((error = jline(t, "tmp", &w, err)) < 0)
			goto done;
		*fd = open(p.buf,
			   O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			   0600);
		if (*fd >= 0)
			break;
		if (errno != EEXIST) {
			error = io_fail(
				err, target,
				_("cannot create a temporary file beside it: "
				  "%s"));
			goto done;
		}
	}
	if (*fd < 0) {
		error = kp_error_set(err, KP_EIO, target, 0, 0,
				     _("cannot create a temporary file beside "
				       "it: %s"),
				     strerror(EEXIST));
		goto done;
	}
	*out = kp_buf_detach(&p, NULL);
done:
	kp_buf_release(&p);
	kp_buf_release(&w);
	return error;
}

/* Write data whole into a new temporary file beside target, fsync()ed. */
static int tmp_write(char **out, struct stat *st, struct kp_txn *t,
		     const char *target, const void *data, size_t len,
		     struct kp_error *err)
{
	int fd, error;

	if ((error = tmp_create(out, &fd, t, target, err)) < 0)
		return error;
	if (write_all(fd, data, len) < 0 || fsync(fd) < 0 ||
	    (st && fstat(fd, st) < 0)) {
		error = io_fail(err, target, _("cannot write: %s"));
		close(fd);
		return error;
	}
	if (close(fd) < 0)
		return io_fail(err, target, _("cannot write: %s"));
	return 0;
}

/* ------------------------------------------------------------------ */
/* Building a change                                                   */
/* ------------------------------------------------------------------ */

int kp_txn_begin(struct kp_txn **out, struct kp_repo *repo, const char *kind,
		 const char *request, struct kp_error *err)
{
	struct kp_txn *t;
	struct kp_buf w = KP_BUF_INIT;
	char *jpath = NULL, *tdir = NULL;
	int error = 0;

	*out = NULL;
	if (!kp_repo_locked(repo))
		return kp_error_set(err, KP_EUSAGE, NULL, 0, 0,
				    _("a change needs the repository lock"));
	/* Never in the middle of a merge or a rebase (lib/repo/share.c). */
	if ((error = kp_repo_busy(repo, NULL, NULL, 0, err)) < 0)
		return error;
	jpath = path2(kp_repo_gitdir(repo), JOURNAL);
	tdir = path2(kp_repo_gitdir(repo), TMPDIR);
	if (kp_repo_txn_is_done(repo)) {
		/* The change before, finished; should this fail, the
		 * journal's O_EXCL below says so. */
		kp_repo_txn_done(repo, 0);
		kp_txn_end(repo, NULL);
	}
	if (mkdir(tdir, 0700) < 0 && errno != EEXIST) {
		error = io_fail(err, tdir,
				_("cannot create the directory: %s"));
		goto done;
	}
	t = kp_xcalloc(1, sizeof(*t));
	t->repo = repo;
	t->git = kp_repo_git(repo);
	t->jfd = -1;
	snprintf(t->kind, sizeof(t->kind), "%s", kind);
	snprintf(t->request, sizeof(t->request), "%s",
		 request && *request ? request : "-");
	t->jfd = open(jpath,
		      O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_NOFOLLOW |
			      O_CLOEXEC,
		      0600);
	if (t->jfd < 0) {
		error = io_fail(err, jpath, _("cannot create the journal: %s"));
		free(t);
		goto done;
	}
	add_word(&w, t->kind);
	add_word(&w, t->request);
	t->start = (long long)time(NULL);
	kp_buf_addf(&w, " %ld %lld", (long)getpid(), t->start);
	if ((error = jline(t, "kiplan-journal-1", &w, err)) < 0) {
		kp_txn_free(t);
		goto done;
	}
	*out = t;
done:
	kp_buf_release(&w);
	free(jpath);
	free(tdir);
	return error;
}

int kp_txn_put(struct kp_txn *t, const char *rel, const void *data, size_t len,
	       unsigned flags, struct kp_error *err)
{
	struct txn_file *f;
	struct kp_buf w = KP_BUF_INIT;
	char *path = path2(kp_repo_workdir(t->repo), rel);
	char hex[GIT_OID_HEXSZ + 1];
	struct stat st;
	int error = 0;

	/* Never a text with git's conflict markers. */
	if ((error = kp_repo_busy(t->repo, rel,
				  flags & KP_TXN_ADOPTED ? NULL : data, len,
				  err)) < 0) {
		free(path);
		return error;
	}
	if (t->prepared) {
		error = kp_error_set(err, KP_EUSAGE, rel, 0, 0,
				     _("the commit is already built"));
		goto done;
	}
	t->files = kp_xrealloc(t->files, (t->nfiles + 1) * sizeof(*t->files));
	f = &t->files[t->nfiles];
	memset(f, 0, sizeof(*f));
	f->rel = kp_xstrdup(rel);
	f->create = (flags & KP_TXN_CREATE) != 0;
	t->nfiles++;
	if (git_blob_create_from_buffer(&f->blob, t->git, data, len) < 0) {
		const git_error *e = git_error_last();

		error = kp_error_set(
			err, KP_EGIT, NULL, 0, 0, _("cannot write a blob: %s"),
			e && e->message ? e->message : _("unknown error"));
		goto done;
	}
	if (lstat(path, &st) == 0) {
		if (f->create) {
			error = kp_error_set(err, KP_EEXISTS, path, 0, 0,
					     _("exists already; nothing "
					       "written"));
			goto done;
		}
		if (!S_ISREG(st.st_mode)) {
			error = kp_error_set(err, KP_EUSAGE, rel, 0, 0,
					     _("not a regular file"));
			goto done;
		}
		if (hash_file(&f->old, path) < 0) {
			error = io_fail(err, rel, _("cannot read: %s"));
			goto done;
		}
		f->has_old = 1;
	} else if (errno != ENOENT) {
		error = io_fail(err, rel, _("cannot read: %s"));
		goto done;
	}
	if (flags & KP_TXN_KEEP) {
		/* The working file stays; the index notes it when it agrees. */
		if (f->has_old && git_oid_equal(&f->old, &f->blob) &&
		    lstat(path, &f->st) == 0)
			f->has_st = 1;
	} else {
		if (mkdirs_above(path) < 0) {
			error = io_fail(err, path,
					_("cannot create the directory: %s"));
			goto done;
		}
		if ((error = tmp_write(&f->tmp, &f->st, t, path, data, len,
				       err)) < 0)
			goto done;
		f->has_st = 1;
	}
	add_word(&w, rel);
	add_word(&w, git_oid_tostr(hex, sizeof(hex), &f->blob));
	add_word(&w,
		 f->tmp ? f->tmp + strlen(kp_repo_workdir(t->repo)) + 1 : "");
	kp_buf_addf(&w, " %d", f->create);
	add_word(&w,
		 f->has_old ? git_oid_tostr(hex, sizeof(hex), &f->old) : "");
	error = jline(t, "put", &w, err);
done:
	kp_buf_release(&w);
	free(path);
	return error;
}

/* HEAD's branch (symbolic target) and its commit, if it has one. */
static int head_branch(struct kp_txn *t, struct kp_error *err)
{
	git_reference *head = NULL;
	int rc, error = 0;

	if (git_reference_lookup(&head, t->git, "HEAD") < 0) {
		const git_error *e = git_error_last();

		return kp_error_set(
			err, KP_EGIT, NULL, 0, 0, _("cannot read HEAD: %s"),
			e && e->message ? e->message : _("unknown error"));
	}
	if (git_reference_type(head) != GIT_REFERENCE_SYMBOLIC) {
		error = kp_error_set(
			err, KP_EGIT, NULL, 0, 0,
			_("HEAD is detached; check out a branch first"));
		goto done;
	}
	t->refname = kp_xstrdup(git_reference_symbolic_target(head));
	rc = git_reference_name_to_id(&t->parent, t->git, t->refname);
	if (rc == 0) {
		t->has_parent = 1;
	} else if (rc != GIT_ENOTFOUND) {
		const git_error *e = git_error_last();

		error = kp_error_set(
			err, KP_EGIT, NULL, 0, 0, _("cannot read HEAD: %s"),
			e && e->message ? e->message : _("unknown error"));
	}
done:
	git_reference_free(head);
	return error;
}

static int git_failed(struct kp_error *err, const char *fmt)
{
	const git_error *e = git_error_last();

	return kp_error_set(err, KP_EGIT, NULL, 0, 0, fmt,
			    e && e->message ? e->message : _("unknown error"));
}

/* The commit's time, and its committer as a reflog line names him. */
static void set_committer(struct kp_txn *t, const git_signature *committer)
{
	struct kp_buf b = KP_BUF_INIT;
	int off;

	t->time = (long long)committer->when.time;
	t->offset = committer->when.offset;
	off = t->offset < 0 ? -t->offset : t->offset;
	kp_buf_addf(&b, "%s <%s> %lld %c%02d%02d", committer->name,
		    committer->email, t->time, t->offset < 0 ? '-' : '+',
		    off / 60, off % 60);
	free(t->sigline);
	t->sigline = kp_buf_detach(&b, NULL);
}

int kp_txn_prepare(struct kp_txn *t, const char *message, struct kp_error *err)
{
	git_commit *parent = NULL;
	git_tree *base = NULL, *tree = NULL;
	git_tree_update *upd = NULL;
	git_signature *author = NULL, *committer = NULL;
	const git_commit *parents[1];
	struct kp_buf b = KP_BUF_INIT;
	git_oid tree_id;
	const char *nl;
	size_t i;
	int error = 0;

	if (t->prepared)
		return kp_error_set(err, KP_EUSAGE, NULL, 0, 0,
				    _("the commit is already built"));
	if ((error = head_branch(t, err)) < 0)
		goto done;
	if (t->has_parent &&
	    (git_commit_lookup(&parent, t->git, &t->parent) < 0 ||
	     git_commit_tree(&base, parent) < 0)) {
		error = git_failed(err, _("cannot read HEAD: %s"));
		goto done;
	}
	if (t->nfiles) {
		upd = kp_xcalloc(t->nfiles, sizeof(*upd));
		for (i = 0; i < t->nfiles; i++) {
			upd[i].action = t->files[i].del
						? GIT_TREE_UPDATE_REMOVE
						: GIT_TREE_UPDATE_UPSERT;
			upd[i].id = t->files[i].blob;
			upd[i].filemode = GIT_FILEMODE_BLOB;
			upd[i].path = t->files[i].rel;
		}
		if (git_tree_create_updated(&tree_id, t->git, base, t->nfiles,
					    upd) < 0) {
			error = git_failed(err, _("cannot write the tree: %s"));
			goto done;
		}
	} else if (base) {
		tree_id = *git_tree_id(base);
	} else {
		error = kp_error_set(
			err, KP_EGIT, NULL, 0, 0,
			_("nothing to record: the repository has no commit"));
		goto done;
	}
	if (git_tree_lookup(&tree, t->git, &tree_id) < 0) {
		error = git_failed(err, _("cannot read the tree: %s"));
		goto done;
	}
	if ((error = kp_repo_signature(&author, t->repo, "GIT_AUTHOR_DATE",
				       err)) < 0 ||
	    (error = kp_repo_signature(&committer, t->repo,
				       "GIT_COMMITTER_DATE", err)) < 0)
		goto done;
	parents[0] = parent;
	if (git_commit_create(&t->commit, t->git, NULL, author, committer, NULL,
			      message, tree, parent ? 1 : 0, parents) < 0) {
		error = git_failed(err, _("cannot write the commit: %s"));
		goto done;
	}
	kp_test_crash("commit-objects");
	set_committer(t, committer);
	nl = strchr(message, '\n');
	kp_buf_addf(&b, "commit%s: ", parent ? "" : " (initial)");
	kp_buf_add(&b, message, nl ? (size_t)(nl - message) : strlen(message));
	t->reflog = kp_buf_detach(&b, NULL);
	t->prepared = 1;
done:
	kp_buf_release(&b);
	git_signature_free(author);
	git_signature_free(committer);
	git_tree_free(tree);
	git_tree_free(base);
	git_commit_free(parent);
	free(upd);
	return error;
}

/* rel leaves the index, and the working file too while it is unchanged. */
static int txn_del(struct kp_txn *t, const char *rel, struct kp_error *err)
{
	struct txn_file *f;
	struct kp_buf w = KP_BUF_INIT;
	char *path = path2(kp_repo_workdir(t->repo), rel);
	char hex[GIT_OID_HEXSZ + 1];
	int error = 0;

	t->files = kp_xrealloc(t->files, (t->nfiles + 1) * sizeof(*t->files));
	f = &t->files[t->nfiles++];
	memset(f, 0, sizeof(*f));
	f->rel = kp_xstrdup(rel);
	f->del = 1;
	if (hash_file(&f->old, path) == 0) {
		f->has_old = 1;
		add_word(&w, rel);
		add_word(&w, git_oid_tostr(hex, sizeof(hex), &f->old));
		error = jline(t, "del", &w, err);
	}
	kp_buf_release(&w);
	free(path);
	return error;
}

/*
 * The working file of a delta as the tree that the branch leaves has it
 * (or absent, for a file the change adds): a person's change made since
 * kiplan sync looked is never overwritten or removed.
 */
static int adopt_unchanged(struct kp_txn *t, const git_diff_delta *dd,
			   struct kp_error *err)
{
	const char *rel = dd->status == GIT_DELTA_ADDED ? dd->new_file.path
							: dd->old_file.path;
	char *path = path2(kp_repo_workdir(t->repo), rel);
	git_oid now;
	int here = file_state(&now, path), ok;

	if (here == 0)
		/* Gone already is as good as removed. */
		ok = dd->status != GIT_DELTA_MODIFIED;
	else
		/* As the tree left has it, or as the server's already. */
		ok = here == 1 && ((dd->status != GIT_DELTA_ADDED &&
				    git_oid_equal(&now, &dd->old_file.id)) ||
				   (dd->status != GIT_DELTA_DELETED &&
				    git_oid_equal(&now, &dd->new_file.id)));
	free(path);
	if (ok)
		return 0;
	return kp_error_set(
		err, KP_ECONFLICT, rel, 0, 0,
		_("changes in the working files that are not sent would be "
		  "overwritten by the server's: send them or put them aside, "
		  "then sync again (%s)"),
		rel);
}

/* The files that differ between the trees from and to, as puts and dels. */
static int adopt_files(struct kp_txn *t, git_tree *from, git_tree *to,
		       struct kp_error *err)
{
	git_diff *d = NULL;
	size_t i;
	int error = 0;

	if (git_diff_tree_to_tree(&d, t->git, from, to, NULL) < 0)
		return git_failed(err, _("cannot compare trees: %s"));
	for (i = 0; i < git_diff_num_deltas(d) && !error; i++) {
		const git_diff_delta *dd = git_diff_get_delta(d, i);
		git_blob *b = NULL;

		if ((dd->status != GIT_DELTA_DELETED &&
		     dd->new_file.mode != GIT_FILEMODE_BLOB) ||
		    (dd->status != GIT_DELTA_ADDED &&
		     dd->old_file.mode != GIT_FILEMODE_BLOB &&
		     dd->old_file.mode != GIT_FILEMODE_BLOB_EXECUTABLE)) {
			/* The index and the file would be a plain file. */
			error = kp_error_set(
				err, KP_ECONFLICT, dd->new_file.path, 0, 0,
				_("not a plain file here or in the server's "
				  "commit (a link, a submodule or an "
				  "executable), which kiplan sync does not "
				  "write: bring it in with git, then sync "
				  "again"));
			break;
		}
		if ((error = adopt_unchanged(t, dd, err)) < 0)
			break;
		if (dd->status == GIT_DELTA_DELETED) {
			error = txn_del(t, dd->old_file.path, err);
			continue;
		}
		if (git_blob_lookup(&b, t->git, &dd->new_file.id) < 0) {
			error = git_failed(err, _("cannot read a commit: %s"));
			break;
		}
		error = kp_txn_put(t, dd->new_file.path, git_blob_rawcontent(b),
				   (size_t)git_blob_rawsize(b), KP_TXN_ADOPTED,
				   err);
		git_blob_free(b);
	}
	git_diff_free(d);
	return error;
}

int kp_txn_adopt(struct kp_txn *t, const git_oid *commit, const char *reflog,
		 struct kp_error *err)
{
	git_commit *c = NULL, *parent = NULL;
	git_tree *tree = NULL, *base = NULL;
	git_signature *committer = NULL;
	int error = 0;

	if (t->prepared || t->nfiles)
		return kp_error_set(err, KP_EUSAGE, NULL, 0, 0,
				    _("the commit is already built"));
	if ((error = head_branch(t, err)) < 0)
		goto done;
	if ((t->has_parent &&
	     (git_commit_lookup(&parent, t->git, &t->parent) < 0 ||
	      git_commit_tree(&base, parent) < 0)) ||
	    git_commit_lookup(&c, t->git, commit) < 0 ||
	    git_commit_tree(&tree, c) < 0) {
		error = git_failed(err, _("cannot read a commit: %s"));
		goto done;
	}
	if ((error = adopt_files(t, base, tree, err)) < 0 ||
	    (error = kp_repo_signature(&committer, t->repo,
				       "GIT_COMMITTER_DATE", err)) < 0)
		goto done;
	t->commit = *commit;
	set_committer(t, committer);
	t->reflog = kp_xstrdup(reflog);
	t->prepared = 1;
done:
	git_signature_free(committer);
	git_tree_free(tree);
	git_tree_free(base);
	git_commit_free(c);
	git_commit_free(parent);
	return error;
}

const char *kp_txn_commit_id(const struct kp_txn *t, char out[41])
{
	out[0] = '\0';
	if (t->prepared)
		git_oid_tostr(out, 41, &t->commit);
	return out;
}

void kp_txn_time(const struct kp_txn *t, long long *time, int *offset)
{
	*time = t->time;
	*offset = t->offset;
}

void kp_txn_describe(struct kp_txn *t, const char *plan, unsigned revision)
{
	free(t->plan);
	t->plan = kp_xstrdup(plan);
	t->revision = revision;
}

int kp_txn_outbox(struct kp_txn *t, const char *name, const void *data,
		  size_t len, struct kp_error *err)
{
	struct txn_doc *d;
	struct kp_buf w = KP_BUF_INIT;
	char *dir = path2(kp_repo_workdir(t->repo), "outbox");
	char *path = path2(dir, name);
	struct stat st;
	int error = 0;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		error = io_fail(err, dir, _("cannot create the directory: %s"));
		goto done;
	}
	if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		error = kp_error_set(err, KP_EIO, dir, 0, 0,
				     _("not a directory"));
		goto done;
	}
	t->docs = kp_xrealloc(t->docs, (t->ndocs + 1) * sizeof(*t->docs));
	d = &t->docs[t->ndocs++];
	d->name = kp_xstrdup(name);
	d->tmp = NULL;
	if ((error = tmp_write(&d->tmp, NULL, t, path, data, len, err)) < 0)
		goto done;
	add_word(&w, name);
	add_word(&w, d->tmp + strlen(dir) + 1);
	error = jline(t, "doc", &w, err);
done:
	kp_buf_release(&w);
	free(dir);
	free(path);
	return error;
}

/* ------------------------------------------------------------------ */
/* Git's locks, taken by link()                                        */
/* ------------------------------------------------------------------ */

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Take git's lock file lock as a hard link to our file mine.  A git
 * command holds its locks briefly (git status refreshes the index under
 * index.lock), so wait up to two seconds.
 */
static int git_lock(const char *mine, const char *lock, struct kp_error *err)
{
	long long deadline = now_ms() + 2000;
	struct timespec ts = { 0, 10 * 1000000L };

	if (mkdirs_above(lock) < 0)
		return io_fail(err, lock, _("cannot create the directory: %s"));
	while (link(mine, lock) < 0) {
		if (errno != EEXIST)
			return io_fail(err, lock, _("cannot lock: %s"));
		if (now_ms() > deadline)
			return kp_error_set(
				err, KP_ELOCKED, lock, 0, 0,
				_("git's lock file is there: another git "
				  "command is running, or one was killed; "
				  "nothing was changed.  If no git command "
				  "runs, remove that file and try again"));
		nanosleep(&ts, NULL);
	}
	return 0;
}

static char *ref_path(const struct kp_txn *t, const char *suffix)
{
	struct kp_buf b = KP_BUF_INIT;

	kp_buf_addf(&b, "%s%s%s", git_repository_commondir(t->git), t->refname,
		    suffix);
	return kp_buf_detach(&b, NULL);
}

/* Copy the file at from (absent: nothing) to the new file at to. */
static int copy_file(const char *from, const char *to, struct stat *fromst)
{
	char buf[65536];
	int in, out, rc = 0;
	ssize_t n;

	memset(fromst, 0, sizeof(*fromst));
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
		   0600);
	if (out < 0)
		return -1;
	in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		close(out);
		return errno == ENOENT ? 0 : -1;
	}
	if (fstat(in, fromst) < 0)
		rc = -1;
	while (rc == 0 && (n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = -1;
			break;
		}
		if (write_all(out, buf, (size_t)n) < 0)
			rc = -1;
	}
	close(in);
	if (close(out) < 0)
		rc = -1;
	return rc;
}

static void entry_stat(git_index_entry *e, const struct stat *st)
{
	e->ctime.seconds = (int32_t)st->st_ctim.tv_sec;
	e->ctime.nanoseconds = (uint32_t)st->st_ctim.tv_nsec;
	e->mtime.seconds = (int32_t)st->st_mtim.tv_sec;
	e->mtime.nanoseconds = (uint32_t)st->st_mtim.tv_nsec;
	e->dev = (uint32_t)st->st_dev;
	e->ino = (uint32_t)st->st_ino;
	e->uid = (uint32_t)st->st_uid;
	e->gid = (uint32_t)st->st_gid;
	e->file_size = (uint32_t)st->st_size;
}

/*
 * The new index, built into t->pidx from the index as it is, then
 * index.lock taken as a link to it.  Should the index change between
 * the read and the lock (a git command wrote it), build it again.
 */
static int index_lock(struct kp_txn *t, struct kp_error *err)
{
	char *ipath = path2(gitdir(t), "index");
	char *lpath = path2(gitdir(t), "index.lock");
	int tries, error = 0;

	for (tries = 0; tries < 20; tries++) {
		git_index *idx = NULL;
		struct stat before, after;
		size_t i;
		int same;

		if (copy_file(ipath, t->pidx, &before) < 0) {
			error = io_fail(err, ipath,
					_("cannot read the index: %s"));
			goto done;
		}
		/* No index yet: libgit2 starts from none, not an empty file. */
		if (before.st_ino == 0 && unlink(t->pidx) < 0) {
			error = io_fail(err, t->pidx, _("cannot write: %s"));
			goto done;
		}
		if (git_index_open(&idx, t->pidx) < 0) {
			error = git_failed(err, _("cannot read the index: %s"));
			goto done;
		}
		for (i = 0; i < t->nfiles; i++) {
			const struct txn_file *f = &t->files[i];
			git_index_entry ne;

			if (f->del) {
				int rc = git_index_remove(idx, f->rel, 0);

				if (rc < 0 && rc != GIT_ENOTFOUND) {
					git_index_free(idx);
					error = git_failed(
						err,
						_("cannot update the index: "
						  "%s"));
					goto done;
				}
				continue;
			}
			memset(&ne, 0, sizeof(ne));
			ne.mode = GIT_FILEMODE_BLOB;
			ne.id = f->blob;
			ne.path = f->rel;
			if (f->has_st)
				entry_stat(&ne, &f->st);
			if (git_index_add(idx, &ne) < 0) {
				git_index_free(idx);
				error = git_failed(
					err, _("cannot update the index: %s"));
				goto done;
			}
		}
		/* Writes pidx.lock, fsync()s it and renames it over pidx. */
		if (git_index_write(idx) < 0) {
			git_index_free(idx);
			error = git_failed(err,
					   _("cannot write the index: %s"));
			goto done;
		}
		git_index_free(idx);
		/* libgit2 writes the index 0644 whatever the umask. */
		if (chmod(t->pidx, 0600) < 0) {
			error = io_fail(err, t->pidx, _("cannot write: %s"));
			goto done;
		}
		if ((error = git_lock(t->pidx, lpath, err)) < 0)
			goto done;
		t->index_locked = 1;
		if (lstat(ipath, &after) < 0) {
			memset(&after, 0, sizeof(after));
			same = before.st_ino == 0;
		} else {
			same = after.st_dev == before.st_dev &&
			       after.st_ino == before.st_ino &&
			       after.st_size == before.st_size &&
			       after.st_mtim.tv_sec == before.st_mtim.tv_sec &&
			       after.st_mtim.tv_nsec == before.st_mtim.tv_nsec;
		}
		if (same)
			goto done;
		unlink(lpath);
		t->index_locked = 0;
	}
	error = kp_error_set(err, KP_ELOCKED, ipath, 0, 0,
			     _("the index keeps changing; nothing was "
			       "changed, try again"));
done:
	free(ipath);
	free(lpath);
	return error;
}

/* ------------------------------------------------------------------ */
/* The steps after the commit point (also recovery's)                  */
/* ------------------------------------------------------------------ */

/* Append "OLD NEW SIG\tMSG" to the reflog at path, unless it is there. */
static int reflog_append(const char *path, const char *line)
{
	struct kp_buf old = KP_BUF_INIT;
	struct kp_error e = KP_ERROR_INIT;
	size_t n = strlen(line);
	int fd, rc = 0;

	if (kp_buf_read_file(&old, path, (size_t)-1 / 2, &e) == 0 &&
	    old.len >= n && memcmp(old.buf + old.len - n, line, n) == 0 &&
	    (old.len == n || old.buf[old.len - n - 1] == '\n')) {
		kp_buf_release(&old);
		return 0;
	}
	kp_buf_release(&old);
	if (mkdirs_above(path) < 0)
		return -1;
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC,
		  0600);
	if (fd < 0)
		return -1;
	if (write_all(fd, line, n) < 0 || fsync(fd) < 0)
		rc = -1;
	if (close(fd) < 0)
		rc = -1;
	return rc;
}

static int reflogs(const char *commondir, const char *gdir, const char *refname,
		   const char *oldhex, const char *newhex, const char *sig,
		   const char *msg)
{
	struct kp_buf line = KP_BUF_INIT;
	char *p;
	int rc;

	kp_buf_addf(&line, "%s %s %s\t%s\n", oldhex, newhex, sig, msg);
	p = path2(commondir, "logs");
	{
		char *q = path2(p, refname);

		rc = reflog_append(q, line.buf);
		free(q);
	}
	free(p);
	if (rc == 0) {
		p = path2(gdir, "logs/HEAD");
		rc = reflog_append(p, line.buf);
		free(p);
	}
	kp_buf_release(&line);
	return rc;
}

/*
 * Put a plan file's new text in place: rename tmp over path, or, for a
 * new file, link it there so that nothing a person made meanwhile is
 * overwritten.  0, or -1 with errno.
 */
static int place(const char *tmp, const char *path, int create)
{
	if (!create)
		return rename(tmp, path);
	if (link(tmp, path) == 0)
		return unlink(tmp);
	if (errno == EEXIST)
		return -1;
	/* A file system without hard links. */
	if (access(path, F_OK) == 0) {
		errno = EEXIST;
		return -1;
	}
	return rename(tmp, path);
}

/* 1 while the working file at path is as the change read it. */
static int as_read(const struct txn_file *f, const char *path)
{
	git_oid now;
	int here = file_state(&now, path);

	if (here == 0)
		return !f->has_old;
	return here == 1 && f->has_old && git_oid_equal(&now, &f->old);
}

/*
 * Remove the working file at path if it still holds old (a person's
 * change since stays); 0 also when it is gone.  -1 with errno.
 */
static int remove_if(const char *path, const git_oid *old)
{
	git_oid now;

	if (hash_file(&now, path) < 0 || !git_oid_equal(&now, old))
		return 0;
	if (unlink(path) < 0 && errno != ENOENT)
		return -1;
	return sync_dir(path);
}

/* ------------------------------------------------------------------ */
/* Commit                                                              */
/* ------------------------------------------------------------------ */

static int sweep_objects(struct kp_repo *repo, long long since);

/* Note the first failure after the commit point; go on with the rest. */
static void after_fail(int *error, struct kp_error *err, const char *path,
		       const char *fmt)
{
	if (*error == 0)
		*error = kp_error_set(err, KP_EAFTER, path, 0, 0, fmt,
				      strerror(errno));
}

int kp_txn_commit(struct kp_txn *t, struct kp_error *err)
{
	struct kp_buf w = KP_BUF_INIT;
	char oldhex[GIT_OID_HEXSZ + 1], newhex[GIT_OID_HEXSZ + 1];
	char *rlock = NULL, *rpath = NULL, *ilock = NULL, *ipath = NULL;
	char *jpath = path2(gitdir(t), JOURNAL);
	git_oid cur;
	size_t i;
	int rc, fd, error = 0;

	if (!t->prepared) {
		error = kp_error_set(err, KP_EUSAGE, NULL, 0, 0,
				     _("the commit is not built"));
		goto done;
	}
	git_oid_tostr(newhex, sizeof(newhex), &t->commit);
	if (t->has_parent)
		git_oid_tostr(oldhex, sizeof(oldhex), &t->parent);
	else
		snprintf(oldhex, sizeof(oldhex), "%040d", 0);
	rlock = ref_path(t, ".lock");
	rpath = ref_path(t, "");
	ilock = path2(gitdir(t), "index.lock");
	ipath = path2(gitdir(t), "index");
	/* The branch's new value and the index, as our own files. */
	{
		char *tdir = path2(gitdir(t), TMPDIR);
		char *target = path2(tdir, "ref");
		struct kp_buf v = KP_BUF_INIT;

		kp_buf_addf(&v, "%s\n", newhex);
		error = tmp_write(&t->pref, NULL, t, target, v.buf, v.len, err);
		free(target);
		if (!error) {
			target = path2(tdir, "index");
			error = tmp_write(&t->pidx, NULL, t, target, "", 0,
					  err);
			free(target);
		}
		kp_buf_release(&v);
		free(tdir);
		if (error)
			goto done;
	}
	/* Decided: the journal's last line, on the disk before any lock. */
	add_word(&w, t->refname);
	add_word(&w, oldhex);
	add_word(&w, newhex);
	add_word(&w, t->pref + strlen(gitdir(t)));
	add_word(&w, t->pidx + strlen(gitdir(t)));
	add_word(&w, t->sigline);
	add_word(&w, t->reflog);
	add_word(&w, t->plan ? t->plan : "");
	kp_buf_addf(&w, " %u", t->revision);
	if ((error = jline(t, "commit", &w, err)) < 0)
		goto done;
	if (fsync(t->jfd) < 0 || sync_dir(jpath) < 0) {
		error = io_fail(err, jpath, _("cannot write the journal: %s"));
		goto done;
	}
	kp_test_crash("txn-prepared");
	if ((error = git_lock(t->pref, rlock, err)) < 0)
		goto done;
	t->ref_locked = 1;
	rc = git_reference_name_to_id(&cur, t->git, t->refname);
	if ((rc == 0 && (!t->has_parent || !git_oid_equal(&cur, &t->parent))) ||
	    (rc == GIT_ENOTFOUND && t->has_parent) ||
	    (rc < 0 && rc != GIT_ENOTFOUND)) {
		error = kp_error_set(err, KP_ELOCKED, NULL, 0, 0,
				     /* TRANSLATORS: %s: the branch */
				     _("%s moved while kiplan committed; "
				       "nothing was changed, try again"),
				     t->refname);
		goto done;
	}
	if ((error = index_lock(t, err)) < 0)
		goto done;
	/* The commit point. */
	if (rename(rlock, rpath) < 0) {
		error = io_fail(err, rpath, _("cannot update the branch: %s"));
		goto done;
	}
	t->ref_locked = 0;
	t->committed = 1;
	kp_test_crash("commit-ref");
	if (sync_dir(rpath) < 0)
		after_fail(&error, err, rpath, _("cannot write: %s"));
	if (rename(ilock, ipath) < 0)
		after_fail(&error, err, ipath,
			   _("cannot update the index: %s"));
	else
		t->index_locked = 0;
	if (!t->index_locked && sync_dir(ipath) < 0)
		after_fail(&error, err, ipath, _("cannot write: %s"));
	kp_test_crash("commit-index");
	for (i = 0; i < t->nfiles; i++) {
		struct txn_file *f = &t->files[i];
		char *path;

		if (f->del && f->has_old) {
			path = path2(kp_repo_workdir(t->repo), f->rel);
			if (remove_if(path, &f->old) < 0)
				after_fail(&error, err, path,
					   _("cannot remove: %s"));
			free(path);
		}
		if (!f->tmp)
			continue;
		path = path2(kp_repo_workdir(t->repo), f->rel);
		if (!as_read(f, path)) {
			/* A person changed it meanwhile: theirs stays. */
			unlink(f->tmp);
			f->tmp[0] = '\0';
			kp_repo_notify(t->repo,
				       _("%s was changed while kiplan worked "
					 "on it; your text is kept, and the "
					 "text committed is in commit %.12s"),
				       f->rel, newhex);
			free(path);
			continue;
		}
		if (place(f->tmp, path, f->create) < 0 || sync_dir(path) < 0)
			after_fail(&error, err, path, _("cannot write: %s"));
		else
			f->tmp[0] = '\0';
		free(path);
	}
	if (reflogs(git_repository_commondir(t->git), gitdir(t), t->refname,
		    oldhex, newhex, t->sigline, t->reflog) < 0)
		after_fail(&error, err, rpath,
			   _("cannot write the reflog: %s"));
	for (i = 0; i < t->ndocs; i++) {
		struct txn_doc *d = &t->docs[i];
		char *path = path2(kp_repo_workdir(t->repo), "outbox");
		char *final = path2(path, d->name);

		kp_test_crash("commit-outbox");
		if (rename(d->tmp, final) < 0 || sync_dir(final) < 0)
			after_fail(&error, err, final, _("cannot write: %s"));
		else
			d->tmp[0] = '\0';
		free(path);
		free(final);
	}
	if (error)
		goto done; /* the journal stays: recovery finishes it */
	kp_test_crash("commit-done");
	if (unlink(t->pref) < 0 || unlink(t->pidx) < 0 ||
	    sweep_objects(t->repo, t->start) < 0)
		after_fail(&error, err, gitdir(t),
			   _("cannot remove a temporary file: %s"));
	if (error)
		goto done;
	fd = t->jfd;
	t->jfd = -1;
	if (close(fd) < 0)
		after_fail(&error, err, jpath,
			   _("cannot write the journal: %s"));
	/* Removed by kp_repo_unlock(), after the command's output. */
	kp_repo_txn_done(t->repo, 1);
done:
	kp_buf_release(&w);
	free(rlock);
	free(rpath);
	free(ilock);
	free(ipath);
	free(jpath);
	return error;
}

int kp_txn_end(struct kp_repo *repo, struct kp_error *err)
{
	char *jpath = path2(kp_repo_gitdir(repo), JOURNAL);
	int error = 0;

	/* Should this fail, recovery finds a change with nothing to do. */
	if (unlink(jpath) < 0 || sync_dir(jpath) < 0)
		error = kp_error_set(err, KP_EAFTER, jpath, 0, 0,
				     _("cannot remove the journal: %s"),
				     strerror(errno));
	free(jpath);
	return error;
}

int kp_txn_committed(const struct kp_txn *t)
{
	return t && t->committed;
}

void kp_txn_free(struct kp_txn *t)
{
	size_t i;
	char *jpath;

	if (!t)
		return;
	jpath = path2(gitdir(t), JOURNAL);
	if (!t->committed) {
		/* Nothing happened: take back everything begun. */
		if (t->ref_locked) {
			char *rlock = ref_path(t, ".lock");

			if (same_file(rlock, t->pref))
				unlink(rlock);
			free(rlock);
		}
		if (t->index_locked) {
			char *ilock = path2(gitdir(t), "index.lock");

			if (same_file(ilock, t->pidx))
				unlink(ilock);
			free(ilock);
		}
		for (i = 0; i < t->nfiles; i++)
			if (t->files[i].tmp && t->files[i].tmp[0])
				unlink(t->files[i].tmp);
		for (i = 0; i < t->ndocs; i++)
			if (t->docs[i].tmp && t->docs[i].tmp[0])
				unlink(t->docs[i].tmp);
		if (t->pref)
			unlink(t->pref);
		if (t->pidx)
			unlink(t->pidx);
		if (t->jfd >= 0)
			unlink(jpath);
	}
	if (t->jfd >= 0)
		close(t->jfd);
	for (i = 0; i < t->nfiles; i++) {
		free(t->files[i].rel);
		free(t->files[i].tmp);
	}
	for (i = 0; i < t->ndocs; i++) {
		free(t->docs[i].name);
		free(t->docs[i].tmp);
	}
	free(t->files);
	free(t->docs);
	free(t->plan);
	free(t->refname);
	free(t->sigline);
	free(t->reflog);
	free(t->pref);
	free(t->pidx);
	free(jpath);
	free(t);
}

/* ------------------------------------------------------------------ */
/* Recovery                                                            */
/* ------------------------------------------------------------------ */

/* A journal line's word k, or "" when it has fewer. */
static const char *word(const struct jrec *r, size_t k)
{
	return k < r->n ? r->w[k] : "";
}

static const struct jrec *find_rec(const struct journal *j, const char *key)
{
	size_t i;

	for (i = 0; i < j->len; i++)
		if (strcmp(j->v[i].w[0], key) == 0)
			return &j->v[i];
	return NULL;
}

static void unlink_word(struct kp_repo *repo, const char *w)
{
	char *p = path_of_word(repo, w);

	if (p)
		unlink(p);
	free(p);
}

/* Remember what an interrupted command did, for kp_repo_replayed(). */
static void replay_write(struct kp_repo *repo, const struct journal *j,
			 const struct jrec *c)
{
	const struct jrec *h = &j->v[0];
	struct kp_buf b = KP_BUF_INIT;
	struct kp_error e = KP_ERROR_INIT;
	char *path = path2(kp_repo_gitdir(repo), REPLAY);
	size_t i;

	add_word(&b, word(h, 1));
	add_word(&b, word(h, 2));
	add_word(&b, word(c, 3));
	add_word(&b, word(c, 8));
	add_word(&b, word(c, 9));
	kp_buf_addch(&b, '\n');
	for (i = 0; i < j->len; i++)
		if (strcmp(j->v[i].w[0], "doc") == 0) {
			kp_buf_addstr(&b, "doc");
			add_word(&b, word(&j->v[i], 1));
			kp_buf_addch(&b, '\n');
		}
	/* Not worth failing for: at worst a retry is not recognized. */
	kp_write_file_atomic(path, b.buf + 1, b.len - 1, 0600, &e);
	kp_buf_release(&b);
	free(path);
}

/*
 * 1 while a replay record's commit still stands for its plan: it is the
 * branch's head, or the head descends from it and holds the plan as that
 * commit left it.  A request made again after the plan changed since is
 * a request of its own.
 */
static int replay_current(struct kp_repo *repo, const char *hex,
			  const char *plan)
{
	git_repository *git = kp_repo_git(repo);
	git_commit *a = NULL, *b = NULL;
	git_tree *ta = NULL, *tb = NULL;
	git_tree_entry *ea = NULL, *eb = NULL;
	git_oid rec, head;
	int ok = 0;

	if (git_oid_fromstr(&rec, hex) < 0 ||
	    git_reference_name_to_id(&head, git, "HEAD") < 0)
		return 0;
	if (git_oid_equal(&rec, &head))
		return 1;
	if (!*plan || git_graph_descendant_of(git, &head, &rec) != 1)
		return 0;
	if (git_commit_lookup(&a, git, &rec) == 0 &&
	    git_commit_lookup(&b, git, &head) == 0 &&
	    git_commit_tree(&ta, a) == 0 && git_commit_tree(&tb, b) == 0 &&
	    git_tree_entry_bypath(&ea, ta, plan) == 0 &&
	    git_tree_entry_bypath(&eb, tb, plan) == 0)
		ok = git_oid_equal(git_tree_entry_id(ea),
				   git_tree_entry_id(eb));
	git_tree_entry_free(ea);
	git_tree_entry_free(eb);
	git_tree_free(ta);
	git_tree_free(tb);
	git_commit_free(a);
	git_commit_free(b);
	return ok;
}

int kp_repo_replayed(struct kp_txn_outcome *out, struct kp_repo *repo,
		     const char *kind, const char *request)
{
	struct kp_buf b = KP_BUF_INIT;
	struct kp_error e = KP_ERROR_INIT;
	struct journal j = { NULL, 0 };
	char *path = path2(kp_repo_gitdir(repo), REPLAY);
	int found = 0;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (kp_buf_read_file(&b, path, 65536, &e) < 0)
		goto done;
	journal_parse(&j, b.buf, b.len);
	if (j.len &&
	    !replay_current(repo, word(&j.v[0], 2), word(&j.v[0], 3))) {
		/* Stale: what it tells of is no longer the plan's state. */
		unlink(path);
		goto done;
	}
	if (!j.len || strcmp(word(&j.v[0], 0), kind) != 0 ||
	    strcmp(word(&j.v[0], 1), request) != 0 || !request[0])
		goto done;
	found = 1;
	snprintf(out->commit, sizeof(out->commit), "%s", word(&j.v[0], 2));
	out->plan = kp_xstrdup(word(&j.v[0], 3));
	out->revision = (unsigned)strtoul(word(&j.v[0], 4), NULL, 10);
	for (i = 1; i < j.len && out->ndocs < 2; i++)
		if (strcmp(j.v[i].w[0], "doc") == 0)
			out->docs[out->ndocs++] = kp_xstrdup(word(&j.v[i], 1));
	/* Once: a request made again on purpose is carried out. */
	unlink(path);
done:
	journal_release(&j);
	kp_buf_release(&b);
	free(path);
	return found;
}

void kp_txn_outcome_release(struct kp_txn_outcome *o)
{
	free(o->plan);
	free(o->docs[0]);
	free(o->docs[1]);
	memset(o, 0, sizeof(*o));
}

/*
 * The steps after the commit point, once more: each finds whether it
 * was done.  0, or -1 (err set) when one fails; the journal then stays.
 */
static int roll_forward(struct kp_repo *repo, const struct journal *j,
			const struct jrec *c, struct kp_error *err)
{
	git_repository *git = kp_repo_git(repo);
	const char *gd = kp_repo_gitdir(repo), *wd = kp_repo_workdir(repo);
	char *ilock = path2(gd, "index.lock"), *ipath = path2(gd, "index");
	char *pidx = path2(gd, word(c, 5));
	char *outbox = path2(wd, "outbox");
	git_oid cur, want;
	size_t i;
	int error = 0;

	if (git_oid_fromstr(&want, word(c, 3)) < 0)
		memset(&want, 0, sizeof(want));
	if (same_file(ilock, pidx)) {
		/* Built under the lock before the commit point: whole. */
		if (git_reference_name_to_id(&cur, git, word(c, 1)) == 0 &&
		    git_oid_equal(&cur, &want)) {
			if (rename(ilock, ipath) < 0 || sync_dir(ipath) < 0) {
				error = io_fail(
					err, ipath,
					_("cannot update the index: %s"));
				goto done;
			}
		} else {
			unlink(ilock);
		}
	}
	for (i = 0; i < j->len; i++) {
		const struct jrec *r = &j->v[i];
		char *tmp, *path;
		git_oid old, now;
		int has_old, create;

		if (strcmp(r->w[0], "del") == 0 &&
		    git_oid_fromstr(&old, word(r, 2)) == 0) {
			path = path2(wd, word(r, 1));
			if (remove_if(path, &old) < 0) {
				error = io_fail(err, path,
						_("cannot remove: %s"));
				free(path);
				goto done;
			}
			free(path);
			continue;
		}
		if (strcmp(r->w[0], "put") != 0 || !*word(r, 3))
			continue;
		tmp = path2(wd, word(r, 3));
		path = path2(wd, word(r, 1));
		create = strcmp(word(r, 4), "1") == 0;
		has_old = git_oid_fromstr(&old, word(r, 5)) == 0;
		if (access(tmp, F_OK) == 0) {
			int here = hash_file(&now, path) == 0;

			if ((!has_old && !here) ||
			    (has_old && here && git_oid_equal(&old, &now))) {
				if (place(tmp, path, create) < 0 ||
				    sync_dir(path) < 0) {
					error = io_fail(err, path,
							_("cannot write: %s"));
					free(tmp);
					free(path);
					goto done;
				}
			} else {
				/* A person changed it since: theirs stays. */
				unlink(tmp);
				kp_repo_notify(
					repo,
					_("%s was changed after an interrupted "
					  "kiplan had read it; your text is "
					  "kept, and the text committed is in "
					  "commit %.12s"),
					word(r, 1), word(c, 3));
			}
		}
		free(tmp);
		free(path);
	}
	if (reflogs(git_repository_commondir(git), gd, word(c, 1), word(c, 2),
		    word(c, 3), word(c, 6), word(c, 7)) < 0) {
		error = io_fail(err, word(c, 1),
				_("cannot write the reflog: %s"));
		goto done;
	}
	for (i = 0; i < j->len; i++) {
		const struct jrec *r = &j->v[i];
		char *tmp, *final;

		if (strcmp(r->w[0], "doc") != 0)
			continue;
		tmp = path2(outbox, word(r, 2));
		final = path2(outbox, word(r, 1));
		if (access(tmp, F_OK) == 0 &&
		    (rename(tmp, final) < 0 || sync_dir(final) < 0)) {
			error = io_fail(err, final, _("cannot write: %s"));
			free(tmp);
			free(final);
			goto done;
		}
		free(tmp);
		free(final);
	}
done:
	free(ilock);
	free(ipath);
	free(pidx);
	free(outbox);
	return error;
}

/* Take back what an uncommitted change began: its locks and files. */
static void roll_back(struct kp_repo *repo, const struct journal *j,
		      const struct jrec *c)
{
	const char *gd = kp_repo_gitdir(repo), *wd = kp_repo_workdir(repo);
	char *outbox = path2(wd, "outbox");
	size_t i;

	if (c) {
		git_repository *git = kp_repo_git(repo);
		char *pref = path2(gd, word(c, 4)),
		     *pidx = path2(gd, word(c, 5));
		char *ilock = path2(gd, "index.lock");
		struct kp_buf rlock = KP_BUF_INIT;

		kp_buf_addf(&rlock, "%s%s.lock", git_repository_commondir(git),
			    word(c, 1));
		if (same_file(rlock.buf, pref))
			unlink(rlock.buf);
		if (same_file(ilock, pidx))
			unlink(ilock);
		kp_buf_release(&rlock);
		free(pref);
		free(pidx);
		free(ilock);
	}
	for (i = 0; i < j->len; i++) {
		const struct jrec *r = &j->v[i];
		char *p = NULL;

		if (strcmp(r->w[0], "tmp") == 0)
			unlink_word(repo, word(r, 1));
		else if (strcmp(r->w[0], "put") == 0 && *word(r, 3))
			p = path2(wd, word(r, 3));
		else if (strcmp(r->w[0], "doc") == 0)
			p = path2(outbox, word(r, 2));
		if (p)
			unlink(p);
		free(p);
	}
	free(outbox);
}

/*
 * libgit2 writes an object as objects/tmp_object_git2_<hex> and renames
 * it; a kill leaves that file, which holds a plan, compressed.  Remove
 * those made since the change began (git's own are named tmp_obj_).
 */
static int sweep_tmp(const char *dir, const char *prefix, long long since)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = strlen(prefix);
	int rc = 0;

	while (d && (de = readdir(d))) {
		struct stat st;
		char *p;

		if (strncmp(de->d_name, prefix, n) != 0)
			continue;
		p = path2(dir, de->d_name);
		if (lstat(p, &st) == 0 && S_ISREG(st.st_mode) &&
		    (long long)st.st_mtim.tv_sec + 1 >= since && unlink(p) < 0)
			rc = -1;
		free(p);
	}
	if (d)
		closedir(d);
	return rc;
}

static int sweep_objects(struct kp_repo *repo, long long since)
{
	git_repository *git = kp_repo_git(repo);
	char *dir = path2(git_repository_commondir(git), "objects");
	char *pack = path2(dir, "pack");
	/* And the pack of a fetch, objects/pack/pack_git2_<x>. */
	int rc = sweep_tmp(dir, "tmp_object_git2_", since) |
		 sweep_tmp(pack, "pack_git2_", since);

	free(dir);
	free(pack);
	return rc;
}

static int recover_journal(struct kp_repo *repo, const char *jpath,
			   struct kp_error *err)
{
	git_repository *git = kp_repo_git(repo);
	struct kp_buf text = KP_BUF_INIT;
	struct journal j = { NULL, 0 };
	const struct jrec *c;
	git_oid cur, want;
	int committed = 0, error = 0;

	if ((error = kp_buf_read_file(&text, jpath, 16 * 1024 * 1024, err)) < 0)
		goto done;
	journal_parse(&j, text.buf, text.len);
	if (!j.len) {
		/* Killed before its first line was out: nothing was begun. */
		if (unlink(jpath) < 0 || sync_dir(jpath) < 0)
			error = io_fail(err, jpath,
					_("cannot remove the journal: %s"));
		goto done;
	}
	if (strcmp(j.v[0].w[0], "kiplan-journal-1") != 0) {
		error = kp_error_set(err, KP_EIO, jpath, 0, 0,
				     _("not a journal that this kiplan "
				       "understands; nothing was changed"));
		goto done;
	}
	if (sweep_objects(repo, strtoll(word(&j.v[0], 4), NULL, 10)) < 0) {
		error = io_fail(err, jpath,
				_("cannot remove a temporary file: %s"));
		goto done;
	}
	c = find_rec(&j, "commit");
	if (c && git_oid_fromstr(&want, word(c, 3)) == 0 &&
	    git_reference_name_to_id(&cur, git, word(c, 1)) == 0 &&
	    (git_oid_equal(&cur, &want) ||
	     git_graph_descendant_of(git, &cur, &want) == 1))
		committed = 1;
	if (committed) {
		if ((error = roll_forward(repo, &j, c, err)) < 0)
			goto done;
		replay_write(repo, &j, c);
		if (*word(c, 8))
			kp_repo_notify(
				repo,
				/* TRANSLATORS: kiplan new, ki-2026-0001.md,
				 * revision 1, commit */
				_("finished what an interrupted kiplan %s had "
				  "begun: %s was committed as revision %u "
				  "(%.12s)"),
				word(&j.v[0], 1), word(c, 8),
				(unsigned)strtoul(word(c, 9), NULL, 10),
				word(c, 3));
		else
			kp_repo_notify(repo,
				       _("finished what an interrupted kiplan "
					 "%s had begun: commit %.12s"),
				       word(&j.v[0], 1), word(c, 3));
	} else {
		roll_back(repo, &j, c);
		kp_repo_notify(repo,
			       _("undid what an interrupted kiplan %s had "
				 "begun; none of it had been committed"),
			       word(&j.v[0], 1));
	}
	if (unlink(jpath) < 0 || sync_dir(jpath) < 0)
		error = io_fail(err, jpath, _("cannot remove the journal: %s"));
done:
	journal_release(&j);
	kp_buf_release(&text);
	return error;
}

/* NAME.tmp-XXXXXX, as the temporary files of kiplan are named. */
static int is_tmp_name(const char *name, const char *const *exts)
{
	const char *t = strstr(name, ".tmp-");
	size_t i, n;

	if (!t || t == name || strlen(t) != 11)
		return 0;
	for (i = 5; i < 11; i++)
		if (!isalnum((unsigned char)t[i]))
			return 0;
	if (!exts)
		return 1;
	/* git's file for a merge driver's OURS (kiplan merge-file). */
	if (strncmp(name, ".merge_file_", 12) == 0)
		return 1;
	for (i = 0; exts[i]; i++) {
		n = strlen(exts[i]);
		if ((size_t)(t - name) >= n && memcmp(t - n, exts[i], n) == 0)
			return 1;
	}
	return 0;
}

/*
 * Remove kiplan's temporary files in dir (with their target's extension
 * one of exts, or any when NULL): private regular files of ours, which
 * hold a plan or a document whole.  With all, every file of dir.
 */
static size_t sweep(const char *dir, const char *const *exts, int all)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		struct stat st;
		char *p;

		if (de->d_name[0] == '.' &&
		    (!de->d_name[1] ||
		     (de->d_name[1] == '.' && !de->d_name[2])))
			continue;
		if (!all && !is_tmp_name(de->d_name, exts))
			continue;
		p = path2(dir, de->d_name);
		if (lstat(p, &st) == 0 && S_ISREG(st.st_mode) &&
		    st.st_uid == geteuid() && (all || !(st.st_mode & 077)) &&
		    unlink(p) == 0)
			n++;
		free(p);
	}
	closedir(d);
	return n;
}

/*
 * The locks *.lock below dir (recursively) that fit: under refs/kiplan/
 * every one (only kiplan writes there, and only holding its lock, which
 * recovery holds), elsewhere only one that is a link to a file of
 * kiplan-tmp (kiplan's by its inode, kiplan sync's refs/remotes/).
 */
static void sweep_locks(const char *dir, const char *mine, int all)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		struct stat st;
		size_t n = strlen(de->d_name);
		char *p;

		if (de->d_name[0] == '.')
			continue;
		p = path2(dir, de->d_name);
		if (lstat(p, &st) < 0) {
			free(p);
			continue;
		}
		if (S_ISDIR(st.st_mode))
			sweep_locks(p, mine, all);
		else if (n > 5 && strcmp(de->d_name + n - 5, ".lock") == 0 &&
			 S_ISREG(st.st_mode) && (all || owned_by(p, mine)))
			unlink(p);
		free(p);
	}
	closedir(d);
}

void kp_repo_kiplan_locks(struct kp_repo *repo)
{
	char *p = path2(git_repository_commondir(kp_repo_git(repo)),
			"refs/kiplan");

	sweep_locks(p, NULL, 1);
	free(p);
}

int kp_txn_recover(struct kp_repo *repo, struct kp_error *err)
{
	static const char *const plans[] = { ".md", NULL };
	static const char *const docs[] = { ".html", ".pdf", ".txt", NULL };
	static const char *const gitfiles[] = { "kiplan-replay",
						"kiplan-outbox", NULL };
	const char *gd = kp_repo_gitdir(repo), *wd = kp_repo_workdir(repo);
	char *jpath = path2(gd, JOURNAL), *p, *q;
	size_t n = 0;
	int error = 0;

	if (access(jpath, F_OK) == 0 &&
	    (error = recover_journal(repo, jpath, err)) < 0)
		goto done;
	kp_repo_kiplan_locks(repo);
	p = path2(git_repository_commondir(kp_repo_git(repo)), "refs/remotes");
	q = path2(gd, TMPDIR);
	sweep_locks(p, q, 0);
	free(p);
	free(q);
	p = path2(gd, TMPDIR);
	sweep(p, NULL, 1); /* only ever ours; said above when it mattered */
	free(p);
	n += sweep(wd, plans, 0);
	p = path2(wd, "outbox");
	n += sweep(p, docs, 0);
	free(p);
	p = path2(wd, ".kiplan");
	n += sweep(p, NULL, 0);
	free(p);
	p = path2(gd, "kiplan-edit");
	n += sweep(p, plans, 0);
	free(p);
	/* Files that kiplan writes whole in the git directory. */
	n += sweep(gd, gitfiles, 0);
	if (n)
		kp_repo_notify(repo,
			       Q_("removed %zu temporary file left by an "
				  "interrupted kiplan",
				  "removed %zu temporary files left by an "
				  "interrupted kiplan",
				  n),
			       n);
	/* Last: the outbox against the history, once it is whole. */
	kp_outbox_check(repo);
done:
	free(jpath);
	return error;
}

void kp_txn_digest(char out[41], const void *data, size_t len)
{
	git_oid oid;

	if (git_odb_hash(&oid, data, len, GIT_OBJECT_BLOB) < 0)
		memset(&oid, 0, sizeof(oid));
	git_oid_tostr(out, 41, &oid);
}
