/* SPDX-License-Identifier: GPL-2.0 */
/* Internals shared by sysdecode*.c: value → name tables (xlat, as strace
 * calls them), the printing context and the struct printers.
 */
#ifndef RTRACE_SYSDECODE_PRIV_H
#define RTRACE_SYSDECODE_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "sysdecode.h"
#include "util/quote.h"
#include "util/util.h"


/* A value and its name; tables end with a NULL name. For flag tables the
 * order is strace's (its src/xlat/NAME.in), which fixes the output order. */
struct xlat {
	unsigned long long val;
	const char *name;
};

#define X(v)		{ (unsigned long long)(v), #v }
#define XN(v, n)	{ (unsigned long long)(v), n }
#define XEND		{ 0, NULL }

/* Everything a printer needs about the call being printed. */
struct sd_ctx {
	FILE *out;
	const struct sysdecode_call *call;
	unsigned int slimit;		/* -s */
	bool fd_paths;			/* -y */
	struct sysdecode_fds *fds;
	const struct sd_syscall *sc;	/* the decoding table entry, or NULL */
};

/* ---- the decoding table (sysdecode.c) ---- */

/* The type of a syscall argument: what to capture (sysdecode.c's
 * type_caps) and how to print it (sysdecode_args.c). */
enum sd_type {
	T_END = 0,
	T_INT, T_UINT, T_LONG, T_ULONG, T_HEX, T_PTR, T_UMODE, T_UID, T_FD, T_DIRFD,
	T_PATH, T_EXEC_PATH, T_STR, T_WBUF, T_RBUF, T_RBUF_HEX, T_RPATH, T_IOV_IN, T_IOV_OUT,
	T_OPEN_FLAGS, T_OPEN_MODE, T_FD_FLAGS, T_ACCESS, T_AT_FLAGS, T_FACCESSAT_FLAGS,
	T_PROT, T_MAP_FLAGS, T_MADV, T_MREMAP_FLAGS, T_MREMAP_ADDR, T_MSYNC,
	T_WHENCE, T_FCNTL_CMD, T_FCNTL_ARG, T_IOCTL_CMD, T_IOCTL_ARG,
	T_STAT_OUT, T_STATX_OUT, T_STATX_FLAGS, T_STATX_MASK,
	T_CLOCKID, T_TIMESPEC, T_TIMESPEC_OUT, T_TIMESPEC_REM, T_TIMEVAL_OUT, T_TIMEZONE_OUT,
	T_TIMER_FLAGS, T_ITIMER_WHICH, T_ITIMERVAL, T_ITIMERVAL_OUT,
	T_POLLFDS, T_PPOLLFDS, T_PPOLL_TS,
	T_EPOLL_OP, T_EPOLL_EVENT, T_EPOLL_EVENTS_OUT, T_EPOLL_FLAGS,
	T_AF, T_SOCKTYPE, T_SOCKPROTO, T_SOCK_FLAGS, T_SOCKADDR, T_SOCKADDR_OUT, T_SOCKLEN_PTR,
	T_SOCKOPT_LEVEL, T_SOCKOPT_NAME, T_SOCKOPT_VAL, T_SOCKOPT_VAL_OUT, T_MSG_FLAGS, T_SHUT,
	T_FDPAIR_OUT, T_SIGNAL, T_SIGACTION, T_SIGACTION_OUT, T_SIGSET, T_SIGSET_OUT, T_SIGHOW,
	T_STACK, T_STACK_OUT, T_WSTATUS_OUT, T_WAIT_OPTS, T_RUSAGE_OUT, T_RUSAGE_WHO,
	T_CLONE_FLAGS, T_CLONE_ARGS, T_ARGV, T_ENVP, T_FUTEX_TIMEOUT, T_GRND,
	T_RLIMIT_RES, T_RLIMIT, T_RLIMIT_OUT, T_ARCH_CODE, T_ARCH_ADDR, T_UNAME_OUT,
	T_DIRENTS_OUT, T_RENAME_FLAGS, T_CPUSET, T_CPUSET_OUT, T_SYSINFO_OUT, T_OPEN_HOW,
	T_INT_OUT, T_FLOCK_OP, T_FADVICE, T_EFD_FLAGS, T_MFD_FLAGS, T_TFD_FLAGS,
	T_INOTIFY_FLAGS, T_CLOSE_RANGE_FLAGS, T_PRIO_WHICH, T_FD_NEW, T_TIME_OUT, T_ADDR_OUT,
	T_ULONG_OUT,
	T_NR_TYPES
};

