// SPDX-License-Identifier: GPL-2.0
/* Probes of Go functions: entries, RET sites and runtime.goexit1, one uprobe_multi link per
 * module and program (or one perf-event link per site before kernel 6.6). */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "syms/elf_syms.h"
#include "probes/funcs.h"
#include "dwarf/go_abi.h"
#include "go_attach.h"
#include "probes/gosites.h"
#include "util/log.h"
#include "rtrace.skel.h"
#include "tracer.h"
#include "probes/uprobe_multi.h"

/* Sites of one program in one module. */
struct go_set {
	__u64 *offsets;
	__u64 *cookies;
	size_t *func;		/* function index, for warnings; SIZE_MAX: goexit1 */
	size_t n, cap;
	size_t nr_bad;
	const char *bad_name;	/* one of the refused */
};

static int set_add(struct go_set *s, __u64 off, __u64 cookie, size_t func)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16, *f;
		__u64 *o = realloc(s->offsets, cap * sizeof(*o));

		if (!o)
			return -ENOMEM;
		s->offsets = o;
		o = realloc(s->cookies, cap * sizeof(*o));
		if (!o)
			return -ENOMEM;
		s->cookies = o;
		f = realloc(s->func, cap * sizeof(*f));
		if (!f)
			return -ENOMEM;
		s->func = f;
		s->cap = cap;
	}
	s->offsets[s->n] = off;
	s->cookies[s->n] = cookie;
	s->func[s->n++] = func;
	return 0;
}

static void set_free(struct go_set *s)
{
	free(s->offsets);
	free(s->cookies);
	free(s->func);
	memset(s, 0, sizeof(*s));
}

/* Errors one offset the kernel cannot probe makes of a link (as tracer.c). */
static bool offset_error(int err)
{
	return err == -RTRACE_ENOTSUPP || err == -ENOEXEC || err == -EINVAL;
}

static void note_bad(const struct func_table *ft, struct go_set *s, size_t i)
{
	s->nr_bad++;
	s->bad_name = s->func[i] == SIZE_MAX ? "runtime.goexit1" : ft->funcs[s->func[i]].name;
}

/* One link for offsets [lo, lo + n), or halves of it when the kernel refuses one. */
static int attach_range(struct tracer *tr, const struct func_table *ft, struct go_set *s,
			const char *path, int prog_fd, size_t lo, size_t n, int pid)
{
	int fd, err;

	fd = uprobe_multi_link_create(prog_fd, path, s->offsets + lo, s->cookies + lo, n, 0, pid);
	if (fd >= 0)
		return tracer_keep_multi_fd(tr, fd);
	if (!offset_error(fd))
		return fd;
	if (n == 1) {
		note_bad(ft, s, lo);
		return 0;
	}
	err = attach_range(tr, ft, s, path, prog_fd, lo, n / 2, pid);
	return err ?: attach_range(tr, ft, s, path, prog_fd, lo + n / 2, n - n / 2, pid);
}

static int attach_set(struct tracer *tr, const struct func_table *ft, struct go_set *s,
		      const char *path, struct bpf_program *prog, pid_t pid_filter)
{
	LIBBPF_OPTS(bpf_uprobe_opts, opts);
	struct bpf_link *link;
	size_t i;
	int err;

	if (!s->n)
		return 0;
	if (tr->use_multi)
		return attach_range(tr, ft, s, path, bpf_program__fd(prog), 0, s->n,
				    pid_filter < 0 ? 0 : pid_filter);
	for (i = 0; i < s->n; i++) {
		opts.bpf_cookie = s->cookies[i];
		link = bpf_program__attach_uprobe_opts(prog, pid_filter, path, s->offsets[i],
						       &opts);
		if (!link) {
			err = -errno;
			if (!offset_error(err))
				return err;
			note_bad(ft, s, i);
			continue;
		}
		err = tracer_keep_link(tr, link);
		if (err)
			return err;
	}
	return 0;
}

/* Finds runtime.goexit1 in the module and where its probe goes. Returns 0 (*off set), or
 * -ENOENT when it cannot be probed well. */
