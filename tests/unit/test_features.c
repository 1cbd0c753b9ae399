/* SPDX-License-Identifier: GPL-2.0 */
/* Unit tests for user/probes/kernel_features.c. */
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/kernel_features.h"
#include <unistd.h>
#include "tap.h"

static bool matches(const char *text, const char *re)
{
	regex_t r;
	bool m;

	if (regcomp(&r, re, REG_EXTENDED | REG_NEWLINE))
		return false;
	m = !regexec(&r, text, 0, NULL, 0);
	regfree(&r);
	return m;
}

static void test_probe_and_print(void)
{
	const char *names[] = { "btf", "ringbuf", "bpf_cookie", "uprobe_multi",
				"uprobe_multi_pid", "uretprobe_syscall", "ringbuf_from_irq" };
	struct rtrace_features f;
	char *text = NULL, re[128];
	size_t len = 0, i;
	FILE *s;
	int err, multi;

	err = features_probe(&f);
	CHECK(err == 0 || err == -EPERM, "features_probe: 0, or -EPERM unprivileged (%d)", err);
	CHECK(f.bpf_probed == (err == 0), "bpf_probed says whether BPF was asked");
	if (f.uprobe_multi_pid)
		CHECK(f.uprobe_multi, "a uprobe_multi pid fix implies uprobe_multi");
	multi = features_probe_uprobe_multi(NULL);
	if (err == 0)
		CHECK_INT(multi, f.uprobe_multi && f.uprobe_multi_pid,
			  "features_probe_uprobe_multi agrees with features_probe");
	else
		CHECK_INT(multi, -EPERM, "features_probe_uprobe_multi: -EPERM too");

	/* Only PREEMPT_RT kernels have the file, and only their locks sleep. */
	if (access("/sys/kernel/realtime", F_OK))
		CHECK(f.ringbuf_from_irq && features_ringbuf_from_irq(),
		      "not an RT kernel: records can go to the ring buffer from an interrupt");
	else
		tap_skip("ringbuf_from_irq off RT", "an RT kernel: it depends on its ring buffer lock");

	s = open_memstream(&text, &len);
	if (!CHECK(s, "open_memstream"))
		return;
	features_print(s, &f);
	fclose(s);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(re, sizeof(re), "^%s: (yes|no|unknown .*)$", names[i]);
		CHECK(matches(text, re), "features_print has a '%s:' line", names[i]);
	}
	CHECK_INT(matches(text, "^uprobe_multi: unknown"), !f.bpf_probed,
		  "unknown only when BPF could not be asked");
	free(text);
}

int main(void)
{
	printf("TAP version 13\n");
	test_probe_and_print();
	return tap_done();
}
