/*
 * repo.c: plan repositories through libgit2.  Discovery, init, settings,
 * ids, committing exactly one file, the history of one plan, and
 * revisions (PLAN@REV).  What needs only the working directory (plan
 * paths, reading, the schema, the lock) is in workdir.c.
 */
/* realpath() is XSI. */
#define _XOPEN_SOURCE 700
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <git2.h>

#include "repo/workdir.h"
#include "i18n.h"
#include "banned.h"

/*
 * A libgit2 failure: fmt is a whole sentence (through _()) with one %s,
 * where libgit2's own message goes.
 */
static int git_fail(struct kp_error *err, const char *fmt)
{
	const git_error *e = git_error_last();

	return kp_error_set(err, KP_EGIT, NULL, 0, 0, fmt,
			    e && e->message ? e->message : _("unknown error"));
}

void kp_test_crash(const char *point)
{
	const char *env = getenv("KIPLAN_TEST_CRASH");

	if (env && strcmp(env, point) == 0)
		raise(SIGKILL);
}

static void lib_init(void)
{
	const char *nosys = getenv("GIT_CONFIG_NOSYSTEM");

	git_libgit2_init();
	/* Objects and files under .git reach the disk before a ref names them.
	 */
	git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
	/* As git: GIT_CONFIG_NOSYSTEM keeps /etc/gitconfig out. */
	if (nosys && *nosys && strcmp(nosys, "0") != 0 &&
	    strcmp(nosys, "false") != 0)
		git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH,
				 GIT_CONFIG_LEVEL_SYSTEM, "");
	umask(077);
}

/* Wrap an open git repository; takes git over. */
static int wrap(struct kp_repo **out, git_repository *git, struct kp_error *err)
{
	struct kp_repo *repo;
	const char *wd = git_repository_workdir(git);
	char real[PATH_MAX];
	size_t n;

	*out = NULL;
	if (!wd || git_repository_is_bare(git)) {
		git_repository_free(git);
		return kp_error_set(err, KP_ENOTFOUND, git_repository_path(git),
				    0, 0,
				    _("a bare repository cannot hold plans"));
	}
	if (!realpath(wd, real)) {
		int e = errno;

		git_repository_free(git);
		return kp_error_set(err, KP_EIO, wd, 0, 0, "%s", strerror(e));
	}
	n = strlen(real);
	while (n > 1 && real[n - 1] == '/')
		real[--n] = '\0';
	repo = kp_xcalloc(1, sizeof(*repo));
	repo->git = git;
	repo->workdir = kp_xstrdup(real);
	repo->gitdir = kp_repo_join(git_repository_path(git), "");
	repo->commondir = kp_repo_join(git_repository_commondir(git), "");
	repo->lock_fd = -1;
	*out = repo;
	return 0;
}

int kp_repo_open(struct kp_repo **out, const char *path, struct kp_error *err)
{
	git_repository *git = NULL;
	struct kp_repo *repo = NULL;
	const char *env = getenv("KIPLAN_DIR");
	char *kdir = NULL;
	int rc, error;

	*out = NULL;
	lib_init();
	if (!path)
		path = env && *env ? env : ".";
	rc = git_repository_open_ext(&git, path, 0, NULL);
	if (rc == GIT_ENOTFOUND) {
		error = kp_error_set(
			err, KP_ENOTFOUND, NULL, 0, 0,
			_("no plan repository in '%s' or any parent directory"),
			path);
		goto done;
	}
	if (rc < 0) {
		error = git_fail(err, _("cannot open the repository: %s"));
		goto done;
	}
	if ((error = wrap(&repo, git, err)) < 0)
		goto done;
	kdir = kp_repo_join(repo->workdir, ".kiplan");
	if (!kp_repo_is_dir(kdir)) {
		error = kp_error_set(err, KP_ENOTFOUND, repo->workdir, 0, 0,
				     _("a git repository, but not a plan "
				       "repository (no .kiplan)"));
		goto done;
	}
	*out = repo;
	repo = NULL;
done:
	free(kdir);
	/* Once wrapped, kp_repo_free() undoes lib_init()'s reference. */
	if (repo)
		kp_repo_free(repo);
	else if (error)
		git_libgit2_shutdown();
	return error;
}

void kp_repo_git_free(struct kp_repo *repo)
{
	git_repository_free(repo->git);
	repo->git = NULL;
	git_libgit2_shutdown();
}

struct git_repository *kp_repo_git(const struct kp_repo *repo)
{
	return repo->git;
}

int kp_repo_end(struct kp_repo *repo, struct kp_error *err)
{
	if (!repo->txn_done)
		return 0;
	repo->txn_done = 0;
	return kp_txn_end(repo, err);
}

/* ------------------------------------------------------------------ */
/* Settings and schema                                                 */
/* ------------------------------------------------------------------ */

int kp_repo_setting(char **out, struct kp_repo *repo, const char *key,
		    struct kp_error *err)
{
	git_config *cfg = NULL;
	git_buf val = { NULL, 0, 0 };
	char *path = kp_repo_join(repo->workdir, ".kiplan/config");
	struct stat st;
	int rc, error = 0;

	*out = NULL;
	if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
		error = kp_error_set(err, KP_ENOTFOUND, path, 0, 0,
				     _("no settings file"));
		goto done;
	}
	if (git_config_open_ondisk(&cfg, path) < 0) {
		error = git_fail(err, _("cannot read .kiplan/config: %s"));
		goto done;
	}
	rc = git_config_get_string_buf(&val, cfg, key);
	if (rc == GIT_ENOTFOUND) {
		error = kp_error_set(err, KP_ENOTFOUND, path, 0, 0,
				     _("'%s' is not set"), key);
		goto done;
	}
	if (rc < 0) {
		error = git_fail(err, _("cannot read .kiplan/config: %s"));
		goto done;
	}
	*out = kp_xstrdup(val.ptr ? val.ptr : "");
done:
	git_buf_dispose(&val);
	git_config_free(cfg);
	free(path);
	return error;
}

/* ------------------------------------------------------------------ */
/* Ids                                                                 */
/* ------------------------------------------------------------------ */

/* The number of "ki-YYYY-NNNN.md" when name is one of year, else -1. */
static int id_number(const char *name, int year)
{
	char id[13];

	if (strlen(name) != 15 || strcmp(name + 12, ".md") != 0)
		return -1;
	memcpy(id, name, 12);
	id[12] = '\0';
	if (!kp_repo_is_id(id) || atoi(id + 3) != year)
		return -1;
	return atoi(id + 8);
}

static void used_in_dir(unsigned char *used, const char *path, int year)
{
	DIR *d = opendir(path);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		int n = id_number(de->d_name, year);

		if (n > 0)
			used[n] = 1;
	}
	closedir(d);
}

