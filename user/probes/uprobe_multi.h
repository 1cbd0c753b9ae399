/* SPDX-License-Identifier: GPL-2.0 */
/* uprobe_multi links (kernel >= 6.6) without libbpf >= 1.3: a raw BPF_LINK_CREATE with our own
 * copy of the attr layout, since Debian 12's libbpf 1.1 and its uapi headers predate it.
 */
#ifndef RTRACE_UPROBE_MULTI_H
#define RTRACE_UPROBE_MULTI_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

/* Values from include/uapi/linux/bpf.h of 6.6+. */
#define RTRACE_BPF_TRACE_UPROBE_MULTI	48	/* enum bpf_attach_type */
#define RTRACE_BPF_F_UPROBE_MULTI_RETURN (1U << 0)
/* The kernel's ENOTSUPP (include/linux/errno.h): an instruction uprobes cannot handle. */
#define RTRACE_ENOTSUPP			524

/* Creates one uprobe_multi link of prog_fd on cnt file offsets of path, each probe carrying
 * the matching cookie; flags is 0 or RTRACE_BPF_F_UPROBE_MULTI_RETURN; pid > 0 limits the
 * probes to that process (per thread before kernel 6.10), 0 means every process.
 * Returns the link fd (close it to detach) or -errno.
 */
int uprobe_multi_link_create(int prog_fd, const char *path, const __u64 *offsets,
			     const __u64 *cookies, size_t cnt, __u32 flags, int pid);

#endif
