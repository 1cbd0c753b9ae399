/* SPDX-License-Identifier: GPL-2.0 */
/* The BPF side's lifecycle: open, configure, load, attach, stream, detach. */
#ifndef RTRACE_TRACER_H
#define RTRACE_TRACER_H

#include <stdbool.h>
#include <sys/types.h>
#include "opts.h"
#include "timeline.h"

struct rtrace_bpf;
struct ring_buffer;
struct bpf_link;
struct output;
struct func_table;

struct tracer {
	struct rtrace_bpf *skel;
	struct ring_buffer *rb;
	struct bpf_link **links;
	size_t nr_links;
	struct timeline tl;
	struct output *out;
	__u64 lost_seen;
	int err;		/* first error inside the ring buffer callback */
};

/* Opens and loads the BPF programs configured from env. Returns 0 or -errno
 * after printing `rtrace: ...`. */
int tracer_load(struct tracer *tr, const struct env *env);
/* Attaches syscall and process tracepoints. */
int tracer_attach_core(struct tracer *tr);
/* Attaches entry (and return) probes of every function in ft; pid_filter is
 * the process to limit them to, or -1. */
int tracer_attach_funcs(struct tracer *tr, const struct func_table *ft, pid_t pid_filter);
int tracer_add_tgid(struct tracer *tr, pid_t tgid, __u32 flags);
int tracer_remove_tgid(struct tracer *tr, pid_t tgid);
bool tracer_tgids_empty(struct tracer *tr);
/* Events flow only between start and stop, so entries and returns pair up. */
void tracer_start(struct tracer *tr);
void tracer_stop(struct tracer *tr);
/* Waits up to timeout_ms for events, hands those that are due to output.
 * final: take everything that is left. Returns 0 or -errno. */
int tracer_poll(struct tracer *tr, int timeout_ms, bool final);
void tracer_detach(struct tracer *tr);
void tracer_close(struct tracer *tr);

#endif
