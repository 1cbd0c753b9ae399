/* SPDX-License-Identifier: GPL-2.0 */
/* The traced functions: -x specs resolved to (module, file offset), indexed by
 * the cookie their probes carry. */
#ifndef RTRACE_FUNCS_H
#define RTRACE_FUNCS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <linux/types.h>

struct func_desc {
	char *name;
	const char *module;	/* path of the module as resolved (points into module table) */
	__u64 offset;		/* file offset for the uprobe */
	bool no_return;		/* entry probe only: see funcs.c */
};

struct func_module {
	char *path;		/* as the target sees it */
	char *open_path;	/* where rtrace opens it (/proc/PID/root/...) */
	bool is_go;
	bool cxx_eh;		/* C++ exceptions unwind through its frames */
};

struct func_table {
	struct func_desc *funcs;
	size_t nr_funcs;
	struct func_module *modules;
	size_t nr_modules;
};

/* Resolves every spec against a running process (pid > 0) or the executable
 * about to be launched (exe). Prints `rtrace: ...` and returns -ENOENT for a
 * spec that matches nothing, -ENOEXEC for a module that is not ELF. */
int funcs_resolve(struct func_table *ft, char **specs, int nr_specs, pid_t pid, const char *exe);
/* func_name_fn for output: the name and module of a cookie. */
const char *funcs_name(void *ctx, __u64 cookie, const char **module);
void funcs_free(struct func_table *ft);

#endif
