// SPDX-License-Identifier: GPL-2.0
/* Struct printers for the syscall decoder, in strace's default (abbreviated)
 * style. They read fields at x86-64 kernel ABI offsets from captured bytes,
 * so that rtrace does not depend on the libc's idea of the layouts; callers
 * check that enough bytes were captured.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "sysdecode_priv.h"

static unsigned long long rd(const void *p, size_t off, size_t size)
{
	const unsigned char *b = (const unsigned char *)p + off;
	uint64_t v64;
	uint32_t v32;
	uint16_t v16;

	switch (size) {
	case 8:
		memcpy(&v64, b, 8);
		return v64;
	case 4:
		memcpy(&v32, b, 4);
		return v32;
	case 2:
		memcpy(&v16, b, 2);
		return v16;
	default:
		return *b;
	}
}

#define U64(p, off)	rd(p, off, 8)
#define S64(p, off)	((long long)rd(p, off, 8))
#define U32(p, off)	((unsigned int)rd(p, off, 4))
#define S32(p, off)	((int)rd(p, off, 4))

void sd_print_stat(FILE *out, const void *p, size_t len)
{
	unsigned int mode;
	unsigned long long rdev;

	if (len < 144)
		return;
	mode = U32(p, 24);
	rdev = U64(p, 40);
	fputs("{st_mode=", out);
	sd_mode_symbolic(out, mode);
	if ((mode & 0170000) == 0020000 || (mode & 0170000) == 0060000)
		fprintf(out, ", st_rdev=makedev(%#llx, %#llx)",
			((rdev >> 8) & 0xfff) | ((rdev >> 32) & ~0xfffULL),
			(rdev & 0xff) | ((rdev >> 12) & ~0xffULL));
	else
		fprintf(out, ", st_size=%lld", S64(p, 48));
	fputs(", ...}", out);
}

void sd_print_statx(FILE *out, const void *p, size_t len)
{
	if (len < 256)
		return;
	fputs("{stx_mask=", out);
	sd_flags(out, xl_statx_mask, U32(p, 0), "STATX_???");
	fputs(", stx_attributes=", out);
	sd_flags(out, xl_statx_attrs, U64(p, 8), "STATX_ATTR_???");
	fputs(", stx_mode=", out);
	sd_mode_symbolic(out, rd(p, 28, 2));
	fprintf(out, ", stx_size=%llu, ...}", U64(p, 40));
}

void sd_print_timespec(FILE *out, const void *p, size_t len)
{
	if (len >= 16)
		fprintf(out, "{tv_sec=%lld, tv_nsec=%lld}", S64(p, 0), S64(p, 8));
}

void sd_print_timeval(FILE *out, const void *p, size_t len)
{
	if (len >= 16)
		fprintf(out, "{tv_sec=%lld, tv_usec=%lld}", S64(p, 0), S64(p, 8));
}

void sd_print_timezone(FILE *out, const void *p, size_t len)
{
	if (len >= 8)
		fprintf(out, "{tz_minuteswest=%d, tz_dsttime=%d}", S32(p, 0), S32(p, 4));
}

void sd_print_itimerspec(FILE *out, const void *p, size_t len)
{
	if (len < 32)
		return;
	fputs("{it_interval=", out);
	sd_print_timespec(out, p, 16);
	fputs(", it_value=", out);
	sd_print_timespec(out, (const char *)p + 16, 16);
	fputc('}', out);
}

void sd_print_itimerval(FILE *out, const void *p, size_t len)
{
	if (len < 32)
		return;
	fputs("{it_interval=", out);
	sd_print_timeval(out, p, 16);
	fputs(", it_value=", out);
	sd_print_timeval(out, (const char *)p + 16, 16);
	fputc('}', out);
}

/* sun_path as strace: up to the first NUL of a path, `@` and the whole
 * remaining length for an abstract name. */
static void print_sun_path(FILE *out, const unsigned char *path, size_t n)
{
	fputs(", sun_path=", out);
	if (n && path[0] == 0) {
		fputc('@', out);
		quote_c(out, path + 1, n - 1, n, 0, false);
		return;
	}
	quote_c(out, path, strnlen((const char *)path, n), n, 0, false);
}

