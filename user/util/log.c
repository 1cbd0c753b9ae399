// SPDX-License-Identifier: GPL-2.0
#include "log.h"

/* -v count: 1 says what rtrace does, 2 adds libbpf debug output. */
int log_verbosity;
