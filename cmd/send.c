/*
 * send.c: kiplan send, record that a revision of a plan is sent to the
 * parties of the coordination meeting (guideline §5: the coordinating
 * function sends the plan and every update to the parties, the citizen
 * included, and relatives only with the citizen's consent).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cmd.h"
#include "banned.h"

static const char usage_str[] =
	"usage: kiplan send [--to RECIPIENT]... [-m MESSAGE]... [--strict]\n"
	"                   [--no-outbox] PLAN\n"
	"\n"
	"Validate PLAN (not a draft) and commit it as a new revision (or, when "
	"it is\n"
	"unchanged since its last revision, record the sending of that\n"
	"revision) with one Sendt-til trailer per recipient.  Refused (exit "
	"1,\n"
	"no commit): a plan with errors, without consent or with consent\n"
	"withdrawn, and a relative as recipient without samtykke.paaroerende.\n"
	"The rendered revision goes to outbox/<id>-r<N>.html and .pdf.\n"
	"\n"
	"  --to RECIPIENT  a participant's name or e-mail, 'borger' or 'alle'\n"
	"                  (the default: every participant and the citizen)\n"
	"  -m MESSAGE      a line for the commit message (repeatable)\n"
	"  --strict        warnings refuse the sending too\n"
	"  --no-outbox     do not render into outbox/\n"
	"  -h, --help      show this help\n";

struct recipient {
	const char *name, *email, *rolle;
	int citizen;
};

struct rlist {
	struct recipient v[256];
	size_t len;
};

static void add(struct rlist *l, const char *name, const char *email,
		const char *rolle, int citizen)
{
	size_t i;

	for (i = 0; i < l->len; i++)
		if ((citizen && l->v[i].citizen) ||
		    strcasecmp(l->v[i].name, name) == 0)
			return;
	if (l->len == sizeof(l->v) / sizeof(l->v[0]))
		return;
	l->v[l->len].name = name;
	l->v[l->len].email = email;
	l->v[l->len].rolle = rolle;
	l->v[l->len].citizen = citizen;
	l->len++;
}

/* The citizen, with the e-mail of a participant of rolle borger. */
static int add_citizen(struct rlist *l, const struct kp_node *root)
{
	const char *name = kp_node_str(kp_node_at(root, "borger.navn"));
	const char *email = kp_node_str(kp_node_at(root, "borger.email"));
	const struct kp_node *dl = kp_map_get(root, "deltagere");
	size_t i;

	if (!name) {
		cmd_warn("the plan names no citizen (borger.navn)");
		return -1;
	}
	for (i = 0; !email && dl && dl->type == KP_SEQ && i < dl->v.seq.len;
	     i++) {
		const char *r =
			kp_node_str(kp_map_get(dl->v.seq.items[i], "rolle"));

		if (r && strcmp(r, "borger") == 0)
			email = kp_node_str(
				kp_map_get(dl->v.seq.items[i], "email"));
	}
	add(l, name, email, "borger", 1);
	return 0;
}

static int resolve(struct rlist *l, const struct kp_node *root,
		   const char *want)
{
	const struct kp_node *dl = kp_map_get(root, "deltagere");
	const char *cname = kp_node_str(kp_node_at(root, "borger.navn"));
	size_t i, n = dl && dl->type == KP_SEQ ? dl->v.seq.len : 0;
	int all = strcmp(want, "alle") == 0, found = 0;

	if (all || strcmp(want, "borger") == 0 ||
	    (cname && strcasecmp(want, cname) == 0)) {
		if (add_citizen(l, root) < 0)
			return -1;
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
		if (rolle && strcmp(rolle, "borger") == 0)
			add_citizen(l, root);
		else
			add(l, name, email, rolle, 0);
		found = 1;
	}
	if (!found) {
		struct kp_buf b = KP_BUF_INIT;

		kp_buf_add_escaped(&b, want, strlen(want));
		cmd_warn(
			"'%s' is not a participant of the plan (give a name or "
			"e-mail from deltagere, 'borger' or 'alle')",
			b.buf);
		kp_buf_release(&b);
		return -1;
	}
	return 0;
}

