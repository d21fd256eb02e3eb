/* wire: CR LF line ends and dot-stuffing, streaming. */
#include "autoconf.h"

#include <string.h>

#include "wire.h"

void
wire_init(struct wire *w)
{
	memset(w, 0, sizeof(*w));
}

size_t
wire_encode(struct wire *w, const char *in, size_t n, char *out)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];

		if (w->after_cr) {
			w->after_cr = 0;
			if (c == '\n')
				continue;
		}
		if (c == '\r' || c == '\n') {
			out[o++] = '\r';
			out[o++] = '\n';
			w->after_cr = c == '\r';
			w->mid_line = 0;
			w->size += 2;
			w->lines++;
			continue;
		}
		if (!w->mid_line) {
			w->mid_line = 1;
			if (c == '.' && !w->nostuff)
				out[o++] = '.';
		}
		if (c > 0x7f)
			w->eightbit = 1;
		out[o++] = (char)c;
		w->size++;
	}
	return o;
}

size_t
wire_finish(struct wire *w, char *out)
{
	w->after_cr = 0;
	if (!w->mid_line)
		return 0;
	w->mid_line = 0;
	w->size += 2;
	w->lines++;
	out[0] = '\r';
	out[1] = '\n';
	return 2;
}

size_t
wire_unstuff(struct wire *w, const char *in, size_t n, char *out)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (!w->mid_line) {
			w->mid_line = 1;
			if (in[i] == '.')
				continue;	/* the stuffing dot */
		}
		if (in[i] == '\n')
			w->mid_line = 0;
		out[o++] = in[i];
	}
	return o;
}
