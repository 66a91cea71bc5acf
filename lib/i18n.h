/*
 * i18n.h: how lib/ and cmd/ make a message.  Every text meant for a
 * person is written in English as a whole sentence and goes through the
 * catalogue of the text domain "kiplan" (po/da.po):
 *
 *   _("the plan names no citizen")            translated where it stands
 *   N_("create a plan repository")            marked in a table, translated
 *                                             where it is printed with _()
 *   Q_("%zu plan", "%zu plans", n)            a real plural (ngettext)
 *
 * dgettext() rather than gettext(): the library translates into its own
 * domain whatever the program's textdomain().  Without a catalogue, or in
 * the C locale, the English text comes back unchanged.  Machine formats
 * (JSON keys, TSV columns, ICS properties, rule codes, the
 * "FILE:LINE:COL: error:" prefix) are never passed through these.
 */
#ifndef KP_I18N_H
#define KP_I18N_H

#include <libintl.h>

#define KP_TEXTDOMAIN "kiplan"

#define _(s) dgettext(KP_TEXTDOMAIN, s)
#define N_(s) s
#define Q_(s, p, n) dngettext(KP_TEXTDOMAIN, s, p, (unsigned long)(n))

#endif
