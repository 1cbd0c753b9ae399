// SPDX-License-Identifier: GPL-2.0
/* Raw BPF_LINK_CREATE for uprobe_multi links. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/bpf.h>
#include "uprobe_multi.h"

/* The head of union bpf_attr's link_create member with its uprobe_multi arm, as in 6.6+
 * (pid since 6.6 too). Fields past those the running kernel knows must be zero, so a kernel
 * without uprobe_multi sees cnt/flags/pid as unknown non-zero bytes and fails with EINVAL.
 */
struct link_create_uprobe_multi {
	__u32 prog_fd;
	__u32 target_fd;
	__u32 attach_type;
	__u32 flags;
	__aligned_u64 path;
	__aligned_u64 offsets;
	__aligned_u64 ref_ctr_offsets;
	__aligned_u64 cookies;
	__u32 cnt;
	__u32 um_flags;
	__u32 pid;
};

_Static_assert(offsetof(struct link_create_uprobe_multi, path) == 16, "uprobe_multi.path");
_Static_assert(offsetof(struct link_create_uprobe_multi, cnt) == 48, "uprobe_multi.cnt");
_Static_assert(offsetof(struct link_create_uprobe_multi, pid) == 56, "uprobe_multi.pid");
_Static_assert(sizeof(struct link_create_uprobe_multi) <= sizeof(union bpf_attr),
	       "fits in bpf_attr");

int uprobe_multi_link_create(int prog_fd, const char *path, const __u64 *offsets,
			     const __u64 *cookies, size_t cnt, __u32 flags, int pid)
{
	union {
		union bpf_attr attr;
		struct link_create_uprobe_multi lc;
	} u;
	int fd;

	if (cnt > UINT32_MAX)
		return -E2BIG;
	/* The kernel checks every byte it does not know is zero: clear the whole union. */
	memset(&u, 0, sizeof(u));
	u.lc.prog_fd = prog_fd;
	u.lc.attach_type = RTRACE_BPF_TRACE_UPROBE_MULTI;
	u.lc.path = (__u64)(uintptr_t)path;
	u.lc.offsets = (__u64)(uintptr_t)offsets;
	u.lc.cookies = (__u64)(uintptr_t)cookies;
	u.lc.cnt = cnt;
	u.lc.um_flags = flags;
	u.lc.pid = pid;
	fd = syscall(__NR_bpf, BPF_LINK_CREATE, &u.attr, sizeof(u.attr));
	return fd < 0 ? -errno : fd;
}
