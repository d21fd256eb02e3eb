/*
 * Fuzz fetch/uidstate's parser: the text of a state file (option bit 0
 * clear) or of a journal (set), as uidstate_parse() applies them; with
 * option bit 1, the data is a file's text, a NUL, then its journal's, as
 * uidstate_open() loads them (uidstate_load(): a journal the file says
 * it holds is not applied).  A journal never fails (bad lines are
 * skipped and counted); a file fails only with ST_CONFIG and a
 * "name:line" message.  Then, of the state loaded:
 *  - every entry's key is a valid UID, the index finds it, and its
 *    folder ID is the one its key names;
 *  - folders have distinct IDs and names, none empty or too long, IDs
 *    and UIDVALIDITYs in range, none above maxid;
 *  - written as a rewrite writes it (folder lines, entry lines) and read
 *    back, it is the same state: names with any byte survive;
 *  - parsing the same text again changes nothing (text without folder
 *    lines: an older mfetch's journal may be applied twice).
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fuzz.h"
#include "uidstate.h"

static void
fresh(struct uidstate *u)
{
	memset(u, 0, sizeof(*u));
	u->lockfd = u->jfd = -1;
}

/* What u holds, as a rewrite writes it: folders, then live entries. */
static void
dump(struct uidstate *u, struct buf *b)
{
	size_t i;

	for (i = 0; i < u->nf; i++)
		uidstate_folder_line(b, u->f[i]);
	for (i = 0; i < u->n; i++)
		if (!u->v[i].gone)
			uidstate_entry_line(b, &u->v[i]);
}

static void
check_state(struct uidstate *u)
{
	char key[UIDSTATE_KEY_SIZE];
	size_t i, j;

	for (i = 0; i < u->n; i++) {
		struct uident *e = &u->v[i];

		FUZZ_CHECK(uidstate_valid_uid(e->uid, strlen(e->uid)),
		    "entry %zu: invalid UID", i);
		FUZZ_CHECK(uidstate_find(u, e->uid) == (e->gone ? NULL : e),
		    "entry %zu: the index disagrees", i);
		if (e->folder != 0) {
			uidstate_key(key, sizeof(key), e->folder, 0);
			FUZZ_CHECK(strncmp(e->uid, key, strlen(key) - 1) == 0,
			    "entry '%s' in folder %u", e->uid, e->folder);
			FUZZ_CHECK(e->folder <= u->maxid, "entry '%s' above "
			    "maxid %u", e->uid, u->maxid);
		}
	}
	for (i = 0; i < u->nf; i++) {
		struct uidfolder *g = u->f[i];

		FUZZ_CHECK(g->id >= 1 && g->id <= u->maxid && u->maxid <=
		    UIDSTATE_ID_MAX, "folder ID %u, maxid %u", g->id, u->maxid);
		FUZZ_CHECK(g->uidvalidity != 0, "folder %u: UIDVALIDITY 0",
		    g->id);
		FUZZ_CHECK(*g->name != '\0' && strlen(g->name) <=
		    UIDSTATE_FOLDER_MAX, "folder %u: name of %zu bytes", g->id,
		    strlen(g->name));
		FUZZ_CHECK(uidstate_folder(u, g->name) == g &&
		    uidstate_folder_by_id(u, g->id) == g, "folder %u twice",
		    g->id);
		for (j = 0; j < i; j++)
			FUZZ_CHECK(u->f[j]->id != g->id && strcmp(u->f[j]->name,
			    g->name) != 0, "folders %zu and %zu alike", i, j);
		for (j = 0; j < u->ndead; j++)
			FUZZ_CHECK(u->dead[j] != g->id, "folder %u replaced, "
			    "then back", g->id);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct uidstate u, w;
	struct errinfo ei;
	struct buf b1, b2;
	const char *text, *jtext = NULL;
	size_t n, jn = 0, i, live = 0, again = 0, nf;
	int journal, load, rc, stale = 0;

	if (size < 1 || size > FUZZ_INPUT_MAX)
		return 0;
	journal = data[0] & 1;
	load = (data[0] & 2) != 0;
	text = (const char *)data + 1;
	n = size - 1;
	if (load) {
		const char *nul = memchr(text, '\0', n);

		journal = 0;
		if (nul != NULL) {
			jtext = nul + 1;
			jn = n - (size_t)(jtext - text);
			n = (size_t)(nul - text);
		}
	}
	fresh(&u);
	err_clear(&ei);
	rc = load ? uidstate_load(&u, "state", text, n, "journal", jtext, jn,
	    &stale, &ei) : uidstate_parse(&u, "state", text, n, journal, &ei);
	if (journal)
		FUZZ_CHECK(rc == 0, "a journal refused: %s", ei.msg);
	if (rc < 0) {
		FUZZ_CHECK(ei.st == ST_CONFIG &&
		    strncmp(ei.msg, "state:", 6) == 0, "refused with %d '%s'",
		    (int)ei.st, ei.msg);
		uidstate_free(&u);
		return 0;
	}
	FUZZ_CHECK(u.skipped <= n + jn, "%zu lines skipped in %zu bytes",
	    u.skipped, n + jn);
	FUZZ_CHECK(!stale || u.jlines == 0, "a stale journal applied");
	check_state(&u);
	for (i = 0; i < u.n; i++)
		live += !u.v[i].gone;
	nf = u.nf;

	/* Written and read back: the same state. */
	buf_init(&b1, 4 * FUZZ_INPUT_MAX + 65536);
	buf_init(&b2, 4 * FUZZ_INPUT_MAX + 65536);
	dump(&u, &b1);
	fresh(&w);
	rc = uidstate_parse(&w, "state", b1.data, b1.len, 0, &ei);
	FUZZ_CHECK(rc == 0, "what was written is refused: %s", ei.msg);
	check_state(&w);
	dump(&w, &b2);
	FUZZ_CHECK(b1.len == b2.len && memcmp(b1.data, b2.data, b1.len) == 0,
	    "written and read back, the state changed");
	uidstate_free(&w);
	buf_free(&b1);
	buf_free(&b2);

	/*
	 * Applying the same text twice gives the same live set, when it has
	 * no folder lines: an older mfetch's journal, folded into the file
	 * at open, is applied again after a crash before its removal (this
	 * version's journals are not: "#folded N"), and a replayed
	 * replacement of a folder would give its ID again.
	 */
	if (!load && nf == 0) {
		rc = uidstate_parse(&u, "state", text, n, journal, &ei);
		FUZZ_CHECK(rc == 0, "the second parse failed: %s", ei.msg);
		for (i = 0; i < u.n; i++)
			again += !u.v[i].gone;
		FUZZ_CHECK(again == live, "%zu live entries, then %zu", live,
		    again);
		check_state(&u);
	}
	uidstate_free(&u);
	return 0;
}
