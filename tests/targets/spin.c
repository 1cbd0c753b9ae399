// SPDX-License-Identifier: GPL-2.0
/* spin N [wait|hold]: N getppid syscalls as fast as possible (overflow
 * accounting). With "wait", first read one byte from stdin, so a test can
 * stall the tracer before the burst; with "hold", read it after the burst, so
 * a test can see the burst while the program blocks. */
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long i, n = argc > 1 ? atol(argv[1]) : 100000;
	char go;

	if (argc > 2 && !strcmp(argv[2], "wait") && read(0, &go, 1) != 1)
		return 1;
	for (i = 0; i < n; i++)
		syscall(SYS_getppid);
	if (argc > 2 && !strcmp(argv[2], "hold") && read(0, &go, 1) != 1)
		return 1;
	return 0;
}
