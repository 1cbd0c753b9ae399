// SPDX-License-Identifier: GPL-2.0
/* Read-only file mappings: /proc/PID/maps while the process lives, the
 * module's program headers when it is gone. */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/uio.h>
#include "constmem.h"
#include "procmaps.h"

/* The file and offset behind addr, if a read-only file mapping of pid holds
 * it. Returns 0, -ESRCH (the process is gone), -EFAULT (nothing mapped
 * there) or -EACCES. */
static int maps_lookup(int pid, unsigned long long addr, char *path, size_t path_len,
		       unsigned long long *off)
{
	struct proc_map m;
	int err;

	err = proc_map_at(pid, addr, &m, path, path_len);
	if (err)
		return err;
	if (m.perms[1] == 'w' || path[0] != '/')
		return -EACCES;
	*off = addr - m.start + m.pgoff;
	return 0;
}

/* The file offset of addr in a PT_LOAD segment of path that is not
 * writable, path being loaded where anchor_addr holds its file offset
 * anchor_off. Returns 0, -ENOENT or -EACCES. */
static int elf_ro_offset(const char *path, unsigned long long anchor_addr,
			 unsigned long long anchor_off, unsigned long long addr,
			 unsigned long long *off)
{
	unsigned long long base = 0, vaddr;
	bool based = false;
	int fd, err = -ENOENT;
	size_t i, nr;
	GElf_Phdr ph;
	Elf *elf;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return -ENOENT;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf || elf_getphdrnum(elf, &nr))
		goto cleanup;
	/* Where the module was loaded, from the segment holding the anchor. */
	for (i = 0; i < nr && !based; i++) {
		if (!gelf_getphdr(elf, i, &ph) || ph.p_type != PT_LOAD ||
		    anchor_off < ph.p_offset || anchor_off >= ph.p_offset + ph.p_filesz)
			continue;
		base = anchor_addr - (anchor_off - ph.p_offset + ph.p_vaddr);
		based = true;
	}
	if (!based || addr < base)
		goto cleanup;
	vaddr = addr - base;
	for (i = 0; i < nr; i++) {
		if (!gelf_getphdr(elf, i, &ph) || ph.p_type != PT_LOAD)
			continue;
		if (vaddr < ph.p_vaddr || vaddr >= ph.p_vaddr + ph.p_filesz)
			continue;
		err = ph.p_flags & PF_W ? -EACCES : 0;
		*off = vaddr - ph.p_vaddr + ph.p_offset;
		break;
	}
cleanup:
	elf_end(elf);
	close(fd);
	return err;
}

long constmem_read(int pid, const char *module, unsigned long long anchor_addr,
		   unsigned long long anchor_off, unsigned long long addr, void *buf, size_t len)
{
	unsigned long long off = 0;
	char path[4096];
	const char *file = path;
	ssize_t n;
	int err, fd;

	err = maps_lookup(pid, addr, path, sizeof(path), &off);
	if (!err) {
		/* The memory itself (relocations may differ from the file), when
		 * we may read it; its mapping is read-only, so it is as it was. */
		struct iovec local = { buf, len }, remote = { (void *)(unsigned long)addr, len };

		n = process_vm_readv(pid, &local, 1, &remote, 1, 0);
		if (n > 0)
			return n;
	}
	if (err == -ESRCH && module) {
		file = module;
		err = elf_ro_offset(module, anchor_addr, anchor_off, addr, &off);
	}
	if (err)
		return err;
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = pread(fd, buf, len, off);
	err = n < 0 ? -errno : 0;
	close(fd);
	return err ? err : n;
}
