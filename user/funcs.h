/* SPDX-License-Identifier: GPL-2.0 */
/* The traced functions: -x specs resolved to (module, file offset), indexed by
 * the cookie their probes carry. */
#ifndef RTRACE_FUNCS_H
#define RTRACE_FUNCS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <linux/types.h>
#include "gosites.h"
#include "probesite.h"
#include "rtrace.h"

struct dwarf_module;
struct dwarf_proto;
struct go_proto;

struct func_desc {
	char *name;
	const char *module;	/* path of the module as resolved (points into module table) */
	__u64 addr;		/* st_value: where DWARF knows it */
	__u64 size;		/* st_size */
	__u64 entry_offset;	/* file offset of its first byte */
	__u64 offset;		/* file offset of its probe (probesite.h) */
	bool no_return;		/* entry probe only: see funcs.c */
	bool refused;		/* no safe probe site: not traced (site.why says why) */
	const struct dwarf_proto *proto;	/* its DWARF prototype, or NULL */
	bool has_spec;		/* BPF copies memory for its arguments: spec */
	struct rtrace_func_spec spec;
	struct psite site;	/* where its probe goes, and why there */
	/* Go code (go.is_go): entry and RET-site probes, values by Go's register ABI */
	struct go_sites go;
	const struct go_proto *go_proto;	/* NULL: no DWARF for it */
	bool has_ret_spec;	/* BPF copies memory for its results at the RET sites */
	struct rtrace_func_spec ret_spec;
};

struct func_module {
	char *path;		/* as the target sees it */
	char *open_path;	/* where rtrace opens it (/proc/PID/root/...) */
	char *debug_path;	/* its separate debug file, or NULL */
	struct dwarf_module *dwarf;	/* NULL: no type information */
	bool is_go;
	bool cxx_eh;		/* C++ exceptions unwind through its frames */
	bool other_arch;	/* not x86-64 code: nothing in it can be probed */
	__u64 *entries;		/* every function symbol's address, sorted, unique */
	size_t nr_entries;
	void *map;		/* funcs_map_modules(): rtrace's own mapping of it */
	size_t map_len;
};

struct funcs_opts {
	bool types;		/* read DWARF prototypes (not --args=none) */
	bool raw_args;		/* --args=raw: no need to say DWARF is missing */
	bool deref;		/* --deref: copy structs behind pointers */
	bool naive;		/* RTRACE_NAIVE_PROBES: probes on first bytes, never moved */
	bool kernel_decides;	/* RTRACE_KERNEL_DECIDES (tests): sites the kernel would refuse
				 * are attached anyway, to exercise what follows its refusal */
	bool quiet;		/* --list: say nothing of refused functions, it lists them */
};

struct func_table {
	struct func_desc *funcs;
	size_t nr_funcs;
	struct func_module *modules;
	size_t nr_modules;
};

/* Resolves every spec against a running process (pid > 0) or the executable
 * about to be launched (exe), and chooses each function's probe site. Prints
 * `rtrace: ...` and returns -ENOENT for a spec that matches nothing, -ENOEXEC
 * for a module that is not ELF. A function with no safe probe site is marked
 * refused, with one line saying so. */
int funcs_resolve(struct func_table *ft, char **specs, int nr_specs, pid_t pid, const char *exe,
		  const struct funcs_opts *opts);
struct output_func;
/* func_info_fn for output: what it knows of a cookie's function. */
bool funcs_info(void *ctx, __u64 cookie, struct output_func *f);
/* Maps every module into rtrace's own memory, for a launched child to inherit: the kernel
 * checks a probe's instruction only when it installs it into a process that maps the file,
 * and a child that has not exec'd yet maps nothing, so a refusal would go unsaid. Returns 0
 * or -errno (nothing mapped then matters: it is only a chance to hear refusals). */
int funcs_map_modules(struct func_table *ft);
/* Undoes funcs_map_modules(); funcs_free() does too. */
void funcs_unmap_modules(struct func_table *ft);
void funcs_free(struct func_table *ft);

#endif
