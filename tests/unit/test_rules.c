/*
 * test_rules.c: the guideline's rules on small plans, one change at a
 * time to a complete active plan; the rule table; robustness against
 * trees of any shape; and the id check of kp_validate().
 *
 * Each finding is written "LINE:COL: SEVERITY: CODE: MESSAGE", one a
 * line, sorted by position, so that a test says exactly what is found
 * and where.  Lines are file lines: the frontmatter starts on line 2.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "kiplan.h"

/* A complete active plan that breaks no rule.  Line numbers at right. */
static const char base[] = "kiplan: 1\n"			    /*  2 */
			   "id: ki-2014-0001\n"			    /*  3 */
			   "status: aktiv\n"			    /*  4 */
			   "borger:\n"				    /*  5 */
			   "  navn: Jens Hansen\n"		    /*  6 */
			   "  cpr: \"070761-4285\"\n"		    /*  7 */
			   "grundlag:\n"			    /*  8 */
			   "  psykiatri: true\n"		    /*  9 */
			   "  rusmiddelbehandling: false\n"	    /* 10 */
			   "samtykke:\n"			    /* 11 */
			   "  givet: true\n"			    /* 12 */
			   "  dato: 2014-04-20\n"		    /* 13 */
			   "  givet_af: borger\n"		    /* 14 */
			   "  paaroerende: true\n"		    /* 15 */
			   "deltagere:\n"			    /* 16 */
			   "  - navn: Peter Holm\n"		    /* 17 */
			   "    rolle: psykiatri\n"		    /* 18 */
			   "  - navn: Kirsten Hansen\n"		    /* 19 */
			   "    rolle: paaroerende\n"		    /* 20 */
			   "moede:\n"				    /* 21 */
			   "  dato: 2014-05-01\n"		    /* 22 */
			   "godkendt_af_borger: true\n"		    /* 23 */
			   "udfordringer:\n"			    /* 24 */
			   "  - Stabilt fremmøde i psykiatrien.\n"  /* 25 */
			   "maal:\n"				    /* 26 */
			   "  - titel: Fastholdelse i behandling\n" /* 27 */
			   "    indsatser:\n"			    /* 28 */
			   "      - opgave: Fastholdelse\n"	    /* 29 */
			   "        succeskriterier: Møder op\n"    /* 30 */
			   "        ansvarlig: Psykiatrien\n"	    /* 31 */
			   "opfoelgning:\n"			    /* 32 */
			   "  dato: 2014-10-01\n";		    /* 33 */

static char result[8192];

static void format_findings(struct kp_findings *f)
{
	size_t i, n = 0;

	kp_findings_sort(f);
	result[0] = '\0';
	for (i = 0; i < f->len && n < sizeof(result); i++)
		n += (size_t)snprintf(result + n, sizeof(result) - n,
				      "%u:%u: %s: %s: %s\n", f->v[i].line,
				      f->v[i].col,
				      kp_severity_name(f->v[i].sev),
				      f->v[i].code, f->v[i].msg);
}

/* The rules' findings on yaml, or "(parse error)". */
static const char *rules_on(const char *yaml)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_findings f = KP_FINDINGS_INIT;
	struct kp_plan plan;
	struct kp_doc *doc = NULL;

	if (kp_yaml_parse(&doc, yaml, strlen(yaml), 2, KP_YAML_PLAN, "t.md",
			  &err) < 0) {
		snprintf(result, sizeof(result), "(parse error) %u:%u: %s",
			 err.line, err.col, err.msg);
		return result;
	}
	memset(&plan, 0, sizeof(plan));
	plan.path = (char *)"t.md";
	plan.doc = doc;
	plan.root = kp_doc_root(doc);
	kp_rules_check(&plan, &f);
	format_findings(&f);
	kp_findings_release(&f);
	kp_doc_free(doc);
	return result;
}

/*
 * base with up to three replacements, each of the first occurrence of
 * from[i] by to[i]; a missing from[i] is a test error.
 */
static const char *rules_sub3(const char *f1, const char *t1, const char *f2,
			      const char *t2, const char *f3, const char *t3)
{
	static char text[4096];
	const char *from[3] = { f1, f2, f3 }, *to[3] = { t1, t2, t3 };
	struct kp_buf b = KP_BUF_INIT;
	int i;

	kp_buf_addstr(&b, base);
	for (i = 0; i < 3; i++) {
		char *at;
		size_t off, flen;

		if (!from[i])
			continue;
		if (!(at = strstr(b.buf, from[i]))) {
			kp_buf_release(&b);
			return "(replacement not found)";
		}
		off = (size_t)(at - b.buf);
		flen = strlen(from[i]);
		snprintf(text, sizeof(text), "%.*s%s%s", (int)off, b.buf, to[i],
			 b.buf + off + flen);
		kp_buf_reset(&b);
		kp_buf_addstr(&b, text);
	}
	snprintf(text, sizeof(text), "%s", b.buf);
	kp_buf_release(&b);
	return rules_on(text);
}

