// SPDX-License-Identifier: GPL-2.0
/* longjmp out of nested traced calls: outer -> middle -> inner -> longjmp,
 * then after() is called, which must be back at depth 0 (plus main). */
#include <setjmp.h>
#include <unistd.h>

static jmp_buf env;

__attribute__((noinline)) int inner(int x)
{
	longjmp(env, x);
}

__attribute__((noinline)) int middle(int x)
{
	return inner(x + 1) + 1;
}

__attribute__((noinline)) int outer(int x)
{
	return middle(x + 1) + 1;
}

__attribute__((noinline)) int after(int x)
{
	return getppid() > 0 ? x : 0;
}

int main(void)
{
	int r = setjmp(env);

	if (r == 0)
		outer(1);
	after(r);
	return 0;
}
