/*
 * file.c: files written whole or not at all, as git's lockfiles: the
 * bytes go to a private temporary file beside the target, which is
 * fsync()ed and renamed over it, and the directory is fsync()ed so the
 * rename survives a crash.  Every failure counts, fsync included.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/base.h"
#include "i18n.h"
#include "banned.h"

int kp_sync_dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? kp_xstrndup(path, (size_t)(slash - path + 1))
			  : kp_xstrdup(".");
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = 0;

	free(dir);
	if (fd < 0)
		return -1;
	/* Some file systems cannot sync a directory; that is no failure. */
	if (fsync(fd) < 0 && errno != EINVAL && errno != ENOTSUP)
		rc = -1;
	if (close(fd) < 0)
		rc = -1;
	return rc;
}

int kp_outfile_open(struct kp_outfile *f, const char *path, unsigned mode,
		    struct kp_error *err)
{
	struct kp_buf tmp = KP_BUF_INIT;

	f->fd = -1;
	f->tmp = NULL;
	f->path = kp_xstrdup(path);
	kp_buf_addf(&tmp, "%s.tmp-XXXXXX", path);
	f->fd = mkstemp(tmp.buf);
	if (f->fd < 0) {
		int e = errno;

		kp_buf_release(&tmp);
		free(f->path);
		f->path = NULL;
		return kp_error_set(err, KP_EIO, path, 0, 0,
				    _("cannot create a temporary file beside "
				      "it: %s"),
				    strerror(e));
	}
	f->tmp = kp_buf_detach(&tmp, NULL);
	if (fchmod(f->fd, (mode_t)mode) < 0) {
		int e = errno;

		kp_outfile_abort(f);
		return kp_error_set(err, KP_EIO, path, 0, 0,
				    _("cannot write: %s"), strerror(e));
	}
	return 0;
}

int kp_outfile_write(struct kp_outfile *f, const void *data, size_t len,
		     struct kp_error *err)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(f->fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return kp_error_set(err, KP_EIO, f->path, 0, 0,
					    _("cannot write: %s"),
					    strerror(errno));
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int kp_outfile_commit(struct kp_outfile *f, struct kp_error *err)
{
	int fd = f->fd, e;

	f->fd = -1;
	if (fsync(fd) < 0) {
		e = errno;
		close(fd);
		goto fail;
	}
	if (close(fd) < 0 || rename(f->tmp, f->path) < 0) {
		e = errno;
		goto fail;
	}
	if (kp_sync_dir_of(f->path) < 0) {
		/* In place, but perhaps not on the disk: still a failure. */
		e = errno;
		kp_error_set(err, KP_EIO, f->path, 0, 0, _("cannot write: %s"),
			     strerror(e));
		free(f->tmp);
		free(f->path);
		f->tmp = f->path = NULL;
		return KP_EIO;
	}
	free(f->tmp);
	free(f->path);
	f->tmp = f->path = NULL;
	return 0;
fail:
	kp_error_set(err, KP_EIO, f->path, 0, 0, _("cannot write: %s"),
		     strerror(e));
	kp_outfile_abort(f);
	return KP_EIO;
}

void kp_outfile_abort(struct kp_outfile *f)
{
	if (f->fd >= 0)
		close(f->fd);
	if (f->tmp)
		unlink(f->tmp);
	free(f->tmp);
	free(f->path);
	f->fd = -1;
	f->tmp = f->path = NULL;
}

int kp_write_file_atomic(const char *path, const void *data, size_t len,
			 unsigned mode, struct kp_error *err)
{
	struct kp_outfile f;
	int error;

	if ((error = kp_outfile_open(&f, path, mode, err)) < 0)
		return error;
	if ((error = kp_outfile_write(&f, data, len, err)) < 0) {
		kp_outfile_abort(&f);
		return error;
	}
	return kp_outfile_commit(&f, err);
}

size_t kp_outfile_sweep(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	char *dir = slash ? kp_xstrndup(path, (size_t)(slash - path + 1))
			  : kp_xstrdup(".");
	size_t blen = strlen(base), n = 0;
	DIR *d = opendir(dir);
	struct dirent *de;

	while (d && (de = readdir(d))) {
		const char *t = de->d_name;
		struct kp_buf p = KP_BUF_INIT;
		struct stat st;
		int i, ok;

		/* base.tmp-XXXXXX, as kp_outfile_open() names them. */
		if (strlen(t) != blen + 11 || strncmp(t, base, blen) != 0 ||
		    strncmp(t + blen, ".tmp-", 5) != 0)
			continue;
		for (ok = 1, i = 0; i < 6; i++)
			ok &= isalnum((unsigned char)t[blen + 5 + i]) != 0;
		if (!ok)
			continue;
		kp_buf_addf(&p, "%s%s", slash ? dir : "", t);
		if (lstat(p.buf, &st) == 0 && S_ISREG(st.st_mode) &&
		    st.st_uid == geteuid() && !(st.st_mode & 077) &&
		    unlink(p.buf) == 0)
			n++;
		kp_buf_release(&p);
	}
	if (d)
		closedir(d);
	free(dir);
	return n;
}
