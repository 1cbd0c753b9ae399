// SPDX-License-Identifier: GPL-2.0
/* A signal handler runs inside a traced call: busy() raises SIGUSR1, whose
 * handler calls handler_work(); both must nest, then after() is at depth 0. */
#include <signal.h>
#include <unistd.h>

static volatile int seen;

__attribute__((noinline)) int handler_work(int sig)
{
	seen = sig;
	return sig + 1;
}

static void on_usr1(int sig)
{
	seen = handler_work(sig);
}

__attribute__((noinline)) int busy(int x)
{
	raise(SIGUSR1);
	return x + 7;
}

__attribute__((noinline)) int after(int x)
{
	return x - 1;
}

int main(void)
{
	signal(SIGUSR1, on_usr1);
	return after(busy(0)) == 6 ? 0 : 1;
}
