/* SPDX-License-Identifier: GPL-2.0 */
/* Attaching Go functions: go_entry at each entry site, go_return at each RET instruction, and
 * go_exit at runtime.goexit1, which tells of goroutines that end. */
#ifndef RTRACE_GO_ATTACH_H
#define RTRACE_GO_ATTACH_H

#include <stdbool.h>
#include <sys/types.h>

struct tracer;
struct func_table;

/* Before load: sizes map go_specs, sets where g.stack.hi is, and with @multi loads the Go
 * programs for uprobe_multi links. They load only when a traced module is Go code or, with
 * @later, Go code may come (-f). Returns 0 or -errno. */
int go_prepare(struct tracer *tr, bool multi, bool later);
/* After load: the capture plans of Go functions into go_specs. Returns 0 or -errno. */
int go_load_specs(struct tracer *tr);

/* Attaches the probes of the Go functions of ft->funcs[first..] (func_desc.go.is_go) to the
 * process @pid_filter (-1: any), with uprobe_multi links when the tracer has them. Sites the
 * kernel refuses are left out with a warning. Returns 0 or -errno after printing `rtrace: ...`. */
int go_attach(struct tracer *tr, const struct func_table *ft, size_t first, pid_t pid_filter);

#endif
