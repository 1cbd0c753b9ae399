/* SPDX-License-Identifier: GPL-2.0 */
/* Private to user/output/: the one state machine between the raw records and
 * the sinks. Per thread (and per goroutine): the syscall under way, paired
 * with its exit; the stack of traced calls, paired with their returns by
 * stack pointer, frames left without a return unwound; -y's fd tables.
 * It writes nothing itself: it hands paired, typed events to its sinks. */
#ifndef RTRACE_OUTPUT_STATE_H
#define RTRACE_OUTPUT_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "output.h"
#include "sysdecode/sysdecode.h"

struct out_state;
struct out_sink;

/* fd_paths: keep -y's fd tables, @link giving the paths not learnt from the calls. */
struct out_state *out_state_new(bool fd_paths, sysdecode_link_fn link, void *link_ctx);
void out_state_free(struct out_state *st);
/* What the filters hide; 0s for none. */
struct out_filter {
	int max_depth;		/* calls at depth >= max_depth and the syscalls inside them */
	__u32 only_tid;		/* other threads' calls and syscalls */
	__u64 since_ns, until_ns;	/* what began before/after, from the first record */
	__u64 min_dur_ns;	/* calls and syscalls that took less (those enclosing
				 * one that took more are shown) */
	__u32 sample;		/* all but 1 in N outermost calls (of all threads, counted)
				 * and what is inside them */
	bool sampled_c;		/* C calls were sampled by BPF (bpf/filter.bpf.h): sample
				 * Go calls only */
};

void out_state_set_filter(struct out_state *st, const struct out_filter *f);
/* On a trace file: only the syscalls in @syscall_mask (NULL: all), the calls
 * @show_call says yes to (NULL: all). */
void out_state_set_narrowing(struct out_state *st, const unsigned long long *syscall_mask,
			     bool (*show_call)(void *ctx, __u64 cookie), void *ctx);
/* Events go to each sink added, in order. */
int out_state_add_sink(struct out_state *st, struct out_sink *sink);

/* One raw record (struct rtrace_hdr first, losses as RTRACE_EV_LOST): 0, -EINVAL
 * for a malformed one, -ENOMEM. */
int out_state_record(struct out_state *st, const void *data, size_t size);
/* The trace ends: syscalls still under way end unfinished, then each sink finishes.
 * 0, or a sink's error (said). */
int out_state_finish(struct out_state *st);

/* The name of a traced process when tracing starts (an attached one's comm). */
void out_state_set_name(struct out_state *st, int pid, const char *name);
/* -y: the cwd of a traced process when tracing starts. */
void out_state_set_cwd(struct out_state *st, int pid, const char *cwd);
void out_state_stats(const struct out_state *st, struct output_stats *stats);
/* Adds one raw record to @stats as the state counts them (plain record, which skips the
 * state, too): a loss by its count, any other record but -c's sums as one. 0, or -EINVAL for
 * a record too short to count. */
int out_stats_count(struct output_stats *stats, const void *data, size_t size);

#endif
