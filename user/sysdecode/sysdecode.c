// SPDX-License-Identifier: GPL-2.0
/* strace-style syscall decoding. One table says, per syscall, the type of
 * each argument; a type says both what BPF must copy from user memory
 * (sysdecode_fill_specs) and how to print it (sysdecode_args.c), so the two
 * cannot drift apart: capture slots are numbered in argument order.
 */
#include <asm/unistd_64.h>
#include <errno.h>
#include <string.h>

#include "syscalls.h"
#include "sysdecode_priv.h"

void sysdecode_captures(const void *blocks, size_t len, unsigned int n,
			struct sysdecode_capture *cap, unsigned int max)
{
	const unsigned char *base = blocks;
	size_t off = 0;

	/* Offsets, not pointers: a length from the record can point anywhere. */
	while (base && n-- && len - off >= sizeof(struct rtrace_capture)) {
		const struct rtrace_capture *c = (const void *)(base + off);
		size_t data_len = c->len, step = sizeof(*c) + ((data_len + 7) & ~(size_t)7);

		if (c->idx < max && data_len <= len - off - sizeof(*c))
			cap[c->idx] = (struct sysdecode_capture){ base + off + sizeof(*c), c->len,
								  c->flags, true };
		if (step > len - off)
			break;
		off += step;
	}
}

#define ENTRY(k, ...)	{ RTRACE_CAP_##k, 0, __VA_ARGS__ }
#define EXIT(k, ...)	{ RTRACE_CAP_##k, 1, __VA_ARGS__ }
/* An input read at exit (see below): shown whether or not the call failed. */
#define INPUT(k, sz, el)	{ RTRACE_CAP_##k, 1, sz, el, 1 }

/* Inputs are read at exit: the kernel has just read them, so their pages are
 * resident (a string in a .rodata page the program never touched is not at
 * entry, and BPF cannot fault it in). Read at entry what the kernel may
 * overwrite (poll's array, *addrlen, and structs a call may also write back
 * through the same pointer: sigprocmask(SIG_BLOCK, &s, &s), nanosleep(&t, &t))
 * and what exec replaces (execve's path and vectors). */

/* `size` of a non-FIXED capture: 0 for text that -s cuts (BPF may stop at
 * its global limit), RTRACE_CAPTURE_MAX for data shown whole (paths, structs,
 * arrays). */
#define WHOLE	RTRACE_CAPTURE_MAX

