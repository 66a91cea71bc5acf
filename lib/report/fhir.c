/*
 * fhir.c: a plan as FHIR R4 resources: a CarePlan and the Patient, the
 * CareTeam, the Goals and the Consent it refers to.  man/kiplan-export.1
 * gives the mapping field by field.
 *
 * Every resource's id is a name-based UUID of the repository's identity
 * (kp_repo_uuid()), the plan id and the resource's role in it, so the
 * same plan gives the same ids in every export, a receiving system can
 * update rather than duplicate, and two repositories' plans of the same
 * id never meet.  The Patient's id comes from the repository's identity
 * and the CPR number: one citizen, one Patient.  What FHIR has no
 * element for goes into extensions under EXT.
 *
 * A transaction Bundle gives each entry a request: PUT by the CPR number
 * for the Patient, by the plan's identifier (urn:uuid of the CarePlan's
 * id) for the CarePlan, by id for the rest: conditional updates that a
 * FHIR server can take as they are, again and again.
 */
#include <stdint.h>
#include <string.h>

#include "report/report.h"
#include "jsonw.h"
#include "banned.h"

#define EXT "https://kiplan.example/fhir/StructureDefinition/"
#define PLAN_ID_SYSTEM "https://kiplan.example/fhir/plan-id"
#define ROLE_SYSTEM "https://kiplan.example/fhir/CodeSystem/rolle"
#define CPR_SYSTEM "urn:oid:1.2.208.176.1.2"

void kp_uuid_for(char out[37], const char *name)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char b[16];
	unsigned long long h1, h2;
	size_t i, o = 0;

	h1 = kp_hash64(0, "kiplan-uuid-1:", 14);
	h1 = kp_hash64(h1, name, strlen(name));
	h2 = kp_hash64(kp_hash64(0, "kiplan-uuid-2:", 14), name, strlen(name));
	/* Mix, so that close names differ in every byte. */
	h1 ^= h2 >> 29;
	h2 ^= h1 >> 31;
	h1 *= 0xff51afd7ed558ccdULL;
	h2 *= 0xc4ceb9fe1a85ec53ULL;
	h1 ^= h1 >> 33;
	h2 ^= h2 >> 33;
	for (i = 0; i < 8; i++) {
		b[i] = (unsigned char)(h1 >> (56 - 8 * i));
		b[8 + i] = (unsigned char)(h2 >> (56 - 8 * i));
	}
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x80); /* version 8 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 9562 variant */
	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[b[i] >> 4];
		out[o++] = hex[b[i] & 15];
	}
	out[o] = '\0';
}

struct fhir {
	struct kp_jw w;
	const struct kp_plan *plan;
	const struct kp_node *root;
	const struct kp_source *src;
	int redact;
	const char *status; /* kladde, aktiv, afsluttet, or "" */
	const char *pid;    /* the plan id, or its file */
	const char *ns;	    /* the repository's identity, or "" */
	int transaction;
	char cpr[16]; /* the CPR number's ten digits, or "" */
	char patient[37], team[37], consent[37], careplan[37];
	struct kp_buf url; /* the current entry's request URL */
};

static const char *str_at(const struct kp_node *n, const char *path)
{
	const char *s = kp_node_str(kp_node_at(n, path));

	return s && *s ? s : NULL;
}

static void uuid_of(char out[37], const struct fhir *f, const char *what)
{
	struct kp_buf b = KP_BUF_INIT;

	if (*f->ns)
		kp_buf_addf(&b, "%s/", f->ns);
	kp_buf_addf(&b, "%s/%s", f->pid, what);
	kp_uuid_for(out, b.buf);
	kp_buf_release(&b);
}

static void key_str(struct kp_jw *w, const char *key, const char *s)
{
	if (!s || !*s)
		return;
	kp_jw_key(w, key);
	kp_jw_str(w, s);
}

static void reference(struct kp_jw *w, const char *key, const char *uuid)
{
	struct kp_buf b = KP_BUF_INIT;

	kp_buf_addf(&b, "urn:uuid:%s", uuid);
	kp_jw_key(w, key);
	kp_jw_open(w, '{');
	key_str(w, "reference", b.buf);
	kp_jw_close(w, '}');
	kp_buf_release(&b);
}

