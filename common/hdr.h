/*
 * hdr: a message's header block (RFC 5322 section 2.2), read-only and
 * pure.  The block is text whose lines end with LF (CR LF is accepted
 * too); a field is a line "Name: value" and the lines after it that start
 * with a space or a tab (folding).  msend edits headers (Bcc, Date,
 * Message-ID, From) and reads recipients from them; mfetch reads the
 * envelope sender for mbox From_ lines.
 */
#ifndef FACTEUR_HDR_H
#define FACTEUR_HDR_H

#include <stddef.h>
#include <time.h>

#define HDR_NAME_MAX	76	/* longest field name we look at */

/* One field inside a block: offsets into the block's text. */
struct hdr_field {
	size_t start;		/* first byte of the name */
	size_t name_len;
	size_t value;		/* first byte after the colon */
	size_t end;		/* one past the field's last line end */
};

/*
 * The field starting at *off in text[0..len), or 0 at the end of the
 * block (an empty line, the end of the text, or a line that is not a
 * field).  On 1, *off moves past the field.
 */
int hdr_next(const char *text, size_t len, size_t *off,
    struct hdr_field *f);

/* Is the field named name (case-insensitive)? */
int hdr_is(const char *text, const struct hdr_field *f, const char *name);

/*
 * The field's value, unfolded (line ends inside it removed, RFC 5322
 * 2.2.3) and without leading and trailing white space.  Allocated
 * (free()).
 */
char *hdr_value(const char *text, const struct hdr_field *f);

/* Does the block have a field with this name? */
int hdr_has(const char *text, size_t len, const char *name);

/* The first field with this name, unfolded (free()), or NULL. */
char *hdr_get(const char *text, size_t len, const char *name);

/*
 * The first address of the first field with this name (Return-Path,
 * From...), as an addr-spec: "" for "<>", NULL when the field is missing
 * or holds no valid address.  Allocated.
 */
char *hdr_first_address(const char *text, size_t len, const char *name);

/* RFC 5322 date: "Sun, 22 Nov 2026 18:04:05 +0100" (local time). */
void hdr_date(time_t t, char *out, size_t outsz);

/*
 * Is line (without its line end) the start of a header field: a name of
 * printable ASCII characters other than ':' followed by ':'?  The old
 * form with white space before the colon ("Subject :") is accepted.
 */
int hdr_is_field_line(const char *line, size_t len);

#endif
