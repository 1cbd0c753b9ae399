// SPDX-License-Identifier: GPL-2.0
/* The trace file's reader. Every size is checked against what holds it before
 * it is used; a block whose CRC, inflation or decoding fails is skipped with a
 * warning; the first short read ends the file as cut. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "codec.h"
#include "tracefile.h"
#include "util/log.h"

struct reader {
	const char *name;
	const struct trace_reader_ops *ops;
	void *ctx;
	struct trace_read_result *res;
	struct codec *codec;
	struct tbuf dec;	/* a RECORDS block decoded */
};

/* META: key=value lines, values unescaped in place. */
static void read_meta(struct reader *r, char *p, size_t len)
{
	char *end = p + len;

	while (p < end) {
		char *nl = memchr(p, '\n', end - p), *eq, *src, *dst;

		if (!nl)
			break;
		*nl = '\0';
		eq = strchr(p, '=');
		if (eq) {
			*eq = '\0';
			for (src = dst = eq + 1; *src; src++, dst++) {
				if (*src == '\\' && src[1])
					*dst = *++src == 'n' ? '\n' : *src;
				else
					*dst = *src;
			}
			*dst = '\0';
			if (r->ops->meta)
				r->ops->meta(r->ctx, p, eq + 1);
		}
		p = nl + 1;
	}
}

/* A length-prefixed string at *p (of @end), NUL-terminated into @buf. */
static bool get_str(const unsigned char **p, const unsigned char *end, char *buf)
{
	__u32 len;

	if (end - *p < (long)sizeof(len))
		return false;
	memcpy(&len, *p, sizeof(len));
	*p += sizeof(len);
	if (len >= TRACE_MAX_STR || end - *p < (long)len)
		return false;
	memcpy(buf, *p, len);
	buf[len] = '\0';
	*p += len;
	return true;
}

static bool read_funcs(struct reader *r, const unsigned char *p, size_t len)
{
	static char name[TRACE_MAX_STR], module[TRACE_MAX_STR], id[TRACE_MAX_STR],
		debug[TRACE_MAX_STR];
	const unsigned char *end = p + len;

	while (end - p >= (long)sizeof(struct rtrace_file_func)) {
		struct rtrace_file_func e;
		const unsigned char *q = p + sizeof(e);
		struct trace_func f;

		memcpy(&e, p, sizeof(e));
		if (e.size < sizeof(e) || e.size % 8 || e.size > (size_t)(end - p))
			return false;
		if (!get_str(&q, p + e.size, name) || !get_str(&q, p + e.size, module) ||
		    !get_str(&q, p + e.size, id) || !get_str(&q, p + e.size, debug))
			return false;
		f = (struct trace_func){ .id = e.id, .addr = e.addr, .offset = e.offset,
					 .flags = e.flags, .name = name, .module = module,
					 .build_id = id, .debug_path = debug };
		if (e.flags & RTRACE_FUNCF_TYPED) {
			__u32 plen;

			if (p + e.size - q < (long)sizeof(plen))
				return false;
			memcpy(&plen, q, sizeof(plen));
			q += sizeof(plen);
			if (plen > (size_t)(p + e.size - q))
				return false;
			f.proto = q;
			f.proto_len = plen;
		}
		if (r->ops->func)
			r->ops->func(r->ctx, &f);
		p += e.size;
	}
	return p == end;
}

/* Walks RECORDS entries, the answers (@answers) or the others. False if malformed. */
static bool walk_records(struct reader *r, const unsigned char *p, size_t len, bool answers)
{
	const unsigned char *end = p + len;

	while (p < end) {
		struct rtrace_file_rec e;
		const struct rtrace_hdr *h;
		size_t step;

		if (end - p < (long)sizeof(e))
			return false;
		memcpy(&e, p, sizeof(e));
		p += sizeof(e);
		step = ((size_t)e.size + 7) & ~(size_t)7;
		if (e.size < RTRACE_FILE_MIN_RECORD || e.size > RTRACE_FILE_MAX_RECORD ||
		    step > (size_t)(end - p))
			return false;
		h = (const void *)p;
		if ((h->type == RTRACE_FILE_ANSWER) == answers) {
			if (answers && r->ops->answer)
				r->ops->answer(r->ctx, (const void *)p, e.size);
			else if (!answers && r->ops->record)
				r->ops->record(r->ctx, p, e.size);
		}
		p += step;
	}
	return true;
}

/* Records, decoded first from version 2 on; checked whole before any is handed on. */
static int read_records(struct reader *r, const unsigned char *data, size_t len)
{
	int err;

	if (r->res->version >= 2) {
		err = codec_decode(r->codec, data, len, &r->dec);
		if (err || !r->dec.len)
			return err;
		data = r->dec.p;
		len = r->dec.len;
	}
	if (!walk_records(r, data, len, true))
		return -EINVAL;
	walk_records(r, data, len, false);
	return 0;
}

