// SPDX-License-Identifier: GPL-2.0
/* A fixed script of raw syscalls, after libc start-up is done: the tests check
 * rtrace's sequence, arguments and returns against it and against strace. */
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	long fd;

	syscall(SYS_getppid);
	syscall(SYS_openat, AT_FDCWD, "/nonexistent/rtrace-test", O_RDONLY);
	fd = syscall(SYS_openat, AT_FDCWD, "/dev/null", O_WRONLY);
	syscall(SYS_write, fd, "hello", 5);
	syscall(SYS_close, fd);
	syscall(SYS_close, 9999);
	syscall(SYS_exit_group, 3);
	return 0;
}