static const struct sd_capneed type_caps[T_NR_TYPES][2] = {
	[T_PATH]		= { INPUT(STR, WHOLE, 0) },
	[T_EXEC_PATH]		= { ENTRY(STR, WHOLE, 0) },
	[T_STR]			= { INPUT(STR, 0, 0) },
	[T_WBUF]		= { INPUT(ARGLEN, 0, 0) },
	[T_RBUF]		= { EXIT(RETLEN, 0, 0) },
	/* writev's buffers are inputs; readv's hold what was read, up to ret */
	[T_IOV_IN]		= { INPUT(IOV, 0, 0) },
	[T_IOV_OUT]		= { EXIT(IOV, 0, 0) },
	[T_RBUF_HEX]		= { EXIT(RETLEN, 0, 0) },
	[T_RPATH]		= { EXIT(RETLEN, WHOLE, 0) },
	[T_FCNTL_ARG]		= { EXIT(FIXED, 32, 0) },	/* struct flock */
	/* struct termios, the largest of the decoded ioctl args */
	[T_IOCTL_ARG]		= { EXIT(FIXED, 36, 0) },
	[T_STAT_OUT]		= { EXIT(FIXED, 144, 0) },
	[T_STATX_OUT]		= { EXIT(FIXED, 256, 0) },
	[T_TIMESPEC]		= { ENTRY(FIXED, 16, 0) },
	[T_TIMESPEC_OUT]	= { EXIT(FIXED, 16, 0) },
	[T_TIMESPEC_REM]	= { EXIT(FIXED, 16, 0) },
	[T_TIMEVAL_OUT]		= { EXIT(FIXED, 16, 0) },
	[T_TIMEZONE_OUT]	= { EXIT(FIXED, 8, 0) },
	[T_ITIMERVAL]		= { ENTRY(FIXED, 32, 0) },
	[T_ITIMERVAL_OUT]	= { EXIT(FIXED, 32, 0) },
	/* the kernel writes back only revents: one copy at entry for the
	 * line, one at exit for the `= 1 ([...])` part */
	[T_POLLFDS]		= { ENTRY(ARGLEN, WHOLE, 8), EXIT(ARGLEN, WHOLE, 8) },
	[T_PPOLLFDS]		= { EXIT(ARGLEN, WHOLE, 8) },	/* slots go to `left` */
	[T_PPOLL_TS]		= { ENTRY(FIXED, 16, 0), EXIT(FIXED, 16, 0) },
	[T_EPOLL_EVENT]		= { INPUT(FIXED, 12, 0) },
	[T_EPOLL_EVENTS_OUT]	= { EXIT(RETLEN, WHOLE, 12) },
	[T_SOCKADDR]		= { INPUT(ARGLEN, WHOLE, 0) },
	/* its length is the kernel's *addrlen at exit: T_SOCKLEN_PTR reads
	 * it back from here for strace's `[in => out]` */
	[T_SOCKADDR_OUT]	= { EXIT(DEREF_LEN, WHOLE, 0) },
	[T_SOCKLEN_PTR]		= { ENTRY(FIXED, 4, 0) },
	[T_SOCKOPT_VAL]		= { INPUT(ARGLEN, WHOLE, 0) },
	[T_SOCKOPT_VAL_OUT]	= { EXIT(DEREF_LEN, WHOLE, 0) },
	[T_FDPAIR_OUT]		= { EXIT(FIXED, 8, 0) },
	[T_SIGACTION]		= { ENTRY(FIXED, 32, 0) },
	[T_SIGACTION_OUT]	= { EXIT(FIXED, 32, 0) },
	[T_SIGSET]		= { ENTRY(FIXED, 8, 0) },
	[T_SIGSET_OUT]		= { EXIT(FIXED, 8, 0) },
	[T_STACK]		= { ENTRY(FIXED, 24, 0) },
	[T_STACK_OUT]		= { EXIT(FIXED, 24, 0) },
	[T_WSTATUS_OUT]		= { EXIT(FIXED, 4, 0) },
	[T_RUSAGE_OUT]		= { EXIT(FIXED, 32, 0) },	/* the times, as strace */
	[T_CLONE_ARGS]		= { INPUT(FIXED, 88, 0) },
	[T_ARGV]		= { { RTRACE_CAP_STRV, 0, 0, 0 } },
	[T_ENVP]		= { { RTRACE_CAP_STRV_COUNT, 0, 0, 0 } },
	[T_FUTEX_TIMEOUT]	= { INPUT(FIXED, 16, 0) },
	[T_RLIMIT]		= { ENTRY(FIXED, 16, 0) },
	[T_RLIMIT_OUT]		= { EXIT(FIXED, 16, 0) },
	[T_ARCH_ADDR]		= { EXIT(FIXED, 8, 0) },
	[T_UNAME_OUT]		= { EXIT(FIXED, 390, 0) },
	[T_DIRENTS_OUT]		= { EXIT(RETLEN, WHOLE, 0) },
	[T_CPUSET]		= { INPUT(ARGLEN, WHOLE, 0) },
	[T_CPUSET_OUT]		= { EXIT(RETLEN, WHOLE, 0) },
	[T_SYSINFO_OUT]		= { EXIT(FIXED, 112, 0) },
	[T_OPEN_HOW]		= { INPUT(FIXED, 24, 0) },
	[T_INT_OUT]		= { EXIT(FIXED, 4, 0) },
	[T_TIME_OUT]		= { EXIT(FIXED, 8, 0) },
	[T_ADDR_OUT]		= { EXIT(FIXED, 8, 0) },
	[T_ULONG_OUT]		= { EXIT(FIXED, 8, 0) },
};

#define A(t)		{ T_##t, 0 }
#define L(t, n)		{ T_##t, n }
#define SC(nr, ...)	[__NR_##nr] = { .arg = { __VA_ARGS__ } }
#define SCR(nr, r, ...)	[__NR_##nr] = { .arg = { __VA_ARGS__ }, .ret = R_##r }

