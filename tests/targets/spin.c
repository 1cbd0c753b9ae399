// SPDX-License-Identifier: GPL-2.0
/* argv[1] getppid syscalls as fast as possible: overflow accounting. */
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long i, n = argc > 1 ? atol(argv[1]) : 100000;

	for (i = 0; i < n; i++)
		syscall(SYS_getppid);
	return 0;
}
