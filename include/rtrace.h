/* SPDX-License-Identifier: GPL-2.0 */
/* The event ABI: the only contract between rtrace's BPF programs and its loader.
 * Every record starts with struct rtrace_hdr; `type` says which struct follows.
 */
#ifndef RTRACE_H
#define RTRACE_H

/* Registers, syscall numbers and the argument ABI are x86-64's throughout:
 * refuse other targets here, the first place both sides meet, rather than
 * fail far into the build. */
#if defined(__bpf__) ? !defined(__TARGET_ARCH_x86) : !defined(__x86_64__)
#error "rtrace supports x86-64 only for now"
#endif

#ifndef __bpf__
#include <linux/types.h>
#endif

#define RTRACE_MAX_SYSCALLS	512	/* syscall bitmap size (x86-64 tops out at 469) */
#define RTRACE_COMM_LEN		16
#define RTRACE_PATH_LEN		256
#define RTRACE_BATCH_SIZE	4096	/* bytes of records a CPU gathers before output */
#define RTRACE_MAX_CPUS		8192	/* CPUs whose batches the loader can flush */
/* Per-thread BPF state (bpf/thread.bpf.h) in array slots, tid & (RTRACE_THREAD_SLOTS - 1):
 * a power of 2; threads whose slot is taken use a hash map. */
#define RTRACE_THREAD_SLOTS	1024
#define RTRACE_FILTER_MAX_DEPTH	32	/* --max-depth BPF applies (bpf/filter.bpf.h); deeper:
					 * the loader alone */

enum rtrace_event_type {
	RTRACE_EV_SYS_ENTER = 1,
	RTRACE_EV_SYS_EXIT,
	RTRACE_EV_FUNC_ENTRY,
	RTRACE_EV_FUNC_RETURN,
	RTRACE_EV_FORK,
	RTRACE_EV_EXEC,
	RTRACE_EV_EXIT,
	RTRACE_EV_GO_ENTRY,	/* struct rtrace_go_call: a Go function's entry */
	RTRACE_EV_GO_RETURN,	/* struct rtrace_go_call: one of its RET instructions */
	RTRACE_EV_GO_EXIT,	/* struct rtrace_go_exit: a goroutine ends (runtime.goexit1) */
	/* ld.so's link map changed (dlopen, dlclose, start-up): a bare header, for the
	 * loader, which looks for libraries specs wait for. Never in a trace. */
	RTRACE_EV_LINKMAP,
	/* struct rtrace_lost: records the ring buffer had no room for, counted by BPF. Made
	 * by the loader, never by BPF, so that losses travel in the stream with the
	 * records, at the place in time where they happened. */
	RTRACE_EV_LOST,
	/* struct rtrace_count: -c's figures for one syscall or function, added up by BPF (no
	 * record per event) and read by the loader at the end. Made by the loader. */
	RTRACE_EV_COUNT,
};

/* Cookie bit: the function has an entry probe only (Go, vfork, setjmp...):
 * its entry is shown, no frame is opened. */
#define RTRACE_COOKIE_NORET	(1ULL << 63)
/* Cookie bit: the function has a capture spec in map func_specs (Go: go_specs). */
#define RTRACE_COOKIE_CAPTURE	(1ULL << 62)
/* Cookie bit (Go entries): the probe sits on the prologue's `jbe` to morestack, which
 * restarts the function; the entry counts only when the branch falls through. */
#define RTRACE_COOKIE_GO_SPLIT	(1ULL << 61)
/* Cookie bit of a probe on a function's way out: a jmp to another function
 * (a tail call), so the return value is not known there. */
#define RTRACE_COOKIE_TAIL	(1ULL << 60)
/* Bits 38-59: the process the probe is for (0: any). The kernel limits a uprobe_multi link to
 * its process; before 6.6 a perf-event link's return probe runs for every process that hits
 * the function (its filter is for entries), so BPF compares. */
#define RTRACE_COOKIE_OWNER_SHIFT	38
#define RTRACE_COOKIE_OWNER_MASK	((1ULL << 22) - 1)	/* pid_max is at most 2^22 */
#define RTRACE_COOKIE_ID_MASK	((1ULL << RTRACE_COOKIE_OWNER_SHIFT) - 1)

/* What BPF copies from user memory for a syscall argument, so that the
 * loader can decode paths, buffers and structs as strace does. The loader
 * fills one struct rtrace_syscall_spec per syscall number (map
 * syscall_specs) from its decoding tables. */
#define RTRACE_MAX_CAPTURES	3
#define RTRACE_CAPTURE_MAX	4096	/* bytes per capture, at most */

