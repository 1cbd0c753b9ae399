// SPDX-License-Identifier: GPL-2.0
/* The recorder sits where the records enter the pipeline: each goes to the file
 * before it is decoded, after the functions it may name. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/utsname.h>
#include "opts.h"
#include "dwarf/proto_codec.h"
#include "output/output.h"
#include "probes/funcs.h"
#include "proc/procview.h"
#include "record.h"
#include "syms/elf_syms.h"
#include "trace/tracefile.h"
#include "util/log.h"
#include "util/util.h"

int record_open(struct recorder *r, const struct env *env)
{
	int err;

	memset(r, 0, sizeof(*r));
	r->path = env->trace_path;
	err = trace_writer_open(&r->w, r->path, env->force);
	if (err == -EEXIST)
		elog("'%s' exists: give another file with -o, or --force to overwrite it", r->path);
	else if (err)
		elog("cannot create '%s': %s", r->path, strerror(-err));
	r->progress = isatty(STDERR_FILENO);
	if (!err && getenv("RTRACE_CHECK_CODEC") && strcmp(getenv("RTRACE_CHECK_CODEC"), "0"))
		trace_writer_check_codec(r->w);
	return err;
}

static void meta_num(struct recorder *r, const char *key, long long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", v);
	trace_writer_meta(r->w, key, buf);
}

void record_meta(struct recorder *r, int argc, char **argv, const struct output_opts *oopts)
{
	char cmd[TRACE_MAX_STR] = "", host[256] = "", start[64] = "";
	struct utsname u = {};
	size_t len = 0;
	time_t now = time(NULL);
	struct tm tm;
	int i;

	for (i = 0; i < argc && len < sizeof(cmd); i++)
		len += snprintf(cmd + len, sizeof(cmd) - len, "%s%s", i ? " " : "", argv[i]);
	gethostname(host, sizeof(host) - 1);
	uname(&u);
	if (localtime_r(&now, &tm))
		strftime(start, sizeof(start), "%Y-%m-%d %H:%M:%S %z", &tm);
	trace_writer_meta(r->w, "rtrace_version", RTRACE_VERSION);
	trace_writer_meta(r->w, "command", cmd);
	trace_writer_meta(r->w, "host", host);
	trace_writer_meta(r->w, "kernel", u.release);
	trace_writer_meta(r->w, "start", start);
	/* What the live output decoded with: the replay's defaults. */
	meta_num(r, "wall_offset_ns", oopts->wall_offset_ns);
	meta_num(r, "string_limit", oopts->string_limit);
	meta_num(r, "fd_paths", oopts->fd_paths);
	meta_num(r, "deref", oopts->deref);
	meta_num(r, "raw_args", oopts->raw_args);
	meta_num(r, "no_args", oopts->no_args);
	meta_num(r, "prefix_tids", oopts->prefix_tids);
	/* Filters BPF applied: a frame it was unsure of is in the file, the replay hides it. */
	meta_num(r, "max_depth", oopts->max_depth);
	meta_num(r, "only_tid", oopts->only_tid);
}

void record_name(struct recorder *r, int pid, const char *name)
{
	char key[32];

	snprintf(key, sizeof(key), "comm.%d", pid);
	trace_writer_meta(r->w, key, name);
}

void record_cwd(struct recorder *r, int pid, const char *cwd)
{
	char key[32];

	snprintf(key, sizeof(key), "cwd.%d", pid);
	trace_writer_meta(r->w, key, cwd);
}

void record_fds(struct recorder *r, struct output *o, int pid)
{
	char dir[64], path[4096];
	struct dirent *d;
	DIR *dp;

	(void)r;
	snprintf(dir, sizeof(dir), "/proc/%d/fd", pid);
	dp = opendir(dir);
	if (!dp)
		return;
	while ((d = readdir(dp))) {
		char *end;
		long fd = strtol(d->d_name, &end, 10);

		/* the view hands the answer to the file */
		if (!*end && end != d->d_name)
			procview_link(output_view(o), pid, fd, path, sizeof(path));
	}
	closedir(dp);
}

