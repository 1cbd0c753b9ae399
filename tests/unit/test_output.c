// SPDX-License-Identifier: GPL-2.0
/* The formatter on synthetic event streams: held lines, unfinished/resumed,
 * nesting by stack pointer, longjmp unwinding, JSON fields, lost records. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "output/output.h"
#include "rtrace.h"
#include "tap.h"

static const char *names[] = { "main", "outer", "inner", "leaf" };

static bool name_of(void *ctx, __u64 id, struct output_func *f)
{
	(void)ctx;
	if (id >= 4)
		return false;
	f->name = names[id];
	f->module = "/bin/prog";
	f->proto = NULL;
	return true;
}

static struct output *o;
static char *buf;
static size_t len;
static FILE *mem;

static void start(bool json)
{
	struct output_opts opts = { .json = json };

	mem = open_memstream(&buf, &len);
	o = output_new(mem, &opts, name_of, NULL);
}

static const char *finish(void)
{
	output_finish(o);
	output_free(o);
	fclose(mem);
	return buf;
}

static void hdr(struct rtrace_hdr *h, __u32 type, __u32 tid, __u64 ts)
{
	h->type = type;
	h->tid = tid;
	h->tgid = 100;
	h->ts_ns = ts;
}

static void sys_enter(__u32 tid, __u64 ts, __u32 nr, __u64 a0)
{
	struct rtrace_sys_enter e = {};

	hdr(&e.hdr, RTRACE_EV_SYS_ENTER, tid, ts);
	e.nr = nr;
	e.args[0] = a0;
	output_event(o, &e, sizeof(e));
}

static void sys_exit(__u32 tid, __u64 ts, __u32 nr, __s64 ret)
{
	struct rtrace_sys_exit e = {};

	hdr(&e.hdr, RTRACE_EV_SYS_EXIT, tid, ts);
	e.nr = nr;
	e.ret = ret;
	output_event(o, &e, sizeof(e));
}

static void call(__u32 tid, __u64 ts, __u64 cookie, __u64 sp)
{
	struct rtrace_func_entry e = {};

	hdr(&e.hdr, RTRACE_EV_FUNC_ENTRY, tid, ts);
	e.cookie = cookie;
	e.sp = sp;
	output_event(o, &e, sizeof(e));
}

static void ret(__u32 tid, __u64 ts, __u64 cookie, __u64 sp, __u64 value)
{
	struct rtrace_func_return e = {};

	hdr(&e.hdr, RTRACE_EV_FUNC_RETURN, tid, ts);
	e.cookie = cookie;
	e.sp = sp + 8;
	e.ret = value;
	output_event(o, &e, sizeof(e));
}

int main(void)
{
	struct rtrace_exit ex = {};

	/* close(3) = 0 whole; then a read interrupted by another thread. */
	start(false);
	sys_enter(100, 1000, 3, 3);
	sys_exit(100, 2000, 3, 0);
	sys_enter(100, 3000, 0, 0);
	sys_enter(101, 3500, 39, 0);
	sys_exit(101, 3600, 39, 100);
	sys_exit(100, 4000, 0, -4);
	CHECK_STR(finish(),
		  "close(3) = 0\n"
		  "[pid   100] read(0, NULL, 0 <unfinished ...>\n"
		  "[pid   101] getpid() = 100\n"
		  "[pid   100] <... read resumed>) = -1 EINTR (Interrupted system call)\n",
		  "whole line, then unfinished/resumed across threads");
	free(buf);

	/* Nesting: main { outer { syscall; inner() = 7 } } with durations. */
	start(false);
	call(100, 1000, 0, 0x1000);
	call(100, 2000, 1, 0x0f00);
	sys_enter(100, 2100, 39, 0);
	sys_exit(100, 2200, 39, 100);
	call(100, 3000, 2, 0x0e00);
	ret(100, 4000, 2, 0x0e00, 7);
	ret(100, 5000, 1, 0x0f00, 1);
	ret(100, 9000, 0, 0x1000, 0);
	CHECK_STR(finish(),
		  "main() {\n"
		  "  outer() {\n"
		  "    getpid() = 100\n"
		  "    inner() = 7 <0.000001>\n"
		  "  } outer = 1 <0.000003>\n"
		  "} main = 0 <0.000008>\n",
		  "calls nest, leaf calls fold into one line");
	free(buf);

	/* longjmp: inner and outer are left without returns; leaf is back at depth 1.
	 * inner, open with nothing inside, prints as one line. */
	start(false);
	call(100, 1000, 0, 0x1000);
	call(100, 2000, 1, 0x0f00);
	call(100, 3000, 2, 0x0e00);
	call(100, 4000, 3, 0x0f80);	/* sp above inner's and outer's: they are gone */
	ret(100, 5000, 3, 0x0f80, 5);
	ret(100, 6000, 0, 0x1000, 0);
	CHECK_STR(finish(),
		  "main() {\n"
		  "  outer() {\n"
		  "    inner() = ? <unwound>\n"
		  "  } outer = ? <unwound>\n"
		  "  leaf() = 5 <0.000001>\n"
		  "} main = 0 <0.000005>\n",
		  "longjmp unwinds to the right depth");
	free(buf);

	/* A return whose entry came before we attached. */
	start(false);
	ret(100, 1000, 1, 0x0f00, 3);
	CHECK_STR(finish(), "} outer = 3\n", "return without entry is shown, no duration");
	free(buf);

	/* JSON: call, syscall, return, lost, exit. */
	start(true);
	call(100, 1000, 1, 0x0f00);
	sys_enter(100, 1100, 2, 0x10);
	sys_exit(100, 1300, 2, -2);
	ret(100, 2000, 1, 0x0f00, 42);
	{
		struct rtrace_lost lost = { .count = 5 };

		hdr(&lost.hdr, RTRACE_EV_LOST, 0, 2500);
		lost.hdr.tgid = 0;
		output_event(o, &lost, sizeof(lost));
	}
	hdr(&ex.hdr, RTRACE_EV_EXIT, 100, 3000);
	ex.status = 11;	/* killed by SIGSEGV */
	output_event(o, &ex, sizeof(ex));
	CHECK_STR(finish(),
		  "{\"type\":\"call\",\"ts_ns\":1000,\"pid\":100,\"tid\":100,\"name\":\"outer\","
		  "\"module\":\"/bin/prog\",\"depth\":0}\n"
		  "{\"type\":\"syscall\",\"ts_ns\":1300,\"pid\":100,\"tid\":100,\"start_ns\":1100,"
		  "\"name\":\"open\","
		  "\"nr\":2,\"args\":[16,0,0],\"args_str\":\"0x10, O_RDONLY\",\"ret\":-2,"
		  "\"errno\":\"ENOENT\",\"dur_ns\":200}\n"
		  "{\"type\":\"return\",\"ts_ns\":2000,\"pid\":100,\"tid\":100,\"name\":\"outer\","
		  "\"ret\":42,\"dur_ns\":1000,\"depth\":0}\n"
		  "{\"type\":\"lost\",\"ts_ns\":2500,\"count\":5}\n"
		  "{\"type\":\"exit\",\"ts_ns\":3000,\"pid\":100,\"tid\":100,\"signal\":\"SIGSEGV\","
		  "\"signo\":11}\n",
		  "JSON records");
	free(buf);

	/* exit_group never returns: shown as = ? before the exit line. */
	start(false);
	sys_enter(100, 1000, 231, 3);
	hdr(&ex.hdr, RTRACE_EV_EXIT, 100, 2000);
	ex.status = 3 << 8;
	output_event(o, &ex, sizeof(ex));
	CHECK_STR(finish(), "exit_group(3) = ?\n+++ exited with 3 +++\n", "exit_group = ?");
	free(buf);

	/* A process that exits inside a call: the call shows open before the exit line. */
	start(false);
	call(100, 1000, 1, 0x0f00);
	hdr(&ex.hdr, RTRACE_EV_EXIT, 100, 2000);
	ex.status = 0;
	output_event(o, &ex, sizeof(ex));
	CHECK_STR(finish(), "outer() {\n+++ exited with 0 +++\n", "a call open at exit shows open");
	free(buf);

	/* A return whose entry was not seen, while a call is held: the held call first. */
	start(false);
	call(100, 1000, 2, 0x0e00);
	ret(100, 2000, 1, 0x0d00, 3);
	CHECK_STR(finish(), "inner() {\n  } outer = 3\n", "held call printed before a lone return");
	free(buf);

	/* A blocked syscall at the end of the trace: unfinished, then resumed with no result. */
	start(false);
	sys_enter(100, 1000, 0, 0);
	CHECK_STR(finish(), "read(0, NULL, 0 <unfinished ...>\n<... read resumed>) = ?\n",
		  "a syscall under way at the end");
	free(buf);

	/* rtrace report from known durations: outer 10 us with inner 3 us and getpid 1 us
	 * inside (self 6 us), then inner 0.5 us alone. */
	{
		struct output_opts opts = { .report = true };

		mem = open_memstream(&buf, &len);
		o = output_new(mem, &opts, name_of, NULL);
		call(100, 1000, 1, 0x1000);
		call(100, 2000, 2, 0x0f00);
		ret(100, 5000, 2, 0x0f00, 0);
		sys_enter(100, 6000, 39, 0);
		sys_exit(100, 7000, 39, 100);
		ret(100, 11000, 1, 0x1000, 0);
		call(100, 12000, 2, 0x1000);
		ret(100, 12500, 2, 0x1000, 0);
		finish();
		CHECK(strstr(buf, "   10.000 us    6.000 us          1        0   10.000 us   10.000 us"
				  "   10.000 us   10.000 us   10.000 us   10.000 us  outer\n") != NULL,
		      "report: outer, 10 us, 6 us of its own");
		CHECK(strstr(buf, "    3.500 us    3.500 us          2        0    1.750 us      500 ns"
				  "    3.000 us      500 ns    3.000 us    3.000 us  inner\n") != NULL,
		      "report: inner, two calls: average, min, max, nearest-rank percentiles");
		CHECK(strstr(buf, "    1.000 us    1.000 us          1        0    1.000 us    1.000 us"
				  "    1.000 us    1.000 us    1.000 us    1.000 us  getpid (syscall)\n")
		      != NULL, "report: the syscall");
		CHECK(strstr(buf, "outer") < strstr(buf, "inner") &&
		      strstr(buf, "inner") < strstr(buf, "getpid"), "report: by total time");
		free(buf);
	}

	/* A path captured at exit decodes in the line, as strace prints it. */
	{
		struct {
			struct rtrace_sys_exit x;
			struct rtrace_capture c;
			char path[16];
		} rec = {};

		struct rtrace_sys_enter en = {};

		start(false);
		hdr(&en.hdr, RTRACE_EV_SYS_ENTER, 100, 1000);
		en.nr = 257;
		en.args[0] = (__u64)-100;
		en.args[1] = 0x1000;
		output_event(o, &en, sizeof(en));
		hdr(&rec.x.hdr, RTRACE_EV_SYS_EXIT, 100, 2000);
		rec.x.nr = 257;
		rec.x.ret = 3;
		rec.x.nr_captures = 1;
		rec.c.len = 6;
		memcpy(rec.path, "/etc/x", 6);
		output_event(o, &rec, sizeof(rec));
		CHECK_STR(finish(), "openat(AT_FDCWD, \"/etc/x\", O_RDONLY) = 3\n",
			  "captured path decoded");
		free(buf);
	}

	/* -c: counts only. */
	{
		struct output_opts opts = { .summary = true };

		mem = open_memstream(&buf, &len);
		o = output_new(mem, &opts, name_of, NULL);
		sys_enter(100, 1000, 3, 3);
		sys_exit(100, 2000, 3, 0);
		sys_enter(100, 3000, 3, 9);
		sys_exit(100, 4000, 3, -9);
		finish();
		CHECK(strstr(buf, "         2         1 close\n") != NULL, "-c: 2 close calls, 1 error");
		free(buf);
	}
	/* -c from BPF's sums (RTRACE_EV_COUNT), added to what the events counted. */
	{
		struct output_opts opts = { .summary = true };
		struct rtrace_count c = { .kind = RTRACE_COUNT_SYSCALL, .id = 3,
					  .val = { .calls = 5, .errors = 2, .ns = 5000 } };

		mem = open_memstream(&buf, &len);
		o = output_new(mem, &opts, name_of, NULL);
		sys_enter(100, 1000, 3, 3);
		sys_exit(100, 2000, 3, -9);
		hdr(&c.hdr, RTRACE_EV_COUNT, 0, 3000);
		c.hdr.size = sizeof(c);
		output_event(o, &c, sizeof(c));
		c.kind = RTRACE_COUNT_FUNC;
		c.id = 2;
		c.val = (struct rtrace_count_val){ .calls = 7, .ns = 7000 };
		output_event(o, &c, sizeof(c));
		c.id = 1ULL << 40;	/* damage: no table that big */
		output_event(o, &c, sizeof(c));
		finish();
		CHECK(strstr(buf, "0.000006           1         6         3 close\n") != NULL,
		      "-c: BPF's 5 close calls (2 errors, 5 us) with the events' one");
		CHECK(strstr(buf, "0.000007           1         7           inner\n") != NULL,
		      "-c: a function's sums from BPF");
		free(buf);
	}

	/* A version 1 trace file's return record, 8 bytes shorter: pairs as ever. */
	start(false);
	call(100, 1000, 1, 0x0f00);
	{
		struct rtrace_func_return e = {};

		hdr(&e.hdr, RTRACE_EV_FUNC_RETURN, 100, 3000);
		e.hdr.size = offsetof(struct rtrace_func_return, nr_captures);
		e.cookie = 1;
		e.sp = 0x0f08;
		e.ret = 4;
		e.nr_captures = 0xffff;	/* past its end: never read */
		output_event(o, &e, e.hdr.size);
	}
	CHECK_STR(finish(), "outer() = 4 <0.000002>\n", "a 56-byte return record (version 1 files)");
	free(buf);

	/* --min-duration 1500 ns: inner (1 us) and the syscall (100 ns) go, outer (3 us)
	 * stays; main stays as it encloses it, leaf (2 us) stays, its getpid (2 us) too. */
	{
		struct output_opts opts = { .durations = true, .min_dur_ns = 1500 };

		mem = open_memstream(&buf, &len);
		o = output_new(mem, &opts, name_of, NULL);
		call(100, 1000, 0, 0x1000);
		call(100, 2000, 1, 0x0f00);
		sys_enter(100, 2100, 39, 0);
		sys_exit(100, 2200, 39, 100);
		call(100, 3000, 2, 0x0e00);
		ret(100, 4000, 2, 0x0e00, 7);
		ret(100, 5000, 1, 0x0f00, 1);
		call(100, 6000, 3, 0x0f00);
		sys_enter(100, 6500, 39, 0);
		sys_exit(100, 8500, 39, 100);
		ret(100, 8800, 3, 0x0f00, 2);
		ret(100, 9000, 0, 0x1000, 0);
		CHECK_STR(finish(),
			  "main() {\n"
			  "  outer() = 1 <0.000003>\n"
			  "  leaf() {\n"
			  "    getpid() = 100 <0.000002>\n"
			  "  } leaf = 2 <0.000002>\n"
			  "} main = 0 <0.000008>\n",
			  "--min-duration: what took that long, with the calls around it");
		free(buf);
	}

	{
		char junk[8] = {};

		start(false);
		CHECK_INT(output_event(o, junk, sizeof(junk)), -22, "short record rejected");
		finish();
		free(buf);
	}
	return tap_done();
}
