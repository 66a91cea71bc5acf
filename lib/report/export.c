/*
 * export.c: plans as JSON, JSON lines and CSV, written as they come, so
 * that memory does not grow with the number of plans.
 */
#include <string.h>

#include "report/report.h"
#include "jsonw.h"
#include "banned.h"

/* ------------------------------------------------------------------ */
/* A streaming JSON writer                                             */
/* ------------------------------------------------------------------ */

void kp_jw_init(struct kp_jw *w, struct kp_buf *b)
{
	memset(w, 0, sizeof(*w));
	w->b = b;
}

/* Before a value: a comma when the level has one already. */
static void value_prefix(struct kp_jw *w)
{
	if (w->after_key) {
		w->after_key = 0;
		return;
	}
	if (w->used[w->depth])
		kp_buf_addch(w->b, ',');
	w->used[w->depth] = 1;
}

void kp_jw_key(struct kp_jw *w, const char *key)
{
	value_prefix(w);
	kp_buf_add_json(w->b, key, strlen(key));
	kp_buf_addch(w->b, ':');
	w->after_key = 1;
}

void kp_jw_open(struct kp_jw *w, char c)
{
	value_prefix(w);
	kp_buf_addch(w->b, c);
	if (w->depth + 1 < KP_JW_DEPTH)
		w->depth++;
	w->used[w->depth] = 0;
}

void kp_jw_close(struct kp_jw *w, char c)
{
	kp_buf_addch(w->b, c);
	if (w->depth > 0)
		w->depth--;
}

void kp_jw_strn(struct kp_jw *w, const char *s, size_t len)
{
	value_prefix(w);
	kp_buf_add_json(w->b, s, len);
}

void kp_jw_str(struct kp_jw *w, const char *s)
{
	kp_jw_strn(w, s, strlen(s));
}

void kp_jw_bool(struct kp_jw *w, int v)
{
	value_prefix(w);
	kp_buf_addstr(w->b, v ? "true" : "false");
}

void kp_jw_int(struct kp_jw *w, long long v)
{
	value_prefix(w);
	kp_buf_addf(w->b, "%lld", v);
}

void kp_jw_null(struct kp_jw *w)
{
	value_prefix(w);
	kp_buf_addstr(w->b, "null");
}

void kp_jw_raw(struct kp_jw *w, const char *text)
{
	value_prefix(w);
	kp_buf_addstr(w->b, text);
}

int kp_export_redacted(const char *path, const char *key, size_t keylen)
{
	if (keylen == 7 && memcmp(key, "telefon", 7) == 0)
		return 1;
	return keylen == 3 && memcmp(key, "cpr", 3) == 0 &&
	       strcmp(path, "borger") == 0;
}

void kp_jw_node(struct kp_jw *w, const struct kp_node *n, int redact,
		const char *path)
{
	size_t i;

	switch (n->type) {
	case KP_SEQ:
		kp_jw_open(w, '[');
		for (i = 0; i < n->v.seq.len; i++)
			kp_jw_node(w, n->v.seq.items[i], redact, "[]");
		kp_jw_close(w, ']');
		break;
	case KP_MAP:
		kp_jw_open(w, '{');
		for (i = 0; i < n->v.map.len; i++) {
			const struct kp_pair *p = &n->v.map.pairs[i];

			if (redact &&
			    kp_export_redacted(path, p->key, p->keylen))
				continue;
			value_prefix(w);
			kp_buf_add_json(w->b, p->key, p->keylen);
			kp_buf_addch(w->b, ':');
			w->after_key = 1;
			/* Only "borger" matters to redaction: no paths built.
			 */
			kp_jw_node(w, p->value, redact, *path ? "." : p->key);
		}
		kp_jw_close(w, '}');
		break;
	default: value_prefix(w); kp_json_write(w->b, n);
	}
}

/* ------------------------------------------------------------------ */
/* JSON                                                                */
/* ------------------------------------------------------------------ */

static int is_meta_key(const char *key)
{
	return strcmp(key, "file") == 0 || strcmp(key, "body") == 0 ||
	       strcmp(key, "revision") == 0 || strcmp(key, "commit") == 0 ||
	       strcmp(key, "modified") == 0;
}

