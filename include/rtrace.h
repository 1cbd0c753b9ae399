/* SPDX-License-Identifier: GPL-2.0 */
/* The event ABI: the only contract between rtrace's BPF programs and its loader.
 * Every record starts with struct rtrace_hdr; `type` says which struct follows.
 */
#ifndef RTRACE_H
#define RTRACE_H

#ifndef __bpf__
#include <linux/types.h>
#endif

#define RTRACE_MAX_SYSCALLS	512	/* syscall bitmap size (x86-64 tops out at 469) */
#define RTRACE_COMM_LEN		16
#define RTRACE_PATH_LEN		256

enum rtrace_event_type {
	RTRACE_EV_SYS_ENTER = 1,
	RTRACE_EV_SYS_EXIT,
	RTRACE_EV_FUNC_ENTRY,
	RTRACE_EV_FUNC_RETURN,
	RTRACE_EV_FORK,
	RTRACE_EV_EXEC,
	RTRACE_EV_EXIT,
};

/* Cookie bit: the function has an entry probe only (Go, vfork, setjmp...):
 * its entry is shown, no frame is opened. */
#define RTRACE_COOKIE_NORET	(1ULL << 63)

/* Per-tgid filter state (value of the traced_tgids map). */
enum rtrace_tgid_flags {
	/* Launched child: stay silent until it calls execve, so the loader's own
	 * fork/exec plumbing never shows and the trace starts at the exec. */
	RTRACE_TGID_AWAIT_EXEC = 1,
};

struct rtrace_hdr {
	__u32 type;
	__u32 tid;
	__u32 tgid;
	__u32 cpu;
	__u64 ts_ns;		/* CLOCK_BOOTTIME, converted to wall clock by the loader */
};

struct rtrace_sys_enter {
	struct rtrace_hdr hdr;
	__u64 args[6];
	__u32 nr;
	__u32 pad;
};

struct rtrace_sys_exit {
	struct rtrace_hdr hdr;
	__s64 ret;
	__u32 nr;
	__u32 pad;
};

struct rtrace_func_entry {
	struct rtrace_hdr hdr;
	__u64 cookie;		/* index into the loader's function table */
	__u64 sp;		/* stack pointer at entry: points at the return address */
	__u64 ret_addr;		/* the return address; the uretprobe trampoline if an
				 * enclosing traced call tail-called this one */
};

struct rtrace_func_return {
	struct rtrace_hdr hdr;
	__u64 cookie;
	__u64 sp;		/* stack pointer after the return: entry sp + 8 */
	__u64 ret;		/* raw return register */
};

struct rtrace_fork {
	struct rtrace_hdr hdr;
	__u32 child_tgid;
	__u32 pad;
};

struct rtrace_exec {
	struct rtrace_hdr hdr;
	__u32 old_tid;		/* a non-leader thread's exec changes the tid */
	__u32 pad;
	char filename[RTRACE_PATH_LEN];
};

struct rtrace_exit {
	struct rtrace_hdr hdr;
	__s32 status;		/* wait(2) status: code << 8 | signal */
	__u32 pad;
};

#ifndef __bpf__
_Static_assert(sizeof(struct rtrace_hdr) == 24, "hdr layout");
_Static_assert(sizeof(struct rtrace_sys_enter) == 80, "sys_enter layout");
_Static_assert(sizeof(struct rtrace_sys_exit) == 40, "sys_exit layout");
_Static_assert(sizeof(struct rtrace_func_return) == 48, "func_return layout");
#endif

#endif /* RTRACE_H */
