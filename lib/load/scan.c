/*
 * scan.c: walk paths for plan files, in an order that is the same on
 * every machine, holding only the directories on the current path.
 *
 * Writers work beside the readers: kiplan writes a plan under a
 * temporary name (NAME.md.tmp-XXXXXX) and renames it, so entries come
 * and go while a directory is read.  An entry is judged by its name
 * first, and by the type readdir() gives, so that a file that is no plan
 * is never looked at; one that is gone when looked at is passed over.
 */
/* d_type and DT_* of readdir() (Linux, the BSDs); lstat() where absent. */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "load/load.h"
#include "i18n.h"
#include "banned.h"

/* Deeper than any plan repository; stops a loop of bind mounts. */
#define SCAN_DEPTH_MAX 64

struct walk {
	int (*fn)(const char *path, const struct kp_error *problem,
		  void *payload);
	int (*fn_stat)(const char *path, const struct stat *st,
		       const struct kp_error *problem, void *payload);
	void *payload;
	struct kp_buf path;
};

static int call(struct walk *w, const char *path, const struct stat *st,
		const struct kp_error *problem)
{
	if (w->fn_stat)
		return w->fn_stat(path, st, problem, w->payload);
	return w->fn(path, problem, w->payload);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a + 1, *(char *const *)b + 1);
}

static int is_plan_name(const char *name, size_t n)
{
	return n > 3 && name[0] != '.' && memcmp(name + n - 3, ".md", 3) == 0;
}

/* A d_type (0 when readdir() gave none) that may be a directory. */
static int dir_type(unsigned char type)
{
#ifdef DT_UNKNOWN
	return type == DT_DIR || type == DT_UNKNOWN || type == 0;
#else
	(void)type;
	return 1;
#endif
}

/* fmt says what failed, with %s for strerror(errno). */
static int problem(struct walk *w, const char *path, const char *fmt)
{
	struct kp_error err = KP_ERROR_INIT;

	if (fmt)
		kp_error_set(&err, KP_EIO, path, 0, 0, fmt, strerror(errno));
	else
		kp_error_set(&err, KP_EIO, path, 0, 0, "%s",
			     _("directories nested too deeply"));
	return call(w, path, NULL, &err);
}

/* w->path holds the directory; it is restored before returning. */
static int walk_dir(struct walk *w, int depth)
{
	size_t base = w->path.len, n = 0, alloc = 0, i;
	char **names = NULL; /* each with its d_type in front */
	struct dirent *de;
	int error = 0;
	DIR *d;

	if (depth > SCAN_DEPTH_MAX) {
		errno = ELOOP;
		return problem(w, w->path.buf, NULL);
	}
	if (!(d = opendir(w->path.buf)))
		return problem(w, w->path.buf, _("cannot open directory: %s"));
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		unsigned char type = 0;

		if (de->d_name[0] == '.')
			continue;
#ifdef DT_UNKNOWN
		type = de->d_type;
		/* A file that is no plan: not even looked at. */
		if ((type == DT_REG || type == DT_LNK) &&
		    !is_plan_name(de->d_name, len))
			continue;
#endif
		if (n == alloc) {
			alloc = alloc ? alloc * 2 : 64;
			names = kp_xrealloc(names, alloc * sizeof(*names));
		}
		names[n] = kp_xmalloc(len + 2);
		names[n][0] = (char)type;
		memcpy(names[n] + 1, de->d_name, len + 1);
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);
	for (i = 0; i < n && error >= 0; i++) {
		const char *name = names[i] + 1;
		size_t len = strlen(name);
		struct stat st;

		kp_buf_setlen(&w->path, base);
		if (base && w->path.buf[base - 1] != '/')
			kp_buf_addch(&w->path, '/');
		kp_buf_add(&w->path, name, len);
		if (!is_plan_name(name, len) && !dir_type(names[i][0]))
			continue;
		if (lstat(w->path.buf, &st) < 0) {
			/* Gone since readdir(): a writer's temporary file. */
			if (errno != ENOENT)
				error = problem(w, w->path.buf,
						_("cannot read: %s"));
			continue;
		}
		if (S_ISDIR(st.st_mode))
			error = walk_dir(w, depth + 1);
		else if ((S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) &&
			 is_plan_name(name, len))
			error = call(w, w->path.buf,
				     S_ISREG(st.st_mode) ? &st : NULL, NULL);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	kp_buf_setlen(&w->path, base);
	return error < 0 ? error : 0;
}

static int scan(struct walk *w, const char *const *paths, size_t npaths)
{
	size_t i;
	int error = 0;

	kp_buf_init(&w->path);
	for (i = 0; i < npaths && error >= 0; i++) {
		struct stat st;
		int have =
			strcmp(paths[i], "-") != 0 && stat(paths[i], &st) == 0;

		if (have && S_ISDIR(st.st_mode)) {
			kp_buf_reset(&w->path);
			kp_buf_addstr(&w->path, paths[i]);
			error = walk_dir(w, 0);
		} else {
			/* Missing files are the caller's to report, on open. */
			error = call(w, paths[i],
				     have && S_ISREG(st.st_mode) ? &st : NULL,
				     NULL);
		}
	}
	kp_buf_release(&w->path);
	return error < 0 ? error : 0;
}

int kp_scan(const char *const *paths, size_t npaths,
	    int (*fn)(const char *path, const struct kp_error *problem,
		      void *payload),
	    void *payload)
{
	struct walk w;

	w.fn = fn;
	w.fn_stat = NULL;
	w.payload = payload;
	return scan(&w, paths, npaths);
}

int kp_scan_stat(const char *const *paths, size_t npaths,
		 int (*fn)(const char *path, const struct stat *st,
			   const struct kp_error *problem, void *payload),
		 void *payload)
{
	struct walk w;

	w.fn = NULL;
	w.fn_stat = fn;
	w.payload = payload;
	return scan(&w, paths, npaths);
}