static void json_plan(struct kp_buf *out, const struct kp_plan *plan,
		      const struct kp_source *src, int redact)
{
	const struct kp_node *root = plan->root;
	struct kp_jw w;
	size_t i;

	kp_jw_init(&w, out);
	kp_jw_open(&w, '{');
	kp_jw_key(&w, "file");
	kp_jw_str(&w, plan->path);
	if (src && src->in_repo) {
		kp_jw_key(&w, "revision");
		if (src->revision)
			kp_jw_int(&w, src->revision);
		else
			kp_jw_null(&w);
		kp_jw_key(&w, "commit");
		if (src->commit[0])
			kp_jw_str(&w, src->commit);
		else
			kp_jw_null(&w);
		kp_jw_key(&w, "modified");
		kp_jw_bool(&w, src->modified);
	}
	/* The plan's own fields; a stray key named as ours is not doubled. */
	for (i = 0; root && root->type == KP_MAP && i < root->v.map.len; i++) {
		const struct kp_pair *p = &root->v.map.pairs[i];

		if (is_meta_key(p->key) ||
		    (redact && kp_export_redacted("", p->key, p->keylen)))
			continue;
		kp_jw_key(&w, p->key);
		kp_jw_node(&w, p->value, redact, p->key);
	}
	kp_jw_key(&w, "body");
	kp_jw_strn(&w, plan->body ? plan->body : "", plan->body_len);
	kp_jw_close(&w, '}');
}

/* ------------------------------------------------------------------ */
/* CSV                                                                 */
/* ------------------------------------------------------------------ */

