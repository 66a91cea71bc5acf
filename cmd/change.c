/*
 * change.c: what the commands that change a plan (set, followup, close)
 * share: opening the plan, the change made, perhaps edited by a person,
 * judged, and committed through kp_repo_change().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "banned.h"

int cmd_plan_open(struct cmd_plan *p, const char *arg)
{
	struct kp_error err = KP_ERROR_INIT;
	int rc, error;

	memset(p, 0, sizeof(*p));
	if ((rc = cmd_repo_open(&p->repo)) != KP_EXIT_OK)
		return rc;
	if ((error = kp_repo_plan_path(&p->rel, p->repo, arg, 1, &err)) < 0 ||
	    (error = kp_repo_schema(&p->schema, p->repo, &err)) < 0 ||
	    (error = kp_repo_read(&p->raw, p->repo, p->rel, &err)) < 0 ||
	    (error = kp_plan_parse(&p->plan, p->rel, p->raw.buf, p->raw.len, 0,
				   &err)) < 0) {
		cmd_report(&err);
		return error == KP_EPARSE ? KP_EXIT_FINDINGS
					  : cmd_exit_for(error);
	}
	return KP_EXIT_OK;
}

const char *cmd_plan_id(const struct cmd_plan *p)
{
	const char *id = kp_plan_get(p->plan, "id");

	return id ? id : p->rel;
}

void cmd_plan_release(struct cmd_plan *p)
{
	kp_plan_free(p->plan);
	kp_schema_free(p->schema);
	kp_repo_free(p->repo);
	kp_buf_release(&p->raw);
	free(p->rel);
	memset(p, 0, sizeof(*p));
}

/* 1 when old has a finding of the same severity, code and message. */
static int had(const struct kp_findings *old, const struct kp_finding *f)
{
	size_t i;

	for (i = 0; i < old->len; i++)
		if (old->v[i].sev == f->sev &&
		    strcmp(old->v[i].code, f->code) == 0 &&
		    strcmp(old->v[i].msg, f->msg) == 0)
			return 1;
	return 0;
}

/*
 * Judge the changed plan: the findings that the plan did not have
 * before are printed, and the errors among them refuse the change (a
 * plan with errors of its own can still be mended one change at a
 * time).  1 when accepted.
 */
static int acceptable(const struct cmd_plan *p, const struct kp_plan *next)
{
	struct kp_findings before = KP_FINDINGS_INIT, after = KP_FINDINGS_INIT;
	size_t i, fresh = 0;

	kp_validate(p->plan, p->schema, &before);
	kp_validate(next, p->schema, &after);
	for (i = 0; i < after.len; i++) {
		if (had(&before, &after.v[i]))
			continue;
		cmd_print_finding(stderr, p->rel, &after.v[i]);
		fresh += after.v[i].sev == KP_ERROR;
	}
	if (fresh)
		cmd_warn(Q_("%s: not changed: the change would give the plan "
			    "%zu error.",
			    "%s: not changed: the change would give the plan "
			    "%zu errors.",
			    fresh),
			 p->rel, fresh);
	kp_findings_release(&before);
	kp_findings_release(&after);
	return fresh == 0;
}

/*
 * Let a person edit the changed text: it waits in the git directory and
 * comes back only when it still loads.  KP_EXIT_OK and *next replaced.
 */
static int edit_text(struct cmd_plan *p, struct kp_buf *text,
		     struct kp_plan **next, char **editpath)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_plan *edited = NULL;

	if (kp_repo_edit_path(editpath, p->repo, p->rel, &err) < 0 ||
	    kp_write_file_atomic(*editpath, text->buf, text->len, 0600, &err) <
		    0) {
		cmd_report(&err);
		return KP_EXIT_ERROR;
	}
	if (cmd_edit_file(*editpath) < 0) {
		cmd_warn(_("nothing committed; your text is kept in %s"),
			 *editpath);
		return KP_EXIT_ERROR;
	}
	kp_buf_reset(text);
	if (kp_buf_read_file(text, *editpath, KP_PLAN_MAX, &err) < 0 ||
	    kp_plan_parse(&edited, p->rel, text->buf, text->len, 0, &err) < 0) {
		cmd_report(&err);
		cmd_warn(_("nothing committed; your text is kept in %s"),
			 *editpath);
		return KP_EXIT_FINDINGS;
	}
	kp_plan_free(*next);
	*next = edited;
	return KP_EXIT_OK;
}