static void display_ref(struct kp_jw *w, const char *key, const char *text)
{
	kp_jw_key(w, key);
	kp_jw_open(w, '{');
	key_str(w, "display", text);
	kp_jw_close(w, '}');
}

static void text_concept(struct kp_jw *w, const char *key, const char *text)
{
	kp_jw_key(w, key);
	kp_jw_open(w, '{');
	key_str(w, "text", text);
	kp_jw_close(w, '}');
}

/* An extension with a string-like value: valueString, valueCode. */
static void ext_text(struct kp_jw *w, const char *name, const char *value_key,
		     const char *s)
{
	if (!s || !*s)
		return;
	kp_jw_open(w, '{');
	kp_jw_key(w, "url");
	kp_buf_addf(w->b, "\"" EXT "%s\"", name);
	w->after_key = 0;
	key_str(w, value_key, s);
	kp_jw_close(w, '}');
}

static void ext_str(struct kp_jw *w, const char *name, const char *s)
{
	ext_text(w, name, "valueString", s);
}

static void ext_code(struct kp_jw *w, const char *name, const char *s)
{
	ext_text(w, name, "valueCode", s);
}

static void ext_bool(struct kp_jw *w, const char *name, const struct kp_node *n)
{
	if (!n || n->type != KP_BOOL)
		return;
	kp_jw_open(w, '{');
	kp_jw_key(w, "url");
	kp_buf_addf(w->b, "\"" EXT "%s\"", name);
	w->after_key = 0;
	kp_jw_key(w, "valueBoolean");
	kp_jw_bool(w, n->v.boolean);
	kp_jw_close(w, '}');
}

/* FHIR forbids empty arrays: take back a key whose array stayed empty. */
struct mark {
	size_t len;
	unsigned char used;
};

static struct mark mark(const struct kp_jw *w)
{
	struct mark m;

	m.len = w->b->len;
	m.used = w->used[w->depth];
	return m;
}

static void drop_if_empty(struct kp_jw *w, struct mark m)
{
	const char *b = w->b->buf;
	size_t n = w->b->len;

	if (n >= 2 && b[n - 2] == '[' && b[n - 1] == ']') {
		kp_buf_setlen(w->b, m.len);
		w->used[w->depth] = m.used;
	}
}

static void begin_entry(struct fhir *f, const char *uuid, const char *type)
{
	struct kp_buf b = KP_BUF_INIT;

	kp_buf_addf(&b, "urn:uuid:%s", uuid);
	kp_jw_open(&f->w, '{');
	key_str(&f->w, "fullUrl", b.buf);
	kp_jw_key(&f->w, "resource");
	kp_jw_open(&f->w, '{');
	key_str(&f->w, "resourceType", type);
	key_str(&f->w, "id", uuid);
	kp_buf_release(&b);
	kp_buf_reset(&f->url);
	kp_buf_addf(&f->url, "%s/%s", type, uuid);
}

static void end_entry(struct fhir *f)
{
	kp_jw_close(&f->w, '}');
	if (f->transaction) {
		kp_jw_key(&f->w, "request");
		kp_jw_open(&f->w, '{');
		key_str(&f->w, "method", "PUT");
		key_str(&f->w, "url", f->url.buf);
		kp_jw_close(&f->w, '}');
	}
	kp_jw_close(&f->w, '}');
}

