// SPDX-License-Identifier: GPL-2.0
/* The syscall decoder: exact strings for synthetic calls, and an oracle run
 * against strace. For the oracle this binary re-executes itself under
 * `strace` in script mode: the script makes known syscalls, takes the
 * captures the specs ask for (emulating BPF: entry ones before the call,
 * exit ones after), decodes each call right away and writes the lines out
 * after an end marker; every line must equal strace's line for that call.
 */
#include <asm/unistd_64.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/fs.h>
#include <linux/stat.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <termios.h>
#include <time.h>

#include "sysdecode/syscalls.h"
#include "sysdecode/sysdecode.h"
#include "tap.h"

typedef unsigned long long u64;

/* ---- synthetic calls ---- */

static char *args_str(const struct sysdecode_call *c, const struct sysdecode_opts *o)
{
	static char buf[8192];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	sysdecode_args(f, c, o, NULL);
	fclose(f);
	return buf;
}

static char *ret_str(const struct sysdecode_call *c)
{
	static char buf[1024];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	sysdecode_ret(f, c);
	fclose(f);
	return buf;
}

static struct sysdecode_call mk(long nr, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5)
{
	struct sysdecode_call c = { .nr = nr, .args = { a0, a1, a2, a3, a4, a5 } };

	return c;
}

static void cap(struct sysdecode_call *c, int slot, const void *data, unsigned int len,
		unsigned int flags)
{
	c->cap[slot] = (struct sysdecode_capture){ data, len, flags, true };
}

static void done(struct sysdecode_call *c, long long ret)
{
	c->has_ret = true;
	c->ret = ret;
}

#define ARGS(c, want, name)	CHECK_STR(args_str(&(c), NULL), want, name)

static void test_specs(void)
{
	static struct rtrace_syscall_spec s[RTRACE_MAX_SYSCALLS];
	const struct rtrace_capture_spec *p;

	sysdecode_fill_specs(s);
	p = &s[__NR_openat].cap[0];
	CHECK(p->kind == RTRACE_CAP_STR && p->arg == 1 && p->at_exit, "spec: openat path, read at exit");
	CHECK(p->size == RTRACE_CAPTURE_MAX, "spec: a path is wanted whole");
	CHECK(s[__NR_memfd_create].cap[0].kind == RTRACE_CAP_STR &&
	      s[__NR_memfd_create].cap[0].size == 0, "spec: a name is text, -s cuts it");
	CHECK(s[__NR_openat].cap[1].kind == RTRACE_CAP_NONE, "spec: openat one capture");
	p = &s[__NR_read].cap[0];
	CHECK(p->kind == RTRACE_CAP_RETLEN && p->arg == 1 && p->at_exit,
	      "spec: read buffer at exit");
	p = &s[__NR_write].cap[0];
	CHECK(p->kind == RTRACE_CAP_ARGLEN && p->arg == 1 && p->len_arg == 2 && p->at_exit &&
	      p->size == 0, "spec: write buffer, length in arg 2, text");
	p = &s[__NR_fstat].cap[0];
	CHECK(p->kind == RTRACE_CAP_FIXED && p->size == 144 && p->at_exit, "spec: fstat struct");
	p = &s[__NR_accept4].cap[0];
	CHECK(p->kind == RTRACE_CAP_DEREF_LEN && p->arg == 1 && p->len_arg == 2 && p->at_exit &&
	      s[__NR_accept4].cap[1].kind == RTRACE_CAP_FIXED && s[__NR_accept4].cap[1].arg == 2 &&
	      !s[__NR_accept4].cap[1].at_exit, "spec: accept4 sockaddr at exit, addrlen at entry");
	CHECK(s[__NR_poll].cap[0].arg == 0 && !s[__NR_poll].cap[0].at_exit &&
	      s[__NR_poll].cap[1].arg == 0 && s[__NR_poll].cap[1].at_exit,
	      "spec: poll array at entry and exit");
	CHECK(s[__NR_renameat2].cap[0].arg == 1 && s[__NR_renameat2].cap[1].arg == 3,
	      "spec: renameat2 two paths");
	CHECK(s[__NR_getpid].cap[0].kind == RTRACE_CAP_NONE, "spec: getpid captures nothing");
	CHECK(s[__NR_mmap].cap[0].kind == RTRACE_CAP_NONE, "spec: mmap captures nothing");
}

