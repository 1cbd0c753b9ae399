/* SPDX-License-Identifier: GPL-2.0 */
/* The BPF side's lifecycle: open, configure, load, attach, stream, detach. */
#ifndef RTRACE_TRACER_H
#define RTRACE_TRACER_H

#include <stdbool.h>
#include <sys/types.h>
#include "opts.h"
#include "rtrace.h"
#include "timeline.h"

struct rtrace_bpf;
struct ring_buffer;
struct bpf_link;
struct output;
struct func_table;

struct tracer {
	struct rtrace_bpf *skel;
	struct ring_buffer *rb;
	struct bpf_link **links;	/* tracepoints and perf-event uprobes */
	size_t nr_links;
	int *multi_fds;		/* uprobe_multi links: a module and direction each */
	size_t nr_multi_fds;
	bool use_multi;		/* func_entry/return loaded for uprobe_multi links */
	struct timeline tl;
	struct output *out;
	__u64 lost_seen;
	int nr_cpus;		/* whose batches flush_batches looks at */
	size_t round_bytes;	/* taken from the buffers by the last poll */
	size_t busy_bytes;	/* a round this big means the buffer fills fast */
	int err;		/* first error inside the ring buffer callback */
	pid_t single_tgid;	/* set before tracer_load: the only process traced */
	/* set before tracer_load: the functions to trace, whose argument
	 * capture specs go into the func_specs map */
	const struct func_table *funcs;
	/* set before tracer_load: what to copy for each syscall, or NULL */
	const struct rtrace_syscall_spec *specs;
};

/* Opens and loads the BPF programs configured from env, for uprobe_multi links when the kernel
 * has them (unless RTRACE_NO_UPROBE_MULTI=1). Returns 0 or -errno after printing `rtrace: ...`. */
int tracer_load(struct tracer *tr, const struct env *env);
/* Attaches syscall and process tracepoints. */
int tracer_attach_core(struct tracer *tr);
/* Attaches entry (and return) probes of every function in ft; pid_filter is
 * the process to limit them to, or -1. With uprobe_multi, functions the kernel
 * cannot probe are left out with a warning. Returns 0 or -errno after printing
 * `rtrace: ...`. */
int tracer_attach_funcs(struct tracer *tr, const struct func_table *ft, pid_t pid_filter);
/* await_exec: a launched child, to be ignored until its execve. */
int tracer_add_tgid(struct tracer *tr, pid_t tgid, bool await_exec);
/* Children -f could not follow so far: the map of traced processes was full. */
__u64 tracer_unfollowed(const struct tracer *tr);
int tracer_remove_tgid(struct tracer *tr, pid_t tgid);
bool tracer_tgids_empty(struct tracer *tr);
/* Events flow only between start and stop, so entries and returns pair up. */
void tracer_start(struct tracer *tr);
void tracer_stop(struct tracer *tr);
/* Waits up to timeout_ms for events, hands those that are due to output.
 * final: take everything that is left. Returns 0 or -errno. */
int tracer_poll(struct tracer *tr, int timeout_ms, bool final);
/* Detaches every probe: stop first, so no entry loses its return. */
void tracer_detach(struct tracer *tr);
void tracer_close(struct tracer *tr);

#endif
