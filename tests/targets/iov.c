// SPDX-License-Identifier: GPL-2.0
/* writev and readv with known buffers, and a readv that fails: decoded as strace. */
#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>

int main(void)
{
	char a[4], b[10];
	struct iovec w[2] = { { "hello", 5 }, { "\n", 1 } };
	struct iovec r[2] = { { a, sizeof(a) }, { b, sizeof(b) } };
	int fd = open("/etc/hostname", O_RDONLY);

	if (writev(1, w, 2) != 6)
		return 1;
	readv(fd, r, 2);
	readv(-1, r, 2);
	return 0;
}
