/*
 * test_repo.c: plan repositories through the library: revision lookup
 * (numbers, dates, commit ids), kp_plan_open() sources, commit messages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "kiplan.h"

static char dir[64];

static const char plan1[] =
	"---\nkiplan: 1\nid: ki-2026-0001\nstatus: kladde\nborger:\n  navn: A\n---\n";
static const char plan2[] =
	"---\nkiplan: 1\nid: ki-2026-0001\nstatus: kladde\nborger:\n  navn: B\n---\n";
static const char plan3[] =
	"---\nkiplan: 1\nid: ki-2026-0001\nstatus: kladde\nborger:\n  navn: C\n---\n";

/* A repository with three revisions of ki-2026-0001.md on three days,
 * a sending record on the second, and another file's commit between. */
static struct kp_repo *fixture(char commits[4][41])
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_repo *repo = NULL;
	struct kp_buf msg = KP_BUF_INIT, path = KP_BUF_INIT;
	const char *to[] = { "Peter Holm <peter@example.dk>" };
	int created;

	snprintf(dir, sizeof(dir), "/tmp/kiplan-unit-repo-XXXXXX");
	if (!mkdtemp(dir))
		return NULL;
	setenv("KIPLAN_AUTHOR", "Unit Test <unit@example.dk>", 1);
	setenv("GIT_AUTHOR_DATE", "@1767258000 +0100", 1);	/* 2026-01-01 10:00 */
	setenv("GIT_COMMITTER_DATE", "@1767258000 +0100", 1);
	OK(kp_repo_init(&repo, &created, dir, NULL, 0, &err) == 0);
	OK(created);
	if (!repo)
		return NULL;
	kp_buf_addf(&path, "%s/ki-2026-0001.md", dir);
	OK(kp_repo_message(&msg, "Opret indsatsplan ki-2026-0001", NULL, 0,
			   "ki-2026-0001", 1, NULL, 0, &err) == 0);
	OK(kp_write_file_atomic(path.buf, plan1, strlen(plan1), 0600, &err) == 0);
	OK(kp_repo_commit(commits[0], repo, "ki-2026-0001.md", plan1,
			  strlen(plan1), msg.buf, &err) == 0);
	/* 2026-02-01 late evening in Copenhagen: still Feb 1 there. */
	setenv("GIT_COMMITTER_DATE", "2026-02-01T23:30:00+01:00", 1);
	kp_buf_reset(&msg);
	OK(kp_repo_message(&msg, "Send indsatsplan ki-2026-0001, revision 2",
			   NULL, 0, "ki-2026-0001", 2, to, 1, &err) == 0);
	OK(kp_write_file_atomic(path.buf, plan2, strlen(plan2), 0600, &err) == 0);
	OK(kp_repo_commit(commits[1], repo, "ki-2026-0001.md", plan2,
			  strlen(plan2), msg.buf, &err) == 0);
	/* The same text sent again: a record, no new revision. */
	OK(kp_repo_commit(commits[2], repo, "ki-2026-0001.md", NULL, 0, msg.buf,
			  &err) == 0);
	setenv("GIT_COMMITTER_DATE", "2026-03-01T08:00:00+01:00", 1);
	kp_buf_reset(&msg);
	OK(kp_repo_message(&msg, "Send indsatsplan ki-2026-0001, revision 3",
			   NULL, 0, "ki-2026-0001", 3, to, 1, &err) == 0);
	OK(kp_write_file_atomic(path.buf, plan3, strlen(plan3), 0600, &err) == 0);
	OK(kp_repo_commit(commits[3], repo, "ki-2026-0001.md", plan3,
			  strlen(plan3), msg.buf, &err) == 0);
	unsetenv("GIT_AUTHOR_DATE");
	unsetenv("GIT_COMMITTER_DATE");
	kp_buf_release(&msg);
	kp_buf_release(&path);
	return repo;
}

