/*
 * scan.c: walk paths for plan files, in an order that is the same on
 * every machine, holding only the directories on the current path.
 */
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
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_plan_name(const char *name, size_t n)
{
	return n > 3 && name[0] != '.' && memcmp(name + n - 3, ".md", 3) == 0;
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
	char **names = NULL;
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
		if (de->d_name[0] == '.')
			continue;
		if (n == alloc) {
			alloc = alloc ? alloc * 2 : 64;
			names = kp_xrealloc(names, alloc * sizeof(*names));
		}
		names[n++] = kp_xstrdup(de->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);
	for (i = 0; i < n && error >= 0; i++) {
		size_t len = strlen(names[i]);
		struct stat st;

		kp_buf_setlen(&w->path, base);
		if (base && w->path.buf[base - 1] != '/')
			kp_buf_addch(&w->path, '/');
		kp_buf_add(&w->path, names[i], len);
		if (lstat(w->path.buf, &st) < 0) {
			error = problem(w, w->path.buf, _("cannot read: %s"));
			continue;
		}
		if (S_ISDIR(st.st_mode))
			error = walk_dir(w, depth + 1);
		else if ((S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) &&
			 is_plan_name(names[i], len))
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
