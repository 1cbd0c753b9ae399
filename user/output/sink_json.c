// SPDX-License-Identifier: GPL-2.0
/* JSON lines: one object per syscall (at its end), call, return, process
 * event and loss. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include "callfmt.h"
#include "rtrace.h"
#include "util/hmap.h"
#include "util/json.h"
#include "output.h"
#include "sink.h"
#include "sysdecode/syscalls.h"
#include "sysdecode/sysdecode.h"

struct json_sink {
	struct out_sink b;
	struct callfmt_text args;	/* decoded arguments, then escaped */
	struct hmap names;		/* function id + 1 → struct json_names */
};

/* A function's `,"name":...,"symbol":...,"module":...` quoted once: every call and return
 * has it. */
struct json_names {
	size_t ret_len;		/* the `,"name":...` that returns have */
	size_t len;
	char text[];
};

/* Writes @f's names as calls have them, and returns the length of what returns have. */
static long put_names(FILE *m, const struct output_func *f)
{
	long ret_len;

	fputs(",\"name\":", m);
	json_str(m, f->name);
	ret_len = ftell(m);
	/* the linkage name of a C++ function, for tools that look symbols up */
	if (f->sym && strcmp(f->sym, f->name)) {
		fputs(",\"symbol\":", m);
		json_str(m, f->sym);
	}
	fputs(",\"module\":", m);
	json_str(m, f->module);
	return ret_len;
}

static const struct json_names *names_of(struct json_sink *s, __u64 cookie,
					 const struct output_func *f)
{
	unsigned long long key = (cookie & RTRACE_COOKIE_ID_MASK) + 1;
	struct json_names *n = hmap_get(&s->names, key);
	char *text = NULL;
	size_t len = 0, ret_len;
	FILE *m;

	if (n)
		return n;
	m = open_memstream(&text, &len);
	if (!m)
		return NULL;
	ret_len = put_names(m, f);
	if (fclose(m))
		goto out;
	n = malloc(sizeof(*n) + len);
	if (!n)
		goto out;
	n->ret_len = ret_len;
	n->len = len;
	memcpy(n->text, text, len);
	if (hmap_put(&s->names, key, n)) {
		free(n);
		n = NULL;
	}
out:
	free(text);
	return n;
}

static void json_begin(struct json_sink *s, const char *type, __u64 ts, __u32 tgid, __u32 tid)
{
	FILE *out = s->b.out;

	fputs("{\"type\":\"", out);
	fputs(type, out);
	fputs("\",\"ts_ns\":", out);
	json_int(out, (long long)ts + s->b.opts->wall_offset_ns);
	fputs(",\"pid\":", out);
	json_uint(out, tgid);
	fputs(",\"tid\":", out);
	json_uint(out, tid);
}

/* A goroutine's records say which: `"g":"0x..."`. */
static void json_g(struct json_sink *s, const struct out_event *e)
{
	if (e->who.g)
		fprintf(s->b.out, ",\"g\":\"%#llx\"", (unsigned long long)e->who.g);
}

static int sys_nargs(__u32 nr)
{
	const struct syscall_info *si = syscall_info(nr);

	return si ? si->nargs : 6;
}

/* One record per syscall, stamped with its end (so that the stream stays in time
 * order), "start_ns" its start: "resumed" when its entry was not seen (it began
 * before we attached); "ret":null when it never returned. */
static void on_syscall(struct json_sink *s, const struct out_event *e)
{
	const struct sysdecode_call *call = e->sys.call;
	int i, n = sys_nargs(call->nr);
	char buf[32];

	json_begin(s, "syscall", e->ts, e->who.tgid, e->who.tid);
	if (e->sys.entered) {
		fputs(",\"start_ns\":", s->b.out);
		json_int(s->b.out, (long long)e->sys.start_ts + s->b.opts->wall_offset_ns);
	}
	fputs(",\"name\":", s->b.out);
	json_str(s->b.out, syscall_name(call->nr, buf, sizeof(buf)));
	fprintf(s->b.out, ",\"nr\":%u,\"args\":[", (unsigned int)call->nr);
	for (i = 0; e->sys.entered && i < n && i < 6; i++) {
		if (i)
			fputc(',', s->b.out);
		json_uint(s->b.out, call->args[i]);
	}
	fputc(']', s->b.out);
	if (e->sys.entered)
		callfmt_sys_args_json(&s->args, s->b.out, ",\"args_str\":", call, s->b.decode,
				      e->sys.fds);
	if (e->sys.returned) {
		fputs(",\"ret\":", s->b.out);
		json_int(s->b.out, call->ret);
		if (out_is_error(call->ret)) {
			const char *name = strerrorname_np(-call->ret);

			fputs(",\"errno\":", s->b.out);
			json_str(s->b.out, name ? name : "?");
		}
	} else {
		fputs(",\"ret\":null", s->b.out);
	}
	if (e->sys.entered && e->sys.returned) {
		fputs(",\"dur_ns\":", s->b.out);
		json_uint(s->b.out, e->ts - e->sys.start_ts);
	}
	if (!e->sys.entered)
		fputs(",\"resumed\":true", s->b.out);
	fputs("}\n", s->b.out);
}