static void test_synthetic(void)
{
	struct sysdecode_opts s5 = { .string_limit = 5 };
	struct sysdecode_call c;
	char big[100];

	/* entry-only line of a call that is still running */
	c = mk(__NR_openat, -100, 0x7fc980cd40b1, 0x80000, 0, 0, 0);
	cap(&c, 0, "/etc/ld.so.cache", 17, 0);
	ARGS(c, "AT_FDCWD, \"/etc/ld.so.cache\", O_RDONLY|O_CLOEXEC", "openat");
	CHECK_STR(ret_str(&c), "?", "ret ? while running");
	done(&c, 3);
	CHECK_STR(ret_str(&c), "3", "ret fd");
	done(&c, -ENOENT);
	CHECK_STR(ret_str(&c), "-1 ENOENT (No such file or directory)", "ret errno");
	done(&c, -512);
	CHECK_STR(ret_str(&c), "? ERESTARTSYS (To be restarted if SA_RESTART is set)",
		  "ret ERESTARTSYS");

	/* unreadable and NULL pointers */
	c = mk(__NR_openat, -100, 0x7ffd1234, 0, 0, 0, 0);
	cap(&c, 0, NULL, 0, RTRACE_CAPF_FAULT);
	ARGS(c, "AT_FDCWD, 0x7ffd1234, O_RDONLY", "faulted path prints the pointer");
	c = mk(__NR_stat, 0, 0x7ffd0000, 0, 0, 0, 0);
	done(&c, -EFAULT);
	ARGS(c, "NULL, 0x7ffd0000", "NULL path, stat failed");

	/* path capture cut at the limit: no NUL, TRUNC */
	c = mk(__NR_chdir, 0x1000, 0, 0, 0, 0, 0);
	cap(&c, 0, "/very/long", 10, RTRACE_CAPF_TRUNC);
	ARGS(c, "\"/very/long\"...", "truncated path capture");

	/* non-path strings are cut at -s; a capture without NUL, as BPF sends */
	c = mk(__NR_memfd_create, 0x1000, 1, 0, 0, 0, 0);
	cap(&c, 0, "abcde", 5, 0);
	CHECK_STR(args_str(&c, &s5), "\"abcde\", MFD_CLOEXEC", "string of exactly -s");
	cap(&c, 0, "abcdef", 6, 0);
	CHECK_STR(args_str(&c, &s5), "\"abcde\"..., MFD_CLOEXEC", "string longer than -s");

	/* poll arrays longer than what was captured end in `...` */
	{
		struct pollfd pf[2] = { { 3, POLLIN, 0 }, { 4, POLLOUT, POLLOUT } };

		c = mk(__NR_poll, 0x1000, 9, 100, 0, 0, 0);
		cap(&c, 0, pf, sizeof(pf), 0);
		cap(&c, 1, pf, sizeof(pf), 0);
		ARGS(c, "[{fd=3, events=POLLIN}, {fd=4, events=POLLOUT}, ...], 9, 100",
		     "poll: more fds than captured");
		done(&c, 1);
		CHECK_STR(ret_str(&c), "1 ([{fd=4, revents=POLLOUT}, ...])", "poll ret revents");
	}

	/* O_CREAT shows the mode, O_TMPFILE too */
	c = mk(__NR_openat, 3, 0x1000, 0101 | 01000, 0644, 0, 0);
	cap(&c, 0, "x", 2, 0);
	ARGS(c, "3, \"x\", O_WRONLY|O_CREAT|O_TRUNC, 0644", "openat O_CREAT mode");
	c = mk(__NR_open, 0x1000, 020200002, 0600, 0, 0, 0);
	cap(&c, 0, "/tmp", 5, 0);
	ARGS(c, "\"/tmp\", O_RDWR|O_TMPFILE, 0600", "open O_TMPFILE mode");

	/* read: pointer while running, buffer at exit with ret bytes */
	memset(big, 'a', sizeof(big));
	c = mk(__NR_read, 3, 0x7ffc0000, 100, 0, 0, 0);
	ARGS(c, "3, 0x7ffc0000, 100", "read running: pointer");
	cap(&c, 0, big, 40, 0);
	done(&c, 40);
	ARGS(c, "3, \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"..., 100", "read: -s 32 ellipsis");
	CHECK_STR(args_str(&c, &s5), "3, \"aaaaa\"..., 100", "read: -s 5");
	done(&c, -EAGAIN);
	ARGS(c, "3, 0x7ffc0000, 100", "read failed: pointer");

	/* write with a capture shorter than the length (BPF limit) */
	c = mk(__NR_write, 1, 0x1000, 10000, 0, 0, 0);
	cap(&c, 0, "ab\0\n\001" "7", 6, RTRACE_CAPF_TRUNC);
	CHECK_STR(args_str(&c, &s5), "1, \"ab\\0\\n\\1\"..., 10000", "write: escapes, -s 5");
	ARGS(c, "1, \"ab\\0\\n\\0017\"..., 10000", "write: octal before a digit, capture short");

	/* mmap family */
	c = mk(__NR_mmap, 0, 8192, 3, 0x22, -1, 0);
	ARGS(c, "NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0", "mmap anon");
	done(&c, 0x7f45f22c4000);
	CHECK_STR(ret_str(&c), "0x7f45f22c4000", "mmap ret hex");
	c = mk(__NR_mmap, 0x7f0000000000, 4096, 5, 0x812, 3, 0x1000);
	ARGS(c, "0x7f0000000000, 4096, PROT_READ|PROT_EXEC, MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE, "
	     "3, 0x1000", "mmap file fixed");
	c = mk(__NR_mprotect, 0x7f0000000000, 4096, 0, 0, 0, 0);
	ARGS(c, "0x7f0000000000, 4096, PROT_NONE", "mprotect PROT_NONE");
	c = mk(__NR_brk, 0, 0, 0, 0, 0, 0);
	done(&c, 0x5556af2c9000);
	ARGS(c, "NULL", "brk NULL");
	CHECK_STR(ret_str(&c), "0x5556af2c9000", "brk ret hex");

	/* signals */
	{
		unsigned long long set = (1ULL << 1) | (1ULL << 14);
		unsigned long long all = ~((1ULL << 31) | (1ULL << 32));
		struct {
			u64 handler, flags, restorer, mask;
		} sa = { 0x55aa00001000, 0x14000000, 0x7f0000001000, 0 };

		c = mk(__NR_rt_sigprocmask, 0, 0x1000, 0, 8, 0, 0);
		cap(&c, 0, &set, 8, 0);
		ARGS(c, "SIG_BLOCK, [INT TERM], NULL, 8", "sigprocmask set");
		c = mk(__NR_rt_sigprocmask, 2, 0x1000, 0x2000, 8, 0, 0);
		cap(&c, 0, &all, 8, 0);
		cap(&c, 1, &set, 8, 0);
		ARGS(c, "SIG_SETMASK, ~[RTMIN RT_1], 0x2000, 8",
		     "sigprocmask inverted, old pending");
		done(&c, 0);
		ARGS(c, "SIG_SETMASK, ~[RTMIN RT_1], [INT TERM], 8", "sigprocmask old at exit");
		c = mk(__NR_rt_sigaction, 15, 0x1000, 0, 8, 0, 0);
		cap(&c, 0, &sa, 32, 0);
		ARGS(c, "SIGTERM, {sa_handler=0x55aa00001000, sa_mask=[], "
		     "sa_flags=SA_RESTORER|SA_RESTART, sa_restorer=0x7f0000001000}, NULL, 8",
		     "rt_sigaction");
		c = mk(__NR_kill, 1234, 9, 0, 0, 0, 0);
		ARGS(c, "1234, SIGKILL", "kill");
		c = mk(__NR_tgkill, 1, 2, 40, 0, 0, 0);
		ARGS(c, "1, 2, SIGRT_8", "tgkill realtime");
	}

	/* wait4 statuses */
	{
		int st = 0x8b;	/* SIGSEGV, core */

		c = mk(__NR_wait4, -1, 0x1000, 1, 0, 0, 0);
		cap(&c, 0, &st, 4, 0);
		done(&c, 42);
		ARGS(c, "-1, [{WIFSIGNALED(s) && WTERMSIG(s) == SIGSEGV && WCOREDUMP(s)}], "
		     "WNOHANG, NULL", "wait4 signaled core");
		st = 0x137f;
		ARGS(c, "-1, [{WIFSTOPPED(s) && WSTOPSIG(s) == SIGSTOP}], WNOHANG, NULL",
		     "wait4 stopped");
		done(&c, 0);
		ARGS(c, "-1, 0x1000, WNOHANG, NULL", "wait4 WNOHANG nothing: pointer");
	}

	/* sockets */
	{
		struct sockaddr_un un = { .sun_family = AF_UNIX, .sun_path = "/run/x" };
		struct sockaddr_un ab = { .sun_family = AF_UNIX, .sun_path = "\0abs" };
		struct sockaddr_in in = { .sin_family = AF_INET, .sin_port = htons(80),
					  .sin_addr.s_addr = htonl(0x7f000001) };
		unsigned int len = 128;

		c = mk(__NR_connect, 3, 0x1000, 16, 0, 0, 0);
		cap(&c, 0, &in, 16, 0);
		ARGS(c, "3, {sa_family=AF_INET, sin_port=htons(80), "
		     "sin_addr=inet_addr(\"127.0.0.1\")}, 16", "connect inet");
		c = mk(__NR_bind, 3, 0x1000, 9, 0, 0, 0);
		cap(&c, 0, &un, 9, 0);
		ARGS(c, "3, {sa_family=AF_UNIX, sun_path=\"/run/x\"}, 9", "bind unix");
		c = mk(__NR_connect, 3, 0x1000, 6, 0, 0, 0);
		cap(&c, 0, &ab, 6, 0);
		ARGS(c, "3, {sa_family=AF_UNIX, sun_path=@\"abs\"}, 6", "connect abstract");
		c = mk(__NR_accept4, 3, 0x1000, 0x2000, 0x80800, 0, 0);
		cap(&c, 1, &len, 4, 0);
		ARGS(c, "3, 0x1000, [128], SOCK_CLOEXEC|SOCK_NONBLOCK", "accept4 running");
		cap(&c, 0, &in, 16, 0);
		done(&c, 4);
		ARGS(c, "3, {sa_family=AF_INET, sin_port=htons(80), "
		     "sin_addr=inet_addr(\"127.0.0.1\")}, [128 => 16], SOCK_CLOEXEC|SOCK_NONBLOCK",
		     "accept4 done");
		c = mk(__NR_socket, 1, 0x80001, 0, 0, 0, 0);
		ARGS(c, "AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC, 0", "socket unix");
		c = mk(__NR_socket, 16, 3, 9, 0, 0, 0);
		ARGS(c, "AF_NETLINK, SOCK_RAW, NETLINK_AUDIT", "socket netlink");
	}

	/* execve: argv and envp need the proposed STRV captures */
	{
		static const char argv[] = "ls\0-l\0";
		unsigned int nvars = 37;

		c = mk(__NR_execve, 0x1000, 0x2000, 0x3000, 0, 0, 0);
		cap(&c, 0, "/bin/ls", 8, 0);
		ARGS(c, "\"/bin/ls\", 0x2000, 0x3000", "execve without STRV captures");
		cap(&c, 1, argv, sizeof(argv) - 1, 0);
		cap(&c, 2, &nvars, 4, 0);
		ARGS(c, "\"/bin/ls\", [\"ls\", \"-l\"], 0x3000 /* 37 vars */", "execve with STRV");
		cap(&c, 1, argv, 3, RTRACE_CAPF_TRUNC);
		ARGS(c, "\"/bin/ls\", [\"ls\", ...], 0x3000 /* 37 vars */",
		     "execve argv truncated");
	}

	/* clone: named arguments, the rest at exit */
	c = mk(__NR_clone, 0x1200011, 0, 0, 0x7f0000000a10, 0, 0);
	ARGS(c, "child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD",
	     "clone running");
	done(&c, 1234);
	ARGS(c, "child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, "
	     "child_tidptr=0x7f0000000a10", "clone done");
	c = mk(__NR_clone, 0x3d0f00, 0x7f0000100000, 0x7f0000200000, 0x7f0000200000,
	       0x7f0000300000, 0);
	done(&c, 77);
	ARGS(c, "child_stack=0x7f0000100000, flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|"
	     "CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, "
	     "parent_tid=[77], tls=0x7f0000300000, child_tidptr=0x7f0000200000", "clone thread");
	{
		u64 ca[11] = { 0x3d0f00, 0, 0x7f10, 0x7f10, 0, 0x7f20, 0x7fff00, 0x7f30 };

		c = mk(__NR_clone3, 0x1000, 88, 0, 0, 0, 0);
		cap(&c, 0, ca, 88, 0);
		done(&c, 99);
		ARGS(c, "{flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|"
		     "CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, "
		     "child_tid=0x7f10, parent_tid=0x7f10, exit_signal=0, stack=0x7f20, "
		     "stack_size=0x7fff00, tls=0x7f30} => {parent_tid=[99]}, 88", "clone3 thread");
	}

	/* futex */
	c = mk(__NR_futex, 0x7f00, 129, 1, 0, 0, 0);
	ARGS(c, "0x7f00, FUTEX_WAKE_PRIVATE, 1", "futex wake");
	c = mk(__NR_futex, 0x7f00, 393, 0, 0, 0, 0xffffffff);
	ARGS(c, "0x7f00, FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME, 0, NULL, "
	     "FUTEX_BITSET_MATCH_ANY", "futex wait bitset");

	/* misc */
	c = mk(__NR_fcntl, 3, 4, 04002, 0, 0, 0);
	ARGS(c, "3, F_SETFL, O_RDWR|O_NONBLOCK", "fcntl F_SETFL");
	c = mk(__NR_fcntl, 3, 1, 0, 0, 0, 0);
	done(&c, 1);
	ARGS(c, "3, F_GETFD", "fcntl F_GETFD");
	CHECK_STR(ret_str(&c), "0x1 (flags FD_CLOEXEC)", "fcntl F_GETFD ret");
	c = mk(__NR_ioctl, 1, 0x5401, 0x7ffd0000, 0, 0, 0);
	done(&c, -ENOTTY);
	ARGS(c, "1, TCGETS, 0x7ffd0000", "ioctl TCGETS failed");
	c = mk(__NR_ioctl, 1, 0xc0081234, 5, 0, 0, 0);
	ARGS(c, "1, _IOC(_IOC_READ|_IOC_WRITE, 0x12, 0x34, 0x8), 0x5", "ioctl unknown");
	c = mk(__NR_unlinkat, -100, 0x1000, 0x200, 0, 0, 0);
	cap(&c, 0, "d", 2, 0);
	ARGS(c, "AT_FDCWD, \"d\", AT_REMOVEDIR", "unlinkat AT_REMOVEDIR");
	c = mk(__NR_umask, 022, 0, 0, 0, 0, 0);
	done(&c, 077);
	ARGS(c, "022", "umask arg octal");
	CHECK_STR(ret_str(&c), "077", "umask ret octal");
	c = mk(__NR_exit_group, 3, 0, 0, 0, 0, 0);
	ARGS(c, "3", "exit_group");
	CHECK_STR(ret_str(&c), "?", "exit_group never returns");
	c = mk(__NR_rseq, 0x7f0000000960, 0x20, 0, 0x53053053, 0, 0);
	ARGS(c, "0x7f0000000960, 0x20, 0, 0x53053053", "undecoded: strace's hex");
	c = mk(__NR_arch_prctl, 0x1002, 0x7f0000000740, 0, 0, 0, 0);
	ARGS(c, "ARCH_SET_FS, 0x7f0000000740", "arch_prctl ARCH_SET_FS");
	c = mk(__NR_getdents64, 3, 0x1000, 32768, 0, 0, 0);
	cap(&c, 0, big, 4096, RTRACE_CAPF_TRUNC);
	done(&c, 9000);
	ARGS(c, "3, 0x1000, 32768", "getdents64 larger than the capture: pointer");
	c = mk(9999, 1, 2, 3, 0, 0, 0);
	ARGS(c, "0x1, 0x2, 0x3, 0, 0, 0", "unknown syscall number");
	CHECK(sysdecode_errno_name(ENOENT) && !strcmp(sysdecode_errno_name(ENOENT), "ENOENT"),
	      "errno name");
	CHECK(sysdecode_signal_name(34) && !strcmp(sysdecode_signal_name(34), "SIGRT_2"),
	      "signal name RT_2");
}

/* ---- -y bookkeeping ---- */

static void test_fds(void)
{
	struct sysdecode_fds *fds = sysdecode_fds_new();
	struct sysdecode_opts y = { .fd_paths = true };
	struct sysdecode_call c;
	char buf[256];
	FILE *f;

	/* a pid that does not exist: only what note() learnt is known */
	c = mk(__NR_openat, -100, 0x1000, 0, 0, 0, 0);
	c.pid = 0x3ffffff0;
	cap(&c, 0, "/etc/passwd", 12, 0);
	done(&c, 7);
	sysdecode_fds_note(fds, &c);
	c = mk(__NR_dup2, 7, 9, 0, 0, 0, 0);
	c.pid = 0x3ffffff0;
	done(&c, 9);
	sysdecode_fds_note(fds, &c);
	c = mk(__NR_read, 9, 0x1000, 4, 0, 0, 0);
	c.pid = 0x3ffffff0;
	f = fmemopen(buf, sizeof(buf), "w");
	sysdecode_args(f, &c, &y, fds);
	fclose(f);
	CHECK_STR(buf, "9</etc/passwd>, 0x1000, 4", "-y: path learnt from openat, through dup2");
	c = mk(__NR_close, 7, 0, 0, 0, 0, 0);
	c.pid = 0x3ffffff0;
	done(&c, 0);
	sysdecode_fds_note(fds, &c);
	f = fmemopen(buf, sizeof(buf), "w");
	sysdecode_args(f, &c, &y, fds);
	fclose(f);
	CHECK_STR(buf, "7", "-y: closed fd of a gone process is a number");
	sysdecode_fds_free(fds);
}

/* ---- the strace oracle: script mode ---- */

static struct rtrace_syscall_spec specs[RTRACE_MAX_SYSCALLS];
static struct sysdecode_opts script_opts;
static struct sysdecode_fds *script_fds;
static FILE *script_out;
static bool script_y;
static int child_exit;	/* what a clone child exits with */
static int script_pid;

/* BPF reads user memory without the compiler's view of object bounds:
 * neither may this copy, or ASan would object to a FIXED read past a
 * small object. */
__attribute__((no_sanitize_address)) static void raw_copy(void *dst, u64 src, size_t n)
{
	volatile const unsigned char *s = (const unsigned char *)(uintptr_t)src;
	unsigned char *d = dst;

	while (n--)
		*d++ = *s++;
}

__attribute__((no_sanitize_address)) static size_t raw_strnlen(u64 src, size_t max)
{
	volatile const char *s = (const char *)(uintptr_t)src;
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

static unsigned char capbuf[RTRACE_MAX_CAPTURES][RTRACE_CAPTURE_MAX];

/* What BPF would record for one capture; addresses below 64 KiB stand
 * for unreadable memory (the script passes such on purpose). */
static void take(struct sysdecode_call *c, int slot)
{
	const struct rtrace_capture_spec *s = &specs[c->nr].cap[slot];
	const struct sysdecode_capture fault = { NULL, 0, RTRACE_CAPF_FAULT, true };
	u64 p = c->args[s->arg], n = 0;
	unsigned int flags = 0;

	if (p < 0x10000) {
		c->cap[slot] = fault;
		return;
	}
	switch (s->kind) {
	case RTRACE_CAP_STR:
		/* as bpf/capture.bpf.h: the NUL is not counted */
		n = raw_strnlen(p, RTRACE_CAPTURE_MAX - 1);
		if (n == RTRACE_CAPTURE_MAX - 1)
			flags |= RTRACE_CAPF_TRUNC;
		break;
	case RTRACE_CAP_FIXED:
		n = s->size;
		break;
	case RTRACE_CAP_ARGLEN:
		n = c->args[s->len_arg] * (s->elem_size ?: 1);
		break;
	case RTRACE_CAP_RETLEN:
		n = c->ret > 0 ? (u64)c->ret * (s->elem_size ?: 1) : 0;
		break;
	case RTRACE_CAP_DEREF_LEN:
		if (c->args[s->len_arg] < 0x10000) {
			c->cap[slot] = fault;
			return;
		}
		raw_copy(&n, c->args[s->len_arg], 4);
		n &= 0xffffffff;
		break;
	default:
		return;
	}
	if (n > RTRACE_CAPTURE_MAX) {
		n = RTRACE_CAPTURE_MAX;
		flags |= RTRACE_CAPF_TRUNC;
	}
	raw_copy(capbuf[slot], p, n);
	c->cap[slot] = (struct sysdecode_capture){ capbuf[slot], n, flags, true };
}

static long long rec(long nr, const u64 *a)
{
	struct sysdecode_call c = { .nr = nr, .pid = script_pid };
	char name[SYSCALL_NAME_BUF];
	long r;
	int i;

	memcpy(c.args, a, sizeof(c.args));
	for (i = 0; i < RTRACE_MAX_CAPTURES; i++)
		if (specs[nr].cap[i].kind && !specs[nr].cap[i].at_exit)
			take(&c, i);
	r = syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	if ((nr == __NR_clone || nr == __NR_clone3) && r == 0) {
		if (child_exit < 0)
			syscall(__NR_kill, syscall(__NR_getpid), SIGKILL);
		syscall(__NR_exit_group, child_exit);
	}
	c.has_ret = true;
	c.ret = r == -1 ? -errno : r;
	for (i = 0; i < RTRACE_MAX_CAPTURES; i++)
		if (specs[nr].cap[i].kind && specs[nr].cap[i].at_exit)
			take(&c, i);
	fprintf(script_out, "%s(", syscall_name(nr, name, sizeof(name)));
	sysdecode_args(script_out, &c, &script_opts, script_fds);
	fputs(") = ", script_out);
	sysdecode_ret_ex(script_out, &c, &script_opts, script_fds);
	fputc('\n', script_out);
	sysdecode_fds_note(script_fds, &c);
	return c.ret;
}

#define P(x)		((u64)(uintptr_t)(x))
#define R(nr, ...)	rec(__NR_##nr, (const u64[6]){ __VA_ARGS__ })

struct ksigaction {
	u64 handler, flags, restorer, mask;
};

static void script(void)
{
	static const char text[] = "lorem\tipsum\n\"quoted\" \\ \001\0022\177\377 end";
	static char buf[8192], lorem[200];
	struct stat st;
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct sockaddr_un sun = { .sun_family = AF_UNIX, .sun_path = "sock" };
	struct sockaddr_un abstract = { .sun_family = AF_UNIX, .sun_path = "\0rtrace-none" };
	struct sockaddr_storage ss;
	struct ksigaction ksa, kold;
	struct pollfd pfd[4];
	struct timespec ts = { 0, 1000 }, ts1 = { 1, 0 };
	struct flock fl = { .l_type = F_RDLCK, .l_whence = SEEK_SET };
	struct rlimit rl;
	unsigned char ev[12 * 4];
	unsigned int len, one = 1, word = 0;
	unsigned long long set, fsbase, cpus[16];
	long long a, b, d, s, t, u, p[2], e, m, ptm;
	int pp[2], sv[2], status;
	stack_t stk = { .ss_size = 16384 };
	long long head;
	size_t hlen;

	memset(lorem, 'x', sizeof(lorem) - 1);
	memcpy(lorem, text, sizeof(text) - 1);

	/* files */
	R(openat, AT_FDCWD, P("/nonexistent/rtrace"), O_RDONLY);
	a = R(openat, AT_FDCWD, P("f1"), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	R(write, a, P(lorem), 32);
	R(write, a, P(lorem), sizeof(lorem) - 1);
	R(pwrite64, a, P("xyz"), 3, 100);
	R(lseek, a, 0, SEEK_SET);
	R(lseek, a, -2, SEEK_END);
	R(close, a);
	b = R(open, P("f1"), O_RDONLY);
	R(read, b, P(buf), 5);
	R(read, b, P(buf), sizeof(buf));
	R(read, b, P(buf), 10);
	R(pread64, b, P(buf), 3, 100);
	R(fstat, b, P(&st));
	R(stat, P("f1"), P(&st));
	R(lstat, P("/nonexistent"), P(&st));
	R(stat, P("/dev/null"), P(&st));
	R(newfstatat, AT_FDCWD, P("f1"), P(&st), 0);
	R(newfstatat, b, P(""), P(&st), AT_EMPTY_PATH);
	R(statx, AT_FDCWD, P("f1"), AT_STATX_SYNC_AS_STAT, 0xfff, P(buf));
	R(statx, AT_FDCWD, P("/"), AT_SYMLINK_NOFOLLOW, 0x7ff, P(buf));
	R(fcntl, b, F_GETFD);
	R(fcntl, b, F_SETFD, FD_CLOEXEC);
	R(fcntl, b, F_GETFD);
	R(fcntl, b, F_GETFL);
	R(fcntl, b, F_SETFL, O_NONBLOCK);
	d = R(fcntl, b, F_DUPFD_CLOEXEC, 10);
	R(fcntl, b, F_SETLK, P(&fl));
	R(fcntl, b, F_GETLK, P(&fl));
	R(close, d);
	d = R(dup, b);
	R(dup2, b, 20);
	R(dup3, b, 21, O_CLOEXEC);
	R(close, 20);
	R(close, 21);
	R(close, d);
	R(close, 9999);
	R(access, P("f1"), R_OK | W_OK);
	R(access, P("/nonexistent"), F_OK);
	R(faccessat, AT_FDCWD, P("f1"), X_OK);
	R(faccessat2, AT_FDCWD, P("f1"), R_OK, AT_EACCESS);
	R(truncate, P("f1"), 50);
	R(ftruncate, b, 40);
	R(fsync, b);
	R(fdatasync, b);
	R(flock, b, LOCK_EX | LOCK_NB);
	R(flock, b, LOCK_UN);
	R(fadvise64, b, 0, 0, POSIX_FADV_SEQUENTIAL);
	R(openat2, AT_FDCWD, P("f1"), P(((u64[3]){ O_RDONLY | O_CLOEXEC, 0, 4 })), 24);
	R(openat, AT_FDCWD, P(1), O_RDONLY);
	R(write, b, P(1), 5);
	R(stat, 0, P(&st));

	/* memory */
	m = R(mmap, 0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	R(mprotect, m, 4096, PROT_READ);
	R(madvise, m, 4096, MADV_DONTNEED);
	R(msync, m, 4096, MS_ASYNC);
	m = R(mremap, m, 8192, 16384, MREMAP_MAYMOVE);
	R(munmap, m, 16384);
	m = R(mmap, 0, 4096, PROT_READ, MAP_SHARED, b, 0);
	R(munmap, m, 4096);
	m = R(mmap, 0, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK,
	      -1, 0);
	R(munmap, m, 4096);
	R(mmap, 0, 4096, 0x10, 0, -1, 0);
	R(mmap, 0x10000, 4096, PROT_READ | PROT_EXEC, MAP_SHARED_VALIDATE | MAP_FIXED_NOREPLACE |
	  MAP_POPULATE, b, 4096);
	R(brk, 0);

	/* ioctl */
	ptm = R(openat, AT_FDCWD, P("/dev/ptmx"), O_RDWR | O_NOCTTY);
	R(ioctl, ptm, TCGETS, P(buf));
	R(ioctl, ptm, TIOCGWINSZ, P(buf));
	R(ioctl, ptm, TIOCGPTN, P(&len));
	R(ioctl, b, TCGETS, P(buf));
	R(ioctl, b, FIONBIO, P(&one));
	R(ioctl, b, FIOCLEX);
	R(ioctl, b, 0x1234, 5);
	R(close, ptm);

	/* time */
	R(clock_gettime, CLOCK_MONOTONIC, P(&ts1));
	R(clock_getres, CLOCK_REALTIME, P(&ts1));
	R(nanosleep, P(&ts), 0);
	R(clock_nanosleep, CLOCK_MONOTONIC, 0, P(&ts), P(&ts1));
	R(gettimeofday, P(buf), P(buf + 64));
	R(gettimeofday, P(buf), 0);
	R(getitimer, ITIMER_REAL, P(buf));
	R(setitimer, ITIMER_REAL, P(((u64[4]){ 0, 0, 0, 0 })), P(buf));
	R(alarm, 0);
	R(time, 0);
	R(time, P(&fsbase));

	/* poll, epoll */
	R(pipe2, P(pp), O_CLOEXEC);
	pfd[0] = (struct pollfd){ pp[0], POLLIN, 0 };
	pfd[1] = (struct pollfd){ pp[1], POLLOUT, 0 };
	pfd[2] = (struct pollfd){ -1, POLLIN, 0 };
	R(poll, P(pfd), 3, 0);
	R(poll, P(pfd), 1, 0);
	R(write, pp[1], P("x"), 1);
	ts1 = (struct timespec){ 1, 0 };
	R(ppoll, P(pfd), 2, P(&ts1), 0, 8);
	R(ppoll, P(pfd), 1, 0, 0, 8);
	R(pipe, P(p));
	e = R(epoll_create1, EPOLL_CLOEXEC);
	memset(ev, 0, sizeof(ev));
	ev[0] = EPOLLIN;
	ev[4] = pp[0];
	R(epoll_ctl, e, EPOLL_CTL_ADD, pp[0], P(ev));
	R(epoll_wait, e, P(ev), 4, 0);
	R(epoll_pwait, e, P(ev), 4, 0, 0, 8);
	R(epoll_ctl, e, EPOLL_CTL_DEL, pp[0], 0);
	R(close, e);
	R(epoll_create, 1);

	/* sockets */
	s = R(socket, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
	R(setsockopt, s, SOL_SOCKET, SO_REUSEADDR, P(&one), 4);
	R(bind, s, P(&sin), sizeof(sin));
	R(listen, s, 16);
	len = sizeof(ss);
	R(getsockname, s, P(&sin), P(&len));
	t = R(socket, AF_INET, SOCK_STREAM, 0);
	R(connect, t, P(&sin), sizeof(sin));
	len = sizeof(ss);
	u = R(accept4, s, P(&ss), P(&len), SOCK_CLOEXEC);
	len = sizeof(ss);
	R(getpeername, t, P(&ss), P(&len));
	R(sendto, t, P("ping"), 4, MSG_NOSIGNAL, 0, 0);
	R(recvfrom, u, P(buf), 100, 0, 0, 0);
	len = 4;
	R(getsockopt, s, SOL_SOCKET, SO_TYPE, P(&word), P(&len));
	R(setsockopt, t, SOL_TCP, TCP_NODELAY, P(&one), 4);
	R(shutdown, t, SHUT_RDWR);
	R(close, u);
	R(close, t);
	R(close, s);
	s = R(socket, AF_INET6, SOCK_DGRAM, 0);
	R(bind, s, P(&sin6), sizeof(sin6));
	len = sizeof(sin6);
	R(getsockname, s, P(&sin6), P(&len));
	R(sendto, s, P("datagram"), 8, 0, P(&sin6), sizeof(sin6));
	len = sizeof(ss);
	R(recvfrom, s, P(buf), 64, MSG_DONTWAIT, P(&ss), P(&len));
	R(recvfrom, s, P(buf), 64, MSG_DONTWAIT, 0, 0);
	R(close, s);
	s = R(socket, AF_UNIX, SOCK_STREAM, 0);
	R(bind, s, P(&sun), offsetof(struct sockaddr_un, sun_path) + 5);
	R(connect, s, P(&abstract), 14);
	R(close, s);
	R(unlink, P("sock"));
	R(socketpair, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, P(sv));
	R(socket, AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, 0);
	s = R(socket, AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, IPPROTO_UDP);
	R(setsockopt, s, SOL_SOCKET, SO_RCVBUF, P(&one), 4);
	len = 4;
	R(getsockopt, s, SOL_SOCKET, SO_RCVBUF, P(&word), P(&len));
	len = 8;
	R(getsockopt, s, SOL_SOCKET, SO_ERROR, P(buf), P(&len));
	R(setsockopt, s, SOL_IP, IP_TTL, P(&one), 4);
	R(connect, s, P(&sin), sizeof(sin));
	R(close, s);

	/* signals */
	R(rt_sigaction, SIGUSR1, 0, P(&kold), 8);
	ksa = (struct ksigaction){ 1, 0x14000000, kold.restorer, (1ULL << 1) | (1ULL << 14) };
	R(rt_sigaction, SIGUSR2, P(&ksa), P(&kold), 8);
	R(rt_sigaction, SIGUSR2, 0, P(&kold), 8);
	ksa.handler = 0;
	ksa.flags = 0x04000000 | SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
	R(rt_sigaction, SIGUSR1, P(&ksa), 0, 8);
	R(rt_sigaction, SIGKILL, P(&ksa), 0, 8);
	R(kill, script_pid, SIGUSR2);
	R(kill, script_pid, 0);
	R(tgkill, script_pid, script_pid, 0);
	set = 1ULL << (SIGUSR1 - 1);
	R(rt_sigprocmask, SIG_BLOCK, P(&set), P(cpus), 8);
	R(rt_sigprocmask, SIG_SETMASK, P(cpus), 0, 8);
	set = ~((1ULL << (SIGKILL - 1)) | (1ULL << (SIGSTOP - 1)));
	R(rt_sigprocmask, SIG_BLOCK, P(&set), P(&set), 8);
	R(rt_sigprocmask, SIG_SETMASK, P(&set), 0, 8);
	R(rt_sigpending, P(&set), 8);
	stk.ss_sp = buf;
	R(sigaltstack, P(&stk), P(&stk));
	R(sigaltstack, 0, P(&stk));
	stk.ss_flags = SS_DISABLE;
	R(sigaltstack, P(&stk), 0);

	/* processes */
	child_exit = 7;
	d = R(clone, SIGCHLD, 0, 0, 0, 0);
	R(wait4, d, P(&status), 0, P(buf));
	child_exit = 0;
	d = R(clone, CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD, 0, 0, P(&word), 0);
	R(wait4, -1, P(&status), 0, 0);
	R(wait4, -1, P(&status), WNOHANG, 0);
	{
		u64 ca[11] = { 0, 0, 0, 0, SIGCHLD };

		child_exit = 3;
		R(clone3, P(ca), 88);
		R(wait4, -1, P(&status), __WALL, 0);
	}
	child_exit = -1;	/* the child kills itself */
	d = R(clone, CLONE_PARENT_SETTID | SIGCHLD, 0, P(&word), 0, 0);
	R(wait4, d, P(&status), 0, 0);
	{
		u64 ca[11] = { CLONE_PARENT_SETTID, 0, 0, P(&word), SIGCHLD };

		child_exit = 0;
		R(clone3, P(ca), 88);
		R(wait4, -1, P(&status), 0, 0);
	}
	R(getrandom, P(buf), 8, GRND_NONBLOCK);
	R(prlimit64, 0, RLIMIT_NOFILE, 0, P(&rl));
	R(getrlimit, RLIMIT_STACK, P(&rl));
	R(getrlimit, RLIMIT_CORE, P(&rl));
	R(setrlimit, RLIMIT_CORE, P(&rl));
	R(prlimit64, 0, RLIMIT_CORE, P(&rl), P(&rl));
	R(arch_prctl, 0x1003 /* ARCH_GET_FS */, P(&fsbase));
	R(arch_prctl, 0x3001, 0);
	R(getrusage, RUSAGE_SELF, P(buf));
	R(getresuid, P(buf), P(buf + 4), P(buf + 8));
	R(getpriority, PRIO_PROCESS, 0);
	R(sysinfo, P(buf));
	R(uname, P(buf));
	R(umask, 027);
	R(umask, 022);
	R(sched_getaffinity, 0, sizeof(cpus), P(cpus));
	R(sched_setaffinity, 0, 8, P(cpus));
	R(get_robust_list, 0, P(&head), P(&hlen));
	R(set_robust_list, head, hlen);
	R(rseq, 0, 0x20, 0, 0x53053053);
	R(futex, P(&word), FUTEX_WAKE_PRIVATE, 1);
	word = 0;
	R(futex, P(&word), FUTEX_WAIT_PRIVATE, 1, P(&ts));
	R(futex, P(&word), FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME, 1, 0, 0,
	  FUTEX_BITSET_MATCH_ANY);

	/* names */
	R(symlink, P("f1"), P("link"));
	if (!script_y) {
		R(readlink, P("link"), P(buf), 64);
		R(readlinkat, AT_FDCWD, P("link"), P(buf), 2);
	}
	R(link, P("f1"), P("f2"));
	R(rename, P("f2"), P("f3"));
	R(renameat, AT_FDCWD, P("f3"), AT_FDCWD, P("f4"));
	R(renameat2, AT_FDCWD, P("f4"), AT_FDCWD, P("f1"), RENAME_NOREPLACE);
	R(unlinkat, AT_FDCWD, P("f4"), 0);
	R(symlinkat, P("f1"), AT_FDCWD, P("link2"));
	R(linkat, AT_FDCWD, P("f1"), AT_FDCWD, P("f5"), 0);
	R(unlink, P("f5"));
	R(mkdir, P("d"), 0755);
	R(mkdirat, AT_FDCWD, P("d2"), 0700);
	R(chdir, P("d"));
	R(getcwd, P(buf), sizeof(buf));
	R(chdir, P(".."));
	d = R(openat, AT_FDCWD, P("."), O_RDONLY | O_DIRECTORY);
	R(getdents64, d, P(buf), sizeof(buf));
	R(fchdir, d);
	R(close, d);
	R(unlinkat, AT_FDCWD, P("d2"), AT_REMOVEDIR);
	R(rmdir, P("d"));
	R(chmod, P("f1"), 0600);
	R(fchmod, b, 0644);
	R(fchmodat, AT_FDCWD, P("f1"), 0640);
	R(chown, P("f1"), -1, -1);
	R(fchown, b, 0, 0);
	R(lchown, P("link"), 0, 0);
	R(fchownat, AT_FDCWD, P("f1"), 0, 0, AT_SYMLINK_NOFOLLOW);
	R(eventfd2, 0, EFD_CLOEXEC | EFD_NONBLOCK);
	R(timerfd_create, CLOCK_MONOTONIC, TFD_CLOEXEC);
	R(memfd_create, P("rtrace-mem"), MFD_CLOEXEC);
	R(inotify_init1, IN_CLOEXEC);
	R(pidfd_open, script_pid, 0);
	R(close_range, 1000, 1010, 0);
	R(close, b);
	R(creat, P("f6"), 0600);
	R(sendfile, 1, 0, 0, 0);
}

static int run_script(const char *outpath, const char *mode)
{
	static char lines[1 << 20];
	char dir[] = "/tmp/rtrace-sysdecode.XXXXXX";
	FILE *f;
	int i;

	script_y = !strcmp(mode, "y");
	script_opts.fd_paths = script_y;
	script_opts.string_limit = !strcmp(mode, "s5") ? 5 : 0;
	sysdecode_fill_specs(specs);
	script_fds = script_y ? sysdecode_fds_new() : NULL;
	script_pid = getpid();
	script_out = fmemopen(lines, sizeof(lines), "w");
	f = fopen(outpath, "w");
	if (!script_out || !f || !mkdtemp(dir) || chdir(dir))
		return 1;
	/* warm the allocator and stdio so that the script's stretch has
	 * only the script's syscalls */
	for (i = 16; i < 8192; i += 16)
		free(malloc(i));
	fputs("warm\n", script_out);
	rewind(script_out);
	umask(022);
	tzset();
	syscall(__NR_close, -4242);
	script();
	syscall(__NR_close, -4243);
	fflush(script_out);
	fwrite(lines, 1, strnlen(lines, sizeof(lines)), f);
	fclose(f);
	unlink("f1");
	unlink("f6");
	unlink("link");
	unlink("link2");
	if (chdir("/") == 0)
		rmdir(dir);
	return 0;
}

/* ---- the strace oracle: the comparing side ---- */

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (!f)
		return NULL;
	do {
		if (n + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap);
			if (!buf)
				break;
		}
		r = fread(buf + n, 1, 4096, f);
		n += r;
	} while (r > 0);
	fclose(f);
	if (buf)
		buf[n] = 0;
	return buf;
}

/* strace pads `= ret` to a column: `name(args)   = ret` → `name(args) = ret` */
static void unpad(char *line)
{
	char *p, *last = NULL;

	for (p = strstr(line, ") "); p; p = strstr(p + 1, ") ")) {
		char *q = p + 1;

		while (*q == ' ')
			q++;
		if (q[0] == '=' && q[1] == ' ')
			last = p;
	}
	if (last) {
		char *q = last + 1;

		while (*q == ' ')
			q++;
		memmove(last + 2, q, strlen(q) + 1);
	}
}

static void oracle(const char *self, const char *mode, const char *strace_args)
{
	char out[] = "/tmp/rtrace-sd-out.XXXXXX", tr[] = "/tmp/rtrace-sd-st.XXXXXX";
	char cmd[1024], tname[128], *want_all, *got_all, *w, *g, *wsave, *gsave;
	int fd1 = mkstemp(out), fd2 = mkstemp(tr), lines = 0, matched = 0;
	bool in = false;

	close(fd1);
	close(fd2);
	/* LeakSanitizer cannot run under ptrace */
	snprintf(cmd, sizeof(cmd),
		 "ASAN_OPTIONS=detect_leaks=0 strace %s -o %s %s --script %s %s >/dev/null 2>&1",
		 strace_args, tr, self, out, mode);
	if (system(cmd) != 0) {
		tap_skip("strace oracle", "strace did not run");
		goto out;
	}
	want_all = slurp(tr);
	got_all = slurp(out);
	if (!want_all || !got_all) {
		CHECK(false, "oracle outputs readable");
		goto out;
	}
	/* strace's lines between the markers, then ours one by one */
	w = strtok_r(want_all, "\n", &wsave);
	g = strtok_r(got_all, "\n", &gsave);
	for (; w; w = strtok_r(NULL, "\n", &wsave)) {
		char name[64];
		size_t nl;

		if (!in) {
			in = strncmp(w, "close(-4242)", 12) == 0;
			continue;
		}
		if (!strncmp(w, "close(-4243)", 12))
			break;
		if (!strncmp(w, "---", 3) || !strncmp(w, "+++", 3))
			continue;
		unpad(w);
		if (!g) {
			printf("# strace line with no decoded line: %s\n", w);
			continue;
		}
		/* a line of ours whose call strace does not show (filtered) */
		nl = strcspn(g, "(");
		snprintf(name, sizeof(name), "%.*s(", (int)nl, g);
		if (strncmp(w, name, strlen(name))) {
			printf("# skipped strace line: %s\n", w);
			continue;
		}
		lines++;
		snprintf(tname, sizeof(tname), "[%s] %.60s", mode, w);
		matched += CHECK_STR(g, w, tname);
		g = strtok_r(NULL, "\n", &gsave);
	}
	CHECK(in && !g && lines > 90, "[%s] oracle covered every decoded line (%d, %d equal)", mode,
	      lines, matched);
	free(want_all);
	free(got_all);
out:
	unlink(out);
	unlink(tr);
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "--script"))
		return run_script(argv[2], argv[3]);

	test_specs();
	test_synthetic();
	test_fds();
	if (system("strace -V >/dev/null 2>&1") != 0) {
		tap_skip("strace oracle", "no strace");
	} else {
		char self[4096];
		ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

		if (n > 0) {
			self[n] = 0;
			oracle(self, "plain", "");
			oracle(self, "y", "-y -e trace=!readlink");
			oracle(self, "s5", "-s 5");
		}
	}
	return tap_done();
}