/* What one argument type needs copied. */
struct sd_capneed {
	unsigned char kind;	/* RTRACE_CAP_*, or SD_CAP_* */
	unsigned char at_exit;
	unsigned short size;	/* FIXED: bytes */
	unsigned char elem;	/* ARGLEN/RETLEN: bytes per counted element, 0 = bytes */
	unsigned char input;	/* read at exit, but an input: shown whatever the result */
};

enum sd_ret { R_DEC = 0, R_HEX, R_FD, R_OCT, R_POLL, R_FCNTL, R_TIME };

struct sd_arg {
	unsigned char type;	/* enum sd_type */
	unsigned char len_arg;	/* the argument holding the length, for *LEN captures */
};

struct sd_syscall {
	struct sd_arg arg[6];
	unsigned char ret;	/* enum sd_ret */
	/* prints the whole argument list itself (clone, futex) */
	void (*print)(struct sd_ctx *c);
};

const struct sd_syscall *sd_lookup(long nr);	/* NULL: not decoded, strace's hex */
bool sd_is_error(long long ret);		/* -4095..-1 */
/* The which-th capture of argument arg as it came (NULL if absent or
 * faulted); need, if not NULL, gets what it was asked as. */
const struct sysdecode_capture *sd_cap_raw(struct sd_ctx *c, int arg, int which,
					   const struct sd_capneed **need);
/* The same if strace would show it: exit captures only after success. */
const struct sysdecode_capture *sd_cap(struct sd_ctx *c, int arg, int which);

/* ---- sysdecode_args.c ---- */

bool sd_arg_shown(struct sd_ctx *c, int i);	/* strace drops some by context */
void sd_print_arg(struct sd_ctx *c, int i);
void sd_print_clone(struct sd_ctx *c);
void sd_print_futex(struct sd_ctx *c);
/* poll's `[{fd=3, revents=POLLIN}]` from the exit copy of the array */
void sd_print_revents(struct sd_ctx *c, const struct sysdecode_capture *cap);

/* ---- sysdecode_fds.c ---- */

void sd_fd(struct sd_ctx *c, long long fd);		/* 3, or 3</path> with -y */
void sd_dirfd(struct sd_ctx *c, long long fd);		/* AT_FDCWD</cwd> too */
/* The path the table holds for fd, without asking /proc; NULL if none. */
const char *sd_fds_known(struct sysdecode_fds *fds, int pid, int fd);
void sd_print_fd_path(FILE *out, const char *path);	/* <path> as strace -y */
/* /proc/PID/fd/FD, or /proc/PID/cwd when fd < 0, through the table's link function */
bool sd_proc_link(struct sysdecode_fds *fds, int pid, long long fd, char *buf, size_t len);

/* ---- sysdecode_flags.c ---- */

extern const struct xlat xl_open_access[], xl_open_flags[], xl_at_flags[], xl_access_modes[];
extern const struct xlat xl_prot[], xl_map_type[], xl_map_flags[], xl_madvise[], xl_mremap[];
extern const struct xlat xl_whence[], xl_fcntl_cmds[], xl_fd_flags[], xl_ioctl[], xl_ioc_dirs[];
extern const struct xlat xl_clockids[], xl_timer_flags[], xl_poll_events[], xl_epoll_events[];
extern const struct xlat xl_epoll_ctl[], xl_epoll_flags[], xl_af[], xl_socktype[];
extern const struct xlat xl_sock_flags[], xl_ipproto[], xl_netlink_proto[], xl_sol[];
extern const struct xlat xl_so[], xl_ip_opts[], xl_ipv6_opts[], xl_tcp_opts[], xl_msg_flags[];
extern const struct xlat xl_shut[], xl_sig_how[], xl_sa_flags[], xl_ss_flags[], xl_wait_opts[];
extern const struct xlat xl_clone_flags[], xl_grnd[], xl_rlimit[], xl_arch_prctl[];
extern const struct xlat xl_rename[], xl_statx_mask[], xl_statx_attrs[], xl_statx_sync[];
extern const struct xlat xl_mode_type[], xl_resolve[], xl_faccessat_flags[];
extern const struct xlat xl_flock[], xl_fadvise[], xl_efd[], xl_mfd[], xl_itimer[];
extern const struct xlat xl_futex_bitset[], xl_priority_which[], xl_seals[], xl_msync[];
extern const struct xlat xl_tfd[], xl_inotify[], xl_close_range[], xl_flock_type[], xl_rusage_who[];

