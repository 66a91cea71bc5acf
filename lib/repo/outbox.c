/*
 * outbox.c: the outbox holds no sending that the history lacks.  A
 * document of outbox/ named as kiplan send names them (ID-rN.html,
 * ID-rN.pdf, ID-rN-foelgebrev.txt) whose sending (a commit with the
 * trailers Plan-Id: ID, Revision: N and a Sendt-til) the branch does not
 * have was left by a kiplan from before the journal (lib/repo/txn.c) that
 * was killed before its commit, or its commit was taken out of the
 * history since (git reset).  Such a document looks exactly like one
 * that was sent, so recovery moves it aside, into outbox/ikke-sendt/,
 * never deleting it, and says so once.
 *
 * The check is cheap when nothing changed: <gitdir>kiplan-outbox keeps
 * the branch's commit at the last check and the sendings found for the
 * documents then; while the branch descends from that commit, only the
 * documents added since are looked for, newest commit first.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <git2.h>

#include "repo/repo.h"
#include "repo/workdir.h"
#include "i18n.h"
#include "banned.h"

#define CHECKED "kiplan-outbox"
#define ASIDE "ikke-sendt"

struct keys {
	char **v;
	size_t len;
};

static int has_key(const struct keys *k, const char *key)
{
	size_t i;

	for (i = 0; i < k->len; i++)
		if (strcmp(k->v[i], key) == 0)
			return 1;
	return 0;
}

static void add_key(struct keys *k, const char *key)
{
	if (has_key(k, key))
		return;
	k->v = kp_xrealloc(k->v, (k->len + 1) * sizeof(*k->v));
	k->v[k->len++] = kp_xstrdup(key);
}

static void drop_key(struct keys *k, const char *key)
{
	size_t i;

	for (i = 0; i < k->len; i++)
		if (strcmp(k->v[i], key) == 0) {
			free(k->v[i]);
			k->v[i] = k->v[--k->len];
			return;
		}
}

static void keys_release(struct keys *k)
{
	size_t i;

	for (i = 0; i < k->len; i++)
		free(k->v[i]);
	free(k->v);
	k->v = NULL;
	k->len = 0;
}

/*
 * The sending a document's name stands for, "ID-rN", into key (20
 * bytes); 0 when the name is not one kiplan send gives.
 */
static int doc_key(char key[24], const char *name)
{
	static const char *const exts[] = { ".html", ".pdf", "-foelgebrev.txt",
					    NULL };
	char id[13];
	const char *p;
	size_t i, n = 0;

	if (strlen(name) < 15 || name[12] != '-' || name[13] != 'r')
		return 0;
	memcpy(id, name, 12);
	id[12] = '\0';
	if (!kp_repo_is_id(id))
		return 0;
	for (p = name + 14; *p >= '0' && *p <= '9'; p++)
		n++;
	if (n == 0 || n > 6 || name[14] == '0')
		return 0;
	for (i = 0; exts[i]; i++)
		if (strcmp(p, exts[i]) == 0)
			break;
	if (!exts[i])
		return 0;
	snprintf(key, 24, "%.12s-r%.*s", name, (int)n, name + 14);
	return 1;
}

/*
 * The sending a commit records, as "ID-rN": 1; 0 when it is none; -1
 * when its message cannot be read.
 */
static int commit_key(char key[24], git_commit *c)
{
	git_message_trailer_array tr = { NULL, 0, NULL };
	const char *id = NULL, *rev = NULL;
	int sent = 0;
	size_t i;

	if (git_message_trailers(&tr, git_commit_message(c)) < 0)
		return -1;
	for (i = 0; i < tr.count; i++) {
		if (strcmp(tr.trailers[i].key, "Plan-Id") == 0 && !id)
			id = tr.trailers[i].value;
		else if (strcmp(tr.trailers[i].key, "Revision") == 0 && !rev)
			rev = tr.trailers[i].value;
		else if (strcmp(tr.trailers[i].key, "Sendt-til") == 0)
			sent = 1;
	}
	if (sent && id && rev && strlen(id) == 12 && strlen(rev) <= 6)
		snprintf(key, 24, "%s-r%s", id, rev);
	else
		sent = 0;
	git_message_trailer_array_free(&tr);
	return sent;
}

/* What the last check found, when the branch still descends from it. */
static void read_checked(struct keys *found, git_repository *git,
			 const char *path, const git_oid *head)
{
	struct kp_buf b = KP_BUF_INIT;
	struct kp_error e = KP_ERROR_INIT;
	git_oid then;
	char *line, *save = NULL;

	if (kp_buf_read_file(&b, path, 4 * 1024 * 1024, &e) < 0)
		return;
	line = strtok_r(b.buf, "\n", &save);
	if (!line || git_oid_fromstr(&then, line) < 0 ||
	    (!git_oid_equal(&then, head) &&
	     git_graph_descendant_of(git, head, &then) != 1))
		goto done;
	while ((line = strtok_r(NULL, "\n", &save)))
		add_key(found, line);
done:
	kp_buf_release(&b);
}

