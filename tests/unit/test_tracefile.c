// SPDX-License-Identifier: GPL-2.0
/* Trace files: what is written reads back the same (metadata, functions, records,
 * answers, the end); version 1's records, stored as they are, still read; the replay view
 * answers by record index, the live view records an answer once; and the reader survives
 * thousands of mutated files (bytes flipped, cut, sizes lied about) under ASan. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include "proc/procview.h"
#include "trace/tracefile.h"
#include "tap.h"

struct seen {
	int meta, funcs, records, answers, ends;
	char meta_cmd[64], func_name[64], func_build_id[64];
	__u64 last_ts, func_id;
	bool answers_first;
};

static void on_meta(void *ctx, const char *key, const char *value)
{
	struct seen *s = ctx;

	s->meta++;
	if (!strcmp(key, "command"))
		snprintf(s->meta_cmd, sizeof(s->meta_cmd), "%s", value);
}

static void on_func(void *ctx, const struct trace_func *f)
{
	struct seen *s = ctx;

	s->funcs++;
	s->func_id = f->id;
	snprintf(s->func_name, sizeof(s->func_name), "%s", f->name);
	snprintf(s->func_build_id, sizeof(s->func_build_id), "%s", f->build_id);
}

static void on_answer(void *ctx, const struct rtrace_file_answer *a, size_t size)
{
	struct seen *s = ctx;

	(void)a;
	(void)size;
	if (!s->records)
		s->answers_first = true;
	s->answers++;
}

static void on_record(void *ctx, const void *data, size_t size)
{
	struct seen *s = ctx;
	const struct rtrace_hdr *h = data;

	(void)size;
	s->records++;
	s->last_ts = h->ts_ns;
}

static void on_end(void *ctx, const struct rtrace_file_end *e)
{
	struct seen *s = ctx;

	(void)e;
	s->ends++;
}

static const struct trace_reader_ops ops = {
	.meta = on_meta, .func = on_func, .answer = on_answer, .record = on_record, .end = on_end,
};

static int read_mem(const void *data, size_t len, struct seen *s, struct trace_read_result *res)
{
	FILE *f = fmemopen((void *)data, len, "r");
	int err;

	memset(s, 0, sizeof(*s));
	if (!f)
		return -1;
	err = trace_read(f, "mem", &ops, s, res);
	fclose(f);
	return err;
}

/* Appends a block of @len bytes at @data, stored as they are. */
static size_t put_block(unsigned char *p, __u32 type, const void *data, size_t len)
{
	struct rtrace_file_block blk = { .type = type, .raw_size = len, .data_size = len,
					 .crc = crc32(crc32(0, Z_NULL, 0), data, len) };

	memcpy(p, &blk, sizeof(blk));
	memcpy(p + sizeof(blk), data, len);
	return sizeof(blk) + len;
}

/* A version 1 file's parts, made by hand: its RECORDS entries as they are. */
static const struct rtrace_file_header v1_hdr = { .magic = RTRACE_FILE_MAGIC, .version = 1,
						  .header_size = sizeof(v1_hdr) };
static const struct { struct rtrace_file_rec e; struct rtrace_func_return r; } v1_recs[2] = {
	{ { .size = sizeof(struct rtrace_func_return) },
	  { .hdr = { RTRACE_EV_FUNC_RETURN, 7, 7, sizeof(struct rtrace_func_return), 10 } } },
	{ { .size = sizeof(struct rtrace_func_return) },
	  { .hdr = { RTRACE_EV_FUNC_RETURN, 7, 7, sizeof(struct rtrace_func_return), 20 } } },
};

static void test_version1(void)
{
	struct rtrace_file_end end = { .records = 2 };
	unsigned char file[512];
	struct trace_read_result res;
	struct seen s;
	size_t len = sizeof(v1_hdr);

	memcpy(file, &v1_hdr, sizeof(v1_hdr));
	len += put_block(file + len, RTRACE_BLK_RECORDS, v1_recs, sizeof(v1_recs));
	len += put_block(file + len, RTRACE_BLK_END, &end, sizeof(end));
	CHECK(!read_mem(file, len, &s, &res) && res.version == 1 && res.whole && !res.damaged &&
	      s.records == 2 && s.last_ts == 20, "version 1: its records read as they are");
}

