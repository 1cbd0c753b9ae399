// SPDX-License-Identifier: GPL-2.0
/* Recursive function with a known call count: fib(n) makes 2*fib(n+1)-1 calls. */
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) int fib(int n)
{
	return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 10;

	printf("fib(%d) = %d\n", n, fib(n));
	return 0;
}
