// SPDX-License-Identifier: GPL-2.0
/* Resolving -x [MODULE:]GLOB specs into probe sites. */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include "dwarf/dwarf_args.h"
#include "syms/demangle.h"
#include "syms/elf_syms.h"
#include "funcs.h"
#include "dwarf/go_abi.h"
#include "util/log.h"
#include "syms/modules.h"
#include "output/output.h"
#include "rtrace.h"

/* These return twice, never return the normal way, or return on another
 * stack: a hijacked return address would break the program (setjmp would save
 * the trampoline as the place to come back to; a trampoline hit with no
 * instance is a SIGILL), so they get entry probes only. Compared without the
 * prefixes of glibc's aliases (`__GI___sigsetjmp`, `____longjmp_chk`), since
 * the probe is on the address, whichever of its names the table shows. */
static const char *const entry_only[] = {
	"setjmp", "sigsetjmp", "longjmp", "siglongjmp", "longjmp_chk", "longjmp_cancel",
	"longjmp_unwind", "getcontext", "setcontext", "swapcontext", "makecontext",
	"start_context", "vfork", "clone", "clone3", "clone_internal", "exit", "Exit",
	"libc_start_main", "libc_start_call_main", "start", "restore_rt",
	"dl_runtime_resolve", "dl_runtime_resolve_xsave", "dl_runtime_resolve_xsavec",
	"dl_runtime_resolve_fxsave", "dl_runtime_profile", "dl_start", "dl_start_user",
	"pthread_exit", "abort",
	/* The unwinders start their walk at their own frame, whose return address must be
	 * real; they do not return the normal way anyway. */
	"Unwind_RaiseException", "Unwind_Resume", "Unwind_ForcedUnwind",
	"Unwind_Resume_or_Rethrow", "cxa_throw", "cxa_rethrow",
};

static bool must_skip_return(const char *name)
{
	size_t i;

	if (!strncmp(name, "__GI_", 5))
		name += 5;
	if (!strncmp(name, "__libc_", 7) && strcmp(name, "__libc_start_main") &&
	    strcmp(name, "__libc_start_call_main"))
		name += 7;
	while (*name == '_')
		name++;
	for (i = 0; i < sizeof(entry_only) / sizeof(entry_only[0]); i++)
		if (!strcmp(name, entry_only[i]))
			return true;
	return false;
}

/* The addresses of @syms that some name says must not return (a few dozen in libc), for
 * any_alias_skips_return(). Returns the count, -ENOMEM. */
static long skip_return_addrs(const struct elf_syms *syms, unsigned long long **out)
{
	unsigned long long *v = NULL, *grown;
	size_t i, n = 0;

	for (i = 0; syms && i < syms->nr_funcs; i++) {
		if (!must_skip_return(syms->funcs[i].name))
			continue;
		grown = realloc(v, (n + 1) * sizeof(*v));
		if (!grown) {
			free(v);
			return -ENOMEM;
		}
		v = grown;
		v[n++] = syms->funcs[i].addr;
	}
	*out = v;
	return n;
}

/* Whether any name at @addr is one of those (aliases share the probe). */
static bool any_alias_skips_return(const unsigned long long *addrs, size_t n,
				   unsigned long long addr)
{
	while (n--)
		if (addrs[n] == addr)
			return true;
	return false;
}

static size_t index_slot(const struct func_table *ft, const char *module, __u64 off)
{
	__u64 h = ((__u64)(uintptr_t)module * 31 + off) * 0x9E3779B97F4A7C15ULL;

	return (h >> 17) & (ft->index_cap - 1);
}

/* The function of @module at file offset @off already in @ft, or NULL. */
static struct func_desc *find_func(const struct func_table *ft, const char *module, __u64 off)
{
	size_t i;

	if (!ft->index_cap)
		return NULL;
	for (i = index_slot(ft, module, off); ft->index[i]; i = (i + 1) & (ft->index_cap - 1)) {
		struct func_desc *f = &ft->funcs[ft->index[i] - 1];

		if (f->module == module && f->entry_offset == off)
			return f;
	}
	return NULL;
}

/* Indexes ft->funcs[ft->nr_funcs - 1], growing the index to stay under half full. Returns 0
 * or -ENOMEM. */
