// SPDX-License-Identifier: GPL-2.0
/* The trace file's writer: records gather in a buffer that goes out as one
 * block, encoded (codec.h) and compressed, when it holds 1 MiB; functions and
 * metadata go before the records that need them. A write error is kept and
 * said at close. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include "codec.h"
#include "tracefile.h"

#define BLOCK_TARGET	(1U << 20)	/* of records, decoded */

struct trace_writer {
	int fd;
	int err;		/* first error */
	__u64 bytes, records;
	struct tbuf meta, funcs;
	struct tbuf recs;	/* records as a reader decodes them (struct rtrace_file_rec...) */
	struct tbuf enc;	/* recs encoded */
	struct tbuf z;		/* a block compressed */
	struct tbuf check;	/* enc decoded again, when checked */
	struct codec *codec;
	z_stream zs;		/* raw deflate, reset for each block */
	bool zs_ok;
	bool meta_done, check_codec;
};

static void buf_put(struct trace_writer *w, struct tbuf *b, const void *data, size_t len)
{
	if (tbuf_reserve(b, b->len + len)) {
		w->err = w->err ?: -ENOMEM;
		return;
	}
	memcpy(b->p + b->len, data, len);
	b->len += len;
}

static void buf_pad8(struct trace_writer *w, struct tbuf *b)
{
	static const unsigned char zero[8];

	if (b->len % 8)
		buf_put(w, b, zero, 8 - b->len % 8);
}

static void write_all(struct trace_writer *w, const void *data, size_t len)
{
	const unsigned char *p = data;

	while (len && !w->err) {
		ssize_t n = write(w->fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			w->err = n < 0 ? -errno : -EIO;
			return;
		}
		p += n;
		len -= n;
		w->bytes += n;
	}
}

/* One block of @b's bytes, compressed when that makes it smaller; @b empties. Z_BEST_SPEED:
 * on encoded records, levels 3 and 6 save 4-23% and 10-44% of the bytes for about 1.3 and 3
 * times the CPU. */
static void write_block(struct trace_writer *w, __u32 type, struct tbuf *b)
{
	struct rtrace_file_block blk = { .type = type, .raw_size = b->len };
	const unsigned char *data = b->p;
	uLong zlen;

	if (w->err)
		goto out;
	blk.data_size = b->len;
	if (!b->len || !w->zs_ok || deflateReset(&w->zs) != Z_OK)
		goto store;
	zlen = deflateBound(&w->zs, b->len);
	if (tbuf_reserve(&w->z, zlen)) {
		w->err = -ENOMEM;
		goto out;
	}
	w->zs.next_in = b->p;
	w->zs.avail_in = b->len;
	w->zs.next_out = w->z.p;
	w->zs.avail_out = zlen;
	if (deflate(&w->zs, Z_FINISH) == Z_STREAM_END && w->zs.total_out < b->len) {
		data = w->z.p;
		blk.data_size = w->zs.total_out;
		blk.flags = RTRACE_BLKF_DEFLATE;
	}
store:
	blk.crc = crc32(crc32(0, Z_NULL, 0), data, blk.data_size);
	write_all(w, &blk, sizeof(blk));
	write_all(w, data, blk.data_size);
out:
	b->len = 0;
}

/* The records gathered, encoded into w->enc; decoded again and compared, bit for bit, when
 * checked (RTRACE_CHECK_CODEC). recs empties. */
static void encode_records(struct trace_writer *w)
{
	int err = codec_encode(w->codec, w->recs.p, w->recs.len, &w->enc);

	if (!err && w->check_codec) {
		err = codec_decode(w->codec, w->enc.p, w->enc.len, &w->check);
		if (!err && (w->check.len != w->recs.len ||
			     memcmp(w->check.p, w->recs.p, w->recs.len)))
			err = -EBADMSG;
	}
	if (err)
		w->err = w->err ?: err;
	w->recs.len = 0;
}

/* Metadata, then new functions, then the records: what a record needs comes first. */
static void flush(struct trace_writer *w)
{
	if (!w->meta_done) {
		write_block(w, RTRACE_BLK_META, &w->meta);
		w->meta_done = true;
	}
	if (w->funcs.len)
		write_block(w, RTRACE_BLK_FUNCS, &w->funcs);
	if (w->recs.len) {
		encode_records(w);
		write_block(w, RTRACE_BLK_RECORDS, &w->enc);
	}
}

