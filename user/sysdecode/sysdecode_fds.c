// SPDX-License-Identifier: GPL-2.0
/* -y: file descriptors as paths. What the traced calls opened, dup'ed and
 * closed is remembered per process; anything else is read from /proc while
 * the process lives.
 */
#include <asm/unistd_64.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sysdecode_priv.h"

#define FDS_BUCKETS	256

struct fd_entry {
	struct fd_entry *next;
	int pid, fd;
	char path[];
};

struct sysdecode_fds {
	struct fd_entry *bucket[FDS_BUCKETS];
	sysdecode_link_fn link;		/* NULL: /proc directly */
	void *link_ctx;
};

static const char *fds_path(struct sysdecode_fds *fds, int pid, int fd);

/* The cwd lives in the fd table under an fd no real one can have. */
#define FD_CWD	(-100)


bool sysdecode_proc_link(int pid, long long fd, char *buf, size_t len)
{
	char p[64];
	ssize_t n;

	if (!len)
		return false;
	if (fd >= 0)
		snprintf(p, sizeof(p), "/proc/%d/fd/%lld", pid, fd);
	else
		snprintf(p, sizeof(p), "/proc/%d/cwd", pid);
	n = readlink(p, buf, len - 1);
	if (n < 0)
		return false;
	buf[n] = 0;
	return true;
}

/* sysdecode_proc_link(), or @fds's link function if it has one. */
bool sd_proc_link(struct sysdecode_fds *fds, int pid, long long fd, char *buf, size_t len)
{
	if (fds && fds->link)
		return fds->link(fds->link_ctx, pid, fd, buf, len);
	return sysdecode_proc_link(pid, fd, buf, len);
}

void sd_print_fd_path(FILE *out, const char *path)
{
	static const char deleted[] = " (deleted)";
	size_t n = strlen(path);
	bool del = n >= sizeof(deleted) - 1 && !strcmp(path + n - (sizeof(deleted) - 1), deleted);

	/* strace moves the kernel's ` (deleted)` out of the brackets */
	if (del)
		n -= sizeof(deleted) - 1;
	fputc('<', out);
	/* strace's quoting without the quotes */
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = path[i];

		if (ch == '\\' || ch == '"')
			fprintf(out, "\\%c", ch);
		else if (ch == '\n')
			fputs("\\n", out);
		else if (ch < ' ' || ch > 0x7e || ch == '<' || ch == '>')
			fprintf(out, "\\%o", ch);
		else
			fputc(ch, out);
	}
	fputc('>', out);
	if (del)
		fputs("(deleted)", out);
}

void sd_fd(struct sd_ctx *c, long long fd)
{
	const char *path;

	fd = (int)fd;
	fprintf(c->out, "%lld", fd);
	if (!c->fd_paths || fd < 0)
		return;
	path = fds_path(c->fds, c->call->pid, fd);
	if (path)
		sd_print_fd_path(c->out, path);
}

void sd_dirfd(struct sd_ctx *c, long long fd)
{
	char cwd[4096];

	if ((int)fd != -100) {
		sd_fd(c, fd);
		return;
	}
	fputs("AT_FDCWD", c->out);
	if (!c->fd_paths)
		return;
	if (sd_fds_known(c->fds, c->call->pid, FD_CWD))
		sd_print_fd_path(c->out, sd_fds_known(c->fds, c->call->pid, FD_CWD));
	else if (sd_proc_link(c->fds, c->call->pid, -1, cwd, sizeof(cwd)))
		sd_print_fd_path(c->out, cwd);
}

/* ---- -y: fd paths ---- */


static unsigned int fds_hash(int pid, int fd)
{
	return ((unsigned int)pid * 31u + (unsigned int)fd) % FDS_BUCKETS;
}

struct sysdecode_fds *sysdecode_fds_new(void)
{
	return calloc(1, sizeof(struct sysdecode_fds));
}

void sysdecode_fds_set_link(struct sysdecode_fds *fds, sysdecode_link_fn fn, void *ctx)
{
	if (!fds)
		return;
	fds->link = fn;
	fds->link_ctx = ctx;
}

static struct fd_entry **fds_find(struct sysdecode_fds *fds, int pid, int fd)
{
	struct fd_entry **e = &fds->bucket[fds_hash(pid, fd)];

	for (; *e; e = &(*e)->next)
		if ((*e)->pid == pid && (*e)->fd == fd)
			return e;
	return e;
}

