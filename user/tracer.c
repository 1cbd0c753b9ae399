// SPDX-License-Identifier: GPL-2.0
/* BPF lifecycle and the event pump. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "probes/funcs.h"
#include "go_attach.h"
#include "probes/kernel_features.h"
#include "util/log.h"
#include "util/util.h"
#include "output/output.h"
#include "rtrace.skel.h"
#include "tracer.h"
#include "probes/uprobe_multi.h"

/* How far behind "now" an event must be before no earlier one can still
 * arrive from another CPU. */
#define REORDER_SLACK_NS	(2 * 1000 * 1000ULL)
/* Function capture specs the map takes beyond those known at load. */
#define RTRACE_SPEC_HEADROOM	4096
/* The wait after a round that took an eighth of the buffer or more. */
#define BUSY_POLL_MS		1
/* Records waiting for output while the buffer fills fast: at most this many bytes, a slice
 * of output between drains. */
#define SPOOL_MAX		(40U << 20)
#define SPOOL_SLICE_NS		(2 * 1000 * 1000ULL)

static double ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1e3 + (t1.tv_nsec - t0->tv_nsec) / 1e6;
}

static unsigned long round_pow2(unsigned long v)
{
	unsigned long p = 4096;

	while (p < v)
		p <<= 1;
	return p;
}

/* Whether an environment variable is set to something other than 0. */
static bool env_set(const char *name)
{
	const char *v = getenv(name);

	return v && *v && strcmp(v, "0");
}

/* Returns whether function probes should be uprobe_multi links. Decided before load: a
 * program loaded for them cannot attach as a perf-event uprobe, nor the other way round. */
static bool want_uprobe_multi(void)
{
	const char *why = NULL;

	if (env_set("RTRACE_NO_UPROBE_MULTI")) {
		vlog("RTRACE_NO_UPROBE_MULTI is set: one perf-event link per probe");
		return false;
	}
	if (features_probe_uprobe_multi(&why) > 0)
		return true;
	vlog("%s: one perf-event link per probe", why);
	return false;
}

/* Which syscalls capture memory at entry and at exit: a constant bitmap, so
 * that the others never look their spec up. */
static void set_capture_masks(struct tracer *tr)
{
	volatile __u64 *enter = tr->skel->rodata->capture_enter_mask;
	volatile __u64 *exit = tr->skel->rodata->capture_exit_mask;
	int nr, i;

	if (!tr->specs)
		return;
	for (nr = 0; nr < RTRACE_MAX_SYSCALLS; nr++)
		for (i = 0; i < RTRACE_MAX_CAPTURES; i++) {
			const struct rtrace_capture_spec *cs = &tr->specs[nr].cap[i];

			if (cs->kind == RTRACE_CAP_NONE)
				continue;
			if (cs->at_exit)
				exit[nr / 64] |= 1ULL << (nr % 64);
			else
				enter[nr / 64] |= 1ULL << (nr % 64);
		}
}

/* The func_specs map holds one entry per function whose arguments BPF copies memory for
 * (strings, structs, stack; key id * 2) and one per function whose char * result it reads
 * (key id * 2 + 1); sized before load. */
static size_t nr_func_specs(const struct tracer *tr)
{
	size_t i, n = 0;

	for (i = 0; tr->funcs && i < tr->funcs->nr_funcs; i++)
		n += tr->funcs->funcs[i].has_spec + tr->funcs->funcs[i].has_ret_spec;
	return n;
}

/* A thread-state array: its slots where its state is used (bpf/thread.bpf.h). Tests:
 * RTRACE_ONE_THREAD_SLOT=1, one slot, and every thread but one takes the hash map's way. */
static int size_slots(struct bpf_map *map, bool used)
{
	return bpf_map__set_max_entries(map, used && !env_set("RTRACE_ONE_THREAD_SLOT") ?
					     RTRACE_THREAD_SLOTS : 1);
}

/* Function @id's specs into the func_specs map at @fd: 0, or -errno (the map is full) after
 * dropping what did not fit, so that no cookie asks for a spec BPF cannot find. */
static int put_func_specs(int fd, struct func_desc *f, __u64 id)
{
	__u64 key = id * 2;
	int err = 0;

	if (f->go.is_go)
		return 0;	/* go_attach.c: map go_specs */
	if (f->has_spec && bpf_map_update_elem(fd, &key, &f->spec, BPF_ANY)) {
		err = -errno;
		f->has_spec = false;
	}
	key++;
	if (f->has_ret_spec && bpf_map_update_elem(fd, &key, &f->ret_spec, BPF_ANY)) {
		err = -errno;
		f->has_ret_spec = false;
	}
	return err;
}

/* Returns 0 or -errno. */
static int load_func_specs(struct tracer *tr)
{
	int fd = bpf_map__fd(tr->skel->maps.func_specs), err;
	__u64 id;

	for (id = 0; tr->funcs && id < tr->funcs->nr_funcs; id++) {
		err = put_func_specs(fd, &tr->funcs->funcs[id], id);
		if (err)
			return err;
	}
	return 0;
}

/* Returns 0 or -errno. */
static int load_capture_specs(struct tracer *tr)
{
	int fd = bpf_map__fd(tr->skel->maps.syscall_specs);
	__u32 nr;

	for (nr = 0; tr->specs && nr < RTRACE_MAX_SYSCALLS; nr++)
		if (bpf_map_update_elem(fd, &nr, &tr->specs[nr], BPF_ANY))
			return -errno;
	return 0;
}

/* Runs flush_batch on cpu. Returns 0 when its batch went to the ring buffer,
 * 1 when an append there was under way, or -errno. */
static int flush_cpu(const struct tracer *tr, int cpu)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .flags = BPF_F_TEST_RUN_ON_CPU, .cpu = cpu);
	int err;

	err = bpf_prog_test_run_opts(bpf_program__fd(tr->skel->progs.flush_batch), &opts);
	return err ? -errno : (int)opts.retval;
}