static int index_last(struct func_table *ft)
{
	size_t i, k;

	if (2 * ft->nr_funcs > ft->index_cap) {
		size_t cap = ft->index_cap ? ft->index_cap * 2 : 1024, *old = ft->index;

		ft->index = calloc(cap, sizeof(*ft->index));
		if (!ft->index) {
			ft->index = old;
			return -ENOMEM;
		}
		free(old);
		ft->index_cap = cap;
		for (k = 0; k + 1 < ft->nr_funcs; k++) {
			for (i = index_slot(ft, ft->funcs[k].module, ft->funcs[k].entry_offset);
			     ft->index[i]; i = (i + 1) & (cap - 1))
				;
			ft->index[i] = k + 1;
		}
	}
	k = ft->nr_funcs - 1;
	for (i = index_slot(ft, ft->funcs[k].module, ft->funcs[k].entry_offset); ft->index[i];
	     i = (i + 1) & (ft->index_cap - 1))
		;
	ft->index[i] = k + 1;
	return 0;
}

struct match_ctx {
	struct func_table *ft;
	const struct elf_syms *syms;
	unsigned long long *skip_addrs;	/* skip_return_addrs() */
	size_t nr_skip_addrs;
	const char *module;
	bool entry_only;	/* the whole module: C++ with exceptions */
	size_t ifuncs;		/* IFUNC resolvers matched and skipped */
	char an_ifunc[128];	/* the first, and its module */
	const char *ifunc_module;
	int err;
};

static int take_cold(const struct elf_func *f, void *data)
{
	struct func_desc *fd = data;

	fd->cold_addr = f->addr;
	fd->cold_size = f->size;
	return -1;	/* the first is enough */
}

/* Names @fd by the symbol @sym, and by its demangled name for output (without one on
 * ENOMEM: the symbol shows then). Returns 0 or -ENOMEM (@fd keeps its names then). */
static int set_name(struct func_desc *fd, const char *sym)
{
	char *name = strdup(sym);

	if (!name)
		return -ENOMEM;
	free(fd->name);
	free(fd->demangled);
	fd->name = name;
	fd->demangled = demangle_name(sym);
	return 0;
}

static int add_func(const struct elf_func *f, void *data)
{
	struct match_ctx *m = data;
	struct func_table *ft = m->ft;
	struct func_desc *grown, *a;

	/* An IFUNC symbol is its resolver, which runs once at relocation; the
	 * implementation it picks is another symbol (e.g. __strlen_avx2). */
	if (f->flags & ELF_FUNC_IFUNC) {
		if (!m->ifuncs++) {
			snprintf(m->an_ifunc, sizeof(m->an_ifunc), "%s", f->name);
			m->ifunc_module = m->module;
		}
		return 0;
	}
	/* Aliases share an address: one probe per site, or each hit would show twice. It
	 * goes by the public name when it has one (`__sigsetjmp`, not `__GI___sigsetjmp`),
	 * else by one without glibc's internal prefix (`__nptl_free_tcb`). */
	a = find_func(ft, m->module, f->offset);
	if (a) {
		bool gi = !strncmp(a->name, "__GI_", 5);

		if (strncmp(f->name, "__GI_", 5) &&
		    ((f->flags & ELF_FUNC_DYNSYM) ? gi || !a->dynsym : gi && !a->dynsym)) {
			m->err = set_name(a, f->name);
			a->dynsym = f->flags & ELF_FUNC_DYNSYM;
		}
		return m->err;
	}
	if (ft->nr_funcs == ft->cap_funcs) {
		size_t cap = ft->cap_funcs ? ft->cap_funcs * 2 : 64;

		grown = realloc(ft->funcs, cap * sizeof(*grown));
		if (!grown) {
			m->err = -ENOMEM;
			return -ENOMEM;
		}
		ft->funcs = grown;
		ft->cap_funcs = cap;
	}
	grown = &ft->funcs[ft->nr_funcs];
	grown->name = grown->demangled = NULL;
	m->err = set_name(grown, f->name);
	if (m->err)
		return m->err;
	grown->module = m->module;
	grown->addr = f->addr;
	grown->size = f->size;
	grown->entry_offset = f->offset;
	grown->offset = f->offset;
	grown->refused = false;
	grown->proto = NULL;
	grown->has_spec = false;
	grown->dynsym = f->flags & ELF_FUNC_DYNSYM;
	grown->no_return = m->entry_only ||
			   any_alias_skips_return(m->skip_addrs, m->nr_skip_addrs, f->addr);
	grown->calls = grown->exits_ok = grown->flowed = grown->jump_table = false;
	grown->exits = NULL;
	grown->nr_exits = 0;
	grown->cold_addr = grown->cold_size = 0;
	grown->go_proto = NULL;
	grown->has_ret_spec = false;
	memset(&grown->go, 0, sizeof(grown->go));
	memset(&grown->site, 0, sizeof(grown->site));
	ft->nr_funcs++;
	if (index_last(ft)) {
		m->err = -ENOMEM;
		return -ENOMEM;
	}
	/* Code the compiler moved out of line (`f.cold`) may hold some of f's exits. */
	if (m->syms) {
		char cold[512];

		snprintf(cold, sizeof(cold), "%s.cold", f->name);
		elf_syms_match(m->syms, cold, take_cold, grown);
	}
	return 0;
}

