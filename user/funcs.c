// SPDX-License-Identifier: GPL-2.0
/* Resolving -x [MODULE:]GLOB specs into probe sites. */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include "dwarf_args.h"
#include "elf_syms.h"
#include "funcs.h"
#include "go_abi.h"
#include "log.h"
#include "modules.h"
#include "output.h"
#include "rtrace.h"

/* These return twice, never return the normal way, or return on another
 * stack: a hijacked return address would break the program (and a
 * trampoline hit with no instance is a SIGILL), so they get entry probes only. */
static const char *const entry_only[] = {
	"setjmp", "_setjmp", "__sigsetjmp", "sigsetjmp", "__setjmp", "_longjmp", "longjmp",
	"siglongjmp", "__longjmp", "__longjmp_chk", "__libc_longjmp", "__libc_siglongjmp",
	"getcontext", "setcontext", "swapcontext", "makecontext", "vfork", "__vfork",
	"clone", "__clone", "clone3", "__clone3", "__clone_internal", "_exit", "_Exit",
	"exit", "__libc_start_main", "__libc_start_call_main", "_start", "__restore_rt",
	"_dl_runtime_resolve", "_dl_runtime_resolve_xsave", "_dl_runtime_resolve_xsavec",
	"_dl_runtime_resolve_fxsave", "_dl_runtime_profile", "_dl_start", "_dl_start_user",
	"pthread_exit", "__pthread_exit", "abort",
};

static bool must_skip_return(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(entry_only) / sizeof(entry_only[0]); i++)
		if (!strcmp(name, entry_only[i]))
			return true;
	return false;
}

struct match_ctx {
	struct func_table *ft;
	const char *module;
	bool entry_only;	/* the whole module: C++ with exceptions */
	size_t ifuncs;		/* IFUNC resolvers matched and skipped */
	const char *an_ifunc;
	int err;
};

