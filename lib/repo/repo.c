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

git_repository *kp_repo_git(struct kp_repo *repo)
{
	return repo->git;
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

static int signature(git_signature **out, git_repository *git,
		     const char *datevar, struct kp_error *err)
{
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

int kp_repo_signature(git_signature **out, struct kp_repo *repo,
		      const char *datevar, struct kp_error *err)
{
	return signature(out, repo->git, datevar, err);
}

/* Point the index entry of path at blob, with the file's stat data when
 * the working file holds exactly that blob. */
static int index_update(git_index *idx, const char *path, const git_oid *blob)
{
	const git_index_entry *e;
	git_index_entry ne;

	if (git_index_add_bypath(idx, path) == 0 &&
	    (e = git_index_get_bypath(idx, path, 0)) &&
	    git_oid_equal(&e->id, blob))
		return 0;
	memset(&ne, 0, sizeof(ne));
	ne.mode = GIT_FILEMODE_BLOB;
	ne.id = *blob;
	ne.path = path;
	return git_index_add(idx, &ne);
}

/*
 * Commit n files (paths, datas, lens) on HEAD's tree.  n == 0: HEAD's
 * own tree, and the index entry of keep (when not NULL) is refreshed.
 */
static int commit_files(char out[41], struct kp_repo *repo, size_t n,
			const char *const *paths, const char *const *datas,
			const size_t *lens, const char *keep,
			const char *message, struct kp_error *err)
{
	git_repository *git = repo->git;
	git_reference *head = NULL, *ref = NULL;
	git_commit *parent = NULL;
	git_tree *base = NULL, *tree = NULL;
	git_tree_entry *kent = NULL;
	git_signature *author = NULL, *committer = NULL;
	git_index *idx = NULL;
	git_tree_update *upd = NULL;
	git_oid *blobs = NULL, parent_id, tree_id, id;
	const git_commit *parents[1];
	struct kp_buf reflog = KP_BUF_INIT;
	const char *branch, *nl;
	int rc, error = 0;
	size_t i;

	/* Never in the middle of a merge, never a text with its markers. */
	if ((error = kp_repo_busy(repo, NULL, NULL, 0, err)) < 0)
		goto done;
	for (i = 0; i < n; i++)
		if ((error = kp_repo_busy(repo, paths[i], datas[i], lens[i],
					  err)) < 0)
			goto done;
	if (git_reference_lookup(&head, git, "HEAD") < 0) {
		error = git_fail(err, _("cannot read HEAD: %s"));
		goto done;
	}
	if (git_reference_type(head) != GIT_REFERENCE_SYMBOLIC) {
		error = kp_error_set(
			err, KP_EGIT, NULL, 0, 0,
			_("HEAD is detached; check out a branch first"));
		goto done;
	}
	branch = git_reference_symbolic_target(head);
	rc = git_reference_name_to_id(&parent_id, git, branch);
	if (rc == 0) {
		if (git_commit_lookup(&parent, git, &parent_id) < 0 ||
		    git_commit_tree(&base, parent) < 0) {
			error = git_fail(err, _("cannot read HEAD: %s"));
			goto done;
		}
	} else if (rc != GIT_ENOTFOUND) {
		error = git_fail(err, _("cannot read HEAD: %s"));
		goto done;
	}
	if (n) {
		blobs = kp_xcalloc(n, sizeof(*blobs));
		upd = kp_xcalloc(n, sizeof(*upd));
		for (i = 0; i < n; i++) {
			if (git_blob_create_from_buffer(
				    &blobs[i], git, datas[i], lens[i]) < 0) {
				error = git_fail(err,
						 _("cannot write a blob: %s"));
				goto done;
			}
			upd[i].action = GIT_TREE_UPDATE_UPSERT;
			upd[i].id = blobs[i];
			upd[i].filemode = GIT_FILEMODE_BLOB;
			upd[i].path = paths[i];
		}
		if (git_tree_create_updated(&tree_id, git, base, n, upd) < 0) {
			error = git_fail(err, _("cannot write the tree: %s"));
			goto done;
		}
	} else if (base) {
		tree_id = *git_tree_id(base);
	} else {
		error = kp_error_set(
			err, KP_EGIT, NULL, 0, 0,
			_("nothing to record: the repository has no commit"));
		goto done;
	}
	if (git_tree_lookup(&tree, git, &tree_id) < 0) {
		error = git_fail(err, _("cannot read the tree: %s"));
		goto done;
	}
	if ((error = signature(&author, git, "GIT_AUTHOR_DATE", err)) < 0 ||
	    (error = signature(&committer, git, "GIT_COMMITTER_DATE", err)) < 0)
		goto done;
	parents[0] = parent;
	if (git_commit_create(&id, git, NULL, author, committer, NULL, message,
			      tree, parent ? 1 : 0, parents) < 0) {
		error = git_fail(err, _("cannot write the commit: %s"));
		goto done;
	}
	kp_test_crash("commit-objects");
	nl = strchr(message, '\n');
	kp_buf_addf(&reflog, "commit%s: ", parent ? "" : " (initial)");
	kp_buf_add(&reflog, message,
		   nl ? (size_t)(nl - message) : strlen(message));
	if (parent)
		rc = git_reference_create_matching(&ref, git, branch, &id, 1,
						   &parent_id, reflog.buf);
	else
		rc = git_reference_create(&ref, git, branch, &id, 0,
					  reflog.buf);
	if (rc == GIT_EMODIFIED || rc == GIT_EEXISTS) {
		error = kp_error_set(err, KP_ELOCKED, NULL, 0, 0,
				     /* TRANSLATORS: %s: the branch */
				     _("%s moved while kiplan committed; "
				       "nothing was changed, try again"),
				     branch);
		goto done;
	}
	if (rc < 0) {
		error = git_fail(err, _("cannot update the branch: %s"));
		goto done;
	}
	git_oid_tostr(out, 41, &id);
	kp_test_crash("commit-ref");
	if (git_repository_index(&idx, git) < 0 || git_index_read(idx, 1) < 0)
		goto index_fail;
	for (i = 0; i < n; i++)
		if (index_update(idx, paths[i], &blobs[i]) < 0)
			goto index_fail;
	if (!n && keep && git_tree_entry_bypath(&kent, tree, keep) == 0 &&
	    index_update(idx, keep, git_tree_entry_id(kent)) < 0)
		goto index_fail;
	if (git_index_write(idx) < 0)
		goto index_fail;
	/* libgit2 writes the index 0644 whatever the umask. */
	{
		char *ipath = kp_repo_join(repo->gitdir, "index");

		chmod(ipath, 0600);
		free(ipath);
	}
	goto done;
index_fail : {
	const git_error *e = git_error_last();

	error = kp_error_set(
		err, KP_EGIT, NULL, 0, 0,
		/* TRANSLATORS: a commit id, libgit2's reason */
		_("committed %.12s, but could not update the index: %s"), out,
		e && e->message ? e->message : _("unknown error"));
}
done:
	kp_buf_release(&reflog);
	git_index_free(idx);
	git_tree_entry_free(kent);
	git_signature_free(author);
	git_signature_free(committer);
	git_tree_free(tree);
	git_tree_free(base);
	git_commit_free(parent);
	git_reference_free(ref);
	git_reference_free(head);
	free(blobs);
	free(upd);
	return error;
}

int kp_repo_commit(char out[41], struct kp_repo *repo, const char *rel,
		   const char *data, size_t len, const char *message,
		   struct kp_error *err)
{
	out[0] = '\0';
	if (!data)
		return commit_files(out, repo, 0, NULL, NULL, NULL, rel,
				    message, err);
	return commit_files(out, repo, 1, &rel, &data, &len, NULL, message,
			    err);
}

/* ------------------------------------------------------------------ */
/* Init                                                                */
/* ------------------------------------------------------------------ */

static const char gitignore_text[] =
	"# kiplan: rendered documents of sent revisions, never committed\n"
	"/outbox/\n";

static const char config_text[] =
	"# Indstillinger for dette arkiv af koordinerende indsatsplaner\n"
	"# (git-config-syntaks).\n"
	"[kiplan]\n"
	"\tformat = 1\n"
	"[due]\n"
	"\t# Antal dage fra oprettelsen af en kladde, til "
	"koordinationsm\xc3\xb8"
	"det\n"
	"\t# skal v\xc3\xa6re holdt (fristen aftales i sundhedsaftalen).\n"
	"\tkladde-dage = 30\n";

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

int kp_repo_init(struct kp_repo **out, int *created, const char *dir,
		 const char *schema_text, size_t schema_len,
		 struct kp_error *err)
{
	static const char *const ours[] = { ".git", ".kiplan", ".gitignore",
					    NULL };
	git_repository *git = NULL;
	struct kp_repo *repo = NULL;
	git_repository_init_options opts;
	const char *paths[3], *datas[3];
	size_t lens[3];
	char *dotgit = NULL, *kdir = NULL, *file = NULL, commit[41];
	struct stat st;
	int error = 0, i;

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
		if (git_repository_open_ext(&git, dir,
					    GIT_REPOSITORY_OPEN_NO_SEARCH,
					    NULL) < 0) {
			error = git_fail(err,
					 _("cannot open the repository: %s"));
			goto done;
		}
		if (has_schema_commit(git)) {
			error = wrap(out, git, err);
			git = NULL;
			goto done;
		}
		/* A kiplan init killed before its first commit may resume. */
		if (!git_repository_head_unborn(git) ||
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
	}
	if (chmod(dir, 0700) < 0) {
		error = kp_error_set(err, KP_EIO, dir, 0, 0,
				     _("cannot chmod: %s"), strerror(errno));
		goto done;
	}
	if ((error = wrap(&repo, git, err)) < 0) {
		git = NULL;
		goto done;
	}
	git = NULL;
	kdir = kp_repo_join(repo->workdir, ".kiplan");
	if (mkdir(kdir, 0700) < 0 && errno != EEXIST) {
		error = kp_error_set(err, KP_EIO, kdir, 0, 0,
				     _("cannot create: %s"), strerror(errno));
		goto done;
	}
	if (!schema_text)
		schema_text = kp_schema_builtin_text(&schema_len);
	paths[0] = ".gitignore";
	datas[0] = gitignore_text;
	lens[0] = sizeof(gitignore_text) - 1;
	paths[1] = ".kiplan/config";
	datas[1] = config_text;
	lens[1] = sizeof(config_text) - 1;
	paths[2] = ".kiplan/schema.yaml";
	datas[2] = schema_text;
	lens[2] = schema_len;
	for (i = 0; i < 3; i++) {
		free(file);
		file = kp_repo_join(repo->workdir, paths[i]);
		if ((error = kp_write_file_atomic(file, datas[i], lens[i], 0600,
						  err)) < 0)
			goto done;
	}
	if ((error = commit_files(
		     commit, repo, 3, paths, datas, lens, NULL,
		     "Opret arkiv for koordinerende indsatsplaner\n\n"
		     "Skemaet for planerne ligger i .kiplan/schema.yaml,\n"
		     "indstillingerne i .kiplan/config.\n",
		     err)) < 0)
		goto done;
	*created = 1;
	*out = repo;
	repo = NULL;
done:
	git_repository_free(git);
	free(dotgit);
	free(kdir);
	free(file);
	/* One shutdown for lib_init(): kp_repo_free()'s, or this one. */
	if (repo)
		kp_repo_free(repo);
	else if (error && !*out)
		git_libgit2_shutdown();
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
	return 0;
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
	if (git_tree_entry_bypath(&e, tree, rel) < 0 ||
	    git_blob_lookup(&blob, repo->git, git_tree_entry_id(e)) < 0) {
		error = kp_error_set(err, KP_ENOTFOUND, rel, 0, 0,
				     _("not in commit %.12s"), commit);
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
		src->revision = r->number;
		memcpy(src->commit, r->commit, sizeof(src->commit));
		src->time = r->time;
		src->offset = r->offset;
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