/* Returns the module entry for path, adding it. NULL on ENOMEM. */
static struct func_module *module_get(struct func_table *ft, const char *path, pid_t pid)
{
	struct func_module *grown, *mod;
	size_t i;

	for (i = 0; i < ft->nr_modules; i++)
		if (!strcmp(ft->modules[i].path, path))
			return &ft->modules[i];
	grown = realloc(ft->modules, (ft->nr_modules + 1) * sizeof(*grown));
	if (!grown)
		return NULL;
	/* funcs point at module paths, which are heap strings: they survive the move. */
	ft->modules = grown;
	mod = &ft->modules[ft->nr_modules];
	memset(mod, 0, sizeof(*mod));
	mod->path = strdup(path);
	if (pid > 0 && strncmp(path, "/proc/", 6)) {
		/* Open the target's file in its own mount namespace. */
		if (asprintf(&mod->open_path, "/proc/%d/root%s", pid, path) < 0)
			mod->open_path = NULL;
	} else {
		mod->open_path = strdup(path);
	}
	if (!mod->path || !mod->open_path) {
		free(mod->path);
		free(mod->open_path);
		return NULL;
	}
	ft->nr_modules++;
	return mod;
}

static int cmp_u64(const void *a, const void *b)
{
	__u64 x = *(const __u64 *)a, y = *(const __u64 *)b;

	return x < y ? -1 : x > y;
}

/* Keeps every function symbol's address of the module, sorted: a probe never moves onto or
 * past another function's entry. Returns 0 or -ENOMEM. */
static int module_entries(struct func_module *mod, const struct elf_syms *syms)
{
	size_t i, n = 0;

	mod->entries = calloc(syms->nr_funcs ?: 1, sizeof(*mod->entries));
	if (!mod->entries)
		return -ENOMEM;
	for (i = 0; i < syms->nr_funcs; i++)
		mod->entries[i] = syms->funcs[i].addr;
	qsort(mod->entries, syms->nr_funcs, sizeof(*mod->entries), cmp_u64);
	for (i = 0; i < syms->nr_funcs; i++)
		if (!n || mod->entries[n - 1] != mod->entries[i])
			mod->entries[n++] = mod->entries[i];
	mod->nr_entries = n;
	return 0;
}

/* Adds the functions of the module at @path that @glob names (add_func()). Returns how many,
 * IFUNC resolvers left out (m->ifuncs counts them), or -errno (said). */
static int match_module(struct func_table *ft, const char *path, const char *glob, pid_t pid,
			struct match_ctx *m)
{
	struct elf_syms *syms = NULL;
	struct func_module *mod;
	size_t ifuncs = m->ifuncs;
	int err, n = 0;

	mod = module_get(ft, path, pid);
	if (!mod)
		return -ENOMEM;
	err = elf_syms_load(mod->open_path, &syms);
	if (err) {
		if (err == -ENOEXEC)
			elog("'%s' is not an ELF file", mod->path);
		else
			elog("cannot read symbols of '%s': %s", mod->path, strerror(-err));
		return err;
	}
	mod->is_go = syms->is_go;
	mod->cxx_eh = syms->cxx_eh;
	mod->other_arch = syms->e_machine != EM_X86_64;
	if (!mod->entries) {
		err = module_entries(mod, syms);
		if (err)
			goto cleanup;
	}
	if (syms->debug_path && !mod->debug_path)
		mod->debug_path = strdup(syms->debug_path);
	m->module = mod->path;
	m->syms = syms;
	/* Go: returns by RET sites where the code is Go's (go_choose), else entries only */
	m->entry_only = false;
	n = skip_return_addrs(syms, &m->skip_addrs);
	if (n < 0) {
		err = n;
		goto cleanup;
	}
	m->nr_skip_addrs = n;
	n = elf_syms_match_spec(syms, glob, add_func, m);
	err = m->err ?: (n < 0 ? n : 0);
cleanup:
	free(m->skip_addrs);
	m->skip_addrs = NULL;
	m->syms = NULL;
	elf_syms_free(syms);
	return err ?: n - (int)(m->ifuncs - ifuncs);
}

/* The modules MODULE @name names in process @pid or for the program @exe: every one a glob
 * matches, else the one module_resolve_pid() or module_resolve_exe() finds. Returns 0 with
 * *paths (module_list_free()) and *n, none when nothing is found, or -ENOMEM. */
