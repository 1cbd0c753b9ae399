// SPDX-License-Identifier: GPL-2.0
/* The RECORDS codec: random record sequences come back bit for bit (sizes that change
 * within a context, the largest and smallest records, extreme words); hostile input (every
 * cut, flipped bytes, lying varints and sizes) is refused or decodes to something that
 * encodes back the same, never read past (ASan). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "trace/codec.h"
#include "trace/format.h"
#include "tap.h"

static struct codec *codec;

static unsigned long long rnd_state = 88172645463325252ULL;

/* xorshift64: the same sequences every run */
static __u64 rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

/* Appends one entry (struct rtrace_file_rec, the record, zeros to 8) to @b. */
static void put_rec(struct tbuf *b, const void *rec, __u32 size)
{
	struct rtrace_file_rec e = { .size = size };
	size_t step = sizeof(e) + ((size + 7) & ~7U);

	if (tbuf_reserve(b, b->len + step))
		abort();
	memset(b->p + b->len, 0, step);
	memcpy(b->p + b->len, &e, sizeof(e));
	memcpy(b->p + b->len + sizeof(e), rec, size);
	b->len += step;
}

/* A word as records have them: a repeat, a neighbour, a pointer, anything. */
static __u64 rnd_word(__u64 prev)
{
	switch (rnd() % 6) {
	case 0: return prev;
	case 1: return prev + rnd() % 256 - 128;
	case 2: return 0x7ffd00000000ULL + rnd() % 65536;
	case 3: return ~0ULL - rnd() % 3;
	case 4: return 1ULL << 63;
	default: return rnd();
	}
}

/* @n records of a few contexts, their sizes changing at times, words alike or not. */
static void make_records(struct tbuf *b, int n, __u32 max_size)
{
	static unsigned char rec[RTRACE_FILE_MAX_RECORD], last[8][RTRACE_FILE_MAX_RECORD];
	static __u32 last_size[8];
	__u64 ts = rnd() % 1000000;
	int i;

	memset(last_size, 0, sizeof(last_size));
	b->len = 0;
	for (i = 0; i < n; i++) {
		int k = rnd() % 8;
		struct rtrace_hdr h = { .type = k % 3 + 1, .tid = 100 + k / 3, .tgid = 100 };
		__u32 size = last_size[k], o;

		if (!size || rnd() % 8 == 0)	/* new, or a size of its own */
			size = RTRACE_FILE_MIN_RECORD + rnd() % (max_size - RTRACE_FILE_MIN_RECORD + 1);
		if (k == 7)	/* a context of many types' worth: type and tid at their limits */
			h = (struct rtrace_hdr){ .type = ~0U, .tid = ~0U, .tgid = ~0U };
		h.size = rnd() % 16 ? size : rnd();
		ts += rnd() % 16 ? rnd() % 5000 : -(rnd() % 100000);
		h.ts_ns = ts;
		memcpy(rec, &h, sizeof(h));
		for (o = sizeof(h); o < size; o++) {
			if ((o - sizeof(h)) % 8 == 0 && o + 8 <= size) {
				__u64 w = 0;

				if (o + 8 <= last_size[k])
					memcpy(&w, last[k] + o, 8);
				w = rnd_word(w);
				memcpy(rec + o, &w, 8);
				o += 7;
			} else {
				rec[o] = rnd();
			}
		}
		put_rec(b, rec, size);
		memcpy(last[k], rec, size);
		last_size[k] = size;
	}
}

/* encode, decode: the same bytes? */
static bool round_trip(const struct tbuf *raw, struct tbuf *enc, struct tbuf *dec)
{
	return !codec_encode(codec, raw->p, raw->len, enc) &&
	       !codec_decode(codec, enc->p, enc->len, dec) && dec->len == raw->len &&
	       !memcmp(dec->p, raw->p, raw->len);
}

/* Decodes @len bytes from a buffer of exactly that size (ASan sees a read past it). */
static int decode_exact(const unsigned char *data, size_t len, struct tbuf *out)
{
	unsigned char *copy = malloc(len ? len : 1);
	struct tbuf own = {};
	int err;

	memcpy(copy, data, len);
	err = codec_decode(codec, copy, len, out ?: &own);
	free(copy);
	free(own.p);
	return err;
}

