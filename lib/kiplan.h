/*
 * kiplan.h: the one public header of libkiplan, the library that every
 * kiplan subcommand shares.  cmd/ includes nothing else from lib/.
 *
 * Conventions (see ../shared/design/style.md):
 *  - functions return int: 0 on success, a negative KP_E* code on failure;
 *  - out parameters come first and are named out; struct kp_error *err
 *    comes last and is filled on failure;
 *  - a getter returns a borrowed pointer, an out parameter transfers
 *    ownership; _free() accepts NULL;
 *  - lines and columns are 1-based positions in the file;
 *  - the library never prints and never exits, except kp_x*alloc(),
 *    which abort() on out-of-memory.
 */
#ifndef KP_KIPLAN_H
#define KP_KIPLAN_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

struct kp_node;
struct kp_doc;
struct kp_plan;

#define KP_VERSION "0.1.0"

/* The format version that this library reads and writes (key `kiplan`). */
#define KP_FORMAT_VERSION 1

/*
 * Limits.  A plan file larger than KP_PLAN_MAX bytes is refused before it
 * is parsed; YAML nesting deeper than KP_DEPTH_MAX levels is refused.
 */
#define KP_PLAN_MAX (1024 * 1024)
#define KP_DEPTH_MAX 32

/* ------------------------------------------------------------------ */
/* Errors                                                              */
/* ------------------------------------------------------------------ */

enum {
	KP_OK = 0,
	KP_EIO = -1,	    /* a file could not be read or written */
	KP_EPARSE = -2,	    /* the file is not a well-formed plan */
	KP_ELIMIT = -3,	    /* a documented limit was exceeded */
	KP_ESCHEMA = -4,    /* a schema could not be compiled */
	KP_EGIT = -5,	    /* a libgit2 operation failed */
	KP_EUSAGE = -6,	    /* a caller passed something meaningless */
	KP_ENOTFOUND = -7,  /* a thing looked up does not exist */
	KP_EINVALID = -8,   /* a plan has error findings */
	KP_EEXISTS = -9,    /* a thing to be created exists already */
	KP_ELOCKED = -10,   /* a lock could not be taken */
	KP_ERENDER = -11,   /* rendering failed */
	KP_EPLUGIN = -12,   /* a plugin of kiplan could not be loaded */
	KP_ECONFLICT = -13, /* a file holds git's conflict markers */
	KP_EAFTER = -14	    /* committed, but a step after the commit failed */
};

/*
 * A failure, filled by kp_error_set().  Fixed buffers, so that setting an
 * error never allocates.  Lives on the stack as KP_ERROR_INIT.
 */
struct kp_error {
	int code;
	char file[512];	    /* a longer name ends in "…" */
	unsigned line, col; /* 1-based; 0 when unknown */
	char msg[512];	    /* a longer message ends in "…" */
};
/* clang-format off */
#define KP_ERROR_INIT { 0, "", 0, 0, "" }
/* clang-format on */

