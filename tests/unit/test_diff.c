/*
 * test_diff.c: what changed between two plans, in the plan's terms
 * (kp_diff_plans()), and its Danish words.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "kiplan.h"

static struct kp_plan *plan(const char *yaml)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_plan *p = NULL;
	char text[4096];

	snprintf(text, sizeof(text), "---\n%s---\n", yaml);
	if (kp_plan_parse(&p, "t.md", text, strlen(text), 0, &err) < 0)
		harness_fail(__FILE__, __LINE__, "bad test plan: %s", err.msg);
	return p;
}

/* The Danish lines of the changes from a to b, one per line. */
static const char *changes(const char *a, const char *b)
{
	static char out[4096];
	struct kp_plan *pa = plan(a), *pb = plan(b);
	struct kp_buf t = KP_BUF_INIT;
	struct kp_diff d;
	size_t i;

	if (!pa || !pb) {
		kp_plan_free(pa);
		kp_plan_free(pb);
		return "";
	}
	kp_diff_plans(&d, pa, pb);
	for (i = 0; i < d.len; i++) {
		kp_diff_text_da(&t, &d.v[i]);
		kp_buf_addch(&t, '\n');
	}
	snprintf(out, sizeof(out), "%s", t.buf);
	kp_buf_release(&t);
	kp_diff_release(&d);
	kp_plan_free(pa);
	kp_plan_free(pb);
	return out;
}

static const char goals[] = "maal:\n"
			    "  - titel: A\n"
			    "    indsatser:\n"
			    "      - opgave: X\n"
			    "        frist: 2014-10-01\n"
			    "  - titel: B\n";

void test_diff__goals_and_actions(void)
{
	/* A goal inserted before another is added, not a rename. */
	STR_EQ(changes(goals, "maal:\n  - titel: Ny\n  - titel: A\n"
			      "    indsatser:\n      - opgave: X\n"
			      "        frist: 2014-10-01\n  - titel: B\n"),
	       "Mål 1 tilføjet: Ny\n");
	STR_EQ(changes(goals, "maal:\n  - titel: A\n    indsatser:\n"
			      "      - opgave: X\n        frist: 2014-11-01\n"
			      "        status: gennemfoert\n  - titel: B\n"),
	       "Indsats »X«: gennemført\n"
	       "Fristen for indsats »X« er flyttet fra 1. oktober 2014 til "
	       "1. november 2014\n");
	STR_EQ(changes(goals, "maal:\n  - titel: A\n"),
	       "Indsats »X« fjernet\nMål 2 fjernet: B\n");
	/* Same place, other title: renamed. */
	STR_EQ(changes(goals, "maal:\n  - titel: A\n    indsatser:\n"
			      "      - opgave: X\n        frist: 2014-10-01\n"
			      "  - titel: C\n"),
	       "Mål 2 har fået ny titel: C\n");
	STR_EQ(changes(goals, goals), "");
}

void test_diff__meetings_people_and_fields(void)
{
	STR_EQ(changes("status: aktiv\nopfoelgning:\n  dato: 2014-10-01\n",
		       "status: aktiv\nopfoelgning:\n  dato: 2015-04-01\n"
		       "moeder:\n  - dato: 2014-10-01\n"),
	       "Opfølgende møde holdt 1. oktober 2014\n"
	       "Opfølgningen er flyttet fra 1. oktober 2014 til 1. april "
	       "2015\n");
	/* Closed: the closing, not the follow-up removed. */
	STR_EQ(changes("status: aktiv\nopfoelgning:\n  dato: 2014-10-01\n",
		       "status: afsluttet\nafslutning:\n  dato: 2014-09-01\n"
		       "  aarsag: Flyttet\n  til: Egen læge\n"),
	       "Planen er afsluttet 1. september 2014: Flyttet (afsluttet "
	       "til Egen læge)\n");
	STR_EQ(changes("deltagere:\n  - navn: A\n  - navn: B\n    email: "
		       "b@x.dk\n",
		       "deltagere:\n  - navn: B\n    email: b@y.dk\n"
		       "  - navn: C\n"),
	       "A deltager ikke længere\nOplysningerne om B er ændret "
	       "(email)\nC deltager nu\n");
	/* The citizen's data by name only; never a CPR number. */
	STR_EQ(changes("borger:\n  navn: A\n  cpr: \"140973-1879\"\n",
		       "borger:\n  navn: A\n  cpr: \"140973-1878\"\n"),
	       "Borgerens oplysninger er ændret: Cpr. nr.\n");
	/* Other fields by the schema's titles, their values too. */
	STR_EQ(changes("forloeb: parallel\n", "forloeb: koordineret\n"),
	       "Forløb er ændret fra Parallelt forløb til Koordineret "
	       "forløb\n");
	/* A structure that came: its fields, one by one. */
	STR_EQ(changes("status: aktiv\n",
		       "status: aktiv\nsamtykke:\n  givet: true\n"
		       "  dato: 2014-04-20\n"),
	       "Borgeren har givet samtykke til, at der indhentes og udveksles "
	       "informationer samt udarbejdes en indsatsplan: ja\n"
	       "Dato for samtykke: 20. april 2014\n");
	STR_EQ(changes("moede:\n  form: fysisk\n",
		       "moede:\n  form: video\nboern:\n"
		       "  orientering: ikke_grundlag\n"),
	       "Mødeform er ændret fra Fysisk fremmøde til Videomøde\n"
	       "Orientering af kommunens børne- og ungeafdeling: Vurderet, "
	       "at der ikke er grundlag for at orientere\n");
	/* Without a title: the path. */
	STR_EQ(changes("status: aktiv\n", "status: aktiv\nx_lokal: 1\n"),
	       "x_lokal: 1\n");
}

/* A state taken away: open again, and in JSON no state is null. */
void test_diff__state_removed(void)
{
	struct kp_plan *a =
		plan("maal:\n  - titel: A\n    indsatser:\n"
		     "      - opgave: X\n        status: paabegyndt\n");
	struct kp_plan *b = plan("maal:\n  - titel: A\n    indsatser:\n"
				 "      - opgave: X\n");
	struct kp_buf j = KP_BUF_INIT;
	struct kp_diff d;

	kp_diff_plans(&d, a, b);
	kp_diff_write_json(&j, &d);
	OK(strstr(j.buf, "\"from\":\"paabegyndt\",\"to\":null") != NULL);
	OK(strstr(j.buf, "\"text\":\"Indsats »X«: åben igen\"") != NULL);
	kp_buf_reset(&j);
	kp_diff_release(&d);
	kp_diff_plans(&d, b, a);
	kp_diff_write_json(&j, &d);
	OK(strstr(j.buf, "\"from\":null,\"to\":\"paabegyndt\"") != NULL);
	kp_buf_release(&j);
	kp_diff_release(&d);
	kp_plan_free(a);
	kp_plan_free(b);
}
