// SPDX-License-Identifier: GPL-2.0
/* rtrace: functions and syscalls of a process in one timeline. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "probes/funclist.h"
#include "follow.h"
#include "probes/funcs.h"
#include "launch.h"
#include "util/log.h"
#include "opts.h"
#include "output/output.h"
#include "record.h"
#include "replay.h"
#include "sysdecode/sysdecode.h"
#include "tracer.h"

#define POLL_MS 10


static volatile sig_atomic_t exiting;

static void on_signal(int sig)
{
	exiting = sig;
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (level == LIBBPF_DEBUG && log_verbosity < 2)
		return 0;
	if (level == LIBBPF_INFO && log_verbosity < 1)
		return 0;
	return vfprintf(stderr, fmt, args);
}

static __s64 wall_offset_ns(void)
{
	struct timespec real, mono;

	clock_gettime(CLOCK_REALTIME, &real);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	return (real.tv_sec - mono.tv_sec) * 1000000000LL + (real.tv_nsec - mono.tv_nsec);
}

/* Root, or CAP_BPF + CAP_PERFMON (both needed for tracing programs). */
static int check_privileges(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = {};
	const int cap_perfmon = 38, cap_bpf = 39;

	if (geteuid() == 0)
		return 0;
	if (!syscall(SYS_capget, &hdr, data) && (data[1].effective & (1u << (cap_perfmon - 32))) &&
	    (data[1].effective & (1u << (cap_bpf - 32))))
		return 0;
	elog("tracing needs root, or CAP_BPF and CAP_PERFMON (try: sudo rtrace ...)");
	return -EPERM;
}

/* Copies the value of field key ("Tgid", "Uid") of /proc/PID/status into
 * buf. Returns 0, or -ESRCH when the process (or the field) is not there. */
static int proc_status_field(pid_t pid, const char *key, char *buf, size_t len)
{
	char path[64], line[256];
	size_t n = strlen(key);
	int err = -ESRCH;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "re");
	if (!f)
		return -ESRCH;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n) && line[n] == ':') {
			snprintf(buf, len, "%s", line + n + 1);
			err = 0;
			break;
		}
	fclose(f);
	return err;
}

/* Whether @pid is a kernel thread (PF_KTHREAD in /proc/PID/stat's flags). */
static bool is_kernel_thread(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long flags = 0;
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	p = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
	fclose(f);
	/* after "(comm)": state, ppid, pgrp, session, tty_nr, tpgid, then flags */
	for (i = 0; p && i < 7; i++)
		p = strchr(p + 1, ' ');
	if (p)
		flags = strtoul(p + 1, NULL, 10);
	return flags & 0x00200000;	/* PF_KTHREAD */
}

/* Returns the tgid of a process (or thread) id, or -ESRCH. */
static pid_t process_tgid(pid_t pid)
{
	char value[64];
	pid_t tgid;

	if (proc_status_field(pid, "Tgid", value, sizeof(value)) ||
	    sscanf(value, "%d", &tgid) != 1)
		return -ESRCH;
	return tgid;
}

/* Without root, CAP_PERFMON would let us read any process: allow only what
 * ptrace would, processes whose every uid is the caller's. Returns 0 or -EPERM. */
static int check_may_trace(pid_t pid)
{
	unsigned int r, e, s, f;
	char value[128];
	int err = -EPERM;

	if (getuid() == 0)
		return 0;
	if (proc_status_field(pid, "Uid", value, sizeof(value))) {
		elog("no such process: %d", pid);
		return -ESRCH;
	}
	if (sscanf(value, "%u %u %u %u", &r, &e, &s, &f) == 4 && r == getuid() &&
	    e == getuid() && s == getuid() && f == getuid())
		err = 0;
	if (err)
		elog("not permitted to trace process %d: it belongs to another user", pid);
	return err;
}

static bool alive(pid_t pid)
{
	return kill(pid, 0) == 0 || errno == EPERM;
}

