// SPDX-License-Identifier: GPL-2.0
/* strace's text: a syscall's line is held back until its exit so that it
 * prints whole unless another line comes between, then it shows as
 * <unfinished ...>/<... resumed>; a call's line is held until its return so
 * that a leaf call prints as one line (as uftrace does), else as `name(args) {`
 * ... `} name = value`. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "callfmt.h"
#include "output.h"
#include "sink.h"
#include "sysdecode/syscalls.h"
#include "sysdecode/sysdecode.h"

enum held_kind { HELD_NONE, HELD_SYSCALL, HELD_CALL };

struct text_sink {
	struct out_sink b;
	bool multi;			/* prefix lines with the thread */
	__u64 last_line_ts;		/* -r */
	/* The line waiting for the event that may complete it. */
	enum held_kind held;
	struct out_unit held_who;
	__u64 held_ts;
	int held_indent;
	struct sysdecode_fds *held_fds;
	struct sysdecode_call held_call;	/* a syscall's enter */
	void *held_rec;				/* a call's entry record */
	size_t held_size, held_cap;
};

static bool same_unit(const struct out_unit *a, const struct out_unit *b)
{
	return a->tgid == b->tgid && a->g == b->g && (a->g || a->tid == b->tid);
}

static void print_prefix(struct text_sink *s, __u32 tid, __u64 ts, int indent)
{
	__s64 wall = (__s64)ts + s->b.opts->wall_offset_ns;

	if (s->multi || s->b.opts->prefix_tids)
		fprintf(s->b.out, "[pid %5u] ", tid);
	if (s->b.opts->timestamps == 3) {
		fprintf(s->b.out, "%lld.%06lld ", (long long)(wall / 1000000000),
			(long long)(wall % 1000000000) / 1000);
	} else if (s->b.opts->timestamps) {
		time_t secs = wall / 1000000000;
		struct tm tm;

		localtime_r(&secs, &tm);
		fprintf(s->b.out, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min, tm.tm_sec);
		if (s->b.opts->timestamps == 2)
			fprintf(s->b.out, ".%06lld", (long long)(wall % 1000000000) / 1000);
		fputc(' ', s->b.out);
	}
	if (s->b.opts->relative) {
		__u64 d = s->last_line_ts && ts > s->last_line_ts ? ts - s->last_line_ts : 0;

		fprintf(s->b.out, "%6llu.%06llu ", d / 1000000000, (d % 1000000000) / 1000);
	}
	s->last_line_ts = ts;
	for (; indent > 0; indent--)
		fputs("  ", s->b.out);
}

static void print_duration(struct text_sink *s, __u64 ns)
{
	fprintf(s->b.out, " <%llu.%06llu>", ns / 1000000000, (ns % 1000000000) / 1000);
}

/* `name(args` as strace writes it. */
static void print_sys_call(struct text_sink *s, const struct sysdecode_call *call,
			   struct sysdecode_fds *fds)
{
	char buf[32];

	fprintf(s->b.out, "%s(", syscall_name(call->nr, buf, sizeof(buf)));
	sysdecode_args(s->b.out, call, s->b.decode, fds);
}

/* Prints the held line in its open form: the event that would have
 * completed it did not come next. */
static void flush_held(struct text_sink *s)
{
	enum held_kind kind = s->held;

	s->held = HELD_NONE;
	if (kind == HELD_SYSCALL) {
		print_prefix(s, s->held_who.tid, s->held_ts, s->held_indent);
		print_sys_call(s, &s->held_call, s->held_fds);
		fputs(" <unfinished ...>\n", s->b.out);
	} else if (kind == HELD_CALL) {
		print_prefix(s, s->held_who.tid, s->held_ts, s->held_indent);
		callfmt_call(s->b.fmt, s->b.out, s->held_rec, s->held_size);
		fputs(" {\n", s->b.out);
	}
}

static void on_syscall(struct text_sink *s, const struct out_event *e)
{
	const struct sysdecode_call *call = e->sys.call;
	char buf[32];

	if (s->held == HELD_SYSCALL && e->sys.entered && same_unit(&s->held_who, &e->who)) {
		s->held = HELD_NONE;
		print_prefix(s, e->who.tid, e->sys.start_ts, e->indent);
		print_sys_call(s, call, e->sys.fds);
		fputs(e->sys.returned ? ") = " : ") = ?\n", s->b.out);
	} else {
		/* Resumed after other output, or entered before we attached. */
		if (s->held != HELD_NONE)
			flush_held(s);
		print_prefix(s, e->who.tid, e->sys.returned ? e->ts : e->sys.start_ts, e->indent);
		fprintf(s->b.out, "<... %s resumed>) = %s", syscall_name(call->nr, buf, sizeof(buf)),
			e->sys.returned ? "" : "?\n");
	}
	if (!e->sys.returned)
		return;
	if (e->sys.entered) {
		/* Learn first: a returned fd shows its new path (-y). */
		e->sys.learn(e->sys.learn_ctx);
		sysdecode_ret_ex(s->b.out, call, s->b.decode, e->sys.fds);
		if (s->b.opts->durations)
			print_duration(s, e->ts - e->sys.start_ts);
	} else {
		sysdecode_ret(s->b.out, call);
	}
	fputc('\n', s->b.out);
}

