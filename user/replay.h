/* SPDX-License-Identifier: GPL-2.0 */
/* rtrace replay and rtrace info: a trace file through the same state and sinks as
 * live output; what a trace file holds. */
#ifndef RTRACE_REPLAY_H
#define RTRACE_REPLAY_H

struct env;

/* Each returns the exit status. */
int replay_main(const struct env *env);
int info_main(const struct env *env);

#endif