/* /proc/PID/comm into @buf, without its newline. */
static bool read_comm(pid_t pid, char *buf, size_t len)
{
	char path[64];
	FILE *f;
	bool ok;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	ok = fgets(buf, len, f) != NULL;
	fclose(f);
	if (ok)
		buf[strcspn(buf, "\n")] = '\0';
	return ok && *buf;
}

/* Says why process pid could not be added to the traced set (err from tracer_add_tgid). */
static void elog_add_tgid(pid_t pid, int err)
{
	elog("cannot trace process %d: %s", pid,
	     err == -E2BIG ? "too many processes traced at once (tgid map full)" : strerror(-err));
}

static FILE *open_output(const struct env *env)
{
	FILE *f;

	/* JSON is data, for stdout, unless it is a launched program's stdout too: its output
	 * would cut into the records (strace's trace goes to stderr for that reason). */
	if (!env->output_path)
		f = env->json && !env->cmd ? stdout : stderr;
	else
		f = fopen(env->output_path, "we");
	if (!f) {
		elog("cannot open output file '%s': %s", env->output_path, strerror(errno));
		return NULL;
	}
	/* Flushed after each batch: one write per batch, not per line. */
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	return f;
}

/* -v: what rtrace itself cost, the consumer's side of make bench. */
static void log_cpu(unsigned long long records)
{
	struct rusage ru;
	double s;

	if (getrusage(RUSAGE_SELF, &ru))
		return;
	s = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
	    ru.ru_stime.tv_usec / 1e6;
	vlog("%.2f s of CPU (%.2f M events/s), %ld MiB at most in memory", s,
	     s > 0 ? records / s / 1e6 : 0.0, ru.ru_maxrss / 1024);
}

/* Whether an environment variable is set to something other than 0. */
static bool env_flag(const char *name)
{
	const char *v = getenv(name);

	return v && *v && strcmp(v, "0");
}

/* --list: resolves the specs (all the executable's functions without any) and prints where
 * each probe would go. Attaches nothing, so needs no privilege beyond reading the files.
 * Returns the exit status. */
/* -c alone is added up in BPF, with no record per event (bpf/counts.bpf.h): unless a filter
 * that works on the events is on, Go functions (paired per goroutine) are traced, or
 * RTRACE_NO_BPF_COUNTS=1 (tests: the events' figures to compare). */
static bool count_in_bpf(const struct env *env, const struct func_table *ft)
{
	size_t i;

	if (!env->summary || env->mode != MODE_LIVE || env->max_depth || env->only_tid ||
	    env->sample || env->min_dur_ns || env_flag("RTRACE_NO_BPF_COUNTS"))
		return false;
	for (i = 0; i < ft->nr_funcs; i++)
		if (ft->funcs[i].go.is_go)
			return false;
	return true;
}

static int list_functions(const struct env *env, const char *exe, pid_t pid)
{
	static char all[] = "*";
	char *all_specs[] = { all };
	struct func_table funcs = {};
	struct funcs_opts fopts = {
		.types = !env->no_args, .raw_args = env->raw_args, .deref = env->deref,
		.naive = env_flag("RTRACE_NAIVE_PROBES"), .quiet = true,
	};
	int err;

	err = funcs_resolve(&funcs, env->nr_func_specs ? env->func_specs : all_specs,
			    env->nr_func_specs ?: 1, pid, exe, &fopts);
	if (!err)
		funcs_list(stdout, &funcs, funcs_process_throws(&funcs, pid, exe));
	funcs_free(&funcs);
	return err ? 1 : 0;
}