static void used_in_tree(unsigned char *used, git_repository *git,
			 const char *spec, int year)
{
	git_object *obj = NULL;
	git_tree *tree;
	size_t i;

	if (git_revparse_single(&obj, git, spec) < 0)
		return;
	tree = (git_tree *)obj;
	for (i = 0; i < git_tree_entrycount(tree); i++) {
		int n = id_number(
			git_tree_entry_name(git_tree_entry_byindex(tree, i)),
			year);

		if (n > 0)
			used[n] = 1;
	}
	git_object_free(obj);
}

/*
 * Every id of year that a commit of the history names in its Plan-Id
 * trailer: a deleted plan's id stays taken.
 */
static int used_in_history(unsigned char *used, git_repository *git, int year,
			   struct kp_error *err)
{
	git_revwalk *walk = NULL;
	git_oid oid;
	int rc, error = 0;
	char prefix[9];

	snprintf(prefix, sizeof(prefix), "ki-%04u-", (unsigned)year % 10000u);
	if (git_revwalk_new(&walk, git) < 0) {
		error = git_fail(err, _("cannot walk the history: %s"));
		goto done;
	}
	rc = git_revwalk_push_head(walk);
	if (rc == GIT_ENOTFOUND || rc == GIT_EUNBORNBRANCH)
		goto done;
	if (rc < 0) {
		error = git_fail(err, _("cannot walk the history: %s"));
		goto done;
	}
	while ((rc = git_revwalk_next(&oid, walk)) == 0) {
		git_commit *c = NULL;
		const char *m, *p;

		if (git_commit_lookup(&c, git, &oid) < 0)
			continue;
		m = git_commit_message(c);
		for (p = m; p && (p = strstr(p, "Plan-Id: ")); p += 9)
			if ((p == m || p[-1] == '\n') &&
			    strncmp(p + 9, prefix, 8) == 0) {
				char id[13];

				memcpy(id, p + 9, 12);
				id[12] = '\0';
				if (kp_repo_is_id(id) && atoi(id + 8) > 0)
					used[atoi(id + 8)] = 1;
			}
		git_commit_free(c);
	}
done:
	git_revwalk_free(walk);
	return error;
}

int kp_repo_next_id(char out[13], struct kp_repo *repo, int year,
		    struct kp_error *err)
{
	unsigned char *used = NULL;
	char *edit = kp_repo_join(repo->gitdir, "kiplan-edit");
	int max = 0, n, error = 0;

	if (year < 1000 || year > 9999) {
		error = kp_error_set(
			err, KP_EUSAGE, NULL, 0, 0,
			_("the year %d is not between 1000 and 9999"), year);
		goto done;
	}
	used = kp_xcalloc(KP_ID_MAX + 1, 1);
	used_in_dir(used, repo->workdir, year);
	used_in_dir(used, edit, year);
	used_in_tree(used, repo->git, "HEAD^{tree}", year);
	if ((error = used_in_history(used, repo->git, year, err)) < 0)
		goto done;
	error = kp_repo_block_id(&n, repo, year, used, err);
	if (error == KP_ENOTFOUND) {
		/* Not shared: one more than the highest ever taken. */
		error = 0;
		for (n = KP_ID_MAX; n > 0 && !used[n]; n--)
			;
		max = n;
		if (max >= KP_ID_MAX) {
			error = kp_error_set(err, KP_ELIMIT, NULL, 0, 0,
					     _("no plan id left in %d"), year);
			goto done;
		}
		n = max + 1;
	}
	if (error < 0)
		goto done;
	/* Both are in 1..9999 here; the modulus tells the compiler so. */
	snprintf(out, 13, "ki-%04u-%04u", (unsigned)year % 10000u,
		 (unsigned)n % 10000u);
done:
	free(used);
	free(edit);
	return error;
}

/* ------------------------------------------------------------------ */
/* Commits                                                             */
/* ------------------------------------------------------------------ */

