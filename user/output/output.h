/* SPDX-License-Identifier: GPL-2.0 */
/* The event pipeline: ordered raw records go through one state machine
 * (state.c: pairing, depth, unwinding, -y's fd tables) to a sink (text,
 * JSON, or -c's tables), each in a file of its own in this folder. */
#ifndef RTRACE_OUTPUT_H
#define RTRACE_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>

struct func_table;

struct output_opts {
	bool json;
	bool durations;		/* -T */
	int timestamps;		/* -t/-tt/-ttt */
	bool relative;		/* -r */
	bool summary;		/* -c: count only, print a table at the end */
	unsigned int string_limit;	/* -s */
	bool fd_paths;		/* -y */
	bool deref;		/* --deref */
	bool raw_args;		/* --args=raw */
	bool no_args;		/* --args=none */
	bool prefix_tids;	/* show [pid N] from the start (-f, -p with threads) */
	__s64 wall_offset_ns;	/* CLOCK_REALTIME - CLOCK_MONOTONIC */
	/* What decoding asks the process (proc/procview.h); NULL: the live process. Not
	 * owned. */
	struct procview *view;
	bool no_sink;		/* record only: state, no output */
	bool report;		/* rtrace report: the table (sink_report.c) */
	const char *report_sort;	/* total (default), self, calls, avg, max, name */
	const char *report_hist;	/* --hist NAME: its histogram instead */
	const char *export_format;	/* rtrace export: chrome, folded, svg */
	int max_depth;		/* --max-depth N: calls at depth 0..N-1 only; 0: all */
	__u32 only_tid;		/* --tid TID: that thread's events only; 0: all */
	__u32 sample;		/* --sample N: 1 in N outermost calls, with all inside */
	bool sampled_c;		/* ... C calls sampled already, by BPF */
	__u64 since_ns, until_ns;	/* --since/--until: from the first record; 0: open */
	__u64 min_dur_ns;	/* --min-duration: calls and syscalls that took at least this */
	/* On a trace file: -e trace=SET (NULL: every syscall) and -x [MODULE:]GLOB narrowing
	 * what is shown. */
	const unsigned long long *syscall_mask;
	char *const *func_specs;
	int nr_func_specs;
};

struct output;
struct dwarf_proto;
struct go_proto;

/* What the loader knows of a traced function. */
struct output_func {
	const char *name;	/* as shown: a C++ function's demangled */
	const char *sym;	/* its symbol (a C++ one mangled), which -x also matches */
	const char *module;
	const struct dwarf_proto *proto;	/* NULL: no types, arguments not shown */
	const struct go_proto *go_proto;	/* a Go function's, instead of proto */
	__u64 offset;		/* file offset of its probe: with the probe's address,
				 * where its module is mapped */
};

/* Fills f for a function id; false if the id is unknown. */
typedef bool (*func_info_fn)(void *ctx, __u64 id, struct output_func *f);

struct output *output_new(FILE *out, const struct output_opts *opts, func_info_fn funcs,
			  void *funcs_ctx);
/* Handles one record (struct rtrace_hdr first; losses come as RTRACE_EV_LOST
 * records). Returns 0 or -EINVAL for a malformed record. */
int output_event(struct output *o, const void *data, size_t size);
/* Ends the trace: unfinished calls are shown as such, the -c table printed. 0, or
 * -errno after saying why. */
int output_finish(struct output *o);
void output_free(struct output *o);

/* Each record, before it is decoded, goes to @fn too (a trace file's writer). */
typedef void (*output_record_fn)(void *ctx, const void *data, size_t size);
void output_set_recorder(struct output *o, output_record_fn fn, void *ctx);
/* The view decoding asks: to record its answers. */
struct procview *output_view(struct output *o);

/* The name of a traced process when tracing starts (an attached one's comm): for the
 * views that show processes. */
void output_set_name(struct output *o, int pid, const char *name);
/* -y: the cwd of a traced process when tracing starts. */
void output_set_cwd(struct output *o, int pid, const char *cwd);

/* Totals for the exit line and tests. */
struct output_stats {
	__u64 records;
	__u64 lost;
	__u64 unmatched_returns;
};
void output_get_stats(const struct output *o, struct output_stats *st);

#endif
