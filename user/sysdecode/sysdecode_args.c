// SPDX-License-Identifier: GPL-2.0
/* Printing one argument of each type of the decoding table, strace's way,
 * plus the calls whose argument lists depend on a value (clone, futex).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "sysdecode_priv.h"

/* ---- primitive printers ---- */

void sd_addr(FILE *out, unsigned long long v)
{
	if (v)
		fprintf(out, "%#llx", v);
	else
		fputs("NULL", out);
}

/* A captured string argument: paths in full, other strings to -s. */
static void print_str_cap(struct sd_ctx *c, int arg, bool path)
{
	const struct sysdecode_capture *cap = sd_cap(c, arg, 0);
	unsigned long long p = c->call->args[arg];

	if (!p || !cap) {
		sd_addr(c->out, p);
		return;
	}
	quote_c(c->out, cap->data, cap->len, path ? 4096 : c->slimit, QUOTE_0TERM,
		 cap->flags & RTRACE_CAPF_TRUNC);
}

/* An iovec array as strace prints it: [{iov_base="...", iov_len=5}, ...].
 * For readv (out) the bytes shown are the ones read: ret in all. */
static void print_iov_cap(struct sd_ctx *c, int arg, unsigned long long count, bool out)
{
	const struct sysdecode_capture *cap = sd_cap_raw(c, arg, 0, NULL);
	long long left = out ? c->call->ret : -1;
	const unsigned char *p, *end;
	unsigned long long i = 0;
	/* A failed readv read nothing: its buffers by address, as strace. */
	bool bases_only = out && (!c->call->has_ret || sd_is_error(c->call->ret));

	if (!cap || !c->call->args[arg]) {
		sd_addr(c->out, c->call->args[arg]);
		return;
	}
	fputc('[', c->out);
	for (p = cap->data, end = p + cap->len; p + sizeof(struct rtrace_iov) <= end; i++) {
		struct rtrace_iov iov;

		memcpy(&iov, p, sizeof(iov));
		p += sizeof(iov);
		fputs(i ? ", {iov_base=" : "{iov_base=", c->out);
		if (iov.captured == RTRACE_IOV_FAULT || p + iov.captured > end) {
			sd_addr(c->out, iov.base);
		} else if (bases_only) {
			sd_addr(c->out, iov.base);
			p += (iov.captured + 7) & ~7U;
		} else {
			unsigned long long avail = iov.len;
			size_t show = iov.captured;

			if (left >= 0) {
				avail = (unsigned long long)left < avail ? (unsigned long long)left : avail;
				left -= avail;
			}
			show = show < avail ? show : avail;
			quote_c(c->out, p, show, c->slimit, 0, avail > show);
			p += (iov.captured + 7) & ~7U;
		}
		fprintf(c->out, ", iov_len=%llu}", (unsigned long long)iov.len);
	}
	if (i < count || (cap->flags & RTRACE_CAPF_TRUNC))
		fputs(", ...", c->out);
	fputc(']', c->out);
}

/* A buffer of `len` bytes of which the capture holds a prefix. */
static void print_buf_cap(struct sd_ctx *c, int arg, int which, unsigned long long len,
			  unsigned int style)
{
	const struct sysdecode_capture *cap = sd_cap(c, arg, which);
	size_t have;

	if (!cap || !c->call->args[arg]) {
		sd_addr(c->out, c->call->args[arg]);
		return;
	}
	have = cap->len < len ? cap->len : len;
	quote_c(c->out, cap->data, have, c->slimit, style, len > have);
}

/* `[N]`, or `[in => out]` when the kernel changed it. */
static void print_socklen(struct sd_ctx *c, int arg)
{
	const struct sysdecode_capture *in = sd_cap(c, arg, 0), *val = NULL;
	unsigned int before;

	if (!c->call->args[arg] || !in || in->len < 4) {
		sd_addr(c->out, c->call->args[arg]);
		return;
	}
	memcpy(&before, in->data, 4);
	/* the out length is how much the DEREF_LEN capture before us got */
	if (c->call->args[arg - 1])
		val = sd_cap(c, arg - 1, 0);
	if (val && !(val->flags & RTRACE_CAPF_TRUNC) && val->len != before)
		fprintf(c->out, "[%u => %u]", before, val->len);
	else
		fprintf(c->out, "[%u]", before);
}

static void print_int_out(struct sd_ctx *c, int arg)
{
	const struct sysdecode_capture *cap = sd_cap(c, arg, 0);
	int v;

	if (!cap || cap->len < 4 || !c->call->args[arg]) {
		sd_addr(c->out, c->call->args[arg]);
		return;
	}
	memcpy(&v, cap->data, 4);
	fprintf(c->out, "[%d]", v);
}

