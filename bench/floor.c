/*
 * floor.c: the benchmarks' floor, the least work any program must do to
 * read the plans: walk every directory below DIR as kiplan's scan does
 * (lib/load/scan.c: names starting with '.' skipped, the names of each
 * directory sorted, one lstat per name, every *.md file or symbolic link),
 * open and read() each file into one reused buffer, close it.  Nothing is
 * parsed.  Prints the bytes and files read.
 *
 *     floor DIR...
 *
 * Exits 0, or 1 with a message if anything cannot be read.  C11 and POSIX
 * 2008 only; built by bench/Makefile, not by the main build.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct walk {
	char *path; /* the current path, grown as needed */
	size_t alloc;
	char buf[65536]; /* every file is read into this one buffer */
	unsigned long long bytes, files;
};

static int fail(const char *path, const char *what)
{
	fprintf(stderr, "floor: %s: %s: %s\n", path, what, strerror(errno));
	return -1;
}

static void *xrealloc(void *p, size_t n)
{
	if (!(p = realloc(p, n))) {
		perror("floor");
		exit(1);
	}
	return p;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_plan_name(const char *name, size_t n)
{
	return n > 3 && name[0] != '.' && memcmp(name + n - 3, ".md", 3) == 0;
}

static int read_file(struct walk *w)
{
	int fd = open(w->path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return fail(w->path, "cannot open");
	for (;;) {
		n = read(fd, w->buf, sizeof(w->buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		w->bytes += (unsigned long long)n;
	}
	close(fd);
	if (n < 0)
		return fail(w->path, "cannot read");
	w->files++;
	return 0;
}

/* w->path holds the directory, BASE bytes long. */
static int walk_dir(struct walk *w, size_t base)
{
	size_t n = 0, alloc = 0, i;
	char **names = NULL;
	struct dirent *de;
	int error = 0;
	DIR *d;

	if (!(d = opendir(w->path)))
		return fail(w->path, "cannot open directory");
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (n == alloc) {
			alloc = alloc ? alloc * 2 : 64;
			names = xrealloc(names, alloc * sizeof(*names));
		}
		if (!(names[n++] = strdup(de->d_name))) {
			perror("floor");
			exit(1);
		}
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);
	for (i = 0; i < n && error == 0; i++) {
		size_t len = strlen(names[i]), at = base;
		struct stat st;

		if (base + len + 2 > w->alloc) {
			w->alloc = (base + len + 2) * 2;
			w->path = xrealloc(w->path, w->alloc);
		}
		if (at && w->path[at - 1] != '/')
			w->path[at++] = '/';
		memcpy(w->path + at, names[i], len + 1);
		if (lstat(w->path, &st) < 0)
			error = fail(w->path, "cannot read");
		else if (S_ISDIR(st.st_mode))
			error = walk_dir(w, at + len);
		else if ((S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) &&
			 is_plan_name(names[i], len))
			error = read_file(w);
		w->path[base] = '\0';
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return error;
}

int main(int argc, char **argv)
{
	static struct walk w;
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: floor DIR...\n");
		return 2;
	}
	for (i = 1; i < argc; i++) {
		size_t len = strlen(argv[i]);

		w.alloc = len + 256;
		w.path = xrealloc(w.path, w.alloc);
		memcpy(w.path, argv[i], len + 1);
		if (walk_dir(&w, len) < 0)
			return 1;
	}
	free(w.path);
	printf("%llu bytes, %llu files\n", w.bytes, w.files);
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
}
