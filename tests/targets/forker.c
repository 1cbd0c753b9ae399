// SPDX-License-Identifier: GPL-2.0
/* Forks two children; child k calls child_work(k) and exits with 10 + k.
 * The second child execs /bin/true. A child waits 200 ms (times $TIME_SCALE, for emulated
 * test machines) before its call: rtrace -f gives a child its own probes a few ms after its
 * fork. */
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

__attribute__((noinline)) int child_work(int k)
{
	return getppid() > 0 ? k : -1;
}

int main(void)
{
	const char *scale = getenv("TIME_SCALE");
	int k, status, wait_ms = 200 * (scale && atoi(scale) > 0 ? atoi(scale) : 1);

	for (k = 0; k < 2; k++) {
		pid_t pid = fork();

		if (pid == 0) {
			usleep(wait_ms * 1000);
			child_work(k);
			if (k == 1)
				execl("/bin/true", "true", (char *)NULL);
			_exit(10 + k);
		}
		waitpid(pid, &status, 0);
	}
	return 0;
}
