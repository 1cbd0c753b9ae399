// SPDX-License-Identifier: GPL-2.0
/* rtrace report: per function and per syscall, calls, errors, total and self time,
 * average, min, max and percentiles, sorted (by total time unless asked); --hist: one
 * name's log2 latency histogram, as bcc's funclatency prints it. Self time is a call's
 * time less that of the traced calls and syscalls right inside it. Durations are kept
 * exactly (8 bytes a call) so that percentiles are exact. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "callfmt.h"
#include "output.h"
#include "rtrace.h"
#include "sink.h"
#include "sysdecode/syscalls.h"
#include "ustack.h"
#include "util/hmap.h"
#include "util/log.h"

struct row {
	struct row *next;	/* same hash */
	bool syscall;
	char *name;
	__u64 calls, errors, total, self, min, max;
	__u64 *durs;		/* of timed calls */
	size_t nr_durs, cap_durs;
};

struct report_sink {
	struct out_sink b;
	struct hmap rows;	/* name hash → struct row chain */
	size_t nr_rows;
	struct ustacks stacks;
	int err;
};

static struct row *row_of(struct report_sink *s, const char *name, bool syscall)
{
	/* a syscall and a function of the same name are two rows */
	unsigned long long h = syscall ? hmap_hash_str(name) * 0x9e3779b97f4a7c15ULL | 1 :
					 hmap_hash_str(name);
	struct row *r;

	for (r = hmap_get(&s->rows, h); r; r = r->next)
		if (r->syscall == syscall && !strcmp(r->name, name))
			return r;
	r = calloc(1, sizeof(*r));
	if (!r || !(r->name = strdup(name))) {
		free(r);
		s->err = -1;
		return NULL;
	}
	r->syscall = syscall;
	r->min = ~0ULL;
	r->next = hmap_get(&s->rows, h);
	if (hmap_put(&s->rows, h, r)) {
		free(r->name);
		free(r);
		s->err = -1;
		return NULL;
	}
	s->nr_rows++;
	return r;
}

static void add_time(struct report_sink *s, struct row *r, __u64 ns, __u64 self)
{
	if (r->nr_durs == r->cap_durs) {
		size_t cap = r->cap_durs ? r->cap_durs * 2 : 16;
		__u64 *grown = realloc(r->durs, cap * sizeof(*grown));

		if (!grown) {
			s->err = -1;
			return;
		}
		r->durs = grown;
		r->cap_durs = cap;
	}
	r->durs[r->nr_durs++] = ns;
	r->total += ns;
	r->self += self;
	if (ns < r->min)
		r->min = ns;
	if (ns > r->max)
		r->max = ns;
}

static void report_event(struct out_sink *sink, const struct out_event *e)
{
	struct report_sink *s = (struct report_sink *)sink;
	struct ustack_frame *fr;
	struct row *r;
	char buf[32];
	__u64 dur;

	switch (e->type) {
	case OUT_SYSCALL:
		r = row_of(s, syscall_name(e->sys.call->nr, buf, sizeof(buf)), true);
		if (!r)
			return;
		r->calls++;
		if (e->sys.returned && out_is_error(e->sys.call->ret))
			r->errors++;
		if (e->sys.entered && e->sys.returned) {
			dur = e->ts - e->sys.start_ts;
			add_time(s, r, dur, dur);
			ustack_charge(&s->stacks, e, dur);
		}
		break;
	case OUT_CALL:
		if (e->call.returns) {
			ustack_push(&s->stacks, e);
			break;
		}
		r = row_of(s, callfmt_name(s->b.fmt, e->call.cookie), false);
		if (r)
			r->calls++;	/* no return probe: counted, not timed */
		break;
	case OUT_RETURN:
		if (e->ret.kind == OUT_RET_NO_ENTRY)
			break;
		fr = ustack_pop(&s->stacks, e, &dur);
		if (!fr || e->ret.kind != OUT_RET_PAIRED)
			break;
		r = row_of(s, callfmt_name(s->b.fmt, e->ret.cookie), false);
		if (!r)
			break;
		r->calls++;
		add_time(s, r, dur, dur > fr->child ? dur - fr->child : 0);
		break;
	default:
		break;
	}
}

static const char *sort_key;

static int cmp_u64(const void *a, const void *b)
{
	__u64 x = *(const __u64 *)a, y = *(const __u64 *)b;

	return x < y ? -1 : x > y;
}

static __u64 sort_value(const struct row *r)
{
	if (!strcmp(sort_key, "self"))
		return r->self;
	if (!strcmp(sort_key, "calls"))
		return r->calls;
	if (!strcmp(sort_key, "avg"))
		return r->nr_durs ? r->total / r->nr_durs : 0;
	if (!strcmp(sort_key, "max"))
		return r->max;
	return r->total;
}

static int cmp_rows(const void *a, const void *b)
{
	const struct row *x = *(struct row *const *)a, *y = *(struct row *const *)b;
	__u64 vx, vy;

	if (!strcmp(sort_key, "name"))
		return strcmp(x->name, y->name) ?: x->syscall - y->syscall;
	vx = sort_value(x);
	vy = sort_value(y);
	if (vx != vy)
		return vx < vy ? 1 : -1;
	return strcmp(x->name, y->name) ?: x->syscall - y->syscall;
}