/* 0, -EINVAL for a damaged block, or -ENOMEM. */
static int read_block(struct reader *r, const struct rtrace_file_block *blk, unsigned char *data)
{
	struct rtrace_file_end end;

	switch (blk->type) {
	case RTRACE_BLK_META:
		read_meta(r, (char *)data, blk->raw_size);
		return 0;
	case RTRACE_BLK_FUNCS:
		return read_funcs(r, data, blk->raw_size) ? 0 : -EINVAL;
	case RTRACE_BLK_RECORDS:
		return read_records(r, data, blk->raw_size);
	case RTRACE_BLK_END:
		if (blk->raw_size < sizeof(end))
			return -EINVAL;
		memcpy(&end, data, sizeof(end));
		r->res->whole = true;
		if (r->ops->end)
			r->ops->end(r->ctx, &end);
		return 0;
	default:
		return 0;	/* a newer writer's: not ours to read */
	}
}

int trace_read(FILE *f, const char *name, const struct trace_reader_ops *ops, void *ctx,
	       struct trace_read_result *res)
{
	struct reader r = { .name = name, .ops = ops, .ctx = ctx, .res = res };
	struct rtrace_file_header hdr;
	struct tbuf stored = {}, raw = {};
	z_stream zs = {};
	bool zs_ok = false;
	__u64 off;
	int err = 0;

	memset(res, 0, sizeof(*res));
	if (fread(&hdr, 1, sizeof(hdr), f) != sizeof(hdr) ||
	    memcmp(hdr.magic, RTRACE_FILE_MAGIC, sizeof(hdr.magic))) {
		elog("%s: not an rtrace trace file", name);
		return -EINVAL;
	}
	res->version = hdr.version;
	if (hdr.version > RTRACE_FILE_VERSION || hdr.features) {
		elog("%s: written by a newer rtrace (file version %u; this one reads %u)", name,
		     hdr.version, RTRACE_FILE_VERSION);
		return -EPROTONOSUPPORT;
	}
	if (hdr.header_size < sizeof(hdr) || hdr.header_size > 4096 ||
	    fseek(f, hdr.header_size, SEEK_SET)) {
		elog("%s: not an rtrace trace file", name);
		return -EINVAL;
	}
	r.codec = codec_new();
	if (!r.codec)
		return -ENOMEM;
	off = hdr.header_size;
	while (!res->whole) {
		struct rtrace_file_block blk;
		unsigned char *data;
		size_t n = fread(&blk, 1, sizeof(blk), f);

		if (n == 0 && feof(f))
			break;
		if (n != sizeof(blk) || blk.data_size > RTRACE_FILE_MAX_BLOCK ||
		    blk.raw_size > RTRACE_FILE_MAX_BLOCK)
			break;	/* cut short, or a size no writer makes */
		/* + 1: a buffer even for an empty block (no NULL + 0 below) */
		if (tbuf_reserve(&stored, blk.data_size + 1) ||
		    tbuf_reserve(&raw, blk.raw_size + 1)) {
			err = -ENOMEM;
			goto cleanup;
		}
		data = stored.p;
		if (fread(stored.p, 1, blk.data_size, f) != blk.data_size) {
			/* Cut short: nothing after it can be found. */
			break;
		}
		if (crc32(crc32(0, Z_NULL, 0), stored.p, blk.data_size) != blk.crc)
			goto damaged;
		if ((blk.flags & RTRACE_BLKF_ZLIB) && (blk.flags & RTRACE_BLKF_DEFLATE)) {
			goto damaged;
		} else if (blk.flags & RTRACE_BLKF_ZLIB) {
			uLongf len = blk.raw_size;

			if (uncompress(raw.p, &len, stored.p, blk.data_size) != Z_OK ||
			    len != blk.raw_size)
				goto damaged;
			data = raw.p;
		} else if (blk.flags & RTRACE_BLKF_DEFLATE) {
			if (!zs_ok) {
				zs_ok = inflateInit2(&zs, -15) == Z_OK;
				if (!zs_ok) {
					err = -ENOMEM;
					goto cleanup;
				}
			}
			zs.next_in = stored.p;
			zs.avail_in = blk.data_size;
			zs.next_out = raw.p;
			zs.avail_out = blk.raw_size;
			if (inflateReset(&zs) != Z_OK || inflate(&zs, Z_FINISH) != Z_STREAM_END ||
			    zs.total_out != blk.raw_size)
				goto damaged;
			data = raw.p;
		} else if (blk.raw_size != blk.data_size) {
			goto damaged;
		}
		err = read_block(&r, &blk, data);
		if (err == -ENOMEM)
			goto cleanup;
		if (!err)
			goto next;
		err = 0;
damaged:
		elog("%s: damaged block at offset %llu skipped", name, (unsigned long long)off);
		res->damaged++;
next:
		off += sizeof(blk) + blk.data_size;
	}
	if (!res->whole) {
		res->truncated_at = off;
		elog("%s: cut short at offset %llu (rtrace stopped while recording?): read up to "
		     "its last whole block", name, (unsigned long long)off);
	}
cleanup:
	if (zs_ok)
		inflateEnd(&zs);
	free(stored.p);
	free(raw.p);
	free(r.dec.p);
	codec_free(r.codec);
	return err;
}
