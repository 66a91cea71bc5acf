/*
 * startup.c: run a command N times (fork, exec, wait) and print the mean
 * wall time per run in milliseconds.  bench/startup.sh drives it; with
 * --floor it is itself the trivial program that the others are measured
 * against (it exits at once).
 *
 *     startup [-C DIR] N COMMAND [ARG...]
 *     startup --floor
 *
 * -C DIR: the command runs in DIR.
 */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	const char *dir = NULL;
	double t0;
	long n, i;
	int devnull;

	if (argc == 2 && strcmp(argv[1], "--floor") == 0)
		return 0;
	if (argc > 2 && strcmp(argv[1], "-C") == 0) {
		dir = argv[2];
		argc -= 2;
		argv += 2;
	}
	if (argc < 3 || (n = strtol(argv[1], NULL, 10)) <= 0) {
		fputs("usage: startup [-C DIR] N COMMAND [ARG...]\n", stderr);
		return 2;
	}
	devnull = open("/dev/null", O_WRONLY);
	if (devnull < 0) {
		perror("startup: /dev/null");
		return 3;
	}
	t0 = now();
	for (i = 0; i < n; i++) {
		int status;
		pid_t pid = fork();

		if (pid < 0) {
			perror("startup: fork");
			return 3;
		}
		if (pid == 0) {
			if (dir && chdir(dir) < 0)
				_exit(126);
			dup2(devnull, 1);
			dup2(devnull, 2);
			execvp(argv[2], argv + 2);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) < 0) {
			perror("startup: waitpid");
			return 3;
		}
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "startup: %s failed (status %d)\n",
				argv[2], status);
			return 3;
		}
	}
	printf("%.2f\n", (now() - t0) * 1000 / (double)n);
	return 0;
}