static void test_round_trips(void)
{
	struct tbuf raw = {}, enc = {}, dec = {};
	int i, bad = 0;

	for (i = 0; i < 300; i++) {
		make_records(&raw, 1 + rnd() % 400, i % 10 ? 200 : RTRACE_FILE_MAX_RECORD);
		bad += !round_trip(&raw, &enc, &dec);
	}
	CHECK_INT(bad, 0, "300 random sequences (a few contexts, sizes changing, up to 64 KiB) "
		  "come back bit for bit");

	/* The same context through every size from the smallest up, then down again. */
	raw.len = 0;
	for (i = RTRACE_FILE_MIN_RECORD; i <= 200; i++) {
		unsigned char rec[200];
		struct rtrace_hdr h = { .type = 3, .tid = 9, .tgid = 9, .size = i, .ts_ns = i };

		memset(rec, i, sizeof(rec));
		memcpy(rec, &h, sizeof(h));
		put_rec(&raw, rec, i);
		put_rec(&raw, rec, 200 + RTRACE_FILE_MIN_RECORD - i);
	}
	CHECK(round_trip(&raw, &enc, &dec), "one context growing and shrinking byte by byte");

	/* The largest record, twice in a context, then once more with one word changed. */
	{
		static unsigned char big[RTRACE_FILE_MAX_RECORD];
		struct rtrace_hdr h = { .type = 1, .tid = 1, .size = sizeof(big) };

		for (i = 0; i < (int)sizeof(big); i++)
			big[i] = rnd();
		memcpy(big, &h, sizeof(h));
		raw.len = 0;
		put_rec(&raw, big, sizeof(big));
		put_rec(&raw, big, sizeof(big));
		big[sizeof(big) - 1] ^= 0x80;
		put_rec(&raw, big, sizeof(big));
		CHECK(round_trip(&raw, &enc, &dec), "64 KiB records (the largest) come back");
		CHECK(enc.len < sizeof(big) * 5 / 4 + 2 * sizeof(big) / 8 + 64,
		      "a repeat of one costs a byte a word (%zu bytes encoded)", enc.len);
	}

	raw.len = 0;
	CHECK(!codec_encode(codec, raw.p, 0, &enc) && !codec_decode(codec, enc.p, enc.len, &dec) &&
	      dec.len == 0, "no records: an empty block");
	free(raw.p);
	free(enc.p);
	free(dec.p);
}

/* Every cut, and bytes flipped: refused, or decoded to what encodes back the same. */
static void test_hostile(void)
{
	struct tbuf raw = {}, enc = {}, dec = {}, enc2 = {}, dec2 = {};
	size_t cut;
	int i, accepted = 0, unstable = 0, cuts_taken = 0;

	make_records(&raw, 60, 300);
	codec_encode(codec, raw.p, raw.len, &enc);
	for (cut = 0; cut < enc.len; cut++)
		cuts_taken += decode_exact(enc.p, cut, &dec) == 0;
	CHECK_INT(cuts_taken, 0, "every cut of a block is refused");

	for (i = 0; i < 20000; i++) {
		unsigned char *m = malloc(enc.len);
		int j, n = 1 + rnd() % 4;

		memcpy(m, enc.p, enc.len);
		for (j = 0; j < n; j++)
			m[rnd() % enc.len] = rnd() % 3 ? rnd() : 0x80 | rnd();
		if (!decode_exact(m, enc.len, &dec)) {
			accepted++;
			if (codec_encode(codec, dec.p, dec.len, &enc2) ||
			    codec_decode(codec, enc2.p, enc2.len, &dec2) || dec2.len != dec.len ||
			    memcmp(dec2.p, dec.p, dec.len))
				unstable++;
		}
		free(m);
	}
	CHECK_INT(unstable, 0, "20,000 mutated blocks: what decodes encodes back the same");
	printf("# %d of them decoded\n", accepted);

	for (i = 0; i < 20000; i++) {
		size_t len = rnd() % 200;
		unsigned char m[200];
		size_t j;

		for (j = 0; j < len; j++)
			m[j] = rnd();
		if (len >= 4) {	/* a record stream that fits, often */
			__u32 n = rnd() % (len - 3);

			memcpy(m, &n, 4);
		}
		decode_exact(m, len, &dec);
	}
	CHECK(true, "20,000 blocks of random bytes: no crash");
	free(raw.p);
	free(enc.p);
	free(dec.p);
	free(enc2.p);
	free(dec2.p);
}

