/*
 * due.c: what falls due in a plan (guideline §6.2.5: the coordinating
 * function calls the follow-up meeting at most six months after the
 * last), selecting and sorting it, and writing it for people, scripts
 * and calendars.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "report/report.h"
#include "i18n.h"
#include "banned.h"

/* §6.2.5: "maksimalt går 6 mdr. mellem møderne". */
#define FOLLOWUP_MONTHS 6

const char *kp_due_kind_name(enum kp_due_kind kind)
{
	switch (kind) {
	case KP_DUE_OPFOELGNING: return "opfoelgning";
	case KP_DUE_FRIST: return "frist";
	case KP_DUE_MOEDE: return "moede";
	case KP_DUE_GARANTI: return "behandlingsgaranti";
	case KP_DUE_TILBUD: return "tilbud";
	}
	return "?";
}

/*
 * The words of TSV, JSON and ICS: Danish, the plans' own language,
 * written here and never through gettext, so that those formats are the
 * same bytes in every locale.  The text writer words items with label().
 */
void kp_due_text(struct kp_buf *out, const struct kp_due_item *it)
{
	char ds[11];

	switch (it->kind) {
	case KP_DUE_OPFOELGNING:
		kp_buf_addstr(out, "Opfølgningsmøde");
		if (it->inferred && it->has_meeting) {
			kp_date_format(ds, it->meeting);
			kp_buf_addf(out, " (senest 6 mdr. efter mødet %s)", ds);
		}
		break;
	case KP_DUE_FRIST:
		if (it->task && *it->task)
			kp_buf_addf(out, "Frist: %s", it->task);
		else
			kp_buf_addf(out, "Frist for indsats %u", it->n);
		break;
	case KP_DUE_MOEDE:
		kp_buf_addstr(out, "Første koordinerende møde");
		if (it->has_meeting) {
			kp_date_format(ds, it->meeting);
			kp_buf_addf(out, " (planlagt %s)", ds);
		}
		break;
	case KP_DUE_GARANTI:
		kp_date_format(ds, it->meeting);
		kp_buf_addf(out,
			    "Behandlingsgaranti: behandlingen iværksættes "
			    "(henvendelse %s",
			    ds);
		if (it->task && *it->task)
			kp_buf_addf(out, ", henvist til %s", it->task);
		kp_buf_addch(out, ')');
		break;
	case KP_DUE_TILBUD:
		kp_date_format(ds, it->meeting);
		kp_buf_addf(out, "Tilbyd planen igen (borgeren sagde nej %s)",
			    ds);
		break;
	}
}

static const char *arena_str(struct kp_due_list *l, const char *s)
{
	if (!s || !*s)
		return "";
	if (!l->arena)
		l->arena = kp_doc_new();
	return kp_doc_strndup(l->arena, s, strlen(s));
}

/*
 * A string for out: the previous item's copy when it is the same text
 * (the items of one plan share id, file, citizen and coordinator), else a
 * new copy in the arena.
 */
static const char *share(struct kp_due_list *out, const char *s,
			 const struct kp_due_item *prev)
{
	if (prev && s && *s) {
		if (strcmp(s, prev->id) == 0)
			return prev->id;
		if (strcmp(s, prev->file) == 0)
			return prev->file;
		if (strcmp(s, prev->coordinator) == 0)
			return prev->coordinator;
		if (strcmp(s, prev->citizen) == 0)
			return prev->citizen;
		if (strcmp(s, prev->responsible) == 0)
			return prev->responsible;
	}
	return arena_str(out, s);
}

void kp_due_add(struct kp_due_list *out, const struct kp_due_item *item)
{
	const struct kp_due_item *prev;
	struct kp_due_item *x;

	if (out->len == out->alloc) {
		out->alloc = out->alloc ? out->alloc * 2 : 16;
		out->v = kp_xrealloc(out->v, out->alloc * sizeof(*out->v));
	}
	prev = out->len ? &out->v[out->len - 1] : NULL;
	x = &out->v[out->len++];
	*x = *item;
	x->id = share(out, item->id, prev);
	x->file = share(out, item->file, prev);
	x->citizen = share(out, item->citizen, prev);
	x->coordinator = share(out, item->coordinator, prev);
	x->responsible = share(out, item->responsible, prev);
	x->task = arena_str(out, item->task);
}

