// SPDX-License-Identifier: GPL-2.0
/* /proc/PID/maps lines, and constant memory read after the fact: from a live process's read-only file
 * mappings, from the module once the process is gone, never from memory that
 * may have changed. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "syms/constmem.h"
#include "syms/procmaps.h"
#include "tap.h"

static const char literal[] = "a constant in .rodata";

/* The file offset of addr in this process, from its maps. */
static unsigned long long own_file_offset(unsigned long long addr)
{
	unsigned long long start, end, pgoff, off = 0;
	char line[4352];
	FILE *f = fopen("/proc/self/maps", "re");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx-%llx %*s %llx", &start, &end, &pgoff) == 3 &&
		    addr >= start && addr < end)
			off = addr - start + pgoff;
	if (f)
		fclose(f);
	return off;
}

int main(void)
{
	unsigned long long addr = (unsigned long)literal, off = own_file_offset(addr);
	char buf[64], exe[PATH_MAX], *heap = strdup("on the heap");
	pid_t gone;
	long n;

	printf("TAP version 13\n");
	{
		char file[] = "7f00-7f80 r-xp 00001000 08:01 1234     /opt/my app/lib.so\n";
		char anon[] = "7ffd0000-7ffd2000 rw-p 00000000 00:00 0 \n", junk[] = "nothing\n";
		struct proc_map m;

		CHECK(proc_map_parse(file, &m) && m.start == 0x7f00 && m.end == 0x7f80 &&
		      m.pgoff == 0x1000 && !strcmp(m.perms, "r-xp") &&
		      !strcmp(m.path, "/opt/my app/lib.so"), "a maps line, a path with a space");
		CHECK(proc_map_parse(anon, &m) && !strcmp(m.path, "") && m.perms[1] == 'w',
		      "anonymous memory: no path");
		CHECK(!proc_map_parse(junk, &m), "not a maps line");
	}
	n = constmem_read(getpid(), NULL, 0, 0, addr, buf, sizeof(literal));
	CHECK(n == sizeof(literal) && !strcmp(buf, literal), "a live process: .rodata from its file (%ld)", n);
	CHECK_INT(constmem_read(getpid(), NULL, 0, 0, (unsigned long)heap, buf, 8), -EACCES,
		  "the heap may have changed: refused");
	CHECK_INT(constmem_read(getpid(), NULL, 0, 0, (unsigned long)buf, buf, 8), -EACCES,
		  "the stack too");
	CHECK_INT(constmem_read(getpid(), NULL, 0, 0, 16, buf, 8), -EFAULT, "nothing mapped at 16");

	/* A process that is gone: the module and where it was loaded say it. */
	gone = fork();
	if (gone == 0)
		_exit(0);
	waitpid(gone, NULL, 0);
	if (!CHECK(realpath("/proc/self/exe", exe), "realpath of the test binary"))
		goto cleanup;
	memset(buf, 0, sizeof(buf));
	n = constmem_read(gone, exe, addr, off, addr, buf, sizeof(literal));
	CHECK(n == sizeof(literal) && !strcmp(buf, literal), "a process gone: .rodata from the module (%ld)", n);
	n = constmem_read(gone, exe, addr, off, addr + 4, buf, 8);
	CHECK(n == 8 && !memcmp(buf, literal + 4, 8), "at an offset inside it");
	CHECK_INT(constmem_read(gone, NULL, 0, 0, addr, buf, 8), -ESRCH, "gone, and no module: nothing");
	CHECK(constmem_read(gone, exe, addr, off, 16, buf, 8) < 0, "an address outside the module");
cleanup:
	free(heap);
	return tap_done();
}
