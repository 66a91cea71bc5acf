/*
 * main.c: runs every unit test found in tests/unit/test_*.c and ends with
 * "N passed, N failed".  With arguments, only tests whose name contains
 * one of them.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

#define T(name) void name(void);
#include "unit_list.h"
#undef T

static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
#define T(name) { #name, name },
#include "unit_list.h"
#undef T
};

static int failures;

void harness_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stdout, "  %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	failures++;
}

static int selected(const char *name, int argc, char **argv)
{
	int i;

	if (argc < 2)
		return 1;
	for (i = 1; i < argc; i++)
		if (strstr(name, argv[i]))
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	size_t i;
	int pass = 0, fail = 0;

	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		int before = failures;

		if (!selected(tests[i].name, argc, argv))
			continue;
		tests[i].fn();
		if (failures == before) {
			pass++;
		} else {
			fail++;
			printf("FAIL: %s\n", tests[i].name);
		}
	}
	printf("%d passed, %d failed\n", pass, fail);
	return fail ? 1 : 0;
}
