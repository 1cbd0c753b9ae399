// SPDX-License-Identifier: GPL-2.0
/* floor sys CMD...        run CMD with no-op sys_enter/sys_exit programs attached
 * floor func SYMBOL CMD... run CMD with a no-op uprobe+uretprobe on SYMBOL of CMD
 * The floor every rtrace figure in `make bench` is compared against. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "floor.skel.h"

int main(int argc, char **argv)
{
	LIBBPF_OPTS(bpf_uprobe_opts, opts);
	struct bpf_link *links[2] = {};
	struct floor_bpf *skel = NULL;
	int status = 0, i, err = 1;
	char **cmd;
	pid_t pid;

	if (argc < 3 || (strcmp(argv[1], "sys") && (strcmp(argv[1], "func") || argc < 4))) {
		fprintf(stderr, "usage: floor sys CMD... | floor func SYMBOL CMD...\n");
		return 1;
	}
	cmd = argv + (argv[1][0] == 's' ? 2 : 3);
	skel = floor_bpf__open_and_load();
	if (!skel)
		goto cleanup;
	if (argv[1][0] == 's') {
		links[0] = bpf_program__attach(skel->progs.noop_sys_enter);
		links[1] = bpf_program__attach(skel->progs.noop_sys_exit);
	} else {
		opts.func_name = argv[2];
		links[0] = bpf_program__attach_uprobe_opts(skel->progs.noop_entry, -1, cmd[0], 0,
							   &opts);
		opts.retprobe = true;
		links[1] = bpf_program__attach_uprobe_opts(skel->progs.noop_return, -1, cmd[0], 0,
							   &opts);
	}
	if (!links[0] || !links[1]) {
		fprintf(stderr, "floor: attach failed: %s\n", strerror(errno));
		goto cleanup;
	}
	pid = fork();
	if (pid == 0) {
		execv(cmd[0], cmd);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	err = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
cleanup:
	for (i = 0; i < 2; i++)
		bpf_link__destroy(links[i]);
	floor_bpf__destroy(skel);
	return err;
}