static int bad_text(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

int kp_repo_message(struct kp_buf *out, const char *summary,
		    const char *const *body, size_t nbody, const char *id,
		    unsigned revision, const char *const *recipients,
		    size_t nrecipients, struct kp_error *err)
{
	size_t i;

	if (!*summary || bad_text(summary))
		return kp_error_set(
			err, KP_EUSAGE, NULL, 0, 0,
			_("the commit summary holds a control character"));
	if (bad_text(id) || !kp_repo_is_id(id))
		return kp_error_set(err, KP_EUSAGE, NULL, 0, 0,
				    _("'%s' is not a plan id (ki-YYYY-NNNN)"),
				    id);
	for (i = 0; i < nbody; i++)
		if (bad_text(body[i]))
			return kp_error_set(
				err, KP_EUSAGE, NULL, 0, 0,
				_("the message holds a newline or control "
				  "character; give one line per -m"));
	for (i = 0; i < nrecipients; i++) {
		const char *r = recipients[i], *lt = strchr(r, '<');

		if (!*r || bad_text(r) ||
		    (lt && (strchr(lt + 1, '<') || !strchr(lt, '>') ||
			    strchr(lt, '>')[1] != '\0')) ||
		    (!lt && strchr(r, '>')))
			return kp_error_set(err, KP_EUSAGE, NULL, 0, 0,
					    _("recipient %zu is not 'Name "
					      "<email>' on one line"),
					    i + 1);
	}
	kp_buf_addstr(out, summary);
	kp_buf_addch(out, '\n');
	for (i = 0; i < nbody; i++)
		if (*body[i])
			kp_buf_addf(out, "\n%s\n", body[i]);
	kp_buf_addf(out, "\nPlan-Id: %s\nRevision: %u\n", id, revision);
	for (i = 0; i < nrecipients; i++)
		kp_buf_addf(out, "Sendt-til: %s\n", recipients[i]);
	return 0;
}

static int digits_at(const char *s, int n, int *out)
{
	int i, v = 0;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* "+HHMM" or "+HH:MM" (or "Z") into minutes; the rest must be empty. */
static int parse_tz(const char *s, int *off)
{
	int h, m, sign;

	while (*s == ' ')
		s++;
	if (strcmp(s, "Z") == 0 || !*s) {
		*off = 0;
		return 0;
	}
	if (*s != '+' && *s != '-')
		return -1;
	sign = *s++ == '-' ? -1 : 1;
	if (digits_at(s, 2, &h) < 0)
		return -1;
	s += 2;
	if (*s == ':')
		s++;
	if (digits_at(s, 2, &m) < 0 || s[2] != '\0' || h > 14 || m > 59)
		return -1;
	*off = sign * (h * 60 + m);
	return 0;
}

/*
 * The date formats of git's GIT_AUTHOR_DATE that tests use: "@SECONDS
 * +HHMM", "SECONDS +HHMM" and ISO 8601 "YYYY-MM-DD[T ]HH:MM:SS[+HH:MM]".
 */
static int parse_git_date(long long *t, int *off, const char *s)
{
	struct kp_date d;
	int hh, mi, ss;
	char *end;

	if (*s == '@')
		s++;
	if (isdigit((unsigned char)s[0]) && s[4] != '-') {
		errno = 0;
		*t = strtoll(s, &end, 10);
		if (errno || end == s)
			return -1;
		return parse_tz(end, off);
	}
	if (strlen(s) < 19 || kp_date_parse(&d, s, 10) < 0 ||
	    (s[10] != 'T' && s[10] != ' ') || digits_at(s + 11, 2, &hh) < 0 ||
	    s[13] != ':' || digits_at(s + 14, 2, &mi) < 0 || s[16] != ':' ||
	    digits_at(s + 17, 2, &ss) < 0 || hh > 23 || mi > 59 || ss > 60 ||
	    parse_tz(s + 19, off) < 0)
		return -1;
	*t = (long long)kp_date_days(d) * 86400 + hh * 3600 + mi * 60 + ss -
	     (long long)*off * 60;
	return 0;
}

int kp_repo_signature(git_signature **out, struct kp_repo *repo,
		      const char *datevar, struct kp_error *err)
{
	git_repository *git = repo->git;
	git_signature *def = NULL;
	const char *env = getenv("KIPLAN_AUTHOR"), *date = getenv(datevar);
	char *name = NULL, *email = NULL;
	long long t;
	int off, error = 0;

	*out = NULL;
	if (env && *env) {
		const char *lt = strchr(env, '<'), *gt = strrchr(env, '>');
		size_t n;

		if (bad_text(env) || !lt || !gt || gt < lt || gt[1] != '\0' ||
		    strchr(lt + 1, '<') || lt == env) {
			error = kp_error_set(
				err, KP_EUSAGE, NULL, 0, 0,
				_("KIPLAN_AUTHOR is not 'Name <email>'"));
			goto done;
		}
		n = (size_t)(lt - env);
		while (n && env[n - 1] == ' ')
			n--;
		name = kp_xstrndup(env, n);
		email = kp_xstrndup(lt + 1, (size_t)(gt - lt - 1));
	} else {
		if (git_signature_default(&def, git) < 0) {
			error = kp_error_set(err, KP_EGIT, NULL, 0, 0,
					     _("no author: set user.name and "
					       "user.email with git config, or "
					       "KIPLAN_AUTHOR='Name <email>'"));
			goto done;
		}
		if (bad_text(def->name) || bad_text(def->email)) {
			error = kp_error_set(err, KP_EUSAGE, NULL, 0, 0,
					     _("user.name or user.email holds "
					       "a control character"));
			goto done;
		}
		name = kp_xstrdup(def->name);
		email = kp_xstrdup(def->email);
	}
	if (date && *date) {
		if (parse_git_date(&t, &off, date) < 0) {
			error = kp_error_set(
				err, KP_EUSAGE, NULL, 0, 0,
				/* TRANSLATORS: a variable, value */
				_("%s is not a date: '%.40s'"), datevar, date);
			goto done;
		}
		if (git_signature_new(out, name, email, (git_time_t)t, off) < 0)
			error = git_fail(err, _("invalid author: %s"));
	} else if (git_signature_now(out, name, email) < 0) {
		error = git_fail(err, _("invalid author: %s"));
	}
done:
	git_signature_free(def);
	free(name);
	free(email);
	return error;
}

int kp_repo_commit(char out[41], struct kp_repo *repo, const char *rel,
		   const char *data, size_t len, const char *message,
		   struct kp_error *err)
{
	struct kp_txn *t = NULL;
	struct kp_buf head = KP_BUF_INIT;
	int error;

	out[0] = '\0';
	if ((error = kp_txn_begin(&t, repo, "commit", NULL, err)) < 0)
		return error;
	if (!data) {
		/* HEAD's own text of rel: the tree stays as it is. */
		git_object *obj = NULL;
		struct kp_buf spec = KP_BUF_INIT;

		kp_buf_addf(&spec, "HEAD:%s", rel);
		if (git_revparse_single(&obj, repo->git, spec.buf) == 0 &&
		    git_object_type(obj) == GIT_OBJECT_BLOB)
			kp_buf_add(&head, git_blob_rawcontent((git_blob *)obj),
				   (size_t)git_blob_rawsize((git_blob *)obj));
		else
			error = kp_error_set(err, KP_ENOTFOUND, rel, 0, 0,
					     _("not in HEAD"));
		git_object_free(obj);
		kp_buf_release(&spec);
		if (error)
			goto done;
		data = head.buf;
		len = head.len;
		error = kp_txn_put(t, rel, data, len, KP_TXN_KEEP, err);
	} else {
		error = kp_txn_put(t, rel, data, len, KP_TXN_KEEP, err);
	}
	if (error < 0 || (error = kp_txn_prepare(t, message, err)) < 0)
		goto done;
	error = kp_txn_commit(t, err);
	if (kp_txn_committed(t))
		kp_txn_commit_id(t, out);
done:
	kp_txn_free(t);
	kp_buf_release(&head);
	return error;
}

/* ------------------------------------------------------------------ */
/* Init                                                                */
/* ------------------------------------------------------------------ */

static const char gitignore_text[] =
	"# kiplan: rendered documents of sent revisions, never committed\n"
	"/outbox/\n";

static const char gitattributes_text[] =
	"# kiplan: planer flettes felt for felt (kiplan merge-file)\n"
	"*.md merge=kiplan\n";

/* The settings; %s is the repository's identity, a UUID. */
static const char config_text[] =
	"# Indstillinger for dette arkiv af koordinerende indsatsplaner\n"
	"# (git-config-syntaks).\n"
	"[kiplan]\n"
	"\tformat = 1\n"
	"\t# Arkivets identitet: FHIR-id'er og kalender-UID'er dannes af den\n"
	"\t# og planens id, s\xc3\xa5 to arkivers eksporter aldrig "
	"blandes.\n"
	"\tid = %s\n"
	"[due]\n"
	"\t# Antal dage fra oprettelsen af en kladde, til "
	"koordinationsm\xc3\xb8"
	"det\n"
	"\t# skal v\xc3\xa6re holdt (fristen aftales i sundhedsaftalen).\n"
	"\tkladde-dage = 30\n"
	"\t# Antal dage efter, at borgeren har sagt nej til samtykke, til\n"
	"\t# planen skal tilbydes igen (retningslinjernes afsnit 5).\n"
	"\ttilbud-dage = 90\n";

/* 1 when HEAD's tree has .kiplan/schema.yaml. */
static int has_schema_commit(git_repository *git)
{
	git_object *obj = NULL;
	int rc = git_revparse_single(&obj, git, "HEAD:.kiplan/schema.yaml");

	git_object_free(obj);
	return rc == 0;
}

/* 1 when dir holds nothing but names in allowed (NULL-terminated). */
static int only_holds(const char *dir, const char *const *allowed)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int ok = 1;
	size_t i;

	if (!d)
		return 0;
	while (ok && (de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		ok = 0;
		for (i = 0; allowed && allowed[i]; i++)
			if (strcmp(de->d_name, allowed[i]) == 0)
				ok = 1;
	}
	closedir(d);
	return ok;
}

/* Open the repository at dir, take the lock (which repairs), and tell
 * whether it holds a plan repository's first commit already. */
static int open_locked(struct kp_repo **out, int *has_schema, const char *dir,
		       void (*notify)(const char *, void *), void *payload,
		       struct kp_error *err)
{
	git_repository *git = NULL;
	int error;

	*out = NULL;
	if (git_repository_open_ext(&git, dir, GIT_REPOSITORY_OPEN_NO_SEARCH,
				    NULL) < 0)
		return git_fail(err, _("cannot open the repository: %s"));
	if ((error = wrap(out, git, err)) < 0)
		return error;
	kp_repo_set_notify(*out, notify, payload);
	if ((error = kp_repo_lock(*out, err)) < 0) {
		kp_repo_free(*out);
		*out = NULL;
		git_libgit2_init(); /* kp_repo_free() shut it down */
		return error;
	}
	*has_schema = has_schema_commit((*out)->git);
	return 0;
}

int kp_repo_init(struct kp_repo **out, int *created, const char *dir,
		 const char *schema_text, size_t schema_len,
		 void (*notify)(const char *msg, void *payload), void *payload,
		 struct kp_error *err)
{
	static const char *const ours[] = { ".git", ".kiplan", ".gitignore",
					    ".gitattributes", NULL };
	git_repository *git = NULL;
	struct kp_repo *repo = NULL;
	struct kp_txn *t = NULL;
	git_repository_init_options opts;
	const char *paths[4], *datas[4];
	size_t lens[4];
	struct kp_buf config = KP_BUF_INIT;
	char *dotgit = NULL, uuid[37];
	struct stat st;
	int error = 0, has_schema = 0, i;

	*out = NULL;
	*created = 0;
	lib_init();
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		error = kp_error_set(err, KP_EIO, dir, 0, 0,
				     _("cannot create: %s"), strerror(errno));
		goto done;
	}
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		error = kp_error_set(err, KP_EIO, dir, 0, 0,
				     _("not a directory"));
		goto done;
	}
	dotgit = kp_repo_join(dir, ".git");
	if (lstat(dotgit, &st) == 0) {
		if ((error = open_locked(&repo, &has_schema, dir, notify,
					 payload, err)) < 0)
			goto done;
		if (has_schema) {
			kp_repo_unlock(repo);
			*out = repo;
			repo = NULL;
			goto done;
		}
		/* A kiplan init killed before its first commit may resume. */
		if (!git_repository_head_unborn(repo->git) ||
		    !only_holds(dir, ours)) {
			error = kp_error_set(err, KP_EEXISTS, dir, 0, 0,
					     _("a git repository, but not a "
					       "plan repository"));
			goto done;
		}
	} else {
		if (!only_holds(dir, NULL)) {
			error = kp_error_set(
				err, KP_EEXISTS, dir, 0, 0,
				_("not empty, and not a plan repository"));
			goto done;
		}
		git_repository_init_options_init(
			&opts, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
		opts.flags = GIT_REPOSITORY_INIT_NO_REINIT |
			     GIT_REPOSITORY_INIT_MKPATH;
		opts.mode = GIT_REPOSITORY_INIT_SHARED_UMASK;
		if (git_repository_init_ext(&git, dir, &opts) < 0) {
			error = git_fail(err,
					 _("cannot create the repository: %s"));
			goto done;
		}
		git_repository_free(git);
		git = NULL;
		if ((error = open_locked(&repo, &has_schema, dir, notify,
					 payload, err)) < 0)
			goto done;
	}
	if (chmod(dir, 0700) < 0) {
		error = kp_error_set(err, KP_EIO, dir, 0, 0,
				     _("cannot chmod: %s"), strerror(errno));
		goto done;
	}
	if (!schema_text)
		schema_text = kp_schema_builtin_text(&schema_len);
	paths[0] = ".gitignore";
	datas[0] = gitignore_text;
	lens[0] = sizeof(gitignore_text) - 1;
	if ((error = kp_uuid_random(uuid, err)) < 0)
		goto done;
	kp_buf_addf(&config, config_text, uuid);
	paths[1] = ".kiplan/config";
	datas[1] = config.buf;
	lens[1] = config.len;
	paths[2] = ".kiplan/schema.yaml";
	datas[2] = schema_text;
	lens[2] = schema_len;
	paths[3] = ".gitattributes";
	datas[3] = gitattributes_text;
	lens[3] = sizeof(gitattributes_text) - 1;
	if ((error = kp_repo_configure_merge(repo, err)) < 0 ||
	    (error = kp_txn_begin(&t, repo, "init", NULL, err)) < 0)
		goto done;
	for (i = 0; i < 4; i++)
		if ((error = kp_txn_put(t, paths[i], datas[i], lens[i], 0,
					err)) < 0)
			goto done;
	if ((error = kp_txn_prepare(
		     t,
		     "Opret arkiv for koordinerende indsatsplaner\n\n"
		     "Skemaet for planerne ligger i .kiplan/schema.yaml,\n"
		     "indstillingerne og arkivets identitet i "
		     ".kiplan/config.\n",
		     err)) < 0 ||
	    (error = kp_txn_commit(t, err)) < 0)
		goto done;
	kp_repo_unlock(repo);
	*created = 1;
	*out = repo;
	repo = NULL;
done:
	if (error == KP_EAFTER && repo) {
		/* The repository exists; the next lock finishes it. */
		*created = 1;
		kp_txn_free(t);
		t = NULL;
		kp_repo_unlock(repo);
		*out = repo;
		repo = NULL;
	}
	kp_txn_free(t);
	git_repository_free(git);
	kp_buf_release(&config);
	/* One shutdown for lib_init(): kp_repo_free()'s, or this one. */
	if (repo)
		kp_repo_free(repo);
	else if (error && !*out)
		git_libgit2_shutdown();
	free(dotgit);
	return error;
}

/* ------------------------------------------------------------------ */
/* History and revisions                                               */
/* ------------------------------------------------------------------ */

static void revision_release(struct kp_revision *r)
{
	size_t i;

	free(r->author);
	free(r->message);
	for (i = 0; i < r->nrecipients; i++)
		free(r->recipients[i]);
	free(r->recipients);
	for (i = 0; i < r->nmeetings; i++)
		free(r->meetings[i]);
	free(r->meetings);
}

/* "YYYY-MM-DD TYPE" of each meeting that plan records, into out. */
static void meeting_names(struct kp_buf *out, const struct kp_plan *plan)
{
	struct kp_meeting m[64];
	size_t n, i;

	n = kp_plan_meetings(m, 64, plan->root);
	for (i = 0; i < n && i < 64; i++) {
		char ds[11];

		kp_date_format(ds, m[i].date);
		kp_buf_addf(out, "%s %s\n", ds,
			    m[i].index < 0 ? "koordination"
			    : m[i].closing ? "afslutning"
					   : "opfoelgning");
	}
}

/* 1 when the lines of list hold the line s (n bytes). */
static int has_line(const char *list, const char *s, size_t n)
{
	const char *nl;

	for (; *list; list = nl + 1) {
		nl = strchr(list, '\n');
		if (!nl)
			return 0;
		if ((size_t)(nl - list) == n && memcmp(list, s, n) == 0)
			return 1;
	}
	return 0;
}

int kp_history_meetings(struct kp_history *h, struct kp_repo *repo,
			const char *rel, struct kp_error *err)
{
	struct kp_buf text = KP_BUF_INIT, prev = KP_BUF_INIT, cur = KP_BUF_INIT;
	size_t i;
	int error = 0;

	for (i = 0; i < h->len; i++) {
		struct kp_revision *r = &h->v[i];
		struct kp_plan *plan = NULL;
		const char *p, *nl;

		if (r->sending)
			continue;
		kp_buf_reset(&text);
		kp_buf_reset(&cur);
		if ((error = kp_repo_blob(&text, repo, r->commit, rel, err)) <
		    0)
			break;
		if (kp_plan_parse(&plan, rel, text.buf, text.len, 0, NULL) < 0)
			continue;
		meeting_names(&cur, plan);
		kp_plan_free(plan);
		/* The lines of cur that prev has not. */
		for (p = cur.buf; *p; p = nl + 1) {
			nl = strchr(p, '\n');
			if (has_line(prev.buf, p, (size_t)(nl - p)))
				continue;
			r->meetings = kp_xrealloc(r->meetings,
						  (r->nmeetings + 1) *
							  sizeof(char *));
			r->meetings[r->nmeetings++] =
				kp_xstrndup(p, (size_t)(nl - p));
		}
		kp_buf_reset(&prev);
		kp_buf_add(&prev, cur.buf, cur.len);
	}
	kp_buf_release(&text);
	kp_buf_release(&prev);
	kp_buf_release(&cur);
	return error;
}

void kp_history_release(struct kp_history *h)
{
	size_t i;

	for (i = 0; i < h->len; i++)
		revision_release(&h->v[i]);
	free(h->v);
	h->v = NULL;
	h->len = h->alloc = 0;
	h->revisions = 0;
}

/* The plan id of rel: its base name without ".md". */
static char *plan_id_of(const char *rel)
{
	const char *base = strrchr(rel, '/');
	size_t n;

	base = base ? base + 1 : rel;
	n = strlen(base);
	if (n > 3 && strcmp(base + n - 3, ".md") == 0)
		n -= 3;
	return kp_xstrndup(base, n);
}

static int fill_entry(struct kp_revision *r, git_commit *c, const git_oid *blob,
		      const char *id, int *is_sending)
{
	const git_signature *a = git_commit_author(c);
	git_message_trailer_array tr = { NULL, 0, NULL };
	struct kp_buf b = KP_BUF_INIT;
	int planid = 0;
	size_t i;

	memset(r, 0, sizeof(*r));
	git_oid_tostr(r->commit, sizeof(r->commit), git_commit_id(c));
	git_oid_tostr(r->blob, sizeof(r->blob), blob);
	r->time = (long long)git_commit_time(c);
	r->offset = git_commit_time_offset(c);
	kp_buf_addf(&b, "%s <%s>", a->name, a->email);
	r->author = kp_buf_detach(&b, NULL);
	r->message = kp_xstrdup(git_commit_message(c));
	if (git_message_trailers(&tr, r->message) == 0) {
		for (i = 0; i < tr.count; i++) {
			if (strcmp(tr.trailers[i].key, "Plan-Id") == 0 &&
			    strcmp(tr.trailers[i].value, id) == 0)
				planid = 1;
			if (strcmp(tr.trailers[i].key, "Sendt-til") == 0) {
				r->recipients = kp_xrealloc(
					r->recipients,
					(r->nrecipients + 1) * sizeof(char *));
				r->recipients[r->nrecipients++] =
					kp_xstrdup(tr.trailers[i].value);
			}
		}
		git_message_trailer_array_free(&tr);
	}
	*is_sending = planid && r->nrecipients > 0;
	r->sent = *is_sending;
	return 0;
}

const struct kp_revision *kp_history_last_sent(const struct kp_history *h,
					       unsigned number)
{
	size_t i;

	for (i = h->len; i-- > 0;)
		if (h->v[i].number == number && h->v[i].sent)
			return &h->v[i];
	return NULL;
}

static void push_oid(git_oid **v, unsigned char **m, size_t *n, size_t *alloc,
		     const git_oid *id, unsigned char main)
{
	if (*n == *alloc) {
		*alloc = *alloc ? 2 * *alloc : 64;
		*v = kp_xrealloc(*v, *alloc * sizeof(**v));
		*m = kp_xrealloc(*m, *alloc);
	}
	(*v)[*n] = *id;
	(*m)[(*n)++] = main;
}

int kp_repo_linear(git_oid **out, unsigned char **mainline, size_t *n,
		   git_repository *git, struct kp_error *err)
{
	git_revwalk *walk = NULL, *side = NULL;
	git_oid *first = NULL, oid;
	size_t nfirst = 0, falloc = 0, alloc = 0, i;
	unsigned char *dummy = NULL;
	int rc, error = 0;

	*out = NULL;
	*mainline = NULL;
	*n = 0;
	if (git_revwalk_new(&walk, git) < 0)
		goto fail;
	git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL);
	git_revwalk_simplify_first_parent(walk);
	rc = git_revwalk_push_head(walk);
	if (rc == GIT_ENOTFOUND || rc == GIT_EUNBORNBRANCH)
		goto done;
	if (rc < 0)
		goto fail;
	while ((rc = git_revwalk_next(&oid, walk)) == 0)
		push_oid(&first, &dummy, &nfirst, &falloc, &oid, 1);
	if (rc != GIT_ITEROVER)
		goto fail;
	for (i = nfirst; i-- > 0;) {
		git_commit *c = NULL;
		unsigned k, np;

		if (git_commit_lookup(&c, git, &first[i]) < 0)
			goto fail;
		np = git_commit_parentcount(c);
		if (np > 1) {
			if (git_revwalk_new(&side, git) < 0) {
				git_commit_free(c);
				goto fail;
			}
			git_revwalk_sorting(side, GIT_SORT_TOPOLOGICAL |
							  GIT_SORT_TIME |
							  GIT_SORT_REVERSE);
			for (k = 1; k < np; k++)
				git_revwalk_push(side,
						 git_commit_parent_id(c, k));
			git_revwalk_hide(side, git_commit_parent_id(c, 0));
			while (git_revwalk_next(&oid, side) == 0)
				push_oid(out, mainline, n, &alloc, &oid, 0);
			git_revwalk_free(side);
			side = NULL;
		}
		git_commit_free(c);
		push_oid(out, mainline, n, &alloc, &first[i], 1);
	}
	goto done;
fail:
	error = git_fail(err, _("cannot walk the history: %s"));
	free(*out);
	free(*mainline);
	*out = NULL;
	*mainline = NULL;
	*n = 0;
done:
	git_revwalk_free(walk);
	free(first);
	free(dummy);
	return error;
}

