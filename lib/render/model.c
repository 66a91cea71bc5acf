/*
 * render.c: the document model that every output format writes, and the
 * building of a plan into it (Bilag 1's five parts, in order).
 */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "render/render.h"
#include "i18n.h"
#include "banned.h"

struct kp_rdoc *kp_rdoc_new(void)
{
	return kp_xcalloc(1, sizeof(struct kp_rdoc));
}

static void block_release(struct kp_block *b)
{
	size_t i;

	free(b->text);
	free(b->widths);
	for (i = 0; i < b->nrows * b->ncols; i++)
		free(b->cells[i].text);
	free(b->cells);
}

void kp_rdoc_free(struct kp_rdoc *doc)
{
	size_t i;

	if (!doc)
		return;
	for (i = 0; i < doc->nblocks; i++)
		block_release(&doc->blocks[i]);
	free(doc->blocks);
	free(doc->title);
	free(doc->footer);
	free(doc->subject);
	free(doc->author);
	free(doc->header);
	free(doc->stamp);
	free(doc->plan_id);
	free(doc->mark);
	free(doc);
}

const char *kp_rdoc_mark(const struct kp_rdoc *doc)
{
	if (doc->mark && *doc->mark)
		return doc->mark;
	return doc->draft ? KP_RENDER_UNSENT : NULL;
}

void kp_rdoc_set(char **field, const char *s)
{
	free(*field);
	*field = s ? kp_xstrdup(s) : NULL;
}

static struct kp_block *add_block(struct kp_rdoc *doc, enum kp_block_type type)
{
	struct kp_block *b;

	if (doc->nblocks == doc->alloc) {
		doc->alloc = doc->alloc ? doc->alloc * 2 : 16;
		doc->blocks = kp_xrealloc(doc->blocks,
					  doc->alloc * sizeof(*doc->blocks));
	}
	b = &doc->blocks[doc->nblocks++];
	memset(b, 0, sizeof(*b));
	b->type = type;
	return b;
}

struct kp_block *kp_rdoc_heading(struct kp_rdoc *doc, int level,
				 const char *text)
{
	struct kp_block *b = add_block(doc, KP_BLOCK_HEADING);

	b->level = level < 1 ? 1 : level > 3 ? 3 : level;
	b->text = kp_xstrdup(text ? text : "");
	b->flags = KP_CELL_PLAIN;
	return b;
}

struct kp_block *kp_rdoc_text(struct kp_rdoc *doc, const char *text,
			      unsigned flags)
{
	struct kp_block *b = add_block(doc, KP_BLOCK_TEXT);

	b->text = kp_xstrdup(text ? text : "");
	b->flags = flags;
	return b;
}

struct kp_block *kp_rdoc_table(struct kp_rdoc *doc, size_t ncols,
			       size_t header_rows)
{
	struct kp_block *b = add_block(doc, KP_BLOCK_TABLE);
	size_t i;

	b->ncols = ncols ? ncols : 1;
	b->header_rows = header_rows;
	b->widths = kp_xcalloc(b->ncols, sizeof(double));
	for (i = 0; i < b->ncols; i++)
		b->widths[i] = 1.0;
	return b;
}

void kp_rdoc_table_widths(struct kp_block *table, const double *widths)
{
	size_t i;

	for (i = 0; i < table->ncols; i++)
		table->widths[i] = widths[i] > 0 ? widths[i] : 1.0;
}

static void grow_rows(struct kp_block *t, size_t nrows)
{
	size_t i;

	if (nrows <= t->nrows)
		return;
	t->cells = kp_xrealloc(t->cells, nrows * t->ncols * sizeof(*t->cells));
	for (i = t->nrows * t->ncols; i < nrows * t->ncols; i++) {
		t->cells[i].text = NULL;
		t->cells[i].flags = 0;
		t->cells[i].colspan = 1;
		t->cells[i].rowspan = 1;
		t->cells[i].skip = 0;
	}
	t->nrows = nrows;
}

struct kp_cell *kp_rdoc_cell(const struct kp_block *table, size_t row,
			     size_t col)
{
	if (table->type != KP_BLOCK_TABLE || row >= table->nrows ||
	    col >= table->ncols)
		return NULL;
	return &table->cells[row * table->ncols + col];
}

int kp_rdoc_cell_set(struct kp_block *table, size_t row, size_t col,
		     const char *text, unsigned flags, unsigned colspan,
		     unsigned rowspan)
{
	struct kp_cell *c;
	size_t r, k;

	if (table->type != KP_BLOCK_TABLE || !colspan || !rowspan ||
	    col >= table->ncols || colspan > table->ncols - col ||
	    row > (size_t)-1 / 2 || rowspan > 65536)
		return KP_EUSAGE;
	/* Check before changing anything: the cells must all be free. */
	for (r = row; r < row + rowspan && r < table->nrows; r++)
		for (k = col; k < col + colspan; k++) {
			c = &table->cells[r * table->ncols + k];
			if (c->text || c->skip)
				return KP_EUSAGE;
		}
	grow_rows(table, row + rowspan);
	for (r = row; r < row + rowspan; r++)
		for (k = col; k < col + colspan; k++)
			table->cells[r * table->ncols + k].skip = 1;
	c = &table->cells[row * table->ncols + col];
	c->skip = 0;
	c->text = kp_xstrdup(text ? text : "");
	c->flags = flags;
	c->colspan = colspan;
	c->rowspan = rowspan;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Building a plan into the model                                      */
/* ------------------------------------------------------------------ */

struct ctx {
	struct kp_rdoc *doc;
	const struct kp_plan *plan; /* with --redact, the redacted copy */
	const struct kp_plan *given;
	const struct kp_schema *schema;
	int redact;
	int closed; /* status: afsluttet */
};

static const char *const month_names[] = { "januar",  "februar",  "marts",
					   "april",   "maj",	  "juni",
					   "juli",    "august",	  "september",
					   "oktober", "november", "december" };

/* "1. maj 2014"; an ISO date that is not a real date is kept as it is. */
static void add_date(struct kp_buf *b, const char *iso)
{
	struct kp_date d;

	if (iso && kp_date_parse(&d, iso, strlen(iso)) == 0)
		kp_buf_addf(b, "%d\\. %s %d", d.d, month_names[d.m - 1], d.y);
	else if (iso)
		kp_buf_addstr(b, iso);
}

/* "1. maj 2014" as plain text; a date that is not one, as it is. */
static void add_date_plain(struct kp_buf *b, const char *iso)
{
	struct kp_date d;

	if (iso && kp_date_parse(&d, iso, strlen(iso)) == 0)
		kp_buf_addf(b, "%d. %s %d", d.d, month_names[d.m - 1], d.y);
	else if (iso)
		kp_buf_addstr(b, iso);
}

/*
 * Append s so that CommonMark shows it literally: every ASCII punctuation
 * character is backslash-escaped, and a line break stays a line break.
 */
static void add_literal(struct kp_buf *b, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '\n') {
			kp_buf_addstr(b, "\\\n");
			continue;
		}
		if (strchr("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", *s))
			kp_buf_addch(b, '\\');
		kp_buf_addch(b, *s);
	}
}

/*
 * A name, isolated (U+2068 FIRST STRONG ISOLATE ... U+2069 POP
 * DIRECTIONAL ISOLATE): an Arabic or Hebrew name is ordered within
 * itself, by its own first letter, its punctuation included, and the
 * text around it stays left to right.  The running header and every cell
 * write a name this way, as CommonMark (md) or as it is.
 */
