// SPDX-License-Identifier: GPL-2.0
/* Stacks weighted by self time: each frame's own time (less the traced calls and
 * syscalls right inside) goes to the path from its process down to it. */
#include <stdlib.h>
#include <string.h>
#include "callfmt.h"
#include "flame.h"
#include "procnames.h"
#include "sysdecode/syscalls.h"
#include "ustack.h"
#include "util/hmap.h"

struct flame_sink {
	struct out_sink b;
	flame_draw_fn draw;
	struct ustacks stacks;
	struct hmap rows;	/* path hash → struct flame_row chain */
	struct flame_row **all;	/* the same rows, for the end */
	size_t nr_rows, cap_rows;
	struct procnames names;
	char *path;		/* being built */
	size_t path_len, path_cap;
};

static void path_add(struct flame_sink *f, const char *frame)
{
	size_t n = strlen(frame);

	if (f->path_len + n + 2 > f->path_cap) {
		size_t cap = (f->path_len + n + 2) * 2;
		char *p = realloc(f->path, cap);

		if (!p)
			return;
		f->path = p;
		f->path_cap = cap;
	}
	if (f->path_len)
		f->path[f->path_len++] = ';';
	/* Frames are separated by ';' and the weight by the last space: neither in a name. */
	for (; *frame; frame++)
		f->path[f->path_len++] = *frame == ';' || *frame == ' ' ? '_' : *frame;
	f->path[f->path_len] = '\0';
}

/* The path of @who's frames 0..@depth-1 under its process's name. */
static void path_of(struct flame_sink *f, const struct out_unit *who, int depth)
{
	struct ustack *u = ustack_of(&f->stacks, who, depth);
	char buf[32];
	const char *pname = procnames_get(&f->names, who->tgid);
	int d;

	f->path_len = 0;
	snprintf(buf, sizeof(buf), "pid_%u", who->tgid);
	path_add(f, pname ?: buf);
	for (d = 0; u && d < depth && d < u->depth; d++)
		path_add(f, callfmt_name(f->b.fmt, u->frames[d].cookie));
}

static void add(struct flame_sink *f, __u64 ns)
{
	unsigned long long h;
	struct flame_row *r;

	if (!ns || !f->path_len)
		return;
	h = hmap_hash_str(f->path);
	for (r = hmap_get(&f->rows, h); r; r = r->next)
		if (!strcmp(r->path, f->path))
			break;
	if (!r) {
		if (f->nr_rows == f->cap_rows) {
			size_t cap = f->cap_rows ? f->cap_rows * 2 : 64;
			struct flame_row **all = realloc(f->all, cap * sizeof(*all));

			if (!all)
				return;
			f->all = all;
			f->cap_rows = cap;
		}
		r = malloc(sizeof(*r) + f->path_len + 1);
		if (!r)
			return;
		r->ns = 0;
		memcpy(r->path, f->path, f->path_len + 1);
		r->next = hmap_get(&f->rows, h);
		if (hmap_put(&f->rows, h, r)) {
			free(r);
			return;
		}
		f->all[f->nr_rows++] = r;
	}
	r->ns += ns;
}

/* A frame ends: its own time goes to its path. */
static void close_frame(struct flame_sink *f, const struct out_unit *who, int depth,
			const struct ustack_frame *fr, __u64 dur)
{
	path_of(f, who, depth);
	path_add(f, callfmt_name(f->b.fmt, fr->cookie));
	add(f, dur > fr->child ? dur - fr->child : 0);
}

/* What is still open at the end took its time up to there. */
static void close_all(struct flame_sink *f, __u64 ts)
{
	struct ustack_frame *fr;
	__u64 dur;
	size_t i;

	for (i = 0; i < f->stacks.units.cap; i++) {
		struct ustack *u;

		for (u = f->stacks.units.vals[i]; u; u = u->next) {
			struct out_event end = { .who = u->who, .ts = ts };

			for (end.depth = u->depth - 1; end.depth >= 0; end.depth--) {
				fr = ustack_pop(&f->stacks, &end, &dur);
				if (fr)
					close_frame(f, &u->who, end.depth, fr,
						    ts > fr->entry_ts ? dur : 0);
			}
		}
	}
}

static void flame_event(struct out_sink *sink, const struct out_event *e)
{
	struct flame_sink *f = (struct flame_sink *)sink;
	struct ustack_frame *fr;
	char buf[48], nbuf[32];
	__u64 dur;

	procnames_event(&f->names, e);
	switch (e->type) {
	case OUT_SYSCALL:
		if (!e->sys.entered || !e->sys.returned)
			break;
		dur = e->ts - e->sys.start_ts;
		ustack_charge(&f->stacks, e, dur);
		path_of(f, &e->who, e->depth);
		snprintf(buf, sizeof(buf), "%s_[k]", syscall_name(e->sys.call->nr, nbuf, sizeof(nbuf)));
		path_add(f, buf);
		add(f, dur);
		break;
	case OUT_CALL:
		if (e->call.returns)
			ustack_push(&f->stacks, e);
		break;
	case OUT_RETURN:
		if (e->ret.kind == OUT_RET_NO_ENTRY)
			break;
		fr = ustack_pop(&f->stacks, e, &dur);
		if (fr)
			close_frame(f, &e->who, e->depth, fr, dur);
		break;
	case OUT_END:
		close_all(f, e->ts);
		break;
	default:
		break;
	}
}

static int cmp_rows(const void *a, const void *b)
{
	return strcmp((*(struct flame_row *const *)a)->path, (*(struct flame_row *const *)b)->path);
}

static int flame_finish(struct out_sink *sink)
{
	struct flame_sink *f = (struct flame_sink *)sink;
	int err;

	if (f->nr_rows)
		qsort(f->all, f->nr_rows, sizeof(*f->all), cmp_rows);
	err = f->draw(sink->out, f->all, f->nr_rows);
	fflush(sink->out);
	return err;
}

static void flame_free(struct out_sink *sink)
{
	struct flame_sink *f = (struct flame_sink *)sink;
	size_t i;

	for (i = 0; i < f->nr_rows; i++)
		free(f->all[i]);
	free(f->all);
	hmap_free(&f->rows);
	ustacks_free(&f->stacks);
	procnames_free(&f->names);
	free(f->path);
	free(f);
}

static const struct out_sink_ops flame_ops = {
	.event = flame_event,
	.finish = flame_finish,
	.free = flame_free,
};

struct out_sink *flame_sink_new(const struct out_sink *cfg, flame_draw_fn draw)
{
	struct flame_sink *f = out_sink_alloc(sizeof(*f), cfg, &flame_ops);

	if (!f)
		return NULL;
	f->draw = draw;
	return &f->b;
}
