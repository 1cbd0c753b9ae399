// SPDX-License-Identifier: GPL-2.0
/* Replay: the file's records go to output_event() as the live tracer's did, decoded
 * with the session's settings, the functions' types read again from their modules
 * (when the file there is the one traced: same build-id), and what the live process
 * answered the decoders given back by a replay view. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "dwarf/dwarf_args.h"
#include "dwarf/go_abi.h"
#include "dwarf/proto_codec.h"
#include "opts.h"
#include "output/output.h"
#include "proc/procview.h"
#include "replay.h"
#include "syms/demangle.h"
#include "syms/elf_syms.h"
#include "trace/tracefile.h"
#include "util/log.h"

struct rfunc {
	char *name, *module;	/* the symbol, as the file keeps it */
	char *demangled;	/* a C++ function's name as shown, as live output showed it */
	__u64 offset;
	const struct dwarf_proto *proto;
	const struct go_proto *go_proto;
};

struct rmodule {
	char *path;
	struct dwarf_module *dwarf;	/* NULL: no types */
};

struct replay {
	const struct env *env;
	const char *path;
	FILE *out;
	struct output_opts oopts;
	struct output *o;
	struct procview *view;
	struct rfunc *funcs;		/* by id */
	size_t nr_funcs;
	struct rmodule *mods;
	size_t nr_mods;
	struct proto_store *protos;	/* the prototypes the file carries */
	unsigned int nr_protos;		/* functions printed by them */
	unsigned int bad_protos;
	struct { int pid; char *cwd; bool name; } *cwds;	/* and comms */
	size_t nr_cwds;
	int err;
	/* info */
	bool info;
	__u64 records, answers, lost_records;
	struct rtrace_file_end end;
	bool has_end;
};

static bool replay_func_info(void *ctx, __u64 id, struct output_func *f)
{
	struct replay *r = ctx;

	if (id >= r->nr_funcs || !r->funcs[id].name)
		return false;
	f->name = r->funcs[id].demangled ?: r->funcs[id].name;
	f->sym = r->funcs[id].name;
	f->module = r->funcs[id].module;
	f->offset = r->funcs[id].offset;
	f->proto = r->funcs[id].proto;
	f->go_proto = r->funcs[id].go_proto;
	return true;
}

static void on_meta(void *ctx, const char *key, const char *value)
{
	struct replay *r = ctx;
	long long v = strtoll(value, NULL, 10);

	if (r->info) {
		fprintf(r->out, "%-16s %s\n", key, value);
		return;
	}
	if (!strcmp(key, "wall_offset_ns"))
		r->oopts.wall_offset_ns = v;
	else if (!strcmp(key, "string_limit") && !r->env->string_limit_set)
		r->oopts.string_limit = v;
	else if (!strcmp(key, "fd_paths"))
		r->oopts.fd_paths = v;
	else if (!strcmp(key, "deref"))
		r->oopts.deref = v;
	else if (!strcmp(key, "raw_args"))
		r->oopts.raw_args = v;
	else if (!strcmp(key, "no_args"))
		r->oopts.no_args = v;
	else if (!strcmp(key, "prefix_tids"))
		r->oopts.prefix_tids = v;
	else if (!strcmp(key, "max_depth") && v > 0 && v <= INT_MAX &&
		 (!r->oopts.max_depth || v < r->oopts.max_depth))
		r->oopts.max_depth = v;		/* what was recorded, and no deeper */
	else if (!strcmp(key, "only_tid") && v > 0 && v <= UINT_MAX && !r->oopts.only_tid)
		r->oopts.only_tid = v;
	else if (!strncmp(key, "cwd.", 4) || !strncmp(key, "comm.", 5)) {
		void *grown = realloc(r->cwds, (r->nr_cwds + 1) * sizeof(*r->cwds));

		if (!grown)
			return;
		r->cwds = grown;
		r->cwds[r->nr_cwds].name = key[1] == 'o';
		r->cwds[r->nr_cwds].pid = atoi(strchr(key, '.') + 1);
		r->cwds[r->nr_cwds++].cwd = strdup(value);
	}
}

/* The module a function is in, its types read once if the file is the one traced. */
/* The module at @path, added (*@added) if new; NULL on ENOMEM. */
static struct rmodule *module_slot(struct replay *r, const char *path, bool *added)
{
	struct rmodule *m;
	size_t i;

	*added = false;
	for (i = 0; i < r->nr_mods; i++)
		if (!strcmp(r->mods[i].path, path))
			return &r->mods[i];
	m = realloc(r->mods, (r->nr_mods + 1) * sizeof(*m));
	if (!m)
		return NULL;
	r->mods = m;
	m = &r->mods[r->nr_mods];
	m->path = strdup(path);
	m->dwarf = NULL;
	if (!m->path)
		return NULL;
	r->nr_mods++;
	*added = true;
	return m;
}

