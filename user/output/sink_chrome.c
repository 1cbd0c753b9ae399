// SPDX-License-Identifier: GPL-2.0
/* rtrace export --format chrome: Chrome's trace-event JSON, which ui.perfetto.dev and
 * chrome://tracing open. A track per thread; calls and syscalls as complete ("X")
 * slices, so every slice ends on its own track; losses, process events and calls
 * without a frame as instants; process names from their execs. Times in microseconds
 * from the first record. */
#include <stdlib.h>
#include <string.h>
#include "callfmt.h"
#include "output.h"
#include "sink.h"
#include "sysdecode/syscalls.h"
#include "sysdecode/sysdecode.h"
#include "procnames.h"
#include "ustack.h"
#include "util/hmap.h"
#include "util/json.h"

struct chrome_sink {
	struct out_sink b;
	struct ustacks stacks;
	bool any;		/* an event written: the next needs a comma */
	__u64 base;		/* the first record's time */
	bool based;
	struct procnames names;
	__u32 *tids;		/* threads seen, with their process */
	__u32 *tid_tgids;
	size_t nr_tids, cap_tids;
	struct hmap tid_index;	/* tid + 1 → its index + 1: a lookup per event */
	struct callfmt_text args;	/* a syscall's decoded arguments */
};

static void begin(struct chrome_sink *s, const char *ph, const char *cat, __u64 ts, __u32 pid,
		  __u32 tid)
{
	FILE *out = s->b.out;

	fprintf(out, "%s{\"ph\":\"%s\",\"cat\":\"%s\",\"ts\":%.3f,\"pid\":%u,\"tid\":%u",
		s->any ? ",\n" : "", ph, cat, ts >= s->base ? (ts - s->base) / 1e3 : 0.0, pid, tid);
	s->any = true;
}

static void name(struct chrome_sink *s, const char *n)
{
	fputs(",\"name\":", s->b.out);
	json_str(s->b.out, n);
}

/* Threads get their track's name at the end: remember each, with its process. */
/* An instant event of @e's thread (@scope t), process (p) or the trace (g), up to the
 * opening of its args: the caller writes them and closes with "}}". */
static void instant(struct chrome_sink *s, const struct out_event *e, const char *cat,
		    const char *n, char scope)
{
	begin(s, "i", cat, e->ts, scope == 'g' ? 0 : e->who.tgid, scope == 'g' ? 0 : e->who.tid);
	name(s, n);
	fprintf(s->b.out, ",\"s\":\"%c\",\"args\":{", scope);
}

static void seen(struct chrome_sink *s, const struct out_unit *who)
{
	size_t i;

	if (s->nr_tids && s->tids[s->nr_tids - 1] == who->tid)
		return;
	if (hmap_get(&s->tid_index, who->tid + 1ULL))
		return;
	if (s->nr_tids == s->cap_tids) {
		size_t cap = s->cap_tids ? s->cap_tids * 2 : 16;
		__u32 *t = realloc(s->tids, cap * sizeof(*t)), *g;

		if (!t)
			return;
		s->tids = t;
		g = realloc(s->tid_tgids, cap * sizeof(*g));
		if (!g)
			return;
		s->tid_tgids = g;
		s->cap_tids = cap;
	}
	i = s->nr_tids;
	if (hmap_put(&s->tid_index, who->tid + 1ULL, (void *)(i + 1)))
		return;
	s->tids[i] = who->tid;
	s->tid_tgids[i] = who->tgid;
	s->nr_tids++;
}

static void slice(struct chrome_sink *s, const struct out_event *e, __u64 cookie, __u64 start,
		  __u64 end, const char *extra)
{
	begin(s, "X", "function", start, e->who.tgid, e->who.tid);
	name(s, callfmt_name(s->b.fmt, cookie));
	fprintf(s->b.out, ",\"dur\":%.3f%s}", (end - start) / 1e3, extra);
}

static void on_syscall(struct chrome_sink *s, const struct out_event *e)
{
	const struct sysdecode_call *call = e->sys.call;
	char buf[32];

	if (e->sys.entered && e->sys.returned)
		begin(s, "X", "syscall", e->sys.start_ts, e->who.tgid, e->who.tid);
	else
		begin(s, "i", "syscall", e->ts, e->who.tgid, e->who.tid);
	name(s, syscall_name(call->nr, buf, sizeof(buf)));
	if (e->sys.entered && e->sys.returned)
		fprintf(s->b.out, ",\"dur\":%.3f", (e->ts - e->sys.start_ts) / 1e3);
	else
		fputs(",\"s\":\"t\"", s->b.out);
	fputs(",\"args\":{", s->b.out);
	if (e->sys.entered &&
	    callfmt_sys_args_json(&s->args, s->b.out, "\"args\":", call, s->b.decode, e->sys.fds))
		fputc(',', s->b.out);
	if (e->sys.returned)
		fprintf(s->b.out, "\"ret\":%lld}}", (long long)call->ret);
	else
		fputs("\"ret\":null}}", s->b.out);
}

