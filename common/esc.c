/* esc: text from outside, made safe to show. */
#include "autoconf.h"

#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "esc.h"
#include "utf8.h"

/* Code points that are valid UTF-8 but act on the display. */
static int
invisible(unsigned long cp)
{
	return (cp >= 0x80 && cp < 0xa0) ||	/* C1 controls */
	    cp == 0x061c ||			/* arabic letter mark */
	    (cp >= 0x200b && cp <= 0x200f) ||	/* zero width, LRM, RLM */
	    (cp >= 0x2028 && cp <= 0x202e) ||	/* separators, bidi */
	    (cp >= 0x2060 && cp <= 0x206f) ||	/* bidi isolates, invisibles */
	    cp == 0xfeff;			/* zero width no-break space */
}

size_t
esc_safe_len(const unsigned char *s, size_t len)
{
	uint32_t cp;
	size_t n;

	if (len == 0)
		return 0;
	if (s[0] >= 0x20 && s[0] < 0x7f)
		return 1;
	if (s[0] < 0x80 || (n = utf8_next(s, len, &cp)) == 0 || invisible(cp))
		return 0;
	return n;
}

static const char hex[] = "0123456789abcdef";

size_t
esc_text(char *dst, size_t dstsz, const char *text, size_t len)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0, o = 0;

	if (dstsz == 0)
		return 0;
	while (i < len) {
		size_t k = esc_safe_len(s + i, len - i);
		size_t need = k > 0 ? k : 4;

		/* Keep room for "..." in case more follows. */
		if (o + need + (i + (k ? k : 1) < len ? 3 : 0) >= dstsz)
			break;
		if (k > 0) {
			memcpy(dst + o, s + i, k);
			i += k;
		} else {
			dst[o] = '\\';
			dst[o + 1] = 'x';
			dst[o + 2] = hex[s[i] >> 4];
			dst[o + 3] = hex[s[i] & 15];
			i++;
		}
		o += need;
	}
	if (i < len && o + 3 < dstsz) {
		memcpy(dst + o, "...", 3);
		o += 3;
	}
	dst[o] = '\0';
	return i;
}

/* At most 200 bytes (800 escaped: no "..."), not cutting a character. */
static size_t
chunk_len(const char *text, size_t left)
{
	size_t n = left > 200 ? 200 : left;

	while (n < left && n > 196 && ((unsigned char)text[n] & 0xc0) == 0x80)
		n--;
	return n;
}

void
esc_fwrite(FILE *f, const char *text, size_t len)
{
	char chunk[1024];
	size_t done = 0;

	while (done < len) {
		size_t n = chunk_len(text + done, len - done), used;

		used = esc_text(chunk, sizeof(chunk), text + done, n);
		if (used == 0)
			break;
		fputs(chunk, f);
		done += used;
	}
}

void
esc_buf(struct buf *b, const char *text, size_t len)
{
	char chunk[1024];
	size_t done = 0;

	while (done < len) {
		size_t n = chunk_len(text + done, len - done), used;

		used = esc_text(chunk, sizeof(chunk), text + done, n);
		if (used == 0 || buf_addstr(b, chunk) < 0)
			break;
		done += used;
	}
}