static int spec_modules(const char *name, pid_t pid, const char *exe, char ***paths, size_t *n)
{
	char *path;

	*paths = NULL;
	*n = 0;
	if (module_is_glob(name))
		return module_glob(pid, pid > 0 ? NULL : exe, name, paths, n) == -ENOMEM ? -ENOMEM : 0;
	path = pid > 0 ? module_resolve_pid(pid, name) : module_resolve_exe(exe, name);
	if (!path)
		return errno == ENOMEM ? -ENOMEM : 0;
	*paths = malloc(sizeof(**paths));
	if (!*paths) {
		free(path);
		return -ENOMEM;
	}
	(*paths)[0] = path;
	*n = 1;
	return 0;
}

/* Says that MODULE @name of @spec names no module. */
static void say_no_module(const char *name, pid_t pid, const char *exe, const char *spec)
{
	const char *matches = module_is_glob(name) ? " matches" : "";

	if (pid > 0)
		elog("no module%s '%s' in process %d (spec '%s')", matches, name, pid, spec);
	else
		elog("no module%s '%s' for %s (spec '%s')", matches, name, exe, spec);
}

static int resolve_spec(struct func_table *ft, const char *spec, pid_t pid, const char *exe,
			bool *pending, bool lenient, bool *matched)
{
	char *module_name = NULL, *glob = NULL, **paths = NULL, where[PATH_MAX + 64];
	struct match_ctx m = { .ft = ft };
	size_t nr_paths = 0, i;
	int err, n, found = 0;

	err = spec_split(spec, &module_name, &glob);
	if (err) {
		elog("invalid function spec '%s' (want [MODULE:]GLOB)", spec);
		goto cleanup;
	}
	err = spec_modules(module_name, pid, exe, &paths, &nr_paths);
	if (err)
		goto cleanup;
	/* A library not loaded yet waits (the main executable never does). */
	if (!nr_paths && pending && module_name && *module_name) {
		*pending = true;
		goto cleanup;
	}
	if (!nr_paths && lenient) {
		vlog("no module '%s' in %s: '%s' not traced there", module_name, exe, spec);
		goto cleanup;
	}
	if (!nr_paths) {
		err = -ENOENT;
		say_no_module(module_name, pid, exe, spec);
		goto cleanup;
	}
	/* a glob's modules: a function in any of them will do */
	for (i = 0; i < nr_paths; i++) {
		n = match_module(ft, paths[i], glob, pid, &m);
		if (n < 0) {
			err = n;
			goto cleanup;
		}
		found += n;
	}
	if (nr_paths == 1)
		snprintf(where, sizeof(where), "%s", paths[0]);
	else
		snprintf(where, sizeof(where), "the %zu modules '%s' matches", nr_paths, module_name);
	if (matched)
		*matched = found > 0;
	if (!found && lenient) {
		vlog("no function matches '%s' in %s", glob, where);
	} else if (!found) {
		if (m.ifuncs)
			elog("'%s' in %s is an IFUNC, resolved at run time: trace its "
			     "implementations instead (e.g. '__%s_*')", m.an_ifunc, m.ifunc_module,
			     m.an_ifunc);
		else
			elog("no function matches '%s' in %s", glob, where);
		err = -ENOENT;
		goto cleanup;
	}
	if (m.ifuncs)
		vlog("skipped %zu IFUNC resolvers matching '%s' in %s", m.ifuncs, glob, where);
cleanup:
	module_list_free(paths, nr_paths);
	free(module_name);
	free(glob);
	return err;
}

/* Reads each module's DWARF once, for the prototypes of its traced functions
 * and what BPF must copy for their arguments. */
