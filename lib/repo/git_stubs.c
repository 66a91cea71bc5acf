/*
 * git_stubs.c: in the kiplan executable, which does not link libgit2,
 * the functions of git_api.def load the git plugin (kiplan-git.so) on
 * first use and call through its table.  Not in libkiplan.a, which has
 * the real functions.
 */
#include "repo/git_api.h"
#include "banned.h"

static struct kp_plugin git = KP_PLUGIN_INIT("kiplan-git.so", "kp_git_api");

#define KP_API(ret, name, params, args)                                        \
	KP_PLUGIN_STUB(git, kp_git_api, ret, name, params, args)
#define KP_API_VOID(name, params, args)                                        \
	KP_PLUGIN_STUB_VOID(git, kp_git_api, name, params, args)
#include "repo/git_api.def"