/* Version 1's zlib-format blocks still read; a block that says both formats is damage. */
static void test_block_formats(void)
{
	struct rtrace_file_end end = { .records = 2 };
	unsigned char file[1024], z[512];
	uLongf zlen = sizeof(z);
	struct rtrace_file_block blk = { .type = RTRACE_BLK_RECORDS, .raw_size = sizeof(v1_recs) };
	struct trace_read_result res;
	struct seen s;
	size_t len = sizeof(v1_hdr);
	int flags;

	compress2(z, &zlen, (const void *)v1_recs, sizeof(v1_recs), 1);
	for (flags = RTRACE_BLKF_ZLIB; flags <= (RTRACE_BLKF_ZLIB | RTRACE_BLKF_DEFLATE);
	     flags += RTRACE_BLKF_DEFLATE) {
		len = sizeof(v1_hdr);
		memcpy(file, &v1_hdr, sizeof(v1_hdr));
		blk.flags = flags;
		blk.data_size = zlen;
		blk.crc = crc32(crc32(0, Z_NULL, 0), z, zlen);
		memcpy(file + len, &blk, sizeof(blk));
		memcpy(file + len + sizeof(blk), z, zlen);
		len += sizeof(blk) + zlen;
		len += put_block(file + len, RTRACE_BLK_END, &end, sizeof(end));
		if (flags == RTRACE_BLKF_ZLIB)
			CHECK(!read_mem(file, len, &s, &res) && !res.damaged && s.records == 2,
			      "a zlib-format block reads");
		else
			CHECK(!read_mem(file, len, &s, &res) && res.damaged == 1 && !s.records,
			      "a block flagged zlib and raw deflate both is damage");
	}
}

static void count_answer(void *ctx, const void *rec, size_t size)
{
	(void)rec;
	(void)size;
	(*(int *)ctx)++;
}

/* @fd of this process, reopened on @path, through the live view at record @seq. */
static void ask_fd(struct procview *pv, __u64 seq, int fd, const char *path)
{
	char buf[64];
	int new = open(path, O_RDONLY);

	dup2(new, fd);
	close(new);
	procview_set_seq(pv, seq);
	procview_link(pv, getpid(), fd, buf, sizeof(buf));
}

/* The live view records an answer unless it is the latest it recorded to the question,
 * which a replay gives later records too. */
static void test_live_view(void)
{
	struct procview *pv = procview_live();
	int n = 0, fd = open("/dev/null", O_RDONLY);

	procview_set_recorder(pv, count_answer, &n);
	ask_fd(pv, 1, fd, "/dev/null");
	ask_fd(pv, 2, fd, "/dev/null");
	CHECK_INT(n, 1, "live: asked at two records, answered alike: recorded once");
	ask_fd(pv, 3, fd, "/dev/zero");
	CHECK_INT(n, 2, "live: another answer to the question: recorded");
	ask_fd(pv, 4, fd, "/dev/null");
	CHECK_INT(n, 3, "live: the first answer again, no longer the latest: recorded");
	close(fd);
	procview_free(pv);
}

