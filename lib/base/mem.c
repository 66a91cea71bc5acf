/*
 * mem.c: allocation that cannot fail.  Out of memory is the one way the
 * library may stop the program (as in cmark, mandoc and git).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "banned.h"

void kp_oom(void)
{
	/* Untranslated: gettext itself may need memory. */
	fputs("kiplan: out of memory\n", stderr);
	abort();
}

void *kp_xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		kp_oom();
	return p;
}

void *kp_xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (!p)
		kp_oom();
	return p;
}

void *kp_xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);

	if (!p)
		kp_oom();
	return p;
}

char *kp_xstrndup(const char *s, size_t n)
{
	char *p = kp_xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *kp_xstrdup(const char *s)
{
	return kp_xstrndup(s, strlen(s));
}