void kp_due_release(struct kp_due_list *list)
{
	free(list->v);
	kp_doc_free(list->arena);
	list->v = NULL;
	list->len = list->alloc = 0;
	list->arena = NULL;
}

static const char *str_or_empty(const struct kp_node *n)
{
	const char *s = kp_node_str(n);

	return s ? s : "";
}

/* A present, non-null node that must be a date.  1 ok, 0 absent, -1 bad. */
static int node_date(struct kp_date *out, const struct kp_node *n,
		     const char *field, struct kp_findings *problems)
{
	if (!n || n->type == KP_NULL)
		return 0;
	if (n->type == KP_STR &&
	    kp_date_parse(out, n->v.str.ptr, n->v.str.len) == 0)
		return 1;
	if (problems) {
		struct kp_buf b = KP_BUF_INIT;

		if (n->type == KP_STR)
			kp_buf_add_escaped(&b, n->v.str.ptr,
					   n->v.str.len > 40 ? 40
							     : n->v.str.len);
		else
			kp_buf_addstr(&b, kp_type_name(n->type));
		kp_findings_add(problems, "due", KP_ERROR, n->line, n->col,
				/* TRANSLATORS: a field, then its value */
				_("%s: not a date (YYYY-MM-DD): '%s'"), field,
				b.buf);
		kp_buf_release(&b);
	}
	return -1;
}

static void actions(struct kp_due_list *out, struct kp_due_item *base,
		    const struct kp_node *root, struct kp_findings *problems,
		    size_t *count)
{
	const struct kp_node *goals = kp_map_get(root, "maal");
	unsigned n = 0;
	size_t g, a;

	if (!goals || goals->type != KP_SEQ)
		return;
	for (g = 0; g < goals->v.seq.len; g++) {
		const struct kp_node *acts =
			kp_map_get(goals->v.seq.items[g], "indsatser");

		if (!acts || acts->type != KP_SEQ)
			continue;
		for (a = 0; a < acts->v.seq.len; a++) {
			const struct kp_node *act = acts->v.seq.items[a];
			const struct kp_node *frist = kp_map_get(act, "frist");
			struct kp_due_item it = *base;

			n++;
			/* Done and dropped actions are never due. */
			if (!kp_action_open(act))
				continue;
			if (node_date(&it.date, frist,
				      "maal[].indsatser[].frist",
				      problems) <= 0)
				continue;
			it.kind = KP_DUE_FRIST;
			it.n = n;
			it.line = frist->line;
			it.responsible =
				str_or_empty(kp_map_get(act, "ansvarlig"));
			it.task = str_or_empty(kp_map_get(act, "opgave"));
			kp_due_add(out, &it);
			(*count)++;
		}
	}
}

/* The treatment guarantee: 14 days from the request (seed 002). */
#define GUARANTEE_DAYS 14

static void guarantee(struct kp_due_list *out, const struct kp_due_item *base,
		      const struct kp_node *root, struct kp_findings *problems,
		      size_t *count)
{
	const struct kp_node *h = kp_map_get(root, "henvisning");
	const struct kp_node *dn = kp_map_get(h, "dato");
	struct kp_due_item it = *base;
	struct kp_date d;

	if (!h || h->type != KP_MAP ||
	    node_date(&d, dn, "henvisning.dato", problems) <= 0)
		return;
	/* Begun: the guarantee is kept or broken, and no longer due. */
	if (node_date(&it.date, kp_map_get(h, "behandling_start"),
		      "henvisning.behandling_start", problems) != 0)
		return;
	it.kind = KP_DUE_GARANTI;
	it.date = kp_date_from_days(kp_date_days(d) + GUARANTEE_DAYS);
	it.meeting = d;
	it.has_meeting = 1;
	it.line = dn->line;
	it.task = str_or_empty(kp_map_get(h, "til"));
	kp_due_add(out, &it);
	(*count)++;
}

/*
 * A draft: its first coordination meeting, counted from the consent; or,
 * when the citizen said no, a renewed offer of the plan (§5: the
 * coordinating function keeps offering it).
 */
