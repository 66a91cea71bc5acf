/*
 * log.c: kiplan log, the audit trail of one plan: its revisions, newest
 * first, and to whom each was sent.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "banned.h"

static const char usage_str[] = N_(
	"usage: kiplan log [--format text|json] PLAN\n"
	"\n"
	"Show the revisions of PLAN, newest first: revision number, commit "
	"id,\n"
	"date, author, message, the meetings it records first and its\n"
	"recipients.  A revision sent again later lists those sendings too.\n"
	"JSON: an array, one object per revision.\n"
	"\n"
	"  --format text|json  the output format (default: text)\n"
	"  -h, --help          show this help\n");

/* "YYYY-MM-DD HH:MM:SS +HHMM" (or ISO 8601 with T and +HH:MM) into out. */
static void format_time(char *out, size_t size, long long t, int offset,
			int iso)
{
	long long local = t + (long long)offset * 60;
	long long days =
		local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
	long long secs = local - days * 86400;
	struct kp_date d = kp_date_from_days((long)days);
	char date[11];
	int off = offset < 0 ? -offset : offset;

	kp_date_format(date, d);
	snprintf(out, size,
		 iso ? "%sT%02lld:%02lld:%02lld%c%02d:%02d"
		     : "%s %02lld:%02lld:%02lld %c%02d%02d",
		 date, secs / 3600, secs / 60 % 60, secs % 60,
		 offset < 0 ? '-' : '+', off / 60, off % 60);
}

static int is_trailer(const char *line, size_t len)
{
	static const char *const keys[] = { "Plan-Id: ", "Revision: ",
					    "Sendt-til: " };
	size_t i;

	for (i = 0; i < 3; i++)
		if (len >= strlen(keys[i]) &&
		    strncmp(line, keys[i], strlen(keys[i])) == 0)
			return 1;
	return 0;
}

/* The message without its trailers and trailing blank lines. */
static void message_text(struct kp_buf *out, const char *msg)
{
	const char *p = msg;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (!is_trailer(p, len)) {
			kp_buf_add(out, p, len);
			kp_buf_addch(out, '\n');
		}
		p += len + (nl ? 1 : 0);
	}
	while (out->len && out->buf[out->len - 1] == '\n')
		kp_buf_setlen(out, out->len - 1);
}

static void text_entry(struct kp_buf *b, const struct kp_revision *r, int sub)
{
	struct kp_buf m = KP_BUF_INIT;
	const char *ind = sub ? "        " : "    ";
	char when[40];
	size_t i;
	const char *p;

	format_time(when, sizeof(when), r->time, r->offset, 0);
	if (sub)
		/* TRANSLATORS: a later sending of the same revision: commit
		 * id, date, then the author */
		kp_buf_addf(b, _("    sending %.12s  %s  "), r->commit, when);
	else
		/* TRANSLATORS: revision number, commit id, date, then the
		 * author */
		kp_buf_addf(b, _("revision %u  %.12s  %s  "), r->number,
			    r->commit, when);
	kp_buf_add_escaped(b, r->author, strlen(r->author));
	kp_buf_addch(b, '\n');
	message_text(&m, r->message);
	for (p = m.buf; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		kp_buf_addstr(b, ind);
		kp_buf_add_escaped(b, p, len);
		kp_buf_addch(b, '\n');
		p += len + (nl ? 1 : 0);
	}
	for (i = 0; i < r->nmeetings; i++) {
		const char *d = r->meetings[i], *type = strchr(d, ' ');

		kp_buf_addstr(b, ind);
		if (type && strcmp(type + 1, "koordination") == 0)
			/* TRANSLATORS: the meeting's date */
			kp_buf_addf(b,
				    _("meeting held: %.10s, the coordination "
				      "meeting"),
				    d);
		else if (type && strcmp(type + 1, "afslutning") == 0)
			kp_buf_addf(b,
				    _("meeting held: %.10s, the closing "
				      "meeting"),
				    d);
		else
			kp_buf_addf(b,
				    _("meeting held: %.10s, a follow-up "
				      "meeting"),
				    d);
		kp_buf_addch(b, '\n');
	}
	for (i = 0; i < r->nrecipients; i++) {
		kp_buf_addstr(b, ind);
		kp_buf_addstr(b, _("sent to: "));
		kp_buf_add_escaped(b, r->recipients[i],
				   strlen(r->recipients[i]));
		kp_buf_addch(b, '\n');
	}
	kp_buf_release(&m);
}