/* Decodes a block of a record stream @rs (@rs_len bytes) and a time stream @ts. */
static int decode_streams(const void *rs, size_t rs_len, const void *ts, size_t ts_len)
{
	unsigned char buf[256];
	__u32 n = rs_len;

	memcpy(buf, &n, 4);
	memcpy(buf + 4, rs, rs_len);
	memcpy(buf + 4 + rs_len, ts, ts_len);
	return decode_exact(buf, 4 + rs_len + ts_len, NULL);
}

static void test_lies(void)
{
	/* head 1 (a new context), type 3, tid 7, size 24, word 8 +0: then a time */
	static const unsigned char ok[] = { 1, 3, 7, 24, 0 }, t0[] = { 0 }, t00[] = { 0, 0 };
	static const unsigned char big_type[] = { 1, 0x80, 0x80, 0x80, 0x80, 0x10, 7, 24, 0 };
	static const unsigned char max_type[] = { 1, 0xff, 0xff, 0xff, 0xff, 0x0f, 7, 24, 0 };
	static const unsigned char long_varint[] = { 1, 3, 7, 24, 0x80, 0x80, 0x80, 0x80, 0x80,
						     0x80, 0x80, 0x80, 0x80, 0x80, 0 };
	static const unsigned char bit64[] = { 1, 3, 7, 24, 0xff, 0xff, 0xff, 0xff, 0xff,
					       0xff, 0xff, 0xff, 0xff, 0x01 };
	static const unsigned char bit65[] = { 1, 3, 7, 24, 0xff, 0xff, 0xff, 0xff, 0xff,
					       0xff, 0xff, 0xff, 0xff, 0x02 };
	static const unsigned char small[] = { 1, 3, 7, 23, 0 }, huge[] = { 1, 3, 7, 0x81, 0x80,
									     0x04, 0 };
	static const unsigned char max[] = { 1, 3, 7, 0x80, 0x80, 0x04, 0 };
	static const unsigned char unknown_ctx[] = { 1, 3, 7, 24, 0, 4 };
	static const unsigned char known_ctx[] = { 1, 3, 7, 24, 0, 2 };
	static const unsigned char unsaid[] = { 0, 3, 7 };
	static const unsigned char cut_tail[] = { 1, 3, 7, 27, 0, 'a', 'b' };
	static const unsigned char tail[] = { 1, 3, 7, 27, 0, 'a', 'b', 'c' };

	CHECK_INT(decode_streams(ok, sizeof(ok), t0, 1), 0, "a record of 24 bytes");
	CHECK_INT(decode_streams(ok, sizeof(ok), t00, 2), -EINVAL, "a time left over: refused");
	CHECK_INT(decode_streams(ok, sizeof(ok), t0, 0), -EINVAL, "a time missing: refused");
	CHECK_INT(decode_streams(max_type, sizeof(max_type), t0, 1), 0, "type 2^32 - 1");
	CHECK_INT(decode_streams(big_type, sizeof(big_type), t0, 1), -EINVAL, "type 2^32: refused");
	CHECK_INT(decode_streams(long_varint, sizeof(long_varint), t0, 1), -EINVAL,
		  "an 11-byte varint: refused");
	CHECK_INT(decode_streams(bit64, sizeof(bit64), t0, 1), 0, "a 10-byte varint of 64 bits");
	CHECK_INT(decode_streams(bit65, sizeof(bit65), t0, 1), -EINVAL, "65 bits: refused");
	CHECK_INT(decode_streams(small, sizeof(small), t0, 1), -EINVAL, "a 23-byte record: refused");
	CHECK_INT(decode_streams(max, sizeof(max), t0, 1), -EINVAL,
		  "a 64 KiB record without its words: refused");
	CHECK_INT(decode_streams(huge, sizeof(huge), t0, 1), -EINVAL,
		  "a record of 64 KiB + 1: refused");
	CHECK_INT(decode_streams(known_ctx, sizeof(known_ctx), t00, 2), 0, "context 1, unchanged");
	CHECK_INT(decode_streams(unknown_ctx, sizeof(unknown_ctx), t00, 2), -EINVAL,
		  "a context not yet made: refused");
	CHECK_INT(decode_streams(unsaid, sizeof(unsaid), t0, 1), -EINVAL,
		  "a new context without its size: refused");
	CHECK_INT(decode_streams(tail, sizeof(tail), t0, 1), 0, "a record of 27 bytes");
	CHECK_INT(decode_streams(cut_tail, sizeof(cut_tail), t0, 1), -EINVAL,
		  "its tail cut: refused");
	{
		unsigned char lie[4 + sizeof(ok) + 1] = { sizeof(ok) + 2 };

		memcpy(lie + 4, ok, sizeof(ok));
		CHECK_INT(decode_exact(lie, sizeof(lie), NULL), -EINVAL,
			  "a record stream longer than the block: refused");
		CHECK_INT(decode_exact(lie, 3, NULL), -EINVAL, "a block of 3 bytes: refused");
	}
}

