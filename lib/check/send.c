/*
 * send.c: what a sending needs beyond a valid plan (guideline §5: the
 * coordinating function sends the plan and every update to the parties,
 * the citizen included, and relatives only with the citizen's consent),
 * and who the recipients are.  The consent and relatives checks are the
 * rules' (samtykke, paaroerende); only what is particular to sending is
 * here.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check/check.h"
#include "i18n.h"
#include "banned.h"

size_t kp_send_check(const struct kp_plan *plan, const struct kp_schema *schema,
		     int strict, struct kp_findings *out)
{
	const struct kp_node *status = kp_map_get(plan->root, "status");
	const struct kp_node *withdrawn =
		kp_node_at(plan->root, "samtykke.tilbagekaldt");
	const char *st = kp_node_str(status);
	size_t start = out->len, i, refusals = 0;

	kp_validate(plan, schema, out);
	if (st && strcmp(st, "kladde") == 0)
		kp_findings_add(out, "send", KP_ERROR, status->line,
				status->col,
				_("status: a draft is not sent; the plan is "
				  "sent when the coordination meeting has "
				  "agreed it (status: aktiv)"));
	/* Even a closed plan: without consent nothing may be shared. */
	if (withdrawn && withdrawn->type != KP_NULL)
		kp_findings_add(out, "send", KP_ERROR, withdrawn->line,
				withdrawn->col,
				_("samtykke.tilbagekaldt: the citizen has "
				  "withdrawn consent, so the plan cannot be "
				  "sent (guideline §5)"));
	kp_findings_sort(out);
	for (i = start; i < out->len; i++)
		if (out->v[i].sev == KP_ERROR || strict)
			refusals++;
	return refusals;
}

void kp_recipients_release(struct kp_recipients *r)
{
	free(r->v);
	r->v = NULL;
	r->len = r->alloc = 0;
}

static void add(struct kp_recipients *l, const char *name, const char *email,
		const char *rolle, int citizen)
{
	size_t i;

	for (i = 0; i < l->len; i++)
		if ((citizen && l->v[i].citizen) ||
		    strcasecmp(l->v[i].name, name) == 0)
			return;
	if (l->len == l->alloc) {
		l->alloc = l->alloc ? l->alloc * 2 : 16;
		l->v = kp_xrealloc(l->v, l->alloc * sizeof(*l->v));
	}
	l->v[l->len].name = name;
	l->v[l->len].email = email;
	l->v[l->len].rolle = rolle;
	l->v[l->len].citizen = citizen;
	l->len++;
}

/* The citizen, with the e-mail of a participant of rolle borger. */
static int add_citizen(struct kp_recipients *l, const struct kp_plan *plan,
		       struct kp_error *err)
{
	const struct kp_node *root = plan->root;
	const char *name = kp_node_str(kp_node_at(root, "borger.navn"));
	const char *email = kp_node_str(kp_node_at(root, "borger.email"));
	const struct kp_node *dl = kp_map_get(root, "deltagere");
	size_t i;

	if (!name)
		return kp_error_set(err, KP_EINVALID, plan->path, 0, 0,
				    _("the plan names no citizen "
				      "(borger.navn)"));
	for (i = 0; !email && dl && dl->type == KP_SEQ && i < dl->v.seq.len;
	     i++) {
		const struct kp_node *d = dl->v.seq.items[i];
		const char *r = kp_node_str(kp_map_get(d, "rolle"));

		if (r && strcmp(r, "borger") == 0)
			email = kp_node_str(kp_map_get(d, "email"));
	}
	add(l, name, email, "borger", 1);
	return 0;
}

static int resolve_one(struct kp_recipients *l, const struct kp_plan *plan,
		       const char *want, struct kp_error *err)
{
	const struct kp_node *root = plan->root;
	const struct kp_node *dl = kp_map_get(root, "deltagere");
	const char *cname = kp_node_str(kp_node_at(root, "borger.navn"));
	size_t i, n = dl && dl->type == KP_SEQ ? dl->v.seq.len : 0;
	int all = strcmp(want, "alle") == 0, found = 0, error;

	if (all || strcmp(want, "borger") == 0 ||
	    (cname && strcasecmp(want, cname) == 0)) {
		if ((error = add_citizen(l, plan, err)) < 0)
			return error;
		found = 1;
	}
	for (i = 0; i < n; i++) {
		const struct kp_node *d = dl->v.seq.items[i];
		const char *name = kp_node_str(kp_map_get(d, "navn"));
		const char *email = kp_node_str(kp_map_get(d, "email"));
		const char *rolle = kp_node_str(kp_map_get(d, "rolle"));

		if (!name)
			continue;
		if (!all && strcasecmp(want, name) != 0 &&
		    !(email && strcasecmp(want, email) == 0))
			continue;
		if (rolle && strcmp(rolle, "borger") == 0) {
			if ((error = add_citizen(l, plan, err)) < 0)
				return error;
		} else {
			add(l, name, email, rolle, 0);
		}
		found = 1;
	}
	if (!found)
		return kp_error_set(err, KP_EUSAGE, NULL, 0, 0,
				    _("'%s' is not a participant of the plan "
				      "(give a name or e-mail from deltagere, "
				      "'borger' or 'alle')"),
				    want);
	return 0;
}

int kp_recipients_resolve(struct kp_recipients *out, const struct kp_plan *plan,
			  const char *const *want, size_t n,
			  struct kp_error *err)
{
	size_t i;
	int error;

	for (i = 0; i < n; i++)
		if ((error = resolve_one(out, plan, want[i], err)) < 0) {
			kp_recipients_release(out);
			return error;
		}
	return 0;
}