/* The blob of rel in the first parent of c; 0 when it has one. */
static int parent_blob(git_oid *out, git_commit *c, const char *rel)
{
	git_commit *p = NULL;
	git_tree *t = NULL;
	git_tree_entry *e = NULL;
	int rc = -1;

	if (git_commit_parentcount(c) > 0 && git_commit_parent(&p, c, 0) == 0 &&
	    git_commit_tree(&t, p) == 0 &&
	    git_tree_entry_bypath(&e, t, rel) == 0 &&
	    git_tree_entry_type(e) == GIT_OBJECT_BLOB) {
		*out = *git_tree_entry_id(e);
		rc = 0;
	}
	git_tree_entry_free(e);
	git_tree_free(t);
	git_commit_free(p);
	return rc;
}

static struct kp_revision *history_slot(struct kp_history *out)
{
	if (out->len == out->alloc) {
		out->alloc = out->alloc ? 2 * out->alloc : 16;
		out->v = kp_xrealloc(out->v, out->alloc * sizeof(*out->v));
	}
	return &out->v[out->len++];
}

/* The number of the last revision whose text is blob; else the last. */
static unsigned revision_of_blob(const struct kp_history *h,
				 const git_oid *blob)
{
	char hex[41];
	size_t i;

	git_oid_tostr(hex, sizeof(hex), blob);
	for (i = h->len; i-- > 0;)
		if (!h->v[i].sending && strcmp(h->v[i].blob, hex) == 0)
			return h->v[i].number;
	return h->revisions;
}

