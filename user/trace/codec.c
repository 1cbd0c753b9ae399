// SPDX-License-Identifier: GPL-2.0
/* The RECORDS encoding (codec.h). A block: a __u32, the size of its record stream, that
 * stream, then the time stream. Per record, in the record stream:
 *
 *   head          varint: context << 1 | changed (context 0: a new one)
 *   type, tid     varints, for a new context only
 *   size, word 8  if changed: varint; zigzag varint of word 8 (tgid, hdr.size) - previous
 *   words 24...   zigzag varint of each whole 8-byte word - the previous record's at that
 *                 offset (0 past its end)
 *   tail          size % 8 bytes as they are
 *
 * and in the time stream the zigzag varint of ts_ns - the record before's (0 first).
 * "previous" is the last record of the same context in the block. What repeats (tid, tgid,
 * cookie, ip, a stack pointer a frame away) becomes one byte 0 or near it, which zlib then
 * takes to a fraction of a bit; nothing depends on the record's type. Times are the noise
 * left: apart, they do not break zlib's matches over the rest (half the size for fib). */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <linux/types.h>
#include "codec.h"
#include "format.h"
#include "util/varint.h"

/* A record's bytes in the record stream, at most: head, type, tid, size, word 8, the
 * words, the tail. */
#define ENCODED_MAX(size)	(5 * VARINT_MAX + (size) / 8 * VARINT_MAX + 8)

/* The encoder's contexts: an open-addressed table keyed by the record's first word. */
struct enc_ctx {
	__u64 key;		/* type | tid << 32 */
	__u32 gen;		/* the block it was made in: those of older blocks are free */
	__u32 id;		/* 1, 2... in order of first use in the block */
	size_t off;		/* its last record in the block */
	size_t size;
};

/* The decoder's contexts, by id - 1: their last record in the output. */
struct dec_ctx {
	size_t off, size;
};

struct codec {
	struct enc_ctx *tab;
	size_t tab_cap;		/* a power of 2, or 0 */
	__u32 gen;		/* the encoder's block */
	__u32 nr;		/* contexts in the block being encoded or decoded */
	struct tbuf times;	/* the encoder's time stream */
	struct tbuf dec;	/* struct dec_ctx [nr] */
};

struct codec *codec_new(void)
{
	return calloc(1, sizeof(struct codec));
}

void codec_free(struct codec *c)
{
	if (!c)
		return;
	free(c->tab);
	free(c->times.p);
	free(c->dec.p);
	free(c);
}