static int goexit_site(const struct func_module *mod, __u64 *off, bool *split)
{
	struct elf_syms *syms = NULL;
	struct psite_func pf = {};
	struct psite site;
	struct go_sites gs;
	unsigned char *code = NULL;
	struct elf_func *gf = NULL;
	size_t i;
	int fd = -1, err = -ENOENT;

	if (elf_syms_load(mod->open_path, &syms))
		return -ENOENT;
	for (i = 0; i < syms->nr_funcs && !gf; i++)
		if (!strcmp(syms->funcs[i].name, "runtime.goexit1"))
			gf = &syms->funcs[i];
	if (!gf || !gf->size || gf->size > 65536)
		goto cleanup;
	code = malloc(gf->size);
	fd = open(mod->open_path, O_RDONLY | O_CLOEXEC);
	if (!code || fd < 0 || pread(fd, code, gf->size, gf->offset) != (ssize_t)gf->size)
		goto cleanup;
	pf.code = code;
	pf.size = gf->size;
	pf.addr = gf->addr;
	pf.entries = mod->entries;
	pf.nr_entries = mod->nr_entries;
	if (go_choose(&pf, true, &site, &gs) == 1) {
		if (site.verdict != PSITE_REFUSE) {
			*off = gf->offset + site.off;
			*split = gs.on_branch;
			err = 0;
		}
		go_sites_free(&gs);
	}
cleanup:
	if (fd >= 0)
		close(fd);
	free(code);
	elf_syms_free(syms);
	return err;
}

static void warn_bad(const struct go_set *s, const char *what, const char *module)
{
	if (s->nr_bad)
		elog("cannot probe %zu %s in %s (e.g. %s): the kernel refused them", s->nr_bad,
		     what, module, s->bad_name);
}

static int attach_module(struct tracer *tr, const struct func_table *ft, size_t first,
			 const struct func_module *mod, pid_t pid_filter)
{
	struct go_set entries = {}, rets = {}, exits = {};
	size_t i, k, nr_rets = 0;
	__u64 owner = pid_filter > 0 ? (__u64)pid_filter << RTRACE_COOKIE_OWNER_SHIFT : 0;
	__u64 cookie, off;
	bool split;
	int err = 0;

	for (i = first; i < ft->nr_funcs && !err; i++) {
		const struct func_desc *f = &ft->funcs[i];

		if (f->module != mod->path || !f->go.is_go || f->refused)
			continue;
		cookie = i | owner | (f->no_return ? RTRACE_COOKIE_NORET : 0) |
			 (f->has_spec ? RTRACE_COOKIE_CAPTURE : 0) |
			 (f->go.on_branch ? RTRACE_COOKIE_GO_SPLIT : 0);
		err = set_add(&entries, f->offset, cookie, i);
		if (f->no_return)
			continue;
		cookie = i | owner | (f->has_ret_spec ? RTRACE_COOKIE_CAPTURE : 0);
		for (k = 0; k < f->go.nr_rets && !err; k++)
			err = set_add(&rets, f->entry_offset + f->go.rets[k], cookie, i);
		nr_rets += f->go.nr_rets;
	}
	/* Goroutines that end close their frames: only worth a probe when frames exist. */
	if (!err && nr_rets) {
		if (goexit_site(mod, &off, &split))
			vlog("no runtime.goexit1 to probe in %s: frames of goroutines that end "
			     "inside traced calls close when their g is reused", mod->path);
		else
			err = set_add(&exits, off, owner | (split ? RTRACE_COOKIE_GO_SPLIT : 0), SIZE_MAX);
	}
	if (err)
		goto cleanup;
	/* Returns before entries: a call that starts meanwhile shows as a return whose entry
	 * was not seen, never as an entry whose return was lost. */
	err = attach_set(tr, ft, &rets, mod->open_path, tr->skel->progs.go_return, pid_filter);
	if (!err)
		err = attach_set(tr, ft, &exits, mod->open_path, tr->skel->progs.go_exit,
				 pid_filter);
	if (!err)
		err = attach_set(tr, ft, &entries, mod->open_path, tr->skel->progs.go_entry,
				 pid_filter);
	err = tracer_gone(err, pid_filter);
	if (err) {
		if (err != -ESRCH)	/* a process gone has no need of them */
			elog("cannot attach probes to %s: %s", mod->path, strerror(-err));
		goto cleanup;
	}
	if (entries.n && entries.nr_bad == entries.n) {
		elog("cannot attach probes to %s: the kernel refused every Go function", mod->path);
		err = -RTRACE_ENOTSUPP;
		goto cleanup;
	}
	warn_bad(&entries, "Go function entries", mod->path);
	warn_bad(&rets, "RET sites (their calls show as unwound)", mod->path);
	warn_bad(&exits, "goroutine exit hooks", mod->path);
	vlog("%s: %zu Go entry sites, %zu RET sites%s", mod->path, entries.n - entries.nr_bad,
	     rets.n - rets.nr_bad, exits.n > exits.nr_bad ? ", runtime.goexit1" : "");
cleanup:
	set_free(&entries);
	set_free(&rets);
	set_free(&exits);
	return err;
}

