// SPDX-License-Identifier: GPL-2.0
/* rtrace export --format folded: one line per stack, `process;f1;f2;f3 NS`, weighted by
 * the time spent in f3 itself (nanoseconds), as flamegraph.pl and speedscope read them.
 * A syscall is a leaf frame `name_[k]` (flamegraph.pl colours _[k] frames as kernel). */
#include <stdlib.h>
#include <string.h>
#include "callfmt.h"
#include "output.h"
#include "sink.h"
#include "sysdecode/syscalls.h"
#include "procnames.h"
#include "ustack.h"
#include "util/hmap.h"

struct stack_row {
	struct stack_row *next;	/* same hash */
	__u64 ns;
	char path[];
};

struct folded_sink {
	struct out_sink b;
	struct ustacks stacks;
	struct hmap rows;	/* path hash → struct stack_row chain */
	size_t nr_rows;
	struct procnames names;
	char *path;		/* being built */
	size_t path_len, path_cap;
};

static void path_add(struct folded_sink *s, const char *frame)
{
	size_t n = strlen(frame);

	if (s->path_len + n + 2 > s->path_cap) {
		size_t cap = (s->path_len + n + 2) * 2;
		char *p = realloc(s->path, cap);

		if (!p)
			return;
		s->path = p;
		s->path_cap = cap;
	}
	if (s->path_len)
		s->path[s->path_len++] = ';';
	/* Frames are separated by ';' and the weight by the last space: neither in a name. */
	for (; *frame; frame++)
		s->path[s->path_len++] = *frame == ';' || *frame == ' ' ? '_' : *frame;
	s->path[s->path_len] = '\0';
}

/* The path of @who's frames 0..@depth-1 under its process's name. */
static void path_of(struct folded_sink *s, const struct out_unit *who, int depth)
{
	struct ustack *u = ustack_of(&s->stacks, who, depth);
	char buf[32];
	const char *pname = procnames_get(&s->names, who->tgid);
	int d;

	s->path_len = 0;
	snprintf(buf, sizeof(buf), "pid_%u", who->tgid);
	path_add(s, pname ?: buf);
	for (d = 0; u && d < depth && d < u->depth; d++)
		path_add(s, callfmt_name(s->b.fmt, u->frames[d].cookie));
}

static void add(struct folded_sink *s, __u64 ns)
{
	unsigned long long h;
	struct stack_row *r;

	if (!ns || !s->path_len)
		return;
	h = hmap_hash_str(s->path);
	for (r = hmap_get(&s->rows, h); r; r = r->next)
		if (!strcmp(r->path, s->path))
			break;
	if (!r) {
		r = malloc(sizeof(*r) + s->path_len + 1);
		if (!r)
			return;
		r->ns = 0;
		memcpy(r->path, s->path, s->path_len + 1);
		r->next = hmap_get(&s->rows, h);
		if (hmap_put(&s->rows, h, r)) {
			free(r);
			return;
		}
		s->nr_rows++;
	}
	r->ns += ns;
}

/* A frame ends: its own time goes to its path. */
static void close_frame(struct folded_sink *s, const struct out_unit *who, int depth,
			const struct ustack_frame *fr, __u64 dur)
{
	path_of(s, who, depth);
	path_add(s, callfmt_name(s->b.fmt, fr->cookie));
	add(s, dur > fr->child ? dur - fr->child : 0);
}

static void folded_event(struct out_sink *sink, const struct out_event *e)
{
	struct folded_sink *s = (struct folded_sink *)sink;
	struct ustack_frame *fr;
	char buf[48], nbuf[32];
	__u64 dur;
	size_t i;

	procnames_event(&s->names, e);
	switch (e->type) {
	case OUT_SYSCALL:
		if (!e->sys.entered || !e->sys.returned)
			break;
		dur = e->ts - e->sys.start_ts;
		ustack_charge(&s->stacks, e, dur);
		path_of(s, &e->who, e->depth);
		snprintf(buf, sizeof(buf), "%s_[k]", syscall_name(e->sys.call->nr, nbuf, sizeof(nbuf)));
		path_add(s, buf);
		add(s, dur);
		break;
	case OUT_CALL:
		if (e->call.returns)
			ustack_push(&s->stacks, e);
		break;
	case OUT_RETURN:
		if (e->ret.kind == OUT_RET_NO_ENTRY)
			break;
		fr = ustack_pop(&s->stacks, e, &dur);
		if (fr)
			close_frame(s, &e->who, e->depth, fr, dur);
		break;
	case OUT_END:
		/* What is still open took its time up to the end. */
		for (i = 0; i < s->stacks.units.cap; i++) {
			struct ustack *u;

			for (u = s->stacks.units.vals[i]; u; u = u->next) {
				struct out_event end = { .who = u->who, .ts = e->ts };

				for (end.depth = u->depth - 1; end.depth >= 0; end.depth--) {
					fr = ustack_pop(&s->stacks, &end, &dur);
					if (fr)
						close_frame(s, &u->who, end.depth, fr,
							    e->ts > fr->entry_ts ? dur : 0);
				}
			}
		}
		break;
	default:
		break;
	}
}

static int cmp_rows(const void *a, const void *b)
{
	return strcmp((*(struct stack_row *const *)a)->path, (*(struct stack_row *const *)b)->path);
}

static int folded_finish(struct out_sink *sink)
{
	struct folded_sink *s = (struct folded_sink *)sink;
	struct stack_row **rows = calloc(s->nr_rows ?: 1, sizeof(*rows));
	size_t i, n = 0;

	if (!rows)
		return -1;
	for (i = 0; i < s->rows.cap; i++) {
		struct stack_row *r;

		for (r = s->rows.vals[i]; r; r = r->next)
			rows[n++] = r;
	}
	qsort(rows, n, sizeof(*rows), cmp_rows);
	for (i = 0; i < n; i++)
		fprintf(s->b.out, "%s %llu\n", rows[i]->path, (unsigned long long)rows[i]->ns);
	fflush(s->b.out);
	free(rows);
	return 0;
}

static void folded_free(struct out_sink *sink)
{
	struct folded_sink *s = (struct folded_sink *)sink;
	size_t i;

	for (i = 0; i < s->rows.cap; i++) {
		struct stack_row *r = s->rows.vals[i], *next;

		for (; r; r = next) {
			next = r->next;
			free(r);
		}
	}
	hmap_free(&s->rows);
	ustacks_free(&s->stacks);
	procnames_free(&s->names);
	free(s->path);
	free(s);
}

static const struct out_sink_ops folded_ops = {
	.event = folded_event,
	.finish = folded_finish,
	.free = folded_free,
};

struct out_sink *sink_folded_new(const struct out_sink *cfg)
{
	return out_sink_alloc(sizeof(struct folded_sink), cfg, &folded_ops);
}
