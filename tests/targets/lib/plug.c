// SPDX-License-Identifier: GPL-2.0
/* libplug.so: a library the dlopener target loads at run time. */
__attribute__((noinline)) int plug_fn(int x)
{
	return x * 10;
}