static struct rmodule *module_of(struct replay *r, const struct trace_func *f)
{
	char id[129];
	struct rmodule *m;
	struct stat st;
	bool added;

	m = module_slot(r, f->module, &added);
	if (!m || !added)
		return m;
	/* The path comes from the file: only a regular file is opened (a FIFO would block). */
	if (stat(f->module, &st) || !S_ISREG(st.st_mode) ||
	    elf_build_id_hex(f->module, id, sizeof(id))) {
		elog("%s: %s is not here: arguments of its functions not shown", r->path, f->module);
		return m;
	}
	if (strcmp(id, f->build_id)) {
		elog("%s: %s is not the file traced (another build-id): arguments of its "
		     "functions not shown", r->path, f->module);
		return m;
	}
	if (*f->debug_path && (stat(f->debug_path, &st) || !S_ISREG(st.st_mode)))
		return m;
	if (!r->oopts.no_args)
		m->dwarf = dwarf_module_open(f->module, *f->debug_path ? f->debug_path : NULL);
	return m;
}

static void on_func(void *ctx, const struct trace_func *f)
{
	struct replay *r = ctx;
	struct rmodule *m;
	struct rfunc *rf;

	if (r->info || f->id > (1u << 24))
		return;
	if (f->id >= r->nr_funcs) {
		struct rfunc *grown = realloc(r->funcs, (f->id + 1) * sizeof(*grown));

		if (!grown)
			return;
		memset(grown + r->nr_funcs, 0, (f->id + 1 - r->nr_funcs) * sizeof(*grown));
		r->funcs = grown;
		r->nr_funcs = f->id + 1;
	}
	rf = &r->funcs[f->id];
	free(rf->name);
	free(rf->demangled);
	rf->name = strdup(f->name);
	rf->demangled = demangle_name(f->name);
	rf->offset = f->offset;
	rf->proto = NULL;
	rf->go_proto = NULL;
	/* as the file keeps them, so that the replay prints what the live output did, with or
	 * without the binary here; files of older versions: from the module's DWARF if it is
	 * the one traced */
	if (f->flags & RTRACE_FUNCF_TYPED) {
		bool added;

		m = module_slot(r, f->module, &added);
		rf->module = m ? m->path : NULL;
		if (!f->proto_len || r->oopts.no_args || !r->protos)
			return;
		if (!proto_decode(r->protos, f->proto, f->proto_len, &rf->proto, &rf->go_proto))
			r->nr_protos++;
		else if (!r->bad_protos++)	/* once: a hostile file may hold thousands */
			elog("%s: the prototype of %s does not decode: its arguments not shown",
			     r->path, rf->demangled ?: f->name);
		return;
	}
	m = module_of(r, f);
	rf->module = m ? m->path : NULL;
	if (m && m->dwarf && (f->flags & RTRACE_FUNCF_GO))
		rf->go_proto = go_proto_find(m->dwarf, f->name, f->addr);
	else if (m && m->dwarf)
		rf->proto = dwarf_proto_find(m->dwarf, f->name, f->addr);
}

static void on_answer(void *ctx, const struct rtrace_file_answer *a, size_t size)
{
	struct replay *r = ctx;

	r->answers++;
	if (!r->info)
		procview_add_answer(r->view, a, size);
}

/* The output, made at the first record: the session's settings are known by then. */
static int start_output(struct replay *r)
{
	size_t i;

	r->oopts.view = r->view;
	r->o = output_new(r->out, &r->oopts, replay_func_info, r);
	if (!r->o)
		return -ENOMEM;
	for (i = 0; i < r->nr_cwds; i++) {
		if (!r->cwds[i].cwd)
			continue;
		if (r->cwds[i].name)
			output_set_name(r->o, r->cwds[i].pid, r->cwds[i].cwd);
		else
			output_set_cwd(r->o, r->cwds[i].pid, r->cwds[i].cwd);
	}
	return 0;
}

static void on_record(void *ctx, const void *data, size_t size)
{
	struct replay *r = ctx;
	const struct rtrace_hdr *h = data;

	r->records++;
	if (h->type == RTRACE_EV_LOST)
		r->lost_records++;
	if (r->info || r->err)
		return;
	if (!r->o)
		r->err = start_output(r);
	if (!r->err)
		output_event(r->o, data, size);
}

static void on_end(void *ctx, const struct rtrace_file_end *end)
{
	struct replay *r = ctx;

	r->end = *end;
	r->has_end = true;
}

static const struct trace_reader_ops replay_ops = {
	.meta = on_meta,
	.func = on_func,
	.answer = on_answer,
	.record = on_record,
	.end = on_end,
};

static FILE *open_trace(const char *path)
{
	FILE *f = fopen(path, "re");

	if (!f)
		elog("cannot open '%s': %s", path, strerror(errno));
	return f;
}