static void patient(struct fhir *f)
{
	struct kp_jw *w = &f->w;
	const char *cpr = str_at(f->root, "borger.cpr");
	const char *name = str_at(f->root, "borger.navn");
	const char *addr = str_at(f->root, "borger.adresse");
	const char *tel = str_at(f->root, "borger.telefon");

	begin_entry(f, f->patient, "Patient");
	if (cpr && !f->redact) {
		const char *digits = f->cpr;

		kp_buf_reset(&f->url);
		kp_buf_addf(&f->url, "Patient?identifier=%s|%s", CPR_SYSTEM,
			    digits);
		kp_jw_key(w, "identifier");
		kp_jw_open(w, '[');
		kp_jw_open(w, '{');
		key_str(w, "system", CPR_SYSTEM);
		key_str(w, "value", digits);
		kp_jw_close(w, '}');
		kp_jw_close(w, ']');
	}
	if (name) {
		kp_jw_key(w, "name");
		kp_jw_open(w, '[');
		kp_jw_open(w, '{');
		key_str(w, "text", name);
		kp_jw_close(w, '}');
		kp_jw_close(w, ']');
	}
	if (tel && !f->redact) {
		kp_jw_key(w, "telecom");
		kp_jw_open(w, '[');
		kp_jw_open(w, '{');
		key_str(w, "system", "phone");
		key_str(w, "value", tel);
		kp_jw_close(w, '}');
		kp_jw_close(w, ']');
	}
	if (addr) {
		kp_jw_key(w, "address");
		kp_jw_open(w, '[');
		kp_jw_open(w, '{');
		key_str(w, "text", addr);
		kp_jw_close(w, '}');
		kp_jw_close(w, ']');
	}
	end_entry(f);
}

/* A member of the care team: the coordinator or a participant. */
static void member(struct fhir *f, const struct kp_node *p, const char *role)
{
	struct kp_jw *w = &f->w;
	const char *rolle = str_at(p, "rolle"), *job = str_at(p, "stilling");
	const char *email = str_at(p, "email"), *tel = str_at(p, "telefon");
	const char *org = str_at(p, "organisation");

	if (f->redact)
		tel = NULL;
	kp_jw_open(w, '{');
	if (email || tel) {
		kp_jw_key(w, "extension");
		kp_jw_open(w, '[');
		if (email) {
			kp_jw_open(w, '{');
			key_str(w, "url", EXT "kontakt");
			kp_jw_key(w, "valueContactPoint");
			kp_jw_open(w, '{');
			key_str(w, "system", "email");
			key_str(w, "value", email);
			kp_jw_close(w, '}');
			kp_jw_close(w, '}');
		}
		if (tel) {
			kp_jw_open(w, '{');
			key_str(w, "url", EXT "kontakt");
			kp_jw_key(w, "valueContactPoint");
			kp_jw_open(w, '{');
			key_str(w, "system", "phone");
			key_str(w, "value", tel);
			kp_jw_close(w, '}');
			kp_jw_close(w, '}');
		}
		kp_jw_close(w, ']');
	}
	if (role || rolle || job) {
		kp_jw_key(w, "role");
		kp_jw_open(w, '[');
		kp_jw_open(w, '{');
		if (role || rolle) {
			kp_jw_key(w, "coding");
			kp_jw_open(w, '[');
			kp_jw_open(w, '{');
			key_str(w, "system", ROLE_SYSTEM);
			key_str(w, "code", role ? role : rolle);
			kp_jw_close(w, '}');
			kp_jw_close(w, ']');
		}
		key_str(w, "text", job);
		kp_jw_close(w, '}');
		kp_jw_close(w, ']');
	}
	if (str_at(p, "navn"))
		display_ref(w, "member", str_at(p, "navn"));
	if (org)
		display_ref(w, "onBehalfOf", org);
	kp_jw_close(w, '}');
}

static const char *map_status(const char *st, const char *draft,
			      const char *active, const char *closed,
			      const char *other)
{
	if (strcmp(st, "kladde") == 0)
		return draft;
	if (strcmp(st, "aktiv") == 0)
		return active;
	if (strcmp(st, "afsluttet") == 0)
		return closed;
	return other;
}

static void care_team(struct fhir *f)
{
	struct kp_jw *w = &f->w;
	const struct kp_node *coord = kp_map_get(f->root, "koordinator");
	const struct kp_node *parts = kp_map_get(f->root, "deltagere");
	struct kp_buf name = KP_BUF_INIT;
	struct mark m;
	size_t i;

	begin_entry(f, f->team, "CareTeam");
	key_str(w, "status",
		map_status(f->status, "proposed", "active", "inactive",
			   "entered-in-error"));
	kp_buf_addf(&name, "Koordinerende indsatsplan %s", f->pid);
	key_str(w, "name", name.buf);
	reference(w, "subject", f->patient);
	m = mark(w);
	kp_jw_key(w, "participant");
	kp_jw_open(w, '[');
	if (coord && coord->type == KP_MAP)
		member(f, coord, "koordinator");
	for (i = 0; parts && parts->type == KP_SEQ && i < parts->v.seq.len; i++)
		if (parts->v.seq.items[i]->type == KP_MAP)
			member(f, parts->v.seq.items[i], NULL);
	kp_jw_close(w, ']');
	drop_if_empty(w, m);
	end_entry(f);
	kp_buf_release(&name);
}

