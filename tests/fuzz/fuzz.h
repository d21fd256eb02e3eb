/*
 * fuzz: what the libFuzzer harnesses of tests/fuzz/ share (tests/fuzz/README).
 *
 * An input of an incremental harness is laid out as
 *
 *	byte 0		options, each harness says what its bits mean
 *	bytes 1..4	chunk lengths minus one, used in turn: the data is
 *			fed in chunks of in[1]+1, in[2]+1, in[3]+1, in[4]+1,
 *			in[1]+1... bytes (all zero: byte by byte)
 *	bytes 5..	the data (server replies, a message body...)
 *
 * and the harness feeds the data twice, whole and in those chunks, and
 * checks that both runs log the same transcript: every parser here
 * promises the same result whatever the chunk boundaries.  Other harnesses
 * take the input as it is (fuzz_cstr() for the parsers of C strings).
 *
 * Any broken invariant aborts through fuzz_fail(), which libFuzzer reports
 * as a crash and saves the input for.
 */
#ifndef FACTEUR_FUZZ_H
#define FACTEUR_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "buf.h"
#include "status.h"

/* Inputs longer than this are ignored (make fuzz passes a smaller -max_len). */
#define FUZZ_INPUT_MAX	(64 * 1024)
/* Bytes in front of the data of an incremental harness. */
#define FUZZ_HEAD	5
/* Bytes per transcript (all runs of one input together stay far below). */
#define FUZZ_LOG_MAX	(16 * 1024 * 1024)

/* libFuzzer's entry point, defined by each harness. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_input {
	unsigned opt;		/* byte 0 */
	unsigned char len[4];	/* chunk lengths minus one */
	const char *data;
	size_t n;
};

/*
 * Split an input into options, chunk lengths and data.  Returns 0, or -1
 * when it is shorter than FUZZ_HEAD or longer than FUZZ_INPUT_MAX (the
 * harness then returns at once).
 */
int fuzz_input(const uint8_t *p, size_t size, struct fuzz_input *in);

/*
 * The length of chunk i (0-based) when left bytes remain, or left for the
 * whole-input run (split 0).  Always between 1 and left (left > 0).
 */
size_t fuzz_chunk(const struct fuzz_input *in, int split, size_t i,
    size_t left);

/*
 * A copy of p[0..n) as a C string, cut at the first NUL (the parsers of C
 * strings never see past it).  Free with free().
 */
char *fuzz_cstr(const uint8_t *p, size_t n);

/* Print the message and abort(): libFuzzer saves the input. */
void fuzz_fail(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

/* Abort unless cond holds. */
#define FUZZ_CHECK(cond, ...) do {					\
	if (!(cond))							\
		fuzz_fail(__VA_ARGS__);					\
} while (0)

/* Append p[0..n) to a transcript, with its length (bytes kept as is). */
void fuzz_log_bytes(struct buf *log, const char *p, size_t n);
/* Append an error: its status and message. */
void fuzz_log_err(struct buf *log, const struct errinfo *ei);

/*
 * Abort when the transcripts of the whole and the split run differ, and
 * show where (what names the parser).
 */
void fuzz_same(const char *what, const struct fuzz_input *in,
    const struct buf *whole, const struct buf *split);

/*
 * A reply parser of the pp_feed_fn kind, fed as pp_read() feeds it: each
 * chunk until it is used up, a reply logged (by reply()) each time one is
 * done, the first error ending the run.  The driver checks each return:
 * at least one byte used (progress), at most what was offered, and all of
 * it unless the reply is done.
 */
struct fuzz_pp {
	ssize_t (*feed)(void *parser, const char *p, size_t n, int *done_r,
	    struct errinfo *ei);
	/* Set up before a run (parser state fresh), and clean up after. */
	void (*start)(void *arg);
	void (*stop)(void *arg);
	/* A whole reply (the i-th, 0-based) has been parsed: log it. */
	void (*reply)(void *arg, size_t i, struct buf *log);
	void *parser;
	void *arg;
};

/* Run the parser over in's data, whole (split 0) or in chunks (1). */
void fuzz_pp_run(const struct fuzz_pp *pp, const struct fuzz_input *in,
    int split, struct buf *log);

/* Both runs, and the comparison of their transcripts. */
void fuzz_pp_check(const char *what, const struct fuzz_pp *pp,
    const struct fuzz_input *in);

#endif