int cmd_change_commit(struct cmd_plan *p, struct kp_change *c,
		      const struct cmd_commit *o, struct kp_change_result *res)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_buf text = KP_BUF_INIT;
	struct kp_plan *next = NULL;
	char *editpath = NULL;
	const char *old;
	size_t oldlen;
	int rc = KP_EXIT_OK, error;

	memset(res, 0, sizeof(*res));
	if (kp_change_apply(&text, &next, p->plan, c, p->schema, &err) < 0) {
		cmd_report(&err);
		rc = cmd_exit_for(err.code);
		goto done;
	}
	if (o->edit &&
	    (rc = edit_text(p, &text, &next, &editpath)) != KP_EXIT_OK)
		goto done;
	old = kp_plan_text(p->plan, &oldlen);
	if (text.len == oldlen && memcmp(text.buf, old, oldlen) == 0) {
		cmd_warn(_("%s: nothing to change"), p->rel);
		goto done;
	}
	if (!acceptable(p, next)) {
		if (editpath)
			cmd_warn(_("your text is kept in %s"), editpath);
		rc = KP_EXIT_FINDINGS;
		goto done;
	}
	if (o->dry_run) {
		fwrite(text.buf, 1, text.len, stdout);
		goto done;
	}
	error = kp_repo_change(res, p->repo, p->rel, &p->raw, &text, o->summary,
			       o->body, o->nbody, &err);
	if (error < 0) {
		cmd_report(&err);
		rc = res->committed ? KP_EXIT_ERROR : cmd_exit_for(error);
		goto done;
	}
	if (editpath)
		unlink(editpath);
	/* TRANSLATORS: ki-2014-0001 revision 3 (1a2b3c4d5e6f) committed */
	printf(_("%s revision %u (%.12s) committed\n"), p->rel, res->revision,
	       res->commit);
done:
	free(editpath);
	kp_plan_free(next);
	kp_buf_release(&text);
	return rc;
}

void cmd_meeting_init(struct cmd_meeting *m, int argc)
{
	memset(m, 0, sizeof(*m));
	m->names = kp_xcalloc((size_t)argc + 1, sizeof(*m->names));
	m->o.deltagere = m->names;
}

void cmd_meeting_release(struct cmd_meeting *m)
{
	free(m->names);
	m->names = NULL;
}

int cmd_meeting_opt(struct cmd_meeting *m, int c, const char *arg)
{
	static const char *const forms[] = { "fysisk", "telefon", "video",
					     NULL };
	int f;

	switch (c) {
	case 'd':
		if (kp_date_parse(&m->o.date, arg, strlen(arg)) < 0) {
			cmd_warn(_("--date: not a date (YYYY-MM-DD): '%s'"),
				 arg);
			return -1;
		}
		m->have_date = 1;
		return 1;
	case 'f':
		if ((f = cmd_choice("--form", arg, forms)) < 0)
			return -1;
		m->o.form = forms[f];
		return 1;
	case 'p': m->o.sted = arg; return 1;
	case 'D': m->names[m->o.ndeltagere++] = arg; return 1;
	case 'B': m->o.borger_fravalgt = 1; return 1;
	case 'E': m->o.evaluering = arg; return 1;
	default: return 0;
	}
}

const char *cmd_one_line(struct kp_buf *b, const char *s)
{
	struct kp_buf flat = KP_BUF_INIT;
	int space = 0;

	kp_buf_reset(b);
	for (; s && *s; s++) {
		if (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r') {
			space = flat.len > 0;
			continue;
		}
		if (space)
			kp_buf_addch(&flat, ' ');
		space = 0;
		kp_buf_addch(&flat, *s);
	}
	kp_buf_add_escaped(b, flat.buf, flat.len);
	kp_buf_release(&flat);
	return b->buf;
}

int cmd_meeting_commit(struct cmd_plan *p, struct kp_change *c,
		       const struct cmd_meeting *m, const char *summary,
		       char *const *body, size_t nbody, int edit,
		       struct kp_change_result *res)
{
	struct cmd_commit co;
	char date[11];

	kp_date_format(date, m->o.date);
	kp_change_date_states(c, p->plan, date);
	memset(&co, 0, sizeof(co));
	co.summary = summary;
	co.body = (const char *const *)body;
	co.nbody = nbody;
	co.edit = edit;
	return cmd_change_commit(p, c, &co, res);
}