static void add_name(struct kp_buf *b, const char *s, int md)
{
	kp_buf_addstr(b, "\u2068");
	if (md)
		add_literal(b, s);
	else
		kp_buf_addstr(b, s);
	kp_buf_addstr(b, "\u2069");
}

static const char *label(const struct ctx *c, const char *path,
			 const char *fallback)
{
	const char *t = c->schema ? kp_schema_title(c->schema, path) : NULL;

	return t ? t : fallback;
}

static const char *pstr(const struct ctx *c, const char *path)
{
	return kp_plan_str(c->plan, path);
}

static void cell(const struct ctx *c, struct kp_block *t, size_t row,
		 size_t col, struct kp_buf *text, unsigned flags,
		 unsigned colspan, unsigned rowspan)
{
	(void)c; /* --redact is done: c->plan is the redacted copy */
	kp_rdoc_cell_set(t, row, col, text->buf, flags, colspan, rowspan);
	kp_buf_reset(text);
}

/*
 * The text of a field or the body, as the CommonMark that shows what was
 * written (kiplan-plan(5), TEXT).
 */
static void add_text(struct kp_buf *b, const char *s)
{
	if (s)
		kp_md_from_text(b, s, strlen(s));
}

static void cell_str(const struct ctx *c, struct kp_block *t, size_t row,
		     size_t col, const char *s, unsigned flags)
{
	struct kp_buf b = KP_BUF_INIT;

	add_text(&b, s);
	cell(c, t, row, col, &b, flags, 1, 1);
	kp_buf_release(&b);
}

static void text_block(const struct ctx *c, const char *s, unsigned flags)
{
	struct kp_buf b = KP_BUF_INIT;

	add_text(&b, s);
	kp_rdoc_text(c->doc, b.buf, flags);
	kp_buf_release(&b);
}

/* "☒ Ja ☐ Nej"; both empty when the value is missing. */
static void add_yes_no(struct kp_buf *b, const struct kp_node *v)
{
	int set = v && v->type == KP_BOOL;

	kp_buf_addf(b, "%s Ja %s Nej",
		    set && v->v.boolean ? "\u2612" : "\u2610",
		    set && !v->v.boolean ? "\u2612" : "\u2610");
}

static void add_phone(const struct ctx *c, struct kp_buf *b, const char *tel)
{
	if (c->redact)
		kp_buf_addstr(b, "(skjult)");
	else
		add_literal(b, tel);
}

/* Name, position, organisation and contact of a person, as CommonMark. */
static void add_person(const struct ctx *c, struct kp_buf *b,
		       const struct kp_node *p, const char *role)
{
	const char *s;
	int line = 0;

	if ((s = kp_node_str(kp_map_get(p, "navn")))) {
		kp_buf_addstr(b, "**");
		add_name(b, s, 1);
		kp_buf_addstr(b, "**");
		line = 1;
	}
	if ((s = kp_node_str(kp_map_get(p, "stilling")))) {
		kp_buf_addstr(b, line ? ", " : "");
		add_literal(b, s);
		line = 1;
	}
	if (role) {
		kp_buf_addstr(b, line ? " (" : "(");
		add_literal(b, role);
		kp_buf_addch(b, ')');
		line = 1;
	}
	if ((s = kp_node_str(kp_map_get(p, "organisation")))) {
		kp_buf_addstr(b, line ? "\\\n" : "");
		add_literal(b, s);
		line = 1;
	}
	if ((s = kp_node_str(kp_map_get(p, "telefon")))) {
		kp_buf_addstr(b, line ? "\\\nTlf. " : "Tlf. ");
		add_phone(c, b, s);
		line = 2;
	}
	if ((s = kp_node_str(kp_map_get(p, "email")))) {
		kp_buf_addstr(b, line == 2 ? ", " : line ? "\\\n" : "");
		add_literal(b, s);
	}
}

static const struct {
	const char *value, *label;
} roles[] = { { "psykiatri", "Behandlingspsykiatrien" },
	      { "rusmiddel", "Stof- og alkoholbehandlingen" },
	      { "kommune", "Kommunen" },
	      { "egen_laege", "Egen læge" },
	      { "jobcenter", "Jobcenter" },
	      { "bostoette", "Bostøtte" },
	      { "paaroerende", "Pårørende" },
	      { "bisidder", "Bisidder" },
	      { "borger", "Borgeren" },
	      { "andet", "Anden part" },
	      { "parallel", "Parallel (samtidig)" },
	      { "sekventiel", "Sekventiel (på hinanden følgende)" },
	      { "fysisk", "Fysisk fremmøde" },
	      { "telefon", "Telefonmøde" },
	      { "video", "Videomøde" },
	      { "foraeldre", "Forældremyndighedens indehavere" },
	      { "vaerge", "Værge" },
	      { "koordineret", "Koordineret forløb" },
	      { "integreret", "Integreret forløb" },
	      { "orienteret",
		"Kommunens børne- og ungeafdeling er orienteret" },
	      { "ikke_grundlag", "Vurderet, at der ikke er grundlag for at "
				 "orientere" },
	      { "ikke_paabegyndt", "Ikke påbegyndt" },
	      { "paabegyndt", "Påbegyndt" },
	      { "gennemfoert", "Gennemført" },
	      { "bortfaldet", "Bortfaldet" } };

/* The Danish label of an enumerated value; the value itself if unknown. */
static const char *value_label(const char *v)
{
	size_t i;

	for (i = 0; v && i < sizeof(roles) / sizeof(roles[0]); i++)
		if (strcmp(roles[i].value, v) == 0)
			return roles[i].label;
	return v;
}

/* A row "label | value" of a two-column table; returns the next row. */
static size_t row2(const struct ctx *c, struct kp_block *t, size_t row,
		   const char *lab, struct kp_buf *val)
{
	struct kp_buf b = KP_BUF_INIT;

	add_literal(&b, lab);
	cell(c, t, row, 0, &b, KP_CELL_LABEL, 1, 1);
	cell(c, t, row, 1, val, 0, 1, 1);
	kp_buf_release(&b);
	return row + 1;
}

/* "Label: value" on a line of its own in a cell. */
static void sub_line(const struct ctx *c, struct kp_buf *v, const char *path,
		     const char *fallback, const char *plain_value)
{
	kp_buf_addstr(v, v->len ? "\n\n" : "");
	add_literal(v, label(c, path, fallback));
	kp_buf_addstr(v, ": ");
	add_literal(v, plain_value);
}

/* §5: children involved, and whether the children's department knows. */
static size_t children_row(const struct ctx *c, struct kp_block *t, size_t row,
			   struct kp_buf *v)
{
	const struct kp_node *b = kp_map_get(c->plan->root, "boern");
	const struct kp_node *inv = kp_map_get(b, "involveret");
	const char *s;
	struct kp_buf d = KP_BUF_INIT;

	if (!b || b->type != KP_MAP)
		return row;
	add_literal(v, label(c, "boern/involveret", "Der er børn involveret"));
	kp_buf_addstr(v, ": ");
	add_yes_no(v, inv);
	if ((s = kp_node_str(kp_map_get(b, "orientering"))))
		sub_line(c, v, "boern/orientering",
			 "Orientering af kommunens børne- og ungeafdeling",
			 value_label(s));
	if ((s = kp_node_str(kp_map_get(b, "dato")))) {
		add_date_plain(&d, s);
		sub_line(c, v, "boern/dato", "Dato for vurderingen", d.buf);
	}
	kp_buf_release(&d);
	return row2(c, t, row, label(c, "boern", "Børn"), v);
}

