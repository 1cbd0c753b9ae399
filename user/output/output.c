// SPDX-License-Identifier: GPL-2.0
/* The pipeline behind output_*(): records → state (state.c) → one sink, the
 * text, JSON or -c one that the options ask for. */
#include <stdlib.h>
#include <string.h>
#include "callfmt.h"
#include "output.h"
#include "sink.h"
#include "state.h"
#include "proc/procview.h"
#include "sysdecode/sysdecode.h"

struct output {
	struct out_state *state;
	struct out_sink *sink;
	struct callfmt *fmt;
	struct procview *view, *own_view;
	__u64 seq;			/* records so far: what the view's answers are tagged with */
	output_record_fn record;
	void *record_ctx;
	struct output_opts opts;
	struct sysdecode_opts decode;
};

/* -y's paths not learnt from the calls: the process's, live or as recorded. */
static bool view_link(void *ctx, int pid, long long fd, char *buf, size_t len)
{
	return procview_link(ctx, pid, fd, buf, len);
}

struct output *output_new(FILE *out, const struct output_opts *opts, func_info_fn funcs,
			  void *funcs_ctx)
{
	struct output *o = calloc(1, sizeof(*o));
	struct out_sink cfg;

	if (!o)
		return NULL;
	o->decode.string_limit = opts->string_limit;
	o->decode.fd_paths = opts->fd_paths;
	o->view = opts->view;
	if (!o->view)
		o->view = o->own_view = procview_live();
	o->state = out_state_new(opts->fd_paths, view_link, o->view);
	o->fmt = callfmt_new(opts, funcs, funcs_ctx, o->view);
	if (!o->view || !o->state || !o->fmt)
		goto err;
	out_state_set_filter(o->state, opts->max_depth, opts->only_tid, opts->since_ns,
			     opts->until_ns);
	if (opts->no_sink)
		return o;
	o->opts = *opts;
	cfg = (struct out_sink){ .out = out, .opts = &o->opts, .fmt = o->fmt, .decode = &o->decode };
	if (opts->export_format && !strcmp(opts->export_format, "chrome"))
		o->sink = sink_chrome_new(&cfg);
	else if (opts->export_format)
		o->sink = sink_folded_new(&cfg);
	else if (opts->report)
		o->sink = sink_report_new(&cfg);
	else if (opts->summary)
		o->sink = sink_summary_new(&cfg);
	else if (opts->json)
		o->sink = sink_json_new(&cfg);
	else
		o->sink = sink_text_new(&cfg);
	if (!o->sink || out_state_add_sink(o->state, o->sink))
		goto err;
	return o;
err:
	output_free(o);
	return NULL;
}

int output_event(struct output *o, const void *data, size_t size)
{
	if (o->record)
		o->record(o->record_ctx, data, size);
	procview_set_seq(o->view, o->seq++);
	return out_state_record(o->state, data, size);
}

void output_set_recorder(struct output *o, output_record_fn fn, void *ctx)
{
	o->record = fn;
	o->record_ctx = ctx;
}

struct procview *output_view(struct output *o)
{
	return o->view;
}

int output_finish(struct output *o)
{
	return out_state_finish(o->state);
}

void output_set_name(struct output *o, int pid, const char *name)
{
	out_state_set_name(o->state, pid, name);
}

void output_set_cwd(struct output *o, int pid, const char *cwd)
{
	out_state_set_cwd(o->state, pid, cwd);
}

void output_get_stats(const struct output *o, struct output_stats *st)
{
	out_state_stats(o->state, st);
}

void output_free(struct output *o)
{
	if (!o)
		return;
	out_state_free(o->state);
	if (o->sink)
		o->sink->ops->free(o->sink);
	callfmt_free(o->fmt);
	procview_free(o->own_view);
	free(o);
}
