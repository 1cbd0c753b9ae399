// SPDX-License-Identifier: GPL-2.0
/* The traced processes and their function probes: see follow.h. Probes for a new process or
 * library come a little after it starts (the loader hears of it through the ring buffer, or
 * through ld.so's debugger hook): calls before that are not traced, and none is invented. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "syms/elf_syms.h"
#include "follow.h"
#include "util/log.h"
#include "syms/modules.h"
#include "tracer.h"

static struct follow_proc *find_proc(struct follow *fl, pid_t pid)
{
	size_t i;

	for (i = 0; i < fl->nr_procs; i++)
		if (fl->procs[i].pid == pid)
			return &fl->procs[i];
	return NULL;
}

/* Adds a process, its pending flags copied from @like (or none; it may point into the table
 * that grows here). NULL on ENOMEM. */
static struct follow_proc *new_proc(struct follow *fl, pid_t pid, const struct follow_proc *like)
{
	struct follow_proc *grown, *p;
	size_t like_idx = like ? (size_t)(like - fl->procs) : 0;

	grown = realloc(fl->procs, (fl->nr_procs + 1) * sizeof(*grown));
	if (!grown)
		return NULL;
	fl->procs = grown;
	p = &fl->procs[fl->nr_procs];
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->pending = calloc(fl->nr_specs ?: 1, sizeof(*p->pending));
	if (!p->pending)
		return NULL;
	if (like) {
		like = &fl->procs[like_idx];
		memcpy(p->pending, like->pending, fl->nr_specs * sizeof(*p->pending));
		p->throws = like->throws;
	}
	fl->nr_procs++;
	return p;
}

static void drop_proc(struct follow *fl, struct follow_proc *p)
{
	free(p->pending);
	*p = fl->procs[--fl->nr_procs];
}

static bool any_pending(const struct follow *fl, const struct follow_proc *p)
{
	int s;

	for (s = 0; s < fl->nr_specs; s++)
		if (p->pending[s])
			return true;
	return false;
}

/* Says once per spec that it waits for its library. */
static void say_pending(struct follow *fl, const struct follow_proc *p, const char *where)
{
	int s;

	for (s = 0; s < fl->nr_specs; s++) {
		if (!p->pending[s] || fl->said_pending[s])
			continue;
		fl->said_pending[s] = true;
		elog("'%s': its library is not loaded in %s: traced once it is", fl->specs[s], where);
	}
}

int follow_add(struct follow *fl, pid_t pid, const char *exe, bool launched)
{
	struct funcs_opts opts = fl->opts;
	struct follow_proc *p;
	bool *matched;
	char where[64];
	int err, s;

	if (!fl->said_pending) {
		fl->said_pending = calloc(fl->nr_specs ?: 1, sizeof(*fl->said_pending));
		if (!fl->said_pending)
			return -ENOMEM;
	}
	p = new_proc(fl, pid, NULL);
	if (!p)
		return -ENOMEM;
	p->launched = launched;
	if (!fl->nr_specs)
		return 0;
	matched = calloc(fl->nr_specs, sizeof(*matched));
	if (!matched)
		return -ENOMEM;
	opts.pending = p->pending;
	opts.lenient = fl->lenient;
	opts.matched = matched;
	err = funcs_resolve(fl->ft, fl->specs, fl->nr_specs, launched ? 0 : pid, exe, &opts);
	if (err)
		goto cleanup;
	p->throws = funcs_process_throws(fl->ft, launched ? 0 : pid, exe);
	snprintf(where, sizeof(where), "process %d", pid);
	say_pending(fl, p, launched ? exe : where);
	/* Under -f (or for a script) a spec may be for the programs it goes on to run. */
	for (s = 0; s < fl->nr_specs && fl->lenient; s++)
		if (!matched[s] && !p->pending[s])
			elog("'%s' matches nothing in %s: traced in the programs it runs, if they "
			     "have it", fl->specs[s], launched ? exe : where);
cleanup:
	free(matched);
	return err;
}