/* The request for treatment and the 14-day guarantee (seed 002). */
static size_t referral_row(const struct ctx *c, struct kp_block *t, size_t row,
			   struct kp_buf *v)
{
	const struct kp_node *h = kp_map_get(c->plan->root, "henvisning");
	const char *s;
	struct kp_buf d = KP_BUF_INIT;

	if (!h || h->type != KP_MAP)
		return row;
	if ((s = kp_node_str(kp_map_get(h, "dato")))) {
		add_date_plain(&d, s);
		sub_line(c, v, "henvisning/dato", "Henvendelsen modtaget",
			 d.buf);
	}
	if ((s = kp_node_str(kp_map_get(h, "til"))))
		sub_line(c, v, "henvisning/til", "Henvist til", s);
	kp_buf_reset(&d);
	if ((s = kp_node_str(kp_map_get(h, "behandling_start")))) {
		add_date_plain(&d, s);
		sub_line(c, v, "henvisning/behandling_start",
			 "Behandlingen iværksat", d.buf);
	}
	kp_buf_release(&d);
	return row2(c, t, row,
		    label(c, "henvisning", "Henvisning til behandling"), v);
}

static void part1(struct ctx *c)
{
	static const char *const boxes[] = { "psykiatri", "rusmiddelbehandling",
					     "behov_psykiatri",
					     "behov_rusmiddelbehandling" };
	static const char *const box_text[] = {
		"Borgeren er patient i den ambulante psykiatri, har en "
		"psykiatrisk diagnose eller er i udredning herfor.",
		"Borgeren er i stof- og/eller alkoholbehandling eller er "
		"henvist hertil.",
		"Borgeren vurderes at have behov for psykiatrisk behandling, "
		"men er aktuelt ikke patient eller under udredning.",
		"Borgeren vurderes at have behov for stof- og/eller "
		"alkoholbehandling, men er aktuelt ikke i behandling eller "
		"henvist hertil."
	};
	static const double w[] = { 1.0, 2.7 };
	struct kp_buf v = KP_BUF_INIT, l = KP_BUF_INIT;
	struct kp_block *t;
	const struct kp_node *n, *parts;
	const char *s;
	char path[64], masked[12];
	size_t row = 0, i;

	kp_rdoc_heading(c->doc, 2, "1. Stamoplysninger");
	kp_rdoc_text(c->doc,
		     "Indhentes af den koordinerende funktion inden "
		     "det koordinerende møde",
		     KP_CELL_EMPH | KP_CELL_PLAIN);
	t = kp_rdoc_table(c->doc, 2, 0);
	kp_rdoc_table_widths(t, w);

	if (pstr(c, "borger.navn"))
		add_name(&v, pstr(c, "borger.navn"), 1);
	row = row2(c, t, row, label(c, "borger/navn", "Navn"), &v);
	if ((s = pstr(c, "borger.cpr"))) {
		if (c->redact) {
			/* The field whole, whatever its form. */
			s = kp_plan_str(c->given, "borger.cpr");
			kp_cpr_mask(masked, s, strlen(s));
			s = masked;
		}
		add_literal(&v, s);
	}
	row = row2(c, t, row, label(c, "borger/cpr", "Cpr. nr."), &v);
	add_literal(&v, pstr(c, "borger.adresse"));
	row = row2(c, t, row, label(c, "borger/adresse", "Adresse"), &v);
	if ((s = pstr(c, "borger.telefon")))
		add_phone(c, &v, s);
	row = row2(c, t, row, label(c, "borger/telefon", "Telefon"), &v);
	if ((s = pstr(c, "borger.email"))) {
		add_literal(&v, s);
		row = row2(c, t, row, label(c, "borger/email", "E-mail"), &v);
	}

	/* Grundlag: the two upper boxes, a rule, the two lower boxes. */
	add_literal(&l, label(c, "grundlag", "Grundlag for indsatsplan"));
	kp_buf_addstr(&l, "\n\n*Der skal min. være én afkrydsning i den "
			  "øverste del.*");
	cell(c, t, row, 0, &l, KP_CELL_LABEL, 1, 1);
	for (i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "grundlag.%s", boxes[i]);
		n = kp_node_at(c->plan->root, path);
		if (i == 2)
			kp_buf_addstr(&v, "* * *\n\n");
		kp_buf_addstr(&v, kp_node_true(n) ? "\u2612 " : "\u2610 ");
		snprintf(path, sizeof(path), "grundlag/%s", boxes[i]);
		add_literal(&v, label(c, path, box_text[i]));
		kp_buf_addstr(&v, "\n\n");
	}
	cell(c, t, row, 1, &v, 0, 1, 1);
	row++;

	if ((s = pstr(c, "forloeb"))) {
		add_literal(&v, value_label(s));
		row = row2(c, t, row, label(c, "forloeb", "Forløb"), &v);
	}

	/* Samtykke, with the date, who gave it and the relatives' consent. */
	n = kp_map_get(c->plan->root, "samtykke");
	add_literal(&v, label(c, "samtykke/givet",
			      "Borgeren har givet "
			      "samtykke til, at der indhentes og udveksles "
			      "informationer samt udarbejdes en indsatsplan."));
	kp_buf_addstr(&v, "\n\n");
	add_yes_no(&v, kp_map_get(n, "givet"));
	if ((s = kp_node_str(kp_map_get(n, "dato")))) {
		kp_buf_addstr(&v, "\n\n");
		add_literal(&v, label(c, "samtykke/dato", "Dato for samtykke"));
		kp_buf_addstr(&v, ": ");
		add_date(&v, s);
	}
	if ((s = kp_node_str(kp_map_get(n, "givet_af")))) {
		kp_buf_addstr(&v, "\n\n");
		add_literal(&v,
			    label(c, "samtykke/givet_af", "Samtykke givet af"));
		kp_buf_addstr(&v, ": ");
		add_literal(&v, strcmp(s, "borger") == 0 ? "Borgeren selv"
							 : value_label(s));
	}
	if (kp_map_get(n, "paaroerende")) {
		kp_buf_addstr(&v, "\n\n");
		add_literal(&v, label(c, "samtykke/paaroerende",
				      "Samtykke til at inddrage pårørende"));
		kp_buf_addstr(&v, ": ");
		add_yes_no(&v, kp_map_get(n, "paaroerende"));
	}
	if ((s = kp_node_str(kp_map_get(n, "tilbagekaldt")))) {
		kp_buf_addstr(&v, "\n\n**");
		add_literal(&v, label(c, "samtykke/tilbagekaldt",
				      "Samtykket tilbagekaldt"));
		kp_buf_addstr(&v, ": ");
		add_date(&v, s);
		kp_buf_addstr(&v, "**");
	}
	row = row2(c, t, row, label(c, "samtykke", "Samtykke"), &v);
	row = children_row(c, t, row, &v);
	row = referral_row(c, t, row, &v);

	if ((n = kp_map_get(c->plan->root, "koordinator")))
		add_person(c, &v, n, NULL);
	row = row2(c, t, row, label(c, "koordinator", "Koordinator"), &v);

	/* One row per participant, under one label. */
	parts = kp_map_get(c->plan->root, "deltagere");
	add_literal(&l,
		    label(c, "deltagere", "Deltagere i koordinationsmødet"));
	if (parts && parts->type == KP_SEQ && parts->v.seq.len) {
		cell(c, t, row, 0, &l, KP_CELL_LABEL, 1,
		     (unsigned)parts->v.seq.len);
		for (i = 0; i < parts->v.seq.len; i++) {
			n = parts->v.seq.items[i];
			s = kp_node_str(kp_map_get(n, "rolle"));
			add_person(c, &v, n, s ? value_label(s) : NULL);
			cell(c, t, row++, 1, &v, 0, 1, 1);
		}
	} else {
		cell(c, t, row, 0, &l, KP_CELL_LABEL, 1, 1);
		cell(c, t, row++, 1, &v, 0, 1, 1);
	}

	add_date(&v, pstr(c, "moede.dato"));
	row = row2(c, t, row,
		   label(c, "moede/dato", "Dato for koordinationsmødet"), &v);
	if ((s = pstr(c, "moede.sted"))) {
		add_literal(&v, s);
		row = row2(c, t, row, label(c, "moede/sted", "Sted"), &v);
	}
	if ((s = pstr(c, "moede.form"))) {
		add_literal(&v, value_label(s));
		row = row2(c, t, row, label(c, "moede/form", "Mødeform"), &v);
	}
	add_yes_no(&v, kp_map_get(c->plan->root, "godkendt_af_borger"));
	row2(c, t, row,
	     label(c, "godkendt_af_borger",
		   "Indsatsplan er godkendt af borger"),
	     &v);

	kp_rdoc_text(c->doc,
		     "Hvis borgeren ikke er i psykiatrisk behandling, "
		     "kan psykiatrien ikke inddrages i forhold til den "
		     "konkrete person. Psykiatrien kan have en rådgivnings-/"
		     "sparringsfunktion for den kommunale stof-/"
		     "alkoholbehandling og den praktiserende læge ift. at "
		     "tilrettelægge den øvrige indsats bedst muligt og arbejde "
		     "hen mod en psykiatrisk udredning.\n\nSamme forhold vil "
		     "gøre sig gældende, hvis borgeren ikke aktuelt er i stof- "
		     "eller alkoholbehandling, men vurderes at have behov "
		     "herfor.",
		     KP_CELL_EMPH);
	kp_buf_release(&v);
	kp_buf_release(&l);
}