void sd_print_sockaddr(FILE *out, const void *p, size_t len)
{
	const unsigned char *b = p;
	unsigned int family;
	char addr[INET6_ADDRSTRLEN];
	size_t i;

	if (len < 2) {
		fputs("{}", out);
		return;
	}
	family = rd(p, 0, 2);
	fputs("{sa_family=", out);
	sd_xval(out, xl_af, family, "AF_???");
	switch (family) {
	case 1:	/* AF_UNIX */
		if (len > 2)
			print_sun_path(out, b + 2, len - 2 < 108 ? len - 2 : 108);
		break;
	case 2:	/* AF_INET */
		if (len < 16)
			goto raw;
		inet_ntop(AF_INET, b + 4, addr, sizeof(addr));
		fprintf(out, ", sin_port=htons(%u), sin_addr=inet_addr(\"%s\")",
			ntohs((uint16_t)rd(p, 2, 2)), addr);
		break;
	case 10: /* AF_INET6 */
		if (len < 24)
			goto raw;
		inet_ntop(AF_INET6, b + 8, addr, sizeof(addr));
		fprintf(out, ", sin6_port=htons(%u), sin6_flowinfo=htonl(%u), "
			"inet_pton(AF_INET6, \"%s\", &sin6_addr)",
			ntohs((uint16_t)rd(p, 2, 2)), ntohl(U32(p, 4)), addr);
		if (len >= 28)
			fprintf(out, ", sin6_scope_id=%u", U32(p, 24));
		break;
	case 16: /* AF_NETLINK */
		if (len < 12)
			goto raw;
		fprintf(out, ", nl_pid=%u, nl_groups=%08x", U32(p, 4), U32(p, 8));
		break;
	default:
raw:
		if (len > 2) {
			fputs(", sa_data=", out);
			for (i = 2; i < len && i < 16; i++)
				;
			quote_c(out, b + 2, i - 2, i - 2, 0, false);
		}
		break;
	}
	fputc('}', out);
}

void sd_print_epoll_event(struct sd_ctx *c, const void *p)
{
	/* packed on x86-64: 4 bytes of events, 8 of data */
	fputs("{events=", c->out);
	sd_flags(c->out, xl_epoll_events, U32(p, 0), "EPOLL???");
	fprintf(c->out, ", data={u32=%u, u64=%llu}}", U32(p, 4), U64(p, 4));
}

static void print_handler(FILE *out, unsigned long long h)
{
	if (h == 0)
		fputs("SIG_DFL", out);
	else if (h == 1)
		fputs("SIG_IGN", out);
	else if (h == ~0ULL)
		fputs("SIG_ERR", out);
	else
		fprintf(out, "%#llx", h);
}

/* The kernel's struct sigaction on x86-64: handler, flags, restorer, mask. */
void sd_print_sigaction(FILE *out, const void *p, size_t len)
{
	unsigned long long flags;

	if (len < 32)
		return;
	flags = U64(p, 8);
	fputs("{sa_handler=", out);
	print_handler(out, U64(p, 0));
	fputs(", sa_mask=", out);
	sd_sigset(out, (const char *)p + 24, 8);
	fputs(", sa_flags=", out);
	sd_flags(out, xl_sa_flags, flags, "SA_???");
	if (flags & 0x04000000) {
		fputs(", sa_restorer=", out);
		sd_addr(out, U64(p, 16));
	}
	fputc('}', out);
}

void sd_print_stack(FILE *out, const void *p, size_t len)
{
	if (len < 24)
		return;
	fputs("{ss_sp=", out);
	sd_addr(out, U64(p, 0));
	fputs(", ss_flags=", out);
	sd_flags(out, xl_ss_flags, U32(p, 8), "SS_???");
	fprintf(out, ", ss_size=%llu}", U64(p, 16));
}