/* A block of @n records of 64 KiB, all zeros, in one context, into @enc. */
static void make_largest(struct tbuf *enc, size_t n)
{
	/* head 1, type 1, tid 1, size 65536, word 8 + 0; then head 2: context 1 again */
	static const unsigned char first[] = { 1, 1, 1, 0x80, 0x80, 0x04, 0 };
	size_t words = (RTRACE_FILE_MAX_RECORD - sizeof(struct rtrace_hdr)) / 8, i;
	__u32 stream = sizeof(first) + words + (n - 1) * (1 + words);
	unsigned char *p;

	tbuf_reserve(enc, 4 + stream + n);
	p = enc->p;
	memcpy(p, &stream, 4);
	memcpy(p + 4, first, sizeof(first));
	p += 4 + sizeof(first);
	for (i = 0; i < n; i++) {
		if (i)
			*p++ = 2;
		memset(p, 0, words);
		p += words;
	}
	memset(p, 0, n);	/* times */
	enc->len = p + n - enc->p;
}

static void test_block_bound(void)
{
	size_t fit = RTRACE_FILE_MAX_BLOCK / (sizeof(struct rtrace_file_rec) + RTRACE_FILE_MAX_RECORD);
	struct tbuf enc = {}, dec = {};

	make_largest(&enc, fit);
	CHECK(!codec_decode(codec, enc.p, enc.len, &dec) && dec.len <= RTRACE_FILE_MAX_BLOCK,
	      "%zu records of 64 KiB: decoded (16 MiB, the bound)", fit);
	make_largest(&enc, fit + 1);
	CHECK_INT(codec_decode(codec, enc.p, enc.len, &dec), -EINVAL, "one more: refused");
	free(enc.p);
	free(dec.p);
}

static double cpu_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

int main(void)
{
	codec = codec_new();
	if (!CHECK(codec, "a codec"))
		return tap_done();
	test_round_trips();
	test_hostile();
	test_lies();
	test_block_bound();
	{
		/* Under ASan: for the order of magnitude only (make bench has the figure). */
		struct tbuf raw = {}, enc = {}, dec = {};
		double t0, t1, t2;

		make_records(&raw, 10000, 120);
		t0 = cpu_ns();
		codec_encode(codec, raw.p, raw.len, &enc);
		t1 = cpu_ns();
		codec_decode(codec, enc.p, enc.len, &dec);
		t2 = cpu_ns();
		printf("# under ASan: encode %.0f ns/record, decode %.0f ns/record\n",
		       (t1 - t0) / 10000, (t2 - t1) / 10000);
		free(raw.p);
		free(enc.p);
		free(dec.p);
	}
	codec_free(codec);
	return tap_done();
}
