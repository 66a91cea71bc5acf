/*
 * load.h: the load module, for the modules above it: plan files read and parsed
 * (YAML with libyaml, the fast reader, JSON, Markdown), the walk over paths,
 * and the batch engine that reads many plans on every CPU.
 */
#ifndef KP_LOAD_H
#define KP_LOAD_H

#include "kiplan.h"
#include "base/base.h"

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

/*
 * Load a plan file ("-" is standard input).  Splits the frontmatter (a
 * UTF-8 BOM and CRLF line endings are accepted; an unclosed frontmatter is
 * an error at line 1) and loads it with kp_yaml_parse(KP_YAML_PLAN).
 * Refuses files larger than KP_PLAN_MAX.  On failure *out is NULL and err
 * says where and why.
 */
int kp_plan_load(struct kp_plan **out, const char *path, unsigned flags,
		 struct kp_error *err);

/* Shorthands: kp_node_str(kp_node_at(plan->root, path)). */
const char *kp_plan_str(const struct kp_plan *plan, const char *path);

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

struct stat;

/*
 * The batch engine (batch.c).  kp_batch_run() walks paths as kp_scan()
 * does and handles the plan files found in batches of KP_BATCH_SIZE:
 *
 *  1. prepare(ctx, item, main) on the calling thread, in the walk's
 *     order; it may set item->skip when it has the answer already (a
 *     cache hit).  May be NULL.
 *  2. Every other item is read (at most KP_PLAN_MAX bytes) and given to
 *     work(ctx, item, data, len, worker), on up to jobs threads when the
 *     batch has at least KP_BATCH_THREADED items to read, else on the
 *     calling thread.  work() may touch only its item, its slot and its
 *     worker.  A file that cannot be read is not worked: item->failed
 *     and item->error say why.
 *  3. finish(ctx, item) on the calling thread, in the walk's order, for
 *     every item: worked, skipped or failed.  A file that the walk saw
 *     but that is gone when it is read (a plan removed, a writer's
 *     temporary file renamed meanwhile) is not an item at all.
 *
 * Each item has a slot of ops->slot_size bytes, zeroed, for the caller's
 * results; slots and the workers' arenas are valid until finish() has
 * seen the whole batch.  Returns what the walk returns.
 */
#define KP_BATCH_SIZE 1024
#define KP_BATCH_THREADED 32

struct kp_batch_item {
	char *path;	       /* as the walk gave it; the engine's */
	const struct stat *st; /* what the walk saw, or NULL */
	size_t index;	       /* within the batch */
	void *slot;	       /* the caller's: ops->slot_size bytes */
	int skip;	       /* set by prepare(): nothing to read */
	int failed;	       /* error says why the file was not worked */
	int walk_problem;      /* failed already in the walk */
	int vanished;	       /* gone since the walk: never finished */
	struct kp_error error;
};

struct kp_batch_worker {
	int index;	      /* 0..jobs-1; -1 for the calling thread */
	struct kp_buf data;   /* the engine's read buffer */
	struct kp_doc *arena; /* see kp_batch_arena() */
};

struct kp_batch_ops {
	size_t slot_size;
	void (*prepare)(void *ctx, struct kp_batch_item *item,
			struct kp_batch_worker *main);
	void (*work)(void *ctx, struct kp_batch_item *item, const char *data,
		     size_t len, struct kp_batch_worker *worker);
	void (*finish)(void *ctx, struct kp_batch_item *item);
};

/*
 * An arena for what a worker's items keep until finish(): freed with the
 * batch.  Never NULL.
 */
struct kp_doc *kp_batch_arena(struct kp_batch_worker *w);

/* jobs < 1: kp_jobs_default(). */
int kp_batch_run(const char *const *paths, size_t npaths, int jobs,
		 const struct kp_batch_ops *ops, void *ctx);

/*
 * YAML in kiplan's block style (emit.c), for the template and for the
 * values that edits put into a plan.  kp_yaml_scalar() writes a scalar
 * inline: plain when it reads back as the same string, else quoted as
 * JSON (which YAML reads), so a value never changes in the round trip.
 * kp_yaml_key() writes "key:".  kp_yaml_value() writes what follows
 * "key:" at indentation ind - 2: " scalar\n", or a newline and the
 * collection's lines at ind.  kp_yaml_pairs() writes a mapping's pairs
 * at ind, the first without indentation when first_inline (after "- ").
 */
