/*
 * export.h: private to lib/export.c and lib/fhir.c: a small streaming
 * JSON writer that keeps track of commas, so that deeply nested FHIR
 * resources can be written without building a tree first.
 */
#ifndef KP_EXPORT_H
#define KP_EXPORT_H

#include <stddef.h>

struct kp_buf;
struct kp_node;

#define KP_JW_DEPTH 48

struct kp_jw {
	struct kp_buf *b;
	int depth;
	int after_key;
	unsigned char used[KP_JW_DEPTH]; /* a value at this level already */
};

void kp_jw_init(struct kp_jw *w, struct kp_buf *b);
void kp_jw_key(struct kp_jw *w, const char *key);
void kp_jw_open(struct kp_jw *w, char c);  /* '{' or '[' */
void kp_jw_close(struct kp_jw *w, char c); /* '}' or ']' */
void kp_jw_str(struct kp_jw *w, const char *s);
void kp_jw_strn(struct kp_jw *w, const char *s, size_t len);
void kp_jw_bool(struct kp_jw *w, int v);
void kp_jw_int(struct kp_jw *w, long long v);
void kp_jw_null(struct kp_jw *w);
/* A value written as it is: a number already formatted. */
void kp_jw_raw(struct kp_jw *w, const char *text);
/*
 * A node as JSON, leaving out what redaction hides.  path is the key of
 * a top-level field ("borger"), "" for the root, and anything else below.
 */
void kp_jw_node(struct kp_jw *w, const struct kp_node *n, int redact,
		const char *path);

/*
 * 1 when key, in the object at path (as kp_jw_node() names it), is hidden
 * by --redact: borger.cpr, or any telefon.
 */
int kp_export_redacted(const char *path, const char *key, size_t keylen);

#endif