static const struct {
	const char *type, *label;
} plan_types[] = {
	{ "stofmisbrug", "Behandlingsplan(er) for stofmisbrug (Serviceloven "
			 "§ 141, sundhedsloven § 142)" },
	{ "alkohol", "Behandlingsplan for alkoholafhængighed" },
	{ "psykiatrisk_behandlingsplan", "Psykiatrisk behandlingsplan "
					 "(Psykiatriloven § 3 stk. 3)" },
	{ "udskrivningsaftale", "Udskrivningsaftale (Psykiatriloven (§13 a))" },
	{ "koordinationsplan", "Koordinationsplan (Psykiatriloven § 13b)" },
	{ "social_handleplan", "Social handleplan (Serviceloven §141)" },
	{ "uddannelse_job", "Uddannelsesplan eller jobplan" },
	{ "andet", "Andet" }
};

/* The status/mål/indsats row group of one existing plan (or none). */
static size_t plan_group(const struct ctx *c, struct kp_block *t, size_t row,
			 const char *type_label, const struct kp_node *p)
{
	static const char *const keys[] = { "status", "maal", "indsats" };
	static const char *const fallback[] = { "Status", "Mål", "Indsats" };
	struct kp_buf b = KP_BUF_INIT;
	const char *s;
	char path[32];
	size_t i;

	add_literal(&b, type_label);
	if ((s = kp_node_str(kp_map_get(p, "betegnelse")))) {
		kp_buf_addstr(&b, ": ");
		add_literal(&b, s);
	}
	cell(c, t, row, 0, &b, KP_CELL_LABEL, 1, 3);
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "planer/[]/%s", keys[i]);
		add_literal(&b, label(c, path, fallback[i]));
		cell(c, t, row + i, 1, &b, KP_CELL_LABEL, 1, 1);
		cell_str(c, t, row + i, 2, kp_node_str(kp_map_get(p, keys[i])),
			 0);
	}
	kp_buf_release(&b);
	return row + 3;
}

static void part2(struct ctx *c)
{
	static const double w[] = { 1.5, 0.62, 3.0 };
	const struct kp_node *planer = kp_map_get(c->plan->root, "planer");
	const struct kp_node *p;
	struct kp_block *t;
	size_t row = 0, i, k, n = 0, shown;
	const char *type;

	if (planer && planer->type == KP_SEQ)
		n = planer->v.seq.len;
	kp_rdoc_heading(c->doc, 2,
			"2. Afdækning af status, mål og indsatser "
			"i eksisterende planer");
	kp_rdoc_text(c->doc,
		     "Information hertil indhentes inden "
		     "koordinationsmødet og udarbejdes af den koordinerende "
		     "funktion",
		     KP_CELL_EMPH | KP_CELL_PLAIN);
	t = kp_rdoc_table(c->doc, 3, 0);
	kp_rdoc_table_widths(t, w);
	/* Bilag 1's eight kinds of plan, in its order, each at least once. */
	for (k = 0; k < sizeof(plan_types) / sizeof(plan_types[0]); k++) {
		shown = 0;
		for (i = 0; i < n; i++) {
			p = planer->v.seq.items[i];
			type = kp_node_str(kp_map_get(p, "type"));
			if (!type || strcmp(type, plan_types[k].type) != 0)
				continue;
			row = plan_group(c, t, row, plan_types[k].label, p);
			shown++;
		}
		if (!shown)
			row = plan_group(c, t, row, plan_types[k].label, NULL);
	}
	/* Entries of a type the guideline does not know (--force). */
	for (i = 0; i < n; i++) {
		p = planer->v.seq.items[i];
		type = kp_node_str(kp_map_get(p, "type"));
		for (k = 0;
		     type && k < sizeof(plan_types) / sizeof(plan_types[0]);
		     k++)
			if (strcmp(type, plan_types[k].type) == 0)
				break;
		if (k == sizeof(plan_types) / sizeof(plan_types[0]) || !type)
			row = plan_group(c, t, row, type ? type : "?", p);
	}
}

