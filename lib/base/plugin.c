/*
 * plugin.c: loading kiplan's plugins (kiplan-git.so, kiplan-pdf.so) on
 * first use; see base.h.
 */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/base.h"
#include "i18n.h"
#include "banned.h"

#ifndef KP_PKGLIBDIR
#define KP_PKGLIBDIR "/usr/local/lib/kiplan"
#endif

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* The directory of the running executable, or NULL. */
static char *exe_dir(void)
{
	size_t size = 256;
	char *buf = NULL, *slash;
	ssize_t n;

	for (;;) {
		buf = kp_xrealloc(buf, size);
		n = readlink("/proc/self/exe", buf, size);
		if (n < 0) {
			free(buf);
			return NULL;
		}
		if ((size_t)n < size)
			break;
		size *= 2;
	}
	buf[n] = '\0';
	if (!(slash = strrchr(buf, '/'))) {
		free(buf);
		return NULL;
	}
	if (slash == buf)
		slash[1] = '\0'; /* the root directory */
	else
		*slash = '\0';
	return buf;
}

/* Where p->file is to be loaded from, into out (see base.h). */
static void plugin_path(struct kp_buf *out, const struct kp_plugin *p)
{
	const char *env = getenv("KIPLAN_PLUGINDIR");
	char *dir = NULL;

	if (env && *env) {
		kp_buf_addf(out, "%s/%s", env, p->file);
		return;
	}
	if ((dir = exe_dir())) {
		kp_buf_addf(out, "%s/%s", dir, p->file);
		if (access(out->buf, F_OK) == 0)
			goto done;
		kp_buf_reset(out);
		kp_buf_addf(out, "%s/../lib/kiplan/%s", dir, p->file);
		if (access(out->buf, F_OK) == 0)
			goto done;
		kp_buf_reset(out);
	}
	kp_buf_addf(out, "%s/%s", KP_PKGLIBDIR, p->file);
done:
	free(dir);
}

/* dlerror() without the file name that it often starts with. */
static const char *dl_reason(const char *path)
{
	const char *e = dlerror();
	size_t n = strlen(path);

	if (!e)
		return "unknown error";
	if (strncmp(e, path, n) == 0 && e[n] == ':' && e[n + 1] == ' ')
		e += n + 2;
	return e;
}

int kp_plugin_load(const void **out, struct kp_plugin *p, struct kp_error *err)
{
	struct kp_buf path = KP_BUF_INIT;
	const char *const *version;
	void *h = NULL;
	int error = 0;

	*out = NULL;
	pthread_mutex_lock(&lock);
	if (p->api)
		goto done;
	plugin_path(&path, p);
	if (!(h = dlopen(path.buf, RTLD_NOW | RTLD_LOCAL))) {
		/* TRANSLATORS: %s is the system's reason (dlerror()). */
		error = kp_error_set(err, KP_EPLUGIN, path.buf, 0, 0,
				     _("cannot load the plugin: %s"),
				     dl_reason(path.buf));
		goto done;
	}
	dlerror();
	if (!(version = dlsym(h, p->symbol))) {
		error = kp_error_set(err, KP_EPLUGIN, path.buf, 0, 0,
				     _("not a plugin of kiplan (it has no %s)"),
				     p->symbol);
		goto done;
	}
	if (!*version || strcmp(*version, KP_VERSION) != 0) {
		error = kp_error_set(err, KP_EPLUGIN, path.buf, 0, 0,
				     _("the plugin is from kiplan %s, but this "
				       "is kiplan %s"),
				     *version ? *version : "?", KP_VERSION);
		goto done;
	}
	p->api = version;
done:
	/*
	 * Never dlclose(), even a file that failed: the libraries it brought
	 * in (glib's type system) keep state that must stay reachable.
	 */
	*out = p->api;
	pthread_mutex_unlock(&lock);
	kp_buf_release(&path);
	return error;
}

const void *kp_plugin_loaded(struct kp_plugin *p)
{
	const void *api;

	pthread_mutex_lock(&lock);
	api = p->api;
	pthread_mutex_unlock(&lock);
	return api;
}
