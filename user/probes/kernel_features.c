// SPDX-License-Identifier: GPL-2.0
/* Kernel feature probes: each one tries the feature, or finds it in the kernel's BTF. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <linux/btf.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "kernel_features.h"
#include "uprobe_multi.h"

#define VMLINUX_BTF "/sys/kernel/btf/vmlinux"

/* Loads `r0 = 0; exit` as a kprobe program expecting uprobe_multi links. Returns its fd or
 * -errno. Kernels before 6.6 accept the attach type at load and refuse it at link time.
 */
static int load_noop_uprobe_multi(void)
{
	LIBBPF_OPTS(bpf_prog_load_opts, opts,
		.expected_attach_type = (enum bpf_attach_type)RTRACE_BPF_TRACE_UPROBE_MULTI,
	);
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int fd;

	fd = bpf_prog_load(BPF_PROG_TYPE_KPROBE, "rtrace_probe", "GPL", insns,
			   sizeof(insns) / sizeof(insns[0]), &opts);
	return fd < 0 ? -errno : fd;
}

/* Asks for links that must fail, and reads the answer from the error: nothing is ever
 * probed. The approach of libbpf's own probe_uprobe_multi_link() (1.3+).
 */
static int probe_uprobe_multi(bool *has, bool *pid_ok)
{
	const __u64 offset = 0;
	int prog_fd, fd;

	*has = *pid_ok = false;
	prog_fd = load_noop_uprobe_multi();
	if (prog_fd < 0)
		return prog_fd == -EPERM ? -EPERM : 0;
	/* "/" is no regular file: EBADF once the kernel got as far as resolving the path, which
	 * only a kernel with uprobe_multi does; 6.1 says EINVAL for the attach type. */
	fd = uprobe_multi_link_create(prog_fd, "/", &offset, NULL, 1, 0, 0);
	if (fd >= 0)
		close(fd);
	*has = fd == -EBADF;
	/* A fixed kernel (46ba0e49b642) rejects a negative pid before looking at the path; one
	 * that filters per thread goes on to the path, and EBADF again. */
	if (*has) {
		fd = uprobe_multi_link_create(prog_fd, "/", &offset, NULL, 1, 0, -1);
		if (fd >= 0)
			close(fd);
		*pid_ok = fd == -EINVAL;
	}
	close(prog_fd);
	return 0;
}

int features_probe_uprobe_multi(const char **why)
{
	bool has, pid_ok;
	int err;

	err = probe_uprobe_multi(&has, &pid_ok);
	if (err) {
		if (why)
			*why = "BPF programs cannot be loaded";
		return err;
	}
	if (why)
		*why = !has ? "the kernel has no uprobe_multi links" :
		       !pid_ok ? "the kernel's uprobe_multi pid filter is per thread" : NULL;
	return has && pid_ok;
}

/* Returns whether vmlinux BTF has a function named name (false without BTF). */
static bool btf_has_func(const char *name)
{
	struct btf *btf;
	bool found;

	btf = btf__load_vmlinux_btf();
	if (!btf)
		return false;
	found = btf__find_by_name_kind(btf, name, BTF_KIND_FUNC) >= 0;
	btf__free(btf);
	return found;
}

/* Whether a CONFIG_PREEMPT_RT kernel runs: its spinlock_t sleeps. */
static bool kernel_is_rt(void)
{
	char c = 0;
	int fd;

	fd = open("/sys/kernel/realtime", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	if (read(fd, &c, 1) != 1)
		c = 0;
	close(fd);
	return c == '1';
}

bool features_ringbuf_from_irq(void)
{
	const struct btf_member *m;
	const struct btf_type *t;
	struct btf *btf;
	bool safe = false;
	int id, i;

	if (!kernel_is_rt())
		return true;
	/* On RT, a ring buffer locked by a spinlock_t (6.1; raw from 6.3) must
	 * not be written from an interrupt. */
	btf = btf__load_vmlinux_btf();
	if (!btf)
		return false;
	id = btf__find_by_name_kind(btf, "bpf_ringbuf", BTF_KIND_STRUCT);
	t = id > 0 ? btf__type_by_id(btf, id) : NULL;
	for (i = 0, m = t ? btf_members(t) : NULL; t && i < btf_vlen(t); i++, m++) {
		if (strcmp(btf__name_by_offset(btf, m->name_off), "spinlock"))
			continue;
		safe = strcmp(btf__name_by_offset(btf, btf__type_by_id(btf, m->type)->name_off),
			      "spinlock_t") != 0;
		break;
	}
	btf__free(btf);
	return safe;
}

int features_probe(struct rtrace_features *f)
{
	int err;

	*f = (struct rtrace_features){};
	f->btf = access(VMLINUX_BTF, R_OK) == 0;
#if defined(__x86_64__)
	/* Never call it to find out: from 6.11 a uretprobe syscall outside the trampoline
	 * kills the caller with SIGILL. */
	f->uretprobe_syscall = f->btf && btf_has_func("__x64_sys_uretprobe");
#endif
	f->ringbuf_from_irq = features_ringbuf_from_irq();
	err = probe_uprobe_multi(&f->uprobe_multi, &f->uprobe_multi_pid);
	if (err)
		return err;
	f->bpf_probed = true;
	f->ringbuf = libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL) == 1;
	f->bpf_cookie = libbpf_probe_bpf_helper(BPF_PROG_TYPE_KPROBE, BPF_FUNC_get_attach_cookie,
						NULL) == 1;
	return 0;
}

void features_print(FILE *out, const struct rtrace_features *f)
{
	const char *unknown = "unknown (cannot load BPF programs)";
#define YN(v) ((v) ? "yes" : "no")
#define BPF_YN(v) (f->bpf_probed ? YN(v) : unknown)

	fprintf(out, "btf: %s\n", YN(f->btf));
	fprintf(out, "ringbuf: %s\n", BPF_YN(f->ringbuf));
	fprintf(out, "bpf_cookie: %s\n", BPF_YN(f->bpf_cookie));
	fprintf(out, "uprobe_multi: %s\n", BPF_YN(f->uprobe_multi));
	fprintf(out, "uprobe_multi_pid: %s\n", BPF_YN(f->uprobe_multi_pid));
	fprintf(out, "uretprobe_syscall: %s\n", YN(f->uretprobe_syscall));
	fprintf(out, "ringbuf_from_irq: %s\n", YN(f->ringbuf_from_irq));
#undef BPF_YN
#undef YN
}