/* A fixed-size struct: the printer if captured, else the address. */
static void print_struct(struct sd_ctx *c, int arg, int which, size_t need,
			 void (*pr)(FILE *, const void *, size_t))
{
	const struct sysdecode_capture *cap = sd_cap(c, arg, which);

	if (!c->call->args[arg] || !cap || cap->len < need) {
		sd_addr(c->out, c->call->args[arg]);
		return;
	}
	pr(c->out, cap->data, cap->len);
}

static void print_pollfds(struct sd_ctx *c, int arg, int which)
{
	const struct sysdecode_capture *cap = sd_cap(c, arg, which);
	unsigned long long nfds = c->call->args[1], i, n;
	const unsigned char *b;

	if (!c->call->args[arg] || !cap) {
		sd_addr(c->out, c->call->args[arg]);
		return;
	}
	b = cap->data;
	n = cap->len / 8 < nfds ? cap->len / 8 : nfds;
	fputc('[', c->out);
	for (i = 0; i < n && i < c->slimit; i++) {
		int fd;
		short ev;

		memcpy(&fd, b + i * 8, 4);
		memcpy(&ev, b + i * 8 + 4, 2);
		fputs(i ? ", {fd=" : "{fd=", c->out);
		sd_fd(c, fd);
		if (fd >= 0) {
			fputs(", events=", c->out);
			sd_flags(c->out, xl_poll_events, (unsigned short)ev, "POLL???");
		}
		fputc('}', c->out);
	}
	if (n < nfds)
		fputs(i ? ", ..." : "...", c->out);
	fputc(']', c->out);
}

/* `[{fd=3, revents=POLLIN}]`: the entries with revents set. */
void sd_print_revents(struct sd_ctx *c, const struct sysdecode_capture *cap)
{
	unsigned long long nfds = c->call->args[1], i, n;
	const unsigned char *b = cap->data;
	bool first = true;

	n = cap->len / 8 < nfds ? cap->len / 8 : nfds;
	fputc('[', c->out);
	for (i = 0; i < n; i++) {
		int fd;
		short rev;

		memcpy(&fd, b + i * 8, 4);
		memcpy(&rev, b + i * 8 + 6, 2);
		if (!rev)
			continue;
		/* strace shows plain numbers here even with -y */
		fprintf(c->out, "%s{fd=%d, revents=", first ? "" : ", ", fd);
		first = false;
		sd_flags(c->out, xl_poll_events, (unsigned short)rev, "POLL???");
		fputc('}', c->out);
	}
	if (n < nfds)
		fputs(first ? "..." : ", ...", c->out);
	fputc(']', c->out);
}

static void print_epoll_events(struct sd_ctx *c, int arg)
{
	const struct sysdecode_capture *cap = sd_cap(c, arg, 0);
	long long i, n = c->call->ret;

	if (!c->call->args[arg] || !cap) {
		sd_addr(c->out, c->call->args[arg]);
		return;
	}
	fputc('[', c->out);
	for (i = 0; i < n && (i + 1) * 12 <= cap->len && i < c->slimit; i++) {
		if (i)
			fputs(", ", c->out);
		sd_print_epoll_event(c, (const char *)cap->data + i * 12);
	}
	if (i < n)
		fputs(i ? ", ..." : "...", c->out);
	fputc(']', c->out);
}

static void print_fdpair(struct sd_ctx *c, int arg)
{
	const struct sysdecode_capture *cap = sd_cap(c, arg, 0);
	int fd[2];

	if (!c->call->args[arg] || !cap || cap->len < 8) {
		sd_addr(c->out, c->call->args[arg]);
		return;
	}
	memcpy(fd, cap->data, 8);
	fputc('[', c->out);
	sd_fd(c, fd[0]);
	fputs(", ", c->out);
	sd_fd(c, fd[1]);
	fputc(']', c->out);
}

static void print_sigset_arg(struct sd_ctx *c, int arg, int which)
{
	const struct sysdecode_capture *cap = sd_cap(c, arg, which);

	if (!c->call->args[arg] || !cap || cap->len < 8) {
		sd_addr(c->out, c->call->args[arg]);
		return;
	}
	sd_sigset(c->out, cap->data, 8);
}

static void print_sockopt_name(struct sd_ctx *c, unsigned long long level, unsigned long long name)
{
	const struct xlat *x = NULL;
	const char *dflt = NULL;

	switch ((int)level) {
	case 1:  x = xl_so;        dflt = "SO_???";   break;
	case 0:  x = xl_ip_opts;   dflt = "IP_???";   break;
	case 6:  x = xl_tcp_opts;  dflt = "TCP_???";  break;
	case 41: x = xl_ipv6_opts; dflt = "IPV6_???"; break;
	}
	if (x)
		sd_xval(c->out, x, (unsigned int)name, dflt);
	else
		fprintf(c->out, "%u", (unsigned int)name);
}