static inline __u64 load64(const unsigned char *p)
{
	__u64 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline void store64(unsigned char *p, __u64 v)
{
	memcpy(p, &v, sizeof(v));
}

static inline __u64 hash_key(__u64 key, size_t cap)
{
	return (key * 0x9e3779b97f4a7c15ULL) >> 32 & (cap - 1);
}

/* The table twice as large, with this block's contexts only: 0 or -ENOMEM. */
static int enc_grow(struct codec *c)
{
	size_t cap = c->tab_cap ? c->tab_cap * 2 : 256, i;
	struct enc_ctx *tab = calloc(cap, sizeof(*tab));

	if (!tab)
		return -ENOMEM;
	for (i = 0; i < c->tab_cap; i++) {
		const struct enc_ctx *e = &c->tab[i];
		size_t h;

		if (e->gen != c->gen)
			continue;
		for (h = hash_key(e->key, cap); tab[h].gen; h = (h + 1) & (cap - 1))
			;
		tab[h] = *e;
	}
	free(c->tab);
	c->tab = tab;
	c->tab_cap = cap;
	return 0;
}

/* @key's context in this block, made (id 0 until given one) if new; NULL on ENOMEM. */
static struct enc_ctx *enc_lookup(struct codec *c, __u64 key)
{
	size_t h;

	if ((c->nr + 1) * 2 > c->tab_cap && enc_grow(c))
		return NULL;
	for (h = hash_key(key, c->tab_cap); c->tab[h].gen == c->gen; h = (h + 1) & (c->tab_cap - 1))
		if (c->tab[h].key == key)
			return &c->tab[h];
	c->tab[h] = (struct enc_ctx){ .key = key, .gen = c->gen };
	return &c->tab[h];
}

/* One record (@e, @r) onto the streams. */
static int encode_one(struct codec *c, const unsigned char *raw, const struct rtrace_file_rec *e,
		      const unsigned char *r, struct tbuf *out, __u64 *last_ts)
{
	__u64 key = load64(r);
	struct enc_ctx *ctx = enc_lookup(c, key);
	const unsigned char *prev = NULL;
	__u64 w8 = load64(r + 8), prev_w8 = 0;
	size_t o, prev_size = 0;
	unsigned char *p;
	bool changed;

	if (!ctx || tbuf_reserve(out, out->len + ENCODED_MAX(e->size)) ||
	    tbuf_reserve(&c->times, c->times.len + VARINT_MAX))
		return -ENOMEM;
	if (ctx->id) {
		prev = raw + ctx->off;
		prev_size = ctx->size;
		prev_w8 = load64(prev + 8);
	} else {
		ctx->id = ++c->nr;
	}
	changed = !prev || e->size != prev_size || w8 != prev_w8;
	p = out->p + out->len;
	p = put_varint(p, (prev ? (__u64)ctx->id << 1 : 0) | changed);
	if (!prev) {
		p = put_varint(p, (__u32)key);		/* type */
		p = put_varint(p, key >> 32);		/* tid */
	}
	if (changed) {
		p = put_varint(p, e->size);
		p = put_varint(p, zigzag(w8 - prev_w8));
	}
	for (o = sizeof(struct rtrace_hdr); o + 8 <= e->size; o += 8)
		p = put_varint(p, zigzag(load64(r + o) - (o + 8 <= prev_size ? load64(prev + o) : 0)));
	memcpy(p, r + o, e->size - o);
	out->len = p + e->size - o - out->p;
	c->times.len = put_varint(c->times.p + c->times.len, zigzag(load64(r + 16) - *last_ts)) -
		       c->times.p;
	*last_ts = load64(r + 16);
	ctx->off = r - raw;
	ctx->size = e->size;
	return 0;
}

int codec_encode(struct codec *c, const unsigned char *raw, size_t len, struct tbuf *out)
{
	__u64 last_ts = 0;
	__u32 n;
	size_t off;
	int err;

	/* A new generation empties the table; 0 marks a never used slot. */
	if (++c->gen == 0) {
		if (c->tab)
			memset(c->tab, 0, c->tab_cap * sizeof(*c->tab));
		c->gen = 1;
	}
	c->nr = 0;
	c->times.len = 0;
	if (tbuf_reserve(out, sizeof(n)))
		return -ENOMEM;
	out->len = sizeof(n);
	for (off = 0; off < len;) {
		struct rtrace_file_rec e;

		memcpy(&e, raw + off, sizeof(e));
		err = encode_one(c, raw, &e, raw + off + sizeof(e), out, &last_ts);
		if (err)
			return err;
		off += sizeof(e) + ((e.size + 7) & ~(size_t)7);
	}
	n = out->len - sizeof(n);
	memcpy(out->p, &n, sizeof(n));
	if (tbuf_reserve(out, out->len + c->times.len))
		return -ENOMEM;
	if (c->times.len)
		memcpy(out->p + out->len, c->times.p, c->times.len);
	out->len += c->times.len;
	return 0;
}

/* A varint that must fit @max. */
static inline bool get_bounded(const unsigned char **p, const unsigned char *end, __u64 max,
			       __u64 *v)
{
	return get_varint(p, end, v) && *v <= max;
}

/* The two streams being read: records, and their times. */
struct dec_in {
	const unsigned char *p, *end;
	const unsigned char *t, *t_end;
	__u64 last_ts;
};

/* One record onto @out: 0, -EINVAL or -ENOMEM. */
static int decode_one(struct codec *c, struct dec_in *in, struct tbuf *out)
{
	struct rtrace_file_rec e = {};
	__u64 head, id, key, size = 0, w8 = 0, v;
	size_t o, prev_size = 0, step;
	const unsigned char *prev = NULL;
	struct dec_ctx *ctx;
	unsigned char *r;

	if (!get_varint(&in->p, in->end, &head) || (id = head >> 1) > c->nr)
		return -EINVAL;
	if (id) {
		ctx = (struct dec_ctx *)c->dec.p + id - 1;
		prev_size = size = ctx->size;
		key = load64(out->p + ctx->off);
		w8 = load64(out->p + ctx->off + 8);
	} else {
		__u64 type, tid;

		/* a new context says all */
		if (!(head & 1) || !get_bounded(&in->p, in->end, UINT32_MAX, &type) ||
		    !get_bounded(&in->p, in->end, UINT32_MAX, &tid))
			return -EINVAL;
		key = type | tid << 32;
		if (tbuf_reserve(&c->dec, (c->nr + 1) * sizeof(*ctx)))
			return -ENOMEM;
		id = ++c->nr;
	}
	if (head & 1) {
		if (!get_bounded(&in->p, in->end, RTRACE_FILE_MAX_RECORD, &size) ||
		    size < RTRACE_FILE_MIN_RECORD || !get_varint(&in->p, in->end, &v))
			return -EINVAL;
		w8 += unzigzag(v);
	}
	step = sizeof(e) + ((size + 7) & ~(size_t)7);
	if (step > RTRACE_FILE_MAX_BLOCK - out->len)
		return -EINVAL;
	if (tbuf_reserve(out, out->len + step))
		return -ENOMEM;
	ctx = (struct dec_ctx *)c->dec.p + id - 1;
	if (prev_size)
		prev = out->p + ctx->off;
	r = out->p + out->len;
	e.size = size;
	memcpy(r, &e, sizeof(e));
	r += sizeof(e);
	store64(r, key);
	store64(r + 8, w8);
	if (!get_varint(&in->t, in->t_end, &v))
		return -EINVAL;
	in->last_ts += unzigzag(v);
	store64(r + 16, in->last_ts);
	for (o = sizeof(struct rtrace_hdr); o + 8 <= size; o += 8) {
		if (!get_varint(&in->p, in->end, &v))
			return -EINVAL;
		store64(r + o, unzigzag(v) + (o + 8 <= prev_size ? load64(prev + o) : 0));
	}
	if ((size_t)(in->end - in->p) < size - o)
		return -EINVAL;
	memcpy(r + o, in->p, size - o);
	in->p += size - o;
	memset(r + size, 0, step - sizeof(e) - size);
	*ctx = (struct dec_ctx){ .off = r - out->p, .size = size };
	out->len += step;
	return 0;
}

int codec_decode(struct codec *c, const unsigned char *data, size_t len, struct tbuf *out)
{
	struct dec_in in = {};
	__u32 n;
	int err = 0;

	c->nr = 0;
	out->len = 0;
	if (len < sizeof(n))
		return -EINVAL;
	memcpy(&n, data, sizeof(n));
	if (n > len - sizeof(n))
		return -EINVAL;
	in.p = data + sizeof(n);
	in.end = in.t = in.p + n;
	in.t_end = data + len;
	while (!err && in.p < in.end)
		err = decode_one(c, &in, out);
	/* both streams read to their end: no time left over */
	return err ?: in.t == in.t_end ? 0 : -EINVAL;
}
