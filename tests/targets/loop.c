// SPDX-License-Identifier: GPL-2.0
/* Runs until killed: tick() every 10 ms, each making one getppid syscall.
 * On SIGUSR1 it prints how many ticks it did, to prove it is still healthy. */
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t report;
static long ticks;

__attribute__((noinline)) long tick(long i)
{
	return syscall(SYS_getppid) > 0 ? i + 1 : i;
}

static void on_usr1(int sig)
{
	(void)sig;
	report = 1;
}

int main(void)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };

	signal(SIGUSR1, on_usr1);
	for (;;) {
		ticks = tick(ticks);
		nanosleep(&ts, NULL);
		if (report) {
			printf("ticks %ld\n", ticks);
			fflush(stdout);
			report = 0;
		}
	}
}
