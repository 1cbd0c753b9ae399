/* SPDX-License-Identifier: GPL-2.0 */
/* The traced processes and their function probes. Each process gets links of its own (their
 * pid filter): no other process on the machine is probed, so a return address the kernel
 * swaps (uretprobe) is only ever in a traced process. A child (-f) gets its parent's; a
 * process that execs gets the specs resolved again against its new program; a spec whose
 * library is not loaded waits, and gets its probes when ld.so says the library came. */
#ifndef RTRACE_FOLLOW_H
#define RTRACE_FOLLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "probes/funcs.h"
#include "rtrace.h"

struct tracer;

struct follow_proc {
	pid_t pid;
	bool throws;		/* it can throw C++ exceptions: returns by exits (funcs.h) */
	bool *pending;		/* per spec: its library is not loaded (yet) */
	bool launched;		/* the launched child: its first exec is the one resolved */
	bool linkmap;		/* the probe on ld.so's _dl_debug_state is in */
	size_t attached;	/* ft->funcs[0..attached) have probes in it */
};

/* Work the ring buffer's callback queues for follow_run(). */
struct follow_work {
	__u32 type;		/* RTRACE_EV_FORK, _EXEC, _EXIT, _LINKMAP */
	pid_t pid;
	pid_t child;
};

struct follow {
	struct tracer *tr;
	struct func_table *ft;
	char **specs;
	int nr_specs;
	struct funcs_opts opts;
	struct follow_proc *procs;
	size_t nr_procs;
	struct follow_work *work;
	size_t nr_work, cap_work;
	bool *said_pending;	/* per spec: said once that it waits */
	/* -f, or a script: the specs of the executable may be for the programs it runs */
	bool lenient;
};

/* Resolves the specs for process @pid (or for @exe, the program about to be launched, as
 * its child: launched), before the BPF programs load. A library spec whose library is not
 * there waits (said once). Returns 0 or -errno after printing `rtrace: ...`. */
int follow_add(struct follow *fl, pid_t pid, const char *exe, bool launched);
/* Sets the pid of the launched child, once forked. */
void follow_set_child(struct follow *fl, pid_t pid);
/* Attaches the probes of every process added, after the load. Returns 0 or -errno after
 * printing `rtrace: ...`. */
int follow_attach(struct follow *fl);
/* tracer.on_proc: queues what a process event asks for. */
void follow_on_event(void *ctx, const struct rtrace_hdr *h, size_t size);
/* Does the queued work: probes for a new child, a program exec'd, a library loaded; none
 * for a process gone. Returns 0 (a failure for one process is said, and the rest goes on). */
int follow_run(struct follow *fl);
void follow_free(struct follow *fl);

#endif