static int write_outbox(struct kp_repo *repo, const struct kp_plan *plan,
			const struct kp_schema *schema,
			const struct kp_source *src, const char *id)
{
	static const char *const formats[] = { "html", "pdf" };
	struct kp_render_opts opts;
	struct kp_error err = KP_ERROR_INIT;
	struct kp_buf out = KP_BUF_INIT, path = KP_BUF_INIT;
	size_t i;
	int error = 0;

	memset(&opts, 0, sizeof(opts));
	opts.schema = schema;
	opts.src = src;
	kp_buf_addf(&path, "%s/outbox", kp_repo_workdir(repo));
	if (mkdir(path.buf, 0700) < 0 && errno != EEXIST) {
		cmd_warn("cannot create %s: %s", path.buf, strerror(errno));
		error = -1;
		goto done;
	}
	for (i = 0; i < 2; i++) {
		kp_buf_reset(&out);
		kp_buf_reset(&path);
		kp_buf_addf(&path, "%s/outbox/%s-r%u.%s", kp_repo_workdir(repo),
			    id, src->revision, formats[i]);
		if ((error = kp_render(&out, formats[i], plan, &opts, &err)) <
			    0 ||
		    (error = kp_write_file_atomic(path.buf, out.buf, out.len,
						  0600, &err)) < 0) {
			cmd_report(&err);
			goto done;
		}
		printf("%s\n", path.buf);
	}
done:
	kp_buf_release(&out);
	kp_buf_release(&path);
	return error;
}

