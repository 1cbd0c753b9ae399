// SPDX-License-Identifier: GPL-2.0
/* NTHREADS threads each call work() ITERS times; work() makes one getppid. */
#include <pthread.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NTHREADS 4
#define ITERS 25

__attribute__((noinline)) long work(long i)
{
	return syscall(SYS_getppid) + i;
}

static void *run(void *arg)
{
	long sum = 0;
	int i;

	for (i = 0; i < ITERS; i++)
		sum += work(i);
	return (void *)sum;
}

int main(void)
{
	pthread_t t[NTHREADS];
	int i;

	for (i = 0; i < NTHREADS; i++)
		pthread_create(&t[i], NULL, run, NULL);
	for (i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	return 0;
}