static void load_types(struct func_table *ft, size_t first, const struct funcs_opts *opts)
{
	size_t i, m;

	for (m = 0; m < ft->nr_modules; m++) {
		struct func_module *mod = &ft->modules[m];

		for (i = first; i < ft->nr_funcs && ft->funcs[i].module != mod->path; i++)
			;
		if (mod->types_tried || i == ft->nr_funcs)
			continue;	/* tried, or nothing of it traced (yet) */
		mod->types_tried = true;
		mod->dwarf = dwarf_module_open(mod->open_path, mod->debug_path);
		if (!mod->dwarf) {
			if (!opts->raw_args && !opts->quiet)
				elog("no type information (DWARF) in %s: arguments not shown; install "
				     "its debug package, or see --args=raw", mod->path);
			continue;
		}
		vlog("types of %s from %s", mod->path, dwarf_module_path(mod->dwarf));
	}
	for (i = first; i < ft->nr_funcs; i++) {
		struct func_desc *f = &ft->funcs[i];

		for (m = 0; m < ft->nr_modules; m++) {
			if (ft->modules[m].path != f->module || !ft->modules[m].dwarf)
				continue;
			if (ft->modules[m].is_go)
				f->go_proto = go_proto_find(ft->modules[m].dwarf, f->name, f->addr);
			if (!f->go_proto)
				f->proto = dwarf_proto_find(ft->modules[m].dwarf, f->name, f->addr);
		}
		if (f->go_proto) {
			f->has_spec = go_proto_captures(f->go_proto, false, &f->spec) > 0;
			f->has_ret_spec = go_proto_captures(f->go_proto, true, &f->ret_spec) > 0;
			if (log_verbosity > 0) {
				fputs("rtrace: ", stderr);
				go_proto_describe(stderr, f->go_proto);
				fputc('\n', stderr);
			}
			continue;
		}
		if (!f->proto)
			continue;
		f->has_spec = dwarf_proto_captures(f->proto, opts->deref, &f->spec) > 0;
		f->has_ret_spec = dwarf_proto_ret_captures(f->proto, &f->ret_spec) > 0;
		if (log_verbosity > 0) {
			/* Where each argument is read from: what -v is for. */
			fputs("rtrace: ", stderr);
			dwarf_proto_describe(stderr, f->proto);
			fputc('\n', stderr);
		}
	}
}

/* The one line that says why @f is not traced. */
static void say_refused(const struct func_desc *f, const char *module)
{
	const struct psite *ps = &f->site;
	char stop[160];

	if (!ps->first.len) {
		elog("not tracing %s in %s: %s", func_shown_name(f), module, ps->why);
		return;
	}
	/* The first instruction itself, or one after it, keeps the probe from moving on. */
	if (!strcmp(ps->block, ps->first.text))
		snprintf(stop, sizeof(stop), "it: %s", ps->why);
	else
		psite_stop(ps, stop, sizeof(stop));
	elog("not tracing %s in %s: %s `%s` at its entry (%s), and the probe cannot move past %s",
	     func_shown_name(f), module,
	     ps->first.cls == PSITE_UNSAFE ? "the kernel would run" : "the kernel refuses a probe on",
	     ps->first.text, ps->first.why, stop);
}

/* Exits a function may have, at most: past that, it is traced by uretprobe or entry only. */
#define MAX_EXITS	256

/* Finds how @f leaves and whether it calls out (psite_flow()), from its code in @map.
 * Returns 0 or -ENOMEM. */
static int func_flow(struct func_desc *f, const struct psite_func *pf, const unsigned char *map,
		     size_t map_size)
{
	struct psite_exit exits[MAX_EXITS];
	struct psite_flow flow = { .exits = exits, .max_exits = MAX_EXITS };
	const unsigned char *cold = NULL;
	size_t cold_size = 0;
	__u64 cold_off = f->entry_offset + (f->cold_addr - f->addr);

	/* Same segment as the function: the same distance in the file. */
	if (f->cold_addr && cold_off < map_size && f->cold_size <= map_size - cold_off) {
		cold = map + cold_off;
		cold_size = f->cold_size;
	}
	psite_flow(pf, cold, cold_size, f->cold_addr, &flow);
	f->calls = flow.calls || flow.jump_table || flow.undecoded;
	f->jump_table = flow.jump_table || flow.undecoded;
	/* setjmp by another name: never a uretprobe */
	if (flow.reads_ret_addr)
		f->no_return = true;
	if (flow.nr_exits > MAX_EXITS || flow.undecoded)
		return 0;	/* no list to trust: never traced by its exits */
	f->exits = malloc(flow.nr_exits * sizeof(*f->exits) ?: 1);
	if (!f->exits)
		return -ENOMEM;
	memcpy(f->exits, exits, flow.nr_exits * sizeof(*f->exits));
	f->nr_exits = flow.nr_exits;
	return 0;
}

/* Whether @f's returns can be traced at its exits, its entry site chosen: one probe cannot be
 * both its entry and its exit (`f: jmp g`), and each exit must take one (not a `notrack
 * jmp`). */
static bool exits_ok(const struct func_desc *f)
{
	size_t i;

	for (i = 0; i < f->nr_exits; i++)
		if (f->exits[i].off == f->site.off || f->exits[i].cls == PSITE_REFUSED ||
		    f->exits[i].cls == PSITE_UNSAFE)
			return false;
	return f->nr_exits > 0;
}

/* A function of a Go module: Go's own sites (gosites.h) if it is Go code, else the C rules
 * and its entry only (a uretprobe would rewrite a return address on a goroutine stack).
 * Returns 1 when the site is chosen, 0 for the C rules, -errno. */