/* setsockopt/getsockopt values: an int as `[N]`, else the bytes. */
static void print_sockopt_val(struct sd_ctx *c, int arg, unsigned long long len)
{
	const struct sysdecode_capture *cap = sd_cap(c, arg, 0);
	int v;

	if (!c->call->args[arg] || !cap) {
		sd_addr(c->out, c->call->args[arg]);
		return;
	}
	if (cap->len == 4 && len == 4) {
		memcpy(&v, cap->data, 4);
		fprintf(c->out, "[%d]", v);
		return;
	}
	quote_c(c->out, cap->data, cap->len < len ? cap->len : len, c->slimit, 0, cap->len < len);
}

static void print_argv(struct sd_ctx *c, int arg)
{
	const struct sysdecode_capture *cap = sd_cap(c, arg, 0);
	const unsigned char *s, *end;
	unsigned int n = 0;

	if (!c->call->args[arg] || !cap) {
		sd_addr(c->out, c->call->args[arg]);
		return;
	}
	s = cap->data;
	end = s + cap->len;
	fputc('[', c->out);
	while (s < end) {
		size_t l = strnlen((const char *)s, end - s);

		if (n == c->slimit) {
			fputs(", ...", c->out);
			break;
		}
		if (n++)
			fputs(", ", c->out);
		quote_c(c->out, s, l, c->slimit, 0, l == (size_t)(end - s) &&
			 (cap->flags & RTRACE_CAPF_TRUNC));
		s += l + 1;
	}
	if (n < c->slimit && (cap->flags & RTRACE_CAPF_TRUNC))
		fputs(n ? ", ..." : "...", c->out);
	fputc(']', c->out);
}

static void print_envp(struct sd_ctx *c, int arg)
{
	const struct sysdecode_capture *cap = sd_cap(c, arg, 0);
	unsigned int n;

	sd_addr(c->out, c->call->args[arg]);
	if (!c->call->args[arg] || !cap || cap->len < 4)
		return;
	memcpy(&n, cap->data, 4);
	fprintf(c->out, " /* %u var%s%s */", n, n == 1 ? "" : "s",
		cap->flags & RTRACE_CAPF_TRUNC ? " or more" : "");
}

static void print_fcntl_arg(struct sd_ctx *c, int arg)
{
	unsigned long long v = c->call->args[arg];
	const struct sysdecode_capture *cap;
	int cmd = c->call->args[1];
	short type, whence;
	long long start, len;
	int pid;

	switch (cmd) {
	case 2:	/* F_SETFD */
		sd_flags(c->out, xl_fd_flags, v, "FD_???");
		break;
	case 4:	/* F_SETFL */
		sd_open_flags(c->out, (unsigned int)v);
		break;
	case 0: case 1030:	/* F_DUPFD, F_DUPFD_CLOEXEC */
		fprintf(c->out, "%d", (int)v);
		break;
	case 8: case 10: case 1031:	/* F_SETOWN, F_SETSIG, F_SETPIPE_SZ */
		fprintf(c->out, "%lld", (long long)v);
		break;
	case 1024:	/* F_SETLEASE */
		sd_xval(c->out, xl_flock_type, v, "F_???");
		break;
	case 1033:	/* F_ADD_SEALS */
		sd_flags(c->out, xl_seals, v, "F_SEAL_???");
		break;
	case 5: case 6: case 7: case 36: case 37: case 38:	/* struct flock */
		cap = sd_cap(c, arg, 0);
		if (!v || !cap || cap->len < 32) {
			sd_addr(c->out, v);
			break;
		}
		memcpy(&type, cap->data, 2);
		memcpy(&whence, (const char *)cap->data + 2, 2);
		memcpy(&start, (const char *)cap->data + 8, 8);
		memcpy(&len, (const char *)cap->data + 16, 8);
		memcpy(&pid, (const char *)cap->data + 24, 4);
		fputs("{l_type=", c->out);
		sd_xval(c->out, xl_flock_type, type, "F_???");
		fputs(", l_whence=", c->out);
		sd_xval(c->out, xl_whence, whence, "SEEK_???");
		fprintf(c->out, ", l_start=%lld, l_len=%lld", start, len);
		if (cmd == 5 || cmd == 36)
			fprintf(c->out, ", l_pid=%d", pid);
		fputc('}', c->out);
		break;
	default:
		fprintf(c->out, "%#llx", v);
	}
}