int cmd_send(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "to", required_argument, NULL, 't' },
		{ "strict", no_argument, NULL, 's' },
		{ "no-outbox", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	struct kp_error err = KP_ERROR_INIT;
	struct kp_repo *repo = NULL;
	struct kp_schema *schema = NULL;
	struct kp_plan *plan = NULL, *sent = NULL;
	struct kp_findings f = KP_FINDINGS_INIT;
	struct kp_history h = KP_HISTORY_INIT;
	struct kp_buf text = KP_BUF_INIT, old = KP_BUF_INIT, msg = KP_BUF_INIT;
	struct kp_buf summary = KP_BUF_INIT;
	struct kp_source src;
	struct rlist *rl = NULL;
	const struct kp_revision *last = NULL;
	const char **to = NULL, **body = NULL;
	char **rtext = NULL, *rel = NULL, commit[41], id[13];
	const struct kp_node *consent;
	const char *st;
	size_t nto = 0, nbody = 0, i, errors;
	unsigned rev;
	int c, strict = 0, outbox = 1, rc = KP_EXIT_OK, error, changed;

	to = kp_xcalloc((size_t)argc + 1, sizeof(*to));
	body = kp_xcalloc((size_t)argc + 1, sizeof(*body));
	while ((c = getopt_long(argc, argv, "hm:", lo, NULL)) != -1)
		switch (c) {
		case 'h': fputs(usage_str, stdout); goto done;
		case 't': to[nto++] = optarg; break;
		case 'm': body[nbody++] = optarg; break;
		case 's': strict = 1; break;
		case 'n': outbox = 0; break;
		default:
			fputs(usage_str, stderr);
			rc = KP_EXIT_USAGE;
			goto done;
		}
	if (optind + 1 != argc) {
		fputs(usage_str, stderr);
		rc = KP_EXIT_USAGE;
		goto done;
	}
	if (!nto)
		to[nto++] = "alle";
	if ((rc = cmd_repo_open(&repo)) != KP_EXIT_OK)
		goto done;
	if ((error = kp_repo_plan_path(&rel, repo, argv[optind], 1, &err)) <
		    0 ||
	    (error = kp_repo_schema(&schema, repo, &err)) < 0 ||
	    (error = kp_repo_read(&text, repo, rel, &err)) < 0 ||
	    (error = kp_plan_parse(&plan, rel, text.buf, text.len, 0, &err)) <
		    0) {
		cmd_report(&err);
		rc = error == KP_EPARSE ? KP_EXIT_FINDINGS
					: cmd_exit_for(error);
		goto done;
	}

	/* Strictly valid, with consent. */
	errors = kp_validate(plan, schema, &f);
	cmd_repo_findings(rel, &f);
	if (errors || (strict && kp_findings_count(&f, KP_WARNING))) {
		cmd_warn("%s: %zu error(s)%s; not sent", rel, errors,
			 strict ? " and warnings (--strict)" : "");
		rc = KP_EXIT_FINDINGS;
		goto done;
	}
	st = kp_plan_str(plan, "status");
	if (st && strcmp(st, "kladde") == 0) {
		cmd_warn(
			"%s: a draft (status: kladde) is not sent; the plan is "
			"sent when the meeting has agreed it (status: aktiv)",
			rel);
		rc = KP_EXIT_FINDINGS;
		goto done;
	}
	consent = kp_map_get(plan->root, "samtykke");
	if (!kp_node_true(kp_map_get(consent, "givet"))) {
		cmd_warn("%s: the citizen has not given consent "
			 "(samtykke.givet); "
			 "not sent",
			 rel);
		rc = KP_EXIT_FINDINGS;
		goto done;
	}
	if (kp_map_get(consent, "tilbagekaldt")) {
		cmd_warn("%s: the citizen has withdrawn consent "
			 "(samtykke.tilbagekaldt); not sent",
			 rel);
		rc = KP_EXIT_FINDINGS;
		goto done;
	}
	snprintf(id, sizeof(id), "%s",
		 kp_plan_str(plan, "id") ? kp_plan_str(plan, "id") : "");

	/* The recipients. */
	rl = kp_xcalloc(1, sizeof(*rl));
	for (i = 0; i < nto; i++)
		if (resolve(rl, plan->root, to[i]) < 0) {
			rc = KP_EXIT_USAGE;
			goto done;
		}
	rtext = kp_xcalloc(rl->len + 1, sizeof(*rtext));
	for (i = 0; i < rl->len; i++) {
		struct kp_buf b = KP_BUF_INIT;

		if (rl->v[i].rolle &&
		    strcmp(rl->v[i].rolle, "paaroerende") == 0 &&
		    !kp_node_true(kp_map_get(consent, "paaroerende"))) {
			kp_buf_add_escaped(&b, rl->v[i].name,
					   strlen(rl->v[i].name));
			cmd_warn(
				"%s: %s is a relative, and the citizen has not "
				"consented to involve relatives "
				"(samtykke.paaroerende); not sent",
				rel, b.buf);
			kp_buf_release(&b);
			rc = KP_EXIT_FINDINGS;
			goto done;
		}
		kp_buf_addstr(&b, rl->v[i].name);
		if (rl->v[i].email)
			kp_buf_addf(&b, " <%s>", rl->v[i].email);
		rtext[i] = kp_buf_detach(&b, NULL);
	}

	/* Commit, under the lock. */
	if ((error = kp_repo_lock(repo, &err)) < 0) {
		cmd_report(&err);
		rc = KP_EXIT_ERROR;
		goto done;
	}
	kp_test_crash("send-locked");
	if ((error = kp_repo_history(&h, repo, rel, &err)) < 0)
		goto fail;
	for (i = h.len; i-- > 0;)
		if (!h.v[i].sending) {
			last = &h.v[i];
			break;
		}
	changed = 1;
	if (last) {
		if ((error = kp_repo_blob(&old, repo, last->commit, rel,
					  &err)) < 0)
			goto fail;
		changed = old.len != text.len ||
			  memcmp(old.buf, text.buf, text.len) != 0;
	}
	rev = changed ? h.revisions + 1 : last->number;
	kp_buf_addf(&summary, "Send indsatsplan %s, revision %u", id, rev);
	if ((error = kp_repo_message(&msg, summary.buf, body, nbody, id, rev,
				     (const char *const *)rtext, rl->len,
				     &err)) < 0 ||
	    (error = kp_repo_commit(commit, repo, rel,
				    changed ? text.buf : NULL, text.len,
				    msg.buf, &err)) < 0)
		goto fail;
	kp_repo_unlock(repo);
	printf("%s revision %u (%.12s) sent to %zu recipient%s\n", id, rev,
	       commit, rl->len, rl->len == 1 ? "" : "s");

	if (outbox) {
		memset(&src, 0, sizeof(src));
		src.in_repo = 1;
		src.revision = rev;
		if (changed) {
			memcpy(src.commit, commit, sizeof(src.commit));
		} else {
			memcpy(src.commit, last->commit, sizeof(src.commit));
			src.time = last->time;
			src.offset = last->offset;
		}
		if (changed) {
			struct kp_history h2 = KP_HISTORY_INIT;

			if (kp_repo_history(&h2, repo, rel, &err) == 0 &&
			    h2.len) {
				src.time = h2.v[h2.len - 1].time;
				src.offset = h2.v[h2.len - 1].offset;
			}
			kp_history_release(&h2);
		}
		/* Exactly the committed text of that revision. */
		if (kp_plan_parse(&sent, rel, text.buf, text.len, 0, &err) <
			    0 ||
		    write_outbox(repo, sent, schema, &src, id) < 0) {
			cmd_warn("the sending is recorded, but the outbox is "
				 "incomplete");
			rc = KP_EXIT_ERROR;
		}
	}
	goto done;
fail:
	cmd_report(&err);
	rc = cmd_exit_for(error);
done:
	if (rtext)
		for (i = 0; rtext[i]; i++)
			free(rtext[i]);
	free(rtext);
	free(rl);
	free(to);
	free(body);
	free(rel);
	kp_findings_release(&f);
	kp_history_release(&h);
	kp_plan_free(plan);
	kp_plan_free(sent);
	kp_schema_free(schema);
	kp_repo_free(repo);
	kp_buf_release(&text);
	kp_buf_release(&old);
	kp_buf_release(&msg);
	kp_buf_release(&summary);
	return rc;
}
