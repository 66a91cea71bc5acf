/*
 * test_redact.c: --redact's one function, kp_redact_text(), on the
 * corpus of written forms in tests/redact/corpus.txt: every CPR number
 * and telephone number hidden as the corpus says, every near miss kept.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "kiplan.h"

#define CORPUS "tests/redact/corpus.txt"

static char *redacted(const char *s)
{
	char *copy = kp_xstrdup(s);

	kp_redact_text(copy);
	return copy;
}

void test_redact__the_corpus(void)
{
	FILE *f = fopen(CORPUS, "r");
	char line[512], *tab, *got;
	int cases = 0, hidden = 0;

	OK(f != NULL);
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || !line[0])
			continue;
		tab = strchr(line, '\t');
		OK(tab != NULL);
		if (!tab)
			continue;
		*tab++ = '\0';
		got = redacted(line);
		if (strcmp(tab, "=") == 0) {
			STR_EQ(got, line);
		} else {
			STR_EQ(got, tab);
			hidden++;
		}
		free(got);
		cases++;
	}
	fclose(f);
	/* The corpus is read whole: a truncated file would pass silently. */
	OK(cases >= 60);
	OK(hidden >= 30);
}

void test_redact__counts_and_keeps_the_length(void)
{
	char s[] = "Jens 140973-1879, tlf. +45 21 47 83 90 og 31478391.";
	size_t len = strlen(s);

	INT_EQ(kp_redact_text(s), 3);
	INT_EQ(strlen(s), len);
	STR_EQ(s, "Jens 140973-xxxx, tlf. +45 xx xx xx xx og xxxxxxxx.");
	INT_EQ(kp_redact_text(s), 0);
}

void test_redact__many_numbers_in_one_text(void)
{
	char s[] = "21478390\n140973-1879\n21 47 83 90\n"
		   "2014-05-01\n+4521478390\n";

	INT_EQ(kp_redact_text(s), 4);
	STR_EQ(s, "xxxxxxxx\n140973-xxxx\nxx xx xx xx\n"
		  "2014-05-01\n+45xxxxxxxx\n");
}

void test_redact__ends_of_the_text(void)
{
	char a[] = "21478390", b[] = "+45", c[] = "", d[] = "140973-187";

	INT_EQ(kp_redact_text(a), 1);
	INT_EQ(kp_redact_text(b), 0);
	INT_EQ(kp_redact_text(c), 0);
	INT_EQ(kp_redact_text(d), 0);
	STR_EQ(d, "140973-187");
}
