/* SPDX-License-Identifier: GPL-2.0 */
/* Writing and reading trace files (format.h). The reader takes every byte as hostile:
 * bounded sizes, CRCs, a damaged block skipped, a cut file read up to its last whole
 * block. */
#ifndef RTRACE_TRACEFILE_H
#define RTRACE_TRACEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>
#include "format.h"

#define TRACE_MAX_STR	4096	/* a name, a path, a meta value */

/* A traced function as the file keeps it. */
struct trace_func {
	__u64 id, addr, offset;
	__u32 flags;			/* RTRACE_FUNCF_* */
	const char *name;
	const char *module;		/* its path as the target saw it */
	const char *build_id;		/* hex; "" if none */
	const char *debug_path;		/* its separate debug file, or "" */
	/* Its prototype and types (dwarf/proto_codec.h), or none: @proto_len 0. */
	const void *proto;
	size_t proto_len;
};

struct trace_writer;

/* Creates @path for writing; an existing file is an error (-EEXIST) unless @force. */
int trace_writer_open(struct trace_writer **w, const char *path, bool force);
/* Each RECORDS block decoded again as it is written and compared with its records, bit for
 * bit: a difference makes trace_writer_close() fail with -EBADMSG (tests). */
void trace_writer_check_codec(struct trace_writer *w);
/* Session metadata, written in the first block. */
void trace_writer_meta(struct trace_writer *w, const char *key, const char *value);
/* A function: written before the records that follow it. */
void trace_writer_func(struct trace_writer *w, const struct trace_func *f);
/* A record (struct rtrace_hdr first), or a procview answer. */
void trace_writer_record(struct trace_writer *w, const void *data, size_t size);
/* Flushes, writes the END block and closes: 0 or the first error (-errno) met. */
int trace_writer_close(struct trace_writer *w, const struct rtrace_file_end *end);
/* Bytes written so far, records (answers not counted). */
void trace_writer_stats(const struct trace_writer *w, __u64 *bytes, __u64 *records);

struct trace_reader_ops {
	void (*meta)(void *ctx, const char *key, const char *value);
	void (*func)(void *ctx, const struct trace_func *f);
	/* A block's answers come before its records. */
	void (*answer)(void *ctx, const struct rtrace_file_answer *a, size_t size);
	void (*record)(void *ctx, const void *data, size_t size);
	void (*end)(void *ctx, const struct rtrace_file_end *end);
};

/* What trace_read() saw. */
struct trace_read_result {
	__u32 version;		/* the file's: 1 or 2 */
	bool whole;		/* the END block was read */
	unsigned int damaged;	/* blocks skipped */
	__u64 truncated_at;	/* offset where a cut file ends, if not whole */
};

/* Reads @f (@name for messages), calling @ops (any may be NULL). Returns 0, with
 * warnings said for damaged blocks and a cut end; -EINVAL after saying the file is no
 * rtrace file, -EPROTONOSUPPORT for a newer version, or -errno. */
int trace_read(FILE *f, const char *name, const struct trace_reader_ops *ops, void *ctx,
	       struct trace_read_result *res);

#endif
