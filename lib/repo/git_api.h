/*
 * git_api.h: private to the repo module.  The table that the git plugin
 * (kiplan-git.so: repo.c, revs.c, send.c, drafts.c, template.c, linked
 * with libgit2) exports as its one symbol, kp_git_api: a member per line
 * of git_api.def, after the version (see base.h, Plugins).
 */
#ifndef KP_REPO_GIT_API_H
#define KP_REPO_GIT_API_H

#include "repo/workdir.h"

/* clang-format off */
struct kp_git_api {
	const char *version; /* KP_VERSION */
#define KP_API(ret, name, params, args) ret(*name) params;
#define KP_API_VOID(name, params, args) void(*name) params;
#include "repo/git_api.def"
#undef KP_API
#undef KP_API_VOID
};
/* clang-format on */

#endif
