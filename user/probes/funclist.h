/* SPDX-License-Identifier: GPL-2.0 */
/* rtrace --list: the functions the -x specs match and where their probes would go. */
#ifndef RTRACE_FUNCLIST_H
#define RTRACE_FUNCLIST_H

#include <stdbool.h>
#include <stdio.h>

struct func_table;

/* Writes one line per function of @ft: module, name, address, file offset, probe address,
 * how returns are traced (in a process that can throw C++ exceptions or not: @throws),
 * whether types were found, the probed instruction and what the
 * kernel does with it (emulated, single-stepped, moved from where, refused and why). */
void funcs_list(FILE *out, const struct func_table *ft, bool throws);

#endif