/* The build-id of module @m, read once. */
static const char *build_id_of(struct recorder *r, size_t m)
{
	char hex[129];

	if (m >= r->nr_build_ids) {
		char **grown = realloc(r->build_ids, (m + 1) * sizeof(*grown));

		if (!grown)
			return "";
		memset(grown + r->nr_build_ids, 0, (m + 1 - r->nr_build_ids) * sizeof(*grown));
		r->build_ids = grown;
		r->nr_build_ids = m + 1;
	}
	if (!r->build_ids[m]) {
		/* Through the process's root while it lives, else the path as it named it. */
		if (elf_build_id_hex(r->ft->modules[m].open_path, hex, sizeof(hex)) &&
		    elf_build_id_hex(r->ft->modules[m].path, hex, sizeof(hex)))
			hex[0] = '\0';
		r->build_ids[m] = strdup(hex);
	}
	return r->build_ids[m] ?: "";
}

/* Functions traced since the last record: before the records that name them. */
static void write_new_funcs(struct recorder *r)
{
	struct func_table *ft = r->ft;

	for (; r->funcs_written < ft->nr_funcs; r->funcs_written++) {
		const struct func_desc *fd = &ft->funcs[r->funcs_written];
		struct trace_func f = {
			.id = r->funcs_written, .addr = fd->addr, .offset = fd->offset,
			.name = fd->name, .module = fd->module, .build_id = "", .debug_path = "",
		};
		size_t m;

		for (m = 0; m < ft->nr_modules; m++) {
			if (ft->modules[m].path != fd->module)
				continue;
			f.build_id = build_id_of(r, m);
			f.debug_path = ft->modules[m].debug_path ?: "";
			if (ft->modules[m].is_go)
				f.flags |= RTRACE_FUNCF_GO;
		}
		/* its prototype and types, so that a replay needs neither the binary nor
		 * its debug file; one too large to keep is left out (names only, then) */
		r->proto.len = 0;
		f.flags |= RTRACE_FUNCF_TYPED;
		if ((fd->go_proto && !go_proto_encode(fd->go_proto, &r->proto)) ||
		    (fd->proto && !dwarf_proto_encode(fd->proto, &r->proto))) {
			f.proto = r->proto.p;
			f.proto_len = r->proto.len;
		}
		trace_writer_func(r->w, &f);
	}
}

static void on_record(void *ctx, const void *data, size_t size)
{
	struct recorder *r = ctx;

	if (r->funcs_written < r->ft->nr_funcs)
		write_new_funcs(r);
	trace_writer_record(r->w, data, size);
}

static void on_answer(void *ctx, const void *rec, size_t size)
{
	struct recorder *r = ctx;

	trace_writer_record(r->w, rec, size);
}

void record_attach(struct recorder *r, struct output *o, struct func_table *ft)
{
	size_t m;

	r->ft = ft;
	for (m = 0; m < ft->nr_modules; m++)
		build_id_of(r, m);
	output_set_recorder(o, on_record, r);
	procview_set_recorder(output_view(o), on_answer, r);
}

void record_progress(struct recorder *r, const struct output_stats *st, bool last)
{
	__u64 now = mono_now_ns(), bytes, records;

	if (!r->progress || (!last && now < r->next_progress_ns))
		return;
	r->next_progress_ns = now + 1000000000ULL;
	trace_writer_stats(r->w, &bytes, &records);
	fprintf(stderr, "\rrtrace: recording to %s: %llu events, %llu KiB, %llu lost\033[K%s",
		r->path, (unsigned long long)records, (unsigned long long)bytes >> 10,
		(unsigned long long)st->lost, last ? "\n" : "");
}

int record_close(struct recorder *r, const struct output_stats *st)
{
	struct rtrace_file_end end = { .records = st->records, .lost = st->lost,
				       .end_ns = mono_now_ns() };
	size_t i;
	int err = 0;

	if (!r->w)
		return 0;
	if (r->ft)
		write_new_funcs(r);
	record_progress(r, st, true);
	err = trace_writer_close(r->w, &end);
	r->w = NULL;
	if (err)
		elog("cannot write '%s': %s", r->path, strerror(-err));
	for (i = 0; i < r->nr_build_ids; i++)
		free(r->build_ids[i]);
	free(r->build_ids);
	free(r->proto.p);
	r->proto = (struct tbuf){};
	return err;
}