void kp_csv_add_field(struct kp_buf *out, const char *s, size_t len, char sep)
{
	int neutralise = len && strchr("=+-@\t\r", s[0]) != NULL;
	int quote = 0;
	size_t i;

	for (i = 0; i < len && !quote; i++)
		if (s[i] == sep || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
			quote = 1;
	if (quote)
		kp_buf_addch(out, '"');
	if (neutralise)
		kp_buf_addch(out, '\'');
	/*
	 * A cell may hold a line break and a tab; every other control
	 * character is written as \xHH, so that a plan can drive no
	 * terminal that shows the file (JSON escapes them as well).
	 */
	for (i = 0; i < len;) {
		size_t j = i;

		while (j < len && s[j] != '"')
			j++;
		kp_buf_add_text(out, s + i, j - i, "\n\t");
		if (j < len)
			kp_buf_add(out, "\"\"", 2);
		i = j + (j < len);
	}
	if (quote)
		kp_buf_addch(out, '"');
}

static const char *csv_columns[] = { "id",
				     "status",
				     "forloeb",
				     "koordinator",
				     "organisation",
				     "moede_dato",
				     "opfoelgning_dato",
				     "dage_over",
				     "dage_til",
				     "samtykke",
				     "maal",
				     "indsatser",
				     "fil",
				     "revision",
				     "commit",
				     "seneste_moede",
				     "aabne_indsatser",
				     "afslutning_dato",
				     "afslutning_til" };

static void csv_str(struct kp_buf *out, const char *s, char sep, int last)
{
	if (s)
		kp_csv_add_field(out, s, strlen(s), sep);
	if (!last)
		kp_buf_addch(out, sep);
}

/*
 * The follow-up date as due(1) counts it: given, or six months after the
 * latest meeting.
 */
static int followup(struct kp_date *out, const struct kp_node *root)
{
	const char *s = kp_node_str(kp_node_at(root, "opfoelgning.dato"));
	struct kp_meeting last;

	if (s)
		return kp_date_parse(out, s, strlen(s));
	if (kp_plan_last_meeting(&last, root) < 0)
		return -1;
	*out = kp_date_add_months(last.date, 6);
	return 0;
}

static void csv_plan(struct kp_buf *out, const struct kp_export_opts *opts,
		     const struct kp_plan *plan, const struct kp_source *src)
{
	const struct kp_node *root = plan->root, *goals, *consent;
	char sep = opts->excel ? ';' : ',';
	const char *status = kp_node_str(kp_map_get(root, "status"));
	char num[32], ds[11];
	size_t g, a, nact = 0, nopen = 0, ngoals = 0;
	struct kp_meeting last;
	struct kp_date fu;
	int have_fu;

	csv_str(out, kp_node_str(kp_map_get(root, "id")), sep, 0);
	csv_str(out, status, sep, 0);
	csv_str(out, kp_node_str(kp_map_get(root, "forloeb")), sep, 0);
	csv_str(out, kp_node_str(kp_node_at(root, "koordinator.navn")), sep, 0);
	csv_str(out, kp_node_str(kp_node_at(root, "koordinator.organisation")),
		sep, 0);
	csv_str(out, kp_node_str(kp_node_at(root, "moede.dato")), sep, 0);
	have_fu = followup(&fu, root) == 0;
	if (have_fu)
		kp_date_format(ds, fu);
	csv_str(out, have_fu ? ds : NULL, sep, 0);
	if (have_fu && status && strcmp(status, "aktiv") == 0) {
		long d = kp_date_days(opts->today) - kp_date_days(fu);

		/* Two columns, so that no number needs a sign. */
		snprintf(num, sizeof(num), "%ld", d > 0 ? d : 0);
		csv_str(out, num, sep, 0);
		snprintf(num, sizeof(num), "%ld", d < 0 ? -d : 0);
		csv_str(out, num, sep, 0);
	} else {
		csv_str(out, NULL, sep, 0);
		csv_str(out, NULL, sep, 0);
	}
	consent = kp_node_at(root, "samtykke.givet");
	csv_str(out,
		consent && consent->type == KP_BOOL
			? (consent->v.boolean ? "ja" : "nej")
			: NULL,
		sep, 0);
	goals = kp_map_get(root, "maal");
	if (goals && goals->type == KP_SEQ) {
		ngoals = goals->v.seq.len;
		for (g = 0; g < ngoals; g++) {
			const struct kp_node *acts =
				kp_map_get(goals->v.seq.items[g], "indsatser");

			for (a = 0; acts && acts->type == KP_SEQ &&
				    a < acts->v.seq.len;
			     a++) {
				nact++;
				nopen += kp_action_open(acts->v.seq.items[a]);
			}
		}
	}
	snprintf(num, sizeof(num), "%zu", ngoals);
	csv_str(out, num, sep, 0);
	snprintf(num, sizeof(num), "%zu", nact);
	csv_str(out, num, sep, 0);
	csv_str(out, plan->path, sep, 0);
	if (src && src->in_repo && src->revision) {
		snprintf(num, sizeof(num), "%u", src->revision);
		csv_str(out, num, sep, 0);
		csv_str(out, src->commit, sep, 0);
	} else {
		csv_str(out, NULL, sep, 0);
		csv_str(out, NULL, sep, 0);
	}
	if (kp_plan_last_meeting(&last, root) == 0)
		kp_date_format(ds, last.date);
	csv_str(out, kp_plan_last_meeting(&last, root) == 0 ? ds : NULL, sep,
		0);
	snprintf(num, sizeof(num), "%zu", nopen);
	csv_str(out, num, sep, 0);
	csv_str(out, kp_node_str(kp_node_at(root, "afslutning.dato")), sep, 0);
	csv_str(out, kp_node_str(kp_node_at(root, "afslutning.til")), sep, 1);
	kp_buf_addstr(out, "\r\n");
}

/* ------------------------------------------------------------------ */
/* The writer                                                          */
/* ------------------------------------------------------------------ */

void kp_export_begin(struct kp_buf *out, const struct kp_export_opts *opts)
{
	size_t i, n = sizeof(csv_columns) / sizeof(csv_columns[0]);

	switch (opts->format) {
	case KP_EXPORT_JSON: kp_buf_addch(out, '['); break;
	case KP_EXPORT_JSONL: break;
	case KP_EXPORT_CSV:
		if (opts->excel)
			kp_buf_addstr(out, "\xef\xbb\xbf");
		for (i = 0; i < n; i++)
			csv_str(out, csv_columns[i], opts->excel ? ';' : ',',
				i + 1 == n);
		kp_buf_addstr(out, "\r\n");
		break;
	case KP_EXPORT_FHIR:
		kp_buf_addf(out,
			    "{\"resourceType\":\"Bundle\","
			    "\"type\":\"%s\",\"entry\":[",
			    opts->transaction ? "transaction" : "collection");
		break;
	}
}

void kp_export_plan(struct kp_buf *out, const struct kp_export_opts *opts,
		    const struct kp_plan *plan, const struct kp_source *src,
		    size_t index)
{
	struct kp_plan *redacted = NULL;
	struct kp_error err = KP_ERROR_INIT;

	/*
	 * --redact: every format writes the redacted copy, and leaves out the
	 * CPR and telephone fields besides.  The copy cannot fail to parse
	 * (only digits change), but if it did, nothing is written.
	 */
	if (opts->redact) {
		if (kp_plan_redacted(&redacted, plan, &err) < 0)
			return;
		plan = redacted;
	}
	switch (opts->format) {
	case KP_EXPORT_JSON:
		kp_buf_addstr(out, index ? ",\n" : "\n");
		json_plan(out, plan, src, opts->redact);
		break;
	case KP_EXPORT_JSONL:
		json_plan(out, plan, src, opts->redact);
		kp_buf_addch(out, '\n');
		break;
	case KP_EXPORT_CSV: csv_plan(out, opts, plan, src); break;
	case KP_EXPORT_FHIR:
		kp_fhir_plan(out, NULL, NULL, plan, src, opts, index == 0);
		break;
	}
	kp_plan_free(redacted);
}

void kp_export_end(struct kp_buf *out, const struct kp_export_opts *opts,
		   size_t count)
{
	switch (opts->format) {
	case KP_EXPORT_JSON: kp_buf_addstr(out, count ? "\n]\n" : "]\n"); break;
	case KP_EXPORT_JSONL:
	case KP_EXPORT_CSV: break;
	case KP_EXPORT_FHIR: kp_buf_addstr(out, "]}\n"); break;
	}
}