static void fds_drop(struct sysdecode_fds *fds, int pid, int fd)
{
	struct fd_entry **e = fds_find(fds, pid, fd), *dead = *e;

	if (dead) {
		*e = dead->next;
		free(dead);
	}
}

static void fds_set(struct sysdecode_fds *fds, int pid, int fd, const char *path)
{
	size_t n = strlen(path);
	struct fd_entry *e;

	fds_drop(fds, pid, fd);
	e = malloc(sizeof(*e) + n + 1);
	if (!e)
		return;
	e->pid = pid;
	e->fd = fd;
	memcpy(e->path, path, n + 1);
	e->next = fds->bucket[fds_hash(pid, fd)];
	fds->bucket[fds_hash(pid, fd)] = e;
}

const char *sd_fds_known(struct sysdecode_fds *fds, int pid, int fd)
{
	struct fd_entry *e = fds ? *fds_find(fds, pid, fd) : NULL;

	return e ? e->path : NULL;
}

static const char *fds_path(struct sysdecode_fds *fds, int pid, int fd)
{
	static char buf[4096];
	struct fd_entry *e;

	if (fds && (e = *fds_find(fds, pid, fd)))
		return e->path;
	if (!sd_proc_link(fds, pid, fd, buf, sizeof(buf)))
		return NULL;
	if (fds)
		fds_set(fds, pid, fd, buf);
	return buf;
}

/* Collapses `//`, `.` and `..` in an absolute path, in place, as the
 * kernel's lookup would without symlinks. */
static void normalize_path(char *path)
{
	char *out = path, *p = path;

	while (*p) {
		char *seg;
		size_t n;

		while (*p == '/')
			p++;
		seg = p;
		while (*p && *p != '/')
			p++;
		n = p - seg;
		if (!n || (n == 1 && seg[0] == '.'))
			continue;
		if (n == 2 && seg[0] == '.' && seg[1] == '.') {
			while (out > path && *--out != '/')
				;
			continue;
		}
		*out++ = '/';
		memmove(out, seg, n);
		out += n;
	}
	if (out == path)
		*out++ = '/';
	*out = '\0';
}

/* The path argument path_arg of call, made absolute against dirfd (or the
 * cwd for AT_FDCWD, dirfd_arg < 0 meaning the cwd too) into buf. Returns
 * false if it cannot be known. The process may be gone by the time rtrace
 * prints, so this works from what was captured and learnt, not from /proc. */
static bool abs_path(struct sysdecode_fds *fds, const struct sysdecode_call *call, int path_arg,
		     int dirfd_arg, char *buf, size_t len)
{
	struct sd_ctx c = { .call = call, .sc = sd_lookup(call->nr) };
	const struct sysdecode_capture *cap;
	const char *base;
	int dirfd;
	size_t n;

	if (path_arg < 0 || !c.sc)
		return false;
	cap = sd_cap(&c, path_arg, 0);
	if (!cap || !cap->len || (cap->flags & RTRACE_CAPF_TRUNC))
		return false;
	n = strnlen(cap->data, cap->len);
	if (((const char *)cap->data)[0] == '/') {
		snprintf(buf, len, "%.*s", (int)n, (const char *)cap->data);
		return true;
	}
	dirfd = dirfd_arg < 0 ? -100 : (int)call->args[dirfd_arg];
	/* Only a cwd we followed: /proc would show it after this very call. */
	base = dirfd == -100 ? sd_fds_known(fds, call->pid, FD_CWD) : fds_path(fds, call->pid, dirfd);
	if (!base)
		return false;
	snprintf(buf, len, "%s/%.*s", base, (int)n, (const char *)cap->data);
	normalize_path(buf);
	return true;
}

/* Learns ret as a new fd: from /proc while the process lives, else from
 * the path argument. */
static void note_new_fd(struct sysdecode_fds *fds, const struct sysdecode_call *call, int fd,
			int path_arg, int dirfd_arg)
{
	char buf[4096];

	fds_drop(fds, call->pid, fd);
	if (sd_proc_link(fds, call->pid, fd, buf, sizeof(buf)) ||
	    abs_path(fds, call, path_arg, dirfd_arg, buf, sizeof(buf)))
		fds_set(fds, call->pid, fd, buf);
}

static void copy_fd(struct sysdecode_fds *fds, int pid, int from, int to)
{
	const char *p = fds_path(fds, pid, from);
	char buf[4096];

	if (!p) {
		fds_drop(fds, pid, to);
		return;
	}
	snprintf(buf, sizeof(buf), "%s", p);
	fds_set(fds, pid, to, buf);
}

