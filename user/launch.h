/* SPDX-License-Identifier: GPL-2.0 */
/* Starting the traced command: forked first, held until the probes are in,
 * then exec'd, so that the trace starts at its first instruction. */
#ifndef RTRACE_LAUNCH_H
#define RTRACE_LAUNCH_H

#include <signal.h>
#include <sys/types.h>

struct launch {
	pid_t pid;
	int go_fd;		/* write end: one byte releases the child */
	char *path;		/* the resolved executable */
	char *interp;		/* a #! script's interpreter (env's program for `env NAME`),
				 * whose code runs it; NULL for an ELF file */
	/* launch_signals as they were before rtrace set its own */
	struct sigaction saved[4];
};

/* The signals rtrace handles or ignores for itself: SIGINT, SIGTERM, SIGHUP, SIGPIPE. */
#define LAUNCH_NR_SIGNALS	4
extern const int launch_signals[LAUNCH_NR_SIGNALS];

/* Finds argv[0] as execvp(3) would and checks it can run. Returns 0, or
 * prints `rtrace: ...` and returns -ENOENT/-EACCES/-ENOEXEC. */
int launch_resolve(struct launch *l, char *const argv[]);
/* Forks the child, which waits. Returns 0 or -errno. */
int launch_fork(struct launch *l, char *const argv[]);
/* Lets the child exec. Returns 0 or -errno. */
int launch_release(struct launch *l);
/* Closes the go pipe without releasing: the waiting child exits silently. */
void launch_abort(struct launch *l);
void launch_free(struct launch *l);

/* Shell-style exit status of a wait(2) status: code, or 128 + signal. */
int launch_exit_status(int wstatus);

#endif
