// SPDX-License-Identifier: GPL-2.0
/* The `make bench` workload. Times its own loop and prints ns per iteration:
 *   bench_work calls N     N calls of work(), a small noinline function
 *   bench_work calls6 N    N calls of work6(), six integer arguments
 *   bench_work mtj N       N calls of mtj(), whose entry is mov; test; je: a probe on its
 *                          first byte is single-stepped, one moved to the je emulated
 *   bench_work nested N    N calls of outer(), each calling work() 4 times (filters)
 *   bench_work syscalls N  N getppid syscalls */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* A stack slot gives it the usual `push %rbp` prologue, which the kernel
 * emulates; a frameless leaf would start with an instruction it single-steps. */
__attribute__((noinline)) long work(long i)
{
	volatile long v = i;

	return v * 3 + 1;
}

__attribute__((noinline)) long work6(long a, long b, long c, long d, long e, long f)
{
	volatile long v = a;

	return v + b + c + d + e + f;
}

__attribute__((noinline)) long outer(long i)
{
	return work(i) + work(i + 1) + work(i + 2) + work(i + 3);
}

long mtj(long a, long b);

asm(".text\n.globl mtj\n.type mtj,@function\nmtj:\n"
    "	mov %rdi, %rax\n"
    "	test %rsi, %rsi\n"
    "	je 1f\n"
    "	add %rsi, %rax\n"
    "1:	ret\n"
    ".size mtj, .-mtj\n");

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long i, n = argc > 2 ? atol(argv[2]) : 100000, sum = 0;
	double t0;

	if (argc < 2)
		return 2;
	t0 = now_ns();
	if (!strcmp(argv[1], "calls"))
		for (i = 0; i < n; i++)
			sum += work(i);
	else if (!strcmp(argv[1], "calls6"))
		for (i = 0; i < n; i++)
			sum += work6(i, 1, 2, 3, 4, 5);
	else if (!strcmp(argv[1], "nested"))
		for (i = 0; i < n; i++)
			sum += outer(i);
	else if (!strcmp(argv[1], "mtj"))
		for (i = 0; i < n; i++)
			sum += mtj(i, i & 1);
	else
		for (i = 0; i < n; i++)
			sum += syscall(SYS_getppid);
	fprintf(stderr, "bench_work: %.1f ns/iter\n", (now_ns() - t0) / n);
	return sum == 42;
}
