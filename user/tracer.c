// SPDX-License-Identifier: GPL-2.0
/* BPF lifecycle and the event pump. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "funcs.h"
#include "log.h"
#include "output.h"
#include "rtrace.skel.h"
#include "tracer.h"

/* How far behind "now" an event must be before no earlier one can still
 * arrive from another CPU. */
#define REORDER_SLACK_NS	(2 * 1000 * 1000ULL)

static __u64 boot_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static unsigned long round_pow2(unsigned long v)
{
	unsigned long p = 4096;

	while (p < v)
		p <<= 1;
	return p;
}

int tracer_load(struct tracer *tr, const struct env *env)
{
	unsigned long size = round_pow2(env->buffer_size);
	int err;

	tr->skel = rtrace_bpf__open();
	if (!tr->skel) {
		err = -errno;
		elog("cannot open BPF programs: %s", strerror(-err));
		return err;
	}
	tr->skel->rodata->follow_forks = env->follow;
	memcpy((void *)tr->skel->rodata->syscall_mask, env->syscall_mask,
	       sizeof(env->syscall_mask));
	tr->skel->rodata->wakeup_threshold = size / 4;
	err = bpf_map__set_max_entries(tr->skel->maps.events, size);
	if (err)
		goto fail;
	if (size != env->buffer_size)
		vlog("ring buffer rounded up to %lu bytes", size);
	err = rtrace_bpf__load(tr->skel);
	if (err)
		goto fail;
	return 0;
fail:
	elog("cannot load BPF programs: %s", strerror(-err));
	return err;
}

static int add_link(struct tracer *tr, struct bpf_link *link)
{
	struct bpf_link **grown;

	grown = realloc(tr->links, (tr->nr_links + 1) * sizeof(*grown));
	if (!grown) {
		bpf_link__destroy(link);
		return -ENOMEM;
	}
	tr->links = grown;
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
		link = bpf_program__attach(progs[i]);
		if (!link) {
			err = -errno;
			elog("cannot attach %s: %s", bpf_program__name(progs[i]), strerror(-err));
			return err;
		}
		err = add_link(tr, link);
		if (err)
			return err;
	}
	return 0;
}

int tracer_attach_funcs(struct tracer *tr, const struct func_table *ft, pid_t pid_filter)
{
	LIBBPF_OPTS(bpf_uprobe_opts, opts);
	struct bpf_link *link;
	size_t i;
	int err;

	for (i = 0; i < ft->nr_funcs; i++) {
		const struct func_desc *f = &ft->funcs[i];
		const char *path = f->module;
		size_t m;

		for (m = 0; m < ft->nr_modules; m++)
			if (ft->modules[m].path == f->module)
				path = ft->modules[m].open_path;
		opts.bpf_cookie = i | (f->no_return ? RTRACE_COOKIE_NORET : 0);
		opts.retprobe = false;
		link = bpf_program__attach_uprobe_opts(tr->skel->progs.func_entry, pid_filter,
						       path, f->offset, &opts);
		if (!link)
			goto fail;
		err = add_link(tr, link);
		if (err)
			return err;
		if (f->no_return)
			continue;
		opts.retprobe = true;
		link = bpf_program__attach_uprobe_opts(tr->skel->progs.func_return, pid_filter,
						       path, f->offset, &opts);
		if (!link)
			goto fail;
		err = add_link(tr, link);
		if (err)
			return err;
	}
	return 0;
fail:
	err = -errno;
	elog("cannot attach a probe to %s in %s: %s", ft->funcs[i].name, ft->funcs[i].module,
	     strerror(-err));
	return err;
}

int tracer_add_tgid(struct tracer *tr, pid_t tgid, __u32 flags)
{
	__u32 key = tgid;

	if (bpf_map__update_elem(tr->skel->maps.traced_tgids, &key, sizeof(key), &flags,
				 sizeof(flags), BPF_ANY))
		return -errno;
	return 0;
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

static int on_record(void *ctx, void *data, size_t size)
{
	struct tracer *tr = ctx;
	const struct rtrace_hdr *h = data;
	int err;

	if (size < sizeof(*h))
		return 0;
	err = timeline_push(&tr->tl, h->ts_ns, data, size);
	if (err && !tr->err)
		tr->err = err;
	return 0;
}

/* Reports new losses, then hands due events to output. The drops happened
 * while the buffer was full, before this drain: the gap goes before the
 * events that got through after it. */
static void flush_due(struct tracer *tr, __u64 up_to)
{
	struct timeline_item item;
	__u64 lost = tr->skel->bss->lost_events;
	bool first = true;

	while (timeline_pop(&tr->tl, up_to, &item)) {
		if (first && lost != tr->lost_seen)
			output_lost(tr->out, lost - tr->lost_seen, item.ts);
		first = false;
		tr->lost_seen = lost;
		output_event(tr->out, item.data, item.size);
		free(item.data);
	}
	if (lost != tr->lost_seen) {
		output_lost(tr->out, lost - tr->lost_seen, boot_now_ns());
		tr->lost_seen = lost;
	}
}

int tracer_poll(struct tracer *tr, int timeout_ms, bool final)
{
	__u64 start;
	int err;

	if (!tr->rb) {
		tr->rb = ring_buffer__new(bpf_map__fd(tr->skel->maps.events), on_record, tr, NULL);
		if (!tr->rb) {
			err = -errno;
			elog("cannot open the ring buffer: %s", strerror(-err));
			return err;
		}
	}
	/* Records mostly sit unannounced (BPF_RB_NO_WAKEUP): the poll is a timed
	 * wait, the consume after it takes what is there. Everything stamped
	 * before `start` and committed is in the buffer by then. */
	err = final ? 0 : ring_buffer__poll(tr->rb, timeout_ms);
	start = boot_now_ns();
	if (err >= 0 || err == -EINTR)
		err = ring_buffer__consume(tr->rb);
	if (err < 0)
		return err;
	if (tr->err)
		return tr->err;
	flush_due(tr, final ? ~0ULL : start - REORDER_SLACK_NS);
	return 0;
}

void tracer_detach(struct tracer *tr)
{
	size_t i;

	for (i = 0; i < tr->nr_links; i++)
		bpf_link__destroy(tr->links[i]);
	free(tr->links);
	tr->links = NULL;
	tr->nr_links = 0;
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
