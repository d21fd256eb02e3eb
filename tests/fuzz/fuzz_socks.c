/*
 * Fuzz common/socks: what a SOCKS5 proxy answers, raw bytes.  The first
 * two go to socks_check_method(), the rest is read as socks_connect()
 * reads the answer to CONNECT: asking each time for the length
 * socks_reply_need() gives, never more.  The length never shrinks, never
 * passes SOCKS_REPLY_MAX, and a refusal always comes with a status and
 * a message.
 */
#include "autoconf.h"

#include <string.h>

#include "fuzz.h"
#include "socks.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct errinfo ei;
	ssize_t need, last = 0;
	size_t have = 0;

	if (size < 2 || size > FUZZ_INPUT_MAX)
		return 0;
	err_clear(&ei);
	if (socks_check_method(data, &ei) < 0) {
		FUZZ_CHECK(ei.st != ST_OK && ei.msg[0] != '\0', "no message");
		return 0;
	}
	data += 2;
	size -= 2;
	for (;;) {
		need = socks_reply_need(data, have, &ei);
		if (need < 0) {
			FUZZ_CHECK(ei.st != ST_OK && ei.msg[0] != '\0',
			    "refused without a message");
			break;
		}
		FUZZ_CHECK(need >= last && (size_t)need >= have &&
		    need <= SOCKS_REPLY_MAX, "need %zd after %zd, have %zu",
		    need, last, have);
		last = need;
		if ((size_t)need == have)
			break;		/* the whole answer: success */
		if ((size_t)need > size)
			break;		/* the proxy would have to send more */
		have = (size_t)need;
	}
	return 0;
}
