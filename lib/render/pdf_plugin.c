/*
 * pdf_plugin.c: the one symbol of the PDF plugin (kiplan-pdf.so), its
 * table of functions.  Compiled into the plugin only.
 */
#include "render/pdf_api.h"
#include "banned.h"

/* clang-format off */
KP_PLUGIN_EXPORT const struct kp_pdf_api kp_pdf_api = {
	KP_VERSION,
#define KP_API(ret, name, params, args) name,
#define KP_API_VOID(name, params, args) name,
#include "render/pdf_api.def"
#undef KP_API
#undef KP_API_VOID
};
/* clang-format on */
