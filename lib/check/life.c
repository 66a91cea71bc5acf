/*
 * life.c: the plan over time, as every module reads it: the meetings held
 * (the coordination meeting in moede, the later ones in moeder), the
 * latest of them, from which the six months of §6.2.5 count, and the
 * state of an action.
 */
#include <stdio.h>
#include <string.h>

#include "check/check.h"
#include "banned.h"

static const char *const act_states[] = { "", "ikke_paabegyndt", "paabegyndt",
					  "gennemfoert", "bortfaldet" };

enum kp_act_state kp_action_state(const struct kp_node *action)
{
	const char *s = kp_node_str(kp_map_get(action, "status"));
	size_t i;

	for (i = 1; s && i < sizeof(act_states) / sizeof(act_states[0]); i++)
		if (strcmp(s, act_states[i]) == 0)
			return (enum kp_act_state)i;
	return KP_ACT_NONE;
}

const char *kp_action_state_name(enum kp_act_state st)
{
	return act_states[st];
}

int kp_action_open(const struct kp_node *action)
{
	enum kp_act_state st = kp_action_state(action);

	return st != KP_ACT_DONE && st != KP_ACT_DROPPED;
}

static int node_date(const struct kp_node *n, struct kp_date *d)
{
	if (!n || n->type != KP_STR)
		return -1;
	return kp_date_parse(d, n->v.str.ptr, n->v.str.len);
}

size_t kp_plan_meetings(struct kp_meeting *out, size_t max,
			const struct kp_node *root)
{
	const struct kp_node *m = kp_map_get(root, "moeder"), *first;
	struct kp_meeting x;
	size_t n = 0, i;

	first = kp_node_at(root, "moede.dato");
	if (node_date(first, &x.date) == 0) {
		x.node = first;
		x.index = -1;
		x.closing = 0;
		if (n < max)
			out[n] = x;
		n++;
	}
	for (i = 0; m && m->type == KP_SEQ && i < m->v.seq.len; i++) {
		const struct kp_node *it = m->v.seq.items[i];
		const struct kp_node *d = kp_map_get(it, "dato");
		const char *type = kp_node_str(kp_map_get(it, "type"));

		if (node_date(d, &x.date) < 0)
			continue;
		x.node = d;
		x.index = (long)i;
		x.closing = type && strcmp(type, "afslutning") == 0;
		if (n < max)
			out[n] = x;
		n++;
	}
	return n;
}

int kp_plan_last_meeting(struct kp_meeting *out, const struct kp_node *root)
{
	const struct kp_node *m = kp_map_get(root, "moeder");
	struct kp_meeting best, x;
	int have;
	size_t i;

	/* The coordination meeting, then each later one that is later. */
	best.node = kp_node_at(root, "moede.dato");
	best.index = -1;
	best.closing = 0;
	have = node_date(best.node, &best.date) == 0;
	for (i = 0; m && m->type == KP_SEQ && i < m->v.seq.len; i++) {
		const struct kp_node *it = m->v.seq.items[i];
		const char *type = kp_node_str(kp_map_get(it, "type"));

		x.node = kp_map_get(it, "dato");
		if (node_date(x.node, &x.date) < 0)
			continue;
		x.index = (long)i;
		x.closing = type && strcmp(type, "afslutning") == 0;
		if (!have || kp_date_cmp(x.date, best.date) >= 0) {
			best = x;
			have = 1;
		}
	}
	if (have)
		*out = best;
	return have ? 0 : -1;
}

void kp_meeting_field(char *out, size_t size, const struct kp_meeting *m)
{
	if (m->index < 0)
		snprintf(out, size, "moede.dato");
	else
		snprintf(out, size, "moeder[%ld].dato", m->index);
}