static void draft(struct kp_due_list *out, const struct kp_due_item *base,
		  const struct kp_node *root, int draft_days, int have_md,
		  struct kp_date md, struct kp_findings *problems,
		  size_t *count)
{
	const struct kp_node *consent = kp_node_at(root, "samtykke.dato");
	const struct kp_node *given = kp_node_at(root, "samtykke.givet");
	struct kp_due_item it = *base;

	/*
	 * A draft without samtykke.dato is validate's to report (rule
	 * samtykke), once, not due's every morning.
	 */
	if (node_date(&it.date, consent, "samtykke.dato", problems) <= 0)
		return;
	it.line = consent->line;
	if (given && given->type == KP_BOOL && !given->v.boolean) {
		it.kind = KP_DUE_TILBUD;
		it.meeting = it.date;
		it.has_meeting = 1;
	} else {
		if (draft_days < 0)
			return;
		it.kind = KP_DUE_MOEDE;
		if (have_md > 0) {
			it.meeting = md;
			it.has_meeting = 1;
		}
	}
	kp_due_add(out, &it);
	(*count)++;
}

/* The next follow-up of an active plan: given, or inferred (§6.2.5). */
static void followup(struct kp_due_list *out, const struct kp_due_item *base,
		     const struct kp_node *root, const struct kp_node *status,
		     int have_md, struct kp_findings *problems, size_t *count)
{
	const struct kp_node *fu = kp_node_at(root, "opfoelgning.dato");
	struct kp_due_item it = *base;
	struct kp_meeting last;
	struct kp_date d;
	int r = node_date(&d, fu, "opfoelgning.dato", problems);

	it.kind = KP_DUE_OPFOELGNING;
	if (r > 0) {
		it.date = d;
		it.line = fu->line;
	} else if (r == 0 && kp_plan_last_meeting(&last, root) == 0) {
		/* Six months after the latest meeting, not the first. */
		it.date = kp_date_add_months(last.date, FOLLOWUP_MONTHS);
		it.line = last.node->line;
		it.inferred = 1;
		it.meeting = last.date;
		it.has_meeting = 1;
	} else {
		/* A moede.dato that is no date is reported already. */
		if (r == 0 && have_md == 0 && problems)
			kp_findings_add(problems, "due", KP_ERROR, status->line,
					status->col,
					_("an active plan with neither "
					  "opfoelgning.dato nor moede.dato: "
					  "cannot tell when its follow-up is "
					  "due"));
		return;
	}
	kp_due_add(out, &it);
	(*count)++;
}

size_t kp_due_extract(struct kp_due_list *out, const struct kp_node *root,
		      const char *file, int draft_days,
		      struct kp_findings *problems)
{
	const struct kp_node *status = kp_map_get(root, "status");
	const struct kp_node *meeting = kp_node_at(root, "moede.dato");
	const struct kp_node *withdrawn =
		kp_node_at(root, "samtykke.tilbagekaldt");
	const char *st = kp_node_str(status);
	struct kp_due_item base;
	struct kp_date md, wd;
	size_t count = 0;
	int have_md;

	memset(&base, 0, sizeof(base));
	base.id = str_or_empty(kp_map_get(root, "id"));
	base.file = file;
	base.citizen = str_or_empty(kp_node_at(root, "borger.navn"));
	base.coordinator = str_or_empty(kp_node_at(root, "koordinator.navn"));
	base.responsible = base.coordinator;
	base.task = "";

	if (!st || (strcmp(st, "aktiv") != 0 && strcmp(st, "kladde") != 0 &&
		    strcmp(st, "afsluttet") != 0)) {
		if (problems)
			kp_findings_add(
				problems, "due", KP_ERROR,
				status ? status->line : 1,
				status ? status->col : 1,
				_("status: neither kladde, aktiv nor "
				  "afsluttet: cannot tell what is due"));
		goto done;
	}
	if (strcmp(st, "afsluttet") == 0)
		goto done;
	/*
	 * Withdrawn consent: nothing may be done with the plan but close
	 * it (§5).  One warning for the plan, not one per item.
	 */
	if (node_date(&wd, withdrawn, "samtykke.tilbagekaldt", problems) > 0) {
		char ds[11];

		kp_date_format(ds, wd);
		if (problems)
			kp_findings_add(
				problems, "due", KP_WARNING, withdrawn->line,
				withdrawn->col,
				/* TRANSLATORS: the date consent was
				   withdrawn */
				_("samtykke.tilbagekaldt: the citizen withdrew "
				  "consent on %s, so nothing in the plan is "
				  "due; close it (kiplan close)"),
				ds);
		goto done;
	}
	have_md = node_date(&md, meeting, "moede.dato", problems);

