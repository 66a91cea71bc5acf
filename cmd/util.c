/*
 * util.c: what the subcommands share in talking to the user.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "banned.h"

void cmd_report(const struct kp_error *err)
{
	struct kp_buf b = KP_BUF_INIT;
	char line[600];

	kp_error_format(line, sizeof(line), err);
	kp_buf_add_escaped(&b, line, strlen(line));
	fprintf(stderr, "kiplan: %s\n", b.buf);
	kp_buf_release(&b);
}

void cmd_warn(const char *fmt, ...)
{
	va_list ap;

	fputs("kiplan: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cmd_exit_for(int error)
{
	if (error == 0)
		return KP_EXIT_OK;
	if (error == KP_EUSAGE)
		return KP_EXIT_USAGE;
	if (error == KP_EINVALID)
		return KP_EXIT_FINDINGS;
	return KP_EXIT_ERROR;
}