static bool fcntl_has_arg(int cmd)
{
	/* the F_GET* commands take none */
	switch (cmd) {
	case 1: case 3: case 9: case 11: case 1025: case 1032: case 1034:
		return false;
	}
	return true;
}

static bool ioctl_has_arg(unsigned int cmd)
{
	/* FIONCLEX, FIOCLEX, TIOCNOTTY */
	return cmd != 0x5450 && cmd != 0x5451 && cmd != 0x5422;
}

static void print_ioctl_arg(struct sd_ctx *c, int arg)
{
	unsigned int cmd = c->call->args[1];
	unsigned long long v = c->call->args[arg];
	const struct sysdecode_capture *cap = sd_cap(c, arg, 0);
	int i;

	switch (cmd) {
	case 0x5401: case 0x5402: case 0x5403: case 0x5404:	/* TCGETS, TCSETS* */
		if (v && cap && cap->len >= 36)
			sd_print_termios(c->out, cap->data, cap->len);
		else
			sd_addr(c->out, v);
		return;
	case 0x5413: case 0x5414:	/* TIOCGWINSZ, TIOCSWINSZ */
		if (v && cap && cap->len >= 8)
			sd_print_winsize(c->out, cap->data, cap->len);
		else
			sd_addr(c->out, v);
		return;
	case 0x5421: case 0x541b: case 0x540f: case 0x5410: case 0x5452: case 0x5429:
	case 0x80045430: case 0x40045431:	/* int in or out */
		if (v && cap && cap->len >= 4) {
			memcpy(&i, cap->data, 4);
			fprintf(c->out, "[%d]", i);
		} else {
			sd_addr(c->out, v);
		}
		return;
	}
	fprintf(c->out, "%#llx", v);
}

static void print_rlimit_res(FILE *out, unsigned long long v)
{
	sd_xval(out, xl_rlimit, (unsigned int)v, "RLIMIT_???");
}

static bool is_restart_or_eintr(long long ret)
{
	return ret == -EINTR || ret == -512 || ret == -513 || ret == -514 || ret == -516;
}

/* Whether argument i is printed at all (strace drops some by context). */
bool sd_arg_shown(struct sd_ctx *c, int i)
{
	const unsigned long long *a = c->call->args;

	switch (c->sc->arg[i].type) {
	case T_OPEN_MODE:	/* only with O_CREAT or O_TMPFILE */
		return (a[i - 1] & 0100) || (a[i - 1] & 020200000) == 020200000;
	case T_MREMAP_ADDR:
		return a[3] & 2;	/* MREMAP_FIXED */
	case T_FCNTL_ARG:
		return fcntl_has_arg(a[1]);
	case T_IOCTL_ARG:
		return ioctl_has_arg(a[1]);
	}
	return true;
}