int main(int argc, char **argv)
{
	static struct rtrace_syscall_spec specs[RTRACE_MAX_SYSCALLS];
	struct func_table funcs = {};
	struct follow fl = {};
	struct launch child = { .go_fd = -1 };
	struct tracer tr = {};
	struct output_opts oopts = {};
	struct output_stats stats = {};
	struct recorder rec = {};
	struct env env;
	struct sigaction sa = { .sa_handler = on_signal };
	FILE *out = NULL;
	pid_t *tgids = NULL;
	int nr_tgids = 0, err, i, status = 0, exit_code = 1;
	bool child_done = false;

	err = opts_parse(&env, argc, argv);
	if (err)
		return err > 0 ? 0 : 1;
	log_verbosity = env.verbose;
	if (env.mode != MODE_LIVE && env.mode != MODE_RECORD) {
		/* replay, report and export: one pipeline, a different sink */
		exit_code = env.mode == MODE_INFO ? info_main(&env) : replay_main(&env);
		opts_free(&env);
		return exit_code;
	}
	libbpf_set_print(libbpf_print);
	/* From the start: a signal during set-up must stop us, never be lost
	 * (a background job inherits SIGINT ignored) nor kill us half-attached. */
	/* The launched program gets every disposition back as it was (launch.c):
	 * an ignored signal would otherwise become a handled one, reset to the
	 * default by exec, or the other way round. */
	for (i = 0; i < LAUNCH_NR_SIGNALS; i++) {
		int sig = launch_signals[i];

		sigaction(sig, NULL, &child.saved[i]);
		/* nohup: a hangup stays ignored, for us too */
		if (sig == SIGHUP && child.saved[i].sa_handler == SIG_IGN)
			continue;
		/* A closed pipe on our output must not kill us before we detach. */
		if (sig == SIGPIPE)
			sigaction(sig, &(struct sigaction){ .sa_handler = SIG_IGN }, NULL);
		else
			sigaction(sig, &sa, NULL);
	}

	/* Bad input first: it must be reported before anything is touched. */
	if (env.cmd) {
		err = launch_resolve(&child, env.cmd);
		if (err)
			goto cleanup;
	} else {
		tgids = calloc(env.nr_pids, sizeof(*tgids));
		if (!tgids) {
			elog("out of memory");
			goto cleanup;
		}
		for (i = 0; i < env.nr_pids; i++) {
			pid_t tgid = process_tgid(env.pids[i]);

			if (tgid < 0) {
				elog("no such process: %d", env.pids[i]);
				goto cleanup;
			}
			if (is_kernel_thread(tgid)) {
				elog("process %d is a kernel thread: it runs no user code and makes no "
				     "system calls to trace", tgid);
				goto cleanup;
			}
			tgids[nr_tgids++] = tgid;
		}
	}
	if (env.mode == MODE_RECORD && !env.list && record_open(&rec, &env))
		goto cleanup;
	if (env.list) {
		for (i = 0; i < nr_tgids; i++)
			if (check_may_trace(tgids[i]))
				goto cleanup;
		exit_code = list_functions(&env, child.interp ?: child.path, env.cmd ? 0 : tgids[0]);
		goto cleanup;
	}
	err = check_privileges();
	if (err)
		goto cleanup;
	/* CO-RE and tp_btf need the kernel's BTF: say so rather than let the
	 * loader fail on a relocation. */
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		elog("this kernel has no BTF (/sys/kernel/btf/vmlinux): rtrace needs a kernel "
		     "built with CONFIG_DEBUG_INFO_BTF=y");
		goto cleanup;
	}
	for (i = 0; i < nr_tgids; i++)
		if (check_may_trace(tgids[i]))
			goto cleanup;
	fl.ft = &funcs;
	fl.specs = env.func_specs;
	fl.nr_specs = env.nr_func_specs;
	fl.opts = (struct funcs_opts){
		.types = !env.no_args, .raw_args = env.raw_args, .deref = env.deref,
		.naive = env_flag("RTRACE_NAIVE_PROBES"),
		.kernel_decides = env_flag("RTRACE_KERNEL_DECIDES"),
	};
	fl.tr = &tr;
	fl.lenient = env.follow || child.interp;
	/* Each process its own probes (follow.c); a script's are its interpreter's. */
	if (env.cmd)
		err = follow_add(&fl, 0, child.interp ?: child.path, true);
	for (i = 0; i < nr_tgids && !err; i++)
		err = follow_add(&fl, tgids[i], NULL, false);
	if (err)
		goto cleanup;
	if (env.nr_func_specs)
		vlog("%zu functions to trace", funcs.nr_funcs);
	if (env.mode != MODE_RECORD || env.show) {
		out = open_output(&env);
		if (!out)
			goto cleanup;
	}

	/* The child exists (held) before load: its pid is a load-time constant. It
	 * inherits our mappings of the modules, so that the kernel checks every probe's
	 * instruction as it attaches, and a refusal is said then. */
	if (env.cmd && funcs.nr_modules && funcs_map_modules(&funcs))
		vlog("cannot map every module: a probe the kernel refuses may go unsaid");
	if (env.cmd) {
		err = launch_fork(&child, env.cmd);
		if (err) {
			elog("cannot fork: %s", strerror(-err));
			goto cleanup;
		}
		follow_set_child(&fl, child.pid);
	}
	if (!env.follow)
		tr.single_tgid = env.cmd ? child.pid : nr_tgids == 1 ? tgids[0] : 0;
	/* What BPF copies for each syscall comes from the decoder's tables. */
	if (!env.summary) {
		sysdecode_fill_specs(specs);
		tr.specs = specs;
	}
	tr.funcs = &funcs;
	tr.count_in_bpf = count_in_bpf(&env, &funcs);
	err = tracer_load(&tr, &env);
	if (err)
		goto cleanup;
	oopts.json = env.json;
	oopts.durations = env.durations;
	oopts.timestamps = env.timestamps;
	oopts.relative = env.relative;
	oopts.summary = env.summary;
	oopts.string_limit = env.string_limit;
	oopts.fd_paths = env.fd_paths;
	oopts.deref = env.deref;
	oopts.raw_args = env.raw_args;
	oopts.no_args = env.no_args;
	oopts.prefix_tids = env.follow || nr_tgids > 1;
	oopts.max_depth = env.max_depth;
	oopts.only_tid = env.only_tid;
	oopts.sample = env.sample;
	oopts.sampled_c = env.sample;	/* by BPF */
	oopts.min_dur_ns = env.min_dur_ns;
	oopts.wall_offset_ns = wall_offset_ns();
	oopts.no_sink = !out;
	tr.out = output_new(out, &oopts, funcs_info, &funcs);
	if (!tr.out) {
		elog("out of memory");
		goto cleanup;
	}
	if (rec.w) {
		record_meta(&rec, argc, argv, &oopts);
		record_attach(&rec, tr.out, &funcs);
	}

	if (env.cmd) {
		char cwd[4096];

		/* The child runs where we do. */
		if (getcwd(cwd, sizeof(cwd))) {
			output_set_cwd(tr.out, child.pid, cwd);
			if (rec.w)
				record_cwd(&rec, child.pid, cwd);
		}
		if (rec.w && env.fd_paths)
			record_fds(&rec, tr.out, child.pid);
		err = tracer_add_tgid(&tr, child.pid, true);
		if (err)
			elog_add_tgid(child.pid, err);
	} else {
		for (i = 0; i < nr_tgids && !err; i++) {
			char link[64], cwd[4096], comm[64];
			ssize_t n;

			if (read_comm(tgids[i], comm, sizeof(comm))) {
				output_set_name(tr.out, tgids[i], comm);
				if (rec.w)
					record_name(&rec, tgids[i], comm);
			}
			snprintf(link, sizeof(link), "/proc/%d/cwd", tgids[i]);
			n = readlink(link, cwd, sizeof(cwd) - 1);
			if (n > 0) {
				cwd[n] = '\0';
				output_set_cwd(tr.out, tgids[i], cwd);
				if (rec.w)
					record_cwd(&rec, tgids[i], cwd);
			}
			if (rec.w && env.fd_paths)
				record_fds(&rec, tr.out, tgids[i]);
			err = tracer_add_tgid(&tr, tgids[i], false);
			if (err)
				elog_add_tgid(tgids[i], err);
		}
	}
	if (err)
		goto cleanup;
	err = tracer_attach_core(&tr);
	if (err)
		goto cleanup;
	/* Function probes, a set for each process: none on any other. */
	tr.on_proc = follow_on_event;
	tr.on_proc_ctx = &fl;
	err = follow_attach(&fl);
	funcs_unmap_modules(&funcs);
	if (err)
		goto cleanup;
	if (exiting) {
		/* Interrupted while setting up: undo it all, as a shell reports it. */
		exit_code = 128 + exiting;
		goto cleanup;
	}
	tracer_start(&tr);
	if (env.cmd) {
		err = launch_release(&child);
		if (err) {
			elog("cannot start '%s': %s", child.path, strerror(-err));
			goto cleanup;
		}
	}
	vlog("tracing");

	while (!exiting) {
		err = tracer_poll(&tr, POLL_MS, false);
		if (err)
			break;
		/* New children, programs and libraries get their probes. */
		follow_run(&fl);
		if (out)
			fflush(out);
		if (rec.w) {
			output_get_stats(tr.out, &stats);
			record_progress(&rec, &stats, false);
		}
		if (env.cmd && !child_done && waitpid(child.pid, &status, WNOHANG) == child.pid)
			child_done = true;
		if (env.cmd) {
			if (child_done && (!env.follow || tracer_tgids_empty(&tr)))
				break;
			continue;
		}
		/* A process that exited before we added it would never send an exit. */
		for (i = 0; i < nr_tgids; i++)
			if (tgids[i] && !alive(tgids[i])) {
				tracer_remove_tgid(&tr, tgids[i]);
				tgids[i] = 0;
			}
		if (tracer_tgids_empty(&tr))
			break;
	}
	/* Stop the flow before any probe goes, so no entry loses its return. */
	tracer_stop(&tr);
	tracer_detach(&tr);
	if (!err)
		err = tracer_poll(&tr, 0, true);
	if (!err)
		err = tracer_emit_counts(&tr);
	output_finish(tr.out);
	output_get_stats(tr.out, &stats);
	if (stats.lost)
		elog("%llu events lost (ring buffer full): try a larger --buffer-size",
		     (unsigned long long)stats.lost);
	if (tracer_unfollowed(&tr))
		elog("%llu child processes could not be followed (tgid map full)",
		     (unsigned long long)tracer_unfollowed(&tr));
	vlog("%llu events delivered, %llu lost", (unsigned long long)stats.records,
	     (unsigned long long)stats.lost);
	log_cpu(stats.records);
	if (rec.w && record_close(&rec, &stats))
		goto cleanup;
	if (err) {
		elog("tracing failed: %s", strerror(-err));
		goto cleanup;
	}
	if (env.cmd)
		exit_code = child_done ? launch_exit_status(status) : 0;
	else
		exit_code = 0;
cleanup:
	if (rec.w) {
		/* Failed on the way: what was recorded stays readable. */
		memset(&stats, 0, sizeof(stats));
		if (tr.out)
			output_get_stats(tr.out, &stats);
		record_close(&rec, &stats);
	}
	if (env.cmd && child.pid && child.go_fd >= 0)
		launch_abort(&child);	/* never released: it exits without running */
	tracer_close(&tr);
	output_free(tr.out);
	if (out && out != stdout && out != stderr)
		fclose(out);
	else if (out)
		fflush(out);
	follow_free(&fl);
	funcs_free(&funcs);
	launch_free(&child);
	free(tgids);
	opts_free(&env);
	return exit_code;
}