/* Fill err (which may be NULL) and return code. */
int kp_error_set(struct kp_error *err, int code, const char *file,
		 unsigned line, unsigned col, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/*
 * Format err as "FILE:LINE:COL: MSG" (parts that are unknown are left
 * out) into a static-free caller buffer.
 */
void kp_error_format(char *out, size_t size, const struct kp_error *err);

/* ------------------------------------------------------------------ */
/* Memory                                                              */
/* ------------------------------------------------------------------ */

/* Allocate or die: print "kiplan: out of memory" and abort(). */
void *kp_xmalloc(size_t size);
void *kp_xcalloc(size_t nmemb, size_t size);
void *kp_xrealloc(void *ptr, size_t size);
char *kp_xstrdup(const char *s);
char *kp_xstrndup(const char *s, size_t n);

/* ------------------------------------------------------------------ */
/* Growable buffers (after git's strbuf)                               */
/* ------------------------------------------------------------------ */

/*
 * Invariants: buf is never NULL and always NUL-terminated; len bytes are
 * in use; alloc is 0 while buf points at the shared empty string.
 */
struct kp_buf {
	char *buf;
	size_t len, alloc;
};
extern char kp_buf_empty[];
/* clang-format off */
#define KP_BUF_INIT { kp_buf_empty, 0, 0 }
/* clang-format on */

void kp_buf_init(struct kp_buf *b);
void kp_buf_grow(struct kp_buf *b, size_t extra);
void kp_buf_add(struct kp_buf *b, const void *data, size_t len);
void kp_buf_addstr(struct kp_buf *b, const char *s);
void kp_buf_addch(struct kp_buf *b, int c);
void kp_buf_addf(struct kp_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void kp_buf_vaddf(struct kp_buf *b, const char *fmt, va_list ap);
void kp_buf_setlen(struct kp_buf *b, size_t len);
void kp_buf_reset(struct kp_buf *b);
void kp_buf_release(struct kp_buf *b);
/* Hand the string over to the caller (free() it); b is left empty. */
char *kp_buf_detach(struct kp_buf *b, size_t *len);

/*
 * Append s with every control character (and DEL, and invalid UTF-8)
 * escaped as \n, \t, \xHH, so that a value echoed in a message can never
 * start a new line or drive a terminal.
 */
void kp_buf_add_escaped(struct kp_buf *b, const char *s, size_t len);
/* The same, but the control characters in keep ("\n\t") stay as they are. */
void kp_buf_add_text(struct kp_buf *b, const char *s, size_t len,
		     const char *keep);

/*
 * Mask, in place, everything in s shaped like a CPR number, whatever it
 * is glued to: six digits, a dash or a space and four digits
 * ("010174-xxxx"), or a run of ten digits, or of nine (a number whose
 * leading zero YAML dropped), lose their last four digits.  Longer runs
 * of digits, decimal fractions and words of 12 or more hex digits
 * (commit ids) are left alone.  kp_error_set() (message and file),
 * kp_findings_add(), kp_finding_text() (the file) and cmd/'s messages do
 * it to every message.  Returns the number masked.
 */
size_t kp_cpr_mask_text(char *s);

/*
 * The choice closest to word, for a "did you mean": within one edit of a
 * short word, a third of a longer one, or one that word begins; NULL
 * when none is close.  Borrowed from choices.
 */
const char *kp_suggest(const char *word, const char *const *choices, size_t n);

/* Append s as a JSON string literal, with quotes. */
void kp_buf_add_json(struct kp_buf *b, const char *s, size_t len);

/*
 * Read a whole file ("-" is standard input) and append it to b.  Refuses,
 * with KP_ELIMIT, a file larger than max bytes.  KP_EIO on any failure.
 */
int kp_buf_read_file(struct kp_buf *b, const char *path, size_t max,
		     struct kp_error *err);

/*
 * Write data to path atomically: a temporary file in the same directory,
 * with the given mode, fsync()ed and rename()d over path.  On failure
 * nothing is left behind and an existing path is unchanged.
 */
int kp_write_file_atomic(const char *path, const void *data, size_t len,
			 unsigned mode, struct kp_error *err);

/*
 * The same, streamed: open a private temporary file beside path (mode
 * applied), write to it, then commit (fsync, rename over path, fsync the
 * directory) or abort (remove it).  On any failure of commit the
 * temporary file is gone and err says why; path is either as it was or
 * wholly new.
 */
struct kp_outfile {
	int fd;
	char *tmp, *path;
};
int kp_outfile_open(struct kp_outfile *f, const char *path, unsigned mode,
		    struct kp_error *err);
int kp_outfile_write(struct kp_outfile *f, const void *data, size_t len,
		     struct kp_error *err);
int kp_outfile_commit(struct kp_outfile *f, struct kp_error *err);
void kp_outfile_abort(struct kp_outfile *f);
/*
 * Remove the temporary files that a killed writer of path left beside
 * it (path.tmp-XXXXXX, regular, private and the caller's own); they hold
 * a whole or partial copy of what was being written.  The number
 * removed.  Only for a file that one process at a time writes.
 */
size_t kp_outfile_sweep(const char *path);

/* ------------------------------------------------------------------ */
/* Plans                                                               */
/* ------------------------------------------------------------------ */

/* The same, from memory; name stands for the file in messages. */
int kp_plan_parse(struct kp_plan **out, const char *name, const char *data,
		  size_t len, unsigned flags, struct kp_error *err);
void kp_plan_free(struct kp_plan *plan);
/* The plan's text as loaded (BOM and CRs removed); borrowed. */
const char *kp_plan_text(const struct kp_plan *plan, size_t *len);
/* The string at a dotted path of the frontmatter, or NULL; borrowed. */
const char *kp_plan_get(const struct kp_plan *plan, const char *path);

/* ------------------------------------------------------------------ */
/* Findings                                                            */
/* ------------------------------------------------------------------ */

enum kp_severity { KP_WARNING = 1, KP_ERROR = 2 };

/* A finding is data, not a failure: what validation found in a plan. */
struct kp_finding {
	const char *code; /* static: "schema", "samtykke", ... */
	enum kp_severity sev;
	unsigned line, col;
	char *msg; /* owned */
};

struct kp_findings {
	struct kp_finding *v;
	size_t len, alloc;
};
/* clang-format off */
#define KP_FINDINGS_INIT { NULL, 0, 0 }
/* clang-format on */

/* Sort by line, then column, keeping the order of equal positions. */
void kp_findings_sort(struct kp_findings *f);
size_t kp_findings_count(const struct kp_findings *f, enum kp_severity sev);
void kp_findings_release(struct kp_findings *f);
const char *kp_severity_name(enum kp_severity sev);

/*
 * The one form of a finding, for every command.  Text:
 * "FILE:LINE:COL: SEVERITY: CODE: MESSAGE", without a newline, every
 * control character escaped (kp_buf_add_escaped), so that a file name or
 * value can never drive a terminal.  The prefix up to CODE is the same in
 * every language (editors parse it); the message is translated.  JSON: an
 * object with file, line, column, severity, code and message.
 */
void kp_finding_text(struct kp_buf *out, const char *file,
		     const struct kp_finding *f);
void kp_finding_json(struct kp_buf *out, const char *file,
		     const struct kp_finding *f);

/*
 * What a command that reads many plans says about one of them, in the
 * walk's order: either error (the file could not be read) or findings
 * (what was found, possibly nothing; a plan that does not parse has one
 * error finding).
 */
struct kp_file_report {
	const char *path;
	const struct kp_error *error;
	const struct kp_findings *findings;
};
typedef void (*kp_report_fn)(const struct kp_file_report *r, void *payload);

/* ------------------------------------------------------------------ */
/* Dates                                                               */
/* ------------------------------------------------------------------ */

struct kp_date {
	int y, m, d;
};

/*
 * Parse exactly "YYYY-MM-DD" (len bytes) into out; 0 on success, -1 when
 * the text is not of that form or not a real date (2014-02-30).
 */
int kp_date_parse(struct kp_date *out, const char *s, size_t len);
/*
 * A date as people write it by hand, day first as in Danish: "1/5-2014",
 * "1.5.2014", "01-05-2014", "1/5 2014", "1. maj 2014", "1 okt. 2014",
 * or year first with another separator than '-' ("2014/05/01").  The
 * year has four digits.  0 and the date in out, or -1 when s is not of
 * such a form or not a real date.
 */
int kp_date_parse_loose(struct kp_date *out, const char *s, size_t len);
/* Days since 1970-01-01 (negative before). */
long kp_date_days(struct kp_date date);
struct kp_date kp_date_from_days(long days);
/* "YYYY-MM-DD" into out[11]. */
void kp_date_format(char out[11], struct kp_date date);
/*
 * Today's local date, or $KIPLAN_TODAY (YYYY-MM-DD) when set, so that
 * tests are deterministic.  KP_EUSAGE when KIPLAN_TODAY is malformed.
 */
int kp_today(struct kp_date *out, struct kp_error *err);

/* ------------------------------------------------------------------ */
/* JSON Schema (2020-12, the subset in man/kiplan-plan.5)             */
/* ------------------------------------------------------------------ */

struct kp_schema;

/* Load and compile a schema file, YAML or JSON. */
int kp_schema_load(struct kp_schema **out, const char *path,
		   struct kp_error *err);
/* Its source text (for kiplan init, which records it). */
const char *kp_schema_builtin_text(size_t *len);
void kp_schema_free(struct kp_schema *schema);

/* ------------------------------------------------------------------ */
/* The guideline's rules and validation                                */
/* ------------------------------------------------------------------ */

/*
 * Judge a loaded plan: warnings about its text (codes "kommentar" and
 * "tegn", kiplan-plan(5)), the schema (the built-in one when schema is
 * NULL; a CPR number without its dash gets one finding of code "cpr"
 * instead), the id against the file name (code "id"), and the rules.
 * Findings are appended to out, sorted; messages are translated and
 * never show a whole CPR number.  Returns the number of error findings.
 */
size_t kp_validate(const struct kp_plan *plan, const struct kp_schema *schema,
		   struct kp_findings *out);

/*
 * Fields of a plan given by a person (lib/check/fields.c): dotted paths
 * ("borger.navn", "deltagere.0.rolle"; list items numbered from 0, in
 * order, and appended at the end) with their values, or a YAML or JSON
 * mapping from a file ("-": standard input).  A typed value is read as
 * YAML's core schema reads it (true, false, integers), unless the schema
 * then finds fault with exactly that value and wants it as a string
 * ("telefon=12345678"): kp_fields_type() decides, over base (the plan's
 * root; NULL for a new draft).  Later settings of a path win.
 */
struct kp_fields;
struct kp_fields *kp_fields_new(void);
void kp_fields_free(struct kp_fields *f);
int kp_fields_set(struct kp_fields *f, const char *path, const char *value,
		  int typed, struct kp_error *err);
/* "KEY.PATH=VALUE", typed; KP_EUSAGE without '='. */
int kp_fields_set_arg(struct kp_fields *f, const char *arg,
		      struct kp_error *err);
int kp_fields_load(struct kp_fields *f, const char *path, struct kp_error *err);
/* The same from len bytes of data, named name in messages. */
int kp_fields_load_text(struct kp_fields *f, const char *name, const char *data,
			size_t len, struct kp_error *err);
void kp_fields_type(struct kp_fields *f, const struct kp_schema *schema,
		    const struct kp_node *base);
/* The fields as a mapping; borrowed. */
const struct kp_node *kp_fields_root(const struct kp_fields *f);

/*
 * A change to a plan (lib/check/fields.c): values set at dotted paths
 * and keys removed, applied in order to the plan's text by surgery
 * (kp_yaml_edit(): comments, order and quoting elsewhere stay as they
 * were).  kp_change_set() copies value; kp_change_set_str() sets a
 * string; kp_change_set_arg() takes "KEY.PATH=VALUE" from a person,
 * typed as with new --set (YAML's core schema, unless the schema finds
 * fault with exactly that value and wants a string), against the plan as
 * changed.  kp_change_sets() says whether path is set.
 *
 * kp_change_apply() writes the changed text to out and loads it into
 * *changed (the caller's), after checking that it loads as exactly the
 * plan's tree with the change made: when the surgery would have changed
 * anything else, nothing is written (KP_EPARSE).  KP_EUSAGE for a path
 * that cannot be followed.  It does not validate the result.
 */
struct kp_change;
struct kp_change *kp_change_new(void);
void kp_change_free(struct kp_change *c);
void kp_change_set(struct kp_change *c, const char *path,
		   const struct kp_node *value);
void kp_change_set_str(struct kp_change *c, const char *path, const char *s);
int kp_change_set_arg(struct kp_change *c, const char *arg,
		      struct kp_error *err);
void kp_change_remove(struct kp_change *c, const char *path);
int kp_change_sets(const struct kp_change *c, const char *path);
size_t kp_change_count(const struct kp_change *c);
int kp_change_apply(struct kp_buf *out, struct kp_plan **changed,
		    const struct kp_plan *plan, struct kp_change *c,
		    const struct kp_schema *schema, struct kp_error *err);

/*
 * Set the date (YYYY-MM-DD) an action's state changed
 * (maal.N.indsatser.M.status_dato) beside every state that c sets to
 * another value than plan has, unless c sets that date too.
 */
void kp_change_date_states(struct kp_change *c, const struct kp_plan *plan,
			   const char *date);

/*
 * The plan over time (lib/check/life.c).  A meeting held: its date, form
 * (fysisk, telefon, video), place, the names of those who took part,
 * whether the citizen said no to a meeting, and the evaluation.
 */
struct kp_meeting_opts {
	struct kp_date date;
	const char *form, *sted, *evaluering; /* NULL: not said */
	const char *const *deltagere;
	size_t ndeltagere;
	int borger_fravalgt;
};

/* Actions that a follow-up or a closing moved: numbers from 0. */
struct kp_moved_action {
	size_t goal, action;
	const char *task; /* opgave; borrowed from the plan */
	const char *was;  /* the old deadline or state; borrowed */
};
struct kp_moved_actions {
	struct kp_moved_action *v;
	size_t len, alloc;
};
void kp_moved_actions_release(struct kp_moved_actions *l);

/*
 * The change of a follow-up meeting (§6.2.5) to an active plan: the
 * meeting appended to moeder, the next follow-up (next, or six months
 * after the meeting, the day clamped to the month's end) in
 * opfoelgning.dato, and every open action whose deadline the meeting has
 * reached carried over to it (res->carried).  KP_EINVALID for a plan that
 * is not active, KP_EUSAGE for a meeting not after the latest one.
 */
struct kp_followup_result {
	char next[11];
	struct kp_moved_actions carried;
};
int kp_followup_change(struct kp_change *c, struct kp_followup_result *res,
		       const struct kp_plan *plan,
		       const struct kp_meeting_opts *o, const char *next,
		       struct kp_error *err);

/*
 * The change that closes an active plan (Region Syddanmark 2024,
 * Færdigbehandlet/udskrevet): status afsluttet, afslutning with the date,
 * the reason and what the citizen is closed to, the closing meeting in
 * moeder, no next follow-up, and every open action closed as dropped
 * (bortfaldet), or with all_done as done (gennemfoert), unless c sets its
 * state already.  The consent stays.  Errors as kp_followup_change().
 */
struct kp_close_result {
	struct kp_moved_actions done, dropped;
};
int kp_close_change(struct kp_change *c, struct kp_close_result *res,
		    const struct kp_plan *plan, const struct kp_meeting_opts *o,
		    const char *reason, const char *to, int all_done,
		    struct kp_error *err);

/*
 * What changed from plan a to plan b (lib/check/diff.c), in the plan's
 * own terms, in this order: the closing or the status, meetings held,
 * the follow-up moved, goals and their actions, participants,
 * challenges, then any other field by its path, and the notes.  Each
 * item is data:
 *   path     where, as maal[2].indsatser[0].status ("" for the notes);
 *   subject  the goal's title, the action's task, the participant's
 *            name, the challenge; CLOSED: the reason; MEETING: its type
 *            (opfoelgning, afslutning);
 *   from/to  the old and new value (dates YYYY-MM-DD, states as their
 *            status values); CLOSED, MEETING: to is the date;
 *            *_CHANGED: to lists the fields changed;
 *   extra    CLOSED: what the citizen is closed to; MEETING: its form;
 *   goal     the goal's number, from 1.
 * kp_diff_text() words an item for the person at the terminal, in their
 * language; kp_diff_text_da() in Danish, for documents and the machine
 * formats.  Neither shows a CPR number, and the Danish leaves out the
 * values of the citizen's own data (borger.*).  kp_diff_write_json():
 * an array of objects with change (the kind, as "action_state"), path,
 * subject, from, to, detail, goal and the Danish text.
 */
enum kp_diff_kind {
	KP_DIFF_STATUS,
	KP_DIFF_CLOSED,
	KP_DIFF_MEETING,
	KP_DIFF_FOLLOWUP,
	KP_DIFF_GOAL_ADDED,
	KP_DIFF_GOAL_REMOVED,
	KP_DIFF_GOAL_RENAMED,
	KP_DIFF_GOAL_CHANGED,
	KP_DIFF_ACTION_ADDED,
	KP_DIFF_ACTION_REMOVED,
	KP_DIFF_ACTION_STATE,
	KP_DIFF_ACTION_DEADLINE,
	KP_DIFF_ACTION_CHANGED,
	KP_DIFF_JOINED,
	KP_DIFF_LEFT,
	KP_DIFF_PARTICIPANT_CHANGED,
	KP_DIFF_CHALLENGE_ADDED,
	KP_DIFF_CHALLENGE_REMOVED,
	KP_DIFF_FIELD,
	KP_DIFF_NOTES
};
struct kp_diff_item {
	enum kp_diff_kind kind;
	char *path, *subject, *from, *to, *extra; /* owned; NULL: none */
	unsigned goal;
	/* A field's title and its values' titles by the schema, in Danish
	   for the documents; owned; NULL: none. */
	char *label, *from_label, *to_label;
};
struct kp_diff {
	struct kp_diff_item *v;
	size_t len, alloc;
};
void kp_diff_plans(struct kp_diff *out, const struct kp_plan *a,
		   const struct kp_plan *b);
void kp_diff_release(struct kp_diff *d);
void kp_diff_text(struct kp_buf *out, const struct kp_diff_item *it);
void kp_diff_text_da(struct kp_buf *out, const struct kp_diff_item *it);
void kp_diff_write_json(struct kp_buf *out, const struct kp_diff *d);

/*
 * Judge a plan for sending: kp_validate(), and what sending needs beyond
 * it (code "send"): not a draft, and consent not withdrawn.  Findings
 * are appended to out, sorted.  Returns the number of findings that
 * refuse the sending: the errors, and with strict the warnings too.
 */
size_t kp_send_check(const struct kp_plan *plan, const struct kp_schema *schema,
		     int strict, struct kp_findings *out);

/*
 * The recipients of a sending: each of want is a participant's name or
 * e-mail (deltagere), the citizen's name, "borger" or "alle" (the
 * citizen and every participant); each person once, in the order asked.
 * Strings are borrowed from the plan.  KP_EUSAGE when a want names
 * nobody, KP_EINVALID when the plan names no citizen.
 */
struct kp_recipient {
	const char *name, *email, *rolle;
	int citizen;
};
struct kp_recipients {
	struct kp_recipient *v;
	size_t len, alloc;
};
/* clang-format off */
#define KP_RECIPIENTS_INIT { NULL, 0, 0 }
/* clang-format on */
int kp_recipients_resolve(struct kp_recipients *out, const struct kp_plan *plan,
			  const char *const *want, size_t n,
			  struct kp_error *err);
void kp_recipients_release(struct kp_recipients *r);

/*
 * Validate every plan that paths name (files, directories walked as
 * kp_scan() does, "-"), on every CPU, and hand each result to
 * opts->report in the walk's order.  strict: warnings make a plan
 * invalid.  full_load: libyaml for every plan, not the fast reader.
 */
struct kp_validate_opts {
	const struct kp_schema *schema; /* NULL: the built-in schema */
	int strict;
	int jobs; /* 0: every CPU */
	int full_load;
	kp_report_fn report;
	void *payload;
};

struct kp_validate_totals {
	size_t files;	   /* plans checked */
	size_t errors;	   /* error findings */
	size_t warnings;   /* warning findings */
	size_t invalid;	   /* plans with errors (or warnings, strict) */
	size_t unreadable; /* files that could not be read */
};

int kp_validate_paths(struct kp_validate_totals *out, const char *const *paths,
		      size_t npaths, const struct kp_validate_opts *opts);

/* ------------------------------------------------------------------ */
/* Threads (lib/parallel.c)                                            */
/* ------------------------------------------------------------------ */

#define KP_JOBS_MAX 8

/* ------------------------------------------------------------------ */
/* Plan repositories and revisions (lib/repo.c)                        */
/* ------------------------------------------------------------------ */

/*
 * Where a loaded plan came from.  Outside a plan repository in_repo is 0
 * and everything else is empty.  Inside one, revision is the 1-based
 * number of the revision shown (the last revision of the file for a
 * working copy), commit its id, time and offset its commit time, and
 * modified is 1 when the text differs from that revision (so the
 * rendering must say "Ikke afsendt").  sent is 1 when that revision was
 * sent to the parties, and sent_time and sent_offset say when it was
 * last sent.
 */
struct kp_source {
	int in_repo;
	unsigned revision; /* 0: never committed */
	char commit[41];   /* hex; "" when none */
	long long time;	   /* seconds since the epoch */
	int offset;	   /* minutes east of UTC */
	int modified;
	int sent;
	long long sent_time;
	int sent_offset;
};

/*
 * Load "PLAN" or "PLAN@REV" (REV: a revision number, a commit id or a
 * date YYYY-MM-DD, meaning the revision in force that day) and say where
 * it came from.  A plain PLAN outside any repository is loaded as by
 * kp_plan_load().  src may be NULL.
 */
int kp_plan_open(struct kp_plan **out, struct kp_source *src, const char *spec,
		 unsigned flags, struct kp_error *err);

/*
 * A plan repository: an ordinary git repository whose working directory
 * holds the plans (<id>.md) and a directory .kiplan/ with the schema in
 * use (.kiplan/schema.yaml) and the repository's settings
 * (.kiplan/config, git-config syntax).  Every git operation goes through
 * libgit2; nothing ever leaves the machine.
 *
 * Opening or creating one sets the process umask to 077: plans hold CPR
 * numbers and health data, so every file and object is private.
 */
struct kp_repo;

/*
 * Find the plan repository as git does: the directory path (NULL: the
 * value of $KIPLAN_DIR when set, else the current directory) or one of
 * its parents.  KP_ENOTFOUND when there is none, or when the git
 * repository found has no .kiplan directory.
 */
int kp_repo_open(struct kp_repo **out, const char *path, struct kp_error *err);

/*
 * Find the plan repository of path as kp_repo_open() does, without git
 * (lib/repo/workdir.c; the kiplan executable does not load libgit2 for
 * it): the first directory from path upwards, on the same file system,
 * that holds .git, when it also holds a .kiplan directory.  The result
 * knows only its working directory: use it with kp_repo_workdir(),
 * kp_repo_plan_path(), kp_repo_read(), kp_repo_schema() and
 * kp_repo_free(); anything else needs kp_repo_open().
 */
int kp_repo_locate(struct kp_repo **out, const char *path,
		   struct kp_error *err);

/*
 * Create a plan repository in dir (created 0700 if missing), with a first
 * commit holding .kiplan/schema.yaml (schema_text, or the built-in schema
 * when NULL), .kiplan/config and a .gitignore that keeps outbox/ out of
 * git.  On an existing plan repository nothing is changed and *created
 * is 0.  A non-empty directory that is not a plan repository is refused
 * with KP_EEXISTS.  The repository lock is taken and given back, so that
 * what a killed kiplan left is repaired (told to notify, as
 * kp_repo_set_notify(); NULL: not told).  KP_EAFTER: the repository
 * exists (*out is set) but its first commit is not wholly in place.
 */
int kp_repo_init(struct kp_repo **out, int *created, const char *dir,
		 const char *schema_text, size_t schema_len,
		 void (*notify)(const char *msg, void *payload), void *payload,
		 struct kp_error *err);
void kp_repo_free(struct kp_repo *repo);

/* The working directory, absolute, without a trailing slash. Borrowed. */
const char *kp_repo_workdir(const struct kp_repo *repo);

/*
 * A setting of .kiplan/config, a git-config file ("due.kladde-dage").
 * *out is a new string (free()); KP_ENOTFOUND when it is not set.
 */
int kp_repo_setting(char **out, struct kp_repo *repo, const char *key,
		    struct kp_error *err);

/* The schema recorded in the repository (.kiplan/schema.yaml). */
int kp_repo_schema(struct kp_schema **out, struct kp_repo *repo,
		   struct kp_error *err);

/*
 * The repository lock serializes every change (id allocation, commit,
 * ref update).  It is an fcntl() lock on .git/kiplan.lock, which the
 * kernel releases when the process dies, so a killed kiplan never leaves
 * a lock that blocks.  Waits up to $KIPLAN_LOCK_TIMEOUT seconds (default
 * 30), then KP_ELOCKED.  Not recursive.
 *
 * Once it holds the lock, it repairs what a killed kiplan left behind
 * (lib/repo/txn.c): it finishes a change whose commit exists, or takes
 * back one whose commit does not, and removes temporary files.  What it
 * repaired it says, a sentence each, to the function that
 * kp_repo_set_notify() gave (nothing when none was given).  When it
 * cannot repair, the lock is not taken and err says why.
 */
/*
 * A command that changed the repository writes its output, then calls
 * kp_repo_end() before kp_repo_unlock(): the change's journal goes only
 * then, so that a kiplan killed before its output was out is taken for
 * interrupted, and a retry is recognized.  KP_EAFTER when the journal
 * cannot be removed (the change itself is whole).  kp_repo_unlock()
 * ends a change that kp_repo_end() did not, silently.
 */
int kp_repo_end(struct kp_repo *repo, struct kp_error *err);
void kp_repo_set_notify(struct kp_repo *repo,
			void (*fn)(const char *msg, void *payload),
			void *payload);
int kp_repo_lock(struct kp_repo *repo, struct kp_error *err);
void kp_repo_unlock(struct kp_repo *repo);

/*
 * Resolve a PLAN argument (a path, a file name, or an id) to the plan
 * file's path relative to the working directory (*out: free()).  A path
 * outside the working directory, inside .git, or a symbolic link is
 * refused (KP_EUSAGE); so is a missing file when must_exist is set
 * (KP_ENOTFOUND).
 */
int kp_repo_plan_path(char **out, struct kp_repo *repo, const char *arg,
		      int must_exist, struct kp_error *err);

/*
 * Read the working file rel (relative to the working directory) without
 * following a symbolic link, up to KP_PLAN_MAX bytes.
 */
int kp_repo_read(struct kp_buf *out, struct kp_repo *repo, const char *rel,
		 struct kp_error *err);

/*
 * One entry of a plan's history.  A revision is a commit of the
 * first-parent history of HEAD that changed the plan file; revisions are
 * numbered from 1 at the oldest.  A sending record is a later commit that
 * leaves the file as it was but carries "Plan-Id: <id>" and "Sendt-til:"
 * trailers: the revision in force was sent again.
 */
struct kp_revision {
	unsigned number; /* the revision (in force, for a sending) */
	int sending;	 /* 1: a sending record, not a new text */
	char commit[41];
	char blob[41];	   /* the file's blob at this commit */
	long long time;	   /* committer time */
	int offset;	   /* minutes east of UTC */
	char *author;	   /* "Name <email>"; owned */
	char *message;	   /* the whole message; owned */
	char **recipients; /* the Sendt-til trailers; owned */
	size_t nrecipients;
	int sent; /* this commit sent the plan (Plan-Id and Sendt-til) */
	/*
	 * The meetings this revision records first, "YYYY-MM-DD TYPE" with
	 * TYPE koordination (moede.dato), opfoelgning or afslutning; filled
	 * by kp_history_meetings(); owned.
	 */
	char **meetings;
	size_t nmeetings;
};

struct kp_history {
	struct kp_revision *v; /* oldest first */
	size_t len, alloc;
	unsigned revisions; /* the number of revisions */
};
/* clang-format off */
#define KP_HISTORY_INIT { NULL, 0, 0, 0 }
/* clang-format on */

/* The history of the file rel (relative to the working directory). */
int kp_repo_history(struct kp_history *out, struct kp_repo *repo,
		    const char *rel, struct kp_error *err);
void kp_history_release(struct kp_history *h);

/*
 * Find the revision that REV names in h: a number (1 is the first), a
 * date YYYY-MM-DD (the last revision committed on or before that day, by
 * the commit's own clock), or a commit id or unique prefix of at least 4
 * hex digits (the revision in force at that commit).  A number not
 * larger than the number of revisions is a revision number.  *out is
 * borrowed from h.
 */
int kp_repo_resolve(const struct kp_revision **out, struct kp_repo *repo,
		    const struct kp_history *h, const char *rev,
		    struct kp_error *err);

/*
 * Fill each revision's meetings: each revision of h is read and
 * compared with the one before.  A revision that does not load records
 * none.
 */
int kp_history_meetings(struct kp_history *h, struct kp_repo *repo,
			const char *rel, struct kp_error *err);

/*
 * The last sending of revision number in h (the revision's own commit
 * when kiplan send made it, or a later sending record), or NULL when it
 * was never sent.  Borrowed from h.
 */
const struct kp_revision *kp_history_last_sent(const struct kp_history *h,
					       unsigned number);
/* The last revision that was sent, whatever its number; NULL: none. */
const struct kp_revision *kp_history_last_sent_any(const struct kp_history *h);

/* Append the file rel as it is in commit (hex) to out. */
int kp_repo_blob(struct kp_buf *out, struct kp_repo *repo, const char *commit,
		 const char *rel, struct kp_error *err);

/*
 * Send the plan whose file is rel and whose text (plan->text) has been
 * judged by kp_send_check(), holding the repository lock (call
 * kp_repo_unlock() only once the result is written out, so that a retry
 * after a kill before that is recognized): commit it as a
 * new revision, or, when it is unchanged since its last revision, record
 * the sending of that revision (an empty commit), with the summary "Send
 * indsatsplan ID, revision N", the body lines, and one Sendt-til trailer
 * per recipient.  With opts->outbox, exactly that revision, stamped with
 * its commit, goes to outbox/ID-rN.html and .pdf, with its cover letter,
 * outbox/ID-rN-foelgebrev.txt: the recipients, and for each the changes
 * since the revision they last received (in Danish, kp_diff_text_da()).
 * All of it is one change (lib/repo/txn.c): there entirely or not at
 * all.  KP_EAFTER: committed (res->committed), but a later step failed;
 * the next lock finishes it.  When the lock finished an interrupted
 * kiplan send of the same request (the same file, text, recipients and
 * message), nothing is sent again: res->replayed, and res describes that
 * sending.
 */
struct kp_send_opts {
	const struct kp_recipients *to;
	const char *const *body; /* lines of the commit message */
	size_t nbody;
	const struct kp_schema *schema; /* labels of the documents */
	int outbox;
	struct kp_findings *warnings; /* NULL, or the documents' warnings */
};

struct kp_send_result {
	char id[32];
	unsigned revision;
	char commit[41];
	int changed;	 /* a new revision, not a repeated sending */
	int committed;	 /* the commit exists */
	int replayed;	 /* an interrupted kiplan send had done it */
	char *outbox[3]; /* the HTML, the PDF and the cover letter written,
			    or NULL */
};

int kp_repo_send(struct kp_send_result *res, struct kp_repo *repo,
		 const char *rel, const struct kp_plan *plan,
		 const struct kp_send_opts *opts, struct kp_error *err);
void kp_send_result_release(struct kp_send_result *res);

/*
 * A new plan (lib/repo/drafts.c).  Call kp_repo_new_draft() holding the
 * lock: it allocates the next id of year and writes the draft's text
 * from the template with fields (a KP_MAP; "id" and "kiplan" are
 * refused, and "status" when it is not kladde).  While a person edits
 * it, the draft waits at kp_repo_edit_path() (in the git directory, as
 * libgit2 finds it; *out to free()), which keeps its id reserved.
 * kp_repo_new_commit(), holding the lock again, writes <id>.md (0600)
 * and commits it as revision 1 ("Opret indsatsplan <id>"), as one change
 * (lib/repo/txn.c); an existing file is KP_EEXISTS.  KP_EAFTER: the plan
 * is committed (commit is set), but a later step failed; the next lock
 * finishes it.
 *
 * kp_repo_new_replayed(), after kp_repo_new_draft(): 1 when the lock
 * just taken finished an interrupted kiplan new of the same draft (the
 * same text but for its id, and the same message lines), which must then
 * not be made again; *done is the plan file it created (free()); 0
 * when not; err only for the plugin's stub (KP_EPLUGIN).
 */
int kp_repo_new_draft(struct kp_buf *text, char id[13], struct kp_repo *repo,
		      const struct kp_node *fields, int year,
		      struct kp_error *err);
int kp_repo_edit_path(char **out, struct kp_repo *repo, const char *rel,
		      struct kp_error *err);
int kp_repo_new_commit(char commit[41], struct kp_repo *repo, const char *id,
		       const struct kp_buf *text, const char *const *body,
		       size_t nbody, struct kp_error *err);
int kp_repo_new_replayed(char **done, struct kp_repo *repo, const char *id,
			 const struct kp_buf *text, const char *const *body,
			 size_t nbody, struct kp_error *err);

/*
 * --redact: hide, in place, every CPR number and Danish telephone number
 * in the text s, in the forms people write them (lib/base/redact.c says
 * which, and which near misses are kept): a CPR number keeps its birth
 * date ("140973-xxxx"), a telephone number keeps its +45 and separators
 * ("+45 xx xx xx xx").  The length of s does not change.  Returns the
 * number of numbers hidden.  Every command that takes --redact uses it.
 */
size_t kp_redact_text(char *s);

/*
 * Commit a changed plan (lib/repo/change.c): the one entry point of
 * kiplan set, followup and close, as one change (lib/repo/txn.c).
 *
 * kp_repo_change_replayed(), first, before the plan is read: it takes
 * the repository lock (which repairs what an interrupted kiplan left),
 * fills rq->digest from rq->kind ("set", "followup", "close"), the plan
 * rel and the command's arguments, and lets the lock go.  It returns 1
 * (res describes the commit) when that repair finished an interrupted
 * command of the very same request, which must then not be made again;
 * 0 when not; < 0 when the lock cannot be taken.
 *
 * kp_repo_change(), holding the lock: the working file rel must still
 * hold base (else KP_ELOCKED: someone changed it meanwhile); text (as
 * kp_plan_parse() keeps a plan's text; written with base's CRLF line
 * ends and byte order mark, when it has them) is committed as the next
 * revision with the summary, the body lines and the trailers Plan-Id and
 * Revision, and only then put in place of the working file (0600).
 * KP_EAFTER: the commit exists (res->committed, res->commit) but a later
 * step failed; the next lock finishes it.  Any other error: nothing
 * changed.  The journal stays until kp_repo_unlock(), after the output.
 */
struct kp_change_result {
	unsigned revision;
	char commit[41];
	int committed;
};
struct kp_change_request {
	const char *kind;
	char digest[41];
};
int kp_repo_change_replayed(struct kp_change_result *res, struct kp_repo *repo,
			    struct kp_change_request *rq, const char *rel,
			    int argc, char *const *argv, struct kp_error *err);
int kp_repo_change(struct kp_change_result *res, struct kp_repo *repo,
		   const struct kp_change_request *rq, const char *rel,
		   const struct kp_buf *base, const struct kp_buf *text,
		   const char *summary, const char *const *body, size_t nbody,
		   struct kp_error *err);

/* ------------------------------------------------------------------ */
/* Rendering (lib/render.c builds the model; render_html.c and         */
/* render_pdf.c write it)                                              */
/* ------------------------------------------------------------------ */

struct kp_render_opts {
	const struct kp_schema *schema; /* labels; NULL: the built-in one */
	const struct kp_source *src;	/* revision stamp; NULL: not sent */
	int redact;			/* hide CPR's last four and phones */
	int invalid;			/* the plan has errors (--force) */
	struct kp_findings *warnings;	/* NULL, or where to add warnings:
					   "skrift", a character no font has */
};

/*
 * What a rendered document says it is (lib/render/ident.c): the plan,
 * the revision and commit it was rendered from, and how.  Every PDF and
 * HTML document kiplan writes carries it.
 */
struct kp_ident {
	char format[5];	   /* "pdf" or "html" */
	char plan[64];	   /* the plan's id */
	unsigned revision; /* 0: a working copy, not a revision */
	char commit[41];   /* hex, or "" */
	int redacted;	   /* --redact */
	int invalid;	   /* --force: the plan had errors */
	char version[32];  /* of the kiplan that wrote it */
};

/*
 * Read the identity of the document data (len bytes, a PDF or HTML).
 * KP_ENOTFOUND when it is neither, or carries none: not written by
 * kiplan.
 */
int kp_ident_read(struct kp_ident *out, const char *data, size_t len,
		  struct kp_error *err);

/*
 * kiplan verify (lib/repo/verify.c): whether data (len bytes, a PDF or
 * HTML document) is exactly what the revision it names renders to in
 * repo, byte for byte.  v->result says; v->history is the plan's history
 * (its sendings of the revision: the entries of that number with
 * recipients).  An error only when the document is not kiplan's
 * (KP_ENOTFOUND) or the repository cannot be read.
 */
enum kp_verify_result {
	KP_VERIFY_SAME,	   /* exactly what the revision renders to */
	KP_VERIFY_ALTERED, /* the revision is here, the bytes differ */
	KP_VERIFY_VERSION, /* they differ, and another kiplan wrote it */
	KP_VERIFY_FOREIGN, /* no such plan or revision, or another commit */
	KP_VERIFY_WORKING  /* a working copy's rendering, no revision */
};

struct kp_verify {
	struct kp_ident ident;
	enum kp_verify_result result;
	char commit[41]; /* FOREIGN: the revision's commit here, or "" */
	char *rel;	 /* the plan file, relative to the working dir */
	struct kp_history history;
};

int kp_verify(struct kp_verify *v, struct kp_repo *repo, const char *data,
	      size_t len, struct kp_error *err);
void kp_verify_release(struct kp_verify *v);

/*
 * Build the model of plan and write it as format "html" or "pdf" to out.
 * KP_EUSAGE for another format.
 */
int kp_render(struct kp_buf *out, const char *format,
	      const struct kp_plan *plan, const struct kp_render_opts *opts,
	      struct kp_error *err);

/*
 * What falls due in a plan (lib/due.c): the follow-up meeting of an
 * active plan (opfoelgning.dato, or six calendar months after the latest
 * meeting, the day clamped to the month's end), the deadline (frist) of
 * each of its open actions, the treatment guarantee of a referral (14
 * days after henvisning.dato, until the treatment has begun), a draft's
 * first coordination meeting (its consent date, samtykke.dato, plus a
 * number of days that the local agreement sets), and a renewed offer of
 * the plan to a citizen who said no (samtykke.dato plus the days the
 * repository sets).  Closed plans are never due, nor plans whose consent
 * was withdrawn.
 */
enum kp_due_kind {
	KP_DUE_OPFOELGNING, /* "opfoelgning" */
	KP_DUE_FRIST,	    /* "frist" */
	KP_DUE_MOEDE,	    /* "moede": a draft's first meeting */
	KP_DUE_GARANTI,	    /* "behandlingsgaranti": treatment begins */
	KP_DUE_TILBUD	    /* "tilbud": offer the plan again */
};

/*
 * An item holds what falls due as data (its kind, the action's task, the
 * meeting's date), never as words: the text writer words it in the
 * user's language, the machine formats in Danish (kp_due_text()).
 */
struct kp_due_item {
	enum kp_due_kind kind;
	struct kp_date date;	/* MOEDE, TILBUD: the consent date until
				   selected */
	struct kp_date meeting; /* when has_meeting: the latest meeting;
				   GARANTI: the request's date; TILBUD: the
				   day the citizen said no */
	int has_meeting;	/* MOEDE: planned; OPFOELGNING: inferred;
				   GARANTI, TILBUD: always */
	unsigned n;		/* FRIST: the action's number, 1-based */
	unsigned line;		/* line of the date the item comes from */
	int inferred;		/* OPFOELGNING: latest meeting + 6 months */
	long overdue;		/* days past date (negative: days left) */
	/* Strings belong to the list; "" when the plan does not say. */
	const char *id, *file, *citizen, *coordinator, *responsible;
	const char *task; /* FRIST: the action's opgave; GARANTI: henvist
			     til */
};

struct kp_due_list {
	struct kp_due_item *v;
	size_t len, alloc;
	struct kp_doc *arena; /* holds the strings */
};
/* clang-format off */
#define KP_DUE_LIST_INIT { NULL, 0, 0, NULL }
/* clang-format on */

/* Append a copy of item (its strings copied into out's arena). */
void kp_due_add(struct kp_due_list *out, const struct kp_due_item *item);
void kp_due_release(struct kp_due_list *list);

struct kp_due_opts {
	struct kp_date today;
	long within;	  /* days ahead to list; overdue is always listed */
	int overdue_only; /* only items past their date */
	int draft_days;	  /* -1: drafts are not due */
	int offer_days;	  /* -1: no renewed offer is due */
	const char *coordinator; /* only this coordinator's plans (NULL: all) */
	enum { KP_DUE_BY_NONE, KP_DUE_BY_ANSVARLIG, KP_DUE_BY_KOORDINATOR } by;
	/*
	 * The writers below call flush (when not NULL) whenever out holds
	 * more than 64 KiB, so that a long list is written as it is made;
	 * flush writes out and empties it.
	 */
	void (*flush)(struct kp_buf *out, void *payload);
	void *payload;
	/* The repository's identity (kp_repo_uuid()), in iCalendar UIDs;
	 * "" outside a repository. */
	char ns[37];
};

/*
 * Sort by group (with opts->by: the responsible party or the
 * coordinator), date, id, kind, number and file.  Returns the number of
 * overdue items.
 */
size_t kp_due_sort(struct kp_due_list *list, const struct kp_due_opts *opts);

/*
 * What falls due in every plan that paths name, on every CPU, kept as
 * run->due selects (kp_due_keep()), in the walk's order: sort the list
 * afterwards.  run->report hears of a file only when it could not be
 * read or has a problem (a plan that is fine is never reported, so that
 * cron stays quiet).  With use_cache, the due-item cache answers for the
 * plans that have not changed: in the repository's git directory when
 * repo_plans (the walk is the repository's own plans), else in
 * $XDG_CACHE_HOME.  Returns 0, or a negative code (err says why) when the
 * cache could not be written; the list is complete either way.
 */
struct kp_due_run {
	struct kp_due_opts due;
	struct kp_repo *repo; /* NULL outside a plan repository */
	int repo_plans;
	int use_cache;
	int jobs; /* 0: every CPU */
	int full_load;
	kp_report_fn report;
	void *payload;
};

struct kp_due_totals {
	size_t files;  /* plans read */
	size_t failed; /* files that could not be read or understood */
};

int kp_due_paths(struct kp_due_list *out, struct kp_due_totals *totals,
		 const char *const *paths, size_t npaths,
		 const struct kp_due_run *run, struct kp_error *err);

/*
 * Output of a sorted list.  Each writer appends to out; the caller
 * writes out as it goes.  redact leaves out the citizen's name.
 * text: for people, in the user's language (gettext), the date and when
 * columns aligned in characters; tsv, json and ics are the same bytes in
 * every locale.  tsv: a header line and one line per item; json: an
 * array of objects; ics: an RFC 5545 calendar (CRLF lines folded at 75
 * octets, one all-day VEVENT per item with UID <id>-<kind>-<n>@kiplan);
 * its DTSTAMP is stamp (seconds since the epoch, UTC).
 */
void kp_due_write_text(struct kp_buf *out, const struct kp_due_list *list,
		       const struct kp_due_opts *opts, int redact);
void kp_due_write_tsv(struct kp_buf *out, const struct kp_due_list *list,
		      const struct kp_due_opts *opts, int redact);
void kp_due_write_json(struct kp_buf *out, const struct kp_due_list *list,
		       const struct kp_due_opts *opts, int redact);
void kp_due_write_ics(struct kp_buf *out, const struct kp_due_list *list,
		      const struct kp_due_opts *opts, long long stamp,
		      int redact);

/*
 * Export (lib/export.c, lib/fhir.c).  A writer streams: begin, one call
 * per plan, end; each appends to out, which the caller writes out as it
 * goes, so memory does not grow with the number of plans.
 */
enum kp_export_format {
	KP_EXPORT_JSON,	 /* an array of objects, one per plan */
	KP_EXPORT_JSONL, /* one object per line */
	KP_EXPORT_CSV,	 /* RFC 4180, one row per plan */
	KP_EXPORT_FHIR	 /* a FHIR R4 Bundle of type collection */
};

struct kp_export_opts {
	enum kp_export_format format;
	int excel;	      /* CSV: ';', a UTF-8 BOM and CRLF */
	int redact;	      /* leave out CPR numbers and telephone numbers */
	struct kp_date today; /* for the CSV's overdue days */
	/*
	 * FHIR: the repository's identity (kp_repo_uuid(); "" outside a
	 * repository), in every resource's id; a transaction Bundle with
	 * conditional updates instead of a collection.
	 */
	char ns[37];
	int transaction;
};

/*
 * Export every plan that paths name, on every CPU, in the walk's order,
 * handing the output to run->write in pieces as it grows (write returns
 * -1 on failure, after which nothing more is written).  Invalid plans and
 * files that cannot be read go to run->report; with valid_only, invalid
 * plans are left out.  With revs, the repository's revisions are added.
 * Returns 0, or KP_EIO when the writer failed.
 */
struct kp_export_run {
	struct kp_export_opts opts;
	const struct kp_schema *schema; /* NULL: the built-in one */
	struct kp_repo *repo;		/* NULL outside a plan repository */
	struct kp_revmap *revs;		/* NULL: no revisions */
	int valid_only;
	int jobs; /* 0: every CPU */
	int full_load;
	int (*write)(const char *data, size_t len, void *payload);
	kp_report_fn report;
	void *payload;
};

struct kp_export_totals {
	size_t exported; /* plans written */
	size_t invalid;	 /* plans with errors (written or not) */
	size_t failed;	 /* files that could not be read */
	int write_failed;
};

int kp_export_paths(struct kp_export_totals *totals, const char *const *paths,
		    size_t npaths, const struct kp_export_run *run);

/*
 * Monitoring figures from the history of a plan repository
 * (lib/report/stats.c), for kiplan stats.  The first-parent history of
 * HEAD is walked once; every version of every plan file is read once
 * (by its blob id).  Events (a plan created, made active, closed, consent
 * withdrawn, a change of forløb, a sending) count in the period of the
 * commit that recorded them, on the commit's own clock; a meeting, a
 * referral and a treatment start in that period or, when their own date
 * is later, in the period of that date.  States (active, overdue) are
 * those of each plan's last revision on or before the period's last day.
 * So a period that is over never changes.  kiplan-stats(1) defines every
 * figure.
 */
enum kp_stats_period { KP_STATS_MONTH, KP_STATS_QUARTER, KP_STATS_YEAR };
enum kp_stats_by {
	KP_STATS_BY_NONE,
	KP_STATS_BY_ORGANISATION, /* koordinator.organisation */
	KP_STATS_BY_COORDINATOR,  /* koordinator.navn */
	KP_STATS_BY_FORLOEB	  /* forloeb */
};

struct kp_stats_opts {
	struct kp_date from; /* when have_from; else the first plan's period */
	struct kp_date to;   /* the last day counted (today, say) */
	int have_from;
	enum kp_stats_period period;
	enum kp_stats_by by;
	unsigned min_cell; /* a cell of fewer plans (but some) is hidden */
	int jobs;	   /* 0: every CPU */
	struct kp_date generated; /* the day the report is made (HTML) */
};

struct kp_stats;

/*
 * Compute the figures of repo's history.  KP_EUSAGE when from is after
 * to; KP_EGIT when the history cannot be read.
 */
int kp_stats_compute(struct kp_stats **out, struct kp_repo *repo,
		     const struct kp_stats_opts *opts, struct kp_error *err);
/*
 * Versions of files in the history that could not be read as plans
 * (left out of every figure), and the number of files they belong to.
 */
size_t kp_stats_unreadable(const struct kp_stats *st, size_t *files);
void kp_stats_free(struct kp_stats *st);

/*
 * The writers.  text: for people, in the user's language; json, csv
 * and html are the same bytes in every language: json an array with an
 * object per period (and group); csv for Danish Excel (';', a byte order
 * mark, CRLF, decimal commas), a row per period (and group); html a
 * Danish page for a monitoring group, with inline SVG charts, no script
 * and no external reference, for the screen and A4 paper.  None of them
 * shows a citizen's name or CPR number.
 */
void kp_stats_write_text(struct kp_buf *out, const struct kp_stats *st);
void kp_stats_write_json(struct kp_buf *out, const struct kp_stats *st);
void kp_stats_write_csv(struct kp_buf *out, const struct kp_stats *st);
void kp_stats_write_html(struct kp_buf *out, const struct kp_stats *st);

/*
 * Revisions of every plan at once (lib/revs.c), for export: the history
 * of HEAD is walked once (first parents, oldest first, one tree diff per
 * commit), never once per plan.  A revision is a commit in which the
 * file's content changed, as kp_plan_open() counts them.
 */
struct kp_revmap;

int kp_revmap_build(struct kp_revmap **out, const char *workdir,
		    struct kp_error *err);
/*
 * Fill src for the file rel (relative to the working directory) whose
 * current content is data: in_repo, revision, commit, time, offset, and
 * modified when data differs from that revision.
 */
void kp_revmap_source(const struct kp_revmap *map, struct kp_source *src,
		      const char *rel, const char *data, size_t len);
void kp_revmap_free(struct kp_revmap *map);

/* ------------------------------------------------------------------ */
/* Merging (lib/repo/merge.c)                                          */
/* ------------------------------------------------------------------ */

/*
 * The 1-based line of the first of git's conflict markers in text (a
 * line that starts with "<<<<<<<", "|||||||" or ">>>>>>>", then a
 * space or the line's end), or 0 when there is none.  kp_plan_parse()
 * refuses a plan that has one with KP_ECONFLICT (finding code
 * "konflikt").
 */
unsigned kp_conflict_line(const char *text, size_t len);

/*
 * A plan-aware three-way merge of one plan file: base, ours and theirs
 * are its three texts (base NULL or empty: added on both sides).  The
 * frontmatter is merged field by field, starting from ours, so that
 * every byte that theirs did not change (comments, order, quoting) stays
 * as in ours: a field changed on one side only takes that change; list
 * items (goals, actions, participants, meetings, existing plans) are
 * matched by what they are (title, task, name, date and type), not by
 * place; a field changed differently on both sides is a conflict.  The
 * body is merged line by line.
 *
 * out receives the merged text, conflicts one error finding (code
 * "konflikt") per conflict, at the line and column in out, naming both
 * values and who changed each (ours_label, theirs_label; NULL: "ours",
 * "theirs").  A conflict is written into out between git's conflict
 * markers, so that git, validate and send see it.  A merge without
 * conflicts is then validated (schema and the guideline's rules): a
 * result that does not parse (a duplicate key), or that has errors that
 * neither side had, is reported as conflicts too.
 *
 * Returns KP_MERGE_CLEAN (0), KP_MERGE_CONFLICT (1), or a negative KP_E*
 * when it could not merge (a side is not a plan: then out holds nothing).
 * path names the file in findings and messages.
 */
enum { KP_MERGE_CLEAN = 0, KP_MERGE_CONFLICT = 1 };
int kp_merge_plan(struct kp_buf *out, struct kp_findings *conflicts,
		  const char *path, const char *base, size_t base_len,
		  const char *ours, size_t ours_len, const char *theirs,
		  size_t theirs_len, const char *ours_label,
		  const char *theirs_label, struct kp_error *err);

/*
 * Make git use kiplan merge-file for plans in the repository: writes
 * merge.kiplan.name and merge.kiplan.driver into the git directory's
 * config (the driver runs the kiplan found on PATH).  .gitattributes,
 * committed by kp_repo_init(), names the files.  For init and clone.
 */
int kp_repo_configure_merge(struct kp_repo *repo, struct kp_error *err);

/*
 * The repository's identity, a UUID ("8-4-4-4-12" lower-case hex): the
 * setting kiplan.id of .kiplan/config, which init writes (a random,
 * version 4 UUID).  A repository made before that has none; its
 * identity is then derived from its first commit, the same on every
 * clone, without changing anything: a version 5 UUID from the SHA-1 of
 * "kiplan-arkiv:" and that commit's id.  Exports name their resources
 * with it (FHIR ids, iCalendar UIDs).
 */
int kp_repo_uuid(char out[37], struct kp_repo *repo, struct kp_error *err);

/* A random UUID (version 4), from /dev/urandom. */
int kp_uuid_random(char out[37], struct kp_error *err);
/* Sharing a plan repository through a git server (lib/repo/share.c)  */
/* ------------------------------------------------------------------ */

/*
 * Refuse a change while git is in the middle of something: a merge,
 * rebase, cherry-pick or revert that is not finished, or an index with
 * unresolved conflicts (KP_ECONFLICT, err says what to do).  With data,
 * also a text (the file rel) that holds git's conflict markers
 * (KP_ECONFLICT, at the marker's line).  Every committing command asks
 * before it changes anything.
 */
int kp_repo_busy(struct kp_repo *repo, const char *rel, const char *data,
		 size_t len, struct kp_error *err);

/*
 * Clone the plan repository at url into dir (NULL: the last part of the
 * url without ".git"), private: directories 0700, files 0600.  The clone
 * gets kiplan's merge driver, core.sharedRepository 0600, and its own
 * identity (kiplan.clone, a random UUID, in .git/config) for the ids it
 * takes (kp_repo_next_id).  On failure nothing is left of dir.
 */
int kp_repo_clone(struct kp_repo **out, const char *url, const char *dir,
		  struct kp_error *err);

/*
 * The url of the remote "origin" into *out (free()), after setting it to
 * url when url is not NULL.  KP_ENOTFOUND when there is none.
 */
int kp_repo_remote(char **out, struct kp_repo *repo, const char *url,
		   struct kp_error *err);

/*
 * Synchronize with origin: fetch, integrate, validate, push, retrying
 * when the push is rejected by a concurrent one or the network fails.
 * Integration never rewrites a pushed commit: the local branch is
 * fast-forwarded, or a merge commit is made whose first parent is the
 * server's branch and whose second is the local one; it is pushed
 * before the local branch moves, so a sync that cannot finish leaves
 * the branch, the index and the working files as they were.
 */
struct kp_sync_opts {
	int retries;  /* attempts after the first; < 0: 4 */
	int delay_ms; /* between attempts; < 0: 1000 */
	int push;     /* 0: fetch and integrate only */
};

struct kp_sync_file {
	char *path;		     /* the plan, relative to the workdir */
	struct kp_findings findings; /* why it could not be merged */
};

struct kp_sync_result {
	int fetched;	   /* the server answered */
	int fast_forward;  /* the branch moved to the server's */
	int merged;	   /* a merge commit was made */
	int pushed;	   /* the server took our commits */
	int offline;	   /* gave up for the network or a busy server */
	unsigned attempts; /* fetches made */
	unsigned incoming; /* commits that came from the server */
	unsigned outgoing; /* commits that went to it */
	char head[41];	   /* the branch afterwards */
	struct kp_sync_file *files; /* with KP_ECONFLICT or KP_EINVALID */
	size_t nfiles;
};
/* clang-format off */
#define KP_SYNC_OPTS_INIT { -1, -1, 1 }
/* clang-format on */

/*
 * 0 when done.  KP_ECONFLICT when plans changed on both sides cannot be
 * merged, KP_EINVALID when a merged plan has errors that neither side
 * had (res->files says which and why): nothing is changed then.  KP_EGIT
 * with res->offline when the server could not be reached, or kept
 * rejecting the push, for every attempt.
 */
int kp_repo_sync(struct kp_sync_result *res, struct kp_repo *repo,
		 const struct kp_sync_opts *opts, struct kp_error *err);
void kp_sync_result_release(struct kp_sync_result *res);

#endif