static int choose_go_site(struct func_desc *f, const struct psite_func *pf)
{
	bool go_code = f->go_proto || go_symbol_is_go(f->name);
	int r = go_choose(pf, go_code, &f->site, &f->go);

	if (r <= 0 || f->go.no_ret)
		f->no_return = true;
	return r;
}

/* Adds to mod->entries the target of every relative branch in the module's executable
 * sections (@map, the whole file of @size bytes): a probe may not move past a place another
 * function jumps into either. Returns 0 or -ENOMEM; a file whose section headers make no
 * sense adds nothing. */
static int sweep_branch_targets(struct func_module *mod, const unsigned char *map, size_t size)
{
	const Elf64_Ehdr *eh = (const void *)map;
	struct psite_targets t = {};
	__u64 *all = NULL;
	size_t i, n = 0;
	int err = 0;

	if (size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_shentsize != sizeof(Elf64_Shdr) ||
	    eh->e_shoff > size || eh->e_shnum > (size - eh->e_shoff) / sizeof(Elf64_Shdr))
		goto cleanup;
	for (i = 0; i < eh->e_shnum && !err; i++) {
		const Elf64_Shdr *sh = (const void *)(map + eh->e_shoff + i * sizeof(*sh));

		if (sh->sh_type != SHT_PROGBITS || !(sh->sh_flags & SHF_EXECINSTR) ||
		    sh->sh_offset > size || sh->sh_size > size - sh->sh_offset)
			continue;
		err = psite_branch_targets(map + sh->sh_offset, sh->sh_size, sh->sh_addr,
					   mod->entries, mod->nr_entries, &t);
	}
	if (err || !t.nr)
		goto cleanup;
	all = malloc((mod->nr_entries + t.nr) * sizeof(*all));
	if (!all) {
		err = -ENOMEM;
		goto cleanup;
	}
	memcpy(all, mod->entries, mod->nr_entries * sizeof(*all));
	for (i = 0; i < t.nr; i++)
		all[mod->nr_entries + i] = t.addrs[i];
	qsort(all, mod->nr_entries + t.nr, sizeof(*all), cmp_u64);
	for (i = 0; i < mod->nr_entries + t.nr; i++)
		if (!n || all[n - 1] != all[i])
			all[n++] = all[i];
	free(mod->entries);
	mod->entries = all;
	mod->nr_entries = n;
cleanup:
	free(t.addrs);
	return err;
}

/* Chooses the probe site of every function of @mod (probesite.h), from the module's code.
 * Returns 0, or -errno when the file cannot be read. */
/* Chooses the probe site of every function of @mod (probesite.h), from the module's code:
 * with @flow_only, only what its code says of how each leaves (func_flow(), which needs no
 * DWARF and so runs while the types load); then, types loaded, the sites. Returns 0, or
 * -errno when the file cannot be read. */
static int module_sites(struct func_table *ft, size_t first, struct func_module *mod,
			const struct funcs_opts *opts, bool flow_only)
{
	const unsigned char *map = MAP_FAILED;
	struct stat st;
	size_t i;
	int fd, err = 0, chosen;

	fd = open(mod->open_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		err = -errno;
		goto cleanup;
	}
	if (st.st_size > 0)
		map = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		err = st.st_size > 0 ? -errno : -ENOEXEC;
		goto cleanup;
	}
	if (!mod->entries_swept && !mod->other_arch && !opts->naive) {
		err = sweep_branch_targets(mod, map, st.st_size);
		if (err)
			goto cleanup;
		mod->entries_swept = true;
	}
	for (i = first; i < ft->nr_funcs; i++) {
		struct func_desc *f = &ft->funcs[i];
		struct psite_func pf = {
			.addr = f->addr,
			.entries = mod->entries,
			.nr_entries = mod->nr_entries,
			.stay = opts->naive ? "RTRACE_NAIVE_PROBES is set" : NULL,
		};

		if (f->module != mod->path)
			continue;
		if (mod->other_arch || f->entry_offset >= (__u64)st.st_size) {
			if (flow_only)
				continue;
			f->refused = true;
			f->site.verdict = PSITE_REFUSE;
			f->site.why = mod->other_arch ? "not x86-64 code" : "its code is not in the file";
		} else {
			pf.code = map + f->entry_offset;
			pf.size = st.st_size - f->entry_offset;
			if (f->size && f->size < pf.size)
				pf.size = f->size;
			/* No size, no way to know the branches into it: the first byte or nothing. */
			if (!f->size) {
				pf.stay = "the symbol has no size";
				if (pf.size > 15)
					pf.size = 15;
			}
			if (!f->flowed) {
				/* No size, no code to read: it may call anything. */
				f->calls = !f->size;
				if (f->size) {
					err = func_flow(f, &pf, map, st.st_size);
					if (err)
						goto cleanup;
				}
				f->flowed = true;
			}
			if (flow_only)
				continue;
			pf.jump_table = f->jump_table;
			pf.swept = mod->entries_swept && f->size;
			pf.arg_regs = opts->raw_args ? 0x3f : dwarf_proto_arg_regs(f->proto);
			chosen = mod->is_go ? choose_go_site(f, &pf) : 0;
			if (chosen < 0) {
				err = chosen;
				goto cleanup;
			}
			if (!chosen)
				psite_choose(&pf, &f->site);
			f->refused = f->site.verdict == PSITE_REFUSE;
			f->exits_ok = exits_ok(f);
			if (f->refused && opts->kernel_decides &&
			    f->site.first.cls == PSITE_REFUSED) {
				f->refused = false;
				f->site.verdict = PSITE_AT_ENTRY;
				f->site.off = 0;
				f->site.at = f->site.first;
			}
			f->offset = f->entry_offset + f->site.off;
		}
		if (f->refused && !opts->quiet)
			say_refused(f, mod->path);
	}