	if (strcmp(st, "kladde") == 0) {
		draft(out, &base, root, draft_days, have_md, md, problems,
		      &count);
	} else {
		/* An active plan: the follow-up, each open action. */
		followup(out, &base, root, status, have_md, problems, &count);
		actions(out, &base, root, problems, &count);
	}
	guarantee(out, &base, root, problems, &count);
done:
	return count;
}

size_t kp_due_keep(struct kp_due_list *out, const struct kp_due_item *items,
		   size_t n, const struct kp_due_opts *opts)
{
	long today = kp_date_days(opts->today);
	size_t i, kept = 0;

	for (i = 0; i < n; i++) {
		struct kp_due_item it = items[i];
		long days;

		if (opts->coordinator &&
		    strcasecmp(it.coordinator, opts->coordinator) != 0)
			continue;
		if (it.kind == KP_DUE_MOEDE) {
			if (opts->draft_days < 0)
				continue;
			it.date = kp_date_from_days(kp_date_days(it.date) +
						    opts->draft_days);
		}
		if (it.kind == KP_DUE_TILBUD) {
			if (opts->offer_days < 0)
				continue;
			it.date = kp_date_from_days(kp_date_days(it.date) +
						    opts->offer_days);
		}
		days = kp_date_days(it.date);
		it.overdue = today - days;
		if (opts->overdue_only ? it.overdue <= 0
				       : -it.overdue > opts->within)
			continue;
		kp_due_add(out, &it);
		kept++;
	}
	return kept;
}

static const struct kp_due_opts *sort_opts;

static const char *group_of(const struct kp_due_item *it,
			    const struct kp_due_opts *opts)
{
	if (opts->by == KP_DUE_BY_ANSVARLIG)
		return it->responsible;
	if (opts->by == KP_DUE_BY_KOORDINATOR)
		return it->coordinator;
	return "";
}

static int cmp_items(const void *pa, const void *pb)
{
	const struct kp_due_item *a = pa, *b = pb;
	int c;

	if ((c = strcmp(group_of(a, sort_opts), group_of(b, sort_opts))) != 0)
		return c;
	if ((c = kp_date_cmp(a->date, b->date)) != 0)
		return c;
	if ((c = strcmp(a->id, b->id)) != 0)
		return c;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->n != b->n)
		return a->n < b->n ? -1 : 1;
	return strcmp(a->file, b->file);
}

size_t kp_due_sort(struct kp_due_list *list, const struct kp_due_opts *opts)
{
	size_t i, overdue = 0;

	/* qsort has no payload; the sort runs on one thread. */
	sort_opts = opts;
	if (list->len > 1)
		qsort(list->v, list->len, sizeof(*list->v), cmp_items);
	sort_opts = NULL;
	for (i = 0; i < list->len; i++)
		if (list->v[i].overdue > 0)
			overdue++;
	return overdue;
}

/* ------------------------------------------------------------------ */
/* Writers                                                             */
/* ------------------------------------------------------------------ */

static void maybe_flush(struct kp_buf *out, const struct kp_due_opts *opts)
{
	if (opts && opts->flush && out->len > 65536)
		opts->flush(out, opts->payload);
}

static void add_esc(struct kp_buf *out, const char *s)
{
	kp_buf_add_escaped(out, s, strlen(s));
}

/*
 * For people: the first line of s, at most SHORT_MAX characters, cut at a
 * word where one is near, with an ellipsis.  TSV, JSON and ICS hold the
 * whole text.
 */
#define SHORT_MAX 60

static void add_short(struct kp_buf *out, const char *s)
{
	int whole;
	size_t n = kp_text_shorten(s, SHORT_MAX, &whole);

	if (whole) {
		add_esc(out, s);
		return;
	}
	kp_buf_add_escaped(out, s, n);
	kp_buf_addstr(out, "\xe2\x80\xa6");
}