void sysdecode_fds_note(struct sysdecode_fds *fds, const struct sysdecode_call *call)
{
	const unsigned long long *a = call->args;
	long long ret = call->ret;

	if (!fds || !call->has_ret || sd_is_error(ret))
		return;
	switch (call->nr) {
	case __NR_open: case __NR_creat:
		note_new_fd(fds, call, ret, 0, -1);
		break;
	case __NR_openat: case __NR_openat2:
		note_new_fd(fds, call, ret, 1, 0);
		break;
	case __NR_socket: case __NR_accept: case __NR_accept4: case __NR_epoll_create:
	case __NR_epoll_create1: case __NR_eventfd2: case __NR_timerfd_create:
	case __NR_memfd_create: case __NR_inotify_init1: case __NR_pidfd_open:
		note_new_fd(fds, call, ret, -1, -1);
		break;
	case __NR_chdir: {
		char buf[4096];

		if (abs_path(fds, call, 0, -1, buf, sizeof(buf)))
			fds_set(fds, call->pid, FD_CWD, buf);
		else
			fds_drop(fds, call->pid, FD_CWD);
		break;
	}
	case __NR_fchdir:
		copy_fd(fds, call->pid, a[0], FD_CWD);
		break;
	case __NR_dup:
		copy_fd(fds, call->pid, a[0], ret);
		break;
	case __NR_dup2: case __NR_dup3:
		if (a[0] != a[1])
			copy_fd(fds, call->pid, a[0], a[1]);
		break;
	case __NR_fcntl:
		if (a[1] == 0 || a[1] == 1030)
			copy_fd(fds, call->pid, a[0], ret);
		break;
	case __NR_close:
		fds_drop(fds, call->pid, a[0]);
		break;
	case __NR_pipe: case __NR_pipe2: case __NR_socketpair: {
		struct sd_ctx c = { .call = call, .sc = sd_lookup(call->nr) };
		int arg = call->nr == __NR_socketpair ? 3 : 0;
		const struct sysdecode_capture *cap = sd_cap(&c, arg, 0);
		int fd[2];

		if (!cap || cap->len < 8)
			break;
		memcpy(fd, cap->data, 8);
		note_new_fd(fds, call, fd[0], -1, -1);
		note_new_fd(fds, call, fd[1], -1, -1);
		break;
	}
	case __NR_execve: case __NR_execveat:
		sysdecode_fds_exec(fds, call->pid);
		break;
	}
}

void sysdecode_fds_exec(struct sysdecode_fds *fds, int pid)
{
	const char *cwd = sd_fds_known(fds, pid, FD_CWD);
	char keep[4096];

	/* O_CLOEXEC fds are gone: relearn lazily; the cwd stays */
	if (cwd)
		snprintf(keep, sizeof(keep), "%s", cwd);
	sysdecode_fds_forget(fds, pid);
	if (cwd)
		fds_set(fds, pid, FD_CWD, keep);
}

void sysdecode_fds_set_cwd(struct sysdecode_fds *fds, int pid, const char *cwd)
{
	if (fds && cwd)
		fds_set(fds, pid, FD_CWD, cwd);
}

void sysdecode_fds_fork(struct sysdecode_fds *fds, int parent, int child)
{
	int i;

	if (!fds)
		return;
	/* fds_set adds at bucket heads, behind the walk: the child's entries are
	 * never visited. */
	for (i = 0; i < FDS_BUCKETS; i++) {
		struct fd_entry *e;

		for (e = fds->bucket[i]; e; e = e->next)
			if (e->pid == parent && !sd_fds_known(fds, child, e->fd))
				fds_set(fds, child, e->fd, e->path);
	}
}

void sysdecode_fds_forget(struct sysdecode_fds *fds, int pid)
{
	int i;

	if (!fds)
		return;
	for (i = 0; i < FDS_BUCKETS; i++) {
		struct fd_entry **e = &fds->bucket[i];

		while (*e) {
			if ((*e)->pid == pid) {
				struct fd_entry *dead = *e;

				*e = dead->next;
				free(dead);
			} else {
				e = &(*e)->next;
			}
		}
	}
}

void sysdecode_fds_free(struct sysdecode_fds *fds)
{
	if (!fds)
		return;
	for (int i = 0; i < FDS_BUCKETS; i++) {
		while (fds->bucket[i]) {
			struct fd_entry *dead = fds->bucket[i];

			fds->bucket[i] = dead->next;
			free(dead);
		}
	}
	free(fds);
}