static const char *rules_sub(const char *from, const char *to)
{
	return rules_sub3(from, to, NULL, NULL, NULL, NULL);
}

static const char *rules_sub2(const char *f1, const char *t1, const char *f2,
			      const char *t2)
{
	return rules_sub3(f1, t1, f2, t2, NULL, NULL);
}

#define DRAFT "status: aktiv\n", "status: kladde\n"
#define CLOSED "status: aktiv\n", "status: afsluttet\n"

void test_rules__complete_active_plan_passes(void)
{
	STR_EQ(rules_on(base), "");
	STR_EQ(rules_sub(CLOSED), "");
	STR_EQ(rules_sub(DRAFT), "");
}

void test_rules__a_draft_needs_only_part_1(void)
{
	STR_EQ(rules_on("kiplan: 1\n"
			"id: ki-2014-0002\n"
			"status: kladde\n"
			"borger:\n"
			"  navn: Jens Hansen\n"
			"  cpr: \"070761-4285\"\n"
			"grundlag:\n"
			"  rusmiddelbehandling: true\n"),
	       "");
	/* Nothing at all but the status: a draft is not judged further. */
	STR_EQ(rules_on("status: kladde\n"), "");
}

void test_rules__the_table_has_one_entry_per_rule(void)
{
	static const char *const codes[] = {
		"grundlag",	  "samtykke",  "paaroerende",  "godkendt",
		"opfoelgning",	  "ansvarlig", "udfordringer", "cpr",
		"samtykke_alder", "moeder",    "afslutning",   "boern",
		"henvisning"
	};
	const struct kp_rule *r;
	size_t n = 0, i;

	r = kp_rules(&n);
	INT_EQ(n, sizeof(codes) / sizeof(codes[0]));
	for (i = 0; i < n && i < sizeof(codes) / sizeof(codes[0]); i++) {
		STR_EQ(r[i].code, codes[i]);
		OK(r[i].section && r[i].section[0]);
		OK(r[i].summary && r[i].summary[0]);
		OK(strchr(r[i].summary, '\n') == NULL);
		OK(r[i].check != NULL);
	}
	OK(kp_rules(NULL) == r);
}

void test_rules__grundlag(void)
{
	const char *none = "grundlag: at least one of grundlag.psykiatri and "
			   "grundlag.rusmiddelbehandling must be true "
			   "(guideline Bilag 1)\n";
	char want[512];

	snprintf(want, sizeof(want), "8:1: error: grundlag: %s", none);
	STR_EQ(rules_sub("  psykiatri: true\n", "  psykiatri: false\n"), want);
	STR_EQ(rules_sub("  psykiatri: true\n", ""), want);
	snprintf(want, sizeof(want), "8:1: warning: grundlag: %s", none);
	STR_EQ(rules_sub2(DRAFT, "  psykiatri: true\n", "  psykiatri: false\n"),
	       want);
	/* Either of the upper two will do; the lower two will not. */
	STR_EQ(rules_sub2("  psykiatri: true\n", "  psykiatri: false\n",
			  "  rusmiddelbehandling: false\n",
			  "  rusmiddelbehandling: true\n"),
	       "");
	STR_EQ(rules_sub("  psykiatri: true\n  rusmiddelbehandling: false\n",
			 "  behov_psykiatri: true\n  "
			 "behov_rusmiddelbehandling: true\n"),
	       "8:1: error: grundlag: grundlag: at least one of "
	       "grundlag.psykiatri and grundlag.rusmiddelbehandling must be "
	       "true (guideline Bilag 1)\n");
	/* Missing: at the status key; nothing for a draft. */
	STR_EQ(rules_sub("grundlag:\n  psykiatri: true\n  rusmiddelbehandling: "
			 "false\n",
			 ""),
	       "4:1: error: grundlag: grundlag: the basis of the plan is "
	       "required: grundlag.psykiatri or grundlag.rusmiddelbehandling "
	       "must be true (guideline Bilag 1)\n");
	STR_EQ(rules_sub2(DRAFT,
			  "grundlag:\n  psykiatri: true\n  "
			  "rusmiddelbehandling: false\n",
			  ""),
	       "");
	/* Wrong types are the schema's. */
	STR_EQ(rules_sub("  psykiatri: true\n", "  psykiatri: ja\n"), "");
	STR_EQ(rules_sub("grundlag:\n  psykiatri: true\n  rusmiddelbehandling: "
			 "false\n",
			 "grundlag: [psykiatri]\n"),
	       "");
}