enum rtrace_capture_kind {
	RTRACE_CAP_NONE = 0,
	RTRACE_CAP_STR,		/* NUL-terminated string at args[arg] */
	RTRACE_CAP_FIXED,	/* `size` bytes at args[arg] (a struct) */
	RTRACE_CAP_ARGLEN,	/* args[len_arg] bytes at args[arg] (write's buffer) */
	RTRACE_CAP_RETLEN,	/* ret bytes at args[arg], at exit (read's buffer) */
	RTRACE_CAP_DEREF_LEN,	/* *(u32 *)args[len_arg] bytes at args[arg] (sockaddr, socklen_t *) */
	RTRACE_CAP_STRV,	/* args[arg] is a NULL-ended char *[]: its strings packed, each
				 * with its NUL (execve's argv) */
	RTRACE_CAP_STRV_COUNT,	/* the same array: a __u32 count of its pointers (envp) */
	RTRACE_CAP_IOV,		/* args[arg] is a struct iovec[args[len_arg]]: per entry a
				 * struct rtrace_iov, then its first bytes (padded to 8) */
};

#define RTRACE_IOV_MAX		16	/* iovec entries a capture takes, at most */

struct rtrace_iov {
	__u64 base;
	__u64 len;
	__u32 captured;		/* bytes that follow; RTRACE_IOV_FAULT: unreadable */
	__u32 pad;
};

#define RTRACE_IOV_FAULT	0xffffffffU

#define RTRACE_STRV_MAX		64	/* strings of a STRV capture, at most */
#define RTRACE_STRV_COUNT_MAX	1024	/* pointers a STRV_COUNT counts, at most */

struct rtrace_capture_spec {
	__u32 size;		/* FIXED: the size. Others: 0 = text that -s cuts, else the
				 * bytes wanted whole (paths, sockaddrs), up to CAPTURE_MAX */
	__u8 kind;		/* enum rtrace_capture_kind */
	__u8 arg;		/* argument index holding the pointer */
	__u8 len_arg;		/* argument index holding the length */
	__u8 at_exit;		/* read at sys_exit: the kernel wrote it, or faulted it in */
	__u8 elem_size;		/* ARGLEN/RETLEN: bytes per counted element (poll: 8); 0 = 1 */
	__u8 pad[3];
};

struct rtrace_syscall_spec {
	struct rtrace_capture_spec cap[RTRACE_MAX_CAPTURES];
};

/* Follows a sys_enter/sys_exit record, once per capture taken there, each
 * padded to 8 bytes. */
struct rtrace_capture {
	__u16 len;		/* bytes of data that follow */
	__u8 idx;		/* index into rtrace_syscall_spec.cap */
	__u8 flags;		/* enum rtrace_capture_flags */
	__u32 pad;
};

enum rtrace_capture_flags {
	RTRACE_CAPF_FAULT = 1,	/* the memory could not be read (not resident, bad pointer) */
	RTRACE_CAPF_TRUNC = 2,	/* there was more than the limit */
};

struct rtrace_hdr {
	__u32 type;
	__u32 tid;
	__u32 tgid;
	__u32 size;		/* of the whole record: a batch is records end to end */
	__u64 ts_ns;		/* CLOCK_MONOTONIC, converted to wall clock by the loader */
};

struct rtrace_sys_enter {
	struct rtrace_hdr hdr;
	__u64 args[6];
	__u32 nr;
	__u16 nr_captures;	/* struct rtrace_capture blocks that follow */
	__u16 pad;
};

struct rtrace_sys_exit {
	struct rtrace_hdr hdr;
	__s64 ret;
	__u32 nr;
	__u16 nr_captures;
	__u16 pad;
};

struct rtrace_func_entry {
	struct rtrace_hdr hdr;
	__u64 cookie;		/* index into the loader's function table */
	__u64 sp;		/* stack pointer at entry: points at the return address */
	__u64 ret_addr;		/* the return address; the uretprobe trampoline if an
				 * enclosing traced call tail-called this one */
	__u64 args[6];		/* rdi, rsi, rdx, rcx, r8, r9: the SysV integer arguments */
	__u64 ip;		/* the probe's address: where the module is mapped */
	__u16 nr_captures;	/* struct rtrace_capture blocks that follow */
	__u16 pad[3];
};

struct rtrace_func_return {
	struct rtrace_hdr hdr;
	__u64 cookie;
	__u64 sp;		/* stack pointer after the return: entry sp + 8 */
	__u64 ret;		/* rax */
	__u64 ret2;		/* rdx: the second eightbyte of a 16-byte return */
	__u16 nr_captures;	/* struct rtrace_capture blocks that follow (a char * result) */
	__u16 pad[3];
};

/* What BPF copies at a function's entry for its arguments (map func_specs, key id * 2),
 * as the loader's DWARF decoding asks: strings behind char *, structs behind pointers
 * (--deref), arguments passed on the stack; and at its return (key id * 2 + 1) the string
 * a char * result points to. Blocks follow the entry or return record like syscall
 * captures. */
#define RTRACE_MAX_FUNC_CAPTURES	4
#define RTRACE_MAX_FUNCS		65536	/* function ids with a capture spec */