static void json_entry(struct kp_buf *b, const struct kp_revision *r)
{
	struct kp_buf m = KP_BUF_INIT;
	const char *nl;
	char when[40];
	size_t i;

	format_time(when, sizeof(when), r->time, r->offset, 1);
	kp_buf_addstr(b, "\"commit\":");
	kp_buf_add_json(b, r->commit, strlen(r->commit));
	kp_buf_addstr(b, ",\"date\":");
	kp_buf_add_json(b, when, strlen(when));
	kp_buf_addf(b, ",\"time\":%lld,\"author\":", r->time);
	kp_buf_add_json(b, r->author, strlen(r->author));
	message_text(&m, r->message);
	nl = strchr(m.buf, '\n');
	kp_buf_addstr(b, ",\"summary\":");
	kp_buf_add_json(b, m.buf, nl ? (size_t)(nl - m.buf) : m.len);
	kp_buf_addstr(b, ",\"message\":");
	kp_buf_add_json(b, m.buf, m.len);
	kp_buf_addstr(b, ",\"recipients\":[");
	for (i = 0; i < r->nrecipients; i++) {
		if (i)
			kp_buf_addch(b, ',');
		kp_buf_add_json(b, r->recipients[i], strlen(r->recipients[i]));
	}
	kp_buf_addstr(b, "],\"meetings\":[");
	for (i = 0; i < r->nmeetings; i++)
		kp_buf_addf(b, "%s{\"date\":\"%.10s\",\"type\":\"%s\"}",
			    i ? "," : "", r->meetings[i],
			    strchr(r->meetings[i], ' ')
				    ? strchr(r->meetings[i], ' ') + 1
				    : "");
	kp_buf_addch(b, ']');
	kp_buf_release(&m);
}

int cmd_log(int argc, char **argv)
{
	static const struct option lo[] = { { "help", no_argument, NULL, 'h' },
					    { "format", required_argument, NULL,
					      'f' },
					    { NULL, 0, NULL, 0 } };
	static const char *const formats[] = { "text", "json", NULL };
	struct kp_error err = KP_ERROR_INIT;
	struct kp_repo *repo = NULL;
	struct kp_history h = KP_HISTORY_INIT;
	struct kp_buf b = KP_BUF_INIT;
	char *rel = NULL;
	int c, json = 0, rc = KP_EXIT_OK, error, first = 1;
	size_t i, j;

	while ((c = cmd_getopt(argc, argv, "h", lo, usage_str)) != -1)
		switch (c) {
		case 'h': return cmd_help(usage_str);
		case 'f':
			if ((json = cmd_choice("--format", optarg, formats)) <
			    0)
				return cmd_usage(usage_str);
			break;
		default: return cmd_usage(usage_str);
		}
	if (optind + 1 != argc)
		return cmd_usage(usage_str);
	if ((rc = cmd_repo_open(&repo)) != KP_EXIT_OK)
		goto done;
	if ((error = kp_repo_plan_path(&rel, repo, argv[optind], 0, &err)) <
		    0 ||
	    (error = kp_repo_history(&h, repo, rel, &err)) < 0 ||
	    (error = kp_history_meetings(&h, repo, rel, &err)) < 0) {
		cmd_report(&err);
		rc = cmd_exit_for(error);
		goto done;
	}
	if (!h.revisions) {
		struct kp_buf path = KP_BUF_INIT;

		kp_buf_addf(&path, "%s/%s", kp_repo_workdir(repo), rel);
		if (access(path.buf, F_OK) < 0 && errno == ENOENT)
			cmd_warn(_("%s: no such plan, now or in the history"),
				 rel);
		else
			cmd_warn(_("%s has no revision (it was never "
				   "committed)"),
				 rel);
		kp_buf_release(&path);
		rc = KP_EXIT_ERROR;
		goto done;
	}
	if (json)
		kp_buf_addch(&b, '[');
	for (i = h.len; i-- > 0;) {
		const struct kp_revision *r = &h.v[i];

		if (r->sending)
			continue;
		if (json) {
			kp_buf_addstr(&b, first ? "\n  {" : ",\n  {");
			kp_buf_addf(&b, "\"revision\":%u,", r->number);
			json_entry(&b, r);
			kp_buf_addstr(&b, ",\"sendings\":[");
			for (j = i + 1; j < h.len && h.v[j].sending; j++) {
				kp_buf_addstr(&b, j > i + 1 ? ",{" : "{");
				json_entry(&b, &h.v[j]);
				kp_buf_addch(&b, '}');
			}
			kp_buf_addstr(&b, "]}");
		} else {
			if (!first)
				kp_buf_addch(&b, '\n');
			text_entry(&b, r, 0);
			for (j = i + 1; j < h.len && h.v[j].sending; j++)
				text_entry(&b, &h.v[j], 1);
		}
		first = 0;
	}
	if (json)
		kp_buf_addstr(&b, "\n]\n");
	fwrite(b.buf, 1, b.len, stdout);
done:
	free(rel);
	kp_history_release(&h);
	kp_buf_release(&b);
	kp_repo_free(repo);
	return rc;
}