void test_rules__samtykke(void)
{
	const char *msg = "samtykke.givet: consent is required beyond a draft "
			  "(guideline §5)\n";
	char want[512];

	snprintf(want, sizeof(want), "12:10: error: samtykke: %s", msg);
	STR_EQ(rules_sub("  givet: true\n", "  givet: false\n"), want);
	snprintf(want, sizeof(want), "12:10: error: samtykke: %s", msg);
	STR_EQ(rules_sub2(CLOSED, "  givet: true\n", "  givet: false\n"), want);
	STR_EQ(rules_sub2(DRAFT, "  givet: true\n", "  givet: false\n"), "");
	/* givet missing: at the samtykke key; samtykke missing: at status. */
	snprintf(want, sizeof(want), "11:1: error: samtykke: %s", msg);
	STR_EQ(rules_sub("  givet: true\n", ""), want);
	/* A null value counts as missing, at its own key. */
	snprintf(want, sizeof(want), "12:3: error: samtykke: %s", msg);
	STR_EQ(rules_sub("  givet: true\n", "  givet:\n"), want);
	STR_EQ(rules_sub2("samtykke:\n  givet: true\n  dato: 2014-04-20\n"
			  "  givet_af: borger\n  paaroerende: true\n",
			  "", "    rolle: paaroerende\n", "    rolle: andet\n"),
	       "4:1: error: samtykke: samtykke.givet: consent is required "
	       "beyond a draft (guideline §5)\n");
	/* The wrong type is the schema's. */
	STR_EQ(rules_sub("  givet: true\n", "  givet: \"ja\"\n"), "");
	STR_EQ(rules_sub("samtykke:\n", "samtykke: ja\nx:\n"), "");
}

void test_rules__withdrawn_consent(void)
{
	const char *tk = "  dato: 2014-04-20\n  tilbagekaldt: 2014-05-20\n";

	STR_EQ(rules_sub("  dato: 2014-04-20\n", tk),
	       "14:17: error: samtykke: samtykke.tilbagekaldt: consent was "
	       "withdrawn; close the plan (status: afsluttet) or record new "
	       "consent (guideline §5)\n");
	STR_EQ(rules_sub2(DRAFT, "  dato: 2014-04-20\n", tk),
	       "14:17: warning: samtykke: samtykke.tilbagekaldt: consent was "
	       "withdrawn; the plan cannot go ahead without new consent "
	       "(guideline §5)\n");
	/* A closed plan may record why it closed. */
	STR_EQ(rules_sub2(CLOSED, "  dato: 2014-04-20\n", tk), "");
	/* Not a date: the schema's. */
	STR_EQ(rules_sub("  dato: 2014-04-20\n",
			 "  dato: 2014-04-20\n  tilbagekaldt: snart\n"),
	       "");
}

void test_rules__paaroerende(void)
{
	const char *want = "20:12: error: paaroerende: deltagere[1].rolle: a "
			   "relative takes part, but samtykke.paaroerende is "
			   "not true: the citizen must consent to involving "
			   "relatives (guideline §6.2.1)\n";

	STR_EQ(rules_sub("  paaroerende: true\n", "  paaroerende: false\n"),
	       want);
	STR_EQ(rules_sub("  paaroerende: true\n", "  # (none)\n"), want);
	/* Drafts too: a relative must not be invited without consent. */
	STR_EQ(rules_sub2(DRAFT, "  paaroerende: true\n", "  # (none)\n"),
	       want);
	/* No relative, no consent needed. */
	STR_EQ(rules_sub2("  paaroerende: true\n", "  # (none)\n",
			  "    rolle: paaroerende\n", "    rolle: kommune\n"),
	       "");
	/* Each relative is reported. */
	STR_EQ(rules_sub2("  paaroerende: true\n", "  # (none)\n",
			  "    rolle: psykiatri\n", "    rolle: paaroerende\n"),
	       "18:12: error: paaroerende: deltagere[0].rolle: a relative "
	       "takes part, but samtykke.paaroerende is not true: the citizen "
	       "must consent to involving relatives (guideline §6.2.1)\n"
	       "20:12: error: paaroerende: deltagere[1].rolle: a relative "
	       "takes part, but samtykke.paaroerende is not true: the citizen "
	       "must consent to involving relatives (guideline §6.2.1)\n");
	STR_EQ(rules_sub("  paaroerende: true\n", "  paaroerende: 1\n"), "");
}

