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
	KP_ERENDER = -11   /* rendering failed */
};

/*
 * A failure, filled by kp_error_set().  Fixed buffers, so that setting an
 * error never allocates.  Lives on the stack as KP_ERROR_INIT.
 */
struct kp_error {
	int code;
	char file[256];
	unsigned line, col; /* 1-based; 0 when unknown */
	char msg[256];
};
/* clang-format off */
#define KP_ERROR_INIT { 0, "", 0, 0, "" }
/* clang-format on */

/* Fill err (which may be NULL) and return code. */
int kp_error_set(struct kp_error *err, int code, const char *file,
		 unsigned line, unsigned col, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* A short lower-case name for an error code: "io", "parse", "limit"... */
const char *kp_error_name(int code);

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
/* Print "kiplan: out of memory" and abort(): for other allocators. */
void kp_oom(void) __attribute__((noreturn));

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
 * The length (1 to 4) of the valid UTF-8 sequence at s, of at most n > 0
 * bytes, or 0 when it is not valid UTF-8 (overlong forms, surrogates and
 * code points above U+10FFFF are not).  An ASCII byte, NUL included, is 1.
 */
size_t kp_utf8_len(const char *s, size_t n);

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

/* ------------------------------------------------------------------ */
/* The data tree                                                       */
/* ------------------------------------------------------------------ */

/*
 * YAML and JSON documents load into one small tree of mappings, sequences
 * and scalars.  Every node carries its 1-based line and column in the
 * file.  All nodes and strings of one tree live in the arena of their
 * struct kp_doc, and go when it is freed.
 *
 * Scalars follow the YAML 1.2 core schema: null, true/false, integers
 * (KP_INT, or KP_FLOAT when they overflow), floats, and everything else
 * (including dates) is a string.  Strings are NUL-terminated, but may hold
 * NUL bytes when they come from JSON: use len.
 */
enum kp_type { KP_NULL, KP_BOOL, KP_INT, KP_FLOAT, KP_STR, KP_SEQ, KP_MAP };

struct kp_node;

struct kp_pair {
	const char *key; /* NUL-terminated */
	size_t keylen;
	unsigned line, col; /* where the key stands */
	struct kp_node *value;
};

struct kp_node {
	enum kp_type type;
	unsigned line, col;
	union {
		int boolean;
		long long integer;
		double real;
		struct {
			const char *ptr;
			size_t len;
		} str;
		struct {
			struct kp_node **items;
			size_t len;
		} seq;
		struct {
			struct kp_pair *pairs;
			size_t len;
		} map;
	} v;
};

struct kp_doc;

/* A new, empty document (root NULL) with its own arena. */
struct kp_doc *kp_doc_new(void);
void kp_doc_free(struct kp_doc *doc);
/* Borrowed; NULL for an empty document. */
struct kp_node *kp_doc_root(const struct kp_doc *doc);
void kp_doc_set_root(struct kp_doc *doc, struct kp_node *root);

/* Arena allocation tied to doc; freed with it.  Never NULL. */
void *kp_doc_alloc(struct kp_doc *doc, size_t size);
char *kp_doc_strndup(struct kp_doc *doc, const char *s, size_t len);

/* Node constructors; the result belongs to doc. */
struct kp_node *kp_node_new(struct kp_doc *doc, enum kp_type type,
			    unsigned line, unsigned col);
struct kp_node *kp_node_new_str(struct kp_doc *doc, const char *s, size_t len,
				unsigned line, unsigned col);
/* Append to a KP_SEQ or KP_MAP (amortised O(1)). */
void kp_node_append(struct kp_doc *doc, struct kp_node *seq,
		    struct kp_node *item);
void kp_node_put(struct kp_doc *doc, struct kp_node *map, const char *key,
		 size_t keylen, unsigned line, unsigned col,
		 struct kp_node *value);

/* The value of key in map, or NULL (also when map is not a KP_MAP). */
struct kp_node *kp_map_get(const struct kp_node *map, const char *key);
/* The pair of key in map, or NULL. */
const struct kp_pair *kp_map_pair(const struct kp_node *map, const char *key);
/*
 * Follow a dotted path of keys ("borger.navn", "samtykke.givet") from
 * node; NULL when any step is missing or not a mapping.
 */
struct kp_node *kp_node_at(const struct kp_node *node, const char *path);
/* The string of a KP_STR node, or NULL for NULL or another type. */
const char *kp_node_str(const struct kp_node *node);
/* 1 for a KP_BOOL true node, else 0. */
int kp_node_true(const struct kp_node *node);
/* "null", "boolean", "integer", "number", "string", "array", "object" */
const char *kp_type_name(enum kp_type type);
/* Equality by value, as JSON Schema defines it (1 == 1.0). */
int kp_node_equal(const struct kp_node *a, const struct kp_node *b);
/* A deep copy of node into doc. */
struct kp_node *kp_node_copy(struct kp_doc *doc, const struct kp_node *node);

/* Append node as compact JSON. */
void kp_json_write(struct kp_buf *out, const struct kp_node *node);

/*
 * Parse one JSON text (RFC 8259) into a new document, every node with its
 * line and column.  Numbers written without fraction or exponent that fit
 * in a long long are KP_INT, all others KP_FLOAT.  name is used in errors.
 * Refused (KP_EPARSE): duplicate keys, lone surrogates, invalid UTF-8,
 * nesting deeper than 4 * KP_DEPTH_MAX, numbers outside double range.
 */
int kp_json_parse(struct kp_doc **out, const char *data, size_t len,
		  const char *name, struct kp_error *err);

/*
 * YAML.  kp_yaml_parse() loads exactly one document with libyaml.
 *
 * Always refused (KP_EPARSE with file:line:col): syntax errors, invalid
 * UTF-8, NUL and control characters other than tab, LF and CR, nesting
 * deeper than KP_DEPTH_MAX, duplicate keys, non-scalar keys.
 * With KP_YAML_PLAN, also refused: anchors and aliases, tags, merge keys
 * (<<), a root that is not a mapping, more than one document.  Without it
 * (the conformance suite), aliases are expanded within a node budget
 * linear in the input, and tags are accepted.
 *
 * first_line is the file line on which data starts (the frontmatter
 * starts on line 2 of a plan).  Every step is linear in len.
 */
enum {
	KP_YAML_PLAN = 1 << 0,
	KP_YAML_STREAM = 1 << 1 /* root is a KP_SEQ of all documents */
};
int kp_yaml_parse(struct kp_doc **out, const char *data, size_t len,
		  unsigned first_line, unsigned flags, const char *name,
		  struct kp_error *err);

/* ------------------------------------------------------------------ */
/* Plans                                                               */
/* ------------------------------------------------------------------ */

struct kp_plan {
	char *path;	      /* the name given to kp_plan_load() */
	struct kp_buf text;   /* the whole file, BOM and CRs removed */
	struct kp_doc *doc;   /* the frontmatter */
	struct kp_node *root; /* its root mapping; never NULL when loaded */
	unsigned body_line;   /* file line on which the body starts */
	const char *body;     /* points into text */
	size_t body_len;
	void *body_doc; /* cmark_node *, with KP_LOAD_BODY */
};

enum {
	KP_LOAD_BODY = 1 << 0, /* also parse the body with libcmark */
	/*
	 * Try kp_plan_fast() first: the same plan, node for node, for the
	 * block-style YAML kiplan writes, at a fraction of libyaml's cost;
	 * anything else (and every error) goes to the full loader.
	 */
	KP_LOAD_FAST = 1 << 1
};

/*
 * Load a plan file ("-" is standard input).  Splits the frontmatter (a
 * UTF-8 BOM and CRLF line endings are accepted; an unclosed frontmatter is
 * an error at line 1) and loads it with kp_yaml_parse(KP_YAML_PLAN).
 * Refuses files larger than KP_PLAN_MAX.  On failure *out is NULL and err
 * says where and why.
 */
int kp_plan_load(struct kp_plan **out, const char *path, unsigned flags,
		 struct kp_error *err);
/* The same, from memory; name stands for the file in messages. */
int kp_plan_parse(struct kp_plan **out, const char *name, const char *data,
		  size_t len, unsigned flags, struct kp_error *err);
void kp_plan_free(struct kp_plan *plan);

/* Shorthands: kp_node_str(kp_node_at(plan->root, path)). */
const char *kp_plan_str(const struct kp_plan *plan, const char *path);

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

void kp_findings_add(struct kp_findings *f, const char *code,
		     enum kp_severity sev, unsigned line, unsigned col,
		     const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* Sort by line, then column, keeping the order of equal positions. */
void kp_findings_sort(struct kp_findings *f);
size_t kp_findings_count(const struct kp_findings *f, enum kp_severity sev);
void kp_findings_release(struct kp_findings *f);
const char *kp_severity_name(enum kp_severity sev);

/* ------------------------------------------------------------------ */
/* Dates                                                               */
/* ------------------------------------------------------------------ */

struct kp_date {
	int y, m, d;
};

/* 1 when y-m-d is a real calendar date (proleptic Gregorian), else 0. */
int kp_date_valid(int y, int m, int d);
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
/* Add calendar months; the day is clamped to the end of the month. */
struct kp_date kp_date_add_months(struct kp_date date, int months);
int kp_date_cmp(struct kp_date a, struct kp_date b);
/* "YYYY-MM-DD" into out[11]. */
void kp_date_format(char out[11], struct kp_date date);
/*
 * Today's local date, or $KIPLAN_TODAY (YYYY-MM-DD) when set, so that
 * tests are deterministic.  KP_EUSAGE when KIPLAN_TODAY is malformed.
 */
int kp_today(struct kp_date *out, struct kp_error *err);

/* ------------------------------------------------------------------ */
/* CPR numbers                                                         */
/* ------------------------------------------------------------------ */

enum kp_cpr_status {
	KP_CPR_OK = 0,
	KP_CPR_FORMAT, /* not DDMMYY-SSSS */
	KP_CPR_DATE,   /* no such birth date */
	KP_CPR_MOD11   /* fails the modulus-11 check (a warning) */
};

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
 * Mask, in place, everything in s shaped like a CPR number, whatever it
 * is glued to: six digits, a dash or a space and four digits
 * ("010174-xxxx"), or a run of ten digits, or of nine (a number whose
 * leading zero YAML dropped), lose their last four digits.  Longer runs
 * of digits, decimal fractions and words of 12 or more hex digits
 * (commit ids) are left alone.  kp_error_set() and
 * kp_findings_add() do it to every message.  Returns the number masked.
 */
size_t kp_cpr_mask_text(char *s);

/* ------------------------------------------------------------------ */
/* JSON Schema (2020-12, the subset in man/kiplan-plan.5)             */
/* ------------------------------------------------------------------ */

struct kp_schema;

/*
 * Compile a schema document.  Refuses (KP_ESCHEMA, with the line and
 * column of the keyword) any keyword outside the supported subset, a $ref
 * that does not resolve inside the document, and an invalid pattern.
 * The schema keeps no pointer into doc: doc may be freed afterwards.
 */
int kp_schema_compile(struct kp_schema **out, const struct kp_node *doc,
		      const char *name, struct kp_error *err);
/* Load and compile a schema file, YAML or JSON. */
int kp_schema_load(struct kp_schema **out, const char *path,
		   struct kp_error *err);
/* The schema compiled into the binary: schema/kiplan-1.schema.yaml. */
int kp_schema_builtin(struct kp_schema **out, struct kp_error *err);
/* Its source text (for kiplan init, which records it). */
const char *kp_schema_builtin_text(size_t *len);
void kp_schema_free(struct kp_schema *schema);

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
 * Call fn for each property name the schema declares for the object at
 * path, in the order of the schema document (including those added by
 * allOf branches, after the base's).  Returns the number of names.
 */
size_t kp_schema_properties(const struct kp_schema *schema, const char *path,
			    void (*fn)(const char *name, void *payload),
			    void *payload);

/* ------------------------------------------------------------------ */
/* The guideline's rules and validation                                */
/* ------------------------------------------------------------------ */

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

/* The table of rules, in a stable order; count in *n. */
const struct kp_rule *kp_rules(size_t *n);

/* Run every rule on plan. */
void kp_rules_check(const struct kp_plan *plan, struct kp_findings *out);

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

/* ------------------------------------------------------------------ */
/* Threads (lib/parallel.c)                                            */
/* ------------------------------------------------------------------ */

#define KP_JOBS_MAX 8

/* The number of online CPUs, from 1 to KP_JOBS_MAX. */
int kp_jobs_default(void);

/*
 * Call fn(payload, from, to, worker) over [0, n) cut into at most jobs
 * contiguous ranges, one per thread (the calling thread runs the first;
 * worker is 0..jobs-1), and return when all are done.  fn must touch only
 * what belongs to its range and its worker.  If a thread cannot be
 * started, its range runs on the calling thread.
 */
void kp_parallel(size_t n, int jobs,
		 void (*fn)(void *payload, size_t from, size_t to, int worker),
		 void *payload);

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

/* --- repo: declarations of lib/repo.c go here --- */

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
 * The next free plan id of year, "ki-YYYY-NNNN", into out: one more than
 * the highest of that year in the working directory, in HEAD, and among
 * the drafts being edited (.git/kiplan-edit/).  Call it holding the lock.
 */
int kp_repo_next_id(char out[13], struct kp_repo *repo, int year,
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
 * Build a commit message: summary, the body paragraphs (one line each),
 * then the trailers
 * "Plan-Id: id", "Revision: N" and one "Sendt-til: R" per recipient.
 * Every part is refused (KP_EUSAGE) when it holds a control character (a
 * newline could forge a trailer); a recipient also when it holds '<' or
 * '>' outside its "Name <email>" form.
 */
int kp_repo_message(struct kp_buf *out, const char *summary,
		    const char *const *body, size_t nbody, const char *id,
		    unsigned revision, const char *const *recipients,
		    size_t nrecipients, struct kp_error *err);

/*
 * Commit the one file rel with the content data (len bytes) on top of
 * HEAD: the new tree is HEAD's tree with that one entry replaced, whatever
 * else is staged or modified.  With data NULL the tree is HEAD's own (an
 * empty commit that records a sending).  HEAD's branch moves only if it
 * still points where it was read (compare and swap), then the index entry
 * of rel is updated, so that git status shows the file clean.  Author and
 * committer: $KIPLAN_AUTHOR ("Name <email>") or git's user.name and
 * user.email; times from $GIT_AUTHOR_DATE and $GIT_COMMITTER_DATE when
 * set ("@SECONDS +HHMM", "SECONDS +HHMM" or "YYYY-MM-DDTHH:MM:SS+HH:MM").
 * The commit id goes into out.  Call it holding the lock.
 */
int kp_repo_commit(char out[41], struct kp_repo *repo, const char *rel,
		   const char *data, size_t len, const char *message,
		   struct kp_error *err);

/*
 * A test hook: when $KIPLAN_TEST_CRASH equals point, the process kills
 * itself with SIGKILL there, so that tests can check what a crash at
 * that point leaves behind.
 */
void kp_test_crash(const char *point);

/*
 * The draft of a new plan (lib/template.c): the template of the
 * guideline's Bilag 1 as a plan file with id, status kladde, and the
 * values of fields (a KP_MAP; NULL for none) in the template's order.
 * Every field not given stands as a Danish comment that says what goes
 * there.  The keys kiplan, id and status of fields are ignored.
 */
int kp_template_draft(struct kp_buf *out, const char *id,
		      const struct kp_node *fields, struct kp_error *err);

/* ------------------------------------------------------------------ */
/* Rendering (lib/render.c builds the model; render_html.c and         */
/* render_pdf.c write it)                                              */
/* ------------------------------------------------------------------ */

/*
 * A rendered plan is first built as a small document model, the same for
 * HTML and PDF, so that both show exactly the same parts, rows and texts.
 * Texts are UTF-8 CommonMark unless KP_CELL_PLAIN is set.
 */
enum {
	KP_CELL_HEADER = 1 << 0, /* a header cell (th, scope col/row) */
	KP_CELL_PLAIN = 1 << 1,	 /* literal text, not CommonMark */
	KP_CELL_EMPH = 1 << 2,	 /* guidance text: italic, muted */
	KP_CELL_LABEL = 1 << 3	 /* a row label (th scope=row) */
};

struct kp_cell {
	char *text; /* owned; NULL (never set) or "" when empty */
	unsigned flags;
	unsigned colspan; /* 1 or more */
	unsigned rowspan; /* 1 or more; rows it spans are kept together */
	int skip;	  /* covered by a span from the left or above */
};

enum kp_block_type {
	KP_BLOCK_HEADING, /* level 1..3, text plain */
	KP_BLOCK_TEXT,	  /* a paragraph or more of CommonMark */
	KP_BLOCK_TABLE
};

struct kp_block {
	enum kp_block_type type;
	int level;	/* headings */
	char *text;	/* headings and text; owned */
	unsigned flags; /* KP_CELL_* for text blocks */
	size_t ncols, nrows;
	size_t header_rows;    /* repeated at the top of each page */
	double *widths;	       /* ncols relative column widths; owned */
	struct kp_cell *cells; /* nrows * ncols, row-major; owned */
};

struct kp_rdoc {
	char *title; /* "Koordinerende indsatsplan ki-2014-0001 – Navn" */
	char *subject;
	char *author;	   /* the coordinator */
	char *header;	   /* running header: citizen's name and plan id */
	char *stamp;	   /* revision stamp, one line */
	int draft;	   /* not sent: "Udkast – ikke afsendt" */
	int invalid;	   /* rendered with --force: marked on every page */
	long long created; /* seconds since the epoch, for metadata */
	struct kp_block *blocks;
	size_t nblocks, alloc;
};

struct kp_render_opts {
	const struct kp_schema *schema; /* labels; NULL: the built-in one */
	const struct kp_source *src;	/* revision stamp; NULL: not sent */
	int redact;			/* hide CPR's last four and phones */
	int invalid;			/* the plan has errors (--force) */
};

/* --- render: declarations of lib/render*.c go here --- */

/*
 * Build the model of plan: the title, then Bilag 1's five parts in order
 * with the guideline's headings and tables, the fields a regional schema
 * adds, and the body under its own heading.  Labels come from the
 * schema's titles (opts->schema, or the built-in schema).  Dates are
 * written the Danish way ("1. maj 2014").  With opts->redact, the CPR
 * number's last four digits and every telephone number are hidden.
 * opts may be NULL.  *out is the caller's (kp_rdoc_free()).
 */
/*
 * What every format shows on every page of a plan that was not sent (a
 * working copy, a file outside a repository), and of one rendered with
 * --force although it has errors.
 */
#define KP_RENDER_DRAFT "Udkast \u2013 ikke afsendt"
#define KP_RENDER_INVALID                                                      \
	"UGYLDIG PLAN \u2013 planen har fejl og m\u00e5 "                      \
	"ikke sendes"

int kp_render_model(struct kp_rdoc **out, const struct kp_plan *plan,
		    const struct kp_render_opts *opts, struct kp_error *err);

/* A new, empty model; never NULL.  Every string field is "" or NULL. */
struct kp_rdoc *kp_rdoc_new(void);
/* Free doc, its blocks and their cells; NULL is a no-op. */
void kp_rdoc_free(struct kp_rdoc *doc);
/* Replace a string field of doc (title, subject...) with a copy of s. */
void kp_rdoc_set(char **field, const char *s);

/*
 * Append a block to doc.  The returned block is borrowed and stays valid
 * until the next block is appended.  text is copied.
 */
struct kp_block *kp_rdoc_heading(struct kp_rdoc *doc, int level,
				 const char *text);
struct kp_block *kp_rdoc_text(struct kp_rdoc *doc, const char *text,
			      unsigned flags);
/*
 * A table of ncols columns, equally wide, and no rows yet; rows appear as
 * kp_rdoc_cell_set() fills them.  The first header_rows rows are
 * repeated at the top of each page.
 */
struct kp_block *kp_rdoc_table(struct kp_rdoc *doc, size_t ncols,
			       size_t header_rows);
/* Set the relative column widths (ncols values, any positive scale). */
void kp_rdoc_table_widths(struct kp_block *table, const double *widths);
/*
 * Set the cell at row, col (0-based) to a copy of text with flags and
 * spans; the table grows to hold row + rowspan rows (new cells: text
 * NULL, spans 1), and the cells the span covers are marked skip.  KP_EUSAGE
 * (table unchanged) when the span leaves the table or overlaps a cell already
 * set or covered.
 */
int kp_rdoc_cell_set(struct kp_block *table, size_t row, size_t col,
		     const char *text, unsigned flags, unsigned colspan,
		     unsigned rowspan);
/* The cell at row, col; borrowed; NULL outside the table. */
struct kp_cell *kp_rdoc_cell(const struct kp_block *table, size_t row,
			     size_t col);

/*
 * Parse CommonMark text for rendering, in time linear in len whatever
 * the text: libcmark 0.30.2 is quadratic on some inputs (CVE-2023-22486,
 * GHSA-66g8-4hjf-77xh), so the text is cut at blank lines (outside and
 * around fenced code) into groups of at most KP_MD_CHUNK bytes that are
 * parsed one by one, and a block longer than that, or holding more than
 * KP_MD_SPECIAL of the characters whose runs cmark stacks (* _ [ ] ` < !
 * and backslash), is kept as plain paragraphs.  The tree is made safe for
 * every writer: raw HTML becomes literal text, images become their
 * description (no request is ever made), and a link that
 * kp_md_url_safe() refuses becomes its text.  Returns a cmark_node *
 * document (free it with kp_md_free()); never NULL.  Walk it with
 * cmark_iter, not by recursion: it may be thousands of levels deep.
 */
#define KP_MD_CHUNK (8 * 1024)
#define KP_MD_SPECIAL 1000
void *kp_md_parse(const char *text, size_t len);
void kp_md_free(void *root);
/*
 * 1 when url may be a link target: http, https, mailto, or a place in
 * the document ("#x").  Relative and empty references are not: a sent
 * document has nothing to be relative to.
 */
int kp_md_url_safe(const char *url);

/*
 * Write doc as one self-contained HTML document (inline CSS, no script,
 * no external reference; lang="da") to out.
 */
int kp_render_html(struct kp_buf *out, const struct kp_rdoc *doc,
		   struct kp_error *err);

/*
 * Build the model of plan and write it as format "html" or "pdf" to out.
 * KP_EUSAGE for another format.
 */
int kp_render(struct kp_buf *out, const char *format,
	      const struct kp_plan *plan, const struct kp_render_opts *opts,
	      struct kp_error *err);

/*
 * Write doc as an A4 PDF to out (appended), drawn with cairo and pango:
 * DejaVu fonts, embedded; tables and long cells break across pages with
 * their header rows repeated; a running header (doc->header, doc->stamp,
 * the draft and invalid marks) and "Side N af M" on every page; title,
 * author, subject and creation date as metadata; bookmarks for the
 * headings.  Layout time is bounded: KP_ELIMIT when the text would run
 * past some 40000 lines (500 pages); KP_ERENDER when cairo fails.  On
 * failure out is as it was.
 */
int kp_render_pdf(struct kp_buf *out, const struct kp_rdoc *doc,
		  struct kp_error *err);

/* --- due and export: declarations of lib/due.c, lib/export.c go here --- */

/*
 * Walk paths for plan files (lib/scan.c).  A directory stands for every
 * *.md below it, recursively, names in byte order within each directory
 * (so the order is the same on every machine), hidden entries (.git)
 * skipped, symbolic links to directories not followed; anything else
 * stands for itself ("-" too).  fn is called once per file, in that
 * order, with problem NULL, or with problem set when an entry could not
 * be read (a directory that cannot be opened); the walk then goes on.
 * A negative return from fn stops the walk and is returned.  Memory is
 * that of the directories on the current path, not of the whole tree.
 */
int kp_scan(const char *const *paths, size_t npaths,
	    int (*fn)(const char *path, const struct kp_error *problem,
		      void *payload),
	    void *payload);
/*
 * The same walk, giving fn the file's status when the walk has it (a
 * regular file: what lstat() or, for a path given, stat() said), else
 * NULL, so that a caller needing it (the due cache) need not ask again.
 */
struct stat;
int kp_scan_stat(const char *const *paths, size_t npaths,
		 int (*fn)(const char *path, const struct stat *st,
			   const struct kp_error *problem, void *payload),
		 void *payload);

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

struct kp_due_item {
	enum kp_due_kind kind;
	struct kp_date date; /* MOEDE: the consent date until selected */
	unsigned n;	     /* FRIST: the action's number, 1-based */
	unsigned line;	     /* line of the date the item comes from */
	int inferred;	     /* OPFOELGNING: from moede.dato + 6 months */
	long overdue;	     /* days past date (negative: days left) */
	/* Strings belong to the list; "" when the plan does not say. */
	const char *id, *file, *citizen, *coordinator, *responsible, *text;
};

struct kp_due_list {
	struct kp_due_item *v;
	size_t len, alloc;
	struct kp_doc *arena; /* holds the strings */
};
/* clang-format off */
#define KP_DUE_LIST_INIT { NULL, 0, 0, NULL }
/* clang-format on */

const char *kp_due_kind_name(enum kp_due_kind kind);

/*
 * Append the items of the plan whose frontmatter is root, read from file,
 * whatever their dates (so that they can be cached).  A draft's item is
 * appended only when draft_days >= 0.  Dates that are present but not
 * dates, an active plan without any date, and a status that is none of
 * kladde, aktiv, afsluttet are appended to problems (code "due", severity
 * error, at their line): never skipped in silence; so is a draft without
 * samtykke.dato (a warning).  Returns the number of items appended.
 */
size_t kp_due_extract(struct kp_due_list *out, const struct kp_node *root,
		      const char *file, int draft_days,
		      struct kp_findings *problems);
/*
 * The fast path of due (lib/duescan.c): the fields that kp_due_extract()
 * reads, straight from the text of a plan file (len bytes) in the block
 * style YAML that kiplan writes and people type.  Returns 1 and *out, a
 * document of only those fields with their lines, when the whole file is
 * in that style and would load without error; 0 (and *out NULL) when
 * kp_plan_parse() must decide.  It never gives another answer than the
 * full loader.
 */
int kp_due_fast(struct kp_doc **out, const char *data, size_t len);
/*
 * The same reader for the whole frontmatter: a plan equal to what
 * kp_plan_parse(name, data, len, 0) gives, node for node with the same
 * lines and columns, when the file is in that style (1); 0 when
 * kp_plan_parse() must decide.  For export and validate at scale.
 */
int kp_plan_fast(struct kp_plan **out, const char *name, const char *data,
		 size_t len);
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
 * Append to out a copy of each of the n items that opts selects, with its
 * final date (a draft's consent date plus opts->draft_days) and its
 * overdue days set.  Returns the number appended.
 */
size_t kp_due_keep(struct kp_due_list *out, const struct kp_due_item *items,
		   size_t n, const struct kp_due_opts *opts);
/*
 * Sort by group (with opts->by: the responsible party or the
 * coordinator), date, id, kind, number and file.  Returns the number of
 * overdue items.
 */
size_t kp_due_sort(struct kp_due_list *list, const struct kp_due_opts *opts);

/*
 * Output of a sorted list.  Each writer appends to out; the caller
 * writes out as it goes.  redact leaves out the citizen's name.
 * text: for people; tsv: a header line and one line per item; json: an
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

/* iCalendar helpers (lib/ics.c), exposed for the tests. */
/* Append s as an RFC 5545 TEXT value: \\ \; \, and \n escaped. */
void kp_ics_add_text(struct kp_buf *out, const char *s, size_t len);
/*
 * Append one content line: fold it at 75 octets (never inside a UTF-8
 * sequence; continuation lines start with a space) and end it with CRLF.
 */
void kp_ics_add_line(struct kp_buf *out, const char *line, size_t len);

/*
 * The due-item cache (lib/cache.c): for each plan file, its identity
 * (device, inode, size, modification and change times in nanoseconds)
 * and the items extracted from it, so that a second run over unchanged
 * plans reads no plan.  Records are kept in the order of the walk and
 * matched in lockstep, so memory stays flat.  The file is private (0600)
 * and written atomically; a cache that is corrupt, of another version or
 * of other options is ignored and rebuilt.
 */
struct kp_due_cache;

struct kp_file_id {
	unsigned long long dev, ino, size;
	long long mtime_ns, ctime_ns;
};

/*
 * Open the cache at path for reading (a missing or bad one reads as
 * empty) and start a new one beside it.  key identifies the options that
 * shape the items (the draft days); a cache with another key is ignored.
 */
int kp_due_cache_open(struct kp_due_cache **out, const char *path,
		      unsigned long long key, struct kp_error *err);
/*
 * Look up file with identity id: on a hit append its items to out and
 * return 1; 0 on a miss.  Calls must come in the order of the walk.
 */
int kp_due_cache_get(struct kp_due_cache *cache, const char *file,
		     const struct kp_file_id *id, struct kp_due_list *out);
/* Record file's items (the last n of items) for the new cache. */
void kp_due_cache_put(struct kp_due_cache *cache, const char *file,
		      const struct kp_file_id *id,
		      const struct kp_due_item *items, size_t n);
/* Write the new cache atomically (mode 0600), unless nothing changed. */
int kp_due_cache_commit(struct kp_due_cache *cache, struct kp_error *err);
void kp_due_cache_free(struct kp_due_cache *cache);
/*
 * The cache file (free() it): gitdir/kiplan-due.cache in a repository,
 * else $XDG_CACHE_HOME/kiplan/due-KEY.cache (default ~/.cache), one per
 * key (a hash of the directory and the paths walked).  NULL when there is
 * no place for it.
 */
char *kp_due_cache_path(const char *gitdir, unsigned long long key);
/* FNV-1a, 64 bits, of len bytes, continuing from h (start: 0). */
unsigned long long kp_hash64(unsigned long long h, const void *data,
			     size_t len);

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

void kp_export_begin(struct kp_buf *out, const struct kp_export_opts *opts);
/*
 * One plan; src (may be NULL) adds its revision and commit id.  index is
 * the number of plans written before this one.
 */
void kp_export_plan(struct kp_buf *out, const struct kp_export_opts *opts,
		    const struct kp_plan *plan, const struct kp_source *src,
		    size_t index);
void kp_export_end(struct kp_buf *out, const struct kp_export_opts *opts,
		   size_t count);

/*
 * Append a CSV field (RFC 4180: quoted when it holds the separator, a
 * quote, CR or LF; quotes doubled).  A value that starts with = + - @, tab
 * or CR is neutralised with a leading apostrophe, so that no spreadsheet
 * reads it as a formula.
 */
void kp_csv_add_field(struct kp_buf *out, const char *s, size_t len, char sep);

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

/* The plan's resources as FHIR R4 Bundle entries (lib/fhir.c). */
void kp_fhir_plan(struct kp_buf *out, const struct kp_plan *plan,
		  const struct kp_source *src, int redact, int first);
/*
 * A stable name-based UUID (version 8) for name, "xxxxxxxx-xxxx-...",
 * into out[37]: the same plan gives the same ids in every export.
 */
void kp_uuid_for(char out[37], const char *name);

#endif