static void cleanup(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		OK(0);
	unsetenv("KIPLAN_AUTHOR");
}

static unsigned resolve(struct kp_repo *repo, const struct kp_history *h,
			const char *rev)
{
	const struct kp_revision *r = NULL;
	struct kp_error err = KP_ERROR_INIT;

	if (kp_repo_resolve(&r, repo, h, rev, &err) < 0 || !r)
		return 0;
	return r->number;
}

void test_repo__history_and_revisions(void)
{
	char c[4][41];
	struct kp_repo *repo = fixture(c);
	struct kp_history h = KP_HISTORY_INIT;
	struct kp_error err = KP_ERROR_INIT;
	const struct kp_revision *r = NULL;
	char prefix[8];

	OK(repo != NULL);
	if (!repo)
		return;
	OK(kp_repo_history(&h, repo, "ki-2026-0001.md", &err) == 0);
	INT_EQ(h.revisions, 3);
	INT_EQ(h.len, 4);
	INT_EQ(h.v[2].sending, 1);
	INT_EQ(h.v[2].number, 2);
	INT_EQ(h.v[2].nrecipients, 1);
	STR_EQ(h.v[2].recipients[0], "Peter Holm <peter@example.dk>");
	STR_EQ(h.v[0].commit, c[0]);
	INT_EQ(h.v[1].offset, 60);
	/* numbers */
	INT_EQ(resolve(repo, &h, "1"), 1);
	INT_EQ(resolve(repo, &h, "3"), 3);
	INT_EQ(resolve(repo, &h, "4"), 0);
	INT_EQ(resolve(repo, &h, "0"), 0);
	/* dates: the revision in force that day, by the commit's clock */
	INT_EQ(resolve(repo, &h, "2026-01-01"), 1);
	INT_EQ(resolve(repo, &h, "2026-01-31"), 1);
	INT_EQ(resolve(repo, &h, "2026-02-01"), 2);
	INT_EQ(resolve(repo, &h, "2026-02-28"), 2);
	INT_EQ(resolve(repo, &h, "2027-01-01"), 3);
	INT_EQ(resolve(repo, &h, "2025-12-31"), 0);
	/* commit ids: full, prefix, and a sending record's */
	INT_EQ(resolve(repo, &h, c[1]), 2);
	snprintf(prefix, sizeof(prefix), "%.7s", c[0]);
	INT_EQ(resolve(repo, &h, prefix), 1);
	INT_EQ(resolve(repo, &h, c[2]), 2);
	INT_EQ(kp_repo_resolve(&r, repo, &h, "zz", &err), KP_EUSAGE);
	/* blobs */
	{
		struct kp_buf b = KP_BUF_INIT;

		OK(kp_repo_blob(&b, repo, c[1], "ki-2026-0001.md", &err) == 0);
		STR_EQ(b.buf, plan2);
		kp_buf_release(&b);
	}
	kp_history_release(&h);
	kp_repo_free(repo);
	cleanup();
}