int go_attach(struct tracer *tr, const struct func_table *ft, size_t first, pid_t pid_filter)
{
	size_t m;
	int err;

	for (m = 0; m < ft->nr_modules; m++) {
		if (!ft->modules[m].is_go)
			continue;
		if (bpf_program__fd(tr->skel->progs.go_entry) < 0) {
			elog("%s is a Go program that came after start-up: its functions are not "
			     "traced (rtrace loads its Go probes for -f or a Go program given)",
			     ft->modules[m].path);
			continue;
		}
		err = attach_module(tr, ft, first, &ft->modules[m], pid_filter);
		if (err)
			return err;
	}
	return 0;
}

int go_prepare(struct tracer *tr, bool multi, bool later)
{
	struct bpf_program *progs[] = {
		tr->skel->progs.go_entry, tr->skel->progs.go_return, tr->skel->progs.go_exit,
	};
	bool needed = later;
	size_t i, n = 0;
	int err;

	for (i = 0; tr->funcs && i < tr->funcs->nr_modules; i++)
		needed |= tr->funcs->modules[i].is_go;
	/* Their verification is most of rtrace's start-up (~90 ms): only when Go code may come. */
	for (i = 0; !needed && i < sizeof(progs) / sizeof(progs[0]); i++)
		bpf_program__set_autoload(progs[i], false);

	for (i = 0; tr->funcs && i < tr->funcs->nr_funcs; i++)
		n += tr->funcs->funcs[i].has_spec + tr->funcs->funcs[i].has_ret_spec;
	for (i = 0; tr->funcs && i < tr->funcs->nr_modules; i++)
		if (tr->funcs->modules[i].is_go && tr->funcs->modules[i].dwarf)
			tr->skel->rodata->go_stack_hi_off =
				go_stack_hi_offset(tr->funcs->modules[i].dwarf);
	for (i = 0; multi && i < sizeof(progs) / sizeof(progs[0]); i++) {
		err = bpf_program__set_expected_attach_type(progs[i],
				(enum bpf_attach_type)RTRACE_BPF_TRACE_UPROBE_MULTI);
		if (err)
			return err;
	}
	return bpf_map__set_max_entries(tr->skel->maps.go_specs, n ?: 1);
}

int go_load_specs(struct tracer *tr)
{
	int fd = bpf_map__fd(tr->skel->maps.go_specs);
	__u64 id, key;

	for (id = 0; tr->funcs && id < tr->funcs->nr_funcs; id++) {
		const struct func_desc *f = &tr->funcs->funcs[id];

		key = id * 2;
		if (f->go.is_go && f->has_spec && bpf_map_update_elem(fd, &key, &f->spec, BPF_ANY))
			return -errno;
		key = id * 2 + 1;
		if (f->go.is_go && f->has_ret_spec &&
		    bpf_map_update_elem(fd, &key, &f->ret_spec, BPF_ANY))
			return -errno;
	}
	return 0;
}