static void on_call(struct json_sink *s, const struct out_event *e)
{
	const struct json_names *n;
	struct output_func f;

	callfmt_func(s->b.fmt, e->call.cookie, &f);
	n = names_of(s, e->call.cookie, &f);
	json_begin(s, "call", e->ts, e->who.tgid, e->who.tid);
	if (n)
		fwrite(n->text, 1, n->len, s->b.out);
	else
		put_names(s->b.out, &f);
	if (f.proto || f.go_proto || s->b.opts->raw_args) {
		fputs(",\"args\":", s->b.out);
		callfmt_args(s->b.fmt, s->b.out, &f, e->call.rec, e->call.size, true);
	}
	json_g(s, e);
	fputs(",\"depth\":", s->b.out);
	json_int(s->b.out, e->depth);
	fputs(e->call.returns ? "}\n" : ",\"returns\":false}\n", s->b.out);
}

static void on_return(struct json_sink *s, const struct out_event *e)
{
	const struct json_names *n;
	struct output_func f;

	callfmt_func(s->b.fmt, e->ret.cookie, &f);
	n = names_of(s, e->ret.cookie, &f);
	json_begin(s, "return", e->ts, e->who.tgid, e->who.tid);
	if (n) {
		fwrite(n->text, 1, n->ret_len, s->b.out);
	} else {
		fputs(",\"name\":", s->b.out);
		json_str(s->b.out, f.name);
	}
	if (e->ret.kind == OUT_RET_UNWOUND) {
		json_g(s, e);
		fprintf(s->b.out, ",\"ret\":null,\"unwound\":true,\"depth\":%d}\n", e->depth);
		return;
	}
	callfmt_json_ret(s->b.fmt, s->b.out, &f, e->ret.rec, e->ret.size);
	json_g(s, e);
	if (e->ret.kind == OUT_RET_NO_ENTRY)
		fprintf(s->b.out, ",\"depth\":%d,\"entry_seen\":false}\n", e->depth);
	else {
		fputs(",\"dur_ns\":", s->b.out);
		json_uint(s->b.out, e->ts - e->ret.entry_ts);
		fputs(",\"depth\":", s->b.out);
		json_int(s->b.out, e->depth);
		fputs("}\n", s->b.out);
	}
}

static void on_exit_event(struct json_sink *s, const struct out_event *e)
{
	int sig = e->exit.status & 0x7f, code = (e->exit.status >> 8) & 0xff;

	json_begin(s, "exit", e->ts, e->who.tgid, e->who.tid);
	if (sig)
		fprintf(s->b.out, ",\"signal\":\"SIG%s\",\"signo\":%d%s}\n",
			sigabbrev_np(sig) ? sigabbrev_np(sig) : "?", sig,
			e->exit.status & 0x80 ? ",\"core_dumped\":true" : "");
	else
		fprintf(s->b.out, ",\"code\":%d}\n", code);
}

static void json_event(struct out_sink *sink, const struct out_event *e)
{
	struct json_sink *s = (struct json_sink *)sink;

	switch (e->type) {
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
		json_begin(s, "fork", e->ts, e->who.tgid, e->who.tid);
		fprintf(s->b.out, ",\"child_pid\":%u,\"followed\":%s}\n", e->fork.child_tgid,
			e->fork.followed ? "true" : "false");
		break;
	case OUT_EXEC:
		json_begin(s, "exec", e->ts, e->who.tgid, e->who.tid);
		fputs(",\"filename\":", s->b.out);
		json_str(s->b.out, e->exec.filename);
		fputs("}\n", s->b.out);
		break;
	case OUT_EXIT:
		on_exit_event(s, e);
		break;
	case OUT_LOST:
		fprintf(s->b.out, "{\"type\":\"lost\",\"ts_ns\":%lld,\"count\":%llu}\n",
			(long long)e->ts + s->b.opts->wall_offset_ns,
			(unsigned long long)e->lost.count);
		break;
	case OUT_SYS_ENTER:
	case OUT_END:
	case OUT_NAME:
	case OUT_COUNT:
		break;
	}
}

static int json_finish(struct out_sink *sink)
{
	fflush(sink->out);
	return 0;
}

static void json_free(struct out_sink *sink)
{
	struct json_sink *s = (struct json_sink *)sink;

	size_t i;

	callfmt_text_free(&s->args);
	for (i = 0; i < s->names.cap; i++)
		if (s->names.keys[i])
			free(s->names.vals[i]);
	hmap_free(&s->names);
	free(s);
}

static const struct out_sink_ops json_ops = {
	.event = json_event,
	.finish = json_finish,
	.free = json_free,
};

struct out_sink *sink_json_new(const struct out_sink *cfg)
{
	return out_sink_alloc(sizeof(struct json_sink), cfg, &json_ops);
}
