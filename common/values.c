/* values: parsers for the values of some keys (sizes, durations, DSN). */
#include "autoconf.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "account.h"
#include "settings.h"

int
settings_number(int kind, const char *v, long long *n_r)
{
	long long n = 0, mult = 1;
	const char *p = v;

	if (kind == 'k' && strcmp(v, "on") == 0) {
		*n_r = KEEP_FOREVER;
		return 0;
	}
	if (strcmp(v, "off") == 0) {
		*n_r = 0;
		return 0;
	}
	if (!isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++) {
		n = n * 10 + (*p - '0');
		if (n > (1LL << 40))
			return -1;
	}
	if (kind == 'k') {
		switch (*p) {
		case 's': mult = 1; p++; break;
		case 'm': mult = 60; p++; break;
		case 'h': mult = 3600; p++; break;
		case 'd': mult = 86400; p++; break;
		case 'w': mult = 7 * 86400; p++; break;
		case '\0': mult = 86400; break;	/* days, as mpop */
		default: return -1;
		}
	} else if (kind == 's') {
		switch (*p) {
		case 'k': case 'K': mult = 1024; p++; break;
		case 'm': case 'M': mult = 1024 * 1024; p++; break;
		case 'g': case 'G': mult = 1024LL * 1024 * 1024; p++; break;
		default: break;
		}
	}
	if (*p != '\0')
		return -1;
	*n_r = n * mult;
	return 0;
}

int
settings_dsn_notify(const char *v, char *out, size_t outsz)
{
	static const char *const word[] = { "success", "failure", "delay" };
	int seen[3] = { 0, 0, 0 };
	const char *p = v;
	size_t i, o = 0;

	if (strcmp(v, "off") == 0 || strcmp(v, "never") == 0) {
		snprintf(out, outsz, "%s", v);
		return 0;
	}
	out[0] = '\0';
	while (*p != '\0') {
		size_t n = strcspn(p, ",");

		for (i = 0; i < 3; i++)
			if (strlen(word[i]) == n && strncasecmp(p, word[i], n) == 0)
				break;
		if (i == 3 || seen[i])
			return -1;
		seen[i] = 1;
		o += (size_t)snprintf(out + o, outsz - o, "%s%s", o ? "," : "",
		    word[i]);
		if (o >= outsz)
			return -1;
		p += n;
		if (*p == ',' && *++p == '\0')
			return -1;
	}
	return o > 0 ? 0 : -1;
}