static void part3(struct ctx *c)
{
	static const double w[] = { 0.3, 5.0 };
	const struct kp_node *u = kp_map_get(c->plan->root, "udfordringer");
	struct kp_buf b = KP_BUF_INIT;
	struct kp_block *t;
	size_t i, n = u && u->type == KP_SEQ ? u->v.seq.len : 0;

	kp_rdoc_heading(c->doc, 2,
			"3. Identifikation af primære og/eller "
			"akutte udfordringer");
	kp_rdoc_text(c->doc, "Udarbejdes på det koordinerende møde",
		     KP_CELL_EMPH | KP_CELL_PLAIN);
	kp_rdoc_text(c->doc,
		     "Med udgangspunkt i borgerens aktuelle status "
		     "foretages en vurdering af, hvad der aktuelt er de "
		     "primære eller akutte udfordringer. Det kan fx være, om "
		     "borgeren følger den psykiatriske behandling eller stof-/"
		     "alkoholbehandlingen, om der er behov for yderligere "
		     "udredning, økonomiske forhold, sociale forhold som fx "
		     "ensomhed, bolig, beskæftigelse eller uddannelse. Det er "
		     "væsentligt, at borgeren selv er inddraget i forhold til "
		     "identifikationen.",
		     KP_CELL_EMPH | KP_CELL_PLAIN);
	add_literal(&b, label(c, "udfordringer",
			      "Primære eller akutte "
			      "udfordringer i prioriteret rækkefølge"));
	kp_buf_addstr(&b, ":");
	kp_rdoc_text(c->doc, b.buf, 0);
	kp_buf_reset(&b);
	t = kp_rdoc_table(c->doc, 2, 0);
	kp_rdoc_table_widths(t, w);
	for (i = 0; i < n || i < 1; i++) {
		kp_buf_addf(&b, "%zu.", i + 1);
		cell(c, t, i, 0, &b, KP_CELL_LABEL | KP_CELL_PLAIN, 1, 1);
		cell_str(c, t, i, 1,
			 i < n ? kp_node_str(u->v.seq.items[i]) : "", 0);
	}
	kp_rdoc_text(c->doc,
		     "Identifikationen af de primære eller akutte "
		     "udfordringer er de som der fælles arbejdes videre med. "
		     "Andre indsatser inden for de eksisterende planer "
		     "gennemføres som planlagt, forudsat det er foreneligt med "
		     "konklusionerne i forhold til identifikationen af de "
		     "primære eller akutte udfordringer.",
		     KP_CELL_EMPH | KP_CELL_PLAIN);
	kp_buf_release(&b);
}

static void action_header(const struct ctx *c, struct kp_block *t, size_t row)
{
	struct kp_buf b = KP_BUF_INIT;

	add_literal(&b, label(c, "maal/[]/indsatser/[]/opgave",
			      "Indsatser eller opgaver"));
	cell(c, t, row, 0, &b, KP_CELL_HEADER, 1, 1);
	add_literal(&b, label(c, "maal/[]/indsatser/[]/succeskriterier",
			      "Succeskriterier"));
	cell(c, t, row, 1, &b, KP_CELL_HEADER, 1, 1);
	add_literal(&b, label(c, "maal/[]/indsatser/[]/ansvarlig",
			      "Rollefordeling"));
	kp_buf_addstr(&b, "\\\n*Hvem har ansvaret for indsatsen, herunder "
			  "borgerens ansvar?*");
	cell(c, t, row, 2, &b, KP_CELL_HEADER, 1, 1);
	add_literal(&b, label(c, "maal/[]/indsatser/[]/tidsplan",
			      "Tidsplan for indsatser"));
	kp_buf_addstr(&b, "\\\n*(Overvej om indsatser skal være parallelle "
			  "eller sekventielle indsatser)*");
	cell(c, t, row, 3, &b, KP_CELL_HEADER, 1, 1);
	kp_buf_release(&b);
}

/* "**Status:** Gennemført 1. oktober 2014" for an action with a state. */
static void add_state(const struct ctx *c, struct kp_buf *b,
		      const struct kp_node *act)
{
	enum kp_act_state st = act ? kp_action_state(act) : KP_ACT_NONE;
	const char *when = kp_node_str(kp_map_get(act, "status_dato"));

	if (st == KP_ACT_NONE)
		return;
	kp_buf_addstr(b, b->len ? "\n\n**" : "**");
	add_literal(b, label(c, "maal/[]/indsatser/[]/status", "Status"));
	kp_buf_addstr(b, ":** ");
	add_literal(b, value_label(kp_action_state_name(st)));
	if (when) {
		kp_buf_addstr(b, " ");
		add_date(b, when);
	}
}

static void part4(struct ctx *c)
{
	static const double w[] = { 1.0, 1.0, 1.15, 1.0 };
	const struct kp_node *maal = kp_map_get(c->plan->root, "maal");
	const struct kp_node *m, *acts, *a;
	struct kp_buf b = KP_BUF_INIT;
	struct kp_block *t;
	size_t i, k, row,
		n = maal && maal->type == KP_SEQ ? maal->v.seq.len : 0;
	size_t nacts;
	const char *s;

	kp_rdoc_heading(c->doc, 2, "4. Fælles mål og prioritering");
	kp_rdoc_text(c->doc, "Udarbejdes på det koordinerende møde",
		     KP_CELL_EMPH | KP_CELL_PLAIN);
	for (i = 0; i < n || i < 1; i++) {
		m = i < n ? maal->v.seq.items[i] : NULL;
		t = kp_rdoc_table(c->doc, 4, 2);
		kp_rdoc_table_widths(t, w);
		kp_buf_addf(&b, "Mål %zu: ", i + 1);
		if ((s = kp_node_str(kp_map_get(m, "titel"))))
			add_text(&b, s);
		else
			kp_buf_addstr(
				&b, "*[Beskriv mål – fx deltagelse i "
				    "stofmisbrugsbehandling eller "
				    "fastholdelse i psykiatrisk behandling]*");
		cell(c, t, 0, 0, &b, KP_CELL_HEADER, 4, 1);
		action_header(c, t, 1);
		row = 2;
		if ((s = kp_node_str(kp_map_get(m, "beskrivelse")))) {
			add_text(&b, s);
			cell(c, t, row++, 0, &b, 0, 4, 1);
		}
		acts = kp_map_get(m, "indsatser");
		nacts = acts && acts->type == KP_SEQ ? acts->v.seq.len : 0;
		for (k = 0; k < nacts || k < 1; k++) {
			a = k < nacts ? acts->v.seq.items[k] : NULL;
			cell_str(c, t, row, 0,
				 kp_node_str(kp_map_get(a, "opgave")), 0);
			cell_str(c, t, row, 1,
				 kp_node_str(kp_map_get(a, "succeskriterier")),
				 0);
			cell_str(c, t, row, 2,
				 kp_node_str(kp_map_get(a, "ansvarlig")), 0);
			if ((s = kp_node_str(kp_map_get(a, "tidsplan"))))
				add_text(&b, s);
			if ((s = kp_node_str(kp_map_get(a, "frist")))) {
				kp_buf_addstr(&b, b.len ? "\n\n**" : "**");
				add_literal(&b,
					    label(c,
						  "maal/[]/indsatser/[]/frist",
						  "Frist"));
				kp_buf_addstr(&b, ":** ");
				add_date(&b, s);
			}
			if ((s = kp_node_str(kp_map_get(a, "forloeb")))) {
				kp_buf_addstr(&b, b.len ? "\n\n" : "");
				add_literal(&b, value_label(s));
			}
			add_state(c, &b, a);
			cell(c, t, row++, 3, &b, 0, 1, 1);
		}
	}
	kp_rdoc_text(
		c->doc,
		"Husk at borgeren skal inddrages i forhold til "
		"fælles mål og prioritering. Inddragelsen kan enten ske "
		"gennem deltagelse i mødet, gennem forudgående samtale "
		"eller lign. Den konkrete inddragelse afpasses borgerens "
		"ønsker, behov og præferencer. Det kan aftales med "
		"borgeren, hvordan behandlere skal reagere i tilfælde, hvor "
		"borgeren udebliver fra en aftalt behandling.",
		KP_CELL_EMPH | KP_CELL_PLAIN);
	kp_buf_release(&b);
}