static const struct sd_syscall sd_table[RTRACE_MAX_SYSCALLS] = {
	SC(read, A(FD), L(RBUF, 2), A(ULONG)),
	SC(write, A(FD), L(WBUF, 2), A(ULONG)),
	SCR(open, FD, A(PATH), A(OPEN_FLAGS), A(OPEN_MODE)),
	SC(close, A(FD)),
	SC(stat, A(PATH), A(STAT_OUT)),
	SC(fstat, A(FD), A(STAT_OUT)),
	SC(lstat, A(PATH), A(STAT_OUT)),
	SCR(poll, POLL, L(POLLFDS, 1), A(UINT), A(INT)),
	SC(lseek, A(FD), A(LONG), A(WHENCE)),
	SCR(mmap, HEX, A(PTR), A(ULONG), A(PROT), A(MAP_FLAGS), A(FD), A(HEX)),
	SC(mprotect, A(PTR), A(ULONG), A(PROT)),
	SC(munmap, A(PTR), A(ULONG)),
	SCR(brk, HEX, A(PTR)),
	SC(rt_sigaction, A(SIGNAL), A(SIGACTION), A(SIGACTION_OUT), A(ULONG)),
	SC(rt_sigprocmask, A(SIGHOW), A(SIGSET), A(SIGSET_OUT), A(ULONG)),
	SC(ioctl, A(FD), A(IOCTL_CMD), A(IOCTL_ARG)),
	SC(pread64, A(FD), L(RBUF, 2), A(ULONG), A(LONG)),
	SC(pwrite64, A(FD), L(WBUF, 2), A(ULONG), A(LONG)),
	SC(readv, A(FD), L(IOV_OUT, 2), A(INT)),
	SC(writev, A(FD), L(IOV_IN, 2), A(INT)),
	SC(preadv, A(FD), L(IOV_OUT, 2), A(INT), A(LONG)),
	SC(pwritev, A(FD), L(IOV_IN, 2), A(INT), A(LONG)),
	SC(access, A(PATH), A(ACCESS)),
	SC(pipe, A(FDPAIR_OUT)),
	SCR(mremap, HEX, A(PTR), A(ULONG), A(ULONG), A(MREMAP_FLAGS), A(MREMAP_ADDR)),
	SC(msync, A(PTR), A(ULONG), A(MSYNC)),
	SC(madvise, A(PTR), A(ULONG), A(MADV)),
	SCR(shmat, HEX, A(INT), A(PTR), A(HEX)),
	SCR(dup, FD, A(FD)),
	SCR(dup2, FD, A(FD), A(FD_NEW)),
	SC(nanosleep, A(TIMESPEC), A(TIMESPEC_REM)),
	SC(getitimer, A(ITIMER_WHICH), A(ITIMERVAL_OUT)),
	SC(alarm, A(UINT)),
	SC(setitimer, A(ITIMER_WHICH), A(ITIMERVAL), A(ITIMERVAL_OUT)),
	SC(sendfile, A(FD), A(FD), A(PTR), A(ULONG)),
	SCR(socket, FD, A(AF), A(SOCKTYPE), A(SOCKPROTO)),
	SC(connect, A(FD), L(SOCKADDR, 2), A(INT)),
	SCR(accept, FD, A(FD), L(SOCKADDR_OUT, 2), A(SOCKLEN_PTR)),
	SC(sendto, A(FD), L(WBUF, 2), A(ULONG), A(MSG_FLAGS), L(SOCKADDR, 5), A(INT)),
	SC(recvfrom, A(FD), L(RBUF, 2), A(ULONG), A(MSG_FLAGS), L(SOCKADDR_OUT, 5),
	   A(SOCKLEN_PTR)),
	SC(sendmsg, A(FD), A(PTR), A(MSG_FLAGS)),
	SC(recvmsg, A(FD), A(PTR), A(MSG_FLAGS)),
	SC(shutdown, A(FD), A(SHUT)),
	SC(bind, A(FD), L(SOCKADDR, 2), A(INT)),
	SC(listen, A(FD), A(INT)),
	SC(getsockname, A(FD), L(SOCKADDR_OUT, 2), A(SOCKLEN_PTR)),
	SC(getpeername, A(FD), L(SOCKADDR_OUT, 2), A(SOCKLEN_PTR)),
	SC(socketpair, A(AF), A(SOCKTYPE), A(SOCKPROTO), A(FDPAIR_OUT)),
	SC(setsockopt, A(FD), A(SOCKOPT_LEVEL), A(SOCKOPT_NAME), L(SOCKOPT_VAL, 4), A(INT)),
	SC(getsockopt, A(FD), A(SOCKOPT_LEVEL), A(SOCKOPT_NAME), L(SOCKOPT_VAL_OUT, 4),
	   A(SOCKLEN_PTR)),
	[__NR_clone] = { .print = sd_print_clone },
	SC(execve, A(EXEC_PATH), A(ARGV), A(ENVP)),
	SC(exit, A(INT)),
	SC(wait4, A(INT), A(WSTATUS_OUT), A(WAIT_OPTS), A(RUSAGE_OUT)),
	SC(kill, A(INT), A(SIGNAL)),
	SC(uname, A(UNAME_OUT)),
	SCR(fcntl, FCNTL, A(FD), A(FCNTL_CMD), A(FCNTL_ARG)),
	SC(flock, A(FD), A(FLOCK_OP)),
	SC(fsync, A(FD)),
	SC(fdatasync, A(FD)),
	SC(truncate, A(PATH), A(LONG)),
	SC(ftruncate, A(FD), A(LONG)),
	SC(getdents64, A(FD), A(DIRENTS_OUT), A(UINT)),
	SC(getcwd, A(RPATH), A(ULONG)),
	SC(chdir, A(PATH)),
	SC(fchdir, A(FD)),
	SC(rename, A(PATH), A(PATH)),
	SC(mkdir, A(PATH), A(UMODE)),
	SC(rmdir, A(PATH)),
	SCR(creat, FD, A(PATH), A(UMODE)),
	SC(link, A(PATH), A(PATH)),
	SC(unlink, A(PATH)),
	SC(symlink, A(PATH), A(PATH)),
	SC(readlink, A(PATH), A(RBUF), A(ULONG)),
	SC(chmod, A(PATH), A(UMODE)),
	SC(fchmod, A(FD), A(UMODE)),
	SC(chown, A(PATH), A(UID), A(UID)),
	SC(fchown, A(FD), A(UID), A(UID)),
	SC(lchown, A(PATH), A(UID), A(UID)),
	SCR(umask, OCT, A(UMODE)),
	SC(gettimeofday, A(TIMEVAL_OUT), A(TIMEZONE_OUT)),
	SC(getrlimit, A(RLIMIT_RES), A(RLIMIT_OUT)),
	SC(getrusage, A(RUSAGE_WHO), A(RUSAGE_OUT)),
	SC(sysinfo, A(SYSINFO_OUT)),
	SC(setuid, A(UID)),
	SC(setgid, A(UID)),
	SC(setpgid, A(INT), A(INT)),
	SC(getpgid, A(INT)),
	SC(getsid, A(INT)),
	SC(getresuid, A(INT_OUT), A(INT_OUT), A(INT_OUT)),
	SC(getresgid, A(INT_OUT), A(INT_OUT), A(INT_OUT)),
	SC(rt_sigpending, A(SIGSET_OUT), A(ULONG)),
	SC(rt_sigsuspend, A(SIGSET), A(ULONG)),
	SC(sigaltstack, A(STACK), A(STACK_OUT)),
	SC(getpriority, A(PRIO_WHICH), A(INT)),
	SC(setpriority, A(PRIO_WHICH), A(INT), A(INT)),
	SC(mlock, A(PTR), A(ULONG)),
	SC(munlock, A(PTR), A(ULONG)),
	SC(arch_prctl, A(ARCH_CODE), A(ARCH_ADDR)),
	SC(setrlimit, A(RLIMIT_RES), A(RLIMIT)),
	SC(chroot, A(PATH)),
	SC(tkill, A(INT), A(SIGNAL)),
	SCR(time, TIME, A(TIME_OUT)),
	[__NR_futex] = { .arg = { A(PTR), A(INT), A(UINT), A(FUTEX_TIMEOUT) },
			 .print = sd_print_futex },
	SC(sched_setaffinity, A(INT), A(ULONG), L(CPUSET, 1)),
	SC(sched_getaffinity, A(INT), A(ULONG), A(CPUSET_OUT)),
	SC(set_tid_address, A(PTR)),
	SC(fadvise64, A(FD), A(LONG), A(LONG), A(FADVICE)),
	SC(clock_settime, A(CLOCKID), A(TIMESPEC)),
	SC(clock_gettime, A(CLOCKID), A(TIMESPEC_OUT)),
	SC(clock_getres, A(CLOCKID), A(TIMESPEC_OUT)),
	SC(clock_nanosleep, A(CLOCKID), A(TIMER_FLAGS), A(TIMESPEC), A(TIMESPEC_REM)),
	SC(exit_group, A(INT)),
	SC(epoll_wait, A(FD), A(EPOLL_EVENTS_OUT), A(INT), A(INT)),
	SC(epoll_ctl, A(FD), A(EPOLL_OP), A(FD), A(EPOLL_EVENT)),
	SC(tgkill, A(INT), A(INT), A(SIGNAL)),
	SCR(openat, FD, A(DIRFD), A(PATH), A(OPEN_FLAGS), A(OPEN_MODE)),
	SC(mkdirat, A(DIRFD), A(PATH), A(UMODE)),
	SC(fchownat, A(DIRFD), A(PATH), A(UID), A(UID), A(AT_FLAGS)),
	SC(newfstatat, A(DIRFD), A(PATH), A(STAT_OUT), A(AT_FLAGS)),
	SC(unlinkat, A(DIRFD), A(PATH), A(AT_FLAGS)),
	SC(renameat, A(DIRFD), A(PATH), A(DIRFD), A(PATH)),
	SC(linkat, A(DIRFD), A(PATH), A(DIRFD), A(PATH), A(AT_FLAGS)),
	SC(symlinkat, A(PATH), A(DIRFD), A(PATH)),
	SC(readlinkat, A(DIRFD), A(PATH), A(RBUF), A(ULONG)),
	SC(fchmodat, A(DIRFD), A(PATH), A(UMODE)),
	SC(faccessat, A(DIRFD), A(PATH), A(ACCESS)),
	SCR(ppoll, POLL, L(PPOLLFDS, 1), A(UINT), A(PPOLL_TS), A(PTR), A(ULONG)),
	SC(set_robust_list, A(PTR), A(ULONG)),
	SC(get_robust_list, A(INT), A(ADDR_OUT), A(ULONG_OUT)),
	SC(epoll_pwait, A(FD), A(EPOLL_EVENTS_OUT), A(INT), A(INT), A(PTR), A(ULONG)),
	SCR(timerfd_create, FD, A(CLOCKID), A(TFD_FLAGS)),
	SCR(eventfd2, FD, A(UINT), A(EFD_FLAGS)),
	SCR(epoll_create, FD, A(INT)),
	SCR(epoll_create1, FD, A(EPOLL_FLAGS)),
	SCR(dup3, FD, A(FD), A(FD_NEW), A(FD_FLAGS)),
	SC(pipe2, A(FDPAIR_OUT), A(FD_FLAGS)),
	SCR(inotify_init1, FD, A(INOTIFY_FLAGS)),
	SCR(accept4, FD, A(FD), L(SOCKADDR_OUT, 2), A(SOCKLEN_PTR), A(SOCK_FLAGS)),
	SC(prlimit64, A(INT), A(RLIMIT_RES), A(RLIMIT), A(RLIMIT_OUT)),
	SC(renameat2, A(DIRFD), A(PATH), A(DIRFD), A(PATH), A(RENAME_FLAGS)),
	SC(getrandom, A(RBUF_HEX), A(ULONG), A(GRND)),
	SCR(memfd_create, FD, A(STR), A(MFD_FLAGS)),
	SC(statx, A(DIRFD), A(PATH), A(STATX_FLAGS), A(STATX_MASK), A(STATX_OUT)),
	SC(clone3, A(CLONE_ARGS), A(ULONG)),
	SC(close_range, A(UINT), A(UINT), A(CLOSE_RANGE_FLAGS)),
	SCR(openat2, FD, A(DIRFD), A(PATH), A(OPEN_HOW), A(ULONG)),
	SCR(pidfd_open, FD, A(INT), A(UINT)),
	SC(faccessat2, A(DIRFD), A(PATH), A(ACCESS), A(FACCESSAT_FLAGS)),
};