void test_repo__plan_open_sources(void)
{
	char c[4][41], spec[128];
	struct kp_repo *repo = fixture(c);
	struct kp_error err = KP_ERROR_INIT;
	struct kp_plan *plan = NULL;
	struct kp_source src;
	FILE *f;

	OK(repo != NULL);
	if (!repo)
		return;
	snprintf(spec, sizeof(spec), "%s/ki-2026-0001.md@2", dir);
	OK(kp_plan_open(&plan, &src, spec, 0, &err) == 0);
	INT_EQ(src.in_repo, 1);
	INT_EQ(src.revision, 2);
	STR_EQ(src.commit, c[1]);
	INT_EQ(src.modified, 0);
	STR_EQ(kp_plan_str(plan, "borger.navn"), "B");
	kp_plan_free(plan);
	/* the working file: its last revision, then modified */
	snprintf(spec, sizeof(spec), "%s/ki-2026-0001.md", dir);
	OK(kp_plan_open(&plan, &src, spec, 0, &err) == 0);
	INT_EQ(src.revision, 3);
	INT_EQ(src.modified, 0);
	kp_plan_free(plan);
	f = fopen(spec, "a");
	OK(f != NULL);
	if (f) {
		fputs("Noter.\n", f);
		fclose(f);
	}
	OK(kp_plan_open(&plan, &src, spec, 0, &err) == 0);
	INT_EQ(src.revision, 3);
	INT_EQ(src.modified, 1);
	kp_plan_free(plan);
	/* PLAN@DATE */
	snprintf(spec, sizeof(spec), "%s/ki-2026-0001.md@2026-01-15", dir);
	OK(kp_plan_open(&plan, &src, spec, 0, &err) == 0);
	INT_EQ(src.revision, 1);
	STR_EQ(kp_plan_str(plan, "borger.navn"), "A");
	kp_plan_free(plan);
	/* no such revision */
	snprintf(spec, sizeof(spec), "%s/ki-2026-0001.md@7", dir);
	OK(kp_plan_open(&plan, &src, spec, 0, &err) < 0);
	OK(plan == NULL);
	/* a symbolic link is refused */
	snprintf(spec, sizeof(spec), "%s/link.md", dir);
	{
		char target[128];

		snprintf(target, sizeof(target), "%s/ki-2026-0001.md", dir);
		OK(symlink(target, spec) == 0);
	}
	OK(kp_plan_open(&plan, &src, spec, 0, &err) < 0);
	OK(plan == NULL);
	kp_repo_free(repo);
	cleanup();
}

void test_repo__message_refuses_forgery(void)
{
	struct kp_buf b = KP_BUF_INIT;
	struct kp_error err = KP_ERROR_INIT;
	const char *body[] = { "ok\nSendt-til: Eve <e@x.dk>" };
	const char *good[] = { "Peter Holm <peter@example.dk>", "Jens Hansen" };
	const char *bad1[] = { "Eve <e@x.dk>\nSendt-til: X" };
	const char *bad2[] = { "Eve <e@x.dk> <f@y.dk>" };

	INT_EQ(kp_repo_message(&b, "Opret", body, 1, "ki-2026-0001", 1, NULL, 0,
			       &err), KP_EUSAGE);
	INT_EQ(kp_repo_message(&b, "Send", NULL, 0, "ki-2026-0001", 1, bad1, 1,
			       &err), KP_EUSAGE);
	INT_EQ(kp_repo_message(&b, "Send", NULL, 0, "ki-2026-0001", 1, bad2, 1,
			       &err), KP_EUSAGE);
	INT_EQ(kp_repo_message(&b, "Send", NULL, 0, "ki-2026-0001\n", 1, NULL, 0,
			       &err), KP_EUSAGE);
	INT_EQ(kp_repo_message(&b, "Send\r", NULL, 0, "ki-2026-0001", 1, NULL, 0,
			       &err), KP_EUSAGE);
	INT_EQ(b.len, 0);
	OK(kp_repo_message(&b, "Send indsatsplan ki-2026-0001, revision 2", NULL,
			   0, "ki-2026-0001", 2, good, 2, &err) == 0);
	STR_EQ(b.buf, "Send indsatsplan ki-2026-0001, revision 2\n\n"
		      "Plan-Id: ki-2026-0001\nRevision: 2\n"
		      "Sendt-til: Peter Holm <peter@example.dk>\n"
		      "Sendt-til: Jens Hansen\n");
	kp_buf_release(&b);
}

void test_repo__not_a_plan_repository(void)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_repo *repo = NULL;
	char d[64];

	snprintf(d, sizeof(d), "/tmp/kiplan-unit-none-XXXXXX");
	OK(mkdtemp(d) != NULL);
	INT_EQ(kp_repo_open(&repo, d, &err), KP_ENOTFOUND);
	OK(repo == NULL);
	rmdir(d);
}

