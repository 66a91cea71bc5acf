/*
 * template.c: the draft that kiplan new writes, after the template of the
 * guideline's Bilag 1 ("Forslag til skabelon for en koordinerende
 * indsatsplan").  What the caller gives is written as YAML; every field
 * it does not give stands as a comment that says, in Danish and in the
 * guideline's words, what goes there.  Comments are always valid, so an
 * unfilled field never makes the draft invalid.
 */
#include <ctype.h>
#include <string.h>

#include "repo/repo.h"
#include "i18n.h"
#include "banned.h"

/*
 * One field of the template.  depth 0 is a top-level key, 1 a key of the
 * mapping above it.  example is the commented placeholder value ("" for a
 * mapping or a list whose example follows in lines of its own), hint the
 * comment after it.  head, for top-level keys, is the comment block
 * written above the key.
 */
struct slot {
	int depth;
	const char *key;
	const char *example;
	const char *hint;
	const char *head;
	const char *lines; /* commented example lines of a list */
};

static const struct slot slots[] = {
	{ 0, "borger", "", NULL,
	  "# "
	  "------------------------------------------------------------------\n"
	  "# 1. Stamoplysninger\n"
	  "# Indhentes af den koordinerende funktion inden det koordinerende "
	  "m\xc3\xb8"
	  "de.\n"
	  "# "
	  "------------------------------------------------------------------"
	  "\n",
	  NULL },
	{ 1, "navn", "Fornavn Efternavn", "Navn", NULL, NULL },
	{ 1, "cpr", "\"DDMM\xc3\x85\xc3\x85-SSSS\"",
	  "Cpr. nr. (i anf\xc3\xb8rselstegn)", NULL, NULL },
	{ 1, "adresse", "Vejnavn 1, 7100 Vejle", "Adresse", NULL, NULL },
	{ 1, "telefon", "\"+45 12 34 56 78\"",
	  "Telefon (i anf\xc3\xb8rselstegn)", NULL, NULL },
	{ 1, "email", "navn@example.dk",
	  "E-mail, hvis borgeren vil have planen s\xc3\xa5"
	  "dan",
	  NULL, NULL },

	{ 0, "grundlag", "", NULL,
	  "\n# Grundlag for indsatsplan.  Der skal min. v\xc3\xa6re \xc3\xa9n "
	  "afkrydsning i den\n"
	  "# \xc3\xb8verste del (psykiatri eller rusmiddelbehandling).  true = "
	  "afkrydset.\n",
	  NULL },
	{ 1, "psykiatri", "true",
	  "Borgeren er patient i den ambulante psykiatri, har en psykiatrisk "
	  "diagnose eller er i udredning herfor.",
	  NULL, NULL },
	{ 1, "rusmiddelbehandling", "true",
	  "Borgeren er i stof- og/eller alkoholbehandling eller er henvist "
	  "hertil.",
	  NULL, NULL },
	{ 1, "behov_psykiatri", "false",
	  "Borgeren vurderes at have behov for psykiatrisk behandling, men er "
	  "aktuelt ikke patient eller under udredning.",
	  NULL, NULL },
	{ 1, "behov_rusmiddelbehandling", "false",
	  "Borgeren vurderes at have behov for stof- og/eller "
	  "alkoholbehandling, men er aktuelt ikke i behandling eller henvist "
	  "hertil.",
	  NULL, NULL },

	{ 0, "samtykke", "", NULL,
	  "\n# Samtykke: borgeren har givet samtykke til, at der indhentes og\n"
	  "# udveksles informationer samt udarbejdes en indsatsplan.  Uden "
	  "samtykke\n"
	  "# kan der ikke udarbejdes en indsatsplan.\n",
	  NULL },
	{ 1, "givet", "true", "Ja (true) eller Nej (false)", NULL, NULL },
	{ 1, "dato", "\xc3\x85\xc3\x85\xc3\x85\xc3\x85-MM-DD",
	  "Dato for samtykket", NULL, NULL },
	{ 1, "givet_af", "borger",
	  "borger | foraeldre (under 15 \xc3\xa5r) | vaerge", NULL, NULL },
	{ 1, "paaroerende", "false",
	  "Samtykke til at inddrage p\xc3\xa5r\xc3\xb8rende", NULL, NULL },

	{ 0, "boern", "", NULL,
	  "\n# B\xc3\xb8rn: hvor der er b\xc3\xb8rn involveret, vurderes det, "
	  "om "
	  "der er grundlag for\n"
	  "# at orientere kommunens b\xc3\xb8rne- og ungeafdeling "
	  "(retningslinjernes afsnit 5).\n",
	  NULL },
	{ 1, "involveret", "true", "Der er b\xc3\xb8rn involveret", NULL,
	  NULL },
	{ 1, "orientering", "orienteret", "orienteret | ikke_grundlag", NULL,
	  NULL },
	{ 1, "dato", "\xc3\x85\xc3\x85\xc3\x85\xc3\x85-MM-DD",
	  "Dato for vurderingen", NULL, NULL },

	{ 0, "henvisning", "", NULL,
	  "\n# Henvisning til stof- eller alkoholbehandling: behandlingen "
	  "skal iv\xc3\xa6rks\xc3\xa6ttes\n"
	  "# senest 14 dage efter, at henvendelsen er modtaget "
	  "(behandlingsgarantien).\n",
	  NULL },
	{ 1, "dato", "\xc3\x85\xc3\x85\xc3\x85\xc3\x85-MM-DD",
	  "Henvendelsen modtaget", NULL, NULL },
	{ 1, "til", "Rusmiddelcenter", "Henvist til", NULL, NULL },
	{ 1, "behandling_start", "\xc3\x85\xc3\x85\xc3\x85\xc3\x85-MM-DD",
	  "Behandlingen iv\xc3\xa6rksat", NULL, NULL },

	{ 0, "koordinator", "", NULL,
	  "\n# Koordinator: koordinators navn, stilling, organisation og\n"
	  "# kontaktoplysninger.\n",
	  NULL },
	{ 1, "navn", "Fornavn Efternavn", "Navn", NULL, NULL },
	{ 1, "stilling",
	  "Forl\xc3\xb8"
	  "bskoordinator",
	  "Stilling", NULL, NULL },
	{ 1, "organisation", "Psykiatrien i Region Syddanmark", "Organisation",
	  NULL, NULL },
	{ 1, "telefon", "\"+45 12 34 56 78\"", "Telefon", NULL, NULL },
	{ 1, "email", "navn@example.dk", "E-mail", NULL, NULL },

	{ 0, "deltagere", "", NULL,
	  "\n# Deltagere i koordinationsm\xc3\xb8"
	  "det: de inddragede parters navn, stilling,\n"
	  "# organisation og kontaktoplysninger.  Sp\xc3\xb8rg borgeren, om en "
	  "p\xc3\xa5r\xc3\xb8rende\n"
	  "# eller en bisidder skal deltage.  rolle: psykiatri | rusmiddel | "
	  "kommune |\n"
	  "# egen_laege | jobcenter | bostoette | paaroerende | bisidder | "
	  "borger | andet\n",
	  "#   - navn: Fornavn Efternavn\n"
	  "#     stilling: Psykiater\n"
	  "#     organisation: Distriktspsykiatrien\n"
	  "#     rolle: psykiatri\n"
	  "#     telefon: \"+45 12 34 56 78\"\n"
	  "#     email: navn@example.dk\n" },

	{ 0, "moede", "", NULL,
	  "\n# Dato for koordinationsm\xc3\xb8"
	  "det.\n",
	  NULL },
	{ 1, "dato", "\xc3\x85\xc3\x85\xc3\x85\xc3\x85-MM-DD",
	  "Dato for koordinationsm\xc3\xb8"
	  "det",
	  NULL, NULL },
	{ 1, "sted", "Distriktspsykiatrien", "Sted", NULL, NULL },
	{ 1, "form", "fysisk", "fysisk | telefon | video", NULL, NULL },

	{ 0, "godkendt_af_borger", "true", "Ja (true) eller Nej (false)",
	  "\n# Indsatsplan er godkendt af borger.\n", NULL },

	{ 0, "planer", "", NULL,
	  "\n# "
	  "------------------------------------------------------------------\n"
	  "# 2. Afd\xc3\xa6kning af status, m\xc3\xa5l og indsatser i "
	  "eksisterende planer\n"
	  "# Information hertil indhentes inden koordinationsm\xc3\xb8"
	  "det og udarbejdes\n"
	  "# af den koordinerende funktion.  \xc3\x89n post pr. plan.  type:\n"
	  "# stofmisbrug (Serviceloven \xc2\xa7 141, sundhedsloven \xc2\xa7 "
	  "142) | alkohol |\n"
	  "# psykiatrisk_behandlingsplan (Psykiatriloven \xc2\xa7 3 stk. 3) |\n"
	  "# udskrivningsaftale (Psykiatriloven \xc2\xa7 13 a) | "
	  "koordinationsplan\n"
	  "# (Psykiatriloven \xc2\xa7 13 b) | social_handleplan (Serviceloven "
	  "\xc2\xa7 141) |\n"
	  "# uddannelse_job | andet\n"
	  "# "
	  "------------------------------------------------------------------"
	  "\n",
	  "#   - type: psykiatrisk_behandlingsplan\n"
	  "#     status: De v\xc3\xa6sentligste problemstillinger\n"
	  "#     maal: Planens m\xc3\xa5l\n"
	  "#     indsats: Igangv\xc3\xa6rende og planlagte indsatser\n" },

	{ 0, "udfordringer", "", NULL,
	  "\n# "
	  "------------------------------------------------------------------\n"
	  "# 3. Identifikation af prim\xc3\xa6re og/eller akutte udfordringer\n"
	  "# Udarbejdes p\xc3\xa5 det koordinerende m\xc3\xb8"
	  "de, med borgeren inddraget: fx om\n"
	  "# borgeren f\xc3\xb8lger behandlingen, behov for yderligere "
	  "udredning,\n"
	  "# \xc3\xb8konomiske forhold, ensomhed, bolig, besk\xc3\xa6"
	  "ftigelse eller uddannelse.\n"
	  "# I prioriteret r\xc3\xa6kkef\xc3\xb8lge, den vigtigste "
	  "f\xc3\xb8rst.\n"
	  "# "
	  "------------------------------------------------------------------"
	  "\n",
	  "#   - Udfordring 1\n"
	  "#   - Udfordring 2\n" },

	{ 0, "maal", "", NULL,
	  "\n# "
	  "------------------------------------------------------------------\n"
	  "# 4. F\xc3\xa6lles m\xc3\xa5l og prioritering\n"
	  "# Udarbejdes p\xc3\xa5 det koordinerende m\xc3\xb8"
	  "de.  Husk at borgeren skal inddrages.\n"
	  "# For hver indsats: succeskriterier, rollefordeling (hvem har "
	  "ansvaret,\n"
	  "# herunder borgerens ansvar?) og tidsplan (parallelle eller "
	  "sekventielle\n"
	  "# indsatser?).\n"
	  "# "
	  "------------------------------------------------------------------"
	  "\n",
	  "#   - titel: Beskriv m\xc3\xa5let, fx fastholdelse i psykiatrisk "
	  "behandling\n"
	  "#     indsatser:\n"
	  "#       - opgave: Indsatsen eller opgaven\n"
	  "#         succeskriterier: Hvorn\xc3\xa5r er indsatsen lykkedes?\n"
	  "#         ansvarlig: Hvem har ansvaret for indsatsen?\n"
	  "#         tidsplan: Hvorn\xc3\xa5r og i hvilken "
	  "r\xc3\xa6kkef\xc3\xb8lge?\n"
	  "#         frist: \xc3\x85\xc3\x85\xc3\x85\xc3\x85-MM-DD\n"
	  "#         forloeb: parallel\n"
	  "#         status: ikke_paabegyndt   # ikke_paabegyndt | "
	  "paabegyndt | gennemfoert |\n"
	  "#                                   # bortfaldet\n" },

	{ 0, "opfoelgning", "", NULL,
	  "\n# "
	  "------------------------------------------------------------------\n"
	  "# 5. Opf\xc3\xb8lgning\n"
	  "# Her skal evalueres i forhold til punkt 4, og foretages n\xc3\xb8"
	  "dvendige\n"
	  "# \xc3\xa6ndringer.  Opf\xc3\xb8lgende m\xc3\xb8"
	  "de (max 6 mdr. efter udarbejdelsen af\n"
	  "# indsatsplanen).\n"
	  "# "
	  "------------------------------------------------------------------"
	  "\n",
	  NULL },
	{ 1, "dato", "\xc3\x85\xc3\x85\xc3\x85\xc3\x85-MM-DD",
	  "Opf\xc3\xb8lgende m\xc3\xb8"
	  "de afholdes den",
	  NULL, NULL },
};

