/*
 * pdfpost.h: private to the render module.  What cairo 1.16 cannot write
 * into a PDF, added to the file it wrote as an incremental update.
 */
#ifndef KP_PDFPOST_H
#define KP_PDFPOST_H

#include <stddef.h>

#include "render/render.h"

/* What the update says of the document. */
struct kp_pdf_meta {
	const char *title, *author, *subject; /* as the Info dictionary */
	const char *creator, *producer;
	long long created; /* seconds since the epoch: CreationDate */
	const char *lang;  /* "da" */
	char pdfa;	   /* PDF/A-2's conformance level: 'B' or 'U' */
	/* Which plan the document is (kiplan verify reads it back). */
	const char *ident; /* kp_ident_xmp() */
	/* 'C' or 'R' for each TH element, in the order cairo made them. */
	const char *scopes;
	size_t nscopes;
};

/*
 * Update the PDF that cairo wrote into pdf from byte start on: the
 * catalog gets /Lang, XMP metadata (/Metadata), /ViewerPreferences
 * /DisplayDocTitle (the title in the reader's window) and a PDF/A output
 * intent with an sRGB profile; every page gets
 * /Tabs /S, and its content drawn outside the structure is marked
 * /Artifact; each TH gets its /Scope; each TrueType CIDFont an explicit
 * /CIDToGIDMap; each link annotation /F 4 and /Contents; the trailer an
 * /ID made from the
 * content.  The same input gives the same bytes.  KP_ERENDER when the
 * file is not what cairo writes (nothing is changed then).
 */
int kp_pdf_finish(struct kp_buf *pdf, size_t start,
		  const struct kp_pdf_meta *meta, struct kp_error *err);

/*
 * Mark content drawn outside any marked-content sequence as an artifact:
 * each stretch of top-level content that paints something, between two
 * marked-content sequences (a text object whole), is put into
 * "/Artifact BMC ... EMC".  Appends the result to out; -1 (out as it
 * was) when the stream holds something this does not read (an inline
 * image, unbalanced marked content).  For the unit tests too.
 */
int kp_pdf_mark_artifacts(struct kp_buf *out, const char *s, size_t len);

#endif
