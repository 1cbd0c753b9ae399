/* SPDX-License-Identifier: GPL-2.0 */
/* Diagnostics go to stderr prefixed "rtrace: "; the trace itself goes to the output file. */
#ifndef RTRACE_LOG_H
#define RTRACE_LOG_H

#include <stdio.h>

extern int log_verbosity;

#define elog(fmt, ...) fprintf(stderr, "rtrace: " fmt "\n", ##__VA_ARGS__)
#define vlog(fmt, ...)                                                                    \
	do {                                                                              \
		if (log_verbosity > 0)                                                    \
			fprintf(stderr, "rtrace: " fmt "\n", ##__VA_ARGS__);              \
	} while (0)

#endif