static bool any_syscall(const __u64 *mask, size_t size)
{
	size_t i;

	for (i = 0; i < size / sizeof(*mask); i++)
		if (mask[i])
			return true;
	return false;
}

int tracer_load(struct tracer *tr, const struct env *env)
{
	/* Tests: CO-RE against this BTF, not the kernel's (internals renamed). */
	LIBBPF_OPTS(bpf_object_open_opts, open_opts, .btf_custom_path = getenv("RTRACE_CORE_BTF"));
	unsigned long size = round_pow2(env->buffer_size);
	const char *no_batches = NULL, *max_tgids;
	int err;

	tr->skel = rtrace_bpf__open_opts(&open_opts);
	if (!tr->skel) {
		err = -errno;
		elog("cannot open BPF programs: %s", strerror(-err));
		return err;
	}
	/* -e trace=none: no syscall tracepoint at all. Once attached, it runs on
	 * every syscall, the uretprobe syscall of each traced return included. */
	if (!any_syscall(env->syscall_mask, sizeof(env->syscall_mask))) {
		bpf_program__set_autoload(tr->skel->progs.sys_enter, false);
		bpf_program__set_autoload(tr->skel->progs.sys_exit, false);
	}
	/* No -x: no function probes, and no verifying them. */
	if (!env->nr_func_specs) {
		bpf_program__set_autoload(tr->skel->progs.func_entry, false);
		bpf_program__set_autoload(tr->skel->progs.func_return, false);
		bpf_program__set_autoload(tr->skel->progs.func_exit, false);
		bpf_program__set_autoload(tr->skel->progs.linkmap_change, false);
	}
	tr->skel->rodata->follow_forks = env->follow;
	tr->skel->rodata->target_tgid = tr->single_tgid;
	memcpy((void *)tr->skel->rodata->syscall_mask, env->syscall_mask,
	       sizeof(env->syscall_mask));
	tr->skel->rodata->buf_limit = env->string_limit;
	/* The filters that can cut records at their source (bpf/filter.bpf.h); the output
	 * applies them all again, and the rest. */
	tr->skel->rodata->filter_tid = env->only_tid;
	if (env->max_depth <= RTRACE_FILTER_MAX_DEPTH)
		tr->skel->rodata->filter_max_depth = env->max_depth;
	tr->skel->rodata->filter_sample = env->sample;
	tr->skel->rodata->filter_min_dur_ns = env->min_dur_ns;
	tr->skel->rodata->count_only = tr->count_in_bpf;
	tr->skel->rodata->thread_slot_mask = env_set("RTRACE_ONE_THREAD_SLOT") ? 0 :
					     RTRACE_THREAD_SLOTS - 1;
	err = size_slots(tr->skel->maps.count_tasks_slots, tr->count_in_bpf) ?:
	      size_slots(tr->skel->maps.frame_filters_slots,
			 tr->skel->rodata->filter_max_depth || env->sample) ?:
	      size_slots(tr->skel->maps.held_entries_slots, env->min_dur_ns);
	if (err)
		goto fail;
	/* Tests: the path a record with captures takes when its CPU's scratch
	 * buffer is busy (a builder was preempted there). */
	tr->skel->rodata->scratch_off = env_set("RTRACE_NO_SCRATCH");
	tr->busy_bytes = size / 8;
	err = bpf_map__set_max_entries(tr->skel->maps.events, size);
	if (err)
		goto fail;
	if (size != env->buffer_size)
		vlog("ring buffer rounded up to %lu bytes", size);
	/* Tests: room for this many traced processes (-f, -p) at once. */
	max_tgids = getenv("RTRACE_MAX_TGIDS");
	if (max_tgids) {
		err = bpf_map__set_max_entries(tr->skel->maps.traced_tgids,
					       strtoul(max_tgids, NULL, 10));
		if (err)
			goto fail;
	}
	tr->use_multi = env->nr_func_specs && want_uprobe_multi();
	if (tr->use_multi) {
		/* libbpf 1.1 has no uprobe.multi sections: same programs, other attach type. */
		err = bpf_program__set_expected_attach_type(tr->skel->progs.func_entry,
				(enum bpf_attach_type)RTRACE_BPF_TRACE_UPROBE_MULTI);
		if (!err)
			err = bpf_program__set_expected_attach_type(tr->skel->progs.func_return,
					(enum bpf_attach_type)RTRACE_BPF_TRACE_UPROBE_MULTI);
		if (!err)
			err = bpf_program__set_expected_attach_type(tr->skel->progs.func_exit,
					(enum bpf_attach_type)RTRACE_BPF_TRACE_UPROBE_MULTI);
		if (!err)
			err = bpf_program__set_expected_attach_type(tr->skel->progs.linkmap_change,
					(enum bpf_attach_type)RTRACE_BPF_TRACE_UPROBE_MULTI);
		if (err)
			goto fail;
	}
	set_capture_masks(tr);
	/* Room for the functions of programs and libraries that appear later (follow.c). */
	err = bpf_map__set_max_entries(tr->skel->maps.func_specs,
				       nr_func_specs(tr) + RTRACE_SPEC_HEADROOM);
	/* -c in BPF: a sum per function id, those of later programs and libraries too */
	if (!err && tr->count_in_bpf)
		err = bpf_map__set_max_entries(tr->skel->maps.func_counts,
					       (tr->funcs ? tr->funcs->nr_funcs : 0) +
					       RTRACE_SPEC_HEADROOM);
	if (!err)
		err = go_prepare(tr, tr->use_multi, env->nr_func_specs && env->follow);
	if (err)
		goto fail;
	err = rtrace_bpf__load(tr->skel);
	if (err)
		goto fail;
	tr->nr_cpus = libbpf_num_possible_cpus();
	if (tr->nr_cpus > RTRACE_MAX_CPUS)
		tr->nr_cpus = RTRACE_MAX_CPUS;
	/* Batches wait for the loader to flush them: without a way to, none. */
	if (env_set("RTRACE_NO_BATCHES"))
		no_batches = "RTRACE_NO_BATCHES is set";
	else if (!features_ringbuf_from_irq())
		no_batches = "this RT kernel's ring buffer lock sleeps";
	else if (tr->nr_cpus <= 0 || flush_cpu(tr, sched_getcpu()) < 0)
		no_batches = "cannot flush per-CPU batches";
	if (no_batches) {
		vlog("%s: records go to the ring buffer one by one", no_batches);
		tr->skel->bss->batches_off = true;
	}
	err = load_capture_specs(tr);
	if (!err)
		err = load_func_specs(tr);
	if (!err)
		err = go_load_specs(tr);
	if (err)
		goto fail;
	return 0;
fail:
	elog("cannot load BPF programs: %s", strerror(-err));
	return err;
}