/*
 * After part 5: the meetings and the closing are written by kiplan
 * followup and kiplan close, not by hand; say so where they will stand.
 */
static const char after_text[] =
	"\n# Opf\xc3\xb8lgende m\xc3\xb8"
	"der skrives ind med kiplan followup (moeder), og planen\n"
	"# afsluttes med kiplan close (afslutning).\n";

#define NSLOTS (sizeof(slots) / sizeof(slots[0]))

/* The emitter is the load module's (kp_yaml_*): one YAML for every writer. */
#define add_key(out, p) kp_yaml_key(out, (p)->key, (p)->keylen)
#define emit(out, n, ind) kp_yaml_value(out, n, ind)

static void indent(struct kp_buf *out, int n)
{
	while (n-- > 0)
		kp_buf_addch(out, ' ');
}

static int in_slots(int depth, const char *parent, const char *key)
{
	size_t i;
	const char *cur = NULL;

	for (i = 0; i < NSLOTS; i++) {
		if (slots[i].depth == 0)
			cur = slots[i].key;
		if (slots[i].depth == depth && strcmp(slots[i].key, key) == 0 &&
		    (depth == 0 || strcmp(cur, parent) == 0))
			return 1;
	}
	return 0;
}

static void commented(struct kp_buf *out, const struct slot *s, int whole)
{
	if (whole)
		kp_buf_addstr(out, "#   ");
	else
		kp_buf_addstr(out, "  # ");
	kp_buf_addf(out, "%s:", s->key);
	if (*s->example)
		kp_buf_addf(out, " %s", s->example);
	if (s->hint)
		kp_buf_addf(out, "   # %s", s->hint);
	kp_buf_addch(out, '\n');
}

