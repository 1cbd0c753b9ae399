// SPDX-License-Identifier: GPL-2.0
/* The cost floor for `make bench`: probes that do nothing at all. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("tp_btf/sys_enter")
int BPF_PROG(noop_sys_enter)
{
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(noop_sys_exit)
{
	return 0;
}

SEC("uprobe")
int BPF_KPROBE(noop_entry)
{
	return 0;
}

SEC("uretprobe")
int BPF_KRETPROBE(noop_return)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