int trace_writer_open(struct trace_writer **wp, const char *path, bool force)
{
	struct rtrace_file_header hdr = {
		.magic = RTRACE_FILE_MAGIC, .version = RTRACE_FILE_VERSION,
		.header_size = sizeof(hdr),
	};
	struct trace_writer *w;
	int err;

	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->codec = codec_new();
	if (!w->codec) {
		free(w);
		return -ENOMEM;
	}
	w->fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (force ? O_TRUNC : O_EXCL), 0644);
	if (w->fd < 0) {
		err = -errno;
		codec_free(w->codec);
		free(w);
		return err;
	}
	/* without it, blocks are stored as they are */
	w->zs_ok = deflateInit2(&w->zs, Z_BEST_SPEED, Z_DEFLATED, -15, 8,
				Z_DEFAULT_STRATEGY) == Z_OK;
	write_all(w, &hdr, sizeof(hdr));
	*wp = w;
	return w->err;
}

void trace_writer_meta(struct trace_writer *w, const char *key, const char *value)
{
	const char *s;

	buf_put(w, &w->meta, key, strlen(key));
	buf_put(w, &w->meta, "=", 1);
	for (s = value; *s; s++) {
		if (*s == '\\' || *s == '\n')
			buf_put(w, &w->meta, *s == '\\' ? "\\\\" : "\\n", 2);
		else
			buf_put(w, &w->meta, s, 1);
	}
	buf_put(w, &w->meta, "\n", 1);
}

void trace_writer_check_codec(struct trace_writer *w)
{
	w->check_codec = true;
}

static void put_str(struct trace_writer *w, struct tbuf *b, const char *s)
{
	__u32 len = s ? strnlen(s, TRACE_MAX_STR) : 0;

	buf_put(w, b, &len, sizeof(len));
	buf_put(w, b, s, len);
}

void trace_writer_func(struct trace_writer *w, const struct trace_func *f)
{
	struct rtrace_file_func e = {
		.flags = f->flags & ~RTRACE_FUNCF_TYPED, .id = f->id, .addr = f->addr,
		.offset = f->offset,
	};
	size_t start = w->funcs.len;

	buf_put(w, &w->funcs, &e, sizeof(e));
	put_str(w, &w->funcs, f->name);
	put_str(w, &w->funcs, f->module);
	put_str(w, &w->funcs, f->build_id);
	put_str(w, &w->funcs, f->debug_path);
	if (f->flags & RTRACE_FUNCF_TYPED) {
		/* one that large is left out: RTRACE_FILE_MAX_BLOCK bounds the entry */
		__u32 len = f->proto_len < RTRACE_FILE_MAX_BLOCK / 2 ? f->proto_len : 0;

		((struct rtrace_file_func *)(w->funcs.p + start))->flags |= RTRACE_FUNCF_TYPED;
		buf_put(w, &w->funcs, &len, sizeof(len));
		buf_put(w, &w->funcs, f->proto, len);
	}
	buf_pad8(w, &w->funcs);
	if (!w->err)
		((struct rtrace_file_func *)(w->funcs.p + start))->size = w->funcs.len - start;
	/* thousands of functions with their types: blocks a reader takes */
	if (w->funcs.len >= BLOCK_TARGET) {
		if (!w->meta_done) {
			write_block(w, RTRACE_BLK_META, &w->meta);
			w->meta_done = true;
		}
		write_block(w, RTRACE_BLK_FUNCS, &w->funcs);
	}
}

void trace_writer_record(struct trace_writer *w, const void *data, size_t size)
{
	struct rtrace_file_rec r = { .size = size };
	bool answer = size >= sizeof(struct rtrace_hdr) &&
		      ((const struct rtrace_hdr *)data)->type == RTRACE_FILE_ANSWER;

	/* Sizes a reader would take for damage: no record of rtrace's comes near. */
	if (size < RTRACE_FILE_MIN_RECORD || size > RTRACE_FILE_MAX_RECORD) {
		w->err = w->err ?: -EMSGSIZE;
		return;
	}
	/* A block ends before a record, never between a record and the answers its
	 * decoding gave: a reader gives a block's answers before its records. */
	if (!answer && w->recs.len >= BLOCK_TARGET)
		flush(w);
	buf_put(w, &w->recs, &r, sizeof(r));
	buf_put(w, &w->recs, data, size);
	buf_pad8(w, &w->recs);
	if (!answer)
		w->records++;
}

void trace_writer_stats(const struct trace_writer *w, __u64 *bytes, __u64 *records)
{
	*bytes = w->bytes + w->recs.len;
	*records = w->records;
}

int trace_writer_close(struct trace_writer *w, const struct rtrace_file_end *end)
{
	struct tbuf e = {};
	int err;

	flush(w);
	buf_put(w, &e, end, sizeof(*end));
	write_block(w, RTRACE_BLK_END, &e);
	free(e.p);
	if (close(w->fd) && !w->err)
		w->err = -errno;
	err = w->err;
	free(w->meta.p);
	free(w->funcs.p);
	free(w->recs.p);
	free(w->enc.p);
	free(w->z.p);
	free(w->check.p);
	codec_free(w->codec);
	if (w->zs_ok)
		deflateEnd(&w->zs);
	free(w);
	return err;
}