/* A time as uftrace shows it: the unit that keeps it short. */
static void print_time(FILE *out, __u64 ns)
{
	if (ns < 1000)
		fprintf(out, " %7llu ns", (unsigned long long)ns);
	else if (ns < 1000000)
		fprintf(out, " %7.3f us", ns / 1e3);
	else if (ns < 1000000000)
		fprintf(out, " %7.3f ms", ns / 1e6);
	else
		fprintf(out, " %7.3f  s", ns / 1e9);
}

/* Nearest rank: the smallest value with at least p% of them at or below it. */
static __u64 percentile(const struct row *r, unsigned int p)
{
	size_t k = (r->nr_durs * p + 99) / 100;

	return r->durs[k ? k - 1 : 0];
}

/* libbpf-tools' funclatency layout: slot i holds [2^i, 2^(i+1)), the first also 0. */
static int print_hist(struct report_sink *s, struct row **rows, size_t n)
{
	const char *name = s->b.opts->report_hist;
	__u64 slots[64] = {}, max = 0;
	FILE *out = s->b.out;
	int i, top = -1, width, stars;
	size_t k, j;

	for (k = 0; k < n; k++) {
		if (strcmp(rows[k]->name, name))
			continue;
		for (j = 0; j < rows[k]->nr_durs; j++) {
			__u64 v = rows[k]->durs[j];

			i = v ? 63 - __builtin_clzll(v) : 0;
			if (++slots[i] > max)
				max = slots[i];
			if (i > top)
				top = i;
		}
	}
	if (top < 0) {
		elog("no timed calls or syscalls named '%s' in the trace", name);
		return -ENOENT;
	}
	width = top <= 32 ? 10 : 20;
	stars = top <= 32 ? 40 : 20;
	fprintf(out, "%s\n%*s%-*s : count    distribution\n", name, top <= 32 ? 5 : 15, "",
		top <= 32 ? 19 : 29, "nsecs");
	for (i = 0; i <= top; i++) {
		__u64 lo = 1ULL << i, hi = (1ULL << i << 1) - 1;
		int w = (int)(slots[i] * stars / max);

		if (lo == hi)
			lo--;
		fprintf(out, "%*llu -> %-*llu : %-8llu |%.*s%*s|\n", width, (unsigned long long)lo,
			width, (unsigned long long)hi, (unsigned long long)slots[i], w,
			"****************************************", stars - w, "");
	}
	return 0;
}

static int report_finish(struct out_sink *sink)
{
	struct report_sink *s = (struct report_sink *)sink;
	struct row **rows = calloc(s->nr_rows ?: 1, sizeof(*rows));
	FILE *out = s->b.out;
	size_t i, n = 0;
	int err = 0;

	if (!rows)
		return -ENOMEM;
	for (i = 0; i < s->rows.cap; i++) {
		struct row *r;

		for (r = s->rows.vals[i]; r; r = r->next)
			rows[n++] = r;
	}
	for (i = 0; i < n; i++)
		if (rows[i]->nr_durs)
			qsort(rows[i]->durs, rows[i]->nr_durs, sizeof(__u64), cmp_u64);
	sort_key = s->b.opts->report_sort ?: "total";
	qsort(rows, n, sizeof(*rows), cmp_rows);
	if (s->b.opts->report_hist) {
		err = print_hist(s, rows, n);
		goto out;
	}
	fprintf(out, "  %10s  %10s  %9s  %7s  %10s  %10s  %10s  %10s  %10s  %10s  %s\n",
		"Total time", "Self time", "Calls", "Errors", "Average", "Min", "Max", "p50",
		"p95", "p99", "Name");
	fputs("  ==========  ==========  =========  =======  ==========  ==========  ==========  "
	      "==========  ==========  ==========  ====================\n", out);
	for (i = 0; i < n; i++) {
		struct row *r = rows[i];

		fputc(' ', out);
		print_time(out, r->total);
		fputc(' ', out);
		print_time(out, r->self);
		fprintf(out, "  %9llu  %7llu ", (unsigned long long)r->calls,
			(unsigned long long)r->errors);
		if (r->nr_durs) {
			print_time(out, r->total / r->nr_durs);
			fputc(' ', out);
			print_time(out, r->min);
			fputc(' ', out);
			print_time(out, r->max);
			fputc(' ', out);
			print_time(out, percentile(r, 50));
			fputc(' ', out);
			print_time(out, percentile(r, 95));
			fputc(' ', out);
			print_time(out, percentile(r, 99));
		} else {
			fprintf(out, "  %10s  %10s  %10s  %10s  %10s  %10s", "-", "-", "-", "-", "-",
				"-");
		}
		fprintf(out, "  %s%s\n", r->name, r->syscall ? " (syscall)" : "");
	}
out:
	fflush(out);
	free(rows);
	return err;
}

static void report_free(struct out_sink *sink)
{
	struct report_sink *s = (struct report_sink *)sink;
	size_t i;

	for (i = 0; i < s->rows.cap; i++) {
		struct row *r = s->rows.vals[i], *next;

		for (; r; r = next) {
			next = r->next;
			free(r->name);
			free(r->durs);
			free(r);
		}
	}
	hmap_free(&s->rows);
	ustacks_free(&s->stacks);
	free(s);
}

static const struct out_sink_ops report_ops = {
	.event = report_event,
	.finish = report_finish,
	.free = report_free,
};

struct out_sink *sink_report_new(const struct out_sink *cfg)
{
	return out_sink_alloc(sizeof(struct report_sink), cfg, &report_ops);
}