/* kp_repo_locate() and kp_repo_open() on path: the same answer. */
static void locate_as_open(const char *path)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_repo *a = NULL, *b = NULL;
	int ea = kp_repo_open(&a, path, &err);
	int eb = kp_repo_locate(&b, path, &err);

	INT_EQ(eb, ea);
	if (a && b)
		STR_EQ(kp_repo_workdir(b), kp_repo_workdir(a));
	OK(!a == !b);
	kp_repo_free(a);
	kp_repo_free(b);
}

/*
 * kp_repo_locate() finds, without git, what kp_repo_open() finds: the
 * repository from a subdirectory, through an empty .git directory (not a
 * repository), not through a nested git repository without .kiplan,
 * nothing outside; and what it finds serves the working directory's
 * functions.
 */
void test_repo__locate_as_open(void)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_repo *repo = NULL, *found = NULL;
	struct kp_schema *schema = NULL;
	struct kp_buf p = KP_BUF_INIT, q = KP_BUF_INIT;
	char commits[4][41], *rel = NULL, none[64];
	const char *sub[] = { "/HEAD", "/objects", "/refs" };
	size_t i;

	repo = fixture(commits);
	if (!repo)
		return;
	kp_buf_addf(&p, "%s/a", dir);
	OK(mkdir(p.buf, 0700) == 0);
	kp_buf_addstr(&p, "/b");
	OK(mkdir(p.buf, 0700) == 0);
	INT_EQ(kp_repo_locate(&found, p.buf, &err), 0);
	if (found) {
		STR_EQ(kp_repo_workdir(found), kp_repo_workdir(repo));
		OK(kp_repo_gitdir(found) == NULL);
		INT_EQ(kp_repo_plan_path(&rel, found, "ki-2026-0001", 1, &err),
		       0);
		STR_EQ(rel, "ki-2026-0001.md");
		INT_EQ(kp_repo_schema(&schema, found, &err), 0);
		OK(schema != NULL);
		INT_EQ(kp_repo_lock(found, &err), KP_EUSAGE);
	}
	free(rel);
	kp_schema_free(schema);
	kp_repo_free(found);
	locate_as_open(p.buf);

	/* a/b/.git: empty, then a repository's skeleton, then a file. */
	kp_buf_addf(&q, "%s/.git", p.buf);
	OK(mkdir(q.buf, 0700) == 0);
	locate_as_open(p.buf);
	for (i = 0; i < 3; i++) {
		size_t len = q.len;

		kp_buf_addstr(&q, sub[i]);
		if (i == 0) {
			FILE *f = fopen(q.buf, "w");

			OK(f && fputs("ref: refs/heads/main\n", f) >= 0);
			if (f)
				fclose(f);
		} else {
			OK(mkdir(q.buf, 0700) == 0);
		}
		kp_buf_setlen(&q, len);
		locate_as_open(p.buf);
	}
	INT_EQ(kp_repo_locate(&found, p.buf, &err), KP_ENOTFOUND);
	locate_as_open(dir);
	kp_buf_reset(&q);
	kp_buf_addf(&q, "rm -rf '%s/.git'", p.buf);
	OK(system(q.buf) == 0);
	kp_buf_reset(&q);
	kp_buf_addf(&q, "%s/.git", p.buf);
	{
		FILE *f = fopen(q.buf, "w");

		OK(f && fputs("gitdir: /nonexistent\n", f) >= 0);
		if (f)
			fclose(f);
	}
	INT_EQ(kp_repo_locate(&found, p.buf, &err), KP_ENOTFOUND);
	kp_repo_free(repo);
	cleanup();

	snprintf(none, sizeof(none), "/tmp/kiplan-unit-none-XXXXXX");
	OK(mkdtemp(none) != NULL);
	locate_as_open(none);
	rmdir(none);
	kp_buf_release(&p);
	kp_buf_release(&q);
}