/*
 * A goal's lifecycle follows its actions: active while one is open;
 * completed when all are closed and one was done; cancelled when all
 * were dropped.  A goal without actions follows the plan.
 */
static const char *goal_status(const struct fhir *f, const struct kp_node *goal)
{
	const struct kp_node *acts = kp_map_get(goal, "indsatser");
	size_t i, open = 0, done = 0, n = 0;

	if (strcmp(f->status, "kladde") == 0)
		return "proposed";
	for (i = 0; acts && acts->type == KP_SEQ && i < acts->v.seq.len; i++) {
		const struct kp_node *a = acts->v.seq.items[i];

		if (a->type != KP_MAP)
			continue;
		n++;
		if (kp_action_open(a))
			open++;
		else if (kp_action_state(a) == KP_ACT_DONE)
			done++;
	}
	if (!n || (open && strcmp(f->status, "afsluttet") == 0))
		return map_status(f->status, "proposed", "active", "completed",
				  "entered-in-error");
	return open ? "active" : done ? "completed" : "cancelled";
}

static void goals(struct fhir *f)
{
	const struct kp_node *g = kp_map_get(f->root, "maal");
	size_t i;

	for (i = 0; g && g->type == KP_SEQ && i < g->v.seq.len; i++) {
		struct kp_jw *w = &f->w;
		char uuid[37], what[32];
		const char *title = str_at(g->v.seq.items[i], "titel");

		snprintf(what, sizeof(what), "Goal/%zu", i + 1);
		uuid_of(uuid, f, what);
		begin_entry(f, uuid, "Goal");
		key_str(w, "lifecycleStatus",
			goal_status(f, g->v.seq.items[i]));
		text_concept(w, "description", title ? title : "(uden titel)");
		reference(w, "subject", f->patient);
		end_entry(f);
	}
}

static void consent(struct fhir *f)
{
	struct kp_jw *w = &f->w;
	const struct kp_node *s = kp_map_get(f->root, "samtykke");
	const struct kp_node *given = kp_map_get(s, "givet");
	const char *by = str_at(s, "givet_af");
	const char *withdrawn = str_at(s, "tilbagekaldt");

	begin_entry(f, f->consent, "Consent");
	if (kp_map_get(s, "paaroerende") &&
	    kp_map_get(s, "paaroerende")->type == KP_BOOL) {
		kp_jw_key(w, "extension");
		kp_jw_open(w, '[');
		ext_bool(w, "samtykke-paaroerende",
			 kp_map_get(s, "paaroerende"));
		kp_jw_close(w, ']');
	}
	key_str(w, "status",
		withdrawn			   ? "inactive"
		: !given || given->type != KP_BOOL ? "proposed"
		: given->v.boolean		   ? "active"
						   : "rejected");
	kp_jw_key(w, "scope");
	kp_buf_addstr(
		w->b,
		"{\"coding\":[{\"system\":\"http://terminology.hl7.org/"
		"CodeSystem/consentscope\",\"code\":\"patient-privacy\"}]}");
	w->after_key = 0;
	kp_jw_key(w, "category");
	kp_buf_addstr(w->b, "[{\"coding\":[{\"system\":\"http://loinc.org\","
			    "\"code\":\"59284-0\"}]}]");
	w->after_key = 0;
	reference(w, "patient", f->patient);
	key_str(w, "dateTime", str_at(s, "dato"));
	if (by) {
		kp_jw_key(w, "performer");
		kp_jw_open(w, '[');
		kp_jw_open(w, '{');
		key_str(w, "display", by);
		kp_jw_close(w, '}');
		kp_jw_close(w, ']');
	}
	text_concept(w, "policyRule",
		     "Samtykke til at indhente og udveksle oplysninger og "
		     "udarbejde en koordinerende indsatsplan");
	/* The consent held from its date until it was withdrawn. */
	if (withdrawn) {
		kp_jw_key(w, "provision");
		kp_jw_open(w, '{');
		kp_jw_key(w, "period");
		kp_jw_open(w, '{');
		key_str(w, "start", str_at(s, "dato"));
		key_str(w, "end", withdrawn);
		kp_jw_close(w, '}');
		kp_jw_close(w, '}');
	}
	end_entry(f);
}

