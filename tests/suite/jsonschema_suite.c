/*
 * jsonschema_suite.c: run the JSON Schema Test Suite (draft 2020-12)
 * through libkiplan's schema interpreter.
 *
 *   jsonschema-suite DIR
 *
 * Every *.json file below DIR (sorted by path) is an array of groups
 * { description, schema, tests: [{ description, data, valid }] }.  Each
 * group's schema is compiled once and every test's verdict compared with
 * "valid".  A failure prints "FAIL: file / group / test".  Groups that
 * need more than kiplan's subset are skipped by the explicit list below,
 * and listed by name; any other group whose schema does not compile
 * counts every test as failed.  The last line is
 * "N passed, N failed, N skipped" (tests); the exit status is 1 when any
 * test failed.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "report/report.h"

static const struct {
	const char *file;	/* path below DIR */
	const char *group;	/* the group's description */
	const char *why;
} skips[] = {
	{ "additionalProperties.json", "additionalProperties with propertyNames",
	  "needs propertyNames" },
	{ "additionalProperties.json", "dependentSchemas with additionalProperties",
	  "needs dependentSchemas" },
	{ "defs.json", "validate definition against metaschema",
	  "needs the 2020-12 meta-schema (remote $ref)" }
};

struct paths {
	char **v;
	size_t n, alloc;
};

static int path_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void find_json(struct paths *out, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d) {
		fprintf(stderr, "jsonschema-suite: cannot open %s\n", dir);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		struct kp_buf p = KP_BUF_INIT;
		struct stat st;
		size_t len = strlen(e->d_name);

		if (e->d_name[0] == '.')
			continue;
		kp_buf_addf(&p, "%s/%s", dir, e->d_name);
		if (stat(p.buf, &st) == 0 && S_ISDIR(st.st_mode)) {
			find_json(out, p.buf);
			kp_buf_release(&p);
		} else if (len > 5 && !strcmp(e->d_name + len - 5, ".json")) {
			if (out->n == out->alloc) {
				out->alloc = out->alloc ? out->alloc * 2 : 64;
				out->v = kp_xrealloc(out->v, out->alloc *
						     sizeof(*out->v));
			}
			out->v[out->n++] = kp_buf_detach(&p, NULL);
		} else {
			kp_buf_release(&p);
		}
	}
	closedir(d);
}

static const char *skip_reason(const char *rel, const char *group)
{
	size_t i;

	for (i = 0; i < sizeof(skips) / sizeof(skips[0]); i++)
		if (!strcmp(skips[i].file, rel) && !strcmp(skips[i].group, group))
			return skips[i].why;
	return NULL;
}

static const char *str_or(const struct kp_node *n, const char *dflt)
{
	const char *s = kp_node_str(n);

	return s ? s : dflt;
}

int main(int argc, char **argv)
{
	struct paths files = { NULL, 0, 0 };
	unsigned long pass = 0, fail = 0, skipped = 0;
	size_t i, j, k;
	const char *dir;
	size_t dirlen;

	if (argc != 2) {
		fputs("usage: jsonschema-suite DIR\n", stderr);
		return 2;
	}
	dir = argv[1];
	dirlen = strlen(dir);
	while (dirlen > 1 && dir[dirlen - 1] == '/')
		dirlen--;
	find_json(&files, dir);
	if (!files.n) {
		fprintf(stderr, "jsonschema-suite: no *.json below %s\n", dir);
		printf("0 passed, 1 failed\n");
		return 1;
	}
	qsort(files.v, files.n, sizeof(*files.v), path_cmp);
	for (i = 0; i < files.n; i++) {
		const char *path = files.v[i];
		const char *rel = path + dirlen + (path[dirlen] == '/');
		struct kp_buf text = KP_BUF_INIT;
		struct kp_error err = KP_ERROR_INIT;
		struct kp_doc *doc = NULL;
		const struct kp_node *root;
		char msg[600];

		if (kp_buf_read_file(&text, path, 64 * 1024 * 1024, &err) < 0 ||
		    kp_json_parse(&doc, text.buf, text.len, path, &err) < 0) {
			kp_error_format(msg, sizeof(msg), &err);
			printf("FAIL: %s: %s\n", rel, msg);
			fail++;
			goto next;
		}
		root = kp_doc_root(doc);
		if (root->type != KP_SEQ) {
			printf("FAIL: %s: not an array of groups\n", rel);
			fail++;
			goto next;
		}
		for (j = 0; j < root->v.seq.len; j++) {
			const struct kp_node *g = root->v.seq.items[j];
			const char *gdesc = str_or(kp_map_get(g, "description"), "?");
			const struct kp_node *tests = kp_map_get(g, "tests");
			const struct kp_node *schema_node = kp_map_get(g, "schema");
			size_t ntests = tests && tests->type == KP_SEQ ?
					tests->v.seq.len : 0;
			struct kp_schema *schema = NULL;
			const char *why = skip_reason(rel, gdesc);

			if (why) {
				printf("SKIPPED: %s / %s (%zu tests): %s\n", rel,
				       gdesc, ntests, why);
				skipped += ntests;
				continue;
			}
			err = (struct kp_error)KP_ERROR_INIT;
			if (kp_schema_compile(&schema, schema_node, rel, &err) < 0) {
				kp_error_format(msg, sizeof(msg), &err);
				printf("FAIL: %s / %s: schema refused: %s\n", rel,
				       gdesc, msg);
				fail += ntests ? ntests : 1;
				continue;
			}
			for (k = 0; k < ntests; k++) {
				const struct kp_node *t = tests->v.seq.items[k];
				const struct kp_node *data = kp_map_get(t, "data");
				int want = kp_node_true(kp_map_get(t, "valid"));
				int got;

				if (!data) {
					printf("FAIL: %s / %s / %s: no data\n", rel,
					       gdesc, str_or(kp_map_get(t, "description"), "?"));
					fail++;
					continue;
				}
				got = kp_schema_valid(schema, data);
				if (got == want) {
					pass++;
				} else {
					printf("FAIL: %s / %s / %s: expected %s\n",
					       rel, gdesc,
					       str_or(kp_map_get(t, "description"), "?"),
					       want ? "valid" : "invalid");
					fail++;
				}
			}
			kp_schema_free(schema);
		}
next:
		kp_doc_free(doc);
		kp_buf_release(&text);
		free(files.v[i]);
	}
	free(files.v);
	printf("%lu passed, %lu failed, %lu skipped\n", pass, fail, skipped);
	return fail ? 1 : 0;
}
