/*
 * workdir.c: the working directory of a plan repository, without git:
 * finding it (kp_repo_locate), its files (plan paths, reading, the
 * schema) and the lock.  This file is part of the kiplan executable,
 * which does not link libgit2; everything that needs git is in repo.c
 * and its neighbours, the plugin kiplan-git.so (see README, Layout).
 */
/* realpath() is XSI. */
#define _XOPEN_SOURCE 700
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "repo/workdir.h"
#include "i18n.h"
#include "banned.h"

char *kp_repo_join(const char *a, const char *b)
{
	struct kp_buf p = KP_BUF_INIT;

	kp_buf_addstr(&p, a);
	if (p.len && p.buf[p.len - 1] != '/')
		kp_buf_addch(&p, '/');
	kp_buf_addstr(&p, b);
	return kp_buf_detach(&p, NULL);
}

int kp_repo_is_dir(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/*
 * dir holds a .git that libgit2 would take for a repository: a directory
 * with HEAD, objects and refs, or a file "gitdir: PATH" (a worktree).
 */
static int has_dotgit(const char *dir)
{
	static const char *const need[] = { "HEAD", "objects", "refs" };
	char *dotgit = kp_repo_join(dir, ".git"), *p;
	struct stat st;
	int ok = 0;
	size_t i;

	if (stat(dotgit, &st) < 0) {
		ok = 0;
	} else if (S_ISDIR(st.st_mode)) {
		ok = 1;
		for (i = 0; ok && i < sizeof(need) / sizeof(need[0]); i++) {
			p = kp_repo_join(dotgit, need[i]);
			ok = stat(p, &st) == 0 &&
			     (i == 0 ? S_ISREG(st.st_mode)
				     : S_ISDIR(st.st_mode));
			free(p);
		}
	} else if (S_ISREG(st.st_mode)) {
		char head[8];
		int fd = open(dotgit, O_RDONLY | O_CLOEXEC);

		ok = fd >= 0 && read(fd, head, 8) == 8 &&
		     memcmp(head, "gitdir: ", 8) == 0;
		if (fd >= 0)
			close(fd);
	}
	free(dotgit);
	return ok;
}

/*
 * As libgit2's discovery (git_repository_open_ext() without flags, which
 * kp_repo_open() uses): the first directory from dir upwards that holds
 * a .git, without crossing into another file system; it is a plan
 * repository when it also holds a .kiplan directory.
 */
int kp_repo_locate(struct kp_repo **out, const char *path, struct kp_error *err)
{
	const char *env = getenv("KIPLAN_DIR");
	struct kp_repo *repo;
	struct stat st;
	char real[PATH_MAX], *p;
	dev_t dev;
	size_t n;

	*out = NULL;
	if (!path)
		path = env && *env ? env : ".";
	if (!realpath(path, real) || stat(real, &st) < 0)
		return kp_error_set(err,
				    errno == ENOENT ? KP_ENOTFOUND : KP_EIO,
				    path, 0, 0, "%s", strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return kp_error_set(err, KP_ENOTFOUND, path, 0, 0,
				    _("not a directory"));
	dev = st.st_dev;
	n = strlen(real);
	while (!has_dotgit(real)) {
		if (n <= 1 || !(p = strrchr(real, '/')))
			goto none;
		n = p == real ? 1 : (size_t)(p - real);
		real[n] = '\0';
		if (stat(real, &st) < 0 || st.st_dev != dev)
			goto none;
	}
	p = kp_repo_join(real, ".kiplan");
	if (!kp_repo_is_dir(p)) {
		free(p);
		return kp_error_set(err, KP_ENOTFOUND, real, 0, 0,
				    _("a git repository, but not a plan "
				      "repository (no .kiplan)"));
	}
	free(p);
	umask(077);
	repo = kp_xcalloc(1, sizeof(*repo));
	repo->workdir = kp_xstrdup(real);
	repo->lock_fd = -1;
	*out = repo;
	return 0;
none:
	return kp_error_set(
		err, KP_ENOTFOUND, NULL, 0, 0,
		_("no plan repository in '%s' or any parent directory"), path);
}

void kp_repo_free(struct kp_repo *repo)
{
	if (!repo)
		return;
	if (repo->lock_fd >= 0)
		kp_repo_unlock(repo);
	if (repo->git)
		kp_repo_git_free(repo);
	free(repo->workdir);
	free(repo->gitdir);
	free(repo->commondir);
	free(repo);
}

const char *kp_repo_workdir(const struct kp_repo *repo)
{
	return repo->workdir;
}

const char *kp_repo_gitdir(const struct kp_repo *repo)
{
	return repo->gitdir;
}

int kp_repo_locked(const struct kp_repo *repo)
{
	return repo->lock_fd >= 0;
}

void kp_repo_txn_done(struct kp_repo *repo, int done)
{
	repo->txn_done = done;
}

int kp_repo_txn_is_done(const struct kp_repo *repo)
{
	return repo->txn_done;
}

void kp_repo_set_notify(struct kp_repo *repo,
			void (*fn)(const char *msg, void *payload),
			void *payload)
{
	repo->notify = fn;
	repo->notify_payload = payload;
}

void kp_repo_notify(struct kp_repo *repo, const char *fmt, ...)
{
	struct kp_buf b = KP_BUF_INIT;
	va_list ap;

	if (!repo->notify)
		return;
	va_start(ap, fmt);
	kp_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	repo->notify(b.buf, repo->notify_payload);
	kp_buf_release(&b);
}

int kp_repo_schema(struct kp_schema **out, struct kp_repo *repo,
		   struct kp_error *err)
{
	struct kp_buf text = KP_BUF_INIT;
	struct kp_doc *doc = NULL;
	const char *builtin;
	char *path = NULL;
	size_t blen;
	int error;

	*out = NULL;
	if ((error = kp_repo_read(&text, repo, ".kiplan/schema.yaml", err)) < 0)
		goto done;
	builtin = kp_schema_builtin_text(&blen);
	if (builtin && blen == text.len &&
	    memcmp(builtin, text.buf, blen) == 0) {
		error = kp_schema_builtin(out, err);
		goto done;
	}
	if ((error = kp_yaml_parse(&doc, text.buf, text.len, 1, 0,
				   ".kiplan/schema.yaml", err)) < 0)
		goto done;
	/* Its own URI is its base: it may refer to files beside it. */
	path = kp_repo_join(repo->workdir, ".kiplan/schema.yaml");
	error = kp_schema_compile_file(out, kp_doc_root(doc),
				       ".kiplan/schema.yaml", path, err);
done:
	kp_doc_free(doc);
	kp_buf_release(&text);
	free(path);
	return error;
}

/* ------------------------------------------------------------------ */
/* The lock                                                            */
/* ------------------------------------------------------------------ */

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *lock_dir(const struct kp_repo *repo)
{
	return repo->commondir ? repo->commondir : repo->gitdir;
}

int kp_repo_lock(struct kp_repo *repo, struct kp_error *err)
{
	char *path;
	const char *env = getenv("KIPLAN_LOCK_TIMEOUT");
	long long deadline = now_ms() + 1000LL * (env && *env ? atoi(env) : 30);
	unsigned spin = 0;
	int fd = -1, error = 0;

	/* The lock lives in the git directory, which only git knows: the
	 * one that every worktree shares, for they share refs/kiplan/ and
	 * the objects that recovery sweeps. */
	if (!repo->gitdir)
		return kp_error_set(
			err, KP_EUSAGE, repo->workdir, 0, 0,
			_("the repository was not opened with git"));
	path = kp_repo_join(lock_dir(repo), "kiplan.lock");
	if (repo->lock_fd >= 0) {
		error = kp_error_set(err, KP_EUSAGE, path, 0, 0,
				     _("the lock is already held"));
		goto done;
	}
	for (;;) {
		struct flock fl;
		struct stat a, b;
		struct timespec ts;

		fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
			  0600);
		if (fd < 0) {
			error = kp_error_set(err, KP_EIO, path, 0, 0,
					     _("cannot open the lock: %s"),
					     strerror(errno));
			goto done;
		}
		memset(&fl, 0, sizeof(fl));
		fl.l_type = F_WRLCK;
		fl.l_whence = SEEK_SET;
		if (fcntl(fd, F_SETLK, &fl) == 0) {
			/*
			 * The holder before us unlinks the file before it lets
			 * go: we may hold a lock on a file that is gone.
			 */
			if (fstat(fd, &a) == 0 && lstat(path, &b) == 0 &&
			    a.st_dev == b.st_dev && a.st_ino == b.st_ino)
				break;
			close(fd);
			continue;
		}
		if (errno != EACCES && errno != EAGAIN && errno != EINTR) {
			error = kp_error_set(err, KP_EIO, path, 0, 0,
					     _("cannot lock: %s"),
					     strerror(errno));
			goto done;
		}
		close(fd);
		fd = -1;
		if (now_ms() > deadline) {
			error = kp_error_set(
				err, KP_ELOCKED, path, 0, 0,
				_("another kiplan holds the repository lock"));
			goto done;
		}
		ts.tv_sec = 0;
		ts.tv_nsec = (5 + (long)(spin++ % 7) * 3) * 1000000L;
		nanosleep(&ts, NULL);
	}
	{
		char pid[32];
		int n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());

		/* For a person who wonders who holds it; never read back. */
		if (ftruncate(fd, 0) == 0 && write(fd, pid, (size_t)n) < 0)
			(void)0;
	}
	repo->lock_fd = fd;
	fd = -1;
	/*
	 * No kiplan that could be changing the repository runs now: repair
	 * what a killed one left (lib/repo/txn.c, in the git plugin).
	 */
	if ((error = kp_txn_recover(repo, err)) < 0)
		kp_repo_unlock(repo);
done:
	if (fd >= 0)
		close(fd);
	free(path);
	return error;
}

