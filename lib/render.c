/*
 * render.c: the document model that every output format writes, and the
 * building of a plan into it (Bilag 1's five parts, in order).
 */
#include <stdlib.h>
#include <string.h>

#include "kiplan.h"
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
	free(doc->subject);
	free(doc->author);
	free(doc->header);
	free(doc->stamp);
	free(doc);
}

void kp_rdoc_set(char **field, const char *s)
{
	free(*field);
	*field = s ? kp_xstrdup(s) : NULL;
}

static struct kp_block *add_block(struct kp_rdoc *doc,
				  enum kp_block_type type)
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