const struct sd_syscall *sd_lookup(long nr)
{
	const struct sd_syscall *sc;

	if (nr < 0 || nr >= RTRACE_MAX_SYSCALLS)
		return NULL;
	sc = &sd_table[nr];
	return sc->arg[0].type || sc->print ? sc : NULL;
}

/* ---- capture specs ---- */

static void fill_one(struct rtrace_capture_spec *s, const struct sd_capneed *n, int arg,
		     int len_arg)
{
	memset(s, 0, sizeof(*s));
	s->arg = arg;
	s->len_arg = len_arg;
	s->at_exit = n->at_exit;
	s->kind = n->kind;
	s->size = n->size;
	if (n->elem > 1)
		s->elem_size = n->elem;
}

/* Calls f for each capture slot of sc in slot order; stops early if f
 * returns true. The one place that numbers the slots. */
static int for_each_slot(const struct sd_syscall *sc,
			 bool (*f)(void *ctx, int slot, int arg, const struct sd_capneed *n),
			 void *ctx)
{
	int i, j, slot = 0;

	for (i = 0; i < 6 && sc->arg[i].type; i++) {
		for (j = 0; j < 2; j++) {
			const struct sd_capneed *n = &type_caps[sc->arg[i].type][j];

			if (!n->kind)
				break;
			if (slot >= RTRACE_MAX_CAPTURES)
				return slot;
			if (f(ctx, slot, i, n))
				return slot;
			slot++;
		}
	}
	return slot;
}

