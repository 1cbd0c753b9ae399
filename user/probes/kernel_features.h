/* SPDX-License-Identifier: GPL-2.0 */
/* What the running kernel supports, found by trying it, never from its version number:
 * distributions backport features, and a version says nothing about the config.
 */
#ifndef RTRACE_KERNEL_FEATURES_H
#define RTRACE_KERNEL_FEATURES_H

#include <stdbool.h>
#include <stdio.h>

struct rtrace_features {
	bool btf;		/* /sys/kernel/btf/vmlinux readable (CO-RE, tp_btf) */
	bool ringbuf;		/* BPF_MAP_TYPE_RINGBUF (5.8) */
	bool bpf_cookie;	/* bpf_get_attach_cookie() in kprobe/uprobe programs (5.15) */
	bool uprobe_multi;	/* BPF_TRACE_UPROBE_MULTI links (6.6) */
	bool uprobe_multi_pid;	/* ... whose pid filter is per process (6.10, 6.6.35) */
	bool uretprobe_syscall;	/* returns go through the uretprobe syscall (x86-64, 6.11) */
	bool ringbuf_from_irq;	/* records can go to a ring buffer from an interrupt: not on
				 * PREEMPT_RT kernels whose ring buffer lock sleeps (6.1-rt) */
	bool bpf_probed;	/* false: BPF programs could not be loaded (not root?), the
				 * BPF answers above are "no" for want of asking */
};

/* Fills f from the running kernel. Returns 0, or -errno when BPF programs cannot be loaded at
 * all (-EPERM without CAP_BPF): the BTF answers are still filled, the BPF ones are false.
 */
int features_probe(struct rtrace_features *f);
/* Probes uprobe_multi alone (cheaper than features_probe: no BTF). Returns 1 when the kernel
 * has uprobe_multi links with a per-process pid filter, 0 when not, or -errno when BPF
 * programs cannot be loaded. *why, when not NULL, says why not.
 */
int features_probe_uprobe_multi(const char **why);
/* Whether records can go to a ring buffer from an interrupt, as the per-CPU
 * batches do when the loader flushes them (from vmlinux BTF on RT kernels). */
bool features_ringbuf_from_irq(void);
/* Prints one `name: yes|no` line per feature. */
void features_print(FILE *out, const struct rtrace_features *f);

#endif
