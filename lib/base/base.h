/*
 * base.h: the base module, for the modules above it: memory, errors, buffers,
 * the data tree, dates, text, files and threads.
 */
#ifndef KP_BASE_H
#define KP_BASE_H

#include "kiplan.h"

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

/* A short lower-case name for an error code: "io", "parse", "limit"... */
const char *kp_error_name(int code);

/* Print "kiplan: out of memory" and abort(): for other allocators. */
void kp_oom(void) __attribute__((noreturn));

/*
 * The length (1 to 4) of the valid UTF-8 sequence at s, of at most n > 0
 * bytes, or 0 when it is not valid UTF-8 (overlong forms, surrogates and
 * code points above U+10FFFF are not).  An ASCII byte, NUL included, is 1.
 */
size_t kp_utf8_len(const char *s, size_t n);

/*
 * The optimal string alignment distance between a and b, in code points
 * (insertions, deletions, substitutions and swaps of neighbours); texts
 * longer than 32 code points are compared by their first 32, and longer
 * than 128 bytes are not compared ((size_t)-1).
 */
size_t kp_text_distance(const char *a, size_t alen, const char *b, size_t blen);

/*
 * How many bytes of s to keep to show it short: its first line, and of
 * a line longer than max characters, the first max, cut after a word
 * when one ends in their second half; never the spaces before the cut.
 * *whole is 1 when s is kept whole (one line, no longer than max), else
 * 0: the caller adds an ellipsis.
 */
size_t kp_text_shorten(const char *s, size_t max, int *whole);

/*
 * kp_buf_read_file() for a file that a walk has just found regular, size
 * bytes long: no fstat(), and the buffer grown to size at once.  Refuses a
 * file that is, or grows, larger than max bytes.
 */
int kp_buf_read_regular(struct kp_buf *b, const char *path, size_t size,
			size_t max, struct kp_error *err);

/* fsync() the directory that holds path; -1 (errno) on failure. */
int kp_sync_dir_of(const char *path);

/*
 * Plugins (lib/base/plugin.c): parts of kiplan that need big libraries
 * (libgit2; cairo and pango) are shared objects that the executable loads
 * with dlopen() on first use, so that the commands that never use them
 * start without mapping those libraries.  A plugin exports one symbol, a
 * const table of function pointers whose first member is the kiplan
 * version it was built for (const char *), and resolves every other kp_
 * function from the executable.  The executable's stubs (lib/repo/
 * git_stubs.c, lib/render/pdf_stubs.c) call through the table; the
 * static library libkiplan.a, which the tests link, has the real
 * functions and no stubs.
 *
 * The file is found in $KIPLAN_PLUGINDIR when that is set; else beside
 * the executable (/proc/self/exe: the build tree); else in ../lib/kiplan
 * from the executable's directory (an installation under any prefix,
 * DESTDIR staging included); else in PKGLIBDIR, compiled in.
 */
struct kp_plugin {
	const char *file;   /* "kiplan-git.so" */
	const char *symbol; /* "kp_git_api" */
	const void *api;    /* the table, once loaded */
};
/* clang-format off */
#define KP_PLUGIN_INIT(file, symbol) { file, symbol, NULL }
/* clang-format on */

/* The one symbol a plugin exports (it is built -fvisibility=hidden). */
#define KP_PLUGIN_EXPORT __attribute__((visibility("default")))

/*
 * The table of plugin p into *out, loading it on the first call
 * (thread-safe; a plugin is never unloaded).  KP_EPLUGIN, with the file
 * and dlerror() in err, when it cannot be loaded or is not a plugin of
 * this kiplan.
 */
int kp_plugin_load(const void **out, struct kp_plugin *p, struct kp_error *err);

/* The table of p when it is loaded already, else NULL; never loads. */
const void *kp_plugin_loaded(struct kp_plugin *p);

/*
 * The body of a stub in the executable for the function name of the
 * plugin p (a struct kp_plugin) whose table is a struct type: for a
 * function that returns int and takes struct kp_error *err last, load p
 * and call through the table, or return the error; for a void function
 * without err, call through the table only when p is loaded (see
 * lib/repo/git_api.def).
 */
/* clang-format off */
#define KP_PLUGIN_STUB(p, type, ret, name, params, args)                   \
	ret name params                                                    \
	{                                                                  \
		const void *api_;                                          \
		int error_ = kp_plugin_load(&api_, &(p), err);             \
                                                                           \
		if (error_ < 0)                                            \
			return error_;                                     \
		return ((const struct type *)api_)->name args;             \
	}
#define KP_PLUGIN_STUB_VOID(p, type, name, params, args)                   \
	void name params                                                   \
	{                                                                  \
		const void *api_ = kp_plugin_loaded(&(p));                 \
                                                                           \
		if (api_)                                                  \
			((const struct type *)api_)->name args;            \
	}
/* clang-format on */

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

/* 1 when y-m-d is a real calendar date (proleptic Gregorian), else 0. */
int kp_date_valid(int y, int m, int d);

/* Add calendar months; the day is clamped to the end of the month. */
struct kp_date kp_date_add_months(struct kp_date date, int months);
int kp_date_cmp(struct kp_date a, struct kp_date b);

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

/* FNV-1a, 64 bits, of len bytes, continuing from h (start: 0). */
unsigned long long kp_hash64(unsigned long long h, const void *data,
			     size_t len);

#endif
