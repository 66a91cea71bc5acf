/*
 * git_plugin.c: the one symbol of the git plugin (kiplan-git.so), its
 * table of functions.  Compiled into the plugin only.
 */
#include "repo/git_api.h"
#include "banned.h"

/* clang-format off */
KP_PLUGIN_EXPORT const struct kp_git_api kp_git_api = {
	KP_VERSION,
#define KP_API(ret, name, params, args) name,
#define KP_API_VOID(name, params, args) name,
#include "repo/git_api.def"
#undef KP_API
#undef KP_API_VOID
};
/* clang-format on */
