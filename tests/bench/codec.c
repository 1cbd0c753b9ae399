// SPDX-License-Identifier: GPL-2.0
/* `make bench`: what the RECORDS codec costs. Takes a trace file's records, gathers them in
 * blocks as the writer does, and times encoding, decoding and zlib over them (CPU time, the
 * best of 7 rounds), each block checked to come back bit for bit; and zlib over the records
 * as they are, as version 1 stored them.
 *   build/bench/codec FILE */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>
#include "trace/codec.h"
#include "trace/tracefile.h"

#define BLOCK_TARGET	(1U << 20)	/* the writer's */
#define ROUNDS		7

struct blocks {
	struct tbuf b[4096];
	int n;
	size_t records;
};

static void on_record(void *ctx, const void *data, size_t size)
{
	struct blocks *bl = ctx;
	struct rtrace_file_rec e = { .size = size };
	size_t step = sizeof(e) + ((size + 7) & ~7UL);
	struct tbuf *b;

	if (!bl->n || bl->b[bl->n - 1].len >= BLOCK_TARGET) {
		if (bl->n == 4096)
			return;
		bl->n++;
	}
	b = &bl->b[bl->n - 1];
	if (tbuf_reserve(b, b->len + step))
		exit(1);
	memset(b->p + b->len, 0, step);
	memcpy(b->p + b->len, &e, sizeof(e));
	memcpy(b->p + b->len + sizeof(e), data, size);
	b->len += step;
	bl->records++;
}

static void on_answer(void *ctx, const struct rtrace_file_answer *a, size_t size)
{
	on_record(ctx, a, size);
}

static double cpu_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

int main(int argc, char **argv)
{
	static struct blocks bl;
	struct trace_reader_ops ops = { .record = on_record, .answer = on_answer };
	double best[5] = { 1e30, 1e30, 1e30, 1e30, 1e30 };
	struct tbuf enc = {}, dec = {}, z = {}, back = {};
	struct trace_read_result res;
	size_t raw = 0, stored = 0, v1 = 0;
	struct codec *c = codec_new();
	int i, r, bad = 0;
	FILE *f;

	if (argc != 2 || !(f = fopen(argv[1], "r")) || !c) {
		fprintf(stderr, "usage: codec FILE\n");
		return 2;
	}
	if (trace_read(f, argv[1], &ops, &bl, &res) || !bl.records)
		return 1;
	fclose(f);
	for (r = 0; r < ROUNDS; r++) {
		double t[5] = {};

		for (i = 0; i < bl.n; i++) {
			uLongf zlen, blen;
			double t0 = cpu_ns(), t1, t2, t3, t4;

			codec_encode(c, bl.b[i].p, bl.b[i].len, &enc);
			t1 = cpu_ns();
			zlen = compressBound(enc.len);
			if (tbuf_reserve(&z, zlen) || tbuf_reserve(&back, enc.len + 1))
				return 1;
			compress2(z.p, &zlen, enc.p, enc.len, Z_BEST_SPEED);
			t2 = cpu_ns();
			blen = enc.len;
			uncompress(back.p, &blen, z.p, zlen);
			t3 = cpu_ns();
			bad += codec_decode(c, back.p, blen, &dec) || dec.len != bl.b[i].len ||
			       memcmp(dec.p, bl.b[i].p, dec.len);
			t4 = cpu_ns();
			if (!r) {
				raw += enc.len;
				stored += zlen;
			}
			zlen = compressBound(bl.b[i].len);
			if (tbuf_reserve(&z, zlen))
				return 1;
			compress2(z.p, &zlen, bl.b[i].p, bl.b[i].len, Z_BEST_SPEED);
			v1 += r ? 0 : zlen;
			t[0] += t1 - t0;
			t[1] += t2 - t1;
			t[2] += t3 - t2;
			t[3] += t4 - t3;
			t[4] += cpu_ns() - t4;
		}
		for (i = 0; i < 5; i++)
			best[i] = t[i] < best[i] ? t[i] : best[i];
	}
	printf("%zu records in %d blocks, %s\n", bl.records, bl.n,
	       bad ? "NOT ALL BACK BIT FOR BIT" : "each back bit for bit");
	printf("encode %.1f ns/record, deflate %.1f, inflate %.1f, decode %.1f; "
	       "%.1f bytes/record encoded, %.2f deflated\n", best[0] / bl.records,
	       best[1] / bl.records, best[2] / bl.records, best[3] / bl.records,
	       (double)raw / bl.records, (double)stored / bl.records);
	printf("version 1 (records as they are): deflate %.1f ns/record, %.2f bytes/record\n",
	       best[4] / bl.records, (double)v1 / bl.records);
	for (i = 0; i < bl.n; i++)
		free(bl.b[i].p);
	free(enc.p);
	free(dec.p);
	free(z.p);
	free(back.p);
	codec_free(c);
	return bad ? 1 : 0;
}
