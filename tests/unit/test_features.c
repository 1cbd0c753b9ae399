/* SPDX-License-Identifier: GPL-2.0 */
/* Unit tests for user/kernel_features.c and the instruction hint of user/uprobe_multi.c. */
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_features.h"
#include <unistd.h>
#include "tap.h"
#include "uprobe_multi.h"

#define INSN(...) ((const __u8[]){ __VA_ARGS__ }), sizeof((const __u8[]){ __VA_ARGS__ })

static void test_insn_hint(void)
{
	CHECK(!uprobe_insn_suspect(INSN(0x55)), "push %%rbp: probed");
	CHECK(!uprobe_insn_suspect(INSN(0x41, 0x57)), "push %%r15 (REX): probed");
	CHECK(!uprobe_insn_suspect(INSN(0xf3, 0x0f, 0x1e, 0xfa)), "endbr64: probed");
	CHECK(!uprobe_insn_suspect(INSN(0x64, 0x48, 0x8b, 0x04, 0x25, 0x28, 0, 0, 0)),
	      "mov %%fs:0x28,%%rax: probed (fs: is fine)");
	CHECK(!uprobe_insn_suspect(INSN(0xc5, 0xf8, 0x77)), "vzeroupper: probed (opcode 77)");
	CHECK(uprobe_insn_suspect(INSN(0xf0, 0x83, 0x04, 0x24, 0x00)), "lock prefix: refused");
	CHECK(uprobe_insn_suspect(INSN(0x2e, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0)),
	      "cs: prefix: refused");
	CHECK(uprobe_insn_suspect(INSN(0xc5, 0xf9, 0x6e, 0xc6)), "vmovd (VEX, 6e): refused");
	CHECK(uprobe_insn_suspect(INSN(0xc4, 0xe2, 0x79, 0x6f, 0xc0)), "3-byte VEX, 6f: refused");
	CHECK(uprobe_insn_suspect(INSN(0x62, 0xf1, 0xfd, 0x48, 0x6f, 0x06)),
	      "vmovdqa64 (EVEX, 6f): refused");
	CHECK(uprobe_insn_suspect(INSN(0x0f, 0x05)), "syscall: refused");
	CHECK(uprobe_insn_suspect(INSN(0x66, 0x0f, 0x38, 0x00, 0xc1)), "0f 38 map: refused");
	CHECK(uprobe_insn_suspect(INSN(0xf4)), "hlt: refused");
	/* The kernel refuses it too, but the hint does not know: bisecting finds it. */
	CHECK(!uprobe_insn_suspect(INSN(0x8e, 0xd0)), "mov %%eax,%%ss: left to the kernel");
	CHECK(!uprobe_insn_suspect(INSN(0x66)), "prefix only: no opinion");
	CHECK(!uprobe_insn_suspect(INSN(0xc5, 0xf9)), "truncated VEX: no opinion");
}

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
	test_insn_hint();
	test_probe_and_print();
	return tap_done();
}
