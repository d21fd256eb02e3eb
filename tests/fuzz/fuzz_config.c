/*
 * Fuzz the accounts file: common/config (with settings, values, url and
 * account, and dialect for msmtp's and mpop's files).  The input is the
 * file's content, given to config_parse_opts() as config_load_for() gives
 * it, sniffed for msend and for mfetch (so facteur's, msmtp's and mpop's
 * readings are all fuzzed); "eval" lines print their command back.  An
 * accepted file then has every account, and the default one, resolved as
 * mfetch and msend resolve them, and its warnings say where.
 */
#include "autoconf.h"

#include <string.h>

#include "account.h"
#include "config.h"
#include "fuzz.h"
#include "settings.h"
#include "xalloc.h"

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

/* "eval CMD": the line is CMD itself (no command runs here). */
static int
echo_eval(const char *cmd, char **out_r, struct errinfo *ei)
{
	(void)ei;
	*out_r = xstrdup(cmd);
	return 0;
}

static void
one(const uint8_t *data, size_t size, int side)
{
	struct config_opts o;
	struct config *cfg = NULL;
	struct account *a = NULL;
	struct errinfo ei;
	size_t i, n;

	o.dialect = CONFIG_DIALECT_AUTO;
	o.side = side;
	o.eval = echo_eval;
	err_clear(&ei);
	if (config_parse_opts("fuzz.conf", (const char *)data, size, &o, &cfg,
	    &ei) < 0) {
		FUZZ_CHECK(ei.st == ST_CONFIG &&
		    strncmp(ei.msg, "fuzz.conf:", 10) == 0,
		    "refused without a 'file:line:' message: '%s'", ei.msg);
		return;
	}
	for (i = 0; i < config_nwarnings(cfg); i++)
		FUZZ_CHECK(strncmp(config_warning(cfg, i), "fuzz.conf:", 10) == 0,
		    "a warning without 'file:line:': '%s'",
		    config_warning(cfg, i));
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
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FUZZ_INPUT_MAX)
		return 0;
	one(data, size, SIDE_OUT);	/* msend: facteur's or msmtp's */
	one(data, size, SIDE_IN);	/* mfetch: facteur's or mpop's */
	return 0;
}