void sd_print_wstatus(FILE *out, int s)
{
	fputs("[{", out);
	if ((s & 0x7f) == 0) {
		fprintf(out, "WIFEXITED(s) && WEXITSTATUS(s) == %d", (s >> 8) & 0xff);
	} else if ((s & 0xff) == 0x7f) {
		fputs("WIFSTOPPED(s) && WSTOPSIG(s) == ", out);
		sd_signal(out, (s >> 8) & 0xff);
	} else if (s == 0xffff) {
		fputs("WIFCONTINUED(s)", out);
	} else {
		fputs("WIFSIGNALED(s) && WTERMSIG(s) == ", out);
		sd_signal(out, s & 0x7f);
		if (s & 0x80)
			fputs(" && WCOREDUMP(s)", out);
	}
	fputs("}]", out);
}

void sd_print_rusage(FILE *out, const void *p, size_t len)
{
	if (len < 32)
		return;
	fputs("{ru_utime=", out);
	sd_print_timeval(out, p, 16);
	fputs(", ru_stime=", out);
	sd_print_timeval(out, (const char *)p + 16, 16);
	fputs(", ...}", out);
}

static void print_rlim(FILE *out, unsigned long long v)
{
	if (v == ~0ULL)
		fputs("RLIM64_INFINITY", out);
	else if (v > 1024 && v % 1024 == 0)
		fprintf(out, "%llu*1024", v / 1024);
	else
		fprintf(out, "%llu", v);
}

void sd_print_rlimit(FILE *out, const void *p, size_t len, bool is64)
{
	(void)is64;	/* x86-64: getrlimit's struct is the 64-bit one too */
	if (len < 16)
		return;
	fputs("{rlim_cur=", out);
	print_rlim(out, U64(p, 0));
	fputs(", rlim_max=", out);
	print_rlim(out, U64(p, 8));
	fputc('}', out);
}

void sd_print_utsname(FILE *out, const void *p, size_t len)
{
	const unsigned char *b = p;

	if (len < 390)
		return;
	fputs("{sysname=", out);
	quote_c(out, b, strnlen((const char *)b, 65), 65, 0, false);
	fputs(", nodename=", out);
	quote_c(out, b + 65, strnlen((const char *)b + 65, 65), 65, 0, false);
	fputs(", ...}", out);
}

void sd_print_sysinfo(FILE *out, const void *p, size_t len)
{
	if (len < 112)
		return;
	fprintf(out, "{uptime=%lld, loads=[%llu, %llu, %llu], totalram=%llu, freeram=%llu, "
		"sharedram=%llu, bufferram=%llu, totalswap=%llu, freeswap=%llu, procs=%u, "
		"totalhigh=%llu, freehigh=%llu, mem_unit=%u}",
		S64(p, 0), U64(p, 8), U64(p, 16), U64(p, 24), U64(p, 32), U64(p, 40), U64(p, 48),
		U64(p, 56), U64(p, 64), U64(p, 72), (unsigned int)rd(p, 80, 2), U64(p, 88),
		U64(p, 96), U32(p, 104));
}

/* strace's baud names for c_cflag & CBAUD */
static const struct xlat baud_rates[] = {
	XN(0, "B0"), XN(1, "B50"), XN(2, "B75"), XN(3, "B110"), XN(4, "B134"), XN(5, "B150"),
	XN(6, "B200"), XN(7, "B300"), XN(8, "B600"), XN(9, "B1200"), XN(10, "B1800"),
	XN(11, "B2400"), XN(12, "B4800"), XN(13, "B9600"), XN(14, "B19200"), XN(15, "B38400"),
	XN(010001, "B57600"), XN(010002, "B115200"), XN(010003, "B230400"),
	XN(010004, "B460800"), XN(010005, "B500000"), XN(010006, "B576000"),
	XN(010007, "B921600"), XN(010010, "B1000000"), XN(010011, "B1152000"),
	XN(010012, "B1500000"), XN(010013, "B2000000"), XN(010014, "B2500000"),
	XN(010015, "B3000000"), XN(010016, "B3500000"), XN(010017, "B4000000"), XEND,
};

