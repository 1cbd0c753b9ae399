/* SPDX-License-Identifier: GPL-2.0 */
/* Private to user/output/: the paired, typed events the state machine (state.c)
 * hands to its sinks, and the sinks' table of callbacks. A sink writes one
 * format (text, JSON, the -c tables); it reads records only through these
 * events and keeps only its own state (text: the held line). */
#ifndef RTRACE_OUTPUT_SINK_H
#define RTRACE_OUTPUT_SINK_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <linux/types.h>
#include "sysdecode/sysdecode.h"

struct output_opts;
struct callfmt;

enum out_ev_type {
	OUT_SYS_ENTER,	/* a syscall began; its end comes as OUT_SYSCALL */
	OUT_SYSCALL,	/* a syscall ended: entered, returned, or both */
	OUT_CALL,	/* a traced function was entered */
	OUT_RETURN,	/* ... returned, or its frame was left without a return */
	OUT_FORK,
	OUT_EXEC,
	OUT_EXIT,	/* a process ended; its threads' syscalls were ended first */
	OUT_LOST,	/* records the kernel could not deliver */
	OUT_END,	/* the trace ends: what is still open comes next */
	OUT_NAME,	/* a process's name as tracing began (an attached one's comm) */
	OUT_COUNT,	/* -c's sums for a syscall or a function, added up by BPF */
};

enum out_ret_kind {
	OUT_RET_PAIRED,		/* with its entry */
	OUT_RET_NO_ENTRY,	/* its entry happened before the probes were in */
	OUT_RET_UNWOUND,	/* its frame was left without a return (longjmp, exceptions) */
};

/* Who: a thread, or a goroutine (Go calls pair per goroutine, shown on the
 * thread they last ran on). */
struct out_unit {
	__u32 tgid, tid;
	__u64 g;		/* 0: a thread */
};

struct out_event {
	enum out_ev_type type;
	struct out_unit who;
	__u64 ts;		/* when the event happened: a syscall's end (its return, or
				 * when it became known that it never would) */
	int depth;		/* of the unit's frames: a call's level, a return's after it */
	int indent;		/* the text line's: a thread's syscalls nest in its goroutine */
	bool multi;		/* more than one thread seen so far */
	union {
		struct {
			/* The call as the decoder sees it: the enter's arguments and
			 * captures, the exit's result and captures when it returned.
			 * nr and ret are valid either way. */
			const struct sysdecode_call *call;
			bool entered, returned;
			__u64 start_ts;		/* the enter's time, if entered */
			/* -y: learns from the completed call (a new fd's path). The
			 * state does it after the sinks if none did; a sink that shows
			 * the result with fd paths calls it between the arguments and
			 * the result, so that they show the table before the call and
			 * the result the table after. */
			void (*learn)(void *ctx);	/* OUT_SYSCALL only */
			void *learn_ctx;
			struct sysdecode_fds *fds;	/* -y's table, or NULL */
		} sys;
		struct {
			const void *rec;	/* the entry record (C or Go), checked */
			size_t size;
			__u64 cookie;
			bool returns;		/* false: no return probe, a mark */
		} call;
		struct {
			enum out_ret_kind kind;
			const void *rec;	/* the return record; NULL when unwound */
			size_t size;
			__u64 cookie;
			__u64 entry_ts;		/* paired and unwound */
		} ret;
		struct {
			__u32 child_tgid;
			bool followed;
		} fork;
		struct {
			const char *filename;
		} exec;
		struct {
			int status;		/* wait(2)'s */
		} exit;
		struct {
			__u64 count;
		} lost;
		struct {
			const char *name;
		} name;
		struct {
			bool func;		/* id: a function id, else a syscall number */
			__u64 id;
			__u64 calls, errors, ns;
		} count;
	};
};

struct out_sink;

struct out_sink_ops {
	void (*event)(struct out_sink *s, const struct out_event *e);
	/* After OUT_END and what it closed: print what is printed last. 0, or -errno
	 * after saying why (a name to report that the trace does not have). */
	int (*finish)(struct out_sink *s);
	void (*free)(struct out_sink *s);
};

/* What every sink writes with; the first member of each sink's own struct. */
struct out_sink {
	const struct out_sink_ops *ops;
	FILE *out;
	const struct output_opts *opts;
	struct callfmt *fmt;		/* function calls */
	struct sysdecode_opts *decode;	/* syscalls */
};

/* A zeroed sink of @size bytes (its struct out_sink first) made from @cfg with @ops,
 * or NULL on ENOMEM. */
static inline void *out_sink_alloc(size_t size, const struct out_sink *cfg,
				   const struct out_sink_ops *ops)
{
	struct out_sink *s = calloc(1, size);

	if (s) {
		*s = *cfg;
		s->ops = ops;
	}
	return s;
}

/* Each returns a sink made from @cfg (ops aside), or NULL on ENOMEM. */
struct out_sink *sink_text_new(const struct out_sink *cfg);
struct out_sink *sink_json_new(const struct out_sink *cfg);
struct out_sink *sink_summary_new(const struct out_sink *cfg);
struct out_sink *sink_report_new(const struct out_sink *cfg);
struct out_sink *sink_chrome_new(const struct out_sink *cfg);
struct out_sink *sink_folded_new(const struct out_sink *cfg);
struct out_sink *sink_svg_new(const struct out_sink *cfg);

static inline bool out_is_error(__s64 ret)
{
	return ret < 0 && ret >= -4095;
}

#endif