void kp_repo_unlock(struct kp_repo *repo)
{
	char *path;

	if (repo->lock_fd < 0)
		return;
	path = kp_repo_join(lock_dir(repo), "kiplan.lock");
	/* Unlink while still holding it: see kp_repo_lock(). */
	unlink(path);
	/*
	 * The last step of a finished change, after the command has
	 * written its output: a kiplan killed before it is known, by its
	 * journal, to have finished, and a retry is recognized.
	 */
	if (repo->txn_done)
		kp_repo_end(repo, NULL);
	repo->txn_done = 0;
	close(repo->lock_fd);
	repo->lock_fd = -1;
	free(path);
}

/* ------------------------------------------------------------------ */
/* Paths                                                               */
/* ------------------------------------------------------------------ */

int kp_repo_is_id(const char *s)
{
	int i;

	if (strlen(s) != 12 || strncmp(s, "ki-", 3) != 0 || s[7] != '-')
		return 0;
	for (i = 3; i < 12; i++)
		if (i != 7 && !isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

int kp_repo_plan_path(char **out, struct kp_repo *repo, const char *arg,
		      int must_exist, struct kp_error *err)
{
	struct kp_buf path = KP_BUF_INIT, rel = KP_BUF_INIT;
	const char *slash, *base;
	char *dir = NULL, real[PATH_MAX], cwd[PATH_MAX];
	size_t wlen = strlen(repo->workdir);
	struct stat st;
	int error = 0;

	*out = NULL;
	if (!*arg) {
		error = kp_error_set(err, KP_EUSAGE, NULL, 0, 0,
				     _("an empty plan name"));
		goto done;
	}
	if (!strchr(arg, '/')) {
		/*
		 * A bare name: in the current directory when that is in
		 * the repository and the file is there, else at the
		 * repository's top, where kiplan new puts every plan.
		 */
		const char *start = repo->workdir;
		const char *ext = kp_repo_is_id(arg) ? ".md" : "";

		if (getcwd(cwd, sizeof(cwd)) && realpath(cwd, real) &&
		    strncmp(real, repo->workdir, wlen) == 0 &&
		    (real[wlen] == '\0' || real[wlen] == '/')) {
			kp_buf_addf(&path, "%s/%s%s", real, arg, ext);
			if (real[wlen] == '/' && lstat(path.buf, &st) < 0)
				kp_buf_reset(&path);
			else
				start = NULL;
		}
		if (start)
			kp_buf_addf(&path, "%s/%s%s", start, arg, ext);
	} else {
		kp_buf_addstr(&path, arg);
	}
	slash = strrchr(path.buf, '/');
	base = slash + 1;
	if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
		error = kp_error_set(err, KP_EUSAGE, arg, 0, 0,
				     _("not a plan file name"));
		goto done;
	}
	dir = slash == path.buf
		      ? kp_xstrdup("/")
		      : kp_xstrndup(path.buf, (size_t)(slash - path.buf));
	if (!realpath(dir, real)) {
		error = kp_error_set(err, must_exist ? KP_ENOTFOUND : KP_EUSAGE,
				     arg, 0, 0, "%s", strerror(errno));
		goto done;
	}
	if (strncmp(real, repo->workdir, wlen) != 0 ||
	    (real[wlen] != '\0' && real[wlen] != '/')) {
		error = kp_error_set(err, KP_EUSAGE, arg, 0, 0,
				     _("outside the plan repository %s"),
				     repo->workdir);
		goto done;
	}
	if (real[wlen] == '/')
		kp_buf_addf(&rel, "%s/", real + wlen + 1);
	kp_buf_addstr(&rel, base);
	if (strcmp(rel.buf, ".git") == 0 || strncmp(rel.buf, ".git/", 5) == 0) {
		error = kp_error_set(err, KP_EUSAGE, arg, 0, 0,
				     _("inside .git"));
		goto done;
	}
	kp_buf_reset(&path);
	kp_buf_addf(&path, "%s/%s", repo->workdir, rel.buf);
	if (lstat(path.buf, &st) == 0) {
		if (S_ISLNK(st.st_mode)) {
			error = kp_error_set(err, KP_EUSAGE, arg, 0, 0,
					     _("a symbolic link; refused"));
			goto done;
		}
		if (!S_ISREG(st.st_mode)) {
			error = kp_error_set(err, KP_EUSAGE, arg, 0, 0,
					     _("not a regular file"));
			goto done;
		}
	} else if (must_exist) {
		error = kp_error_set(err, KP_ENOTFOUND, arg, 0, 0, "%s",
				     strerror(errno));
		goto done;
	}
	*out = kp_buf_detach(&rel, NULL);
done:
	free(dir);
	kp_buf_release(&path);
	kp_buf_release(&rel);
	return error;
}

int kp_repo_read(struct kp_buf *out, struct kp_repo *repo, const char *rel,
		 struct kp_error *err)
{
	char *path = kp_repo_join(repo->workdir, rel);
	struct stat st;
	int fd, error = 0;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;

		if (e == ELOOP)
			error = kp_error_set(err, KP_EIO, rel, 0, 0,
					     _("a symbolic link; refused"));
		else
			error = kp_error_set(
				err, e == ENOENT ? KP_ENOTFOUND : KP_EIO, rel,
				0, 0, _("cannot open: %s"), strerror(e));
		goto done;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		error = kp_error_set(err, KP_EIO, rel, 0, 0,
				     _("not a regular file"));
		goto done;
	}
	if ((size_t)st.st_size > KP_PLAN_MAX) {
		error = kp_error_set(
			err, KP_ELIMIT, rel, 0, 0,
			_("file is larger than the limit of %d bytes"),
			KP_PLAN_MAX);
		goto done;
	}
	for (;;) {
		ssize_t n;

		kp_buf_grow(out, 8192);
		n = read(fd, out->buf + out->len, out->alloc - out->len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			error = kp_error_set(err, KP_EIO, rel, 0, 0,
					     _("cannot read: %s"),
					     strerror(errno));
			goto done;
		}
		if (n == 0)
			break;
		kp_buf_setlen(out, out->len + (size_t)n);
		if (out->len > KP_PLAN_MAX) {
			error = kp_error_set(
				err, KP_ELIMIT, rel, 0, 0,
				_("file is larger than the limit of %d bytes"),
				KP_PLAN_MAX);
			goto done;
		}
	}
done:
	if (fd >= 0)
		close(fd);
	free(path);
	return error;
}
