// SPDX-License-Identifier: GPL-2.0
/* -c: strace's table of syscalls (calls, errors, time), then the same for
 * traced functions, printed at the end. */
#include <stdlib.h>
#include <string.h>
#include "callfmt.h"
#include "rtrace.h"
#include "sink.h"
#include "sysdecode/syscalls.h"

struct count_row {
	__u64 calls, errors, ns;
};

struct summary_sink {
	struct out_sink b;
	struct count_row sys_counts[RTRACE_MAX_SYSCALLS];
	struct count_row *func_counts;
	size_t nr_func_counts;
};

static void count_syscall(struct summary_sink *s, __u32 nr, __u64 calls, __u64 errors, __u64 ns)
{
	struct count_row *row = &s->sys_counts[nr % RTRACE_MAX_SYSCALLS];

	row->calls += calls;
	row->errors += errors;
	row->ns += ns;
}

static void count_func(struct summary_sink *s, __u64 cookie, __u64 calls, __u64 ns)
{
	cookie &= RTRACE_COOKIE_ID_MASK;
	if (cookie >= s->nr_func_counts) {
		size_t n = cookie + 64;
		struct count_row *grown = realloc(s->func_counts, n * sizeof(*grown));

		if (!grown)
			return;
		memset(grown + s->nr_func_counts, 0, (n - s->nr_func_counts) * sizeof(*grown));
		s->func_counts = grown;
		s->nr_func_counts = n;
	}
	s->func_counts[cookie].calls += calls;
	s->func_counts[cookie].ns += ns;
}

static void summary_event(struct out_sink *sink, const struct out_event *e)
{
	struct summary_sink *s = (struct summary_sink *)sink;

	switch (e->type) {
	case OUT_SYSCALL:
		count_syscall(s, e->sys.call->nr, 1,
			      e->sys.returned && out_is_error(e->sys.call->ret),
			      e->sys.entered && e->sys.returned ? e->ts - e->sys.start_ts : 0);
		break;
	case OUT_CALL:
		if (!e->call.returns)	/* no return probe: counted, not timed */
			count_func(s, e->call.cookie, 1, 0);
		break;
	case OUT_RETURN:
		if (e->ret.kind == OUT_RET_PAIRED)
			count_func(s, e->ret.cookie, 1, e->ts - e->ret.entry_ts);
		break;
	case OUT_COUNT:		/* added up by BPF */
		if (e->count.func)
			count_func(s, e->count.id, e->count.calls, e->count.ns);
		else
			count_syscall(s, e->count.id, e->count.calls, e->count.errors, e->count.ns);
		break;
	default:
		break;
	}
}

struct sorted_row {
	struct count_row row;
	const char *name;
};

static int cmp_rows_by_time(const void *a, const void *b)
{
	const struct sorted_row *x = a, *y = b;

	if (x->row.ns != y->row.ns)
		return x->row.ns < y->row.ns ? 1 : -1;
	if (x->row.calls != y->row.calls)
		return x->row.calls < y->row.calls ? 1 : -1;
	return strcmp(x->name, y->name);
}

/* strace -c's table of @rows, by syscall number or function id. */
static void print_table(struct summary_sink *s, const char *title, struct count_row *rows,
			size_t n, bool syscalls)
{
	struct sorted_row *sorted = calloc(n, sizeof(*sorted));
	__u64 total_ns = 0, total_calls = 0, total_errors = 0;
	char (*names)[128] = calloc(n, 128);
	FILE *out = s->b.out;
	size_t i, m = 0;

	if (!sorted || !names)
		goto cleanup;
	for (i = 0; i < n; i++) {
		const char *name;

		if (!rows[i].calls)
			continue;
		sorted[m].row = rows[i];
		name = syscalls ? syscall_name(i, names[i], 128) : callfmt_name(s->b.fmt, i);
		if (name != names[i])
			snprintf(names[i], 128, "%s", name);
		sorted[m].name = names[i];
		total_ns += rows[i].ns;
		total_calls += rows[i].calls;
		total_errors += rows[i].errors;
		m++;
	}
	if (!m)
		goto cleanup;
	qsort(sorted, m, sizeof(*sorted), cmp_rows_by_time);
	fprintf(out, "%% time     seconds  usecs/call     calls    errors %s\n", title);
	fputs("------ ----------- ----------- --------- --------- ----------------\n", out);
	for (i = 0; i < m; i++) {
		struct count_row *r = &sorted[i].row;

		fprintf(out, "%6.2f %11.6f %11llu %9llu ",
			total_ns ? 100.0 * r->ns / total_ns : 0.0, r->ns / 1e9,
			(unsigned long long)(r->ns / 1000 / r->calls), (unsigned long long)r->calls);
		if (r->errors)
			fprintf(out, "%9llu %s\n", (unsigned long long)r->errors, sorted[i].name);
		else
			fprintf(out, "%9s %s\n", "", sorted[i].name);
	}
	fputs("------ ----------- ----------- --------- --------- ----------------\n", out);
	fprintf(out, "100.00 %11.6f %11llu %9llu ", total_ns / 1e9,
		(unsigned long long)(total_ns / 1000 / total_calls), (unsigned long long)total_calls);
	if (total_errors)
		fprintf(out, "%9llu total\n", (unsigned long long)total_errors);
	else
		fprintf(out, "%9s total\n", "");
cleanup:
	free(names);
	free(sorted);
}

static int summary_finish(struct out_sink *sink)
{
	struct summary_sink *s = (struct summary_sink *)sink;

	print_table(s, "syscall", s->sys_counts, RTRACE_MAX_SYSCALLS, true);
	if (s->nr_func_counts) {
		fputc('\n', s->b.out);
		print_table(s, "function", s->func_counts, s->nr_func_counts, false);
	}
	fflush(s->b.out);
	return 0;
}

static void summary_free(struct out_sink *sink)
{
	struct summary_sink *s = (struct summary_sink *)sink;

	free(s->func_counts);
	free(s);
}

static const struct out_sink_ops summary_ops = {
	.event = summary_event,
	.finish = summary_finish,
	.free = summary_free,
};

struct out_sink *sink_summary_new(const struct out_sink *cfg)
{
	return out_sink_alloc(sizeof(struct summary_sink), cfg, &summary_ops);
}