cleanup:
	if (map != MAP_FAILED)
		munmap((void *)map, st.st_size);
	if (fd >= 0)
		close(fd);
	if (err)
		elog("cannot read the code of %s: %s", mod->path, strerror(-err));
	return err;
}

struct types_job {
	struct func_table *ft;
	size_t first;
	const struct funcs_opts *opts;
};

static void *types_thread(void *arg)
{
	struct types_job *job = arg;

	load_types(job->ft, job->first, job->opts);
	return NULL;
}

/* Each module with functions from @first on: the flow of their code, then their sites.
 * DWARF types load meanwhile in a thread of their own (the largest costs of resolving
 * `libc:*`: ~80 ms of DWARF, ~60 ms of decoding); they touch other fields. */
static int choose_sites(struct func_table *ft, size_t first, const struct funcs_opts *opts)
{
	struct types_job job = { ft, first, opts };
	bool threaded = false;
	pthread_t th;
	size_t i, k;
	int err = 0, pass;

	if (opts->types)
		threaded = !pthread_create(&th, NULL, types_thread, &job);
	for (pass = 0; pass < 2; pass++) {
		if (pass == 1 && threaded)
			pthread_join(th, NULL);
		else if (pass == 1 && opts->types)
			load_types(ft, first, opts);
		for (i = 0; i < ft->nr_modules && !err; i++) {
			for (k = first; k < ft->nr_funcs && ft->funcs[k].module != ft->modules[i].path;
			     k++)
				;
			if (k < ft->nr_funcs)	/* something new in it */
				err = module_sites(ft, first, &ft->modules[i], opts, pass == 0);
		}
		if (err && pass == 0 && threaded)
			pthread_join(th, NULL);
		if (err)
			break;
	}
	return err;
}

/* Says which functions of a Go module get entry probes only: all (not Go code), or a few
 * (assembly, wrappers: -v). */
static void say_go_entries(const struct func_table *ft, const struct func_module *mod)
{
	size_t i, rets = 0, entries = 0;

	for (i = 0; i < ft->nr_funcs; i++) {
		const struct func_desc *f = &ft->funcs[i];

		if (f->module != mod->path || f->refused)
			continue;
		if (f->no_return)
			entries++;
		else
			rets++;
	}
	if (entries && !rets)
		elog("%s is a Go binary: tracing function entries only (no Go code with RET "
		     "instructions matched; a uretprobe would corrupt Go stacks)", mod->path);
	else if (entries)
		vlog("%s: %zu Go functions traced by their entries only (see --list)", mod->path,
		     entries);
}

int funcs_resolve(struct func_table *ft, char **specs, int nr_specs, pid_t pid, const char *exe,
		  const struct funcs_opts *opts)
{
	size_t first = ft->nr_funcs, first_mod = ft->nr_modules, i;
	bool any = false;
	int err;

	for (int s = 0; s < nr_specs; s++) {
		err = resolve_spec(ft, specs[s], pid, exe, opts->pending ? &opts->pending[s] : NULL,
				   opts->lenient, opts->matched ? &opts->matched[s] : NULL);
		if (err)
			return err;
		any |= !opts->pending || !opts->pending[s];
	}
	err = choose_sites(ft, first, opts);
	if (err)
		return err;
	/* Said function by function; with none left (and none to wait for), nothing to do. */
	for (i = first; i < ft->nr_funcs && ft->funcs[i].refused; i++)
		;
	if (any && first == 0 && ft->nr_funcs && i == ft->nr_funcs && !opts->quiet)
		return -ENOENT;
	for (i = first_mod; i < ft->nr_modules && !opts->quiet; i++)
		if (ft->modules[i].is_go)
			say_go_entries(ft, &ft->modules[i]);
	return 0;
}