static void plan_extensions(struct fhir *f)
{
	struct kp_jw *w = &f->w;
	const struct kp_node *gr = kp_map_get(f->root, "grundlag");
	const struct kp_node *ch = kp_map_get(f->root, "udfordringer");
	const struct kp_node *pl = kp_map_get(f->root, "planer");
	struct mark m = mark(w);
	size_t i, nbool = 0;

	for (i = 0; gr && gr->type == KP_MAP && i < gr->v.map.len; i++)
		nbool += gr->v.map.pairs[i].value->type == KP_BOOL;
	kp_jw_key(w, "extension");
	kp_jw_open(w, '[');
	if (nbool) {
		kp_jw_open(w, '{');
		key_str(w, "url", EXT "grundlag");
		kp_jw_key(w, "extension");
		kp_jw_open(w, '[');
		for (i = 0; i < gr->v.map.len; i++) {
			const struct kp_pair *p = &gr->v.map.pairs[i];

			if (p->value->type != KP_BOOL)
				continue;
			kp_jw_open(w, '{');
			key_str(w, "url", p->key);
			kp_jw_key(w, "valueBoolean");
			kp_jw_bool(w, p->value->v.boolean);
			kp_jw_close(w, '}');
		}
		kp_jw_close(w, ']');
		kp_jw_close(w, '}');
	}
	ext_code(w, "forloeb", str_at(f->root, "forloeb"));
	ext_str(w, "afslutning-aarsag", str_at(f->root, "afslutning.aarsag"));
	ext_str(w, "afslutning-til", str_at(f->root, "afslutning.til"));
	ext_bool(w, "godkendt-af-borger",
		 kp_map_get(f->root, "godkendt_af_borger"));
	for (i = 0; ch && ch->type == KP_SEQ && i < ch->v.seq.len; i++)
		ext_str(w, "udfordring", kp_node_str(ch->v.seq.items[i]));
	for (i = 0; pl && pl->type == KP_SEQ && i < pl->v.seq.len; i++) {
		const struct kp_node *p = pl->v.seq.items[i];
		static const char *const keys[] = { "type", "status", "maal",
						    "indsats" };
		size_t k;

		if (p->type != KP_MAP)
			continue;
		kp_jw_open(w, '{');
		key_str(w, "url", EXT "eksisterende-plan");
		kp_jw_key(w, "extension");
		kp_jw_open(w, '[');
		for (k = 0; k < 4; k++) {
			const char *v = str_at(p, keys[k]);

			if (!v)
				continue;
			kp_jw_open(w, '{');
			key_str(w, "url", keys[k]);
			key_str(w, "valueString", v);
			kp_jw_close(w, '}');
		}
		kp_jw_close(w, ']');
		kp_jw_close(w, '}');
	}
	ext_str(w, "fil", f->plan->path);
	if (f->src && f->src->in_repo && f->src->commit[0])
		ext_str(w, "commit", f->src->commit);
	kp_jw_close(w, ']');
	drop_if_empty(w, m);
}

/*
 * The action's own state; without one, what the plan's status says of
 * it: not started in a draft, in progress in an active plan, and unknown
 * in a closed one (closing does not make an action done).
 */
static const char *activity_status(const struct fhir *f,
				   const struct kp_node *act)
{
	switch (kp_action_state(act)) {
	case KP_ACT_NOT_STARTED: return "not-started";
	case KP_ACT_STARTED: return "in-progress";
	case KP_ACT_DONE: return "completed";
	case KP_ACT_DROPPED: return "cancelled";
	case KP_ACT_NONE: break;
	}
	return map_status(f->status, "not-started", "in-progress", "unknown",
			  "unknown");
}

