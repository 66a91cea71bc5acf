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
	KP_EIO = -1,	   /* a file could not be read or written */
	KP_EPARSE = -2,	   /* the file is not a well-formed plan */
	KP_ELIMIT = -3,	   /* a documented limit was exceeded */
	KP_ESCHEMA = -4,   /* a schema could not be compiled */
	KP_EGIT = -5,	   /* a libgit2 operation failed */
	KP_EUSAGE = -6,	   /* a caller passed something meaningless */
	KP_ENOTFOUND = -7, /* a thing looked up does not exist */
	KP_EINVALID = -8,  /* a plan has error findings */
	KP_EEXISTS = -9,   /* a thing to be created exists already */
	KP_ELOCKED = -10,  /* a lock could not be taken */
	KP_ERENDER = -11,  /* rendering failed */
	KP_EPLUGIN = -12,  /* a plugin of kiplan could not be loaded */
	KP_ECONFLICT = -13 /* a file holds git's conflict markers */
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

/* ------------------------------------------------------------------ */
/* Plans                                                               */
/* ------------------------------------------------------------------ */

/* The same, from memory; name stands for the file in messages. */
int kp_plan_parse(struct kp_plan **out, const char *name, const char *data,
		  size_t len, unsigned flags, struct kp_error *err);
void kp_plan_free(struct kp_plan *plan);

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
void kp_fields_type(struct kp_fields *f, const struct kp_schema *schema,
		    const struct kp_node *base);
/* The fields as a mapping; borrowed. */
const struct kp_node *kp_fields_root(const struct kp_fields *f);

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
 * rendering must say "Udkast – ikke afsendt").
 */
struct kp_source {
	int in_repo;
	unsigned revision; /* 0: never committed */
	char commit[41];   /* hex; "" when none */
	long long time;	   /* seconds since the epoch */
	int offset;	   /* minutes east of UTC */
	int modified;
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
 * with KP_EEXISTS.
 */
int kp_repo_init(struct kp_repo **out, int *created, const char *dir,
		 const char *schema_text, size_t schema_len,
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
 */
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

/* Append the file rel as it is in commit (hex) to out. */
int kp_repo_blob(struct kp_buf *out, struct kp_repo *repo, const char *commit,
		 const char *rel, struct kp_error *err);

/*
 * Send the plan whose file is rel and whose text (plan->text) has been
 * judged by kp_send_check(): under the repository lock, commit it as a
 * new revision, or, when it is unchanged since its last revision, record
 * the sending of that revision (an empty commit), with the summary "Send
 * indsatsplan ID, revision N", the body lines, and one Sendt-til trailer
 * per recipient.  Then, with opts->outbox, render exactly that revision,
 * stamped with its commit, into outbox/ID-rN.html and .pdf, each written
 * under a temporary name and renamed into place only after the commit
 * exists.  res->committed says whether the commit exists when an error is
 * returned.
 */
struct kp_send_opts {
	const struct kp_recipients *to;
	const char *const *body; /* lines of the commit message */
	size_t nbody;
	const struct kp_schema *schema; /* labels of the documents */
	int outbox;
};

struct kp_send_result {
	char id[32];
	unsigned revision;
	char commit[41];
	int changed;	 /* a new revision, not a repeated sending */
	int committed;	 /* the commit exists */
	char *outbox[2]; /* the HTML and the PDF written, or NULL */
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
 * and commits it as revision 1 ("Opret indsatsplan <id>"); an existing
 * file is KP_EEXISTS.
 */
int kp_repo_new_draft(struct kp_buf *text, char id[13], struct kp_repo *repo,
		      const struct kp_node *fields, int year,
		      struct kp_error *err);
int kp_repo_edit_path(char **out, struct kp_repo *repo, const char *rel,
		      struct kp_error *err);
int kp_repo_new_commit(char commit[41], struct kp_repo *repo, const char *id,
		       const struct kp_buf *text, const char *const *body,
		       size_t nbody, struct kp_error *err);

/* ------------------------------------------------------------------ */
/* Rendering (lib/render.c builds the model; render_html.c and         */
/* render_pdf.c write it)                                              */
/* ------------------------------------------------------------------ */

struct kp_render_opts {
	const struct kp_schema *schema; /* labels; NULL: the built-in one */
	const struct kp_source *src;	/* revision stamp; NULL: not sent */
	int redact;			/* hide CPR's last four and phones */
	int invalid;			/* the plan has errors (--force) */
};

/*
 * Build the model of plan and write it as format "html" or "pdf" to out.
 * KP_EUSAGE for another format.
 */
int kp_render(struct kp_buf *out, const char *format,
	      const struct kp_plan *plan, const struct kp_render_opts *opts,
	      struct kp_error *err);

/*
 * What falls due in a plan (lib/due.c): the follow-up meeting of an
 * active plan (opfoelgning.dato, or six calendar months after moede.dato,
 * the day clamped to the month's end), the deadline (frist) of each of
 * its actions, and a draft's first coordination meeting (its consent
 * date, samtykke.dato, plus a number of days that the local agreement
 * sets).  Closed plans are never due.
 */
enum kp_due_kind {
	KP_DUE_OPFOELGNING, /* "opfoelgning" */
	KP_DUE_FRIST,	    /* "frist" */
	KP_DUE_MOEDE	    /* "moede": a draft's first meeting */
};

/*
 * An item holds what falls due as data (its kind, the action's task, the
 * meeting's date), never as words: the text writer words it in the
 * user's language, the machine formats in Danish (kp_due_text()).
 */
struct kp_due_item {
	enum kp_due_kind kind;
	struct kp_date date;	/* MOEDE: the consent date until selected */
	struct kp_date meeting; /* moede.dato, when has_meeting */
	int has_meeting;	/* MOEDE: planned; OPFOELGNING: inferred */
	unsigned n;		/* FRIST: the action's number, 1-based */
	unsigned line;		/* line of the date the item comes from */
	int inferred;		/* OPFOELGNING: from moede.dato + 6 months */
	long overdue;		/* days past date (negative: days left) */
	/* Strings belong to the list; "" when the plan does not say. */
	const char *id, *file, *citizen, *coordinator, *responsible;
	const char *task; /* FRIST: the action's opgave */
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
	const char *coordinator; /* only this coordinator's plans (NULL: all) */
	enum { KP_DUE_BY_NONE, KP_DUE_BY_ANSVARLIG, KP_DUE_BY_KOORDINATOR } by;
	/*
	 * The writers below call flush (when not NULL) whenever out holds
	 * more than 64 KiB, so that a long list is written as it is made;
	 * flush writes out and empties it.
	 */
	void (*flush)(struct kp_buf *out, void *payload);
	void *payload;
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