/*
 * What falls due, for the person reading the text format, in their
 * language.  task is the action's task, escaped and cut by add_short():
 * the cut is for the plan's text, never for the date in the words.
 */
static void label(struct kp_buf *out, const struct kp_due_item *it,
		  const char *task)
{
	char ds[11];

	switch (it->kind) {
	case KP_DUE_OPFOELGNING:
		if (it->inferred && it->has_meeting) {
			kp_date_format(ds, it->meeting);
			kp_buf_addf(out,
				    /* TRANSLATORS: the last meeting's date */
				    _("Follow-up meeting (at the latest 6 "
				      "months after the meeting %s)"),
				    ds);
		} else {
			kp_buf_addstr(out, _("Follow-up meeting"));
		}
		break;
	case KP_DUE_FRIST:
		if (*task)
			/* TRANSLATORS: %s is the action's task (opgave) */
			kp_buf_addf(out, _("Deadline: %s"), task);
		else
			/* TRANSLATORS: %u is the action's number in the plan */
			kp_buf_addf(out, _("Deadline of action %u"), it->n);
		break;
	case KP_DUE_MOEDE:
		if (it->has_meeting) {
			kp_date_format(ds, it->meeting);
			kp_buf_addf(out,
				    /* TRANSLATORS: the date set for it */
				    _("First coordination meeting (planned "
				      "for %s)"),
				    ds);
		} else {
			kp_buf_addstr(out, _("First coordination meeting"));
		}
		break;
	case KP_DUE_GARANTI:
		kp_date_format(ds, it->meeting);
		if (*task)
			kp_buf_addf(out,
				    /* TRANSLATORS: the date of the request,
				       then whom the citizen is referred to */
				    _("Treatment guarantee: treatment begins "
				      "(request of %s, referred to %s)"),
				    ds, task);
		else
			kp_buf_addf(out,
				    /* TRANSLATORS: the date of the request */
				    _("Treatment guarantee: treatment begins "
				      "(request of %s)"),
				    ds);
		break;
	case KP_DUE_TILBUD:
		kp_date_format(ds, it->meeting);
		kp_buf_addf(out,
			    /* TRANSLATORS: the date the citizen said no */
			    _("Offer the plan again (the citizen said no on "
			      "%s)"),
			    ds);
		break;
	}
}

/* "3 days overdue", "today", "in 4 days". */
static void when(struct kp_buf *out, long overdue)
{
	if (overdue > 0)
		kp_buf_addf(out,
			    Q_("%ld day overdue", "%ld days overdue", overdue),
			    overdue);
	else if (overdue == 0)
		kp_buf_addstr(out, _("today"));
	else
		kp_buf_addf(out, Q_("in %ld day", "in %ld days", -overdue),
			    -overdue);
}