/* A meeting as an activity of kind Appointment. */
static void appointment(struct kp_jw *w, const char *status, const char *date,
			const char *what)
{
	kp_jw_open(w, '{');
	kp_jw_key(w, "detail");
	kp_jw_open(w, '{');
	key_str(w, "kind", "Appointment");
	key_str(w, "status", status);
	kp_jw_key(w, "scheduledPeriod");
	kp_jw_open(w, '{');
	key_str(w, "start", date);
	kp_jw_close(w, '}');
	key_str(w, "description", what);
	kp_jw_close(w, '}');
	kp_jw_close(w, '}');
}

/* Every meeting held (completed), then the next follow-up (scheduled). */
static void meetings(struct fhir *f)
{
	const struct kp_node *m = kp_map_get(f->root, "moeder");
	const char *fu = str_at(f->root, "opfoelgning.dato");
	const char *first = str_at(f->root, "moede.dato");
	size_t i;

	if (first && strcmp(f->status, "kladde") != 0)
		appointment(&f->w, "completed", first, "Koordinationsmøde");
	for (i = 0; m && m->type == KP_SEQ && i < m->v.seq.len; i++) {
		const char *d = str_at(m->v.seq.items[i], "dato");
		const char *type = str_at(m->v.seq.items[i], "type");

		if (d)
			appointment(&f->w, "completed", d,
				    type && strcmp(type, "afslutning") == 0
					    ? "Afsluttende møde"
					    : "Opfølgningsmøde");
	}
	/* A closed plan has no next follow-up. */
	if (fu && strcmp(f->status, "afsluttet") != 0)
		appointment(&f->w,
			    map_status(f->status, "not-started", "scheduled",
				       "unknown", "unknown"),
			    fu, "Opfølgningsmøde");
}

static void activity(struct fhir *f, const struct kp_node *act,
		     const char *goal_uuid)
{
	struct kp_jw *w = &f->w;
	const char *frist = str_at(act, "frist"),
		   *plan = str_at(act, "tidsplan");
	const char *crit = str_at(act, "succeskriterier");
	const char *order = str_at(act, "forloeb");
	const char *who = str_at(act, "ansvarlig");
	const char *changed = str_at(act, "status_dato");

	kp_jw_open(w, '{');
	kp_jw_key(w, "detail");
	kp_jw_open(w, '{');
	if (crit || order || (plan && frist) || changed) {
		kp_jw_key(w, "extension");
		kp_jw_open(w, '[');
		ext_str(w, "succeskriterier", crit);
		ext_code(w, "indsats-forloeb", order);
		if (frist)
			ext_str(w, "tidsplan", plan);
		ext_text(w, "status-dato", "valueDate", changed);
		kp_jw_close(w, ']');
	}
	kp_jw_key(w, "goal");
	kp_jw_open(w, '[');
	kp_jw_open(w, '{');
	{
		struct kp_buf b = KP_BUF_INIT;

		kp_buf_addf(&b, "urn:uuid:%s", goal_uuid);
		key_str(w, "reference", b.buf);
		kp_buf_release(&b);
	}
	kp_jw_close(w, '}');
	kp_jw_close(w, ']');
	key_str(w, "status", activity_status(f, act));
	if (frist) {
		kp_jw_key(w, "scheduledPeriod");
		kp_jw_open(w, '{');
		key_str(w, "end", frist);
		kp_jw_close(w, '}');
	} else {
		key_str(w, "scheduledString", plan);
	}
	if (who) {
		kp_jw_key(w, "performer");
		kp_jw_open(w, '[');
		kp_jw_open(w, '{');
		key_str(w, "display", who);
		kp_jw_close(w, '}');
		kp_jw_close(w, ']');
	}
	key_str(w, "description", str_at(act, "opgave"));
	kp_jw_close(w, '}');
	kp_jw_close(w, '}');
}