static void replay_free(struct replay *r)
{
	size_t i;

	output_free(r->o);
	procview_free(r->view);
	for (i = 0; i < r->nr_funcs; i++) {
		free(r->funcs[i].name);
		free(r->funcs[i].demangled);
	}
	free(r->funcs);
	for (i = 0; i < r->nr_mods; i++) {
		dwarf_module_close(r->mods[i].dwarf);
		free(r->mods[i].path);
	}
	free(r->mods);
	proto_store_free(r->protos);
	for (i = 0; i < r->nr_cwds; i++)
		free(r->cwds[i].cwd);
	free(r->cwds);
}

int replay_stream(const struct env *env, FILE *f, const char *name, FILE *out)
{
	struct replay r = { .env = env, .path = name, .out = out };
	struct trace_read_result res;
	int err = -ENOMEM;

	r.oopts = (struct output_opts){
		.json = env->json, .durations = env->durations, .timestamps = env->timestamps,
		.relative = env->relative, .summary = env->summary,
		.string_limit = env->string_limit,
		.report = env->mode == MODE_REPORT, .report_sort = env->sort,
		.report_hist = env->hist, .export_format = env->format,
		.max_depth = env->max_depth, .only_tid = env->only_tid, .sample = env->sample,
		.since_ns = env->since_ns, .until_ns = env->until_ns, .min_dur_ns = env->min_dur_ns,
		.func_specs = env->func_specs, .nr_func_specs = env->nr_func_specs,
	};
	size_t i;

	for (i = 0; i < RTRACE_MAX_SYSCALLS / 64; i++)
		if (env->syscall_mask[i] != ~0ULL)
			r.oopts.syscall_mask = env->syscall_mask;	/* -e narrows the replay */
	r.view = procview_replay();
	r.protos = proto_store_new();
	if (!r.view || !r.protos)
		goto cleanup;
	err = trace_read(f, r.path, &replay_ops, &r, &res);
	if (err)
		goto cleanup;
	if (!r.o && !r.err)
		r.err = start_output(&r);	/* no records: still the -c table */
	err = r.err;
	if (err) {
		elog("%s: %s", r.path, strerror(-err));
		goto cleanup;
	}
	err = output_finish(r.o);
cleanup:
	replay_free(&r);
	return err;
}

int replay_main(const struct env *env)
{
	FILE *f, *out;
	int err;

	f = open_trace(env->trace_path);
	if (!f)
		return 1;
	if (!env->output_path)
		out = env->json || env->mode == MODE_REPORT || env->mode == MODE_EXPORT ? stdout :
										    stderr;
	else
		out = fopen(env->output_path, "we");
	if (!out) {
		elog("cannot open output file '%s': %s", env->output_path, strerror(errno));
		fclose(f);
		return 1;
	}
	err = replay_stream(env, f, env->trace_path, out);
	if (out != stdout && out != stderr)
		fclose(out);
	else
		fflush(out);
	fclose(f);
	return err ? 1 : 0;
}

/* Functions and modules of the file, by module. */
static void on_info_func(void *ctx, const struct trace_func *f)
{
	struct replay *r = ctx;
	bool added;

	if (module_slot(r, f->module, &added) && added)
		fprintf(r->out, "%-16s %s %s\n", "module", f->module,
			*f->build_id ? f->build_id : "(no build-id)");
	r->nr_funcs++;
	if (f->proto_len)
		r->nr_protos++;
}

int info_main(const struct env *env)
{
	struct replay r = { .env = env, .path = env->trace_path, .out = stdout, .info = true };
	struct trace_reader_ops ops = replay_ops;
	struct trace_read_result res;
	FILE *f = open_trace(r.path);
	int err;

	if (!f)
		return 1;
	ops.func = on_info_func;
	fprintf(stdout, "%-16s %s\n", "file", r.path);
	err = trace_read(f, r.path, &ops, &r, &res);
	fclose(f);
	if (!err) {
		fprintf(stdout, "%-16s %u\n", "format", res.version);
		fprintf(stdout, "%-16s %zu (%u with their types)\n", "functions", r.nr_funcs,
			r.nr_protos);
		fprintf(stdout, "%-16s %llu\n", "records", (unsigned long long)r.records);
		fprintf(stdout, "%-16s %llu\n", "answers", (unsigned long long)r.answers);
		if (r.has_end)
			fprintf(stdout, "%-16s %llu\n", "lost", (unsigned long long)r.end.lost);
		fprintf(stdout, "%-16s %s\n", "complete",
			res.whole ? "yes" : "no: cut short (see above)");
		if (res.damaged)
			fprintf(stdout, "%-16s %u blocks skipped\n", "damaged", res.damaged);
	}
	r.out = NULL;
	r.view = NULL;
	r.nr_funcs = 0;
	replay_free(&r);
	return err ? 1 : 0;
}