enum rtrace_fcap_src {
	RTRACE_FCAP_NONE = 0,
	RTRACE_FCAP_REG,	/* memory at the pointer in argument register `reg` (+ off) */
	RTRACE_FCAP_STACK,	/* memory at entry sp + off (stack-passed arguments) */
	RTRACE_FCAP_STACK_PTR,	/* memory at the pointer stored at entry sp + off */
	RTRACE_FCAP_GO_REG,	/* Go: regs[len_reg] * max(off, 1) bytes at the pointer in Go
				 * register `reg` (a string's or a slice's contents) */
	RTRACE_FCAP_RET,	/* at a C function's return: memory at the pointer in rax */
};

struct rtrace_func_capture_spec {
	__u32 size;		/* FIXED: bytes; STR: 0 = -s based, else the limit */
	__s32 off;
	__u8 kind;		/* RTRACE_CAP_STR or RTRACE_CAP_FIXED */
	__u8 src;		/* enum rtrace_fcap_src */
	__u8 reg;		/* 0..5: rdi, rsi, rdx, rcx, r8, r9; Go: index into regs[9] */
	__u8 len_reg;		/* RTRACE_FCAP_GO_REG: the register holding the length */
};

struct rtrace_func_spec {
	struct rtrace_func_capture_spec cap[RTRACE_MAX_FUNC_CAPTURES];
};

/* A Go function's entry or return (a uprobe on one of its RET instructions: a uretprobe
 * rewrites the return address, which Go's stack copying and traceback cannot survive).
 * Frames pair per goroutine by stack_hi - sp: copystack keeps a frame's distance from the
 * top of its goroutine's stack when it moves the stack. Entry records are followed by
 * capture blocks, as rtrace_func_entry. */
struct rtrace_go_call {
	struct rtrace_hdr hdr;
	__u64 cookie;
	__u64 sp;		/* points at the return address, at entry as at the RET */
	__u64 g;		/* r14: the goroutine (ABIInternal keeps it there) */
	__u64 stack_hi;		/* g.stack.hi; 0 when unreadable */
	__u64 regs[9];		/* rax, rbx, rcx, rdi, rsi, r8, r9, r10, r11: the integer
				 * argument (entry) or result (RET) registers */
	__u64 ip;		/* the probe's address */
	__u16 nr_captures;
	__u16 pad[3];
};

struct rtrace_go_exit {
	struct rtrace_hdr hdr;
	__u64 g;		/* the goroutine that ends: its frames are gone */
};

struct rtrace_fork {
	struct rtrace_hdr hdr;
	__u32 child_tgid;
	__u32 flags;		/* RTRACE_FORK_* */
};

/* -f could not follow the child: the map of traced processes was full. */
#define RTRACE_FORK_UNFOLLOWED	1

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

struct rtrace_lost {
	struct rtrace_hdr hdr;	/* tid and tgid 0 */
	__u64 count;
};

/* -c in BPF (bpf/counts.bpf.h): per-CPU sums for each syscall number and function id. */
struct rtrace_count_val {
	__u64 calls;
	__u64 errors;		/* syscalls that returned -1..-4095 */
	__u64 ns;		/* time from entry to return, of those whose entry was seen */
};

/* A thread's sums for the function it last returned from, not yet added to the per-CPU
 * sums (plain adds while it keeps calling the same one): the first bytes of its -c state,
 * in the state's array slot after an 8-byte header or in the hash map's value
 * (bpf/thread.bpf.h). The loader adds those of threads still alive when tracing stops. */
struct rtrace_count_acc {
	__u64 id;		/* function id + 1; 0: none */
	__u64 calls;
	__u64 ns;
};

enum rtrace_count_kind {
	RTRACE_COUNT_SYSCALL = 1,	/* id: the syscall number */
	RTRACE_COUNT_FUNC,		/* id: the function id */
};

struct rtrace_count {
	struct rtrace_hdr hdr;	/* tid and tgid 0, ts_ns when read */
	__u32 kind;		/* enum rtrace_count_kind */
	__u32 pad;
	__u64 id;
	struct rtrace_count_val val;
};

#ifndef __bpf__
_Static_assert(sizeof(struct rtrace_hdr) == 24, "hdr layout");
_Static_assert(sizeof(struct rtrace_count) == 64, "count layout");
_Static_assert(sizeof(struct rtrace_sys_enter) == 80, "sys_enter layout");
_Static_assert(sizeof(struct rtrace_sys_exit) == 40, "sys_exit layout");
_Static_assert(sizeof(struct rtrace_func_return) == 64, "func_return layout");
_Static_assert(sizeof(struct rtrace_func_entry) == 112, "func_entry layout");
_Static_assert(sizeof(struct rtrace_func_capture_spec) == 12, "func_capture_spec layout");
_Static_assert(sizeof(struct rtrace_go_call) == 144, "go_call layout");
_Static_assert(sizeof(struct rtrace_go_exit) == 32, "go_exit layout");
_Static_assert(sizeof(struct rtrace_lost) == 32, "lost layout");
#endif

#endif /* RTRACE_H */