struct fill_ctx {
	struct rtrace_syscall_spec *spec;
	const struct sd_syscall *sc;
};

static bool fill_slot(void *ctx, int slot, int arg, const struct sd_capneed *n)
{
	struct fill_ctx *fc = ctx;

	fill_one(&fc->spec->cap[slot], n, arg, fc->sc->arg[arg].len_arg);
	return false;
}

void sysdecode_fill_specs(struct rtrace_syscall_spec specs[RTRACE_MAX_SYSCALLS])
{
	long nr;

	memset(specs, 0, sizeof(*specs) * RTRACE_MAX_SYSCALLS);
	for (nr = 0; nr < RTRACE_MAX_SYSCALLS; nr++) {
		struct fill_ctx fc = { &specs[nr], sd_lookup(nr) };

		if (fc.sc)
			for_each_slot(fc.sc, fill_slot, &fc);
	}
}

struct find_ctx {
	int arg, which, seen;
	int slot;
	const struct sd_capneed *need;
};

static bool find_slot(void *ctx, int slot, int arg, const struct sd_capneed *n)
{
	struct find_ctx *fc = ctx;

	if (arg != fc->arg)
		return false;
	if (fc->seen++ != fc->which)
		return false;
	fc->slot = slot;
	fc->need = n;
	return true;
}