enum funcs_ret_how funcs_ret_how(const struct func_desc *f, bool throws)
{
	if (f->no_return)
		return FUNCS_RET_NONE;
	if (!throws || !f->calls)
		return FUNCS_RET_URETPROBE;
	return f->exits_ok ? FUNCS_RET_EXITS : FUNCS_RET_NONE;
}

/* The libraries that unwind C++ exceptions, by module name (module_name_matches()). */
static const char *const unwinder_libs[] = { "libgcc_s", "libstdc++", "libunwind", "libc++abi" };

static int find_unwinder(const struct elf_func *f, void *data)
{
	(void)f;
	*(bool *)data = true;
	return -1;
}

bool funcs_process_throws(const struct func_table *ft, pid_t pid, const char *exe)
{
	struct elf_syms *syms = NULL;
	char **paths = NULL, *self;
	bool throws = false;
	size_t n = 0, i, l;

	for (i = 0; i < ft->nr_modules; i++)
		if (ft->modules[i].cxx_eh)
			return true;
	if (pid > 0 ? module_list_pid(pid, &paths, &n) : module_list_exe(exe, &paths, &n))
		return true;	/* cannot tell: assume it can */
	for (i = 0; i < n && !throws; i++) {
		const char *base = strrchr(paths[i], '/');

		base = base ? base + 1 : paths[i];
		for (l = 0; l < sizeof(unwinder_libs) / sizeof(unwinder_libs[0]); l++)
			throws |= module_name_matches(unwinder_libs[l], base);
	}
	/* A statically linked unwinder, in the executable itself. */
	self = pid > 0 ? module_resolve_pid(pid, NULL) : module_resolve_exe(exe, NULL);
	if (!throws && self) {
		char open_path[4096];

		if (pid > 0)
			snprintf(open_path, sizeof(open_path), "/proc/%d/root%s", pid, self);
		else
			snprintf(open_path, sizeof(open_path), "%s", self);
		if (!elf_syms_load(open_path, &syms)) {
			elf_syms_match(syms, "_Unwind_RaiseException", find_unwinder, &throws);
			elf_syms_free(syms);
		}
	}
	free(self);
	module_list_free(paths, n);
	return throws;
}

bool funcs_info(void *ctx, __u64 cookie, struct output_func *f)
{
	struct func_table *ft = ctx;

	cookie &= RTRACE_COOKIE_ID_MASK;
	if (cookie >= ft->nr_funcs)
		return false;
	f->name = func_shown_name(&ft->funcs[cookie]);
	f->sym = ft->funcs[cookie].name;
	f->module = ft->funcs[cookie].module;
	f->proto = ft->funcs[cookie].proto;
	f->go_proto = ft->funcs[cookie].go_proto;
	f->offset = ft->funcs[cookie].offset;
	return true;
}

int funcs_map_modules(struct func_table *ft)
{
	struct stat st;
	size_t i;
	int fd, err = 0;

	for (i = 0; i < ft->nr_modules; i++) {
		struct func_module *mod = &ft->modules[i];

		/* PROT_READ is enough: uprobes go into any private file mapping that may execute. */
		fd = open(mod->open_path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &st) || !st.st_size) {
			err = fd < 0 ? -errno : -ENOEXEC;
		} else {
			mod->map = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
			if (mod->map == MAP_FAILED) {
				err = -errno;
				mod->map = NULL;
			} else {
				mod->map_len = st.st_size;
			}
		}
		if (fd >= 0)
			close(fd);
	}
	return err;
}

void funcs_unmap_modules(struct func_table *ft)
{
	size_t i;

	for (i = 0; i < ft->nr_modules; i++) {
		if (ft->modules[i].map)
			munmap(ft->modules[i].map, ft->modules[i].map_len);
		ft->modules[i].map = NULL;
	}
}

void funcs_free(struct func_table *ft)
{
	size_t i;

	funcs_unmap_modules(ft);
	for (i = 0; i < ft->nr_funcs; i++) {
		free(ft->funcs[i].name);
		free(ft->funcs[i].demangled);
		free(ft->funcs[i].exits);
		go_sites_free(&ft->funcs[i].go);
	}
	for (i = 0; i < ft->nr_modules; i++) {
		dwarf_module_close(ft->modules[i].dwarf);
		free(ft->modules[i].path);
		free(ft->modules[i].open_path);
		free(ft->modules[i].debug_path);
		free(ft->modules[i].entries);
	}
	free(ft->funcs);
	free(ft->modules);
	free(ft->index);
	memset(ft, 0, sizeof(*ft));
}