void test_rules__godkendt(void)
{
	const char *msg = "godkendt_af_borger: a plan beyond a draft must be "
			  "approved by the citizen (guideline §5, Bilag 1)\n";
	char want[512];

	snprintf(want, sizeof(want), "23:21: error: godkendt: %s", msg);
	STR_EQ(rules_sub("godkendt_af_borger: true\n",
			 "godkendt_af_borger: false\n"),
	       want);
	snprintf(want, sizeof(want), "4:1: error: godkendt: %s", msg);
	STR_EQ(rules_sub("godkendt_af_borger: true\n", ""), want);
	snprintf(want, sizeof(want), "23:1: error: godkendt: %s", msg);
	STR_EQ(rules_sub("godkendt_af_borger: true\n", "godkendt_af_borger:\n"),
	       want);
	STR_EQ(rules_sub2(DRAFT, "godkendt_af_borger: true\n",
			  "godkendt_af_borger: false\n"),
	       "");
}

void test_rules__opfoelgning_within_six_months(void)
{
	STR_EQ(rules_sub("  dato: 2014-10-01\n", "  dato: 2014-11-01\n"), "");
	STR_EQ(rules_sub("  dato: 2014-10-01\n", "  dato: 2014-11-02\n"),
	       "33:9: error: opfoelgning: opfoelgning.dato: the follow-up "
	       "(2014-11-02) is more than 6 months after the meeting "
	       "(moede.dato 2014-05-01); at the latest 2014-11-01 "
	       "(guideline §6.2.5, Bilag 1 part 5)\n");
	STR_EQ(rules_sub2(DRAFT, "  dato: 2014-10-01\n",
			  "  dato: 2014-12-01\n"),
	       "33:9: warning: opfoelgning: opfoelgning.dato: the follow-up "
	       "(2014-12-01) is more than 6 months after the meeting "
	       "(moede.dato 2014-05-01); at the latest 2014-11-01 "
	       "(guideline §6.2.5, Bilag 1 part 5)\n");
	/* Month ends: 31 August + 6 months is 28 February. */
	STR_EQ(rules_sub2("  dato: 2014-05-01\n", "  dato: 2014-08-31\n",
			  "  dato: 2014-10-01\n", "  dato: 2015-02-28\n"),
	       "");
	STR_EQ(rules_sub2("  dato: 2014-05-01\n", "  dato: 2014-08-31\n",
			  "  dato: 2014-10-01\n", "  dato: 2015-03-01\n"),
	       "33:9: error: opfoelgning: opfoelgning.dato: the follow-up "
	       "(2015-03-01) is more than 6 months after the meeting "
	       "(moede.dato 2014-08-31); at the latest 2015-02-28 "
	       "(guideline §6.2.5, Bilag 1 part 5)\n");
}

void test_rules__opfoelgning_after_the_meeting(void)
{
	const char *same = "33:9: error: opfoelgning: opfoelgning.dato: the "
			   "follow-up (2014-05-01) must be after the meeting "
			   "(moede.dato 2014-05-01) (guideline §6.2.5)\n";

	STR_EQ(rules_sub("  dato: 2014-10-01\n", "  dato: 2014-05-01\n"), same);
	STR_EQ(rules_sub("  dato: 2014-10-01\n", "  dato: 2014-04-30\n"),
	       "33:9: error: opfoelgning: opfoelgning.dato: the follow-up "
	       "(2014-04-30) must be after the meeting (moede.dato "
	       "2014-05-01) (guideline §6.2.5)\n");
	STR_EQ(rules_sub("  dato: 2014-10-01\n", "  dato: 2014-05-02\n"), "");
}

