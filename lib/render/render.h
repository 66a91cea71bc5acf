/*
 * render.h: the render module, for the modules above it: the document model of
 * a plan and its HTML and PDF writers.
 */
#ifndef KP_RENDER_H
#define KP_RENDER_H

#include "kiplan.h"
#include "base/base.h"
#include "load/load.h"
#include "check/check.h"

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
	char *title;  /* "Koordinerende indsatsplan ki-2014-0001 – Navn" */
	char *footer; /* the title, the name isolated as in the header */
	char *subject;
	char *author;	   /* the coordinator */
	char *header;	   /* running header: citizen's name and plan id */
	char *stamp;	   /* revision stamp, one line */
	char *mark;	   /* the state, on every page: "Kladde", "Sendt
			      2. oktober 2014", "Afsluttet ..."; or NULL */
	int draft;	   /* not sent: the mark is a warning */
	int invalid;	   /* rendered with --force: marked on every page */
	long long created; /* seconds since the epoch, for metadata */
	/* Which plan and revision this is (ident.c): kiplan verify. */
	char *plan_id;	   /* or NULL */
	unsigned revision; /* 0: a working copy, not a revision */
	char commit[41];   /* hex; "" when not a revision */
	int redacted;	   /* rendered with --redact */
	struct kp_block *blocks;
	size_t nblocks, alloc;
};

/*
 * The identity of a rendered document, which it carries: in a PDF, as
 * XMP properties in the namespace KP_IDENT_NS ("<kiplan:plan>"); in HTML,
 * as <meta name="kiplan:plan" content="...">.  kp_ident_xmp() and
 * kp_ident_html() write it for doc; kp_ident_read() is in kiplan.h.
 */
#define KP_IDENT_NS "urn:kiplan:document:1.0/"
void kp_ident_xmp(struct kp_buf *out, const struct kp_rdoc *doc);
void kp_ident_html(struct kp_buf *out, const struct kp_rdoc *doc);

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
 * revision never sent, a working copy that differs from its revision, a
 * file outside a repository), of a draft, and of one rendered with
 * --force although it has errors.
 */
#define KP_RENDER_UNSENT "Ikke afsendt"
#define KP_RENDER_DRAFT "Kladde"
#define KP_RENDER_INVALID                                                      \
	"UGYLDIG PLAN \u2013 planen har fejl og m\u00e5 "                      \
	"ikke sendes"

int kp_render_model(struct kp_rdoc **out, const struct kp_plan *plan,
		    const struct kp_render_opts *opts, struct kp_error *err);

/*
 * The mark that every page shows: doc->mark, or, in a model built by
 * hand without one, KP_RENDER_UNSENT when doc->draft is set; NULL for
 * none.  Borrowed.
 */
const char *kp_rdoc_mark(const struct kp_rdoc *doc);

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
 * Write doc as one self-contained HTML document (inline CSS, no script,
 * no external reference; lang="da") to out.
 */
int kp_render_html(struct kp_buf *out, const struct kp_rdoc *doc,
		   struct kp_error *err);

/* Characters (code points), in the order first met, each once. */
struct kp_chars {
	unsigned *v;
	size_t len, alloc;
};
/* clang-format off */
#define KP_CHARS_INIT { NULL, 0, 0 }
/* clang-format on */
/* Add c unless it is there already. */
void kp_chars_add(struct kp_chars *set, unsigned c);
void kp_chars_release(struct kp_chars *set);

/*
 * Write doc as an A4 PDF to out (appended), drawn with cairo and pango:
 * DejaVu fonts, embedded; tables and long cells break across pages with
 * their header rows repeated; a running header (doc->header, doc->stamp,
 * the draft and invalid marks) and "Side N af M" on every page; title,
 * author, subject and creation date as metadata; bookmarks for the
 * headings.  The characters that no installed font has, which print as
 * boxes, go into missing (may be NULL).  Layout time is bounded: KP_ELIMIT when
 * the text would run past some 40000 lines (500 pages); KP_ERENDER when cairo
 * fails.  On failure out is as it was.
 */
int kp_render_pdf(struct kp_buf *out, const struct kp_rdoc *doc,
		  struct kp_chars *missing, struct kp_error *err);

#endif