static void care_plan(struct fhir *f)
{
	struct kp_jw *w = &f->w;
	const struct kp_node *g = kp_map_get(f->root, "maal");
	const char *meeting = str_at(f->root, "moede.dato");
	const char *closed = strcmp(f->status, "afsluttet") == 0
				     ? str_at(f->root, "afslutning.dato")
				     : NULL;
	const struct kp_node *coord = kp_map_get(f->root, "koordinator");
	struct kp_buf author = KP_BUF_INIT;
	struct mark m;
	size_t i, a;

	begin_entry(f, f->careplan, "CarePlan");
	if (f->src && f->src->in_repo && f->src->revision) {
		kp_jw_key(w, "meta");
		kp_jw_open(w, '{');
		kp_jw_key(w, "versionId");
		kp_buf_addf(w->b, "\"%u\"", f->src->revision);
		w->after_key = 0;
		kp_jw_close(w, '}');
	}
	plan_extensions(f);
	if (str_at(f->root, "id") || *f->ns) {
		kp_jw_key(w, "identifier");
		kp_jw_open(w, '[');
		if (str_at(f->root, "id")) {
			kp_jw_open(w, '{');
			key_str(w, "system", PLAN_ID_SYSTEM);
			key_str(w, "value", str_at(f->root, "id"));
			kp_jw_close(w, '}');
		}
		if (*f->ns) {
			/* The plan among every repository's plans. */
			struct kp_buf v = KP_BUF_INIT;

			kp_buf_addf(&v, "urn:uuid:%s", f->careplan);
			kp_jw_open(w, '{');
			key_str(w, "system", "urn:ietf:rfc:3986");
			key_str(w, "value", v.buf);
			kp_jw_close(w, '}');
			kp_buf_reset(&f->url);
			kp_buf_addf(&f->url,
				    "CarePlan?identifier=urn:ietf:rfc:3986|%s",
				    v.buf);
			kp_buf_release(&v);
		}
		kp_jw_close(w, ']');
	}
	key_str(w, "status",
		map_status(f->status, "draft", "active", "completed",
			   "unknown"));
	key_str(w, "intent", "plan");
	key_str(w, "title", "Koordinerende indsatsplan");
	reference(w, "subject", f->patient);
	if (meeting || closed) {
		kp_jw_key(w, "period");
		kp_jw_open(w, '{');
		key_str(w, "start", meeting);
		key_str(w, "end", closed);
		kp_jw_close(w, '}');
	}
	if (coord && str_at(coord, "navn")) {
		kp_buf_addstr(&author, str_at(coord, "navn"));
		if (str_at(coord, "stilling") ||
		    str_at(coord, "organisation")) {
			kp_buf_addstr(&author, " (");
			if (str_at(coord, "stilling"))
				kp_buf_addstr(&author,
					      str_at(coord, "stilling"));
			if (str_at(coord, "stilling") &&
			    str_at(coord, "organisation"))
				kp_buf_addstr(&author, ", ");
			if (str_at(coord, "organisation"))
				kp_buf_addstr(&author,
					      str_at(coord, "organisation"));
			kp_buf_addch(&author, ')');
		}
		display_ref(w, "author", author.buf);
	}
	kp_jw_key(w, "careTeam");
	kp_jw_open(w, '[');
	kp_jw_open(w, '{');
	{
		struct kp_buf b = KP_BUF_INIT;

		kp_buf_addf(&b, "urn:uuid:%s", f->team);
		key_str(w, "reference", b.buf);
		kp_buf_release(&b);
	}
	kp_jw_close(w, '}');
	kp_jw_close(w, ']');
	if (kp_map_get(f->root, "samtykke")) {
		struct kp_buf b = KP_BUF_INIT;

		kp_buf_addf(&b, "urn:uuid:%s", f->consent);
		kp_jw_key(w, "supportingInfo");
		kp_jw_open(w, '[');
		kp_jw_open(w, '{');
		key_str(w, "reference", b.buf);
		kp_jw_close(w, '}');
		kp_jw_close(w, ']');
		kp_buf_release(&b);
	}
	if (g && g->type == KP_SEQ && g->v.seq.len) {
		kp_jw_key(w, "goal");
		kp_jw_open(w, '[');
		for (i = 0; i < g->v.seq.len; i++) {
			char uuid[37], what[32];
			struct kp_buf b = KP_BUF_INIT;

			snprintf(what, sizeof(what), "Goal/%zu", i + 1);
			uuid_of(uuid, f, what);
			kp_buf_addf(&b, "urn:uuid:%s", uuid);
			kp_jw_open(w, '{');
			key_str(w, "reference", b.buf);
			kp_jw_close(w, '}');
			kp_buf_release(&b);
		}
		kp_jw_close(w, ']');
	}
	m = mark(w);
	kp_jw_key(w, "activity");
	kp_jw_open(w, '[');
	for (i = 0; g && g->type == KP_SEQ && i < g->v.seq.len; i++) {
		const struct kp_node *acts =
			kp_map_get(g->v.seq.items[i], "indsatser");
		char uuid[37], what[32];

		snprintf(what, sizeof(what), "Goal/%zu", i + 1);
		uuid_of(uuid, f, what);
		for (a = 0; acts && acts->type == KP_SEQ && a < acts->v.seq.len;
		     a++)
			if (acts->v.seq.items[a]->type == KP_MAP)
				activity(f, acts->v.seq.items[a], uuid);
	}
	meetings(f);
	kp_jw_close(w, ']');
	drop_if_empty(w, m);
	if (f->plan->body_len) {
		kp_jw_key(w, "note");
		kp_jw_open(w, '[');
		kp_jw_open(w, '{');
		kp_jw_key(w, "text");
		kp_jw_strn(w, f->plan->body, f->plan->body_len);
		kp_jw_close(w, '}');
		kp_jw_close(w, ']');
	}
	end_entry(f);
	kp_buf_release(&author);
}

