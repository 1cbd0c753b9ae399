/* SPDX-License-Identifier: GPL-2.0 */
/* Constant data of a traced process, after the fact: a string BPF could not
 * read at a function's entry (in a page the program had not touched yet, and
 * a uprobe cannot fault pages in) still sits in the file it is mapped from. */
#ifndef RTRACE_CONSTMEM_H
#define RTRACE_CONSTMEM_H

#include <stddef.h>

/* Reads up to len bytes at addr of process pid into buf, only from a
 * read-only file mapping: found in /proc/PID/maps while the process lives
 * (read from its memory, or from the file when that is not allowed),
 * once it is gone in module if addr is in one of its read-only segments, the
 * module's load address following from anchor_addr, where its file offset
 * anchor_off was mapped (a probed function); module may be NULL. Returns the bytes read, or -errno:
 * -EACCES for memory that may have changed since (writable, anonymous),
 * -EFAULT where nothing is mapped. */
long constmem_read(int pid, const char *module, unsigned long long anchor_addr,
		   unsigned long long anchor_off, unsigned long long addr, void *buf, size_t len);

#endif