void follow_set_child(struct follow *fl, pid_t pid)
{
	size_t i;

	for (i = 0; i < fl->nr_procs; i++)
		if (fl->procs[i].launched)
			fl->procs[i].pid = pid;
}

/* Finds ld.so's _dl_debug_state in process @pid: the path to attach to and its offset.
 * Returns 0 or -errno. */
static int linkmap_site(pid_t pid, char *path, size_t len, unsigned long long *off)
{
	struct elf_syms *syms = NULL;
	const struct elf_func *f = NULL;
	char *ld;
	size_t i;
	int err;

	ld = module_resolve_pid(pid, "ld-linux-x86-64");
	if (!ld)
		return -errno;
	snprintf(path, len, "/proc/%d/root%s", pid, ld);
	free(ld);
	err = elf_syms_load(path, &syms);
	if (err)
		return err;
	for (i = 0; i < syms->nr_funcs && !f; i++)
		if (!strcmp(syms->funcs[i].name, "_dl_debug_state"))
			f = &syms->funcs[i];
	if (f)
		*off = f->offset;
	elf_syms_free(syms);
	return f ? 0 : -ENOENT;
}

/* Makes process @p's probes: those of ft->funcs[p->attached..], and the link map hook when
 * a spec waits. Returns 0 or -errno (said). */
static int attach_proc(struct follow *fl, struct follow_proc *p)
{
	unsigned long long off = 0;
	char path[PATH_MAX];
	int err;

	if (p->attached < fl->ft->nr_funcs) {
		err = tracer_attach_funcs(fl->tr, fl->ft, p->attached, p->pid, p->throws);
		if (err)
			return err;
		p->attached = fl->ft->nr_funcs;
	}
	if (p->linkmap || !any_pending(fl, p))
		return 0;
	err = linkmap_site(p->pid, path, sizeof(path), &off);
	if (!err)
		err = tracer_attach_linkmap(fl->tr, path, off, p->pid);
	if (err) {
		elog("cannot watch process %d load libraries (%s): specs that wait for one will "
		     "not be traced there", p->pid, strerror(-err));
		return 0;
	}
	p->linkmap = true;
	return 0;
}

int follow_attach(struct follow *fl)
{
	size_t i;
	int err;

	if (!fl->nr_specs)
		return 0;
	err = tracer_add_func_specs(fl->tr, fl->ft, 0);
	for (i = 0; i < fl->nr_procs && !err; i++) {
		err = attach_proc(fl, &fl->procs[i]);
		if (err == -ESRCH)
			elog("process %d exited before its probes were in", fl->procs[i].pid);
	}
	return err;
}

void follow_on_event(void *ctx, const struct rtrace_hdr *h, size_t size)
{
	struct follow *fl = ctx;
	struct follow_work w = { .type = h->type, .pid = h->tgid };
	struct follow_work *grown;

	switch (h->type) {
	case RTRACE_EV_FORK:
		if (size < sizeof(struct rtrace_fork) ||
		    (((const struct rtrace_fork *)h)->flags & RTRACE_FORK_UNFOLLOWED))
			return;
		w.child = ((const struct rtrace_fork *)h)->child_tgid;
		break;
	case RTRACE_EV_EXEC:
	case RTRACE_EV_EXIT:
	case RTRACE_EV_LINKMAP:
		break;
	default:
		return;
	}
	if (!fl->nr_specs)
		return;
	if (fl->nr_work == fl->cap_work) {
		size_t cap = fl->cap_work ? fl->cap_work * 2 : 16;

		grown = realloc(fl->work, cap * sizeof(*grown));
		if (!grown)
			return;		/* that process goes without new probes */
		fl->work = grown;
		fl->cap_work = cap;
	}
	fl->work[fl->nr_work++] = w;
}

/* A child under -f: its parent's probes. */
static void on_fork(struct follow *fl, pid_t parent, pid_t child)
{
	struct follow_proc *p = find_proc(fl, parent), *c;

	if (!p || find_proc(fl, child))
		return;
	c = new_proc(fl, child, p);
	if (!c)
		return;
	/* Gone already: nothing to probe. */
	if (attach_proc(fl, c))
		vlog("no probes for process %d: it has exited", child);
}