/* "Opfølgende møde afholdes den 1. oktober 2014 (max 6 mdr. ...)". */
static void next_meeting(const struct ctx *c, struct kp_buf *v)
{
	const char *s;

	kp_buf_addstr(v, "Opfølgende møde afholdes den ");
	if ((s = pstr(c, "opfoelgning.dato"))) {
		kp_buf_addstr(v, "**");
		add_date(v, s);
		kp_buf_addstr(v, "**");
	} else {
		kp_buf_addstr(v, "\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_");
	}
	/* Bilag 1's words, until later meetings are held (§6.2.5). */
	if (kp_map_get(c->plan->root, "moeder"))
		kp_buf_addstr(v, "\\\n*(max 6 mdr. efter det seneste møde)*");
	else
		kp_buf_addstr(v, "\\\n*(max 6 mdr. efter udarbejdelsen af "
				 "indsatsplanen)*");
}

/* One row of the meetings held: date, what and where, who, evaluation. */
static void meeting_row(const struct ctx *c, struct kp_block *t, size_t row,
			const struct kp_node *m, const char *what,
			const char *who)
{
	struct kp_buf b = KP_BUF_INIT;
	const struct kp_node *dl = kp_map_get(m, "deltagere");
	const char *s;
	size_t i;

	add_date(&b, kp_node_str(kp_map_get(m, "dato")));
	cell(c, t, row, 0, &b, 0, 1, 1);
	add_literal(&b, what);
	if ((s = kp_node_str(kp_map_get(m, "form")))) {
		kp_buf_addstr(&b, "\\\n");
		add_literal(&b, value_label(s));
	}
	if ((s = kp_node_str(kp_map_get(m, "sted")))) {
		kp_buf_addstr(&b, "\\\n");
		add_literal(&b, s);
	}
	if (kp_node_true(kp_map_get(m, "borger_fravalgt")))
		kp_buf_addstr(&b, "\\\n*Borgeren har angivet ikke at ville "
				  "deltage i et møde*");
	cell(c, t, row, 1, &b, 0, 1, 1);
	if (who)
		add_literal(&b, who);
	for (i = 0; dl && dl->type == KP_SEQ && i < dl->v.seq.len; i++) {
		kp_buf_addstr(&b, i ? "\\\n" : "");
		add_literal(&b, kp_node_str(dl->v.seq.items[i]));
	}
	cell(c, t, row, 2, &b, 0, 1, 1);
	if ((s = kp_node_str(kp_map_get(m, "evaluering"))))
		kp_buf_addstr(&b, s);
	cell(c, t, row, 3, &b, 0, 1, 1);
	kp_buf_release(&b);
}

/*
 * The meetings held, oldest first: the coordination meeting, then each
 * of moeder (§6.2.5).  Only when there is more than the first.
 */
static void meetings(const struct ctx *c)
{
	static const double w[] = { 0.8, 1.3, 1.2, 2.2 };
	static const char *const head[] = { "Dato", "Møde", "Deltagere",
					    "Evaluering" };
	const struct kp_node *ms = kp_map_get(c->plan->root, "moeder");
	const struct kp_node *first = kp_map_get(c->plan->root, "moede");
	struct kp_block *t;
	size_t i, row = 1;

	if (!ms || ms->type != KP_SEQ || !ms->v.seq.len)
		return;
	kp_rdoc_heading(c->doc, 3, "Afholdte møder");
	t = kp_rdoc_table(c->doc, 4, 1);
	kp_rdoc_table_widths(t, w);
	for (i = 0; i < 4; i++)
		cell_str(c, t, 0, i, head[i], KP_CELL_HEADER | KP_CELL_PLAIN);
	if (first && first->type == KP_MAP && kp_map_get(first, "dato"))
		meeting_row(c, t, row++, first, "Koordinationsmøde",
			    "Se deltagerne i del 1");
	for (i = 0; i < ms->v.seq.len; i++) {
		const struct kp_node *m = ms->v.seq.items[i];
		const char *type = kp_node_str(kp_map_get(m, "type"));

		meeting_row(c, t, row++, m,
			    type && strcmp(type, "afslutning") == 0
				    ? "Afsluttende møde"
				    : "Opfølgende møde",
			    NULL);
	}
}

/* The closing (Region Syddanmark 2024, Færdigbehandlet/udskrevet). */
static void closing(const struct ctx *c)
{
	static const double w[] = { 1.0, 2.7 };
	const struct kp_node *a = kp_map_get(c->plan->root, "afslutning");
	struct kp_buf v = KP_BUF_INIT;
	struct kp_block *t;
	const char *s;
	size_t row = 0;

	if (!a || a->type != KP_MAP)
		return;
	kp_rdoc_heading(c->doc, 3, label(c, "afslutning", "Afslutning"));
	t = kp_rdoc_table(c->doc, 2, 0);
	kp_rdoc_table_widths(t, w);
	add_date(&v, kp_node_str(kp_map_get(a, "dato")));
	row = row2(c, t, row,
		   label(c, "afslutning/dato", "Dato for afslutning"), &v);
	if ((s = kp_node_str(kp_map_get(a, "aarsag")))) {
		kp_buf_addstr(&v, s);
		row = row2(c, t, row, label(c, "afslutning/aarsag", "Årsag"),
			   &v);
	}
	if ((s = kp_node_str(kp_map_get(a, "til")))) {
		add_literal(&v, s);
		row2(c, t, row, label(c, "afslutning/til", "Afsluttet til"),
		     &v);
	}
	kp_buf_release(&v);
}

static void part5(struct ctx *c)
{
	static const double w[] = { 1.0, 2.7 };
	struct kp_buf v = KP_BUF_INIT, l = KP_BUF_INIT;
	struct kp_block *t;
	const char *s;

	kp_rdoc_heading(c->doc, 2, "5. Opfølgning");
	t = kp_rdoc_table(c->doc, 2, 0);
	kp_rdoc_table_widths(t, w);
	add_literal(&l, label(c, "opfoelgning/dato", "Dato for opfølgning"));
	kp_buf_addstr(&l, "\n\n*Her skal evalueres i forhold til punkt 4, og "
			  "foretages nødvendige ændringer*");
	cell(c, t, 0, 0, &l, KP_CELL_LABEL, 1, 1);
	if (c->closed) {
		kp_buf_addstr(&v, "Planen er afsluttet; der holdes ikke flere "
				  "opfølgende møder.");
	} else {
		next_meeting(c, &v);
	}
	cell(c, t, 0, 1, &v, 0, 1, 1);
	if ((s = pstr(c, "opfoelgning.evaluering"))) {
		add_text(&v, s);
		row2(c, t, 1, label(c, "opfoelgning/evaluering", "Evaluering"),
		     &v);
	}
	meetings(c);
	closing(c);
	kp_rdoc_text(c->doc,
		     "De koordinerende parter, der deltager i "
		     "indsatsplanen, skal minimum mødes en gang halvårligt til "
		     "et fælles møde. Opfølgningsdatoen skal tilpasses "
		     "borgerens individuelle forløb og behov. Ved ændringer i "
		     "borgerens situation (fx hvis borgeren afbryder en "
		     "behandling) kan mødet fremrykkes, såfremt borgeren "
		     "fortsat ønsker en koordinerende indsatsplan.\n\nDen "
		     "koordinerende indsatsplan skal vedlægges som bilag til "
		     "behandlingsplan, handleplan m.v. og beslutninger skal "
		     "indskrives i eksisterende planer.",
		     KP_CELL_EMPH);
	kp_buf_release(&v);
	kp_buf_release(&l);
}