/* Keeps a link, tagged with the process its probes are limited to (tr->attach_pid; 0 for
 * tracepoints and probes on every process), so that it goes when that process does. */
int tracer_keep_link(struct tracer *tr, struct bpf_link *link)
{
	struct bpf_link **grown;
	pid_t *pids;

	grown = realloc(tr->links, (tr->nr_links + 1) * sizeof(*grown));
	if (grown)
		tr->links = grown;
	pids = realloc(tr->link_pids, (tr->nr_links + 1) * sizeof(*pids));
	if (pids)
		tr->link_pids = pids;
	if (!grown || !pids) {
		bpf_link__destroy(link);
		return -ENOMEM;
	}
	tr->link_pids[tr->nr_links] = tr->attach_pid;
	tr->links[tr->nr_links++] = link;
	return 0;
}

int tracer_attach_core(struct tracer *tr)
{
	struct bpf_program *progs[] = {
		tr->skel->progs.sys_enter,  tr->skel->progs.sys_exit,
		tr->skel->progs.sched_fork, tr->skel->progs.sched_exec,
		tr->skel->progs.sched_exit,
	};
	struct bpf_link *link;
	size_t i;
	int err;

	for (i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		if (!bpf_program__autoload(progs[i]))
			continue;
		link = bpf_program__attach(progs[i]);
		if (!link) {
			err = -errno;
			elog("cannot attach %s: %s", bpf_program__name(progs[i]), strerror(-err));
			return err;
		}
		err = tracer_keep_link(tr, link);
		if (err) {
			elog("cannot attach %s: %s", bpf_program__name(progs[i]), strerror(-err));
			return err;
		}
	}
	return 0;
}

/* Returns the path rtrace opens a function's module by. */
static const char *module_open_path(const struct func_table *ft, const char *module)
{
	size_t m;

	for (m = 0; m < ft->nr_modules; m++)
		if (ft->modules[m].path == module)
			return ft->modules[m].open_path;
	return module;
}

/* How function @i's returns are traced by the links being made. */
static enum funcs_ret_how ret_how(const struct tracer *tr, const struct func_table *ft, size_t i)
{
	return funcs_ret_how(&ft->funcs[i], tr->attach_throws);
}

static __u64 func_cookie(const struct tracer *tr, const struct func_table *ft, size_t i)
{
	return i | (ret_how(tr, ft, i) == FUNCS_RET_NONE ? RTRACE_COOKIE_NORET : 0) |
	       (ft->funcs[i].has_spec || ft->funcs[i].has_ret_spec ? RTRACE_COOKIE_CAPTURE : 0) |
	       (tr->attach_pid > 0 ? (__u64)tr->attach_pid << RTRACE_COOKIE_OWNER_SHIFT : 0);
}

int tracer_gone(int err, pid_t pid)
{
	char path[64], buf[8];

	if (!err || pid <= 0)
		return err;
	/* A zombie still answers kill(0); its exe link no longer resolves. */
	snprintf(path, sizeof(path), "/proc/%d/exe", pid);
	return readlink(path, buf, sizeof(buf)) < 0 && errno == ENOENT ? -ESRCH : err;
}

/* strerror() for attach errors, which include the kernel's ENOTSUPP. */
static const char *attach_strerror(int err)
{
	if (err == -RTRACE_ENOTSUPP)
		return "the kernel cannot probe that instruction";
	return strerror(-err);
}

/* Each perf-event uprobe holds a perf event fd and a link fd: 1,000 functions need ~4,000. */
static void raise_nofile(size_t nr_funcs)
{
	rlim_t need = 4 * nr_funcs + 256;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur >= need)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > need ? need : rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		vlog("cannot raise the open file limit to %llu: %s", (unsigned long long)need,
		     strerror(errno));
}

/* Errors that one offset the kernel cannot probe makes of a whole uprobe_multi link: an
 * instruction uprobes refuse (ENOTSUPP), one they cannot decode (ENOEXEC), an offset past the
 * end of the file (EINVAL). A perf-event link fails alike for its one offset. */
static bool offset_error(int err)
{
	return err == -RTRACE_ENOTSUPP || err == -ENOEXEC || err == -EINVAL;
}

static void warn_unprobed(const struct func_table *ft, const char *module, const size_t *idx,
			  size_t nr_bad);

/* Warns, module by module, of the functions in bad[] (indices into ft) left unprobed. */
static void warn_unprobed_all(const struct func_table *ft, size_t *bad, size_t nr_bad)
{
	size_t i, j, n;

	for (i = 0; i < nr_bad; i = j) {
		const char *module = ft->funcs[bad[i]].module;

		/* gather this module's to the front of bad[i..] */
		for (j = i, n = i; n < nr_bad; n++) {
			if (strcmp(ft->funcs[bad[n]].module, module))
				continue;
			size_t t = bad[j];

			bad[j++] = bad[n];
			bad[n] = t;
		}
		warn_unprobed(ft, module, bad + i, j - i);
	}
}

