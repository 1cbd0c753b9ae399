// SPDX-License-Identifier: GPL-2.0
/* A call that lands on the stack slot where a traced frame began: nested in
 * that frame when it is still live (a tail call), a new frame at its depth
 * when the old one was left by longjmp. */
#include <setjmp.h>

static jmp_buf env;

__attribute__((noinline)) int leaf(int x)
{
	volatile int v = x;

	return v + 1;
}

/* Sibling calls on: ends in `jmp leaf`, so leaf runs on middle's frame. */
__attribute__((noinline, optimize("optimize-sibling-calls"))) int middle(int x)
{
	return leaf(x * 2);
}

__attribute__((noinline)) int outer(int x)
{
	return middle(x) + 1;
}

/* Called from the same place each time: the same stack pointer. */
__attribute__((noinline)) int bail(int x)
{
	if (x < 3)
		longjmp(env, x + 1);
	return x;
}

int main(void)
{
	volatile int i, r;

	for (i = 0; i < 2; i++)
		outer(i);
	r = setjmp(env);
	bail(r);
	return 0;
}