void sd_print_arg(struct sd_ctx *c, int i)
{
	const struct sysdecode_call *call = c->call;
	unsigned long long v = call->args[i];
	const struct sd_arg *sa = &c->sc->arg[i];
	FILE *out = c->out;
	const struct sysdecode_capture *cap;

	switch (sa->type) {
	case T_INT:
		fprintf(out, "%d", (int)v);
		break;
	case T_UINT:
		fprintf(out, "%u", (unsigned int)v);
		break;
	case T_LONG:
		fprintf(out, "%lld", (long long)v);
		break;
	case T_ULONG:
		fprintf(out, "%llu", v);
		break;
	case T_HEX:
		fprintf(out, "%#llx", v);
		break;
	case T_PTR:
		sd_addr(out, v);
		break;
	case T_UMODE:
		fprintf(out, "%#03o", (unsigned int)v);
		break;
	case T_UID:
		if ((unsigned int)v == ~0U)
			fputs("-1", out);
		else
			fprintf(out, "%u", (unsigned int)v);
		break;
	case T_FD:
		sd_fd(c, v);
		break;
	case T_FD_NEW:	/* dup2's target: its path before the call, if known */
		fprintf(out, "%d", (int)v);
		if (c->fd_paths && (int)v >= 0 && sd_fds_known(c->fds, call->pid, v))
			sd_print_fd_path(out, sd_fds_known(c->fds, call->pid, v));
		break;
	case T_ADDR_OUT:
	case T_ULONG_OUT:
		cap = sd_cap(c, i, 0);
		if (!v || !cap || cap->len < 8) {
			sd_addr(out, v);
		} else {
			unsigned long long x;

			memcpy(&x, cap->data, 8);
			fprintf(out, sa->type == T_ADDR_OUT ? "[%#llx]" : "[%llu]", x);
		}
		break;
	case T_TIME_OUT:
		cap = sd_cap(c, i, 0);
		if (!v || !cap || cap->len < 8) {
			sd_addr(out, v);
		} else {
			long long t;

			memcpy(&t, cap->data, 8);
			fprintf(out, "[%lld /* ", t);
			sd_print_time(out, t);
			fputs(" */]", out);
		}
		break;
	case T_DIRFD:
		sd_dirfd(c, v);
		break;
	case T_PATH:
	case T_EXEC_PATH:
		print_str_cap(c, i, true);
		break;
	case T_STR:
		print_str_cap(c, i, false);
		break;
	case T_WBUF:
		print_buf_cap(c, i, 0, call->args[sa->len_arg], 0);
		break;
	case T_IOV_IN:
	case T_IOV_OUT:
		print_iov_cap(c, i, call->args[sa->len_arg], sa->type == T_IOV_OUT);
		break;
	case T_RBUF:
	case T_RBUF_HEX:
		print_buf_cap(c, i, 0, call->ret, sa->type == T_RBUF_HEX ? QUOTE_HEX : 0);
		break;
	case T_RPATH:	/* getcwd: ret counts the NUL; printed in full */
		cap = sd_cap(c, i, 0);
		if (!v || !cap || call->ret < 1)
			sd_addr(out, v);
		else
			quote_c(out, cap->data, cap->len, 4096, QUOTE_0TERM,
				 cap->flags & RTRACE_CAPF_TRUNC);
		break;
	case T_OPEN_FLAGS:
		sd_open_flags(out, (unsigned int)v);
		break;
	case T_OPEN_MODE:
		fprintf(out, "%#03o", (unsigned int)v);
		break;
	case T_FD_FLAGS:	/* pipe2, dup3: O_CLOEXEC and friends */
		sd_flags(out, xl_open_flags, (unsigned int)v, "O_???");
		break;
	case T_ACCESS:
		sd_flags(out, xl_access_modes, (unsigned int)v, "?_OK");
		break;
	case T_AT_FLAGS:
		sd_flags(out, xl_at_flags, (unsigned int)v, "AT_???");
		break;
	case T_FACCESSAT_FLAGS:
		sd_flags(out, xl_faccessat_flags, (unsigned int)v, "AT_???");
		break;
	case T_PROT:
		sd_flags(out, xl_prot, (unsigned int)v, "PROT_???");
		break;
	case T_MAP_FLAGS: {
		unsigned int f = v, hshift = (f >> 26) & 0x3f;

		if (!f) {
			fputs("MAP_FILE", out);
			break;
		}
		sd_xval(out, xl_map_type, f & 0xf, "MAP_???");
		f &= ~0xfU & ~(0x3fU << 26);
		if (f) {
			fputc('|', out);
			sd_flags(out, xl_map_flags, f, NULL);
		}
		if (hshift)
			fprintf(out, "|%u<<MAP_HUGE_SHIFT", hshift);
		break;
	}
	case T_MADV:
		sd_xval(out, xl_madvise, (unsigned int)v, "MADV_???");
		break;
	case T_MREMAP_FLAGS:
		sd_flags(out, xl_mremap, (unsigned int)v, "MREMAP_???");
		break;
	case T_MREMAP_ADDR:
		sd_addr(out, v);
		break;
	case T_MSYNC:
		sd_flags(out, xl_msync, (unsigned int)v, "MS_???");
		break;
	case T_WHENCE:
		sd_xval(out, xl_whence, (unsigned int)v, "SEEK_???");
		break;
	case T_FCNTL_CMD:
		sd_xval(out, xl_fcntl_cmds, (unsigned int)v, "F_???");
		break;
	case T_FCNTL_ARG:
		print_fcntl_arg(c, i);
		break;
	case T_IOCTL_CMD:
		sd_ioctl_cmd(out, v);
		break;
	case T_IOCTL_ARG:
		print_ioctl_arg(c, i);
		break;
	case T_STAT_OUT:
		print_struct(c, i, 0, 144, sd_print_stat);
		break;
	case T_STATX_OUT:
		print_struct(c, i, 0, 256, sd_print_statx);
		break;
	case T_STATX_FLAGS:
		sd_xval(out, xl_statx_sync, v & 0x6000, NULL);
		if (v & ~0x6000ULL & 0xffffffffULL) {
			fputc('|', out);
			sd_flags(out, xl_at_flags, (unsigned int)v & ~0x6000U, "AT_???");
		}
		break;
	case T_STATX_MASK:
		sd_flags(out, xl_statx_mask, (unsigned int)v, "STATX_???");
		break;
	case T_CLOCKID:
		sd_xval(out, xl_clockids, (unsigned int)v, "CLOCK_???");
		break;
	case T_TIMESPEC:
	case T_TIMESPEC_OUT:
		print_struct(c, i, 0, 16, sd_print_timespec);
		break;
	case T_TIMESPEC_REM:	/* the kernel writes it only when interrupted */
		cap = sd_cap_raw(c, i, 0, NULL);
		if (v && cap && cap->len >= 16 && call->has_ret && is_restart_or_eintr(call->ret))
			sd_print_timespec(out, cap->data, cap->len);
		else
			sd_addr(out, v);
		break;
	case T_TIMEVAL_OUT:
		print_struct(c, i, 0, 16, sd_print_timeval);
		break;
	case T_TIMEZONE_OUT:
		print_struct(c, i, 0, 8, sd_print_timezone);
		break;
	case T_TIMER_FLAGS:
		sd_flags(out, xl_timer_flags, (unsigned int)v, "TIMER_???");
		break;
	case T_ITIMER_WHICH:
		sd_xval(out, xl_itimer, (unsigned int)v, "ITIMER_???");
		break;
	case T_ITIMERVAL:
	case T_ITIMERVAL_OUT:
		print_struct(c, i, 0, 32, sd_print_itimerval);
		break;
	case T_POLLFDS:
	case T_PPOLLFDS:
		print_pollfds(c, i, 0);
		break;
	case T_PPOLL_TS:
		print_struct(c, i, 0, 16, sd_print_timespec);
		break;
	case T_EPOLL_OP:
		sd_xval(out, xl_epoll_ctl, (unsigned int)v, "EPOLL_CTL_???");
		break;
	case T_EPOLL_EVENT:
		cap = sd_cap(c, i, 0);
		if (!v || !cap || cap->len < 12)
			sd_addr(out, v);
		else
			sd_print_epoll_event(c, cap->data);
		break;
	case T_EPOLL_EVENTS_OUT:
		print_epoll_events(c, i);
		break;
	case T_EPOLL_FLAGS:
		sd_flags(out, xl_epoll_flags, (unsigned int)v, "EPOLL_???");
		break;
	case T_AF:
		sd_xval(out, xl_af, (unsigned int)v, "AF_???");
		break;
	case T_SOCKTYPE:
		sd_xval(out, xl_socktype, v & 0xf, "SOCK_???");
		if ((unsigned int)v & ~0xfU) {
			fputc('|', out);
			sd_flags(out, xl_sock_flags, (unsigned int)v & ~0xfU, NULL);
		}
		break;
	case T_SOCKPROTO:
		switch ((int)call->args[0]) {
		case 2: case 10:	/* AF_INET, AF_INET6 */
			sd_xval(out, xl_ipproto, (unsigned int)v, "IPPROTO_???");
			break;
		case 16:	/* AF_NETLINK */
			sd_xval(out, xl_netlink_proto, (unsigned int)v, "NETLINK_???");
			break;
		default:
			fprintf(out, "%u", (unsigned int)v);
		}
		break;
	case T_SOCK_FLAGS:
		sd_flags(out, xl_sock_flags, (unsigned int)v, "SOCK_???");
		break;
	case T_SOCKADDR:
	case T_SOCKADDR_OUT:
		cap = sd_cap(c, i, 0);
		if (!v || !cap)
			sd_addr(out, v);
		else
			sd_print_sockaddr(out, cap->data, cap->len);
		break;
	case T_SOCKLEN_PTR:
		print_socklen(c, i);
		break;
	case T_SOCKOPT_LEVEL:
		sd_xval(out, xl_sol, (unsigned int)v, "SOL_???");
		break;
	case T_SOCKOPT_NAME:
		print_sockopt_name(c, call->args[1], v);
		break;
	case T_SOCKOPT_VAL:
		print_sockopt_val(c, i, call->args[sa->len_arg]);
		break;
	case T_SOCKOPT_VAL_OUT:
		cap = sd_cap(c, i, 0);
		print_sockopt_val(c, i, cap ? cap->len : 0);
		break;
	case T_MSG_FLAGS:
		sd_flags(out, xl_msg_flags, (unsigned int)v, "MSG_???");
		break;
	case T_SHUT:
		sd_xval(out, xl_shut, (unsigned int)v, "SHUT_???");
		break;
	case T_FDPAIR_OUT:
		print_fdpair(c, i);
		break;
	case T_SIGNAL:
		sd_signal(out, (int)v);
		break;
	case T_SIGACTION:
	case T_SIGACTION_OUT:
		print_struct(c, i, 0, 32, sd_print_sigaction);
		break;
	case T_SIGSET:
	case T_SIGSET_OUT:
		print_sigset_arg(c, i, 0);
		break;
	case T_SIGHOW:
		sd_xval(out, xl_sig_how, (unsigned int)v, "SIG_???");
		break;
	case T_STACK:
	case T_STACK_OUT:
		print_struct(c, i, 0, 24, sd_print_stack);
		break;
	case T_WSTATUS_OUT:
		cap = sd_cap(c, i, 0);
		if (!v || !cap || cap->len < 4 || call->ret == 0) {
			sd_addr(out, v);
		} else {
			int s;

			memcpy(&s, cap->data, 4);
			sd_print_wstatus(out, s);
		}
		break;
	case T_WAIT_OPTS:
		sd_flags(out, xl_wait_opts, (unsigned int)v, "W???");
		break;
	case T_RUSAGE_OUT:
		print_struct(c, i, 0, 32, sd_print_rusage);
		break;
	case T_RUSAGE_WHO:
		sd_xval(out, xl_rusage_who, (unsigned long long)(long long)(int)v, NULL);
		break;
	case T_CLONE_ARGS:
		cap = sd_cap(c, i, 0);
		if (!v || !cap || cap->len < 64)
			sd_addr(out, v);
		else
			sd_print_clone_args(out, cap->data, cap->len < call->args[1] ?
					    cap->len : call->args[1], call->ret,
					    call->has_ret && !sd_is_error(call->ret));
		break;
	case T_ARGV:
		print_argv(c, i);
		break;
	case T_ENVP:
		print_envp(c, i);
		break;
	case T_GRND:
		sd_flags(out, xl_grnd, (unsigned int)v, "GRND_???");
		break;
	case T_RLIMIT_RES:
		print_rlimit_res(out, v);
		break;
	case T_RLIMIT:
	case T_RLIMIT_OUT:
		cap = sd_cap(c, i, 0);
		if (!v || !cap || cap->len < 16)
			sd_addr(out, v);
		else
			sd_print_rlimit(out, cap->data, cap->len, true);
		break;
	case T_ARCH_CODE:
		sd_xval(out, xl_arch_prctl, (unsigned int)v, "ARCH_???");
		break;
	case T_ARCH_ADDR:	/* ARCH_GET_FS/GS store through it */
		cap = sd_cap(c, i, 0);
		if ((call->args[0] == 0x1003 || call->args[0] == 0x1004) && v && cap &&
		    cap->len >= 8) {
			unsigned long long a;

			memcpy(&a, cap->data, 8);
			fprintf(out, "[%#llx]", a);
		} else {
			fprintf(out, "%#llx", v);
		}
		break;
	case T_UNAME_OUT:
		print_struct(c, i, 0, 390, sd_print_utsname);
		break;
	case T_DIRENTS_OUT:
		cap = sd_cap(c, i, 0);
		if (!v || !cap || (cap->flags & RTRACE_CAPF_TRUNC) || cap->len < call->ret ||
		    !sd_print_dirents(out, cap->data, call->ret, v))
			sd_addr(out, v);
		break;
	case T_RENAME_FLAGS:
		sd_flags(out, xl_rename, (unsigned int)v, "RENAME_???");
		break;
	case T_CPUSET:
	case T_CPUSET_OUT:
		cap = sd_cap(c, i, 0);
		if (!v || !cap)
			sd_addr(out, v);
		else
			sd_print_cpuset(out, cap->data, cap->len);
		break;
	case T_SYSINFO_OUT:
		print_struct(c, i, 0, 112, sd_print_sysinfo);
		break;
	case T_OPEN_HOW:
		print_struct(c, i, 0, 24, sd_print_open_how);
		break;
	case T_INT_OUT:
		print_int_out(c, i);
		break;
	case T_FLOCK_OP:
		sd_flags(out, xl_flock, (unsigned int)v, "LOCK_???");
		break;
	case T_FADVICE:
		sd_xval(out, xl_fadvise, (unsigned int)v, "POSIX_FADV_???");
		break;
	case T_EFD_FLAGS:
		sd_flags(out, xl_efd, (unsigned int)v, "EFD_???");
		break;
	case T_MFD_FLAGS:
		sd_flags(out, xl_mfd, (unsigned int)v, "MFD_???");
		break;
	case T_TFD_FLAGS:
		sd_flags(out, xl_tfd, (unsigned int)v, "TFD_???");
		break;
	case T_INOTIFY_FLAGS:
		sd_flags(out, xl_inotify, (unsigned int)v, "IN_???");
		break;
	case T_CLOSE_RANGE_FLAGS:
		sd_flags(out, xl_close_range, (unsigned int)v, "CLOSE_RANGE_???");
		break;
	case T_PRIO_WHICH:
		sd_xval(out, xl_priority_which, (unsigned int)v, "PRIO_???");
		break;
	default:
		fprintf(out, "%#llx", v);
	}
}