/* The programs a table of functions gets: at entry, at return (NULL: none), and on the exits
 * of a function whose returns are traced there (FUNCS_RET_EXITS). */
struct probe_progs {
	struct bpf_program *entry;
	struct bpf_program *ret;
	struct bpf_program *exit;
};

/* The cookie of a probe on exit @e of function @i. */
static __u64 exit_cookie(const struct tracer *tr, const struct func_table *ft, size_t i,
			 const struct psite_exit *e)
{
	return func_cookie(tr, ft, i) | (e->kind == PSITE_EXIT_TAIL ? RTRACE_COOKIE_TAIL : 0);
}

/* A uretprobe perf link on @f. Returns 0, -ENOMEM, or another -errno (not said). */
static int attach_perf_return(struct tracer *tr, const struct func_desc *f, const char *path,
			      pid_t pid_filter, struct bpf_program *prog,
			      struct bpf_uprobe_opts *opts)
{
	struct bpf_link *link;

	opts->retprobe = true;
	link = bpf_program__attach_uprobe_opts(prog, pid_filter, path, f->offset, opts);
	opts->retprobe = false;
	if (!link)
		return -errno;
	return tracer_keep_link(tr, link);
}

/* A perf link on every exit of function @i. Returns 0, -ENOMEM, or another -errno. */
static int attach_perf_exits(struct tracer *tr, const struct func_table *ft, size_t i,
			     pid_t pid_filter, struct bpf_program *prog)
{
	LIBBPF_OPTS(bpf_uprobe_opts, opts);
	const struct func_desc *f = &ft->funcs[i];
	struct bpf_link *link;
	size_t e;
	int err;

	for (e = 0; e < f->nr_exits; e++) {
		opts.bpf_cookie = exit_cookie(tr, ft, i, &f->exits[e]);
		link = bpf_program__attach_uprobe_opts(prog, pid_filter,
						       module_open_path(ft, f->module),
						       f->entry_offset + f->exits[e].off, &opts);
		if (!link)
			return -errno;
		err = tracer_keep_link(tr, link);
		if (err)
			return err;
	}
	return 0;
}

/* The fallback before kernel 6.6: one perf-event link per function and direction. A function
 * whose offset the kernel refuses is left out, and named. Returns 0 or -errno after printing
 * `rtrace: ...`, also when the kernel refused every function. */
static int attach_perf(struct tracer *tr, const struct func_table *ft, size_t first,
		       pid_t pid_filter, const struct probe_progs *progs)
{
	LIBBPF_OPTS(bpf_uprobe_opts, opts);
	size_t i, nr_bad = 0, nr_tried = 0, *bad;
	libbpf_print_fn_t print;
	struct bpf_link *link;
	int err = 0, last_err = 0;

	bad = calloc(ft->nr_funcs ?: 1, sizeof(*bad));
	if (!bad)
		return -ENOMEM;
	/* A refused offset is ours to report, once, not libbpf's to warn of. */
	print = libbpf_set_print(NULL);
	raise_nofile(ft->nr_funcs - first);
	for (i = first; i < ft->nr_funcs; i++) {
		const struct func_desc *f = &ft->funcs[i];
		const char *path = module_open_path(ft, f->module);

		if (f->refused || f->go.is_go)	/* Go code: go_attach() */
			continue;
		nr_tried++;
		opts.bpf_cookie = func_cookie(tr, ft, i);
		/* The return first (attach_module() says why); refused, so is the entry. */
		err = 0;
		if (ret_how(tr, ft, i) == FUNCS_RET_EXITS && progs->ret)
			err = attach_perf_exits(tr, ft, i, pid_filter, progs->exit);
		else if (ret_how(tr, ft, i) == FUNCS_RET_URETPROBE && progs->ret)
			err = attach_perf_return(tr, f, path, pid_filter, progs->ret, &opts);
		if (!err) {
			opts.retprobe = false;
			link = bpf_program__attach_uprobe_opts(progs->entry, pid_filter, path,
							       f->offset, &opts);
			err = link ? tracer_keep_link(tr, link) : -errno;
		}
		if (err == -ENOMEM)
			goto cleanup;
		if (err && !offset_error(err))
			goto fail;
		if (err) {
			bad[nr_bad++] = i;
			last_err = err;
			err = 0;
		}
	}
	if (nr_bad && nr_bad == nr_tried) {
		i = bad[0];
		err = last_err;
		elog("cannot attach probes to %s: %s", ft->funcs[i].module, attach_strerror(err));
		goto cleanup;
	}
	warn_unprobed_all(ft, bad, nr_bad);
	goto cleanup;
fail:
	err = tracer_gone(err, pid_filter);
	if (err != -ESRCH)
		elog("cannot attach a probe to %s in %s: %s", func_shown_name(&ft->funcs[i]),
		     ft->funcs[i].module, attach_strerror(err));
cleanup:
	libbpf_set_print(print);
	free(bad);
	return err;
}

int tracer_keep_multi_fd(struct tracer *tr, int fd)
{
	pid_t *pids;
	int *grown;

	grown = realloc(tr->multi_fds, (tr->nr_multi_fds + 1) * sizeof(*grown));
	if (grown)
		tr->multi_fds = grown;
	pids = realloc(tr->multi_pids, (tr->nr_multi_fds + 1) * sizeof(*pids));
	if (pids)
		tr->multi_pids = pids;
	if (!grown || !pids) {
		close(fd);
		return -ENOMEM;
	}
	tr->multi_pids[tr->nr_multi_fds] = tr->attach_pid;
	tr->multi_fds[tr->nr_multi_fds++] = fd;
	return 0;
}

/* Some functions of one module, and what became of their probes. */
struct multi_set {
	const char *path;	/* opened by the kernel */
	size_t *idx;		/* function table indices */
	__u64 *offsets;
	__u64 *cookies;
	bool *failed;		/* the offset cannot be probed even alone */
	int last_err;		/* why the last one failed */
	size_t n;
};