/* At the end: what is still open ends there, marked so. */
static void close_open(struct chrome_sink *s, __u64 end)
{
	size_t i;
	int d;

	for (i = 0; i < s->stacks.units.cap; i++) {
		struct ustack *u;

		for (u = s->stacks.units.vals[i]; u; u = u->next) {
			struct out_event e = { .who = u->who };

			for (d = u->depth - 1; d >= 0; d--)
				slice(s, &e, u->frames[d].cookie, u->frames[d].entry_ts,
				      end > u->frames[d].entry_ts ? end : u->frames[d].entry_ts,
				      ",\"args\":{\"unfinished\":true}");
			u->depth = 0;
		}
	}
}

static void chrome_event(struct out_sink *sink, const struct out_event *e)
{
	struct chrome_sink *s = (struct chrome_sink *)sink;
	struct ustack_frame *fr;
	char extra[64];
	__u64 dur;

	/* Times count from the first record: the earliest, as records come in time order
	 * (the first event written may be a syscall that began before it). */
	if (!s->based) {
		s->base = e->type == OUT_SYSCALL && e->sys.entered ? e->sys.start_ts : e->ts;
		s->based = true;
	}
	procnames_event(&s->names, e);
	if (e->type == OUT_NAME || e->type == OUT_COUNT)
		return;
	if (e->type != OUT_LOST && e->type != OUT_END)
		seen(s, &e->who);
	switch (e->type) {
	case OUT_SYSCALL:
		on_syscall(s, e);
		break;
	case OUT_CALL:
		if (e->call.returns) {
			ustack_push(&s->stacks, e);
			break;
		}
		instant(s, e, "function", callfmt_name(s->b.fmt, e->call.cookie), 't');
		fputs("\"returns\":false}}", s->b.out);
		break;
	case OUT_RETURN:
		if (e->ret.kind == OUT_RET_NO_ENTRY) {
			instant(s, e, "function", callfmt_name(s->b.fmt, e->ret.cookie), 't');
			fputs("\"entry_seen\":false}}", s->b.out);
			break;
		}
		fr = ustack_pop(&s->stacks, e, &dur);
		if (!fr)
			break;
		if (e->ret.kind == OUT_RET_UNWOUND)
			snprintf(extra, sizeof(extra), ",\"args\":{\"unwound\":true}");
		else
			extra[0] = '\0';
		slice(s, e, e->ret.cookie, fr->entry_ts, e->ts, extra);
		break;
	case OUT_FORK:
		instant(s, e, "process", "fork", 't');
		fprintf(s->b.out, "\"child_pid\":%u}}", e->fork.child_tgid);
		break;
	case OUT_EXEC:
		instant(s, e, "process", "exec", 't');
		fputs("\"filename\":", s->b.out);
		json_str(s->b.out, e->exec.filename);
		fputs("}}", s->b.out);
		break;
	case OUT_EXIT:
		instant(s, e, "process", "exit", 'p');
		fprintf(s->b.out, "\"status\":%d}}", e->exit.status);
		break;
	case OUT_LOST:
		instant(s, e, "lost", "lost", 'g');
		fprintf(s->b.out, "\"count\":%llu}}", (unsigned long long)e->lost.count);
		break;
	case OUT_END:
		close_open(s, e->ts);
		break;
	case OUT_SYS_ENTER:
	case OUT_NAME:
	case OUT_COUNT:
		break;
	}
}

static int chrome_finish(struct out_sink *sink)
{
	struct chrome_sink *s = (struct chrome_sink *)sink;
	FILE *out = s->b.out;
	char buf[32];
	size_t i;

	for (i = 0; i < s->nr_tids; i++) {
		const char *pname = procnames_get(&s->names, s->tid_tgids[i]);

		if (s->tids[i] == s->tid_tgids[i]) {
			snprintf(buf, sizeof(buf), "pid %u", s->tid_tgids[i]);
			fprintf(out, "%s{\"ph\":\"M\",\"pid\":%u,\"tid\":%u,\"name\":\"process_name\","
				"\"args\":{\"name\":", s->any ? ",\n" : "", s->tid_tgids[i],
				s->tids[i]);
			json_str(out, pname ?: buf);
			fputs("}}", out);
			s->any = true;
		}
		snprintf(buf, sizeof(buf), "%s %u", s->tids[i] == s->tid_tgids[i] ? "main" : "thread",
			 s->tids[i]);
		fprintf(out, "%s{\"ph\":\"M\",\"pid\":%u,\"tid\":%u,\"name\":\"thread_name\","
			"\"args\":{\"name\":\"%s\"}}", s->any ? ",\n" : "", s->tid_tgids[i], s->tids[i],
			buf);
		s->any = true;
	}
	fputs("\n]}\n", out);
	fflush(out);
	return 0;
}

static void chrome_free(struct out_sink *sink)
{
	struct chrome_sink *s = (struct chrome_sink *)sink;

	ustacks_free(&s->stacks);
	procnames_free(&s->names);
	free(s->tids);
	hmap_free(&s->tid_index);
	free(s->tid_tgids);
	callfmt_text_free(&s->args);
	free(s);
}

static const struct out_sink_ops chrome_ops = {
	.event = chrome_event,
	.finish = chrome_finish,
	.free = chrome_free,
};

struct out_sink *sink_chrome_new(const struct out_sink *cfg)
{
	struct chrome_sink *s = out_sink_alloc(sizeof(*s), cfg, &chrome_ops);

	if (!s)
		return NULL;
	fputs("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n", s->b.out);
	return &s->b;
}