/* x86-64 clone(flags, stack, parent_tid, child_tid, tls), named as strace. */
void sd_print_clone(struct sd_ctx *c)
{
	const unsigned long long *a = c->call->args;
	unsigned long long flags = a[0] & ~0xffULL;
	unsigned int sig = a[0] & 0xff;

	fputs("child_stack=", c->out);
	sd_addr(c->out, a[1]);
	fputs(", flags=", c->out);
	if (flags) {
		sd_flags(c->out, xl_clone_flags, flags, "CLONE_???");
		if (sig)
			fputc('|', c->out);
	}
	if (sig || !flags)
		sd_signal(c->out, sig);
	/* strace adds the rest at exit */
	if (!c->call->has_ret)
		return;
	if (flags & 0x100000) {	/* CLONE_PARENT_SETTID: the kernel stored ret there */
		fputs(", parent_tid=", c->out);
		if (!sd_is_error(c->call->ret))
			fprintf(c->out, "[%lld]", c->call->ret);
		else
			sd_addr(c->out, a[2]);
	} else if (flags & 0x1000) {	/* CLONE_PIDFD */
		fputs(", parent_tid=", c->out);
		sd_addr(c->out, a[2]);
	}
	if (flags & 0x80000) {
		fputs(", tls=", c->out);
		sd_addr(c->out, a[4]);
	}
	if (flags & (0x1000000 | 0x200000)) {
		fputs(", child_tidptr=", c->out);
		sd_addr(c->out, a[3]);
	}
}