/* The top-level fields that the five parts above show. */
static const char *const shown_fields[] = { "kiplan",
					    "id",
					    "status",
					    "forloeb",
					    "borger",
					    "grundlag",
					    "samtykke",
					    "koordinator",
					    "deltagere",
					    "moede",
					    "godkendt_af_borger",
					    "planer",
					    "udfordringer",
					    "maal",
					    "opfoelgning",
					    "boern",
					    "henvisning",
					    "moeder",
					    "afslutning" };

struct extra {
	const char **names;
	size_t len, alloc;
};

static void collect(const char *name, void *payload)
{
	struct extra *e = payload;
	size_t i;

	for (i = 0; i < sizeof(shown_fields) / sizeof(shown_fields[0]); i++)
		if (strcmp(name, shown_fields[i]) == 0)
			return;
	if (e->len == e->alloc) {
		e->alloc = e->alloc ? 2 * e->alloc : 8;
		e->names = kp_xrealloc(e->names, e->alloc * sizeof(*e->names));
	}
	e->names[e->len++] = kp_xstrdup(name);
}

/* A scalar as CommonMark: strings as they are, dates the Danish way. */
static void add_scalar(struct kp_buf *b, const struct kp_node *n)
{
	struct kp_date d;

	switch (n->type) {
	case KP_STR:
		if (n->v.str.len == 10 &&
		    kp_date_parse(&d, n->v.str.ptr, 10) == 0)
			add_date(b, n->v.str.ptr);
		else
			add_text(b, n->v.str.ptr);
		break;
	case KP_BOOL: kp_buf_addstr(b, n->v.boolean ? "Ja" : "Nej"); break;
	case KP_INT: kp_buf_addf(b, "%lld", n->v.integer); break;
	case KP_FLOAT: kp_buf_addf(b, "%g", n->v.real); break;
	default: break;
	}
}

/*
 * A field a regional schema adds: one row per scalar, labelled with the
 * schema's titles along the path ("Visitation – Dato for visitation").
 */
static void generic_rows(const struct ctx *c, struct kp_block *t, size_t *row,
			 struct kp_buf *path, struct kp_buf *lab,
			 const struct kp_node *n)
{
	struct kp_buf v = KP_BUF_INIT;
	size_t plen = path->len, llen = lab->len, i;
	const char *sub;

	if (n->type == KP_MAP) {
		for (i = 0; i < n->v.map.len; i++) {
			kp_buf_addf(path, "/%s", n->v.map.pairs[i].key);
			sub = label(c, path->buf, n->v.map.pairs[i].key);
			kp_buf_addstr(lab, " – ");
			kp_buf_addstr(lab, sub);
			generic_rows(c, t, row, path, lab,
				     n->v.map.pairs[i].value);
			kp_buf_setlen(path, plen);
			kp_buf_setlen(lab, llen);
		}
	} else if (n->type == KP_SEQ) {
		kp_buf_addstr(path, "/[]");
		for (i = 0; i < n->v.seq.len; i++) {
			kp_buf_addf(lab, " %zu", i + 1);
			generic_rows(c, t, row, path, lab, n->v.seq.items[i]);
			kp_buf_setlen(lab, llen);
		}
		kp_buf_setlen(path, plen);
	} else {
		add_scalar(&v, n);
		*row = row2(c, t, *row, lab->buf, &v);
	}
	kp_buf_release(&v);
}

static void extra_fields(struct ctx *c)
{
	static const double w[] = { 1.0, 2.7 };
	struct extra e = { NULL, 0, 0 };
	struct kp_buf path = KP_BUF_INIT, lab = KP_BUF_INIT;
	const struct kp_node *n;
	struct kp_block *t = NULL;
	size_t i, row = 0;

	if (c->schema)
		kp_schema_properties(c->schema, "", collect, &e);
	for (i = 0; i < e.len; i++) {
		if (!(n = kp_map_get(c->plan->root, e.names[i])))
			continue;
		if (!t) {
			kp_rdoc_heading(c->doc, 2, "Øvrige oplysninger");
			t = kp_rdoc_table(c->doc, 2, 0);
			kp_rdoc_table_widths(t, w);
		}
		kp_buf_addstr(&path, e.names[i]);
		kp_buf_addstr(&lab, label(c, e.names[i], e.names[i]));
		generic_rows(c, t, &row, &path, &lab, n);
		kp_buf_reset(&path);
		kp_buf_reset(&lab);
	}
	for (i = 0; i < e.len; i++)
		free((char *)e.names[i]);
	free(e.names);
	kp_buf_release(&path);
	kp_buf_release(&lab);
}

static int blank(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return 0;
	return 1;
}

/* The local date of a commit time. */
static struct kp_date local_date(long long time, int offset, long long *secs)
{
	long long t = time + (long long)offset * 60;
	long long days = t / 86400 - (t % 86400 < 0);

	if (secs)
		*secs = t - days * 86400;
	return kp_date_from_days((long)days);
}

/*
 * The revision stamp, and the state that every page shows: "Kladde" for
 * a draft; "Afsluttet <dato>" for a closed plan; "Ikke afsendt" for a
 * revision never sent, a working copy that differs from its revision,
 * and a file outside a repository; "Sendt <dato>" for a sent revision.
 */
static void stamp(struct kp_rdoc *doc, const struct kp_plan *plan,
		  const char *id, const struct kp_source *src)
{
	struct kp_buf b = KP_BUF_INIT, m = KP_BUF_INIT;
	const char *st = kp_plan_str(plan, "status");
	struct kp_date d;
	long long secs;
	int sent = src && src->in_repo && src->revision && !src->modified &&
		   src->sent;

	kp_buf_addf(&b, "%s", id ? id : "");
	if (src && src->in_repo && src->revision && src->modified) {
		kp_buf_addf(&b, " · ændret efter revision %u", src->revision);
	} else if (src && src->in_repo && src->revision) {
		d = local_date(src->time, src->offset, &secs);
		kp_buf_addf(&b,
			    " · revision %u · %.7s · %d. %s %d kl. "
			    "%02lld.%02lld",
			    src->revision, src->commit, d.d,
			    month_names[d.m - 1], d.y, secs / 3600,
			    secs % 3600 / 60);
		doc->created = src->time;
		doc->revision = src->revision;
		snprintf(doc->commit, sizeof(doc->commit), "%s", src->commit);
	}
	if (st && strcmp(st, "kladde") == 0) {
		kp_buf_addstr(&m, KP_RENDER_DRAFT);
		sent = 0;
	} else if (st && strcmp(st, "afsluttet") == 0) {
		kp_buf_addstr(&m, "Afsluttet");
		if (kp_plan_str(plan, "afslutning.dato")) {
			kp_buf_addch(&m, ' ');
			add_date_plain(&m,
				       kp_plan_str(plan, "afslutning.dato"));
		}
		kp_buf_addstr(&m, sent ? " · sendt " : " · ikke afsendt");
	} else {
		kp_buf_addstr(&m, sent ? "Sendt " : KP_RENDER_UNSENT);
	}
	if (sent) {
		d = local_date(src->sent_time, src->sent_offset, NULL);
		kp_buf_addf(&m, "%d. %s %d", d.d, month_names[d.m - 1], d.y);
	}
	doc->draft = !sent;
	kp_rdoc_set(&doc->stamp, b.buf);
	kp_rdoc_set(&doc->mark, m.buf);
	kp_buf_release(&b);
	kp_buf_release(&m);
}

