/* keyring: passwords in the Secret Service, compatible with msmtp/mpop. */
#include "autoconf.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "keyring.h"
#include "xalloc.h"

#ifdef HAVE_LIBSECRET
#include <libsecret/secret.h>

/*
 * libsecret (with GLib, GIO and their dependencies) is loaded only when a
 * keyring is actually consulted: linked in, it costs every run about
 * 3 MB of memory and its start-up, even when the password comes from
 * the accounts file or a command, which is the common case in cron.
 * Its headers still give every function its exact type.
 */
#define LIBSECRET_SONAME "libsecret-1.so.0"

static struct {
	int tried;
	void *h;
	__typeof__(secret_password_lookup_sync) *lookup;
	__typeof__(secret_password_store_sync) *store;
	__typeof__(secret_password_clear_sync) *clear;
	__typeof__(secret_password_free) *pw_free;
	__typeof__(secret_attributes_build) *attrs;
	__typeof__(secret_service_search_sync) *search;
	__typeof__(secret_item_get_locked) *locked;
	__typeof__(secret_get_schema) *get_schema;
	__typeof__(g_error_free) *error_free;
	__typeof__(g_hash_table_unref) *table_unref;
	__typeof__(g_list_free_full) *list_free_full;
	__typeof__(g_object_unref) *object_unref;
	char err[256];
} sl;

#define LOAD(field, name) \
	(*(void **)(void *)&sl.field = dlsym(sl.h, name)) == NULL

/* Load libsecret once.  Returns 0, or -1 (sl.err says why). */
static int
secretlib(void)
{
	if (sl.tried)
		return sl.h != NULL ? 0 : -1;
	sl.tried = 1;
	sl.h = dlopen(LIBSECRET_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (sl.h == NULL) {
		snprintf(sl.err, sizeof(sl.err), "%s", dlerror());
		return -1;
	}
	if (LOAD(lookup, "secret_password_lookup_sync") ||
	    LOAD(store, "secret_password_store_sync") ||
	    LOAD(clear, "secret_password_clear_sync") ||
	    LOAD(pw_free, "secret_password_free") ||
	    LOAD(attrs, "secret_attributes_build") ||
	    LOAD(search, "secret_service_search_sync") ||
	    LOAD(locked, "secret_item_get_locked") ||
	    LOAD(get_schema, "secret_get_schema") ||
	    LOAD(error_free, "g_error_free") ||
	    LOAD(table_unref, "g_hash_table_unref") ||
	    LOAD(list_free_full, "g_list_free_full") ||
	    LOAD(object_unref, "g_object_unref")) {
		snprintf(sl.err, sizeof(sl.err), "%s", dlerror());
		dlclose(sl.h);
		sl.h = NULL;
		return -1;
	}
	return 0;
}

static int
secretlib_err(struct errinfo *ei)
{
	return err_set(ei, ST_UNAVAILABLE, "keyring: cannot load %s (%s): "
	    "install libsecret-1-0", LIBSECRET_SONAME, sl.err);
}

#undef SECRET_SCHEMA_COMPAT_NETWORK
#define SECRET_SCHEMA_COMPAT_NETWORK \
	sl.get_schema(SECRET_SCHEMA_TYPE_COMPAT_NETWORK)

/*
 * msmtp's and mpop's attributes.  Lookups match whatever the schema name;
 * items are stored under msmtp's name for smtp and mpop's for pop3, so
 * that they find ours even if they ever match on the name.
 */
#define SCHEMA(name) { name, SECRET_SCHEMA_DONT_MATCH_NAME, { \
		{ "host", SECRET_SCHEMA_ATTRIBUTE_STRING }, \
		{ "service", SECRET_SCHEMA_ATTRIBUTE_STRING }, \
		{ "user", SECRET_SCHEMA_ATTRIBUTE_STRING }, \
		{ NULL, 0 }, \
	}, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL }

static const SecretSchema schema = SCHEMA("org.facteur.Password");
static const SecretSchema schema_msmtp = SCHEMA("de.marlam.msmtp.password");
static const SecretSchema schema_mpop = SCHEMA("de.marlam.mpop.password");

static const SecretSchema *
store_schema(const char *service)
{
	if (strcmp(service, "smtp") == 0)
		return &schema_msmtp;
	if (strcmp(service, "pop3") == 0)
		return &schema_mpop;
	return &schema;
}

int
keyring_available(void)
{
	const char *bus = getenv("DBUS_SESSION_BUS_ADDRESS");
	const char *rt = getenv("XDG_RUNTIME_DIR");
	struct stat st;
	char *path;
	int ok;

	if (bus != NULL && *bus != '\0')
		return strncmp(bus, "autolaunch:", 11) != 0 && secretlib() == 0;
	if (rt == NULL || *rt == '\0')
		return 0;
	/* The systemd user bus. */
	path = xasprintf("%s/bus", rt);
	ok = stat(path, &st) == 0 && S_ISSOCK(st.st_mode);
	free(path);
	return ok && secretlib() == 0;
}

