/* SPDX-License-Identifier: GPL-2.0 */
/* strace-style decoding of x86-64 syscall arguments and return values, from
 * the raw registers plus the user memory that BPF captured as the decoding
 * tables asked (sysdecode_fill_specs).
 */
#ifndef RTRACE_SYSDECODE_H
#define RTRACE_SYSDECODE_H

#include <stdbool.h>
#include <stdio.h>

#include "rtrace.h"

/* One captured piece of user memory, by spec index. */
struct sysdecode_capture {
	const void *data;
	unsigned int len;
	unsigned int flags;	/* RTRACE_CAPF_* */
	bool present;		/* false: not captured (not asked, or not reached yet) */
};

struct sysdecode_call {
	long nr;
	unsigned long long args[6];
	bool has_ret;		/* false: still running, or never returned */
	long long ret;
	int pid;		/* tgid, for -y lookups in /proc */
	/* By spec index; entry and exit captures merged by the caller. */
	struct sysdecode_capture cap[RTRACE_MAX_CAPTURES];
};

struct sysdecode_opts {
	unsigned int string_limit;	/* -s N; 0 means strace's default, 32 */
	bool fd_paths;			/* -y */
};

#define SYSDECODE_STRING_LIMIT	32

struct sysdecode_fds;

/* Fills cap[] (of max, by spec index) from the @n capture blocks (struct
 * rtrace_capture, each padded to 8 bytes) that follow a record's fixed part;
 * a block that does not fit in @len ends them. */
void sysdecode_captures(const void *blocks, size_t len, unsigned int n,
			struct sysdecode_capture *cap, unsigned int max);

/* Fills specs[nr] for every syscall decoded with captured memory; the rest
 * are zeroed (capture nothing). For kinds other than FIXED, `size` says how
 * much is wanted: 0 for text that -s cuts (write's buffer: BPF may stop at
 * its -s based limit), RTRACE_CAPTURE_MAX for data shown whole (paths,
 * sockaddrs, getdents64, poll arrays). Two ABI extensions are used when
 * include/rtrace.h announces them, and degrade without:
 *  - RTRACE_HAVE_CAP_ELEM_SIZE: `__u8 elem_size` in rtrace_capture_spec, the
 *    bytes per element counted by ARGLEN/RETLEN (poll's nfds * 8,
 *    epoll_wait's ret * 12); without it these arrays are read as FIXED
 *    8 elements and longer ones end in `...`.
 *  - RTRACE_HAVE_CAP_STRV: kinds RTRACE_CAP_STRV (args[arg] is a NULL-ended
 *    char *[]: its strings packed, each with its NUL, TRUNC if cut) and
 *    RTRACE_CAP_STRV_COUNT (a __u32 count of its pointers) for execve's argv
 *    and envp; without them both print as pointers.
 */
void sysdecode_fill_specs(struct rtrace_syscall_spec specs[RTRACE_MAX_SYSCALLS]);

/* Writes the argument list without the name and parentheses, as strace:
 * `AT_FDCWD, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC`. Arguments strace only
 * shows at exit (read's buffer, fstat's struct) come out as the raw pointer
 * while !call->has_ret, or when the call failed. opts may be NULL (defaults);
 * fds may be NULL (no -y paths even with opts->fd_paths).
 */
void sysdecode_args(FILE *out, const struct sysdecode_call *call, const struct sysdecode_opts *opts,
		    struct sysdecode_fds *fds);

/* Writes the return value as strace: `3`, `0x7f12...` for mmap and the like,
 * `-1 ENOENT (No such file or directory)`, `?` when !has_ret, plus strace's
 * trailing decoding for a few calls (`0 (Timeout)`, `0x1 (flags FD_CLOEXEC)`,
 * `1 ([{fd=3, revents=POLLIN}])`).
 */
void sysdecode_ret(FILE *out, const struct sysdecode_call *call);

/* sysdecode_ret, and with opts->fd_paths a returned fd as strace -y shows
 * it: `3</etc/passwd>`. fds may be NULL.
 */
void sysdecode_ret_ex(FILE *out, const struct sysdecode_call *call,
		      const struct sysdecode_opts *opts, struct sysdecode_fds *fds);

/* strace's error and signal names (`ENOENT`, `SIGTERM`); NULL if unknown. */
const char *sysdecode_errno_name(int err);
const char *sysdecode_signal_name(int sig);

/* -y: per-process fd → path. sysdecode_fds_note() learns from each completed
 * call (open*, creat, dup*, fcntl F_DUPFD*, socket, pipe*, accept*, close,
 * execve, ...): call it after printing the call, so that close(3</x>) and
 * dup2's target show the fd as it was before. fds not learnt are looked up
 * lazily with readlink(/proc/PID/fd/N) (and AT_FDCWD with /proc/PID/cwd),
 * which fails once the process is gone: then the plain number is shown.
 */
struct sysdecode_fds *sysdecode_fds_new(void);
/* Where paths not learnt come from: @fn reads /proc/PID/fd/FD, or /proc/PID/cwd when
 * fd < 0 (a trace file's replay answers instead). Without one, /proc directly. */
typedef bool (*sysdecode_link_fn)(void *ctx, int pid, long long fd, char *buf, size_t len);
/* Reads /proc/PID/fd/FD, or /proc/PID/cwd when fd < 0, into @buf: false if it cannot. */
bool sysdecode_proc_link(int pid, long long fd, char *buf, size_t len);
void sysdecode_fds_set_link(struct sysdecode_fds *fds, sysdecode_link_fn fn, void *ctx);
void sysdecode_fds_note(struct sysdecode_fds *fds, const struct sysdecode_call *call);
/* The cwd of pid (AT_FDCWD, relative paths), as known when tracing starts;
 * chdir and fchdir are followed from there. */
void sysdecode_fds_set_cwd(struct sysdecode_fds *fds, int pid, const char *cwd);
/* exec closed the O_CLOEXEC fds; the cwd stays. */
void sysdecode_fds_exec(struct sysdecode_fds *fds, int pid);
/* A forked child starts with its parent's fds and cwd. */
void sysdecode_fds_fork(struct sysdecode_fds *fds, int parent, int child);
/* Forget a process (exit, or exec, which closes O_CLOEXEC fds). */
void sysdecode_fds_forget(struct sysdecode_fds *fds, int pid);
void sysdecode_fds_free(struct sysdecode_fds *fds);

#endif
