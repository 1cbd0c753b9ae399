/* SPDX-License-Identifier: GPL-2.0 */
/* The BPF side's lifecycle: open, configure, load, attach, stream, detach. */
#ifndef RTRACE_TRACER_H
#define RTRACE_TRACER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
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
	pid_t *link_pids;		/* the process each is limited to; 0: none */
	size_t nr_links;
	int *multi_fds;		/* uprobe_multi links: a module and direction each */
	pid_t *multi_pids;
	size_t nr_multi_fds;
	pid_t attach_pid;	/* the process the links being made are for */
	pthread_t *detachers;	/* detaching the links of processes gone */
	size_t nr_detachers;
	bool attach_throws;	/* ... and whether it can throw C++ exceptions */
	bool perf_warned;	/* said how slow perf-event links are to detach */
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
	/* set before tracer_load: -c added up in BPF, no record per event (tracer_counts.c) */
	bool count_in_bpf;
	/* Hears of each process event (fork, exec, exit, link map change) as it arrives. */
	void (*on_proc)(void *ctx, const struct rtrace_hdr *h, size_t size);
	void *on_proc_ctx;
};

/* Opens and loads the BPF programs configured from env, for uprobe_multi links when the kernel
 * has them (unless RTRACE_NO_UPROBE_MULTI=1). Returns 0 or -errno after printing `rtrace: ...`. */
int tracer_load(struct tracer *tr, const struct env *env);
/* Attaches syscall and process tracepoints. */
int tracer_attach_core(struct tracer *tr);
/* Attaches entry (and return) probes of the functions ft->funcs[first..], limited to process
 * pid_filter (or -1: every process), returns traced as funcs_ret_how(.., throws) says. The
 * kernel's refusals are left out with a warning. Returns 0 or -errno after printing
 * `rtrace: ...`. */
int tracer_attach_funcs(struct tracer *tr, const struct func_table *ft, size_t first,
			pid_t pid_filter, bool throws);
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
/* Attaches the probe that says when the link map of process @pid changes, on ld.so's
 * _dl_debug_state at @offset of @path. Returns 0 or -errno (not said). */
int tracer_attach_linkmap(struct tracer *tr, const char *path, unsigned long long offset,
			  pid_t pid);
/* Puts the capture specs of ft->funcs[first..] in BPF's map; a function whose spec does not
 * fit is traced without one. Returns 0. */
int tracer_add_func_specs(struct tracer *tr, struct func_table *ft, size_t first);
/* With count_in_bpf, once tracing has stopped: the sums to output, as RTRACE_EV_COUNT
 * records. Returns 0 or -errno. */
int tracer_emit_counts(struct tracer *tr);
/* -ESRCH when process @pid (> 0) is gone (exited, or a zombie), else @err: an attach that
 * failed because its process went away. */
int tracer_gone(int err, pid_t pid);

/* Keeps a link (or a uprobe_multi link's fd) until detach, tagged with tr->attach_pid so
 * that tracer_detach_pid() finds it. Returns 0, or -ENOMEM after closing it. */
int tracer_keep_link(struct tracer *tr, struct bpf_link *link);
int tracer_keep_multi_fd(struct tracer *tr, int fd);
/* Detaches the probes made for process @pid alone (it exited). */
void tracer_detach_pid(struct tracer *tr, pid_t pid);
/* Detaches every probe: stop first, so no entry loses its return. */
void tracer_detach(struct tracer *tr);
void tracer_close(struct tracer *tr);

#endif