int kp_render_model(struct kp_rdoc **out, const struct kp_plan *plan,
		    const struct kp_render_opts *opts, struct kp_error *err)
{
	struct kp_schema *builtin = NULL;
	struct kp_plan *redacted = NULL;
	struct kp_buf b = KP_BUF_INIT;
	struct ctx c;
	const char *id, *name;
	int error = 0, i;

	*out = NULL;
	memset(&c, 0, sizeof(c));
	if (!plan || !plan->root)
		return kp_error_set(err, KP_EUSAGE, NULL, 0, 0,
				    _("no plan to render"));
	c.plan = c.given = plan;
	c.redact = opts && opts->redact;
	/* --redact: everything below reads the redacted copy. */
	if (c.redact) {
		if ((error = kp_plan_redacted(&redacted, plan, err)) < 0)
			goto done;
		c.plan = plan = redacted;
	}
	c.closed = kp_plan_str(plan, "status") &&
		   strcmp(kp_plan_str(plan, "status"), "afsluttet") == 0;
	c.schema = opts ? opts->schema : NULL;
	if (!c.schema) {
		if ((error = kp_schema_builtin(&builtin, err)) < 0)
			goto done;
		c.schema = builtin;
	}
	c.doc = kp_rdoc_new();
	id = kp_plan_str(plan, "id");
	name = kp_plan_str(plan, "borger.navn");

	stamp(c.doc, plan, id, opts ? opts->src : NULL);
	/*
	 * The title says the state too: a file is judged by its title.  The
	 * metadata's has the name as it is; the footer's isolates it.
	 */
	for (i = 0; i < 2; i++) {
		kp_buf_addstr(&b, "Koordinerende indsatsplan");
		if (id)
			kp_buf_addf(&b, " %s", id);
		if (name) {
			kp_buf_addstr(&b, " – ");
			if (i)
				add_name(&b, name, 0);
			else
				kp_buf_addstr(&b, name);
		}
		kp_buf_addf(&b, " (%s)", c.doc->mark);
		kp_rdoc_set(i ? &c.doc->footer : &c.doc->title, b.buf);
		kp_buf_reset(&b);
	}
	kp_rdoc_set(&c.doc->subject,
		    "Koordinerende indsatsplan efter "
		    "Sundhedsstyrelsens retningslinjer (2014), bilag 1");
	kp_rdoc_set(&c.doc->author, kp_plan_str(plan, "koordinator.navn"));
	if (name)
		add_name(&b, name, 0);
	kp_buf_addf(&b, "%s%s", name && id ? " · " : "", id ? id : "");
	kp_rdoc_set(&c.doc->header, b.buf);
	kp_buf_reset(&b);
	c.doc->invalid = opts && opts->invalid;
	c.doc->redacted = c.redact;
	kp_rdoc_set(&c.doc->plan_id, id);

	kp_rdoc_heading(c.doc, 1, "Koordinerende indsatsplan");
	part1(&c);
	part2(&c);
	part3(&c);
	part4(&c);
	part5(&c);
	extra_fields(&c);
	if (plan->body && !blank(plan->body, plan->body_len)) {
		kp_rdoc_heading(c.doc, 2, "Noter");
		kp_buf_add(&b, plan->body, plan->body_len);
		text_block(&c, b.buf, 0);
	}
	*out = c.doc;
	c.doc = NULL;
done:
	kp_rdoc_free(c.doc);
	kp_schema_free(builtin);
	kp_plan_free(redacted);
	kp_buf_release(&b);
	return error;
}

void kp_chars_add(struct kp_chars *set, unsigned c)
{
	size_t i;

	for (i = 0; i < set->len; i++)
		if (set->v[i] == c)
			return;
	if (set->len == set->alloc) {
		set->alloc = set->alloc ? 2 * set->alloc : 8;
		set->v = kp_xrealloc(set->v, set->alloc * sizeof(*set->v));
	}
	set->v[set->len++] = c;
}

void kp_chars_release(struct kp_chars *set)
{
	free(set->v);
	set->v = NULL;
	set->len = set->alloc = 0;
}

/* c as UTF-8 into out[5]. */
static void utf8_of(char out[5], unsigned c)
{
	if (c < 0x80) {
		out[0] = (char)c;
		out[1] = '\0';
	} else if (c < 0x800) {
		out[0] = (char)(0xc0 | c >> 6);
		out[1] = (char)(0x80 | (c & 0x3f));
		out[2] = '\0';
	} else if (c < 0x10000) {
		out[0] = (char)(0xe0 | c >> 12);
		out[1] = (char)(0x80 | (c >> 6 & 0x3f));
		out[2] = (char)(0x80 | (c & 0x3f));
		out[3] = '\0';
	} else {
		out[0] = (char)(0xf0 | c >> 18);
		out[1] = (char)(0x80 | (c >> 12 & 0x3f));
		out[2] = (char)(0x80 | (c >> 6 & 0x3f));
		out[3] = (char)(0x80 | (c & 0x3f));
		out[4] = '\0';
	}
}

/*
 * A warning that the PDF shows the character c as a box, at its first
 * place in the plan's file (line 0 when it is not there: a label of the
 * schema).
 */
static void warn_missing(struct kp_findings *f, const struct kp_plan *plan,
			 unsigned c)
{
	char ch[5];
	const char *at, *p, *line;
	unsigned ln = 0, col = 0;

	utf8_of(ch, c);
	at = plan->text.buf ? strstr(plan->text.buf, ch) : NULL;
	if (at) {
		ln = 1;
		line = plan->text.buf;
		for (p = plan->text.buf; p < at; p++)
			if (*p == '\n') {
				ln++;
				line = p + 1;
			}
		for (p = line, col = 1; p < at; col++) {
			size_t n = kp_utf8_len(p, (size_t)(at - p));

			p += n ? n : 1;
		}
	}
	/* TRANSLATORS: the character itself, then its code point. */
	kp_findings_add(f, "skrift", KP_WARNING, ln, col,
			_("no installed font has the character '%s' (U+%04X): "
			  "the PDF shows a box in its place"),
			ch, c);
}

int kp_render(struct kp_buf *out, const char *format,
	      const struct kp_plan *plan, const struct kp_render_opts *opts,
	      struct kp_error *err)
{
	struct kp_rdoc *doc = NULL;
	struct kp_chars missing = KP_CHARS_INIT;
	size_t i;
	int error;

	if (strcmp(format, "html") != 0 && strcmp(format, "pdf") != 0)
		return kp_error_set(err, KP_EUSAGE, NULL, 0, 0,
				    _("unknown format '%s' (html or pdf)"),
				    format);
	if ((error = kp_render_model(&doc, plan, opts, err)) < 0)
		return error;
	if (strcmp(format, "html") == 0)
		error = kp_render_html(out, doc, err);
	else
		error = kp_render_pdf(out, doc, &missing, err);
	if (error == 0 && opts && opts->warnings)
		for (i = 0; i < missing.len; i++)
			warn_missing(opts->warnings, plan, missing.v[i]);
	kp_chars_release(&missing);
	kp_rdoc_free(doc);
	/* The writers know the model, not the file: name it here. */
	if (error < 0 && err && !err->file[0] && plan->path)
		snprintf(err->file, sizeof(err->file), "%s", plan->path);
	return error;
}