void test_rules__opfoelgning_missing_dates(void)
{
	const char *nof = "opfoelgning.dato: no follow-up date; due will "
			  "assume six months after the meeting (guideline "
			  "§6.2.5)\n";
	char want[512];

	/* No follow-up date: a warning, at opfoelgning or at status. */
	snprintf(want, sizeof(want), "32:1: warning: opfoelgning: %s", nof);
	STR_EQ(rules_sub("  dato: 2014-10-01\n", "  evaluering: x\n"), want);
	snprintf(want, sizeof(want), "4:1: warning: opfoelgning: %s", nof);
	STR_EQ(rules_sub("opfoelgning:\n  dato: 2014-10-01\n", ""), want);
	/* Closed plans are never due; drafts have had no meeting. */
	STR_EQ(rules_sub2(CLOSED, "opfoelgning:\n  dato: 2014-10-01\n", ""),
	       "");
	STR_EQ(rules_sub2(DRAFT, "opfoelgning:\n  dato: 2014-10-01\n", ""), "");
	/* No meeting date beyond a draft: an error. */
	STR_EQ(rules_sub("  dato: 2014-05-01\n", "  sted: Vejle\n"),
	       "21:1: error: opfoelgning: moede.dato: the date of the "
	       "coordination meeting is required beyond a draft (guideline "
	       "Bilag 1 part 1)\n");
	STR_EQ(rules_sub2(CLOSED, "moede:\n  dato: 2014-05-01\n", ""),
	       "4:1: error: opfoelgning: moede.dato: the date of the "
	       "coordination meeting is required beyond a draft (guideline "
	       "Bilag 1 part 1)\n");
	STR_EQ(rules_sub2(DRAFT, "moede:\n  dato: 2014-05-01\n", ""), "");
	/* Dates that are not dates are the schema's. */
	STR_EQ(rules_sub("  dato: 2014-05-01\n", "  dato: 2014-02-30\n"), "");
	STR_EQ(rules_sub("  dato: 2014-10-01\n", "  dato: 1. oktober\n"), "");
	STR_EQ(rules_sub("  dato: 2014-10-01\n", "  dato: 20141001\n"), "");
	STR_EQ(rules_sub("moede:\n  dato: 2014-05-01\n", "moede: 2014-05-01\n"),
	       "");
}

void test_rules__ansvarlig(void)
{
	STR_EQ(rules_sub("        ansvarlig: Psykiatrien\n", ""),
	       "29:9: error: ansvarlig: maal[0].indsatser[0].ansvarlig: every "
	       "action needs a responsible party (guideline §6.2.4)\n");
	STR_EQ(rules_sub("        succeskriterier: Møder op\n", ""),
	       "29:9: error: ansvarlig: maal[0].indsatser[0].succeskriterier: "
	       "every action needs success criteria (guideline §6.2.4)\n");
	/* Blank: at the value; null: at the key. */
	STR_EQ(rules_sub("        ansvarlig: Psykiatrien\n",
			 "        ansvarlig: \" \"\n"),
	       "31:20: error: ansvarlig: maal[0].indsatser[0].ansvarlig: every "
	       "action needs a responsible party (guideline §6.2.4)\n");
	STR_EQ(rules_sub("        ansvarlig: Psykiatrien\n",
			 "        ansvarlig:\n"),
	       "31:9: error: ansvarlig: maal[0].indsatser[0].ansvarlig: every "
	       "action needs a responsible party (guideline §6.2.4)\n");
	/* Both missing: two findings; a draft: warnings. */
	STR_EQ(rules_sub2(DRAFT,
			  "        succeskriterier: Møder op\n"
			  "        ansvarlig: Psykiatrien\n",
			  ""),
	       "29:9: warning: ansvarlig: maal[0].indsatser[0].ansvarlig: "
	       "every "
	       "action needs a responsible party (guideline §6.2.4)\n"
	       "29:9: warning: ansvarlig: "
	       "maal[0].indsatser[0].succeskriterier: "
	       "every action needs success criteria (guideline §6.2.4)\n");
	/* The second action of the second goal. */
	STR_EQ(rules_sub("opfoelgning:\n", "  - titel: Bolig\n"
					   "    indsatser:\n"
					   "      - opgave: Ansøgning\n"
					   "        succeskriterier: Sendt\n"
					   "        ansvarlig: Kommunen\n"
					   "      - opgave: Flytning\n"
					   "        ansvarlig: Borgeren\n"
					   "opfoelgning:\n"),
	       "37:9: error: ansvarlig: maal[1].indsatser[1].succeskriterier: "
	       "every action needs success criteria (guideline §6.2.4)\n");
	/* Non-string values are the schema's. */
	STR_EQ(rules_sub("        ansvarlig: Psykiatrien\n",
			 "        ansvarlig: [a, b]\n"),
	       "");
}

