/*
 * check.h: the check module, for the modules above it: JSON Schema, the
 * guideline's rules, CPR numbers, findings, validation, fields given by a
 * person, and what a sending needs.
 */
#ifndef KP_CHECK_H
#define KP_CHECK_H

#include "kiplan.h"
#include "base/base.h"
#include "load/load.h"

enum kp_cpr_status {
	KP_CPR_OK = 0,
	KP_CPR_FORMAT, /* not DDMMYY-SSSS */
	KP_CPR_DATE,   /* no such birth date */
	KP_CPR_MOD11   /* fails the modulus-11 check (a warning) */
};

struct kp_rule {
	const char *code; /* stable: "grundlag", "samtykke", ... */
	/*
	 * The guideline's section ("Bilag 1") and a summary of one line, in
	 * English, marked with N_(): translate them with _() to print.
	 */
	const char *section;
	const char *summary;
	void (*check)(const struct kp_plan *plan, struct kp_findings *out);
};

void kp_findings_add(struct kp_findings *f, const char *code,
		     enum kp_severity sev, unsigned line, unsigned col,
		     const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* Append err (a file that could not be parsed) as an error finding whose
 * code is kp_error_name(err->code). */
void kp_finding_from_error(struct kp_findings *f, const struct kp_error *err);

/*
 * Check a CPR number written DDMMYY-SSSS.  The century comes from the
 * 7th digit; replacement numbers (day + 60) are recognised.  On KP_CPR_OK
 * and KP_CPR_MOD11, *birth (if not NULL) is the date of birth.
 */
enum kp_cpr_status kp_cpr_check(const char *s, size_t len,
				struct kp_date *birth);
/*
 * Mask the last four digits: "010174-1235" -> "010174-xxxx".  Anything
 * that is not a CPR number of 11 bytes comes out as "xxxxxx-xxxx".
 */
void kp_cpr_mask(char out[12], const char *s, size_t len);

/*
 * Compile a schema document.  Refuses (KP_ESCHEMA, with the line and
 * column of the keyword) any keyword outside the supported subset, a $ref
 * that does not resolve inside the document, and an invalid pattern.
 * The schema keeps no pointer into doc: doc may be freed afterwards.
 */
int kp_schema_compile(struct kp_schema **out, const struct kp_node *doc,
		      const char *name, struct kp_error *err);

/* The schema compiled into the binary: schema/kiplan-1.schema.yaml. */
int kp_schema_builtin(struct kp_schema **out, struct kp_error *err);

/*
 * Validate instance; append one finding (code "schema", severity error)
 * per violation, at the line and column of the offending node, with a
 * message that names the field ("borger.cpr: ...").  An unknown key gets
 * a "did you mean" suggestion when a known key is close.
 */
void kp_schema_validate(const struct kp_schema *schema,
			const struct kp_node *instance,
			struct kp_findings *out);
/* 1 when instance is valid, else 0; no findings are built. */
int kp_schema_valid(const struct kp_schema *schema,
		    const struct kp_node *instance);

/*
 * The title and description the schema gives the instance location
 * path: keys separated by '/', with "[]" for any array item
 * ("borger/navn", "maal/[]/indsatser/[]/opgave").  $ref and allOf are
 * followed.  Borrowed; NULL when the schema says nothing.
 */
const char *kp_schema_title(const struct kp_schema *schema, const char *path);
const char *kp_schema_description(const struct kp_schema *schema,
				  const char *path);
/*
 * The title of the value of an enumeration at path: the title of the
 * oneOf (or anyOf) branch whose const is value ("Telefonmøde" for
 * "moede/form", "telefon").  Borrowed; NULL when the schema has none.
 */
const char *kp_schema_value_title(const struct kp_schema *schema,
				  const char *path, const char *value);
/*
 * Call fn for each property name the schema declares for the object at
 * path, in the order of the schema document (including those added by
 * allOf branches, after the base's).  Returns the number of names.
 */
size_t kp_schema_properties(const struct kp_schema *schema, const char *path,
			    void (*fn)(const char *name, void *payload),
			    void *payload);

/*
 * The plan over time (life.c).  An action's state is its status
 * (maal[].indsatser[].status); KP_ACT_NONE when it has none or an unknown
 * one.  An action is open unless it is done (gennemfoert) or dropped
 * (bortfaldet).
 */
enum kp_act_state {
	KP_ACT_NONE,	    /* no status */
	KP_ACT_NOT_STARTED, /* ikke_paabegyndt */
	KP_ACT_STARTED,	    /* paabegyndt */
	KP_ACT_DONE,	    /* gennemfoert */
	KP_ACT_DROPPED	    /* bortfaldet */
};
enum kp_act_state kp_action_state(const struct kp_node *action);
/* The status value of st ("gennemfoert"); "" for KP_ACT_NONE.  Static. */
const char *kp_action_state_name(enum kp_act_state st);
int kp_action_open(const struct kp_node *action);

/*
 * A meeting held: the coordination meeting (moede.dato, index -1) or an
 * entry of moeder (index from 0).  node is its dato, borrowed from the
 * plan; closing is 1 for the closing meeting (type: afslutning).
 */
struct kp_meeting {
	struct kp_date date;
	const struct kp_node *node;
	long index;
	int closing;
};
/*
 * The meetings of root whose dates are dates, in the file's order (the
 * coordination meeting first): at most max into out; returns how many
 * there are.
 */
size_t kp_plan_meetings(struct kp_meeting *out, size_t max,
			const struct kp_node *root);
/*
 * The latest meeting, by date (of equal dates, the later in the file),
 * from which the next follow-up counts (§6.2.5); -1 when the plan has
 * none.
 */
int kp_plan_last_meeting(struct kp_meeting *out, const struct kp_node *root);
/* The field of a meeting's date: "moede.dato", "moeder[2].dato". */
void kp_meeting_field(char *out, size_t size, const struct kp_meeting *m);

/* The table of rules, in a stable order; count in *n. */
const struct kp_rule *kp_rules(size_t *n);

/* Run every rule on plan. */
void kp_rules_check(const struct kp_plan *plan, struct kp_findings *out);

#endif
