// SPDX-License-Identifier: GPL-2.0
/* For the uprobe_multi tests.
 *   multi N    calls libc's strtol exactly N times, then exits 0
 *   multi -w   runs tick() every 10 ms until killed
 * refused_lock() and refused_movss() are never called: they start with instructions x86
 * uprobes refuse (a lock prefix; mov to %ss), so a link holding them is refused whole.
 */
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static volatile long ticks;

__attribute__((noinline)) void tick(void)
{
	ticks++;
}

__attribute__((naked, noinline)) void refused_lock(void)
{
	__asm__ volatile("lock addl $0, (%rsp)\n\tret");
}

__attribute__((naked, noinline)) void refused_movss(void)
{
	__asm__ volatile("mov %eax, %ss\n\tret");
}

int main(int argc, char **argv)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	const char *arg = argc > 1 ? argv[1] : "1";
	long n = 0, sum = 0, i;

	if (arg[0] == '-' && arg[1] == 'w') {
		for (;;) {
			tick();
			nanosleep(&ts, NULL);
		}
	}
	/* Parsed by hand: strtol here would count. */
	for (; *arg >= '0' && *arg <= '9'; arg++)
		n = n * 10 + *arg - '0';
	for (i = 0; i < n; i++)
		sum += strtol("42", NULL, 10);
	return sum == 42 * n ? 0 : 1;
}
