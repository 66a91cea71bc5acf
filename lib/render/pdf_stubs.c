/*
 * pdf_stubs.c: in the kiplan executable, which does not link cairo and
 * pango, the functions of pdf_api.def load the PDF plugin (kiplan-pdf.so)
 * on first use and call through its table.  Not in libkiplan.a, which has
 * the real functions.
 */
#include "render/pdf_api.h"
#include "banned.h"

static struct kp_plugin pdf = KP_PLUGIN_INIT("kiplan-pdf.so", "kp_pdf_api");

#define KP_API(ret, name, params, args)                                        \
	KP_PLUGIN_STUB(pdf, kp_pdf_api, ret, name, params, args)
#define KP_API_VOID(name, params, args)                                        \
	KP_PLUGIN_STUB_VOID(pdf, kp_pdf_api, name, params, args)
#include "render/pdf_api.def"