/* Keeps an entry record for the line that its return may complete. */
static void hold_call(struct text_sink *s, const struct out_event *e)
{
	if (e->call.size > s->held_cap) {
		void *grown = realloc(s->held_rec, e->call.size);

		if (!grown) {
			/* Cannot wait for the return: print it open now. */
			print_prefix(s, e->who.tid, e->ts, e->indent);
			callfmt_call(s->b.fmt, s->b.out, e->call.rec, e->call.size);
			fputs(" {\n", s->b.out);
			return;
		}
		s->held_rec = grown;
		s->held_cap = e->call.size;
	}
	memcpy(s->held_rec, e->call.rec, e->call.size);
	s->held_size = e->call.size;
	s->held = HELD_CALL;
	s->held_who = e->who;
	s->held_ts = e->ts;
	s->held_indent = e->indent;
}

static void on_call(struct text_sink *s, const struct out_event *e)
{
	if (s->held != HELD_NONE)
		flush_held(s);
	if (e->call.returns) {
		/* Held until we know whether anything happens inside it. */
		hold_call(s, e);
		return;
	}
	/* No return probe: a mark in the timeline. */
	print_prefix(s, e->who.tid, e->ts, e->indent);
	callfmt_call(s->b.fmt, s->b.out, e->call.rec, e->call.size);
	fputs(" ...\n", s->b.out);
}

static void on_return(struct text_sink *s, const struct out_event *e)
{
	struct output_func f;

	if (s->held == HELD_CALL && e->ret.kind != OUT_RET_NO_ENTRY &&
	    same_unit(&s->held_who, &e->who)) {
		/* The held call ends with nothing inside: one line. */
		s->held = HELD_NONE;
		print_prefix(s, e->who.tid, s->held_ts, e->indent);
		callfmt_call(s->b.fmt, s->b.out, s->held_rec, s->held_size);
		if (e->ret.kind == OUT_RET_UNWOUND) {
			fputs(" = ? <unwound>\n", s->b.out);
			return;
		}
		callfmt_func(s->b.fmt, e->ret.cookie, &f);
		callfmt_ret(s->b.fmt, s->b.out, &f, e->ret.rec, e->ret.size);
		print_duration(s, e->ts - e->ret.entry_ts);
		fputc('\n', s->b.out);
		return;
	}
	if (s->held != HELD_NONE)
		flush_held(s);
	callfmt_func(s->b.fmt, e->ret.cookie, &f);
	print_prefix(s, e->who.tid, e->ts, e->indent);
	fprintf(s->b.out, "} %s", f.name);
	if (e->ret.kind == OUT_RET_UNWOUND) {
		fputs(" = ? <unwound>\n", s->b.out);
		return;
	}
	callfmt_ret(s->b.fmt, s->b.out, &f, e->ret.rec, e->ret.size);
	if (e->ret.kind == OUT_RET_PAIRED)
		print_duration(s, e->ts - e->ret.entry_ts);
	fputc('\n', s->b.out);
}

static void on_exit_event(struct text_sink *s, const struct out_event *e)
{
	int sig = e->exit.status & 0x7f, code = (e->exit.status >> 8) & 0xff;

	/* A call of the process still held never returned: show it open. */
	if (s->held != HELD_NONE && s->held_who.tgid == e->who.tgid)
		flush_held(s);
	if (s->multi || s->b.opts->prefix_tids)
		fprintf(s->b.out, "[pid %5u] ", e->who.tgid);
	if (sig)
		fprintf(s->b.out, "+++ killed by SIG%s%s +++\n", sigabbrev_np(sig) ?: "?",
			e->exit.status & 0x80 ? " (core dumped)" : "");
	else
		fprintf(s->b.out, "+++ exited with %d +++\n", code);
}

static void text_event(struct out_sink *sink, const struct out_event *e)
{
	struct text_sink *s = (struct text_sink *)sink;

	s->multi = e->multi;
	switch (e->type) {
	case OUT_SYS_ENTER:
		if (s->held != HELD_NONE)
			flush_held(s);
		s->held = HELD_SYSCALL;
		s->held_who = e->who;
		s->held_ts = e->sys.start_ts;
		s->held_indent = e->indent;
		s->held_call = *e->sys.call;
		s->held_fds = e->sys.fds;
		break;
	case OUT_SYSCALL:
		on_syscall(s, e);
		break;
	case OUT_CALL:
		on_call(s, e);
		break;
	case OUT_RETURN:
		on_return(s, e);
		break;
	case OUT_FORK:
		if (e->fork.followed)
			break;
		if (s->held != HELD_NONE)
			flush_held(s);
		fprintf(s->b.out, "--- process %u not followed (tgid map full) ---\n",
			e->fork.child_tgid);
		break;
	case OUT_EXEC:
	case OUT_NAME:
	case OUT_COUNT:
		break;
	case OUT_EXIT:
		on_exit_event(s, e);
		break;
	case OUT_LOST:
		if (s->held != HELD_NONE)
			flush_held(s);
		fprintf(s->b.out, "--- lost %llu events (ring buffer full; see --buffer-size) ---\n",
			(unsigned long long)e->lost.count);
		break;
	case OUT_END:
		if (s->held != HELD_NONE)
			flush_held(s);
		break;
	}
}

static int text_finish(struct out_sink *sink)
{
	struct text_sink *s = (struct text_sink *)sink;

	if (s->held != HELD_NONE)
		flush_held(s);
	fflush(s->b.out);
	return 0;
}

static void text_free(struct out_sink *sink)
{
	struct text_sink *s = (struct text_sink *)sink;

	free(s->held_rec);
	free(s);
}

static const struct out_sink_ops text_ops = {
	.event = text_event,
	.finish = text_finish,
	.free = text_free,
};

struct out_sink *sink_text_new(const struct out_sink *cfg)
{
	return out_sink_alloc(sizeof(struct text_sink), cfg, &text_ops);
}
