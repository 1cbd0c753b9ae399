/* SPDX-License-Identifier: GPL-2.0 */
/* /proc/PID/maps, one line at a time. */
#ifndef RTRACE_PROCMAPS_H
#define RTRACE_PROCMAPS_H

#include <stdbool.h>
#include <stddef.h>

struct proc_map {
	unsigned long long start, end, pgoff;
	char perms[8];		/* "r-xp" */
	const char *path;	/* "" for anonymous memory, "[heap]", or a file */
};

/* Parses one line of maps into m; m->path points into line, whose newline
 * goes. Returns false for a line that is no mapping. */
bool proc_map_parse(char *line, struct proc_map *m);
/* The mapping of process pid that holds addr, its path copied into path
 * (path_len bytes; "" if longer). Returns 0, -ESRCH when the process is gone
 * or has no memory left (a zombie), or -EFAULT when nothing is mapped there. */
int proc_map_at(int pid, unsigned long long addr, struct proc_map *m, char *path,
		size_t path_len);

#endif