int kp_repo_history(struct kp_history *out, struct kp_repo *repo,
		    const char *rel, struct kp_error *err)
{
	git_oid *ids = NULL, last;
	unsigned char *mainline = NULL;
	size_t n = 0, i;
	char *id = plan_id_of(rel);
	int have_last = 0, rc, error = 0;

	memset(out, 0, sizeof(*out));
	if ((error = kp_repo_linear(&ids, &mainline, &n, repo->git, err)) < 0)
		goto done;
	for (i = 0; i < n; i++) {
		git_commit *c = NULL;
		git_tree *tree = NULL;
		git_tree_entry *e = NULL;
		git_oid blob, pblob;
		int has = 0, sending = 0, changed;

		if (git_commit_lookup(&c, repo->git, &ids[i]) < 0 ||
		    git_commit_tree(&tree, c) < 0) {
			git_commit_free(c);
			error = git_fail(err, _("cannot read a commit: %s"));
			goto done;
		}
		rc = git_tree_entry_bypath(&e, tree, rel);
		if (rc == 0 && git_tree_entry_type(e) == GIT_OBJECT_BLOB) {
			blob = *git_tree_entry_id(e);
			has = 1;
		}
		/*
		 * A new revision: the file changed in this commit, to a text
		 * other than that of the revision before it in this order.
		 */
		changed = has && (parent_blob(&pblob, c, rel) < 0 ||
				  !git_oid_equal(&blob, &pblob));
		if (changed && (!have_last || !git_oid_equal(&blob, &last))) {
			struct kp_revision *r = history_slot(out);

			fill_entry(r, c, &blob, id, &sending);
			r->number = ++out->revisions;
			r->sending = 0;
			last = blob;
			have_last = 1;
		} else if (has && out->revisions) {
			struct kp_revision r;

			fill_entry(&r, c, &blob, id, &sending);
			if (sending) {
				r.number = revision_of_blob(out, &blob);
				r.sending = 1;
				*history_slot(out) = r;
			} else {
				revision_release(&r);
			}
		}
		git_tree_entry_free(e);
		git_tree_free(tree);
		git_commit_free(c);
	}
done:
	if (error)
		kp_history_release(out);
	free(ids);
	free(mainline);
	free(id);
	return error;
}

