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

#if defined(__x86_64__)
/* After the prefixes: opcodes arch/x86/kernel/uprobes.c marks bad in good_insns_64 (with VEX
 * and EVEX, the byte after the prefix counts) and in good_2byte_insns (after 0f). */
static const __u8 refused_1byte[] = {
	0x06, 0x07, 0x0e, 0x0f, 0x16, 0x17, 0x1e, 0x1f, 0x27, 0x2f, 0x37, 0x3f,
	0x60, 0x61, 0x62, 0x6c, 0x6d, 0x6e, 0x6f, 0x82, 0xc4, 0xc5, 0xcc, 0xcd, 0xce, 0xcf,
	0xd4, 0xd5, 0xd6, 0xe4, 0xe5, 0xe6, 0xe7, 0xec, 0xed, 0xee, 0xef,
	0xf1, 0xf4, 0xfa, 0xfb,
};
static const __u8 refused_0f[] = {
	0x00, 0x01, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0b, 0x30, 0x34, 0x35, 0x37,
	0x38, 0x3a,	/* three-byte opcodes */
	0x78, 0x79, 0xae, 0xd0, 0xf0, 0xff,
};

static bool in(const __u8 *set, size_t n, __u8 b)
{
	while (n--)
		if (set[n] == b)
			return true;
	return false;
}

bool uprobe_insn_suspect(const __u8 *code, size_t len)
{
	size_t i = 0;

	for (; i < len; i++) {
		switch (code[i]) {
		case 0x26: case 0x2e: case 0x36: case 0x3e: case 0xf0:
			return true;
		case 0x64: case 0x65: case 0x66: case 0x67: case 0xf2: case 0xf3:
			continue;
		}
		break;
	}
	if (i < len && (code[i] & 0xf0) == 0x40)	/* REX */
		i++;
	if (i >= len)
		return false;
	switch (code[i]) {
	case 0xc5:	/* VEX: 2 or 3 bytes, then one opcode byte */
		i += 2;
		break;
	case 0xc4:
		i += 3;
		break;
	case 0x62:	/* EVEX: 4 bytes */
		i += 4;
		break;
	case 0x0f:
		return i + 1 < len && in(refused_0f, sizeof(refused_0f), code[i + 1]);
	}
	return i < len && in(refused_1byte, sizeof(refused_1byte), code[i]);
}
#else
bool uprobe_insn_suspect(const __u8 *code, size_t len)
{
	(void)code;
	(void)len;
	return false;
}
#endif
