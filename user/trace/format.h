/* SPDX-License-Identifier: GPL-2.0 */
/* The trace file (rtrace record): docs/trace-format.md says it in full.
 *
 *   header | block | block | ... | END block
 *
 * Every block: a struct rtrace_file_block, then data_size bytes whose CRC32 (zlib's) is crc,
 * compressed with zlib when RTRACE_BLKF_ZLIB (raw_size bytes once inflated). Blocks stand
 * alone: a reader skips a damaged one and goes on with the next. All integers are
 * little-endian (x86-64 only for now). */
#ifndef RTRACE_TRACE_FORMAT_H
#define RTRACE_TRACE_FORMAT_H

#include <linux/types.h>
#include "rtrace.h"

#define RTRACE_FILE_MAGIC	"RTRACE\x89\n"	/* 8 bytes: a text tool sees binary */
/* 2: RECORDS blocks hold their records encoded (codec.h); a reader still reads version 1's
 * as they are. */
#define RTRACE_FILE_VERSION	2
/* Bounds a reader holds every block to, stored, inflated and decoded: anything larger is
 * damage. */
#define RTRACE_FILE_MAX_BLOCK	(16U << 20)
/* A record's size. The largest BPF makes is under 16 KiB (bpf/capture.bpf.h's RECORD_MAX),
 * an answer 4 KiB and its header: room to grow. */
#define RTRACE_FILE_MIN_RECORD	sizeof(struct rtrace_hdr)
#define RTRACE_FILE_MAX_RECORD	(64U << 10)

struct rtrace_file_header {
	char magic[8];
	__u32 version;		/* RTRACE_FILE_VERSION; a reader refuses a larger one */
	__u32 features;		/* none yet: bits a reader must understand */
	__u32 header_size;	/* sizeof(struct rtrace_file_header): blocks follow */
	__u32 pad;
};

enum rtrace_block_type {
	/* `key=value` lines, UTF-8, values escaped as C strings are (\n, \\): the session. */
	RTRACE_BLK_META = 1,
	/* struct rtrace_file_func entries: functions by id, appended as they are traced. */
	RTRACE_BLK_FUNCS,
	/* The records in time order (include/rtrace.h's, the loader's RTRACE_EV_LOST, and
	 * RTRACE_FILE_ANSWER), encoded (codec.h); decoded, struct rtrace_file_rec entries. */
	RTRACE_BLK_RECORDS,
	/* struct rtrace_file_end: the file is whole. */
	RTRACE_BLK_END,
};

#define RTRACE_BLKF_ZLIB	1	/* zlib's format (RFC 1950): version 1's writer */
/* Raw deflate (RFC 1951): no zlib header or Adler-32, which the block's CRC makes redundant
 * (the checksum was a tenth of deflating's time). One of the two bits at most. */
#define RTRACE_BLKF_DEFLATE	2

struct rtrace_file_block {
	__u32 type;		/* enum rtrace_block_type; a reader skips types it does not know */
	__u32 flags;		/* RTRACE_BLKF_* */
	__u32 raw_size;		/* of the data once inflated; <= RTRACE_FILE_MAX_BLOCK */
	__u32 data_size;	/* stored; <= RTRACE_FILE_MAX_BLOCK */
	__u32 crc;		/* CRC32 of the stored data */
	__u32 pad;
};

/* A RECORDS block decoded (version 1: as stored): each record's size, then the record,
 * padded to 8 bytes with zeros. */
struct rtrace_file_rec {
	__u32 size;		/* of the record: RTRACE_FILE_MIN_RECORD to _MAX_RECORD */
	__u32 pad;
};

/* A record type no BPF program makes: what the live process answered a decoder (a
 * function pointer's name, constant memory, an fd's path), so that a replay shows what
 * the live output showed. seq: the index of the record being decoded when it was asked
 * (records counted from 0, answers not counted). */
#define RTRACE_FILE_ANSWER	0x8001

struct rtrace_file_answer {
	struct rtrace_hdr hdr;	/* type RTRACE_FILE_ANSWER, ts_ns 0 */
	__u64 seq;
	__u32 kind;		/* enum procview_kind */
	__s32 pid;
	__u64 key[2];		/* an address, an fd... (procview.h) */
	__s64 result;		/* the call's return */
	__u32 len;		/* bytes of data that follow */
	__u32 pad;
};

/* In FUNCS, one per function: then name, module, build_id (hex), debug file, each as
 * a __u32 length and the bytes (no NUL); with RTRACE_FUNCF_TYPED, its prototype the same
 * way (dwarf/proto_codec.h; length 0: it has none); the entry padded to 8 bytes. */
struct rtrace_file_func {
	__u32 size;		/* of the whole entry */
	__u32 flags;		/* RTRACE_FUNCF_* */
	__u64 id;		/* the probe cookie's id */
	__u64 addr;		/* its symbol's value, where DWARF knows it */
	__u64 offset;		/* file offset of its probe */
};

#define RTRACE_FUNCF_GO		1	/* a Go function: Go's ABI */
/* The writer kept the function's prototype and types (or knew it had none): a reader
 * needs no DWARF for it. */
#define RTRACE_FUNCF_TYPED	2

struct rtrace_file_end {
	__u64 records;		/* in the RECORDS blocks, answers not counted */
	__u64 lost;
	__u64 end_ns;		/* CLOCK_MONOTONIC when recording stopped */
};

#endif
