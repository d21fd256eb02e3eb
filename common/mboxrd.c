/* mboxrd: ">From " quoting, streaming. */
#include "autoconf.h"

#include <string.h>

#include "mboxrd.h"

static const char from5[] = "From ";

void
mboxrd_init(struct mboxrd *m, mboxrd_out_fn out, void *arg)
{
	memset(m, 0, sizeof(*m));
	m->bol = 1;
	m->empty = 1;
	m->out = out;
	m->arg = arg;
}

static int
emit(struct mboxrd *m, const char *p, size_t n, struct errinfo *ei)
{
	if (n == 0)
		return 0;
	m->empty = 0;
	m->last_nl = p[n - 1] == '\n';
	return m->out(m->arg, p, n, ei);
}

/* Write n ">" characters. */
static int
emit_gt(struct mboxrd *m, unsigned long long n, struct errinfo *ei)
{
	static const char gts[] = ">>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>"
	    ">>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>";

	while (n > 0) {
		size_t k = n > sizeof(gts) - 1 ? sizeof(gts) - 1 : (size_t)n;

		if (emit(m, gts, k, ei) < 0)
			return -1;
		n -= k;
	}
	return 0;
}

/* The line start did not turn out to be a From line: write it as is. */
static int
flush_pending(struct mboxrd *m, int quote, struct errinfo *ei)
{
	if (quote && emit(m, ">", 1, ei) < 0)
		return -1;
	if (emit_gt(m, m->gt, ei) < 0 || emit(m, from5, m->from, ei) < 0)
		return -1;
	m->gt = 0;
	m->from = 0;
	m->bol = 0;
	return 0;
}

int
mboxrd_write(struct mboxrd *m, const char *p, size_t n, struct errinfo *ei)
{
	size_t i = 0;

	while (i < n) {
		if (m->bol) {
			char c = p[i];

			if (m->from == 0 && c == '>') {
				m->gt++;
				i++;
				continue;
			}
			if (c == from5[m->from]) {
				i++;
				if (++m->from == 5 && flush_pending(m, 1, ei) < 0)
					return -1;
				continue;
			}
			if (flush_pending(m, 0, ei) < 0)
				return -1;
			/* c is looked at again as line content. */
		}
		{
			const char *lf = memchr(p + i, '\n', n - i);
			size_t k = lf != NULL ? (size_t)(lf - p) + 1 - i : n - i;

			if (emit(m, p + i, k, ei) < 0)
				return -1;
			i += k;
			if (lf != NULL)
				m->bol = 1;
		}
	}
	return 0;
}

int
mboxrd_finish(struct mboxrd *m, struct errinfo *ei)
{
	if (m->bol && (m->gt > 0 || m->from > 0) &&
	    flush_pending(m, 0, ei) < 0)
		return -1;
	if (!m->empty && !m->last_nl)
		return emit(m, "\n", 1, ei);
	return 0;
}

int
mboxrd_is_from_line(const char *line, size_t len)
{
	size_t i = 0;

	while (i < len && line[i] == '>')
		i++;
	return len - i >= 5 && memcmp(line + i, from5, 5) == 0;
}
