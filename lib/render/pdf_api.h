/*
 * pdf_api.h: private to the render module.  The table that the PDF
 * plugin (kiplan-pdf.so: pdf.c, linked with cairo and pango) exports as
 * its one symbol, kp_pdf_api: a member per line of pdf_api.def, after the
 * version (see base.h, Plugins).
 */
#ifndef KP_RENDER_PDF_API_H
#define KP_RENDER_PDF_API_H

#include "render/render.h"

/* clang-format off */
struct kp_pdf_api {
	const char *version; /* KP_VERSION */
#define KP_API(ret, name, params, args) ret(*name) params;
#define KP_API_VOID(name, params, args) void(*name) params;
#include "render/pdf_api.def"
#undef KP_API
#undef KP_API_VOID
};
/* clang-format on */

#endif
