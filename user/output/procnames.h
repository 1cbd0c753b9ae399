/* SPDX-License-Identifier: GPL-2.0 */
/* Private to user/output/: each process's name for the sinks that show processes
 * (export): from its exec, its parent's at fork, or what the loader knew when tracing
 * began (OUT_NAME: /proc/PID/comm of an attached process). */
#ifndef RTRACE_OUTPUT_PROCNAMES_H
#define RTRACE_OUTPUT_PROCNAMES_H

#include <linux/types.h>
#include "sink.h"

struct procnames {
	struct { __u32 tgid; char *name; } *v;
	size_t nr;
};

/* Learns from OUT_EXEC, OUT_FORK and OUT_NAME; other events are ignored. */
void procnames_event(struct procnames *pn, const struct out_event *e);
/* The name of process @tgid, or NULL. */
const char *procnames_get(const struct procnames *pn, __u32 tgid);
void procnames_free(struct procnames *pn);

#endif