bool sd_is_error(long long ret)
{
	return ret < 0 && ret >= -4095;
}

/* The which-th capture of argument arg as it came, or NULL. */
const struct sysdecode_capture *sd_cap_raw(struct sd_ctx *c, int arg, int which,
					       const struct sd_capneed **need)
{
	struct find_ctx fc = { arg, which, 0, -1, NULL };
	const struct sysdecode_capture *cap;

	if (!c->sc || arg < 0)
		return NULL;
	for_each_slot(c->sc, find_slot, &fc);
	if (fc.slot < 0)
		return NULL;
	cap = &c->call->cap[fc.slot];
	if (!cap->present || (cap->flags & RTRACE_CAPF_FAULT) || (!cap->data && cap->len))
		return NULL;
	if (need)
		*need = fc.need;
	return cap;
}

/* The same if it can be shown: exit captures only after a successful
 * return, as strace prints output arguments. */
const struct sysdecode_capture *sd_cap(struct sd_ctx *c, int arg, int which)
{
	const struct sd_capneed *need;
	const struct sysdecode_capture *cap = sd_cap_raw(c, arg, which, &need);

	if (cap && need->at_exit && !need->input &&
	    (!c->call->has_ret || sd_is_error(c->call->ret)))
		return NULL;
	return cap;
}

static void ctx_init(struct sd_ctx *c, FILE *out, const struct sysdecode_call *call,
		     const struct sysdecode_opts *opts, struct sysdecode_fds *fds)
{
	c->out = out;
	c->call = call;
	c->slimit = opts && opts->string_limit ? opts->string_limit : SYSDECODE_STRING_LIMIT;
	c->fd_paths = opts && opts->fd_paths;
	c->fds = fds;
	c->sc = sd_lookup(call->nr);
}

void sysdecode_args(FILE *out, const struct sysdecode_call *call, const struct sysdecode_opts *opts,
		    struct sysdecode_fds *fds)
{
	const struct syscall_info *si = syscall_info(call->nr);
	struct sd_ctx c;
	bool first = true;
	int i, n;

