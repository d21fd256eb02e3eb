/*
 * Fuzz common/url: a server URL as in the accounts file or on the command
 * line, the input as a C string.  An accepted URL has a known protocol, a
 * valid host and a port of 0 (none) to 65535; a refused one leaves
 * nothing allocated.  parse_port() gets the same string.
 */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "url.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct url u;
	struct errinfo ei;
	unsigned port = 0;
	char *s;

	if (size > FUZZ_INPUT_MAX)
		return 0;
	s = fuzz_cstr(data, size);
	err_clear(&ei);
	if (url_parse(s, &u, &ei) == 0) {
		FUZZ_CHECK(u.proto == PROTO_POP3 || u.proto == PROTO_IMAP ||
		    u.proto == PROTO_SMTP, "protocol %d", (int)u.proto);
		FUZZ_CHECK(u.host != NULL && *u.host != '\0', "no host");
		FUZZ_CHECK(u.port <= 65535, "port %u", u.port);
		FUZZ_CHECK(strlen(s) <= URL_MAX, "a URL of %zu bytes accepted",
		    strlen(s));
		FUZZ_CHECK(u.user == NULL || *u.user != '\0', "an empty user");
		url_free(&u);
	} else {
		FUZZ_CHECK(ei.st == ST_CONFIG && ei.msg[0] != '\0',
		    "refused with status %d", (int)ei.st);
		FUZZ_CHECK(u.user == NULL && u.auth == NULL && u.host == NULL,
		    "a refused URL keeps memory");
	}
	if (parse_port(s, &port) == 0)
		FUZZ_CHECK(port >= 1 && port <= 65535, "port %u", port);
	free(s);
	return 0;
}
