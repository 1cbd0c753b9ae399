// SPDX-License-Identifier: GPL-2.0
/* The program `make demo` traces: a few nested calls that make syscalls. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

__attribute__((noinline)) int fib(int n)
{
	return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

__attribute__((noinline)) long read_config(const char *path)
{
	char buf[256];
	int fd = open(path, O_RDONLY);
	long n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	return n;
}

__attribute__((noinline)) int report(int value)
{
	char line[64];
	int len = snprintf(line, sizeof(line), "result: %d\n", value);

	return write(STDOUT_FILENO, line, len);
}

int main(void)
{
	read_config("/etc/hostname");
	read_config("/etc/rtrace-demo.conf");
	return report(fib(4)) > 0 ? 0 : 1;
}
