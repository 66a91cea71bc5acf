/*
 * driver.c: replay fuzz inputs without libFuzzer (libgit2's
 * standalone_driver.c): every file named, and every file in every
 * directory named, goes through LLVMFuzzerTestOneInput() once.  A crash
 * ends the run (and the sanitizers say why); otherwise the last line is
 * "N passed, N failed", failed counting files that could not be read.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "report/report.h"

#define INPUT_MAX (8 * 1024 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int passed, failed;

static void run_file(const char *path)
{
	struct kp_buf b = KP_BUF_INIT;
	struct kp_error err = KP_ERROR_INIT;
	char msg[600];

	if (kp_buf_read_file(&b, path, INPUT_MAX, &err) < 0) {
		kp_error_format(msg, sizeof(msg), &err);
		printf("FAIL %s\n", msg);
		failed++;
		return;
	}
	LLVMFuzzerTestOneInput((const uint8_t *)b.buf, b.len);
	kp_buf_release(&b);
	passed++;
}

static void run_dir(const char *path)
{
	struct kp_buf file = KP_BUF_INIT;
	struct dirent *de;
	DIR *d = opendir(path);

	if (!d) {
		printf("FAIL %s: cannot open the directory\n", path);
		failed++;
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		kp_buf_reset(&file);
		kp_buf_addf(&file, "%s/%s", path, de->d_name);
		run_file(file.buf);
	}
	closedir(d);
	kp_buf_release(&file);
}

int main(int argc, char **argv)
{
	struct stat st;
	int i;

	if (argc < 2) {
		fputs("usage: fuzz-replay DIR|FILE...\n", stderr);
		return 2;
	}
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			run_dir(argv[i]);
		else
			run_file(argv[i]);
	}
	if (passed == 0 && failed == 0) {
		printf("FAIL no input found\n");
		failed++;
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