void test_rules__udfordringer(void)
{
	const char *msg = "udfordringer: a plan beyond a draft names at least "
			  "one primary or acute challenge (guideline Bilag 1 "
			  "part 3)\n";
	char want[512];

	snprintf(want, sizeof(want), "24:15: error: udfordringer: %s", msg);
	STR_EQ(rules_sub("udfordringer:\n  - Stabilt fremmøde i psykiatrien.\n",
			 "udfordringer: []\n"),
	       want);
	snprintf(want, sizeof(want), "25:3: error: udfordringer: %s", msg);
	STR_EQ(rules_sub("  - Stabilt fremmøde i psykiatrien.\n",
			 "  - \"\"\n  -\n"),
	       want);
	snprintf(want, sizeof(want), "24:1: error: udfordringer: %s", msg);
	STR_EQ(rules_sub("udfordringer:\n  - Stabilt fremmøde i psykiatrien.\n",
			 "udfordringer:\n"),
	       want);
	snprintf(want, sizeof(want), "4:1: error: udfordringer: %s", msg);
	STR_EQ(rules_sub("udfordringer:\n  - Stabilt fremmøde i psykiatrien.\n",
			 ""),
	       want);
	STR_EQ(rules_sub2(
		       DRAFT,
		       "udfordringer:\n  - Stabilt fremmøde i psykiatrien.\n",
		       ""),
	       "");
	STR_EQ(rules_sub("udfordringer:\n  - Stabilt fremmøde i psykiatrien.\n",
			 "udfordringer: Fremmøde\n"),
	       "");
}

void test_rules__cpr(void)
{
	STR_EQ(rules_sub("070761-4285", "310274-1233"),
	       "7:8: error: cpr: borger.cpr: 310274-xxxx does not begin with a "
	       "real date of birth (DDMMYY; day + 60 for a replacement "
	       "number)\n");
	STR_EQ(rules_sub2(DRAFT, "070761-4285", "010174-1235"),
	       "7:8: warning: cpr: borger.cpr: 010174-xxxx fails the "
	       "modulus-11 check; numbers issued since 2007 may, but check "
	       "for a typing error\n");
	/* A replacement number with a real date passes. */
	STR_EQ(rules_sub("070761-4285", "610174-1239"), "");
	/* The form is the schema's pattern; non-strings are the schema's. */
	STR_EQ(rules_sub("\"070761-4285\"", "0707614285"), "");
	STR_EQ(rules_sub("\"070761-4285\"", "\"0707614285\""), "");
	/* Never the whole number. */
	OK(strstr(rules_sub("070761-4285", "010174-1235"), "1235") == NULL);
	OK(strstr(rules_sub("070761-4285", "320174-1230"), "1230") == NULL);
}

void test_rules__samtykke_alder(void)
{
	const char *child = "\"120502-4006\""; /* born 2002-05-12 */

	STR_EQ(rules_sub("\"070761-4285\"", child),
	       "14:13: error: samtykke_alder: samtykke.givet_af: the citizen "
	       "is "
	       "under 15 on 2014-04-20 (samtykke.dato); consent must be given "
	       "by the parents (givet_af: foraeldre or vaerge) (Region "
	       "Syddanmark 2024, Samtykke)\n");
	STR_EQ(rules_sub2("\"070761-4285\"", child, "givet_af: borger",
			  "givet_af: foraeldre"),
	       "");
	STR_EQ(rules_sub2("\"070761-4285\"", child, "givet_af: borger",
			  "givet_af: vaerge"),
	       "");
	/* Missing givet_af: at samtykke; a draft: a warning. */
	STR_EQ(rules_sub3(DRAFT, "\"070761-4285\"", child,
			  "  givet_af: borger\n", ""),
	       "11:1: warning: samtykke_alder: samtykke.givet_af: the citizen "
	       "is "
	       "under 15 on 2014-04-20 (samtykke.dato); consent must be given "
	       "by the parents (givet_af: foraeldre or vaerge) (Region "
	       "Syddanmark 2024, Samtykke)\n");
	/* Without a consent date, the meeting's. */
	STR_EQ(rules_sub2("\"070761-4285\"", child, "  dato: 2014-04-20\n", ""),
	       "13:13: error: samtykke_alder: samtykke.givet_af: the citizen "
	       "is "
	       "under 15 on 2014-05-01 (moede.dato); consent must be given "
	       "by the parents (givet_af: foraeldre or vaerge) (Region "
	       "Syddanmark 2024, Samtykke)\n");
	/* Fifteen on the very day: the citizen consents. */
	STR_EQ(rules_sub("\"070761-4285\"", "\"200499-4003\""), "");
	OK(strstr(rules_sub("\"070761-4285\"", "\"210499-4000\""),
		  "under 15 on 2014-04-20") != NULL);
	/* Born 29 February 2000: 15 on 1 March 2015. */
	OK(strstr(rules_sub2("\"070761-4285\"", "\"290200-4001\"",
			     "  dato: 2014-04-20\n", "  dato: 2015-02-28\n"),
		  "under 15 on 2015-02-28") != NULL);
	STR_EQ(rules_sub2("\"070761-4285\"", "\"290200-4001\"",
			  "  dato: 2014-04-20\n", "  dato: 2015-03-01\n"),
	       "");
	/* No birth date, no age. */
	STR_EQ(rules_sub("\"070761-4285\"", "\"320502-4006\""),
	       "7:8: error: cpr: borger.cpr: 320502-xxxx does not begin with a "
	       "real date of birth (DDMMYY; day + 60 for a replacement "
	       "number)\n");
	STR_EQ(rules_sub2("\"070761-4285\"", child, "givet_af: borger",
			  "givet_af: 3"),
	       "");
}