static const struct kp_revision *revision_number(const struct kp_history *h,
						 unsigned n)
{
	size_t i;

	for (i = 0; i < h->len; i++)
		if (!h->v[i].sending && h->v[i].number == n)
			return &h->v[i];
	return NULL;
}

int kp_repo_resolve(const struct kp_revision **out, struct kp_repo *repo,
		    const struct kp_history *h, const char *rev,
		    struct kp_error *err)
{
	size_t len = strlen(rev), i;
	struct kp_date d;
	int all_digits = len > 0, all_hex = len > 0;
	git_object *obj = NULL;
	git_oid oid, target;
	int rc, error = 0;

	*out = NULL;
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)rev[i]))
			all_digits = 0;
		if (!isxdigit((unsigned char)rev[i]))
			all_hex = 0;
	}
	if (!h->revisions)
		return kp_error_set(err, KP_ENOTFOUND, NULL, 0, 0,
				    _("the plan has no revision yet"));
	if (all_digits && len <= 9 && strtoul(rev, NULL, 10) >= 1 &&
	    strtoul(rev, NULL, 10) <= h->revisions) {
		*out = revision_number(h, (unsigned)strtoul(rev, NULL, 10));
		return 0;
	}
	if (len == 10 && kp_date_parse(&d, rev, len) == 0) {
		long day = kp_date_days(d);

		for (i = 0; i < h->len; i++) {
			const struct kp_revision *r = &h->v[i];
			long long local = r->time + (long long)r->offset * 60;
			long rday =
				(long)(local >= 0
					       ? local / 86400
					       : -((-local + 86399) / 86400));

			if (!r->sending && rday <= day)
				*out = r;
		}
		if (!*out)
			return kp_error_set(err, KP_ENOTFOUND, NULL, 0, 0,
					    _("no revision on or before %s"),
					    rev);
		return 0;
	}
	if (!all_hex || len < 4 || len > 40) {
		if (all_digits)
			return kp_error_set(
				err, KP_ENOTFOUND, NULL, 0, 0,
				Q_("no revision %s: the plan has only %u "
				   "revision",
				   "no revision %s: the plan has only %u "
				   "revisions",
				   h->revisions),
				rev, h->revisions);
		return kp_error_set(err, KP_EUSAGE, NULL, 0, 0,
				    _("'%s' is not a revision: give a number, "
				      "a date YYYY-MM-DD or a commit id"),
				    rev);
	}
	if (git_oid_fromstrn(&oid, rev, len) < 0) {
		error = git_fail(err, _("invalid commit id: %s"));
		goto done;
	}
	rc = git_object_lookup_prefix(&obj, repo->git, &oid, len,
				      GIT_OBJECT_COMMIT);
	if (rc == GIT_EAMBIGUOUS) {
		error = kp_error_set(err, KP_EUSAGE, NULL, 0, 0,
				     _("commit id '%s' is ambiguous"), rev);
		goto done;
	}
	if (rc < 0 && all_digits) {
		/* A number past the last revision, as @0 is before the first.
		 */
		error = kp_error_set(err, KP_ENOTFOUND, NULL, 0, 0,
				     Q_("no revision %s: the plan has only %u "
					"revision",
					"no revision %s: the plan has only %u "
					"revisions",
					h->revisions),
				     rev, h->revisions);
		goto done;
	}
	if (rc < 0) {
		error = kp_error_set(err, KP_ENOTFOUND, NULL, 0, 0,
				     _("no commit '%s'"), rev);
		goto done;
	}
	target = *git_object_id(obj);
	for (i = h->len; i-- > 0;) {
		const struct kp_revision *r = &h->v[i];

		if (r->sending)
			continue;
		if (git_oid_fromstr(&oid, r->commit) < 0)
			continue;
		if (git_oid_equal(&oid, &target) ||
		    git_graph_descendant_of(repo->git, &target, &oid) == 1) {
			*out = r;
			goto done;
		}
	}
	error = kp_error_set(
		err, KP_ENOTFOUND, NULL, 0, 0,
		_("commit '%s' does not hold a revision of the plan"), rev);