int main(void)
{
	char path[] = "/tmp/rtrace-tf.XXXXXX";
	struct trace_func fn = { .id = 3, .addr = 0x1000, .offset = 0x1004, .name = "fib",
				 .module = "/bin/fib", .build_id = "abcd", .debug_path = "" };
	struct rtrace_file_end end = { .records = 5000, .lost = 0 };
	struct { struct rtrace_file_answer a; char data[8]; } ans = {};
	struct trace_read_result res;
	struct trace_writer *w;
	struct procview *pv;
	struct seen s;
	unsigned char *data;
	size_t len;
	char buf[64];
	FILE *f;
	int fd, i, crashes = 0, err;

	fd = mkstemp(path);
	close(fd);
	CHECK_INT(trace_writer_open(&w, path, false), -EEXIST, "an existing file is not overwritten");
	CHECK_INT(trace_writer_open(&w, path, true), 0, "--force overwrites");
	trace_writer_meta(w, "command", "fib 10\nwith \\ and a newline");
	trace_writer_func(w, &fn);
	for (i = 0; i < 5000; i++) {
		struct rtrace_func_entry e = { .hdr = { .type = RTRACE_EV_FUNC_ENTRY, .tid = 7,
							.tgid = 7, .size = sizeof(e),
							.ts_ns = 1000 + i } };

		trace_writer_record(w, &e, sizeof(e));
		if (i == 10) {
			ans.a.hdr.type = RTRACE_FILE_ANSWER;
			ans.a.hdr.size = sizeof(ans);
			ans.a.kind = PV_SYM;
			ans.a.pid = 7;
			ans.a.key[0] = 0x4000;
			ans.a.seq = 10;
			ans.a.result = 1;
			ans.a.len = 5;
			memcpy(ans.data, "twice", 5);
			trace_writer_record(w, &ans, sizeof(ans));
		}
	}
	CHECK_INT(trace_writer_close(w, &end), 0, "written and closed");

	f = fopen(path, "r");
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	data = malloc(len);
	CHECK(fread(data, 1, len, f) == len, "read back");
	fclose(f);
	unlink(path);

	CHECK_INT(read_mem(data, len, &s, &res), 0, "reads");
	CHECK(res.whole && !res.damaged && res.version == RTRACE_FILE_VERSION,
	      "whole, nothing damaged, the current version");
	CHECK_STR(s.meta_cmd, "fib 10\nwith \\ and a newline", "metadata escaped and back");
	CHECK(s.funcs == 1 && s.func_id == 3 && !strcmp(s.func_name, "fib") &&
	      !strcmp(s.func_build_id, "abcd"), "the function");
	CHECK_INT(s.records, 5000, "5,000 records");
	CHECK(s.last_ts == 1000 + 4999, "in order, to the last");
	CHECK(s.answers == 1 && s.answers_first, "the answer, before its block's records");
	CHECK_INT(s.ends, 1, "the end");
	CHECK(len < 5000 * 8 + 2048, "compressed: %zu bytes for 5,000 112-byte records", len);

	/* The replay view: an answer holds from the record that asked, not before. */
	pv = procview_replay();
	CHECK_INT(procview_add_answer(pv, &ans.a, sizeof(ans)), 0, "answer added");
	procview_set_seq(pv, 9);
	CHECK(!procview_sym(pv, 7, NULL, 0, 0, 0x4000, buf, sizeof(buf)), "not before the record that asked");
	procview_set_seq(pv, 10);
	CHECK_STR(procview_sym(pv, 7, NULL, 0, 0, 0x4000, buf, sizeof(buf)) ?: "(null)", "twice",
		  "the answer at its record");
	CHECK(!procview_sym(pv, 8, NULL, 0, 0, 0x4000, buf, sizeof(buf)), "another process: no answer");
	ans.a.len = 4096 + 1;
	CHECK_INT(procview_add_answer(pv, &ans.a, sizeof(ans)), -EINVAL, "a lying length: refused");
	procview_free(pv);
	test_live_view();

	/* Hostile files: flips, cuts, sizes. Nothing may crash or hang (ASan watches). */
	srand(1);
	for (i = 0; i < 3000; i++) {
		unsigned char *m = malloc(len);
		size_t mlen = len, j, n = 1 + rand() % 8;

		memcpy(m, data, len);
		for (j = 0; j < n; j++) {
			size_t at = rand() % len;

			switch (rand() % 4) {
			case 0: m[at] ^= 1 << (rand() % 8); break;
			case 1: m[at] = 0xff; break;
			case 2: mlen = at; break;
			default:	/* a size field of the first blocks */
				if (len > 64) {
					size_t off = 24 + (rand() % 2) * 8 + 8 + rand() % 2 * 4;

					m[off] = rand();
					m[off + 1] = rand();
				}
			}
		}
		err = read_mem(m, mlen, &s, &res);
		if (err && err != -EINVAL && err != -EPROTONOSUPPORT)
			crashes++;
		if (s.records > 5000)
			crashes++;
		free(m);
	}
	CHECK_INT(crashes, 0, "3,000 mutated files: each read or refused, never more records");
	free(data);
	test_version1();
	test_block_formats();
	return tap_done();
}