static const struct xlat termios_iflags[] = {
	XN(01, "IGNBRK"), XN(02, "BRKINT"), XN(04, "IGNPAR"), XN(010, "PARMRK"), XN(020, "INPCK"),
	XN(040, "ISTRIP"), XN(0100, "INLCR"), XN(0200, "IGNCR"), XN(0400, "ICRNL"),
	XN(01000, "IUCLC"), XN(02000, "IXON"), XN(04000, "IXANY"), XN(010000, "IXOFF"),
	XN(020000, "IMAXBEL"), XN(040000, "IUTF8"), XEND,
};

static const struct xlat termios_oflags[] = {
	XN(01, "OPOST"), XN(02, "OLCUC"), XN(04, "ONLCR"), XN(010, "OCRNL"), XN(020, "ONOCR"),
	XN(040, "ONLRET"), XN(0100, "OFILL"), XN(0200, "OFDEL"), XEND,
};

static const struct xlat termios_cflags[] = {
	XN(0100, "CSTOPB"), XN(0200, "CREAD"), XN(0400, "PARENB"), XN(01000, "PARODD"),
	XN(02000, "HUPCL"), XN(04000, "CLOCAL"), XN(010000000000, "CMSPAR"),
	XN(020000000000, "CRTSCTS"), XEND,
};

static const struct xlat termios_lflags[] = {
	XN(01, "ISIG"), XN(02, "ICANON"), XN(04, "XCASE"), XN(010, "ECHO"), XN(020, "ECHOE"),
	XN(040, "ECHOK"), XN(0100, "ECHONL"), XN(0200, "NOFLSH"), XN(0100000, "IEXTEN"),
	XN(01000, "ECHOCTL"), XN(02000, "ECHOPRT"), XN(04000, "ECHOKE"), XN(010000, "FLUSHO"),
	XN(040000, "PENDIN"), XN(0400, "TOSTOP"), XN(0200000, "EXTPROC"), XEND,
};

/* struct termios (kernel): iflag, oflag, cflag, lflag, line, cc[19]; the
 * delay fields of c_oflag and the baud and size of c_cflag are values, the
 * rest flags, as strace 6.1 prints them (with its trailing `|`). */
void sd_print_termios(FILE *out, const void *p, size_t len)
{
	static const char *const tab[] = { "TAB0", "TAB1", "TAB2", "XTABS" };
	unsigned int of, cf, ibaud;

	if (len < 36)
		return;
	of = U32(p, 4);
	cf = U32(p, 8);
	fputs("{c_iflag=", out);
	sd_flags(out, termios_iflags, U32(p, 0), NULL);
	fprintf(out, ", c_oflag=NL%u|CR%u|%s|BS%u|VT%u|FF%u|", (of >> 8) & 1, (of >> 9) & 3,
		tab[(of >> 11) & 3], (of >> 13) & 1, (of >> 14) & 1, (of >> 15) & 1);
	sd_flags(out, termios_oflags, of & ~0177400U, NULL);
	fputs(", c_cflag=", out);
	sd_xval(out, baud_rates, cf & 010017, "B???");
	ibaud = (cf >> 16) & 010017;
	if (ibaud) {
		fputc('|', out);
		sd_xval(out, baud_rates, ibaud, "B???");
		fputs("<<IBSHIFT", out);
	}
	fprintf(out, "|CS%u|", 5 + ((cf >> 4) & 3));
	sd_flags(out, termios_cflags, cf & ~(010017U | (010017U << 16) | 060U), NULL);
	fputs(", c_lflag=", out);
	sd_flags(out, termios_lflags, U32(p, 12), NULL);
	fputs(", ...}", out);
}

void sd_print_time(FILE *out, long long t)
{
	time_t tt = t;
	struct tm tm;
	char buf[64];

	if (localtime_r(&tt, &tm) && strftime(buf, sizeof(buf), "%FT%T%z", &tm))
		fputs(buf, out);
	else
		fprintf(out, "%lld", t);
}

