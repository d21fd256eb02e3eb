/* dotbody: POP3 multi-line body to message text. */
#include "autoconf.h"

#include <string.h>

#include "dotbody.h"

enum {
	S_BOL = 0,	/* at the start of a line */
	S_MID,		/* inside a line */
	S_CR,		/* a CR is pending: line end if LF follows */
	S_DOT,		/* the line started with "." */
	S_DOTCR		/* the line is "." CR so far */
};

void
dotbody_init(struct dotbody *d)
{
	memset(d, 0, sizeof(*d));
}

size_t
dotbody_decode(struct dotbody *d, const char *in, size_t n, char *out,
    size_t *used_r)
{
	size_t i = 0, o = 0;

	while (i < n && !d->done) {
		char c = in[i++];

		switch (d->state) {
		case S_BOL:
		case S_MID:
			if (c == '.' && d->state == S_BOL) {
				d->state = S_DOT;
			} else if (c == '\r') {
				d->state = S_CR;
			} else if (c == '\n') {
				out[o++] = '\n';
				d->state = S_BOL;
			} else {
				/* The rest of the line up to the next CR/LF. */
				size_t k = i - 1;

				while (i < n && in[i] != '\r' && in[i] != '\n')
					i++;
				memcpy(out + o, in + k, i - k);
				o += i - k;
				d->state = S_MID;
			}
			break;
		case S_CR:
			if (c == '\n') {
				out[o++] = '\n';
				d->state = S_BOL;
			} else if (c == '\r') {
				out[o++] = '\r';	/* the first was bare */
			} else {
				out[o++] = '\r';
				i--;			/* look at c again */
				d->state = S_MID;
			}
			break;
		case S_DOT:
			if (c == '\r') {
				d->state = S_DOTCR;
			} else if (c == '\n') {
				d->done = 1;		/* ".\n" (lenient) */
			} else {
				/* The first dot was the stuffing one. */
				i--;
				d->state = S_MID;
			}
			break;
		case S_DOTCR:
			if (c == '\n') {
				d->done = 1;
			} else {
				/* "." CR and more: a dot line that is not the end
				 * (broken stuffing); keep the CR as data. */
				i--;
				d->state = S_CR;
			}
			break;
		}
	}
	d->size += o;
	d->wire += i;
	*used_r = i;
	return o;
}
