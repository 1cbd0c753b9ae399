/* SPDX-License-Identifier: GPL-2.0 */
/* What decoding needs from a traced process after the fact, behind one interface: the
 * name of a code address (function pointer arguments), constant memory BPF could not
 * read, the path of an fd or the cwd (-y). A live view asks /proc and the mapped files,
 * and can hand each answer to a recorder; a replay view gives the answers a trace file
 * recorded, so that a replay shows what the live output showed. */
#ifndef RTRACE_PROCVIEW_H
#define RTRACE_PROCVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

struct rtrace_file_answer;

enum procview_kind {
	PV_SYM = 1,	/* key: address; data: the name */
	PV_CONST,	/* key: address, length; result: bytes or -errno; data: the bytes */
	PV_LINK,	/* key: fd (-1: the cwd); result: 1 or 0; data: the path */
};

struct procview;

/* @rec: a struct rtrace_file_answer and its data, @size bytes in all. */
typedef void (*procview_record_fn)(void *ctx, const void *rec, size_t size);

struct procview *procview_live(void);
struct procview *procview_replay(void);
void procview_free(struct procview *pv);

/* Live: every answer goes to @fn as well. */
void procview_set_recorder(struct procview *pv, procview_record_fn fn, void *ctx);
/* The index of the record being decoded: answers are tagged with it. */
void procview_set_seq(struct procview *pv, __u64 seq);
/* Replay: an answer the file holds. 0, -EINVAL (malformed), -ENOMEM. */
int procview_add_answer(struct procview *pv, const struct rtrace_file_answer *a, size_t size);

/* The name of the function at @addr of process @pid (`name+0x10` inside one), in @buf;
 * NULL when unknown. When the process is gone, a function of @module (a probe there at
 * @anchor_addr, file offset @anchor_off) is still named, from the file. */
const char *procview_sym(struct procview *pv, int pid, const char *module, __u64 anchor_addr,
			 __u64 anchor_off, __u64 addr, char *buf, size_t len);
/* constmem_read() (syms/constmem.h) through the view. */
long procview_const(struct procview *pv, int pid, const char *module, __u64 anchor_addr,
		    __u64 anchor_off, __u64 addr, void *buf, size_t len);
/* The target of /proc/PID/fd/FD, or /proc/PID/cwd when @fd < 0, in @buf. */
bool procview_link(struct procview *pv, int pid, long long fd, char *buf, size_t len);

#endif