int kp_template_draft(struct kp_buf *out, const char *id,
		      const struct kp_node *fields, struct kp_error *err)
{
	size_t i, j;

	if (fields && fields->type != KP_MAP)
		return kp_error_set(
			err, KP_EUSAGE, NULL, 0, 0,
			_("the fields of a new plan must be a mapping"));
	kp_buf_addstr(out, "---\n"
			   "# Koordinerende indsatsplan (kladde), efter "
			   "skabelonen i Sundhedsstyrelsens\n"
			   "# retningslinjer for udarbejdelse af koordinerende "
			   "indsatsplaner (2014),\n"
			   "# bilag 1.  Linjer med # foran er vejledning eller "
			   "felter, der endnu ikke\n"
			   "# er udfyldt: fjern # og skriv v\xc3\xa6rdien.  En "
			   "kladde skal kun have del 1\n"
			   "# udfyldt; del 2 indhentes f\xc3\xb8r m\xc3\xb8"
			   "det, del 3-5 udarbejdes p\xc3\xa5 m\xc3\xb8"
			   "det.\n"
			   "# Tjek filen med: kiplan validate\n");
	kp_buf_addf(out, "kiplan: %d\nid: %s\n", KP_FORMAT_VERSION, id);
	kp_buf_addstr(out, "status: kladde   # kladde (f\xc3\xb8r m\xc3\xb8"
			   "det) | aktiv (aftalt og godkendt) | afsluttet\n");
	if (fields && kp_map_get(fields, "forloeb")) {
		kp_buf_addstr(out, "forloeb:");
		emit(out, kp_map_get(fields, "forloeb"), 2);
	} else {
		kp_buf_addstr(out, "# forloeb: koordineret   # parallel | "
				   "koordineret | integreret\n");
	}
	kp_buf_addch(out, '\n');
	for (i = 0; i < NSLOTS; i++) {
		const struct slot *s = &slots[i];
		const struct kp_node *v = kp_map_get(fields, s->key);

		if (s->depth)
			continue;
		if (v && v->type == KP_MAP && !v->v.map.len)
			v = NULL;
		if (s->head)
			kp_buf_addstr(out, s->head);
		if (v && (v->type != KP_MAP || i + 1 == NSLOTS ||
			  slots[i + 1].depth == 0)) {
			/* Given, and not a mapping of template fields. */
			kp_buf_addf(out, "%s:", s->key);
			emit(out, v, 2);
			continue;
		}
		if (!v) {
			kp_buf_addf(out, "# %s:", s->key);
			if (*s->example)
				kp_buf_addf(out, " %s", s->example);
			if (s->hint)
				kp_buf_addf(out, "   # %s", s->hint);
			kp_buf_addch(out, '\n');
			if (s->lines)
				kp_buf_addstr(out, s->lines);
			for (j = i + 1; j < NSLOTS && slots[j].depth; j++)
				commented(out, &slots[j], 1);
			continue;
		}
		/* A given mapping: its fields in the template's order. */
		kp_buf_addf(out, "%s:\n", s->key);
		for (j = i + 1; j < NSLOTS && slots[j].depth; j++) {
			const struct kp_pair *p = kp_map_pair(v, slots[j].key);

			if (p) {
				indent(out, 2);
				add_key(out, p);
				emit(out, p->value, 4);
			} else {
				commented(out, &slots[j], 0);
			}
		}
		for (j = 0; j < v->v.map.len; j++) {
			const struct kp_pair *p = &v->v.map.pairs[j];

			if (in_slots(1, s->key, p->key))
				continue;
			indent(out, 2);
			add_key(out, p);
			emit(out, p->value, 4);
		}
	}
	kp_buf_addstr(out, after_text);
	/* Fields the template does not know (a regional schema's). */
	for (i = 0; fields && i < fields->v.map.len; i++) {
		const struct kp_pair *p = &fields->v.map.pairs[i];

		if (in_slots(0, NULL, p->key) ||
		    strcmp(p->key, "forloeb") == 0 ||
		    strcmp(p->key, "kiplan") == 0 ||
		    strcmp(p->key, "id") == 0 || strcmp(p->key, "status") == 0)
			continue;
		kp_buf_addch(out, '\n');
		add_key(out, p);
		emit(out, p->value, 2);
	}
	kp_buf_addstr(out, "---\n");
	return 0;
}
