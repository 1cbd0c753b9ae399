// SPDX-License-Identifier: GPL-2.0
/* /proc/PID/maps: "start-end perms offset dev inode   path". */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "procmaps.h"

bool proc_map_parse(char *line, struct proc_map *m)
{
	int pos = 0;

	if (sscanf(line, "%llx-%llx %7s %llx %*s %*s %n", &m->start, &m->end, m->perms, &m->pgoff,
		   &pos) < 4 || !pos)
		return false;
	line[strcspn(line, "\n")] = '\0';
	m->path = line + pos;
	return true;
}

int proc_map_at(int pid, unsigned long long addr, struct proc_map *m, char *path,
		size_t path_len)
{
	char fname[64], *line = NULL;
	size_t linecap = 0;
	bool mapped = false;
	int err = -EFAULT;
	FILE *f;

	snprintf(fname, sizeof(fname), "/proc/%d/maps", pid);
	f = fopen(fname, "re");
	if (!f)
		return -ESRCH;
	while (getline(&line, &linecap, f) > 0) {
		if (!proc_map_parse(line, m))
			continue;
		mapped = true;
		if (addr < m->start || addr >= m->end)
			continue;
		path[0] = '\0';
		if (strlen(m->path) < path_len)
			strcpy(path, m->path);
		m->path = path;
		err = 0;
		break;
	}
	free(line);
	fclose(f);
	/* A zombie has no memory left: as good as gone. */
	return mapped ? err : -ESRCH;
}
