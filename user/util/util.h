/* SPDX-License-Identifier: GPL-2.0 */
/* Small things every folder uses. util/ depends on nothing but libc. */
#ifndef RTRACE_UTIL_H
#define RTRACE_UTIL_H

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
