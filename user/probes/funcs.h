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
	char *name;		/* its symbol (a C++ one mangled): what DWARF and trace files know */
	char *demangled;	/* a C++ function's name as people read it (demangle.h), or NULL */
	const char *module;	/* path of the module as resolved (points into module table) */
	__u64 addr;		/* st_value: where DWARF knows it */
	__u64 size;		/* st_size */
	__u64 entry_offset;	/* file offset of its first byte */
	__u64 offset;		/* file offset of its probe (probesite.h) */
	bool no_return;		/* entry probe only: see funcs.c */
	bool dynsym;		/* its name is exported (.dynsym) */
	bool refused;		/* no safe probe site: not traced (site.why says why) */
	bool calls;		/* its code calls or jumps to other code (psite_flow()) */
	bool exits_ok;		/* its exits can take the probes of its returns (funcs_ret_how()) */
	bool flowed;		/* calls, exits, jump_table known (funcs.c: func_flow()) */
	bool jump_table;	/* it jumps through a register: any byte may be a way in */
	__u64 cold_addr;	/* its `.cold` part, split off by the compiler, or 0 */
	__u64 cold_size;
	struct psite_exit *exits;	/* its rets and tail-call jmps (offsets from addr) */
	size_t nr_exits;
	const struct dwarf_proto *proto;	/* its DWARF prototype, or NULL */
	bool has_spec;		/* BPF copies memory for its arguments: spec */
	struct rtrace_func_spec spec;
	struct psite site;	/* where its probe goes, and why there */
	/* Go code (go.is_go): entry and RET-site probes, values by Go's register ABI */
	struct go_sites go;
	const struct go_proto *go_proto;	/* NULL: no DWARF for it */
	bool has_ret_spec;	/* BPF copies memory for its results: ret_spec (Go: at the RET
				 * sites; C: a char * result) */
	struct rtrace_func_spec ret_spec;
};

/* @f's name as output shows it: a C++ function's demangled, else its symbol. */
static inline const char *func_shown_name(const struct func_desc *f)
{
	return f->demangled ?: f->name;
}

struct func_module {
	char *path;		/* as the target sees it */
	char *open_path;	/* where rtrace opens it (/proc/PID/root/...) */
	char *debug_path;	/* its separate debug file, or NULL */
	struct dwarf_module *dwarf;	/* NULL: no type information */
	bool is_go;
	bool cxx_eh;		/* C++ exceptions unwind through its frames */
	bool other_arch;	/* not x86-64 code: nothing in it can be probed */
	bool types_tried;	/* its DWARF was looked for */
	__u64 *entries;		/* every function symbol's address, sorted, unique; then also */
	size_t nr_entries;	/* every branch target in its code (entries_swept) */
	bool entries_swept;
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
	/* Per spec: set when its module is not in the process (yet): no error then (a library
	 * loaded later). NULL: that is an error. */
	bool *pending;
	/* Another program of a process under -f: a spec that matches nothing in it is no
	 * error (said with -v). */
	bool lenient;
	/* Per spec, when not NULL: set when it matched a function (lenient: maybe none). */
	bool *matched;
};

struct func_table {
	struct func_desc *funcs;
	size_t nr_funcs, cap_funcs;
	struct func_module *modules;
	size_t nr_modules;
	/* (module, entry offset) -> index + 1 in funcs, open addressing; 0: empty */
	size_t *index;
	size_t index_cap;
};

/* Resolves every spec against a running process (pid > 0) or the executable
 * about to be launched (exe), and chooses each function's probe site. Prints
 * `rtrace: ...` and returns -ENOENT for a spec that matches nothing, -ENOEXEC
 * for a module that is not ELF. A function with no safe probe site is marked
 * refused, with one line saying so. Called again on the same table (another
 * process, a library loaded later), it adds the functions it has not yet, after
 * those it has: ft->funcs[n..] are new, n being ft->nr_funcs before. */
int funcs_resolve(struct func_table *ft, char **specs, int nr_specs, pid_t pid, const char *exe,
		  const struct funcs_opts *opts);
enum funcs_ret_how {
	FUNCS_RET_NONE,		/* an entry probe only */
	FUNCS_RET_URETPROBE,	/* a uretprobe: the kernel swaps the return address */
	FUNCS_RET_EXITS,	/* probes on its exits: its rets and tail-call jmps */
};

/* How @f's returns are traced in a process that can throw C++ exceptions (@throws) or not.
 * Where an exception may unwind through its frame (it calls other code), not by uretprobe,
 * whose hijacked return address the unwinder cannot get past: by probes on its exits, or not
 * at all when they cannot take them. A function that calls nothing keeps its uretprobe:
 * nothing can throw through it. */
enum funcs_ret_how funcs_ret_how(const struct func_desc *f, bool throws);
/* Whether the process @pid (or the program @exe about to run) can unwind C++ exceptions: it
 * maps or needs an unwinder library (libgcc_s, libstdc++, libunwind, libc++abi) or carries
 * one in its executable; or some module of @ft is C++ code that uses exceptions. */
bool funcs_process_throws(const struct func_table *ft, pid_t pid, const char *exe);
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
