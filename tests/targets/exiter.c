// SPDX-License-Identifier: GPL-2.0
/* exiter code N: exit with N. exiter signal N: die by signal N. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int n = argc > 2 ? atoi(argv[2]) : 0;

	if (argc > 2 && !strcmp(argv[1], "signal")) {
		signal(n, SIG_DFL);
		raise(n);
	}
	return n;
}