/* Attaches probes on set->offsets[lo, lo + n) in one link if the kernel takes them all, else
 * in halves, recursively: it refuses a whole link for one offset it cannot probe. Those
 * refused alone are marked failed. Returns 0 or -errno for an error no split helps with. */
static int attach_multi_range(struct tracer *tr, struct multi_set *set, int prog_fd, size_t lo,
			      size_t n, __u32 flags, int pid)
{
	int fd, err;

	fd = uprobe_multi_link_create(prog_fd, set->path, set->offsets + lo, set->cookies + lo, n,
				      flags, pid);
	if (fd >= 0)
		return tracer_keep_multi_fd(tr, fd);
	if (!offset_error(fd))
		return fd;
	if (n == 1) {
		set->failed[lo] = true;
		set->last_err = fd;
		return 0;
	}
	err = attach_multi_range(tr, set, prog_fd, lo, n / 2, flags, pid);
	if (err)
		return err;
	return attach_multi_range(tr, set, prog_fd, lo + n / 2, n - n / 2, flags, pid);
}

/* Prints one warning naming the functions of module that have no probe. */
static void warn_unprobed(const struct func_table *ft, const char *module, const size_t *idx,
			  size_t nr_bad)
{
	const size_t shown = 10;
	char *names = NULL;
	size_t len = 0, i;
	FILE *s;

	s = open_memstream(&names, &len);
	if (!s)
		return;
	for (i = 0; i < nr_bad && i < shown; i++)
		fprintf(s, "%s%s", i ? ", " : "", func_shown_name(&ft->funcs[idx[i]]));
	if (nr_bad > shown)
		fprintf(s, " and %zu more", nr_bad - shown);
	if (!fclose(s))
		elog("cannot probe %zu function%s in %s: %s", nr_bad, nr_bad == 1 ? "" : "s",
		     module, names);
	free(names);
}

/* Attaches the functions of one module (those of ft->funcs[first..] whose module it is) with
 * two uprobe_multi links, entry and return, or a few more when some offsets are refused.
 * Marks the functions it handled in done[], adds those left out to *nr_unprobed. Returns 0,
 * or -errno after printing `rtrace: ...` when no function of the module could be probed, or
 * on any other error. */
/* One uprobe_multi link on the exits of the functions whose returns are traced there, whose
 * entries went in
 * (set->failed[] false). Returns 0 or -errno. */
static int attach_module_exits(struct tracer *tr, const struct func_table *ft,
			       const struct multi_set *set, size_t nr_exits, int pid,
			       struct bpf_program *prog)
{
	__u64 *offsets, *cookies;
	size_t i, e, n = 0;
	int fd;