/*
 * Every value of base replaced by values of every type, and every
 * mapping by a scalar: no rule may crash (run under the sanitizers).
 */
void test_rules__any_shape_is_survived(void)
{
	static const char *const values[] = { "~",
					      "true",
					      "false",
					      "7",
					      "-1.5",
					      "\"\"",
					      "x",
					      "[]",
					      "{}",
					      "[1, {a: b}, [c]]",
					      "{dato: [1], givet: {}}",
					      "2014-05-01",
					      "\"010174-1235\"",
					      "paaroerende" };
	const char *p = base;
	int lines = 0, runs = 0;

	while (*p) {
		const char *eol = strchr(p, '\n'), *colon;
		size_t v;

		colon = memchr(p, ':', (size_t)(eol - p));
		if (colon) {
			for (v = 0; v < sizeof(values) / sizeof(values[0]);
			     v++) {
				struct kp_buf b = KP_BUF_INIT;
				const char *next = eol + 1;
				size_t ind = strspn(p, " -");

				/* A mapping's children go with it. */
				if (colon + 1 == eol)
					while (*next &&
					       strspn(next, " -") > ind)
						next = strchr(next, '\n') + 1;
				kp_buf_add(&b, base,
					   (size_t)(colon + 1 - base));
				kp_buf_addf(&b, " %s\n", values[v]);
				kp_buf_addstr(&b, next);
				if (strncmp(rules_on(b.buf), "(parse", 6) != 0)
					runs++;
				kp_buf_release(&b);
			}
		}
		lines++;
		p = eol + 1;
	}
	INT_EQ(lines, 32);
	OK(runs > 300);
}

void test_rules__no_tree_no_findings(void)
{
	struct kp_findings f = KP_FINDINGS_INIT;
	struct kp_plan plan;
	struct kp_doc *doc = kp_doc_new();

	memset(&plan, 0, sizeof(plan));
	kp_rules_check(&plan, &f);
	INT_EQ(f.len, 0);
	plan.root = kp_node_new(doc, KP_SEQ, 2, 1);
	kp_rules_check(&plan, &f);
	INT_EQ(f.len, 0);
	plan.root = kp_node_new_str(doc, "aktiv", 5, 2, 1);
	kp_rules_check(&plan, &f);
	INT_EQ(f.len, 0);
	/* An empty mapping is an active plan that lacks everything. */
	plan.root = kp_node_new(doc, KP_MAP, 2, 1);
	kp_rules_check(&plan, &f);
	INT_EQ(f.len, 5);
	format_findings(&f);
	OK(strstr(result, "2:1: error: grundlag: ") == result);
	kp_findings_release(&f);
	kp_doc_free(doc);
}

/* kp_validate() on text named name: its findings, and *errors. */
static const char *validate_as(const char *name, const char *text,
			       size_t *errors)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_findings f = KP_FINDINGS_INIT;
	struct kp_plan *plan = NULL;

	if (kp_plan_parse(&plan, name, text, strlen(text), 0, &err) < 0) {
		snprintf(result, sizeof(result), "(parse error) %s", err.msg);
		return result;
	}
	*errors = kp_validate(plan, NULL, &f);
	format_findings(&f);
	kp_findings_release(&f);
	kp_plan_free(plan);
	return result;
}

