/*
 * Fuzz facteur-import's reading of fetchmail's run control file
 * (import/fmrc.c), then the whole conversion: the accounts made from it
 * (import/fromfm.c) written as an accounts file (import/writer.c), which
 * facteur's own parser must accept with every account resolvable: the
 * writer never writes a file that mfetch would refuse.  A refused input
 * must say where (ST_CONFIG, "fuzz.rc:LINE: ...").
 */
#include "autoconf.h"

#include <string.h>

#include "account.h"
#include "config.h"
#include "fmrc.h"
#include "fromfm.h"
#include "fuzz.h"
#include "writer.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fmrc *r = NULL;
	struct imp_set s;
	struct errinfo ei;
	struct buf out;
	struct config *cfg = NULL;
	size_t i;
	int secrets;

	if (size > FUZZ_INPUT_MAX)
		return 0;
	err_clear(&ei);
	if (fmrc_parse("fuzz.rc", (const char *)data, size, &r, &ei) < 0) {
		FUZZ_CHECK(ei.st == ST_CONFIG &&
		    strncmp(ei.msg, "fuzz.rc:", 8) == 0, "refused without a "
		    "line: %d '%s'", (int)ei.st, ei.msg);
		FUZZ_CHECK(r == NULL, "a refused file gives a result");
		return 0;
	}
	FUZZ_CHECK(r->npolls <= FMRC_POLLS_MAX, "%zu entries", r->npolls);
	for (i = 0; i < r->npolls; i++) {
		FUZZ_CHECK(r->polls[i].nusers <= FMRC_USERS_MAX, "%zu users",
		    r->polls[i].nusers);
		FUZZ_CHECK(r->polls[i].defaults || r->polls[i].name != NULL,
		    "an entry without a name");
	}
	memset(&s, 0, sizeof(s));
	fromfm_accounts(r, "fuzz.rc", "me", &s);
	imp_merge(&s);
	imp_names(&s);
	(void)imp_check(&s);
	buf_init(&out, 64 * 1024 * 1024);
	err_clear(&ei);
	if (imp_write(&out, &s, "fuzz", &secrets, &ei) == 0) {
		FUZZ_CHECK(config_parse("out.conf", out.data, out.len, &cfg,
		    &ei) == 0, "the written file is refused: %s", ei.msg);
		for (i = 0; i < config_count(cfg); i++) {
			struct account *a = NULL;

			if (config_resolve(cfg, config_name(cfg, i), NULL, &a,
			    &ei) < 0)
				FUZZ_CHECK(0, "account '%s' of the written file "
				    "does not resolve: %s", config_name(cfg, i),
				    ei.msg);
			account_free(a);
		}
		config_free(cfg);
	} else {
		FUZZ_CHECK(ei.st == ST_DATA, "write refused with %d",
		    (int)ei.st);
	}
	buf_free(&out);
	imp_free(&s);
	fmrc_free(r);
	return 0;
}