int
keyring_usable(struct errinfo *ei)
{
	if (!keyring_available()) {
		if (sl.tried && sl.h == NULL)
			return secretlib_err(ei);
		return err_set(ei, ST_UNAVAILABLE, "no keyring: no session bus "
		    "(DBUS_SESSION_BUS_ADDRESS) to reach the Secret Service");
	}
	return 0;
}

static int
gerr(GError *e, const char *what, struct errinfo *ei)
{
	err_set(ei, ST_TEMPFAIL, "keyring: cannot %s the password: %s", what,
	    e != NULL ? e->message : "unknown error");
	if (e != NULL)
		sl.error_free(e);
	return -1;
}

static int
take(gchar *pw, char **pw_r)
{
	*pw_r = xstrdup(pw);
	sl.pw_free(pw);
	return 1;
}

/*
 * Does a locked item match?  The lookups ask the Secret Service to unlock
 * what they find; when it cannot (no prompter: ssh, cron) or the user
 * said no, the item stays locked and they return nothing, as if there were
 * no password.
 */
static int
locked_match(const SecretSchema *s, GHashTable *attrs)
{
	GList *items, *l;
	int locked = 0;

	items = sl.search(NULL, s, attrs, SECRET_SEARCH_ALL,
	    NULL, NULL);
	for (l = items; l != NULL; l = l->next)
		if (sl.locked(l->data))
			locked = 1;
	sl.list_free_full(items, sl.object_unref);
	sl.table_unref(attrs);
	return locked;
}

int
keyring_lookup(const char *host, const char *service, const char *user,
    char **pw_r, struct errinfo *ei)
{
	GError *e = NULL;
	gchar *pw;

	if (!keyring_available())
		return 0;
	pw = sl.lookup(&schema, NULL, &e, "host", host,
	    "service", service, "user", user, NULL);
	if (e != NULL)
		return gerr(e, "look up", ei);
	if (pw != NULL)
		return take(pw, pw_r);
	/* Passwords stored through the older libgnome-keyring. */
	pw = sl.lookup(SECRET_SCHEMA_COMPAT_NETWORK, NULL, &e,
	    "user", user, "protocol", service, "server", host, NULL);
	if (e != NULL)
		return gerr(e, "look up", ei);
	if (pw != NULL)
		return take(pw, pw_r);
	if (locked_match(&schema, sl.attrs(&schema, "host",
	    host, "service", service, "user", user, NULL)) ||
	    locked_match(SECRET_SCHEMA_COMPAT_NETWORK, sl.attrs(
	    SECRET_SCHEMA_COMPAT_NETWORK, "user", user, "protocol", service,
	    "server", host, NULL)))
		return err_set(ei, ST_TEMPFAIL, "keyring: the password of %s at "
		    "%s (%s) is in a locked keyring, which could not be "
		    "unlocked", user, host, service);
	return 0;
}

int
keyring_store(const char *host, const char *service, const char *user,
    const char *password, struct errinfo *ei)
{
	GError *e = NULL;
	char *label;
	gboolean ok;

	if (keyring_usable(ei) < 0)
		return -1;
	label = xasprintf("Mail password for %s at %s (%s)", user, host,
	    service);
	ok = sl.store(store_schema(service),
	    SECRET_COLLECTION_DEFAULT,
	    label, password, NULL, &e, "host", host, "service", service,
	    "user", user, NULL);
	free(label);
	if (!ok || e != NULL)
		return gerr(e, "store", ei);
	return 0;
}

int
keyring_forget(const char *host, const char *service, const char *user,
    struct errinfo *ei)
{
	GError *e = NULL;
	gboolean a, b;

	if (keyring_usable(ei) < 0)
		return -1;
	a = sl.clear(&schema, NULL, &e, "host", host,
	    "service", service, "user", user, NULL);
	if (e != NULL)
		return gerr(e, "remove", ei);
	b = sl.clear(SECRET_SCHEMA_COMPAT_NETWORK, NULL, &e,
	    "user", user, "protocol", service, "server", host, NULL);
	if (e != NULL)
		return gerr(e, "remove", ei);
	return a || b;
}

#else /* !HAVE_LIBSECRET */

int
keyring_available(void)
{
	return 0;
}

int
keyring_lookup(const char *host, const char *service, const char *user,
    char **pw_r, struct errinfo *ei)
{
	(void)host; (void)service; (void)user; (void)pw_r; (void)ei;
	return 0;
}

int
keyring_usable(struct errinfo *ei)
{
	return err_set(ei, ST_UNAVAILABLE, "this build has no keyring support "
	    "(configured --without-libsecret)");
}

int
keyring_store(const char *host, const char *service, const char *user,
    const char *password, struct errinfo *ei)
{
	(void)host; (void)service; (void)user; (void)password;
	return keyring_usable(ei);
}

int
keyring_forget(const char *host, const char *service, const char *user,
    struct errinfo *ei)
{
	(void)host; (void)service; (void)user;
	return keyring_usable(ei);
}

#endif