static const char *with_id(const char *id)
{
	static char text[4096];

	snprintf(text, sizeof(text), "---\nkiplan: 1\nid: %s\n%s---\n", id,
		 strstr(base, "status:"));
	return text;
}

void test_rules__validate_checks_the_id_against_the_file_name(void)
{
	const char *wrong = "3:5: error: id: id: 'ki-2014-0008' does not match "
			    "the file name ki-2014-0007.md; the file of a plan "
			    "is named <id>.md\n";
	size_t errors = 99;

	STR_EQ(validate_as("ki-2014-0007.md", with_id("ki-2014-0007"), &errors),
	       "");
	INT_EQ(errors, 0);
	STR_EQ(validate_as("ki-2014-0007.md", with_id("ki-2014-0008"), &errors),
	       wrong);
	INT_EQ(errors, 1);
	STR_EQ(validate_as("plans/2014/ki-2014-0007.md",
			   with_id("ki-2014-0008"), &errors),
	       wrong);
	STR_EQ(validate_as("ki-2014-0007.md@3", with_id("ki-2014-0008"),
			   &errors),
	       wrong);
	/* Names that are not of the id form are exempt. */
	STR_EQ(validate_as("bilag2.md", with_id("ki-2014-0008"), &errors), "");
	STR_EQ(validate_as("case-1.md", with_id("ki-2014-0008"), &errors), "");
	STR_EQ(validate_as("-", with_id("ki-2014-0008"), &errors), "");
	STR_EQ(validate_as("ki-2014-007.md", with_id("ki-2014-0008"), &errors),
	       "");
	STR_EQ(validate_as("ki-2014-0007.txt", with_id("ki-2014-0008"),
			   &errors),
	       "");
	STR_EQ(validate_as("ki-2014-0007.md.bak", with_id("ki-2014-0008"),
			   &errors),
	       "");
	/* A malformed id is the schema's, not reported twice by id. */
	OK(strstr(validate_as("ki-2014-0007.md", with_id("ki-14-7"), &errors),
		  "error: id:") == NULL);
	OK(strstr(result, "error: schema: id: ") != NULL);
}

void test_rules__validate_counts_errors_and_sorts(void)
{
	static char text[4096];
	size_t errors = 99;

	snprintf(text, sizeof(text), "---\n%s---\n", base);
	STR_EQ(validate_as("t.md", text, &errors), "");
	INT_EQ(errors, 0);
	/* Findings of the schema and of the rules, in file order. */
	snprintf(text, sizeof(text), "---\n%s", base);
	memcpy(strstr(text, "godkendt_af_borger: true") + 20, "7   ", 4);
	memcpy(strstr(text, "  givet: true") + 9, "7   ", 4);
	memcpy(strstr(text, "070761-4285"), "010174-1235", 11);
	snprintf(text + strlen(text), sizeof(text) - strlen(text), "---\n");
	STR_EQ(validate_as("t.md", text, &errors),
	       "7:8: warning: cpr: borger.cpr: 010174-xxxx fails the "
	       "modulus-11 "
	       "check; numbers issued since 2007 may, but check for a typing "
	       "error\n"
	       "12:10: error: schema: samtykke.givet: expected boolean, got "
	       "integer 7\n"
	       "23:21: error: schema: godkendt_af_borger: expected boolean, "
	       "got "
	       "integer 7\n");
}

/*
 * The built-in schema is compiled once, under pthread_once, whichever
 * thread validates first.
 */
static struct kp_plan *shared_plan;

static void *validate_thread(void *arg)
{
	struct kp_findings f = KP_FINDINGS_INIT;
	size_t *errors = arg;

	*errors = kp_validate(shared_plan, NULL, &f);
	kp_findings_release(&f);
	return NULL;
}

void test_rules__validate_from_several_threads(void)
{
	struct kp_error err = KP_ERROR_INIT;
	static char text[4096];
	pthread_t t[4];
	size_t errors[4];
	int i;

	snprintf(text, sizeof(text), "---\n%s---\n", base);
	memcpy(strstr(text, "  givet: true") + 9, "7   ", 4);
	OK(kp_plan_parse(&shared_plan, "t.md", text, strlen(text), 0, &err) ==
	   0);
	if (!shared_plan)
		return;
	for (i = 0; i < 4; i++)
		OK(pthread_create(&t[i], NULL, validate_thread, &errors[i]) ==
		   0);
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		INT_EQ(errors[i], 1);
	}
	kp_plan_free(shared_plan);
	shared_plan = NULL;
}