void kp_yaml_scalar(struct kp_buf *out, const struct kp_node *n);
void kp_yaml_key(struct kp_buf *out, const char *key, size_t len);
void kp_yaml_value(struct kp_buf *out, const struct kp_node *n, int ind);
void kp_yaml_pairs(struct kp_buf *out, const struct kp_node *map, int ind,
		   int first_inline);

/*
 * The frontmatter of a plan's text (BOM and CRs removed, as
 * kp_plan_parse() keeps it): its first byte after the opening '---'
 * line, and the first byte of the closing '---' or '...' line.  -1 when
 * the text has no closed frontmatter.
 */
int kp_plan_frontmatter(size_t *start, size_t *end, const char *text,
			size_t len);

/*
 * Give text, a plan's text as kp_plan_parse() keeps it (LF, no BOM), the
 * byte order mark and CRLF line ends of raw, the file as it was read,
 * when raw has them; so that a changed file keeps its style.
 */
void kp_plan_restyle(struct kp_buf *text, const char *raw, size_t len);

/*
 * Surgical changes to the frontmatter of a plan's text (edit.c): every
 * byte outside the change stays as it was, comments, order, quoting and
 * blank lines.  path is dotted ("opfoelgning.dato",
 * "maal.0.indsatser.1.status"); a number names a list item, from 0.
 *
 * KP_EDIT_SET: the value at path becomes value, written as YAML.  A
 * scalar over a scalar is replaced in place, so that a comment after it
 * stays; a missing key is added at the end of its mapping (at the end of
 * the frontmatter for a top-level key), an item at the end of its list
 * (the index equal to the list's length), and mappings missing on the
 * way are made.
 *
 * KP_EDIT_REMOVE: the key at path goes, with its value's lines; a
 * mapping left empty goes with it (not the root).  A missing key is
 * nothing to do.
 *
 * KP_EUSAGE when the path cannot be followed (a key under a scalar, an
 * index beyond a list's end) or passes a flow collection ([a, b],
 * {k: v}), which kiplan does not rewrite; KP_EPARSE when the text does
 * not parse.  On failure text is unchanged.
 *
 * KP_EDIT_REMOVE_ITEM: as KP_EDIT_REMOVE, and a list item (path ending
 * in its number) goes too, with its lines; a list left empty becomes [].
 */
enum kp_edit_op { KP_EDIT_SET, KP_EDIT_REMOVE, KP_EDIT_REMOVE_ITEM };
int kp_yaml_edit(struct kp_buf *text, enum kp_edit_op op, const char *path,
		 const struct kp_node *value, struct kp_error *err);

/*
 * Characters that people paste from a word processor, or type, where
 * YAML needs something else: a tab in the indentation, a no-break space
 * (U+00A0) for a space, typographic quotation marks (U+2018, U+2019,
 * U+201C, U+201D, U+201E) for straight ones.
 */
enum kp_hint { KP_HINT_NONE, KP_HINT_TAB, KP_HINT_NBSP, KP_HINT_QUOTE };

/*
 * The hint for the character at s (at most n bytes), or KP_HINT_NONE;
 * *cp is its code point.  A tab is KP_HINT_TAB wherever it is: only the
 * caller knows whether it stands in the indentation.
 */
enum kp_hint kp_hint_at(const char *s, size_t n, unsigned *cp);

/*
 * Where a YAML token may start on the line [s, end) (at its start, after
 * "key:" or "- ", each followed by white space), the first character
 * that kp_hint_at() knows, tabs only in the line's indentation.  Its byte
 * offset from s in *off; KP_HINT_NONE when there is none.
 */
enum kp_hint kp_hint_line(const char *s, const char *end, size_t *off,
			  unsigned *cp);

/* Where the character stands: it broke the YAML, or YAML took it in. */
enum kp_hint_place { KP_HINT_BROKE, KP_HINT_IN_KEY, KP_HINT_IN_VALUE };

/*
 * Append the message for the hint (translated): what the character is
 * and what to write instead.
 */
void kp_hint_message(struct kp_buf *out, enum kp_hint hint, unsigned cp,
		     enum kp_hint_place place);

#endif