done:
	git_object_free(obj);
	return error;
}

int kp_repo_blob(struct kp_buf *out, struct kp_repo *repo, const char *commit,
		 const char *rel, struct kp_error *err)
{
	git_oid oid;
	git_commit *c = NULL;
	git_tree *tree = NULL;
	git_tree_entry *e = NULL;
	git_blob *blob = NULL;
	int error = 0;

	if (git_oid_fromstr(&oid, commit) < 0 ||
	    git_commit_lookup(&c, repo->git, &oid) < 0 ||
	    git_commit_tree(&tree, c) < 0) {
		error = git_fail(err, _("cannot read the commit: %s"));
		goto done;
	}
	if ((error = git_tree_entry_bypath(&e, tree, rel)) == GIT_ENOTFOUND) {
		error = kp_error_set(err, KP_ENOTFOUND, rel, 0, 0,
				     _("not in commit %.12s"), commit);
		goto done;
	}
	/* Any other failure is one of reading, not a missing file. */
	if (error < 0 ||
	    git_blob_lookup(&blob, repo->git, git_tree_entry_id(e)) < 0) {
		error = git_fail(err, _("cannot read the commit: %s"));
		goto done;
	}
	if ((size_t)git_blob_rawsize(blob) > KP_PLAN_MAX) {
		error = kp_error_set(
			err, KP_ELIMIT, rel, 0, 0,
			_("file is larger than the limit of %d bytes"),
			KP_PLAN_MAX);
		goto done;
	}
	kp_buf_add(out, git_blob_rawcontent(blob),
		   (size_t)git_blob_rawsize(blob));
done:
	git_blob_free(blob);
	git_tree_entry_free(e);
	git_tree_free(tree);
	git_commit_free(c);
	return error;
}

/* ------------------------------------------------------------------ */
/* PLAN@REV                                                            */
/* ------------------------------------------------------------------ */

int kp_plan_open(struct kp_plan **out, struct kp_source *src, const char *spec,
		 unsigned flags, struct kp_error *err)
{
	struct kp_source tmp;
	struct kp_repo *repo = NULL;
	struct kp_history h = KP_HISTORY_INIT;
	struct kp_buf text = KP_BUF_INIT, old = KP_BUF_INIT;
	const struct kp_revision *r = NULL;
	char *path = NULL, *rev = NULL, *rel = NULL, *dir = NULL;
	const char *at;
	struct stat st;
	int error = 0;
	size_t i;

	*out = NULL;
	if (!src)
		src = &tmp;
	memset(src, 0, sizeof(*src));
	at = strrchr(spec, '@');
	if (strcmp(spec, "-") == 0) {
		error = kp_plan_load(out, spec, flags, err);
		goto done;
	}
	if (lstat(spec, &st) == 0 || !at) {
		path = kp_xstrdup(spec);
	} else {
		path = kp_xstrndup(spec, (size_t)(at - spec));
		rev = kp_xstrdup(at + 1);
	}
	if (strchr(path, '/')) {
		const char *slash = strrchr(path, '/');

		dir = slash == path ? kp_xstrdup("/")
				    : kp_xstrndup(path, (size_t)(slash - path));
		error = stat(dir, &st) == 0 ? kp_repo_open(&repo, dir, err)
					    : KP_ENOTFOUND;
	} else {
		error = kp_repo_open(&repo, NULL, err);
	}
	if (error == KP_ENOTFOUND) {
		if (rev) {
			error = kp_error_set(err, KP_ENOTFOUND, path, 0, 0,
					     _("not in a plan repository, so "
					       "it has no revision '%s'"),
					     rev);
			goto done;
		}
		error = kp_plan_load(out, path, flags, err);
		goto done;
	}
	if (error < 0)
		goto done;
	src->in_repo = 1;
	if ((error = kp_repo_plan_path(&rel, repo, path, rev == NULL, err)) <
		    0 ||
	    (error = kp_repo_history(&h, repo, rel, err)) < 0)
		goto done;
	if (rev) {
		struct kp_error e = KP_ERROR_INIT;

		if ((error = kp_repo_resolve(&r, repo, &h, rev, &e)) < 0) {
			/* Name the plan in the message. */
			kp_error_set(err, error, path, 0, 0, "%s", e.msg);
			goto done;
		}
		if ((error = kp_repo_blob(&text, repo, r->commit, rel, err)) <
		    0)
			goto done;
	} else {
		if ((error = kp_repo_read(&text, repo, rel, err)) < 0)
			goto done;
		for (i = h.len; i-- > 0;)
			if (!h.v[i].sending) {
				r = &h.v[i];
				break;
			}
		if (r) {
			if ((error = kp_repo_blob(&old, repo, r->commit, rel,
						  err)) < 0)
				goto done;
			src->modified =
				old.len != text.len ||
				memcmp(old.buf, text.buf, text.len) != 0;
		} else {
			src->modified = 1;
		}
	}
	if (r) {
		const struct kp_revision *sent =
			kp_history_last_sent(&h, r->number);

		src->revision = r->number;
		memcpy(src->commit, r->commit, sizeof(src->commit));
		src->time = r->time;
		src->offset = r->offset;
		if (sent) {
			src->sent = 1;
			src->sent_time = sent->time;
			src->sent_offset = sent->offset;
		}
	}
	error = kp_plan_parse(out, path, text.buf, text.len, flags, err);
done:
	if (error && *out) {
		kp_plan_free(*out);
		*out = NULL;
	}
	kp_history_release(&h);
	kp_buf_release(&text);
	kp_buf_release(&old);
	kp_repo_free(repo);
	free(path);
	free(rev);
	free(rel);
	free(dir);
	return error;
}

