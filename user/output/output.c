// SPDX-License-Identifier: GPL-2.0
/* The pipeline behind output_*(): records → state (state.c) → one sink, the
 * text, JSON or -c one that the options ask for. */
#include <errno.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include "callfmt.h"
#include "output.h"
#include "rtrace.h"
#include "sink.h"
#include "state.h"
#include "proc/procview.h"
#include "syms/demangle.h"
#include "syms/modules.h"
#include "sysdecode/sysdecode.h"
#include "util/util.h"

struct output {
	struct out_state *state;
	func_info_fn funcs;
	void *funcs_ctx;
	char *const *specs;		/* -x on a trace file */
	int nr_specs;
	signed char *shown;		/* by function id: 1 shown, -1 not, 0 not asked yet */
	size_t nr_shown;
	struct out_sink *sink;
	struct callfmt *fmt;
	struct procview *view, *own_view;
	__u64 seq;			/* records so far: what the view's answers are tagged with */
	output_record_fn record;
	void *record_ctx;
	struct output_opts opts;
	struct sysdecode_opts decode;
	/* record without --show: records only go to the file, counted here, and the state
	 * (a third of plain record's time) is skipped */
	bool no_sink;
	struct output_stats counts;
};

/* Whether [MODULE:]GLOB names the function as -x takes them live: MODULE its module by path,
 * name or glob (module_path_matches()), GLOB its symbol or C++ name. */
static bool spec_matches(const char *spec, const struct output_func *f)
{
	char *module = NULL, *glob = NULL;
	bool hit = false;

	if (spec_split(spec, &module, &glob))
		return false;
	if (!module || module_path_matches(module, f->module ?: ""))
		hit = demangle_glob_matches(glob, f->sym ?: f->name);
	free(module);
	free(glob);
	return hit;
}

/* -x on a trace file: a call is shown if a spec names its function. */
static bool show_call(void *ctx, __u64 cookie)
{
	struct output *o = ctx;
	__u64 id = cookie & RTRACE_COOKIE_ID_MASK;
	signed char *shown = id_byte(&o->shown, &o->nr_shown, id);
	struct output_func f = {};
	int i;

	if (shown && *shown)
		return *shown > 0;
	if (!o->funcs || !o->funcs(o->funcs_ctx, id, &f))
		return false;
	for (i = 0; i < o->nr_specs; i++)
		if (spec_matches(o->specs[i], &f))
			break;
	if (shown)
		*shown = i < o->nr_specs ? 1 : -1;
	return i < o->nr_specs;
}

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
	/* One thread writes the trace: stdio's per-call lock is pure cost. stderr stays
	 * locked, rtrace's own messages go there from other threads too. */
	if (out && out != stderr)
		__fsetlocking(out, FSETLOCKING_BYCALLER);
	o->decode.string_limit = opts->string_limit;
	o->decode.fd_paths = opts->fd_paths;
	o->view = opts->view;
	if (!o->view)
		o->view = o->own_view = procview_live();
	o->state = out_state_new(opts->fd_paths, view_link, o->view);
	o->fmt = callfmt_new(opts, funcs, funcs_ctx, o->view);
	if (!o->view || !o->state || !o->fmt)
		goto err;
	out_state_set_filter(o->state, &(struct out_filter){
		.max_depth = opts->max_depth, .only_tid = opts->only_tid,
		.since_ns = opts->since_ns, .until_ns = opts->until_ns,
		.min_dur_ns = opts->min_dur_ns, .sample = opts->sample,
		.sampled_c = opts->sampled_c,
	});
	o->funcs = funcs;
	o->funcs_ctx = funcs_ctx;
	o->specs = opts->func_specs;
	o->nr_specs = opts->nr_func_specs;
	out_state_set_narrowing(o->state, opts->syscall_mask, o->nr_specs ? show_call : NULL, o);
	o->no_sink = opts->no_sink;
	if (opts->no_sink)
		return o;
	o->opts = *opts;
	cfg = (struct out_sink){ .out = out, .opts = &o->opts, .fmt = o->fmt, .decode = &o->decode };
	if (opts->export_format && !strcmp(opts->export_format, "chrome"))
		o->sink = sink_chrome_new(&cfg);
	else if (opts->export_format && !strcmp(opts->export_format, "svg"))
		o->sink = sink_svg_new(&cfg);
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
	/* recording: what showing it may ask, asked now, whether and whenever it is shown */
	if (o->record)
		callfmt_ask_ahead(o->fmt, data, size);
	if (!o->no_sink)
		return out_state_record(o->state, data, size);
	return out_stats_count(&o->counts, data, size);
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
	if (o->no_sink)
		*st = o->counts;
	else
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
	free(o->shown);
	free(o);
}
