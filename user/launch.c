// SPDX-License-Identifier: GPL-2.0
/* Fork, hold, exec. No ptrace: the child blocks on a pipe until rtrace has
 * attached, and the BPF side ignores it until its execve (AWAIT_EXEC). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "launch.h"
#include "util/log.h"

/* Returns 0 if path is a regular file we may execute, else -errno. */
static int check_exec(const char *path)
{
	struct stat st;

	if (stat(path, &st))
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (access(path, X_OK))
		return -errno;
	return 0;
}

/* ELF or a #! script: anything else execve refuses with ENOEXEC. */
static int check_format(const char *path)
{
	unsigned char magic[4] = {};
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, magic, sizeof(magic));
	close(fd);
	if (n >= 4 && !memcmp(magic, "\177ELF", 4))
		return 0;
	if (n >= 2 && magic[0] == '#' && magic[1] == '!')
		return 0;
	return -ENOEXEC;
}

const int launch_signals[LAUNCH_NR_SIGNALS] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };

/* Finds @name in $PATH as execvp(3) would. Returns a malloc'd path or NULL. */
static char *search_path(const char *name)
{
	const char *path_env = getenv("PATH") ?: "/usr/local/bin:/usr/bin:/bin";
	char *paths = strdup(path_env), *dir, *save = NULL, *found = NULL;

	for (dir = paths ? strtok_r(paths, ":", &save) : NULL; dir && !found;
	     dir = strtok_r(NULL, ":", &save)) {
		if (asprintf(&found, "%s/%s", *dir ? dir : ".", name) < 0)
			found = NULL;
		else if (check_exec(found)) {
			free(found);
			found = NULL;
		}
	}
	free(paths);
	return found;
}

/* The program a #! script at @path runs in: its interpreter, or the program `env` is asked
 * to find (`#!/usr/bin/env python3`), one level deep. NULL when not a script (or unknown). */
static char *script_interpreter(const char *path)
{
	char line[256], *p, *interp, *arg, *ret = NULL;
	FILE *f = fopen(path, "re");

	if (!f)
		return NULL;
	if (!fgets(line, sizeof(line), f) || strncmp(line, "#!", 2)) {
		fclose(f);
		return NULL;
	}
	fclose(f);
	line[strcspn(line, "\r\n")] = '\0';
	p = line + 2 + strspn(line + 2, " \t");
	interp = strtok_r(p, " \t", &arg);
	if (!interp)
		return NULL;
	arg = strtok_r(NULL, " \t", &arg);
	if (arg && !strcmp(interp + (strlen(interp) >= 4 ? strlen(interp) - 4 : 0), "/env") &&
	    arg[0] != '-')
		return strchr(arg, '/') ? strdup(arg) : search_path(arg);
	if (!check_exec(interp))
		ret = strdup(interp);
	return ret;
}

int launch_resolve(struct launch *l, char *const argv[])
{
	const char *name = argv[0], *path_env;
	char *paths = NULL, *dir, *save = NULL, *candidate = NULL;
	int err = -ENOENT;

	if (strchr(name, '/')) {
		candidate = strdup(name);
		err = candidate ? check_exec(candidate) : -ENOMEM;
	} else {
		path_env = getenv("PATH") ?: "/usr/local/bin:/usr/bin:/bin";
		paths = strdup(path_env);
		if (!paths) {
			elog("cannot execute '%s': %s", name, strerror(ENOMEM));
			return -ENOMEM;
		}
		for (dir = strtok_r(paths, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
			free(candidate);
			if (asprintf(&candidate, "%s/%s", *dir ? dir : ".", name) < 0) {
				candidate = NULL;
				err = -ENOMEM;
				break;
			}
			err = check_exec(candidate);
			if (!err || err == -EACCES)
				break;
		}
	}
	if (err == -ENOENT)
		elog("command not found: '%s'", name);
	else if (err)
		elog("cannot execute '%s': %s", name, strerror(-err));
	if (!err) {
		err = check_format(candidate);
		if (err == -ENOEXEC)
			elog("cannot execute '%s': not an ELF executable or script", name);
		else if (err)
			elog("cannot execute '%s': %s", name, strerror(-err));
	}
	free(paths);
	if (err) {
		free(candidate);
		return err;
	}
	l->path = candidate;
	l->interp = script_interpreter(candidate);
	return 0;
}

int launch_fork(struct launch *l, char *const argv[])
{
	int pipefd[2];
	char go;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		int err = -errno;

		close(pipefd[0]);
		close(pipefd[1]);
		return err;
	}
	if (pid == 0) {
		close(pipefd[1]);
		/* EOF instead of a byte: rtrace gave up, leave without a trace. */
		if (read(pipefd[0], &go, 1) != 1)
			_exit(127);
		/* Run as it would without us: `rtrace -- yes | head` must end, and
		 * `nohup rtrace -- cmd` must leave cmd ignoring SIGHUP. */
		for (int i = 0; i < LAUNCH_NR_SIGNALS; i++)
			sigaction(launch_signals[i], &l->saved[i], NULL);
		execv(l->path, argv);
		fprintf(stderr, "rtrace: cannot execute '%s': %s\n", l->path, strerror(errno));
		_exit(127);
	}
	close(pipefd[0]);
	l->pid = pid;
	l->go_fd = pipefd[1];
	return 0;
}

int launch_release(struct launch *l)
{
	char go = 1;
	int err = 0;

	if (write(l->go_fd, &go, 1) != 1)
		err = -errno;
	close(l->go_fd);
	l->go_fd = -1;
	return err;
}

void launch_abort(struct launch *l)
{
	if (l->go_fd >= 0)
		close(l->go_fd);
	l->go_fd = -1;
	if (l->pid > 0)
		waitpid(l->pid, NULL, 0);
	l->pid = 0;
}

void launch_free(struct launch *l)
{
	free(l->path);
	free(l->interp);
	l->path = NULL;
	l->interp = NULL;
}

int launch_exit_status(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return 1;
}