	offsets = calloc(nr_exits, sizeof(*offsets));
	cookies = calloc(nr_exits, sizeof(*cookies));
	if (!offsets || !cookies) {
		fd = -ENOMEM;
		goto cleanup;
	}
	for (i = 0; i < set->n; i++) {
		const struct func_desc *f = &ft->funcs[set->idx[i]];

		if (set->failed[i] || ret_how(tr, ft, set->idx[i]) != FUNCS_RET_EXITS)
			continue;
		for (e = 0; e < f->nr_exits && n < nr_exits; e++, n++) {
			offsets[n] = f->entry_offset + f->exits[e].off;
			cookies[n] = exit_cookie(tr, ft, set->idx[i], &f->exits[e]);
		}
	}
	fd = n ? uprobe_multi_link_create(bpf_program__fd(prog), set->path, offsets, cookies, n,
					  0, pid) : 0;
	if (fd > 0)
		fd = tracer_keep_multi_fd(tr, fd);
cleanup:
	free(cookies);
	free(offsets);
	return fd < 0 ? fd : 0;
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

static int attach_module(struct tracer *tr, const struct func_table *ft, size_t first,
			 bool *done, int pid, size_t *nr_unprobed, const struct probe_progs *progs)
{
	const char *module = ft->funcs[first].module;
	struct multi_set set = { .path = module_open_path(ft, module) };
	struct multi_set rets = { .path = set.path };
	size_t n = 0, nr_bad = 0, nr_exits = 0, nr_in = 0, i, k;
	size_t *bad = NULL;
	int err = -ENOMEM;

	for (i = first; i < ft->nr_funcs; i++)
		n += !done[i] && !strcmp(ft->funcs[i].module, module);
	set.idx = calloc(n, sizeof(*set.idx));
	set.offsets = calloc(n, sizeof(*set.offsets));
	set.cookies = calloc(n, sizeof(*set.cookies));
	set.failed = calloc(n, sizeof(*set.failed));
	rets.idx = calloc(n, sizeof(*rets.idx));
	rets.offsets = calloc(n, sizeof(*rets.offsets));
	rets.cookies = calloc(n, sizeof(*rets.cookies));
	rets.failed = calloc(n, sizeof(*rets.failed));
	bad = calloc(n, sizeof(*bad));
	if (!set.idx || !set.offsets || !set.cookies || !set.failed || !rets.idx ||
	    !rets.offsets || !rets.cookies || !rets.failed || !bad)
		goto fail;
	for (i = first; i < ft->nr_funcs; i++) {
		if (done[i] || strcmp(ft->funcs[i].module, module))
			continue;
		done[i] = true;
		set.idx[set.n] = i;
		set.offsets[set.n] = ft->funcs[i].offset;
		set.cookies[set.n] = func_cookie(tr, ft, i);
		if (progs->ret && ret_how(tr, ft, i) == FUNCS_RET_URETPROBE) {
			rets.idx[rets.n] = set.n;
			rets.offsets[rets.n] = set.offsets[set.n];
			rets.cookies[rets.n++] = set.cookies[set.n];
		}
		if (progs->ret && ret_how(tr, ft, i) == FUNCS_RET_EXITS)
			nr_exits += ft->funcs[i].nr_exits;
		set.n++;
	}
	/* Returns before entries: a call that starts while the links go in shows as a return
	 * whose entry was not seen, never as an entry whose return was lost. Sites the kernel
	 * refuses were left out (probesite.c); should it refuse one anyway, the link is split
	 * until that one is found (each failed link costs ~30-100 ms). */
	if (rets.n) {
		err = attach_multi_range(tr, &rets, bpf_program__fd(progs->ret), 0, rets.n,
					 RTRACE_BPF_F_UPROBE_MULTI_RETURN, pid);
		if (err)
			goto fail;
		/* One uprobe serves both: a refused return is a refused entry. */
		for (k = 0; k < rets.n; k++)
			if (rets.failed[k]) {
				set.failed[rets.idx[k]] = true;
				set.last_err = rets.last_err;
			}
	}
	if (nr_exits) {
		/* (The kernel refusing an entry the model accepted would leave its exits.) */
		err = attach_module_exits(tr, ft, &set, nr_exits, pid, progs->exit);
		if (err)
			goto fail;
	}
	/* Entries last, those left: compacted in place (rets.failed holds where each was). */
	for (i = 0; i < set.n; i++) {
		if (set.failed[i]) {
			bad[nr_bad++] = set.idx[i];
			continue;
		}
		set.idx[nr_in] = set.idx[i];
		set.offsets[nr_in] = set.offsets[i];
		set.cookies[nr_in++] = set.cookies[i];
	}
	for (i = 0; i < nr_in; i++)
		set.failed[i] = false;
	if (nr_in) {
		err = attach_multi_range(tr, &set, bpf_program__fd(progs->entry), 0, nr_in, 0, pid);
		if (err)
			goto fail;
		for (i = 0; i < nr_in; i++)
			if (set.failed[i])
				bad[nr_bad++] = set.idx[i];
	}
	if (nr_bad == n) {
		err = set.last_err ?: -ENOENT;
		goto fail;
	}
	if (nr_bad) {
		qsort(bad, nr_bad, sizeof(*bad), cmp_size);	/* in the table's order */
		warn_unprobed(ft, module, bad, nr_bad);
	}
	*nr_unprobed += nr_bad;
	err = 0;
	goto cleanup;
fail:
	/* A process gone before its probes came has no need of them (the kernel says so
	 * as ESRCH, or ENOENT for a path under its /proc directory). */
	err = tracer_gone(err, pid);
	if (err != -ESRCH)
		elog("cannot attach probes to %s: %s", module, attach_strerror(err));
cleanup:
	free(bad);
	free(rets.failed);
	free(rets.cookies);
	free(rets.offsets);
	free(rets.idx);
	free(set.failed);
	free(set.cookies);
	free(set.offsets);
	free(set.idx);
	return err;
}

/* Since 6.6: one uprobe_multi link per module and direction, each detached in ~30 ms where a
 * perf-event link takes ~110 ms per function and direction. Adds the functions left out to
 * *nr_unprobed. Returns 0 or -errno after printing `rtrace: ...`. */
static int attach_multi(struct tracer *tr, const struct func_table *ft, size_t first,
			pid_t pid_filter, size_t *nr_unprobed, const struct probe_progs *progs)
{
	bool *done;
	size_t i;
	int err = 0;

	done = calloc(ft->nr_funcs, sizeof(*done));
	if (!done) {
		elog("cannot attach probes: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	/* Functions with no safe probe site were said so when resolved. */
	for (i = 0; i < ft->nr_funcs; i++)
		done[i] = i < first || ft->funcs[i].refused || ft->funcs[i].go.is_go;
	for (i = 0; i < ft->nr_funcs && !err; i++)
		if (!done[i])
			err = attach_module(tr, ft, i, done, pid_filter < 0 ? 0 : pid_filter,
					    nr_unprobed, progs);
	free(done);
	return err;
}

/* Functions from which the slow perf-link exit is worth a warning (~2 s). */
#define PERF_DETACH_WARN	20

int tracer_attach_funcs(struct tracer *tr, const struct func_table *ft, size_t first,
			pid_t pid_filter, bool throws)
{
	struct probe_progs progs = { tr->skel->progs.func_entry, tr->skel->progs.func_return,
				     tr->skel->progs.func_exit };
	size_t nr_unprobed = 0;
	struct timespec t0;
	int err;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* The kernel detaches perf-event uprobes one at a time, ~0.1 s each. */
	if (!tr->use_multi && ft->nr_funcs - first >= PERF_DETACH_WARN && !tr->perf_warned) {
		elog("this kernel has no uprobe_multi: %zu functions get a perf-event probe each, "
		     "and detaching them at exit will take ~%zu s", ft->nr_funcs - first,
		     (ft->nr_funcs - first + 9) / 10);
		tr->perf_warned = true;
	}
	tr->attach_pid = pid_filter > 0 ? pid_filter : 0;
	tr->attach_throws = throws;
	if (tr->use_multi)
		err = attach_multi(tr, ft, first, pid_filter, &nr_unprobed, &progs);
	else
		err = attach_perf(tr, ft, first, pid_filter, &progs);
	if (!err)
		err = go_attach(tr, ft, first, pid_filter);
	tr->attach_pid = 0;
	if (!err)
		vlog("%zu functions attached%s with %s in %.1f ms",
		     ft->nr_funcs - first - nr_unprobed, pid_filter > 0 ? " (one process)" : "",
		     tr->use_multi ? "uprobe_multi links" : "perf-event uprobe links",
		     ms_since(&t0));
	return err;
}

int tracer_attach_linkmap(struct tracer *tr, const char *path, unsigned long long offset,
			  pid_t pid)
{
	LIBBPF_OPTS(bpf_uprobe_opts, opts);
	struct bpf_program *prog = tr->skel->progs.linkmap_change;
	__u64 off = offset, cookie = 0;
	struct bpf_link *link;
	int fd, err;

	tr->attach_pid = pid;
	if (tr->use_multi) {
		fd = uprobe_multi_link_create(bpf_program__fd(prog), path, &off, &cookie, 1, 0, pid);
		err = fd < 0 ? fd : tracer_keep_multi_fd(tr, fd);
	} else {
		link = bpf_program__attach_uprobe_opts(prog, pid, path, offset, &opts);
		err = link ? tracer_keep_link(tr, link) : -errno;
	}
	tr->attach_pid = 0;
	return err;
}

int tracer_add_func_specs(struct tracer *tr, struct func_table *ft, size_t first)
{
	int fd = bpf_map__fd(tr->skel->maps.func_specs);
	size_t dropped = 0;
	__u64 id;

	for (id = first; id < ft->nr_funcs; id++)
		/* The map is full: plain records, values without the memory behind them. */
		dropped += put_func_specs(fd, &ft->funcs[id], id) != 0;
	if (dropped)
		vlog("%zu functions traced without argument memory: the spec map is full", dropped);
	return 0;
}

int tracer_add_tgid(struct tracer *tr, pid_t tgid, bool await_exec)
{
	__u32 key = tgid, flags = 0;

	if (await_exec)
		tr->skel->bss->await_exec_tgid = tgid;
	if (bpf_map__update_elem(tr->skel->maps.traced_tgids, &key, sizeof(key), &flags,
				 sizeof(flags), BPF_ANY))
		return -errno;
	return 0;
}

__u64 tracer_unfollowed(const struct tracer *tr)
{
	return tr->skel->bss->unfollowed_children;
}

int tracer_remove_tgid(struct tracer *tr, pid_t tgid)
{
	__u32 key = tgid;

	if (bpf_map__delete_elem(tr->skel->maps.traced_tgids, &key, sizeof(key), 0))
		return -errno;
	return 0;
}

bool tracer_tgids_empty(struct tracer *tr)
{
	__u32 key;

	return bpf_map__get_next_key(tr->skel->maps.traced_tgids, NULL, &key, sizeof(key)) != 0;
}

void tracer_start(struct tracer *tr)
{
	tr->skel->bss->tracing_on = true;
}

void tracer_stop(struct tracer *tr)
{
	tr->skel->bss->tracing_on = false;
}

static int on_record(void *ctx, void *data, size_t size);

/* Process events (their own ring buffer, one record each): the follower hears of them first,
 * as they arrive; a link map change is for it alone. */
static int on_proc_record(void *ctx, void *data, size_t size)
{
	struct tracer *tr = ctx;
	const struct rtrace_hdr *h = data;

	if (size >= sizeof(*h) && tr->on_proc)
		tr->on_proc(tr->on_proc_ctx, h, size);
	if (size >= sizeof(*h) && h->type == RTRACE_EV_LINKMAP)
		return 0;
	return on_record(ctx, data, size);
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct tracer *tr = ctx;
	int err;

	tr->round_bytes += size;
	err = timeline_push_records(&tr->tl, data, size);
	if (err && !tr->err)
		tr->err = err;
	return 0;
}

/* Losses go down the stream as a record of their own. */
static void emit_lost(struct tracer *tr, __u64 count, __u64 ts)
{
	struct rtrace_lost rec = {
		.hdr = { .type = RTRACE_EV_LOST, .size = sizeof(rec), .ts_ns = ts },
		.count = count,
	};

	output_event(tr->out, &rec, sizeof(rec));
}

/* Reports new losses, then hands due events to output, until @deadline (0: all due).
 * The drops happened while the buffer was full, before this drain: the gap goes before
 * the events that got through after it. */
static void flush_due(struct tracer *tr, __u64 up_to, __u64 deadline)
{
	struct timeline_item item;
	__u64 lost = tr->skel->bss->lost_events;
	bool first = true;
	unsigned int n = 0;

	while ((!deadline || ++n % 256 || mono_now_ns() < deadline) &&
	       timeline_pop(&tr->tl, up_to, &item)) {
		if (first && lost != tr->lost_seen)
			emit_lost(tr, lost - tr->lost_seen, item.ts);
		first = false;
		tr->lost_seen = lost;
		output_event(tr->out, item.data, item.size);
		timeline_release(&tr->tl, &item);
	}
	if (lost != tr->lost_seen) {
		emit_lost(tr, lost - tr->lost_seen, mono_now_ns());
		tr->lost_seen = lost;
	}
}

/* Sends the batches of the CPUs that have records (of every CPU when all) to
 * the ring buffer. Returns false when one stayed busy: an appender preempted
 * there holds records older than some the buffer has, so the reorder must
 * wait for the next round. */
static bool flush_batches(struct tracer *tr, bool all)
{
	__u64 *dirty = tr->skel->bss->batch_dirty, bits;
	bool complete = true;
	int w, cpu, tries, ret;

	if (tr->skel->bss->batches_off)
		return true;
	for (w = 0; w * 64 < tr->nr_cpus; w++) {
		bits = __atomic_exchange_n(&dirty[w], 0, __ATOMIC_SEQ_CST);
		if (all)
			bits = ~0ULL;
		for (; bits; bits &= bits - 1) {
			cpu = w * 64 + __builtin_ctzll(bits);
			if (cpu >= tr->nr_cpus)
				break;
			/* An append takes well under a microsecond. */
			for (tries = 0; (ret = flush_cpu(tr, cpu)) == 1 && tries < 100; tries++)
				sched_yield();
			if (ret == 1) {
				__atomic_fetch_or(&dirty[w], 1ULL << (cpu % 64), __ATOMIC_SEQ_CST);
				complete = false;
			}
		}
	}
	return complete;
}

int tracer_poll(struct tracer *tr, int timeout_ms, bool final)
{
	bool complete;
	__u64 start;
	int err;

	if (!tr->rb) {
		tr->rb = ring_buffer__new(bpf_map__fd(tr->skel->maps.events), on_record, tr, NULL);
		if (!tr->rb || ring_buffer__add(tr->rb, bpf_map__fd(tr->skel->maps.proc_events),
						on_proc_record, tr)) {
			err = -errno;
			elog("cannot open the ring buffer: %s", strerror(-err));
			return err;
		}
	}
	/* Records sit unannounced (BPF_RB_NO_WAKEUP): the poll is a timed wait;
	 * then the batches go out and the consume takes what is there. Everything
	 * stamped before `start` and committed is in the buffer by then. A round
	 * that found the buffer filling fast shortens the next wait. */
	if (tr->round_bytes >= tr->busy_bytes && timeout_ms > BUSY_POLL_MS)
		timeout_ms = BUSY_POLL_MS;
	tr->round_bytes = 0;
	err = final ? 0 : ring_buffer__poll(tr->rb, timeout_ms);
	start = mono_now_ns();
	complete = flush_batches(tr, final);
	if (err >= 0 || err == -EINTR)
		err = ring_buffer__consume(tr->rb);
	if (err < 0)
		return err;
	if (tr->err)
		return tr->err;
	/* Output (decoding, formatting) is slower than the program makes records in a tight
	 * loop: while the ring buffer fills fast, it gets a few ms a round and the records
	 * wait in the timeline, where memory is cheaper than a loss, up to SPOOL_MAX. */
	if (final)
		flush_due(tr, ~0ULL, 0);
	else if (complete)
		flush_due(tr, start - REORDER_SLACK_NS,
			  tr->round_bytes >= tr->busy_bytes && tr->tl.bytes < SPOOL_MAX ?
			  mono_now_ns() + SPOOL_SLICE_NS : 0);
	return 0;
}

static void *close_fd(void *arg)
{
	close((int)(long)arg);
	return NULL;
}

/* Closing a uprobe_multi link waits ~30 ms for the kernel's RCU-tasks-trace and SRCU grace
 * periods; from threads, those waits overlap. */
static void close_parallel(const int *fds, size_t n)
{
	pthread_t *threads = calloc(n, sizeof(*threads));
	size_t i, nr_started = 0;

	for (i = 0; i < n; i++) {
		if (threads && !pthread_create(&threads[nr_started], NULL, close_fd,
					       (void *)(long)fds[i]))
			nr_started++;
		else
			close(fds[i]);
	}
	for (i = 0; i < nr_started; i++)
		pthread_join(threads[i], NULL);
	free(threads);
}

/* Links of a process gone, detached away from the event loop: the kernel takes ~30 ms per
 * uprobe_multi link and ~0.1 s per perf-event one, while the ring buffer fills. */
struct detach_job {
	int *fds;
	size_t nr_fds;
	struct bpf_link **links;
	size_t nr_links;
};

static void *detach_worker(void *arg)
{
	struct detach_job *job = arg;
	size_t i;

	close_parallel(job->fds, job->nr_fds);
	for (i = 0; i < job->nr_links; i++)
		bpf_link__destroy(job->links[i]);
	free(job->fds);
	free(job->links);
	free(job);
	return NULL;
}

void tracer_detach_pid(struct tracer *tr, pid_t pid)
{
	struct detach_job *job;
	pthread_t *grown;
	size_t i, k;

	if (pid <= 0)
		return;
	job = calloc(1, sizeof(*job));
	if (job) {
		job->fds = calloc(tr->nr_multi_fds ?: 1, sizeof(*job->fds));
		job->links = calloc(tr->nr_links ?: 1, sizeof(*job->links));
	}
	if (!job || !job->fds || !job->links) {
		if (job) {
			free(job->fds);
			free(job->links);
			free(job);
		}
		return;		/* they go at the end, with the others */
	}
	for (i = k = 0; i < tr->nr_multi_fds; i++) {
		if (tr->multi_pids[i] == pid) {
			job->fds[job->nr_fds++] = tr->multi_fds[i];
			continue;
		}
		tr->multi_pids[k] = tr->multi_pids[i];
		tr->multi_fds[k++] = tr->multi_fds[i];
	}
	tr->nr_multi_fds = k;
	for (i = k = 0; i < tr->nr_links; i++) {
		if (tr->link_pids[i] == pid) {
			job->links[job->nr_links++] = tr->links[i];
			continue;
		}
		tr->link_pids[k] = tr->link_pids[i];
		tr->links[k++] = tr->links[i];
	}
	tr->nr_links = k;
	grown = realloc(tr->detachers, (tr->nr_detachers + 1) * sizeof(*grown));
	if (grown)
		tr->detachers = grown;
	if (!grown || pthread_create(&tr->detachers[tr->nr_detachers], NULL, detach_worker, job))
		detach_worker(job);
	else
		tr->nr_detachers++;
}

void tracer_detach(struct tracer *tr)
{
	size_t nr = tr->nr_links + tr->nr_multi_fds, i;
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < tr->nr_detachers; i++)
		pthread_join(tr->detachers[i], NULL);
	free(tr->detachers);
	tr->detachers = NULL;
	tr->nr_detachers = 0;
	close_parallel(tr->multi_fds, tr->nr_multi_fds);
	free(tr->multi_fds);
	free(tr->multi_pids);
	tr->multi_fds = NULL;
	tr->multi_pids = NULL;
	tr->nr_multi_fds = 0;
	for (i = 0; i < tr->nr_links; i++)
		bpf_link__destroy(tr->links[i]);
	free(tr->links);
	free(tr->link_pids);
	tr->links = NULL;
	tr->link_pids = NULL;
	tr->nr_links = 0;
	if (nr)
		vlog("%zu links detached in %.1f ms", nr, ms_since(&t0));
}

void tracer_close(struct tracer *tr)
{
	tracer_detach(tr);
	ring_buffer__free(tr->rb);
	rtrace_bpf__destroy(tr->skel);
	timeline_free(&tr->tl);
	tr->rb = NULL;
	tr->skel = NULL;
}