int kp_repo_commit_time(long long *time, int *offset, struct kp_repo *repo,
			const char *commit, struct kp_error *err)
{
	git_commit *c = NULL;
	git_oid oid;

	if (git_oid_fromstr(&oid, commit) < 0 ||
	    git_commit_lookup(&c, repo->git, &oid) < 0)
		return git_fail(err, "cannot read the commit");
	*time = (long long)git_commit_time(c);
	*offset = git_commit_time_offset(c);
	git_commit_free(c);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Merging and identity                                                */
/* ------------------------------------------------------------------ */

int kp_repo_configure_merge(struct kp_repo *repo, struct kp_error *err)
{
	static const char line[] = "*.md merge=kiplan\n";
	git_config *cfg = NULL;
	struct kp_buf attrs = KP_BUF_INIT, path = KP_BUF_INIT;
	struct kp_error e2 = KP_ERROR_INIT;
	int error = 0;

	if (git_repository_config(&cfg, repo->git) < 0 ||
	    git_config_set_string(cfg, "merge.kiplan.name",
				  "kiplan: indsatsplaner flettes felt for "
				  "felt") < 0 ||
	    git_config_set_string(cfg, "merge.kiplan.driver",
				  "kiplan merge-file %O %A %B %P") < 0) {
		error = git_fail(err,
				 _("cannot configure the merge driver: %s"));
		goto done;
	}
	/*
	 * Also in info/attributes, for a repository made before init
	 * committed .gitattributes: git then merges its plans with kiplan
	 * too.
	 */
	kp_buf_addf(&path, "%sinfo", git_repository_commondir(repo->git));
	if (mkdir(path.buf, 0700) < 0 && errno != EEXIST) {
		error = kp_error_set(err, KP_EIO, path.buf, 0, 0,
				     _("cannot create: %s"), strerror(errno));
		goto done;
	}
	kp_buf_addstr(&path, "/attributes");
	if (kp_buf_read_file(&attrs, path.buf, KP_PLAN_MAX, &e2) < 0)
		kp_buf_reset(&attrs);
	if (!strstr(attrs.buf, "merge=kiplan")) {
		if (attrs.len && attrs.buf[attrs.len - 1] != '\n')
			kp_buf_addch(&attrs, '\n');
		kp_buf_addstr(&attrs, line);
		error = kp_write_file_atomic(path.buf, attrs.buf, attrs.len,
					     0600, err);
	}
done:
	git_config_free(cfg);
	kp_buf_release(&attrs);
	kp_buf_release(&path);
	return error;
}

/* A UUID as text: 8-4-4-4-12 lower-case hex digits. */
static void uuid_text(char out[37], const unsigned char b[16])
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0;

	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[b[i] >> 4];
		out[o++] = hex[b[i] & 15];
	}
	out[o] = '\0';
}

int kp_uuid_random(char out[37], struct kp_error *err)
{
	unsigned char b[16];
	FILE *f = fopen("/dev/urandom", "rb");
	size_t n = f ? fread(b, 1, sizeof(b), f) : 0;

	if (f)
		fclose(f);
	if (n != sizeof(b))
		return kp_error_set(err, KP_EIO, "/dev/urandom", 0, 0,
				    _("cannot read random bytes"));
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 */
	uuid_text(out, b);
	return 0;
}

/* 1 when s is a UUID in the form uuid_text() writes (any hex case). */
static int is_uuid(const char *s)
{
	size_t i;

	if (strlen(s) != 36)
		return 0;
	for (i = 0; i < 36; i++) {
		int dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			return 0;
	}
	return 1;
}

int kp_repo_uuid(char out[37], struct kp_repo *repo, struct kp_error *err)
{
	git_revwalk *walk = NULL;
	git_oid root, hash;
	struct kp_buf name = KP_BUF_INIT;
	unsigned char b[16];
	char *set = NULL, hex[GIT_OID_HEXSZ + 1];
	struct kp_error e2 = KP_ERROR_INIT;
	size_t i;
	int error = 0, found = 0;

	if (kp_repo_setting(&set, repo, "kiplan.id", &e2) == 0 &&
	    is_uuid(set)) {
		for (i = 0; i < 36; i++)
			out[i] = (char)tolower((unsigned char)set[i]);
		out[36] = '\0';
		goto done;
	}
	/*
	 * A repository made before init wrote one: derived from its first
	 * commit, the same on every clone (a name-based UUID, version 5 in
	 * form, from the SHA-1 of "kiplan-arkiv:" and the commit id).
	 */
	if (git_revwalk_new(&walk, repo->git) < 0 ||
	    git_revwalk_push_head(walk) < 0) {
		error = git_fail(err, _("cannot read the history: %s"));
		goto done;
	}
	git_revwalk_simplify_first_parent(walk);
	while (git_revwalk_next(&root, walk) == 0)
		found = 1;
	if (!found) {
		error = kp_error_set(err, KP_ENOTFOUND, NULL, 0, 0,
				     _("the repository has no commit yet"));
		goto done;
	}
	git_oid_tostr(hex, sizeof(hex), &root);
	kp_buf_addf(&name, "kiplan-arkiv:%s", hex);
	if (git_odb_hash(&hash, name.buf, name.len, GIT_OBJECT_BLOB) < 0) {
		error = git_fail(err, _("cannot read the history: %s"));
		goto done;
	}
	memcpy(b, hash.id, sizeof(b));
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x50);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	uuid_text(out, b);
done:
	git_revwalk_free(walk);
	kp_buf_release(&name);
	free(set);
	return error;
}