void sd_print_winsize(FILE *out, const void *p, size_t len)
{
	if (len < 8)
		return;
	fprintf(out, "{ws_row=%u, ws_col=%u, ws_xpixel=%u, ws_ypixel=%u}",
		(unsigned int)rd(p, 0, 2), (unsigned int)rd(p, 2, 2), (unsigned int)rd(p, 4, 2),
		(unsigned int)rd(p, 6, 2));
}

/* struct clone_args: flags, pidfd, child_tid, parent_tid, exit_signal,
 * stack, stack_size, tls, set_tid, set_tid_size, cgroup (u64 each) */
void sd_print_clone_args(FILE *out, const void *p, size_t len, long long ret, bool has_ret)
{
	unsigned long long flags, sig;

	if (len < 64)
		return;
	flags = U64(p, 0);
	sig = U64(p, 32);
	fputs("{flags=", out);
	sd_flags(out, xl_clone_flags, flags, "CLONE_???");
	if (flags & 0x1000) {
		fputs(", pidfd=", out);
		sd_addr(out, U64(p, 8));
	}
	if (flags & (0x1000000 | 0x200000)) {
		fputs(", child_tid=", out);
		sd_addr(out, U64(p, 16));
	}
	if (flags & 0x100000) {
		fputs(", parent_tid=", out);
		sd_addr(out, U64(p, 24));
	}
	fputs(", exit_signal=", out);
	if (sig < 0x7fffffff)
		sd_signal(out, sig);
	else
		fprintf(out, "%llu", sig);
	fputs(", stack=", out);
	sd_addr(out, U64(p, 40));
	fprintf(out, ", stack_size=%#llx", U64(p, 48));
	if (flags & 0x80000) {
		fputs(", tls=", out);
		sd_addr(out, U64(p, 56));
	}
	if (len >= 80 && (U64(p, 64) || U64(p, 72))) {
		fputs(", set_tid=", out);
		sd_addr(out, U64(p, 64));
		fprintf(out, ", set_tid_size=%llu", U64(p, 72));
	}
	if (len >= 88 && (U64(p, 80) || (flags & 0x200000000ULL)))
		fprintf(out, ", cgroup=%llu", U64(p, 80));
	fputc('}', out);
	/* The kernel stores the child's tid at parent_tid: that is the
	 * return value, which spares a second-level capture. */
	if ((flags & 0x100000) && has_ret && ret > 0 && !(flags & 0x1000))
		fprintf(out, " => {parent_tid=[%lld]}", ret);
}

/* struct open_how: flags, mode, resolve */
void sd_print_open_how(FILE *out, const void *p, size_t len)
{
	unsigned long long flags;

	if (len < 24)
		return;
	flags = U64(p, 0);
	fputs("{flags=", out);
	sd_open_flags(out, flags);
	if (U64(p, 8) || (flags & (0100 | 020000000)))
		fprintf(out, ", mode=%#03llo", U64(p, 8));
	fputs(", resolve=", out);
	sd_flags(out, xl_resolve, U64(p, 16), "RESOLVE_???");
	fputc('}', out);
}

void sd_print_cpuset(FILE *out, const void *p, size_t len)
{
	const unsigned char *b = p;
	bool first = true;
	size_t i;

	fputc('[', out);
	for (i = 0; i < len * 8; i++) {
		if (!(b[i / 8] >> (i % 8) & 1))
			continue;
		fprintf(out, "%s%zu", first ? "" : " ", i);
		first = false;
	}
	fputc(']', out);
}

bool sd_print_dirents(FILE *out, const void *p, size_t len, unsigned long long addr)
{
	size_t off = 0, n = 0;

	/* linux_dirent64: ino, off, u16 reclen, type, name */
	while (off + 19 <= len) {
		size_t reclen = rd(p, off + 16, 2);

		if (reclen < 19 || off + reclen > len)
			return false;
		off += reclen;
		n++;
	}
	if (off != len)
		return false;
	fprintf(out, "%#llx /* %zu entries */", addr, n);
	return true;
}
