/*
 * Fuzz the accounts file: common/config (with settings, values, url and
 * account).  The input is the file's content, given to config_parse() as
 * config_load() gives it; an accepted file then has every account, and the
 * default one, resolved as mfetch and msend resolve them.
 */
#include "autoconf.h"

#include <string.h>

#include "account.h"
#include "config.h"
#include "fuzz.h"

/* Look at what a resolved account holds, as the programs do. */
static void
use_account(const struct account *a)
{
	FUZZ_CHECK(a->name != NULL, "an account without a name");
	FUZZ_CHECK(server_port(&a->in) <= 65535 &&
	    server_port(&a->out) <= 65535, "port out of range");
	(void)proto_name(a->in.proto);
	(void)server_service(&a->in);
	(void)server_service(&a->out);
	(void)server_login_user(&a->in, a->address);
	(void)server_login_user(&a->out, a->address);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config *cfg = NULL;
	struct account *a = NULL;
	struct errinfo ei;
	size_t i, n;

	if (size > FUZZ_INPUT_MAX)
		return 0;
	err_clear(&ei);
	if (config_parse("fuzz.conf", (const char *)data, size, &cfg,
	    &ei) < 0) {
		FUZZ_CHECK(ei.st == ST_CONFIG &&
		    strncmp(ei.msg, "fuzz.conf:", 10) == 0,
		    "refused without a 'file:line:' message: '%s'", ei.msg);
		return 0;
	}
	n = config_count(cfg);
	for (i = 0; i < n; i++) {
		const char *name = config_name(cfg, i);

		FUZZ_CHECK(config_has(cfg, name), "account '%s' not found",
		    name);
		(void)config_is_alias(cfg, i);
		err_clear(&ei);
		FUZZ_CHECK(config_resolve(cfg, name, NULL, &a, &ei) == 0,
		    "account '%s' defined but not resolved: %s", name, ei.msg);
		use_account(a);
		account_free(a);
	}
	err_clear(&ei);
	if (config_resolve(cfg, NULL, NULL, &a, &ei) == 0) {
		use_account(a);
		account_free(a);
	}
	config_free(cfg);
	return 0;
}
