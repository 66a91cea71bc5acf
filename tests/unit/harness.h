/*
 * harness.h: a minimal unit test harness in cmark's style.  A test is a
 * function void test_<module>__<name>(void) in tests/unit/test_<module>.c;
 * the Makefile finds it by that pattern, so there is no table to edit.
 */
#ifndef KP_HARNESS_H
#define KP_HARNESS_H

#include <string.h>

#include "report/report.h"

void harness_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define OK(cond)                                                          \
	do {                                                              \
		if (!(cond))                                              \
			harness_fail(__FILE__, __LINE__, "%s", #cond);    \
	} while (0)

#define INT_EQ(a, b)                                                      \
	do {                                                              \
		long long a_ = (long long)(a), b_ = (long long)(b);       \
		if (a_ != b_)                                             \
			harness_fail(__FILE__, __LINE__,                  \
				     "%s == %lld, expected %lld", #a, a_, b_); \
	} while (0)

#define STR_EQ(a, b)                                                      \
	do {                                                              \
		const char *a_ = (a), *b_ = (b);                          \
		if (!a_ || !b_ || strcmp(a_, b_) != 0)                    \
			harness_fail(__FILE__, __LINE__,                  \
				     "%s == \"%s\", expected \"%s\"", #a,  \
				     a_ ? a_ : "(null)", b_ ? b_ : "(null)"); \
	} while (0)

#endif
