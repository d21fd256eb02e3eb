/* fromaddr: substitutions, patterns and subaddresses in "from". */
#include "autoconf.h"

#include <fnmatch.h>
#include <netdb.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "addr.h"
#include "buf.h"
#include "fromaddr.h"
#include "xalloc.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif

char *
fromaddr_subst(const char *s, const char *allowed,
    const struct fromaddr_env *env)
{
	struct buf b;
	char *r;
	int bad = 0;

	buf_init(&b, FROMADDR_MAX);
	for (; *s != '\0' && !bad; s++) {
		const char *v = NULL;

		if (*s == '%' && s[1] != '\0' && strchr(allowed, s[1]) != NULL) {
			switch (s[1]) {
			case 'U':
				v = env->user;
				break;
			case 'H':
				v = env->host;
				break;
			case 'C':
				v = env->canon;
				break;
			case 'M':
				v = env->mailname;
				break;
			case 'F':
				v = env->from_header;
				break;
			}
			s++;
			bad = buf_addstr(&b, v != NULL ? v : "") < 0;
		} else {
			bad = buf_addch(&b, *s) < 0;
		}
	}
	if (bad) {
		buf_free(&b);
		return NULL;
	}
	r = xstrdup(b.data);
	buf_free(&b);
	return r;
}

const char *
fromaddr_user(void)
{
	static char name[256];
	const char *u = getenv("USER");
	struct passwd *pw;

	if (u == NULL || *u == '\0')
		u = getenv("LOGNAME");
	if ((u == NULL || *u == '\0') && (pw = getpwuid(getuid())) != NULL)
		u = pw->pw_name;
	snprintf(name, sizeof(name), "%s", u != NULL ? u : "");
	return name;
}

static void
host_name(char *out, size_t outsz)
{
	const char *h = getenv("HOSTNAME");

	if (h != NULL && *h != '\0') {
		snprintf(out, outsz, "%s", h);
		return;
	}
	if (gethostname(out, outsz) < 0)
		snprintf(out, outsz, "localhost");
	out[outsz - 1] = '\0';
}

const char *
fromaddr_host(void)
{
	static char name[256];

	host_name(name, sizeof(name));
	return name;
}

static void
canonical_name(const char *host, char *out, size_t outsz)
{
	struct addrinfo hints, *res = NULL;

	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = AI_CANONNAME;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, NULL, &hints, &res) == 0 && res != NULL &&
	    res->ai_canonname != NULL)
		snprintf(out, outsz, "%s", res->ai_canonname);
	else
		snprintf(out, outsz, "%s", host);
	if (res != NULL)
		freeaddrinfo(res);
}

/* The first line of SYSCONFDIR/mailname, or "" (bounded). */
static void
mail_name(char *out, size_t outsz)
{
	FILE *f = fopen(SYSCONFDIR "/mailname", "re");

	out[0] = '\0';
	if (f == NULL)
		return;
	if (fgets(out, (int)outsz, f) == NULL)
		out[0] = '\0';
	out[strcspn(out, "\r\n")] = '\0';
	fclose(f);
}

char *
fromaddr_expand(const char *s, const char *allowed)
{
	char host[256], canon[256], mailname[256];
	struct fromaddr_env env;

	memset(&env, 0, sizeof(env));
	if (strchr(s, '%') == NULL)
		return xstrdup(s);
	env.user = fromaddr_user();
	host_name(host, sizeof(host));
	env.host = host;
	if (strstr(s, "%C") != NULL && strchr(allowed, 'C') != NULL) {
		canonical_name(host, canon, sizeof(canon));
		env.canon = canon;
	}
	if (strstr(s, "%M") != NULL && strchr(allowed, 'M') != NULL) {
		mail_name(mailname, sizeof(mailname));
		env.mailname = mailname;
	}
	return fromaddr_subst(s, allowed, &env);
}

int
fromaddr_is_pattern(const char *s)
{
	return strpbrk(s, "?*[") != NULL;
}

/* addr without the "+detail" of its local part, or NULL if it has none. */
static char *
strip_detail(const char *addr)
{
	const char *at = strrchr(addr, '@');
	const char *plus = strchr(addr, '+');

	if (at == NULL || plus == NULL || plus > at || plus == addr)
		return NULL;
	return xasprintf("%.*s%s", (int)(plus - addr), addr, at);
}

static int
match_one(const char *from, const char *addr)
{
	if (fromaddr_is_pattern(from))
		return fnmatch(from, addr, FNM_CASEFOLD) == 0;
	return addr_equal(from, addr);
}

int
fromaddr_match(const char *from, const char *addr)
{
	char *base;
	int m;

	if (from == NULL || *from == '\0' || addr == NULL || *addr == '\0')
		return 0;
	if (match_one(from, addr))
		return 1;
	base = strip_detail(addr);
	m = base != NULL && match_one(from, base);
	free(base);
	return m;
}

static void
expand_field(char **field, const char *allowed)
{
	char *v;

	if (*field == NULL || strchr(*field, '%') == NULL)
		return;
	v = fromaddr_expand(*field, allowed);
	if (v == NULL)
		return;		/* too long: left as it is, refused later */
	free(*field);
	*field = v;
}

void
fromaddr_expand_account(struct account *a)
{
	expand_field(&a->address, "UHCM");
	expand_field(&a->out.domain, "HCM");
}