const char *sd_xlookup(const struct xlat *x, unsigned long long v);
/* The name; else the number in hex followed by dflt as a C comment (strace's
 * `0x3001 /\* ARCH_??? *\/`), or alone when dflt is NULL. */
void sd_xval(FILE *out, const struct xlat *x, unsigned long long v, const char *dflt);
/* strace's printflags: names in table order joined by `|`, leftover bits as
 * hex; v == 0 without a zero-valued name prints `0`, or nothing when dflt is
 * NULL (as strace does). */
void sd_flags(FILE *out, const struct xlat *x, unsigned long long v, const char *dflt);
void sd_open_flags(FILE *out, unsigned long long v);	/* O_RDONLY|O_CLOEXEC */
void sd_mode_symbolic(FILE *out, unsigned int mode);	/* S_IFREG|0644 */

/* `SIGTERM`, `SIGRTMIN`, `SIGRT_3`; unknown as the number. */
void sd_signal(FILE *out, long long sig);
/* `[INT TERM]`, `~[RTMIN RT_1]`: bytes of a sigset_t. */
void sd_sigset(FILE *out, const void *set, unsigned int bytes);
/* strace's text for an errno (the part in parentheses), NULL if none. */
const char *sd_errno_desc(int err);
/* The ioctl command: name, or _IOC(...) as strace prints unknown ones. */
void sd_ioctl_cmd(FILE *out, unsigned int cmd);

/* ---- strings (sysdecode_args.c) ---- */

void sd_addr(FILE *out, unsigned long long v);		/* NULL or 0x... */

/* ---- sysdecode_structs.c: all take captured bytes (len may be short) ---- */

void sd_print_stat(FILE *out, const void *p, size_t len);
void sd_print_statx(FILE *out, const void *p, size_t len);
void sd_print_timespec(FILE *out, const void *p, size_t len);
void sd_print_timeval(FILE *out, const void *p, size_t len);
void sd_print_timezone(FILE *out, const void *p, size_t len);
void sd_print_sockaddr(FILE *out, const void *p, size_t len);
void sd_print_epoll_event(struct sd_ctx *c, const void *p);
void sd_print_sigaction(FILE *out, const void *p, size_t len);
void sd_print_stack(FILE *out, const void *p, size_t len);
void sd_print_wstatus(FILE *out, int status);
void sd_print_rusage(FILE *out, const void *p, size_t len);
void sd_print_rlimit(FILE *out, const void *p, size_t len, bool is64);
void sd_print_utsname(FILE *out, const void *p, size_t len);
void sd_print_sysinfo(FILE *out, const void *p, size_t len);
void sd_print_termios(FILE *out, const void *p, size_t len);
void sd_print_time(FILE *out, long long t);	/* 2026-11-26T04:22:45+0000 */
void sd_print_winsize(FILE *out, const void *p, size_t len);
void sd_print_clone_args(FILE *out, const void *p, size_t len, long long ret, bool has_ret);
void sd_print_open_how(FILE *out, const void *p, size_t len);
void sd_print_cpuset(FILE *out, const void *p, size_t len);
void sd_print_itimerspec(FILE *out, const void *p, size_t len);
void sd_print_itimerval(FILE *out, const void *p, size_t len);
/* getdents64: false when the buffer does not hold whole entries. */
bool sd_print_dirents(FILE *out, const void *p, size_t len, unsigned long long addr);

#endif