static const char *const futex_cmds[] = {
	"FUTEX_WAIT", "FUTEX_WAKE", "FUTEX_FD", "FUTEX_REQUEUE", "FUTEX_CMP_REQUEUE",
	"FUTEX_WAKE_OP", "FUTEX_LOCK_PI", "FUTEX_UNLOCK_PI", "FUTEX_TRYLOCK_PI",
	"FUTEX_WAIT_BITSET", "FUTEX_WAKE_BITSET", "FUTEX_WAIT_REQUEUE_PI",
	"FUTEX_CMP_REQUEUE_PI", "FUTEX_LOCK_PI2",
};

void sd_print_futex(struct sd_ctx *c)
{
	const unsigned long long *a = c->call->args;
	int op = a[1], cmd = op & 127;
	FILE *out = c->out;

	sd_addr(out, a[0]);
	fputs(", ", out);
	if (cmd < (int)ARRAY_SIZE(futex_cmds) && !(op & ~(127 | 128 | 256)))
		fprintf(out, "%s%s%s", futex_cmds[cmd], op & 128 ? "_PRIVATE" : "",
			op & 256 ? "|FUTEX_CLOCK_REALTIME" : "");
	else
		fprintf(out, "%#x /* FUTEX_??? */", op);

	switch (cmd) {
	case 0: case 9: case 11:	/* WAIT, WAIT_BITSET, WAIT_REQUEUE_PI */
		fprintf(out, ", %u, ", (unsigned int)a[2]);
		print_struct(c, 3, 0, 16, sd_print_timespec);
		if (cmd == 9) {
			fputs(", ", out);
			sd_xval(out, xl_futex_bitset, (unsigned int)a[5], NULL);
		} else if (cmd == 11) {
			fputs(", ", out);
			sd_addr(out, a[4]);
		}
		break;
	case 6: case 13:	/* LOCK_PI, LOCK_PI2 */
		fputs(", ", out);
		print_struct(c, 3, 0, 16, sd_print_timespec);
		break;
	case 10:	/* WAKE_BITSET */
		fprintf(out, ", %u, ", (unsigned int)a[2]);
		sd_xval(out, xl_futex_bitset, (unsigned int)a[5], NULL);
		break;
	case 3:	/* REQUEUE */
		fprintf(out, ", %u, %u, ", (unsigned int)a[2], (unsigned int)a[3]);
		sd_addr(out, a[4]);
		break;
	case 4: case 12:	/* CMP_REQUEUE, CMP_REQUEUE_PI */
		fprintf(out, ", %u, %u, ", (unsigned int)a[2], (unsigned int)a[3]);
		sd_addr(out, a[4]);
		fprintf(out, ", %u", (unsigned int)a[5]);
		break;
	case 7: case 8:	/* UNLOCK_PI, TRYLOCK_PI */
		break;
	case 1: case 2:	/* WAKE, FD */
		fprintf(out, ", %u", (unsigned int)a[2]);
		break;
	default:	/* WAKE_OP's packed val3 is left as a number */
		fprintf(out, ", %u, %u, ", (unsigned int)a[2], (unsigned int)a[3]);
		sd_addr(out, a[4]);
		fprintf(out, ", %#x", (unsigned int)a[5]);
	}
}