static int add_func(const struct elf_func *f, void *data)
{
	struct match_ctx *m = data;
	struct func_table *ft = m->ft;
	struct func_desc *grown;
	size_t i;

	/* An IFUNC symbol is its resolver, which runs once at relocation; the
	 * implementation it picks is another symbol (e.g. __strlen_avx2). */
	if (f->flags & ELF_FUNC_IFUNC) {
		if (!m->ifuncs++)
			m->an_ifunc = f->name;
		return 0;
	}
	/* Aliases share an address: one probe per site, or each hit would show twice. */
	for (i = 0; i < ft->nr_funcs; i++)
		if (ft->funcs[i].module == m->module && ft->funcs[i].entry_offset == f->offset)
			return 0;
	grown = realloc(ft->funcs, (ft->nr_funcs + 1) * sizeof(*grown));
	if (!grown) {
		m->err = -ENOMEM;
		return -ENOMEM;
	}
	ft->funcs = grown;
	grown = &ft->funcs[ft->nr_funcs];
	grown->name = strdup(f->name);
	if (!grown->name) {
		m->err = -ENOMEM;
		return -ENOMEM;
	}
	grown->module = m->module;
	grown->addr = f->addr;
	grown->size = f->size;
	grown->entry_offset = f->offset;
	grown->offset = f->offset;
	grown->refused = false;
	grown->proto = NULL;
	grown->has_spec = false;
	grown->go_proto = NULL;
	grown->has_ret_spec = false;
	memset(&grown->go, 0, sizeof(grown->go));
	grown->no_return = m->entry_only || must_skip_return(f->name);
	memset(&grown->site, 0, sizeof(grown->site));
	ft->nr_funcs++;
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
	if (pid > 0) {
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

static int resolve_spec(struct func_table *ft, const char *spec, pid_t pid, const char *exe)
{
	char *module_name = NULL, *glob = NULL, *path = NULL;
	struct elf_syms *syms = NULL;
	struct func_module *mod;
	struct match_ctx m = { .ft = ft };
	int err, n;

	err = spec_split(spec, &module_name, &glob);
	if (err) {
		elog("invalid function spec '%s' (want [MODULE:]GLOB)", spec);
		goto cleanup;
	}
	path = pid > 0 ? module_resolve_pid(pid, module_name) : module_resolve_exe(exe, module_name);
	if (!path) {
		err = -ENOENT;
		if (pid > 0)
			elog("no module '%s' in process %d (spec '%s')", module_name, pid, spec);
		else
			elog("no module '%s' for %s (spec '%s')", module_name, exe, spec);
		goto cleanup;
	}
	mod = module_get(ft, path, pid);
	if (!mod) {
		err = -ENOMEM;
		goto cleanup;
	}
	err = elf_syms_load(mod->open_path, &syms);
	if (err) {
		if (err == -ENOEXEC)
			elog("'%s' is not an ELF file", mod->path);
		else
			elog("cannot read symbols of '%s': %s", mod->path, strerror(-err));
		goto cleanup;
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
	m.module = mod->path;
	/* Go: returns by RET sites where the code is Go's (go_choose), else entries only */
	m.entry_only = syms->cxx_eh;
	n = elf_syms_match(syms, glob, add_func, &m);
	if (m.err) {
		err = m.err;
		goto cleanup;
	}
	if (n <= 0 || (size_t)n == m.ifuncs) {
		if (m.ifuncs)
			elog("'%s' in %s is an IFUNC, resolved at run time: trace its "
			     "implementations instead (e.g. '__%s_*')", m.an_ifunc, mod->path,
			     m.an_ifunc);
		else
			elog("no function matches '%s' in %s", glob, mod->path);
		err = -ENOENT;
		goto cleanup;
	}
	if (m.ifuncs)
		vlog("skipped %zu IFUNC resolvers matching '%s' in %s", m.ifuncs, glob, mod->path);
cleanup:
	elf_syms_free(syms);
	free(path);
	free(module_name);
	free(glob);
	return err;
}

/* Reads each module's DWARF once, for the prototypes of its traced functions
 * and what BPF must copy for their arguments. */
static void load_types(struct func_table *ft, const struct funcs_opts *opts)
{
	size_t i, m;

	for (m = 0; m < ft->nr_modules; m++) {
		struct func_module *mod = &ft->modules[m];

		mod->dwarf = dwarf_module_open(mod->open_path, mod->debug_path);
		if (!mod->dwarf) {
			if (!opts->raw_args && !opts->quiet)
				elog("no type information (DWARF) in %s: arguments not shown; install "
				     "its debug package, or see --args=raw", mod->path);
			continue;
		}
		vlog("types of %s from %s", mod->path, dwarf_module_path(mod->dwarf));
	}
	for (i = 0; i < ft->nr_funcs; i++) {
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
		elog("not tracing %s in %s: %s", f->name, module, ps->why);
		return;
	}
	/* The first instruction itself, or one after it, keeps the probe from moving on. */
	if (!strcmp(ps->block, ps->first.text))
		snprintf(stop, sizeof(stop), "it: %s", ps->why);
	else
		psite_stop(ps, stop, sizeof(stop));
	elog("not tracing %s in %s: %s `%s` at its entry (%s), and the probe cannot move past %s",
	     f->name, module,
	     ps->first.cls == PSITE_UNSAFE ? "the kernel would run" : "the kernel refuses a probe on",
	     ps->first.text, ps->first.why, stop);
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

/* Chooses the probe site of every function of @mod (probesite.h), from the module's code.
 * Returns 0, or -errno when the file cannot be read. */
static int choose_module_sites(struct func_table *ft, const struct func_module *mod,
			       const struct funcs_opts *opts)
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
	for (i = 0; i < ft->nr_funcs; i++) {
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
			pf.arg_regs = opts->raw_args ? 0x3f : dwarf_proto_arg_regs(f->proto);
			chosen = mod->is_go ? choose_go_site(f, &pf) : 0;
			if (chosen < 0) {
				err = chosen;
				goto cleanup;
			}
			if (!chosen)
				psite_choose(&pf, &f->site);
			f->refused = f->site.verdict == PSITE_REFUSE;
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
	size_t i;
	int err;

	for (int s = 0; s < nr_specs; s++) {
		err = resolve_spec(ft, specs[s], pid, exe);
		if (err)
			return err;
	}
	if (opts->types)
		load_types(ft, opts);
	for (i = 0; i < ft->nr_modules; i++) {
		err = choose_module_sites(ft, &ft->modules[i], opts);
		if (err)
			return err;
	}
	/* Said function by function; with none left, nothing to do. */
	for (i = 0; i < ft->nr_funcs && ft->funcs[i].refused; i++)
		;
	if (i == ft->nr_funcs && !opts->quiet)
		return -ENOENT;
	for (i = 0; i < ft->nr_modules && !opts->quiet; i++) {
		if (ft->modules[i].is_go)
			say_go_entries(ft, &ft->modules[i]);
		else if (ft->modules[i].cxx_eh)
			elog("%s uses C++ exceptions: tracing function entries only (a return "
			     "probe hides the return address from the unwinder)",
			     ft->modules[i].path);
	}
	return 0;
}

bool funcs_info(void *ctx, __u64 cookie, struct output_func *f)
{
	struct func_table *ft = ctx;

	cookie &= RTRACE_COOKIE_ID_MASK;
	if (cookie >= ft->nr_funcs)
		return false;
	f->name = ft->funcs[cookie].name;
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
	memset(ft, 0, sizeof(*ft));
}