/* Another program in a process: the specs again, against it. */
static void on_exec(struct follow *fl, pid_t pid)
{
	struct follow_proc *p = find_proc(fl, pid);
	struct funcs_opts opts = fl->opts;
	char link[64], exe[PATH_MAX];
	bool throws;
	ssize_t n;

	if (!p)
		return;
	/* The launched program: its first exec is the one resolved before it ran. */
	if (p->launched) {
		p->launched = false;
		return;
	}
	snprintf(link, sizeof(link), "/proc/%d/exe", pid);
	n = readlink(link, exe, sizeof(exe) - 1);
	if (n <= 0)
		return;		/* gone, or a kernel thread */
	exe[n] = '\0';
	memset(p->pending, 0, fl->nr_specs * sizeof(*p->pending));
	opts.pending = p->pending;
	opts.lenient = true;
	opts.quiet = true;
	if (funcs_resolve(fl->ft, fl->specs, fl->nr_specs, 0, exe, &opts))
		return;
	throws = funcs_process_throws(fl->ft, 0, exe);
	if (throws != p->throws) {
		/* Its return probes change kind: made again, all of them. */
		tracer_detach_pid(fl->tr, pid);
		p->throws = throws;
		p->attached = 0;
		p->linkmap = false;
	}
	tracer_add_func_specs(fl->tr, fl->ft, p->attached);
	if (attach_proc(fl, p))
		vlog("no probes for process %d's new program %s", pid, exe);
}

/* ld.so's list of objects changed: a library a spec waits for may be there. */
static void on_linkmap(struct follow *fl, pid_t pid)
{
	struct follow_proc *p = find_proc(fl, pid);
	struct funcs_opts opts = fl->opts;
	size_t first;
	bool still;
	int s;

	if (!p || !any_pending(fl, p))
		return;
	first = fl->ft->nr_funcs;
	opts.quiet = true;
	for (s = 0; s < fl->nr_specs; s++) {
		if (!p->pending[s])
			continue;
		still = false;
		opts.pending = &still;
		if (funcs_resolve(fl->ft, &fl->specs[s], 1, pid, NULL, &opts))
			continue;	/* said: it matches nothing in the library that came */
		if (!still) {
			p->pending[s] = false;
			vlog("'%s': loaded in process %d", fl->specs[s], pid);
		}
	}
	if (fl->ft->nr_funcs == first && p->attached == first)
		return;
	tracer_add_func_specs(fl->tr, fl->ft, first);
	if (attach_proc(fl, p))
		vlog("no probes for the libraries process %d loaded", pid);
}

int follow_run(struct follow *fl)
{
	struct follow_proc *p;
	size_t i;

	for (i = 0; i < fl->nr_work; i++) {
		struct follow_work *w = &fl->work[i];

		switch (w->type) {
		case RTRACE_EV_FORK:
			on_fork(fl, w->pid, w->child);
			break;
		case RTRACE_EV_EXEC:
			on_exec(fl, w->pid);
			break;
		case RTRACE_EV_LINKMAP:
			on_linkmap(fl, w->pid);
			break;
		case RTRACE_EV_EXIT:
			p = find_proc(fl, w->pid);
			if (p) {
				tracer_detach_pid(fl->tr, w->pid);
				drop_proc(fl, p);
			}
			break;
		}
	}
	fl->nr_work = 0;
	return 0;
}

void follow_free(struct follow *fl)
{
	size_t i;

	for (i = 0; i < fl->nr_procs; i++)
		free(fl->procs[i].pending);
	free(fl->procs);
	free(fl->work);
	free(fl->said_pending);
	fl->procs = NULL;
	fl->work = NULL;
	fl->said_pending = NULL;
	fl->nr_procs = fl->nr_work = fl->cap_work = 0;
}