/*
 * Look for the sendings of wanted in the history, newest first.  0, or
 * -1 when any of it cannot be read: then nothing is known to be missing.
 */
static int find_sendings(struct keys *found, struct keys *wanted,
			 git_repository *git)
{
	git_revwalk *walk = NULL;
	git_oid oid;
	int rc = -1;

	if (git_revwalk_new(&walk, git) < 0 || git_revwalk_push_head(walk) < 0)
		goto done;
	while (wanted->len && (rc = git_revwalk_next(&oid, walk)) == 0) {
		git_commit *c = NULL;
		char key[24];
		int k;

		if (git_commit_lookup(&c, git, &oid) < 0)
			break;
		if ((k = commit_key(key, c)) < 0) {
			git_commit_free(c);
			break;
		}
		if (k && has_key(wanted, key)) {
			drop_key(wanted, key);
			add_key(found, key);
		}
		git_commit_free(c);
	}
	/* Every sending found, or the whole history walked. */
	rc = !wanted->len || rc == GIT_ITEROVER ? 0 : -1;
done:
	git_revwalk_free(walk);
	return rc;
}

/* Move outbox/name into outbox/ikke-sendt/, under a name not taken. */
static int move_aside(const char *outbox, const char *name)
{
	struct kp_buf from = KP_BUF_INIT, to = KP_BUF_INIT;
	struct stat st;
	unsigned n;
	int rc;

	kp_buf_addf(&from, "%s/%s", outbox, name);
	kp_buf_addf(&to, "%s/%s", outbox, ASIDE);
	if (mkdir(to.buf, 0700) < 0 && errno != EEXIST) {
		rc = -1;
		goto done;
	}
	kp_buf_addf(&to, "/%s", name);
	/* Under the lock: nothing else moves files there meanwhile. */
	for (n = 1; lstat(to.buf, &st) == 0 && n < 1000; n++) {
		kp_buf_reset(&to);
		kp_buf_addf(&to, "%s/%s/%s.%u", outbox, ASIDE, name, n);
	}
	rc = rename(from.buf, to.buf) < 0 ? -1 : kp_sync_dir_of(to.buf);
	if (rc == 0)
		rc = kp_sync_dir_of(from.buf);
done:
	kp_buf_release(&from);
	kp_buf_release(&to);
	return rc;
}

size_t kp_outbox_check(struct kp_repo *repo)
{
	git_repository *git = kp_repo_git(repo);
	struct keys docs = { NULL, 0 }, found = { NULL, 0 },
		    wanted = { NULL, 0 };
	struct kp_buf dir = KP_BUF_INIT, path = KP_BUF_INIT, text = KP_BUF_INIT;
	struct kp_error e = KP_ERROR_INIT;
	char hex[GIT_OID_HEXSZ + 1], key[24];
	git_oid head;
	DIR *d;
	struct dirent *de;
	size_t i, moved = 0;

	kp_buf_addf(&dir, "%s/outbox", kp_repo_workdir(repo));
	if (!(d = opendir(dir.buf)))
		goto done;
	while ((de = readdir(d)))
		if (doc_key(key, de->d_name))
			add_key(&docs, de->d_name);
	closedir(d);
	if (!docs.len)
		goto done;
	kp_buf_addf(&path, "%s%s", kp_repo_gitdir(repo), CHECKED);
	/* Nothing is moved on what could not be read. */
	if (git_reference_name_to_id(&head, git, "HEAD") < 0)
		goto done;
	read_checked(&found, git, path.buf, &head);
	for (i = 0; i < docs.len; i++)
		if (doc_key(key, docs.v[i]) && !has_key(&found, key))
			add_key(&wanted, key);
	if (!wanted.len || find_sendings(&found, &wanted, git) < 0)
		goto done;
	for (i = 0; wanted.len && i < docs.len; i++) {
		struct stat st;

		kp_buf_reset(&text);
		kp_buf_addf(&text, "%s/%s", dir.buf, docs.v[i]);
		if (doc_key(key, docs.v[i]) && has_key(&wanted, key) &&
		    lstat(text.buf, &st) == 0 && S_ISREG(st.st_mode) &&
		    move_aside(dir.buf, docs.v[i]) == 0)
			moved++;
	}
	if (moved)
		kp_repo_notify(
			repo,
			Q_("moved %zu document of a sending that the history "
			   "does not have from outbox/ to outbox/%s/",
			   "moved %zu documents of sendings that the history "
			   "does not have from outbox/ to outbox/%s/",
			   moved),
			moved, ASIDE);
	/* Not worth failing for: at worst the next lock looks again. */
	kp_buf_reset(&text);
	kp_buf_addf(&text, "%s\n", git_oid_tostr(hex, sizeof(hex), &head));
	for (i = 0; i < found.len; i++)
		kp_buf_addf(&text, "%s\n", found.v[i]);
	kp_write_file_atomic(path.buf, text.buf, text.len, 0600, &e);
done:
	keys_release(&docs);
	keys_release(&found);
	keys_release(&wanted);
	kp_buf_release(&dir);
	kp_buf_release(&path);
	kp_buf_release(&text);
	return moved;
}
