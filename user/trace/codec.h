/* SPDX-License-Identifier: GPL-2.0 */
/* The records of a RECORDS block, encoded (file version 2; docs/trace-format.md says it byte
 * by byte): each record against the previous one of its context (type, tid) in the block,
 * 8-byte word by word, as zigzag varints of the differences; the timestamp against the
 * record before it. Nothing here knows a record's layout beyond struct rtrace_hdr: a struct
 * that grows, or captures that follow it, are only more words.
 *
 * Both directions take and give the block's entries decoded: per record a struct
 * rtrace_file_rec, the record, zeros to 8 bytes (version 1 stored them so). */
#ifndef RTRACE_TRACE_CODEC_H
#define RTRACE_TRACE_CODEC_H

#include <stddef.h>
#include "util/tbuf.h"

struct codec;

/* State kept from block to block (tables, not records: each block stands alone). NULL on
 * ENOMEM. */
struct codec *codec_new(void);
void codec_free(struct codec *c);

/* Encodes @len bytes of entries at @raw, which must be well formed (record sizes
 * RTRACE_FILE_MIN_RECORD to RTRACE_FILE_MAX_RECORD), into @out (its contents replaced):
 * 0 or -ENOMEM. */
int codec_encode(struct codec *c, const unsigned char *raw, size_t len, struct tbuf *out);

/* Decodes @len bytes at @data, taken as hostile, into @out (its contents replaced; at most
 * RTRACE_FILE_MAX_BLOCK bytes): 0, -EINVAL if anything is malformed, or -ENOMEM. */
int codec_decode(struct codec *c, const unsigned char *data, size_t len, struct tbuf *out);

#endif
