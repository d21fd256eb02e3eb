/* crlf: CR LF to LF, streaming. */
#include "autoconf.h"

#include "crlf.h"

void
crlf_init(struct crlf *c)
{
	c->cr = 0;
}

size_t
crlf_decode(struct crlf *c, const char *in, size_t n, char *out)
{
	size_t i, w = 0;

	for (i = 0; i < n; i++) {
		if (c->cr) {
			c->cr = 0;
			if (in[i] != '\n')
				out[w++] = '\r';
		}
		if (in[i] == '\r')
			c->cr = 1;
		else
			out[w++] = in[i];
	}
	return w;
}

size_t
crlf_finish(struct crlf *c, char *out)
{
	if (!c->cr)
		return 0;
	c->cr = 0;
	out[0] = '\r';
	return 1;
}
