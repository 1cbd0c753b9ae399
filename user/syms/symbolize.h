/* SPDX-License-Identifier: GPL-2.0 */
/* Code addresses of a traced process to function names (function pointer
 * arguments), through /proc/PID/maps and the modules' symbol tables. */
#ifndef RTRACE_SYMBOLIZE_H
#define RTRACE_SYMBOLIZE_H

struct symbolizer;

struct symbolizer *symbolizer_new(void);
void symbolizer_free(struct symbolizer *s);
/* Returns the name of the function starting at addr in process pid (or
 * `name+0x10` inside one) in buf, or NULL when it cannot tell: the process is
 * gone, the address is not in a file mapping, or no symbol covers it. */
const char *symbolize(struct symbolizer *s, int pid, unsigned long long addr, char *buf,
		      unsigned long len);

/* The same for a file offset in a module (path as rtrace opens it), when the
 * process is gone but the module's load bias is known. */
const char *symbolize_offset(struct symbolizer *s, const char *path, unsigned long long off,
			     char *buf, unsigned long len);

#endif