void kp_fhir_plan(struct kp_buf *out, struct kp_buf *patient_out,
		  char patient_id[37], const struct kp_plan *plan,
		  const struct kp_source *src,
		  const struct kp_export_opts *opts, int first)
{
	struct fhir f;
	const char *st, *cpr;
	size_t i, n = 0;

	memset(&f, 0, sizeof(f));
	kp_buf_init(&f.url);
	kp_jw_init(&f.w, patient_out ? patient_out : out);
	/* The entries continue the Bundle's array. */
	f.w.used[0] = !first;
	f.plan = plan;
	f.root = plan->root;
	f.src = src;
	f.redact = opts->redact;
	f.transaction = opts->transaction;
	f.ns = opts->ns;
	st = kp_node_str(kp_map_get(plan->root, "status"));
	f.status = st ? st : "";
	f.pid = str_at(plan->root, "id") ? str_at(plan->root, "id")
					 : plan->path;
	/* The CPR register writes the ten digits without a hyphen. */
	cpr = str_at(plan->root, "borger.cpr");
	for (i = 0; cpr && cpr[i] && n + 1 < sizeof(f.cpr); i++)
		if (cpr[i] >= '0' && cpr[i] <= '9')
			f.cpr[n++] = cpr[i];
	f.cpr[n] = '\0';
	/*
	 * One citizen, one Patient, whichever plans are theirs.  Redacted,
	 * only when the repository's identity keys the id: a bare CPR
	 * number's UUID could be found by trying every number.
	 */
	if (n == 10 && (*f.ns || !f.redact)) {
		struct kp_buf b = KP_BUF_INIT;

		kp_buf_addf(&b, "%s/Patient/%s", f.ns, f.cpr);
		kp_uuid_for(f.patient, b.buf);
		kp_buf_release(&b);
	} else {
		uuid_of(f.patient, &f, "Patient");
	}
	if (patient_id)
		memcpy(patient_id, f.patient, sizeof(f.patient));
	uuid_of(f.team, &f, "CareTeam");
	uuid_of(f.consent, &f, "Consent");
	uuid_of(f.careplan, &f, "CarePlan");
	patient(&f);
	if (patient_out) {
		kp_jw_init(&f.w, out);
		f.w.used[0] = !first;
	}
	care_team(&f);
	goals(&f);
	if (kp_map_get(plan->root, "samtykke"))
		consent(&f);
	care_plan(&f);
	kp_buf_release(&f.url);
}
