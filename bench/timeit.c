/*
 * timeit.c: the benchmarks' timing driver.  Starts a command RUNS times
 * (posix_spawnp, then waitpid), each time reading a monotonic clock just
 * before the start and just after the wait, and prints one line:
 *
 *     MEDIAN MEAN MIN MAX CPU RSS
 *
 * the wall seconds of the runs (median, mean, fastest, slowest), the mean
 * CPU seconds (user + system) of a run, and the peak resident set of any
 * run in KiB (getrusage's ru_maxrss for the children, the number that
 * /usr/bin/time -f %M prints).
 *
 *     timeit [-n RUNS] [-w WARMUP] [-x CODES] [-e] CMD [ARG...]
 *
 * -n RUNS     timed runs (default 5)
 * -w WARMUP   untimed runs first, to warm the page cache (default 1)
 * -x CODES    the exit statuses that count as an answer, comma-separated
 *             (default 0); any other status or a signal stops timeit,
 *             which prints the command's error output and exits 3.
 * -e          allow error output; without -e a command that writes to
 *             its error output has failed, even with an allowed status
 *             (kiplan due exits 1 for an overdue item even when a plan
 *             could not be read).
 *
 * The command's input and output are /dev/null; its error output is kept
 * in a temporary file, to show if it fails.  C11 and POSIX 2008 only;
 * built by bench/Makefile, not by the main build.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static const char *codes = "0";
static int quiet = 1; /* error output is a failure */

static void die(const char *what)
{
	fprintf(stderr, "timeit: %s: %s\n", what, strerror(errno));
	exit(3);
}

static double now(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		die("clock_gettime");
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_children(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_CHILDREN, &ru) < 0)
		die("getrusage");
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static int allowed(int status)
{
	const char *p = codes;

	while (*p) {
		char *end;
		long c = strtol(p, &end, 10);

		if (end == p)
			break;
		if (c == status)
			return 1;
		p = *end == ',' ? end + 1 : end;
	}
	return 0;
}

/* Shows the command's error output and stops. */
static void failed(char **argv, int err, const char *how, int n)
{
	char buf[4096];
	ssize_t got;
	int i;

	fprintf(stderr, "timeit: '");
	for (i = 0; argv[i]; i++)
		fprintf(stderr, "%s%s", i ? " " : "", argv[i]);
	fprintf(stderr, "' %s %d\n", how, n);
	if (lseek(err, 0, SEEK_SET) == 0)
		while ((got = read(err, buf, sizeof(buf))) > 0)
			fwrite(buf, 1, (size_t)got, stderr);
	exit(3);
}

static double run(char **argv, int err, posix_spawn_file_actions_t *fa)
{
	double t0, t1;
	pid_t pid;
	int status, rc;

	if (ftruncate(err, 0) < 0 || lseek(err, 0, SEEK_SET) < 0)
		die("temporary file");
	t0 = now();
	rc = posix_spawnp(&pid, argv[0], fa, NULL, argv, environ);
	if (rc != 0) {
		errno = rc;
		die(argv[0]);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die("waitpid");
	t1 = now();
	if (WIFSIGNALED(status))
		failed(argv, err, "was killed by signal", WTERMSIG(status));
	if (!WIFEXITED(status) || !allowed(WEXITSTATUS(status)))
		failed(argv, err, "exited with status", WEXITSTATUS(status));
	if (quiet && lseek(err, 0, SEEK_END) > 0)
		failed(argv, err, "wrote to its error output; status",
		       WEXITSTATUS(status));
	return t1 - t0;
}

static int usage(void)
{
	fputs("usage: timeit [-n RUNS] [-w WARMUP] [-x CODES] [-e] CMD "
	      "[ARG...]\n",
	      stderr);
	return 2;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static long number(const char *s, long min)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || n < min) {
		fprintf(stderr, "timeit: not a number (at least %ld): '%s'\n",
			min, s);
		exit(2);
	}
	return n;
}

int main(int argc, char **argv)
{
	posix_spawn_file_actions_t fa;
	char tmpl[] = "/tmp/timeit-XXXXXX";
	long runs = 5, warm = 1, i;
	double *t, sum = 0, cpu0, med;
	struct rusage ru;
	int opt, err;

	while ((opt = getopt(argc, argv, "+n:w:x:e")) != -1) {
		switch (opt) {
		case 'n': runs = number(optarg, 1); break;
		case 'w': warm = number(optarg, 0); break;
		case 'x': codes = optarg; break;
		case 'e': quiet = 0; break;
		default: return usage();
		}
	}
	if (optind >= argc)
		return usage();
	argv += optind;
	if ((err = mkstemp(tmpl)) < 0)
		die(tmpl);
	unlink(tmpl);
	if (posix_spawn_file_actions_init(&fa) != 0 ||
	    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY,
					     0) != 0 ||
	    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY,
					     0) != 0 ||
	    posix_spawn_file_actions_adddup2(&fa, err, 2) != 0)
		die("posix_spawn_file_actions");
	if (!(t = malloc((size_t)runs * sizeof(*t))))
		die("malloc");
	for (i = 0; i < warm; i++)
		run(argv, err, &fa);
	cpu0 = cpu_children();
	for (i = 0; i < runs; i++) {
		t[i] = run(argv, err, &fa);
		sum += t[i];
	}
	if (getrusage(RUSAGE_CHILDREN, &ru) < 0)
		die("getrusage");
	qsort(t, (size_t)runs, sizeof(*t), cmp_double);
	med = runs % 2 ? t[runs / 2] : (t[runs / 2 - 1] + t[runs / 2]) / 2;
	printf("%.6f %.6f %.6f %.6f %.6f %ld\n", med, sum / (double)runs, t[0],
	       t[runs - 1], (cpu_children() - cpu0) / (double)runs,
	       ru.ru_maxrss);
	free(t);
	posix_spawn_file_actions_destroy(&fa);
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 3;
}