	ctx_init(&c, out, call, opts, fds);
	if (c.sc && c.sc->print) {
		c.sc->print(&c);
		return;
	}
	if (!c.sc) {
		/* strace's printargs: every argument in hex */
		n = si ? si->nargs : 6;
		for (i = 0; i < n && i < 6; i++)
			fprintf(out, "%s%#llx", i ? ", " : "", call->args[i]);
		return;
	}
	for (i = 0; i < 6 && c.sc->arg[i].type; i++) {
		if (!sd_arg_shown(&c, i))
			continue;
		if (!first)
			fputs(", ", out);
		first = false;
		sd_print_arg(&c, i);
	}
}

/* ---- return values ---- */

static void print_fcntl_ret(struct sd_ctx *c)
{
	long long ret = c->call->ret;

	switch ((int)c->call->args[1]) {
	case 1:	/* F_GETFD */
		fprintf(c->out, "%#llx", ret);
		if (ret) {
			fputs(" (flags ", c->out);
			sd_flags(c->out, xl_fd_flags, ret, NULL);
			fputc(')', c->out);
		}
		break;
	case 3:	/* F_GETFL */
		fprintf(c->out, "%#llx (flags ", ret);
		sd_open_flags(c->out, ret);
		fputc(')', c->out);
		break;
	case 0: case 1030:	/* F_DUPFD, F_DUPFD_CLOEXEC */
		sd_fd(c, ret);
		break;
	case 1025:	/* F_GETLEASE */
		sd_xval(c->out, xl_flock_type, ret, NULL);
		break;
	case 1034:	/* F_GET_SEALS */
		fprintf(c->out, "%#llx (seals ", ret);
		sd_flags(c->out, xl_seals, ret, NULL);
		fputc(')', c->out);
		break;
	default:
		fprintf(c->out, "%lld", ret);
	}
}

static void print_poll_ret(struct sd_ctx *c)
{
	const struct sysdecode_capture *cap;
	long long ret = c->call->ret;
	bool ppoll = c->call->nr == __NR_ppoll;

	fprintf(c->out, "%lld", ret);
	if (ret == 0) {
		fputs(" (Timeout)", c->out);
		return;
	}
	cap = sd_cap(c, 0, ppoll ? 0 : 1);
	if (!cap)
		return;
	fputs(" (", c->out);
	sd_print_revents(c, cap);
	if (ppoll && c->call->args[2] && (cap = sd_cap(c, 2, 1)) && cap->len >= 16) {
		fputs(", left ", c->out);
		sd_print_timespec(c->out, cap->data, cap->len);
	}
	fputc(')', c->out);
}

void sysdecode_ret_ex(FILE *out, const struct sysdecode_call *call,
		      const struct sysdecode_opts *opts, struct sysdecode_fds *fds)
{
	long long ret = call->ret;
	struct sd_ctx c;

	if (!call->has_ret) {
		fputc('?', out);
		return;
	}
	ctx_init(&c, out, call, opts, fds);
	if (sd_is_error(ret)) {
		const char *name = sysdecode_errno_name(-ret), *desc = sd_errno_desc(-ret);

		/* restarted calls have no result yet, strace shows `?` */
		fputs(-ret >= 512 && -ret <= 516 ? "? " : "-1 ", out);
		if (name)
			fprintf(out, "%s (%s)", name, desc ? desc : "?");
		else
			fprintf(out, "(errno %lld)", -ret);
		return;
	}
	switch (c.sc ? c.sc->ret : R_DEC) {
	case R_HEX:
		fprintf(out, "%#llx", ret);
		break;
	case R_OCT:
		fprintf(out, "%#llo", ret);
		break;
	case R_FD:
		sd_fd(&c, ret);
		break;
	case R_POLL:
		print_poll_ret(&c);
		break;
	case R_FCNTL:
		print_fcntl_ret(&c);
		break;
	case R_TIME:
		fprintf(out, "%lld (", ret);
		sd_print_time(out, ret);
		fputc(')', out);
		break;
	default:
		fprintf(out, "%lld", ret);
	}
}

void sysdecode_ret(FILE *out, const struct sysdecode_call *call)
{
	sysdecode_ret_ex(out, call, NULL, NULL);
}