/* The characters (not bytes) of len bytes of UTF-8. */
static size_t chars(const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

/*
 * The when column is as wide as its widest text in the list, in
 * characters, and never narrower than WHEN_MIN, so that a short list
 * looks the same from day to day.
 */
#define WHEN_MIN 16

static size_t when_width(const struct kp_due_list *list, struct kp_buf *tmp)
{
	size_t i, w, width = WHEN_MIN;

	for (i = 0; i < list->len; i++) {
		if (i && list->v[i].overdue == list->v[i - 1].overdue)
			continue;
		kp_buf_reset(tmp);
		when(tmp, list->v[i].overdue);
		w = chars(tmp->buf, tmp->len);
		if (w > width)
			width = w;
	}
	return width;
}

/* The heading of a worklist (--by): whose it is, and how many items. */
static void heading(struct kp_buf *out, struct kp_buf *tmp, const char *group,
		    size_t n, const struct kp_due_opts *opts)
{
	if (*group) {
		kp_buf_reset(tmp);
		add_esc(tmp, group);
		kp_buf_addf(out,
			    /* TRANSLATORS: a party or coordinator's name */
			    Q_("%s (%zu item)", "%s (%zu items)", n), tmp->buf,
			    n);
	} else if (opts->by == KP_DUE_BY_ANSVARLIG) {
		kp_buf_addf(out,
			    Q_("No responsible party (%zu item)",
			       "No responsible party (%zu items)", n),
			    n);
	} else {
		kp_buf_addf(out,
			    Q_("No coordinator (%zu item)",
			       "No coordinator (%zu items)", n),
			    n);
	}
	kp_buf_addch(out, '\n');
}

/*
 * --redact: list as it is, or, with redact, its copy in copy with every
 * text through kp_redact_text(): the one redaction, in every format.
 */
static const struct kp_due_list *
redacted(struct kp_due_list *copy, const struct kp_due_list *list, int redact)
{
	struct kp_due_item x;
	char *s[6];
	size_t i, k;

	if (!redact)
		return list;
	for (i = 0; i < list->len; i++) {
		x = list->v[i];
		s[0] = kp_xstrdup(x.id);
		s[1] = kp_xstrdup(x.file);
		s[2] = kp_xstrdup(x.citizen);
		s[3] = kp_xstrdup(x.coordinator);
		s[4] = kp_xstrdup(x.responsible);
		s[5] = kp_xstrdup(x.task ? x.task : "");
		for (k = 0; k < 6; k++)
			kp_redact_text(s[k]);
		x.id = s[0];
		x.file = s[1];
		x.citizen = s[2];
		x.coordinator = s[3];
		x.responsible = s[4];
		x.task = s[5];
		kp_due_add(copy, &x);
		for (k = 0; k < 6; k++)
			free(s[k]);
	}
	return copy;
}

void kp_due_write_text(struct kp_buf *out, const struct kp_due_list *list,
		       const struct kp_due_opts *opts, int redact)
{
	struct kp_due_list copy = KP_DUE_LIST_INIT;
	struct kp_buf cell = KP_BUF_INIT, task = KP_BUF_INIT;
	const char *group = NULL;
	size_t i, width = when_width(list, &cell), w;

	list = redacted(&copy, list, redact);

	for (i = 0; i < list->len; i++) {
		const struct kp_due_item *it = &list->v[i];
		char ds[11];

		if (opts->by != KP_DUE_BY_NONE &&
		    (!group || strcmp(group, group_of(it, opts)) != 0)) {
			size_t j, n = 0;

			group = group_of(it, opts);
			for (j = i;
			     j < list->len &&
			     strcmp(group, group_of(&list->v[j], opts)) == 0;
			     j++)
				n++;
			if (i)
				kp_buf_addch(out, '\n');
			heading(out, &cell, group, n, opts);
		}
		kp_date_format(ds, it->date);
		kp_buf_addf(out, "%s  ", ds);
		kp_buf_reset(&cell);
		when(&cell, it->overdue);
		kp_buf_add(out, cell.buf, cell.len);
		for (w = chars(cell.buf, cell.len); w < width + 2; w++)
			kp_buf_addch(out, ' ');
		add_esc(out, it->id);
		if (!redact && *it->citizen) {
			kp_buf_addstr(out, "  ");
			add_esc(out, it->citizen);
		}
		kp_buf_addstr(out, "  ");
		kp_buf_reset(&task);
		if (it->task && *it->task)
			add_short(&task, it->task);
		label(out, it, task.buf);
		if (*it->responsible) {
			kp_buf_addstr(out, "  [");
			add_short(out, it->responsible);
			kp_buf_addch(out, ']');
		}
		kp_buf_addch(out, '\n');
		maybe_flush(out, opts);
	}
	kp_buf_release(&cell);
	kp_buf_release(&task);
	kp_due_release(&copy);
}

/*
 * A TSV field: \\, \t, \n and \r escaped, so a field never splits, and
 * every other control character as \xHH (kp_buf_add_escaped()), so that
 * it drives no terminal.
 */
static void add_tsv(struct kp_buf *out, const char *s)
{
	while (*s) {
		size_t n = strcspn(s, "\\");

		kp_buf_add_escaped(out, s, n);
		s += n;
		if (*s == '\\') {
			kp_buf_add(out, "\\\\", 2);
			s++;
		}
	}
}

void kp_due_write_tsv(struct kp_buf *out, const struct kp_due_list *list,
		      const struct kp_due_opts *opts, int redact)
{
	struct kp_due_list copy = KP_DUE_LIST_INIT;
	struct kp_buf text = KP_BUF_INIT;
	size_t i;

	list = redacted(&copy, list, redact);

	kp_buf_addstr(out, "date\toverdue_days\tkind\tid\tfile\tcitizen\t"
			   "coordinator\tresponsible\ttext\n");
	for (i = 0; i < list->len; i++) {
		const struct kp_due_item *it = &list->v[i];
		char ds[11];

		kp_date_format(ds, it->date);
		kp_buf_addf(out, "%s\t%ld\t%s\t", ds, it->overdue,
			    kp_due_kind_name(it->kind));
		add_tsv(out, it->id);
		kp_buf_addch(out, '\t');
		add_tsv(out, it->file);
		kp_buf_addch(out, '\t');
		if (!redact)
			add_tsv(out, it->citizen);
		kp_buf_addch(out, '\t');
		add_tsv(out, it->coordinator);
		kp_buf_addch(out, '\t');
		add_tsv(out, it->responsible);
		kp_buf_addch(out, '\t');
		kp_buf_reset(&text);
		kp_due_text(&text, it);
		add_tsv(out, text.buf);
		kp_buf_addch(out, '\n');
		maybe_flush(out, opts);
	}
	kp_buf_release(&text);
	kp_due_release(&copy);
}

static void json_str_or_null(struct kp_buf *out, const char *s)
{
	if (*s)
		kp_buf_add_json(out, s, strlen(s));
	else
		kp_buf_addstr(out, "null");
}

void kp_due_write_json(struct kp_buf *out, const struct kp_due_list *list,
		       const struct kp_due_opts *opts, int redact)
{
	struct kp_due_list copy = KP_DUE_LIST_INIT;
	struct kp_buf text = KP_BUF_INIT;
	size_t i;

	list = redacted(&copy, list, redact);

	kp_buf_addch(out, '[');
	for (i = 0; i < list->len; i++) {
		const struct kp_due_item *it = &list->v[i];
		char ds[11];

		kp_date_format(ds, it->date);
		kp_buf_addstr(out, i ? ",\n{\"id\":" : "\n{\"id\":");
		json_str_or_null(out, it->id);
		kp_buf_addstr(out, ",\"file\":");
		kp_buf_add_json(out, it->file, strlen(it->file));
		kp_buf_addf(
			out,
			",\"kind\":\"%s\",\"date\":\"%s\",\"overdue_days\":%ld",
			kp_due_kind_name(it->kind), ds, it->overdue);
		kp_buf_addstr(out, ",\"coordinator\":");
		json_str_or_null(out, it->coordinator);
		kp_buf_addstr(out, ",\"responsible\":");
		json_str_or_null(out, it->responsible);
		kp_buf_addstr(out, ",\"text\":");
		kp_buf_reset(&text);
		kp_due_text(&text, it);
		json_str_or_null(out, text.buf);
		if (!redact) {
			kp_buf_addstr(out, ",\"citizen\":");
			json_str_or_null(out, it->citizen);
		}
		if (it->kind == KP_DUE_FRIST)
			kp_buf_addf(out, ",\"action\":%u", it->n);
		if (it->kind == KP_DUE_OPFOELGNING)
			kp_buf_addf(out, ",\"inferred\":%s",
				    it->inferred ? "true" : "false");
		if (it->kind == KP_DUE_GARANTI || it->kind == KP_DUE_TILBUD) {
			kp_date_format(ds, it->meeting);
			kp_buf_addf(out, ",\"since\":\"%s\"", ds);
		}
		kp_buf_addf(out, ",\"line\":%u}", it->line);
		maybe_flush(out, opts);
	}
	kp_buf_addstr(out, list->len ? "\n]\n" : "]\n");
	kp_buf_release(&text);
	kp_due_release(&copy);
}

/* An ICS property NAME:VALUE where value is TEXT. */
static void ics_text_prop(struct kp_buf *out, struct kp_buf *line,
			  const char *name, const char *value)
{
	kp_buf_reset(line);
	kp_buf_addstr(line, name);
	kp_buf_addch(line, ':');
	kp_ics_add_text(line, value, strlen(value));
	kp_ics_add_line(out, line->buf, line->len);
}

static void ics_plain(struct kp_buf *out, const char *s)
{
	kp_ics_add_line(out, s, strlen(s));
}

static void ics_date(char out[9], struct kp_date d)
{
	char ds[11];

	kp_date_format(ds, d);
	memcpy(out, ds, 4);
	memcpy(out + 4, ds + 5, 2);
	memcpy(out + 6, ds + 8, 2);
	out[8] = '\0';
}

/*
 * The calendar's words (its name, "Borger:", "Ansvarlig:"...) are Danish
 * like kp_due_text()'s, and not translated: the same bytes in every locale.
 */
void kp_due_write_ics(struct kp_buf *out, const struct kp_due_list *list,
		      const struct kp_due_opts *opts, long long stamp,
		      int redact)
{
	struct kp_due_list copy = KP_DUE_LIST_INIT;
	struct kp_buf line = KP_BUF_INIT, val = KP_BUF_INIT, text = KP_BUF_INIT;
	char dtstamp[32];
	time_t t = (time_t)stamp;
	struct tm tm;
	size_t i;

	list = redacted(&copy, list, redact);

	if (!gmtime_r(&t, &tm))
		memset(&tm, 0, sizeof(tm));
	strftime(dtstamp, sizeof(dtstamp), "%Y%m%dT%H%M%SZ", &tm);

	ics_plain(out, "BEGIN:VCALENDAR");
	ics_plain(out, "VERSION:2.0");
	ics_plain(out, "PRODID:-//kiplan//kiplan " KP_VERSION "//DA");
	ics_plain(out, "CALSCALE:GREGORIAN");
	ics_plain(out, "METHOD:PUBLISH");
	ics_text_prop(out, &line, "X-WR-CALNAME",
		      "Koordinerende indsatsplaner");
	for (i = 0; i < list->len; i++) {
		const struct kp_due_item *it = &list->v[i];
		const char *uid = *it->id ? it->id : it->file;
		char start[9], end[9];

		ics_date(start, it->date);
		ics_date(end, kp_date_from_days(kp_date_days(it->date) + 1));
		ics_plain(out, "BEGIN:VEVENT");
		kp_buf_reset(&val);
		/* UID: unique among every repository's plans. */
		kp_buf_addf(&val, "%s-%s-%u@%s%skiplan", uid,
			    kp_due_kind_name(it->kind), it->n, opts->ns,
			    *opts->ns ? "." : "");
		ics_text_prop(out, &line, "UID", val.buf);
		kp_buf_reset(&line);
		kp_buf_addf(&line, "DTSTAMP:%s", dtstamp);
		kp_ics_add_line(out, line.buf, line.len);
		kp_buf_reset(&line);
		kp_buf_addf(&line, "DTSTART;VALUE=DATE:%s", start);
		kp_ics_add_line(out, line.buf, line.len);
		kp_buf_reset(&line);
		kp_buf_addf(&line, "DTEND;VALUE=DATE:%s", end);
		kp_ics_add_line(out, line.buf, line.len);

		kp_buf_reset(&text);
		kp_due_text(&text, it);
		kp_buf_reset(&val);
		kp_buf_addf(&val, "%s: %s", it->id, text.buf);
		if (!redact && *it->citizen)
			kp_buf_addf(&val, " – %s", it->citizen);
		ics_text_prop(out, &line, "SUMMARY", val.buf);

		kp_buf_reset(&val);
		kp_buf_addf(&val, "Indsatsplan: %s\n", it->id);
		if (!redact && *it->citizen)
			kp_buf_addf(&val, "Borger: %s\n", it->citizen);
		kp_buf_addf(&val, "%s\n", text.buf);
		if (*it->responsible)
			kp_buf_addf(&val, "Ansvarlig: %s\n", it->responsible);
		if (*it->coordinator)
			kp_buf_addf(&val, "Koordinator: %s\n", it->coordinator);
		kp_buf_addf(&val, "Fil: %s", it->file);
		ics_text_prop(out, &line, "DESCRIPTION", val.buf);
		ics_text_prop(out, &line, "CATEGORIES",
			      kp_due_kind_name(it->kind));
		ics_plain(out, "TRANSP:TRANSPARENT");
		ics_plain(out, "END:VEVENT");
		maybe_flush(out, opts);
	}
	ics_plain(out, "END:VCALENDAR");
	kp_buf_release(&line);
	kp_buf_release(&val);
	kp_buf_release(&text);
	kp_due_release(&copy);
}
