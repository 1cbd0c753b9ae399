/* SPDX-License-Identifier: GPL-2.0 */
/* x86-64 syscall table (names, argument counts, strace classes) and the
 * parser for strace's `-e trace=SET` expressions.
 */
#ifndef RTRACE_SYSCALLS_H
#define RTRACE_SYSCALLS_H

#include <stdbool.h>
#include <stddef.h>

/* Also defined in include/rtrace.h: the BPF side shares the bitmap size. */
#ifndef RTRACE_MAX_SYSCALLS
#define RTRACE_MAX_SYSCALLS	512	/* bitmap size; also used by BPF side later */
#endif

#define SYSCALL_MASK_WORDS	(RTRACE_MAX_SYSCALLS / 64)

/* Enough for "syscall_" plus any long. */
#define SYSCALL_NAME_BUF	32

/* strace's syscall classes, as selected by `-e trace=%class`. */
#define TRACE_FILE		(1U << 0)	/* %file: takes a file name */
#define TRACE_IPC		(1U << 1)	/* %ipc: SysV IPC */
#define TRACE_NETWORK		(1U << 2)	/* %network, %net */
#define TRACE_PROCESS		(1U << 3)	/* %process: process lifecycle */
#define TRACE_SIGNAL		(1U << 4)	/* %signal */
#define TRACE_DESC		(1U << 5)	/* %desc: takes or returns a file descriptor */
#define TRACE_MEMORY		(1U << 6)	/* %memory: memory mapping */
#define TRACE_CREDS		(1U << 7)	/* %creds: user/group ids, capabilities */
#define TRACE_CLOCK		(1U << 8)	/* %clock: read or change clocks */
#define TRACE_PURE		(1U << 9)	/* %pure: no arguments, always succeeds */
#define TRACE_STAT		(1U << 10)	/* %stat */
#define TRACE_LSTAT		(1U << 11)	/* %lstat */
#define TRACE_FSTAT		(1U << 12)	/* %fstat */
#define TRACE_STAT_LIKE		(1U << 13)	/* %%stat: every stat variant */
#define TRACE_STATFS		(1U << 14)	/* %statfs */
#define TRACE_FSTATFS		(1U << 15)	/* %fstatfs */
#define TRACE_STATFS_LIKE	(1U << 16)	/* %%statfs: every statfs variant */

struct syscall_info {
	const char *name;
	int nargs;		/* as strace's syscallent.h */
	unsigned int classes;	/* TRACE_* */
};

/* NULL if nr is not a known x86-64 syscall (a hole or out of range). */
const struct syscall_info *syscall_info(long nr);

/* One past the highest known syscall number (470 for Linux 6.18). */
long syscall_table_size(void);

/* The name, or "syscall_NNN" written into buf (SYSCALL_NAME_BUF bytes is
 * always enough) and buf returned.
 */
const char *syscall_name(long nr, char *buf, size_t len);

/* The number of a name; "syscall_NNN" is accepted back for NNN below
 * RTRACE_MAX_SYSCALLS. Returns -ENOENT if unknown, -EINVAL for NULL.
 */
long syscall_lookup(const char *name);

/* Parse strace's -e trace= expression into a bitmap (bit nr set = traced):
 * a comma list of names, `all`, `none`, classes (`%file`, ...; strace's old
 * bare `file`, `desc`, ... too), leading `!` inverts the whole set, `?name`
 * ignores an unknown token, `/regex` is a POSIX extended regex over the names,
 * and a raw number or `syscall_NNN` names a number. Each call overwrites mask.
 * Returns 0, or -EINVAL (-ENOMEM) with a one-line message in err naming the
 * culprit, e.g. "invalid system call 'opn'"; mask is left alone on error.
 */
int syscall_set_parse(const char *expr, unsigned long long mask[RTRACE_MAX_SYSCALLS / 64],
		      char *err, size_t errlen);

/* false for nr outside the bitmap */
bool syscall_set_has(const unsigned long long *mask, long nr);

#endif
