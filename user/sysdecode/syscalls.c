/* SPDX-License-Identifier: GPL-2.0 */
/* The x86-64 syscall table and strace's `-e trace=SET` parser.
 *
 * Where the table came from:
 *  - numbers and names: the kernel's arch/x86/entry/syscalls/syscall_64.tbl
 *    (Linux 6.18; 64-bit and common ABI, x32-only numbers 512.. left out).
 *    0..450 agree with Debian 12's <asm/unistd_64.h> (tests/unit checks that);
 *    335, 336 and 424..469 were checked against the tracepoints of a running
 *    6.18 kernel.
 *  - nargs and classes: strace's src/linux/x86_64/syscallent.h and
 *    src/linux/generic/syscallent-common.h. 0..450 equal the table compiled
 *    into Debian 12's strace 6.1. For 465..469 (newer than the strace sources
 *    at hand) nargs follow the kernel's SYSCALL_DEFINEn and the classes follow
 *    their siblings (setxattrat/getxattrat: %desc and %file); 336 uprobe is
 *    taken like 335 uretprobe.
 *  - nargs are strace's, not the kernel's: they differ only for preadv and
 *    pwritev (strace shows one 64-bit offset, the kernel takes two halves).
 */
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "syscalls.h"
#include "util/util.h"


/* strace's shorthands, to keep the table readable next to syscallent.h */
#define TD	TRACE_DESC
#define TF	TRACE_FILE
#define TI	TRACE_IPC
#define TN	TRACE_NETWORK
#define TP	TRACE_PROCESS
#define TS	TRACE_SIGNAL
#define TM	TRACE_MEMORY
#define TC	TRACE_CREDS
#define TCL	TRACE_CLOCK
#define PU	TRACE_PURE
#define TST	TRACE_STAT
#define TLST	TRACE_LSTAT
#define TFST	TRACE_FSTAT
#define TSTA	TRACE_STAT_LIKE
#define TSF	TRACE_STATFS
#define TFSF	TRACE_FSTATFS
#define TSFA	TRACE_STATFS_LIKE

/* Unlisted numbers are zero-filled: name == NULL marks a hole. */
static const struct syscall_info syscall_table[] = {
	[  0] = { "read",			3, TD },
	[  1] = { "write",			3, TD },
	[  2] = { "open",			3, TD | TF },
	[  3] = { "close",			1, TD },
	[  4] = { "stat",			2, TF | TST | TSTA },
	[  5] = { "fstat",			2, TD | TFST | TSTA },
	[  6] = { "lstat",			2, TF | TLST | TSTA },
	[  7] = { "poll",			3, TD },
	[  8] = { "lseek",			3, TD },
	[  9] = { "mmap",			6, TD | TM },
	[ 10] = { "mprotect",			3, TM },
	[ 11] = { "munmap",			2, TM },
	[ 12] = { "brk",			1, TM },
	[ 13] = { "rt_sigaction",		4, TS },
	[ 14] = { "rt_sigprocmask",		4, TS },
	[ 15] = { "rt_sigreturn",		0, TS },
	[ 16] = { "ioctl",			3, TD },
	[ 17] = { "pread64",			4, TD },
	[ 18] = { "pwrite64",			4, TD },
	[ 19] = { "readv",			3, TD },
	[ 20] = { "writev",			3, TD },
	[ 21] = { "access",			2, TF },
	[ 22] = { "pipe",			1, TD },
	[ 23] = { "select",			5, TD },
	[ 24] = { "sched_yield",		0, 0 },
	[ 25] = { "mremap",			5, TM },
	[ 26] = { "msync",			3, TM },
	[ 27] = { "mincore",			3, TM },
	[ 28] = { "madvise",			3, TM },
	[ 29] = { "shmget",			3, TI },
	[ 30] = { "shmat",			3, TI | TM },
	[ 31] = { "shmctl",			3, TI },
	[ 32] = { "dup",			1, TD },
	[ 33] = { "dup2",			2, TD },
	[ 34] = { "pause",			0, TS },
	[ 35] = { "nanosleep",			2, 0 },
	[ 36] = { "getitimer",			2, 0 },
	[ 37] = { "alarm",			1, 0 },
	[ 38] = { "setitimer",			3, 0 },
	[ 39] = { "getpid",			0, PU },
	[ 40] = { "sendfile",			4, TD | TN },
	[ 41] = { "socket",			3, TN },
	[ 42] = { "connect",			3, TN },
	[ 43] = { "accept",			3, TN },
	[ 44] = { "sendto",			6, TN },
	[ 45] = { "recvfrom",			6, TN },
	[ 46] = { "sendmsg",			3, TN },
	[ 47] = { "recvmsg",			3, TN },
	[ 48] = { "shutdown",			2, TN },
	[ 49] = { "bind",			3, TN },
	[ 50] = { "listen",			2, TN },
	[ 51] = { "getsockname",		3, TN },
	[ 52] = { "getpeername",		3, TN },
	[ 53] = { "socketpair",			4, TN },
	[ 54] = { "setsockopt",			5, TN },
	[ 55] = { "getsockopt",			5, TN },
	[ 56] = { "clone",			5, TP },
	[ 57] = { "fork",			0, TP },
	[ 58] = { "vfork",			0, TP },
	[ 59] = { "execve",			3, TF | TP },
	[ 60] = { "exit",			1, TP },
	[ 61] = { "wait4",			4, TP },
	[ 62] = { "kill",			2, TS | TP },
	[ 63] = { "uname",			1, 0 },
	[ 64] = { "semget",			3, TI },
	[ 65] = { "semop",			3, TI },
	[ 66] = { "semctl",			4, TI },
	[ 67] = { "shmdt",			1, TI | TM },
	[ 68] = { "msgget",			2, TI },
	[ 69] = { "msgsnd",			4, TI },
	[ 70] = { "msgrcv",			5, TI },
	[ 71] = { "msgctl",			3, TI },
	[ 72] = { "fcntl",			3, TD },
	[ 73] = { "flock",			2, TD },
	[ 74] = { "fsync",			1, TD },
	[ 75] = { "fdatasync",			1, TD },
	[ 76] = { "truncate",			2, TF },
	[ 77] = { "ftruncate",			2, TD },
	[ 78] = { "getdents",			3, TD },
	[ 79] = { "getcwd",			2, TF },
	[ 80] = { "chdir",			1, TF },
	[ 81] = { "fchdir",			1, TD },
	[ 82] = { "rename",			2, TF },
	[ 83] = { "mkdir",			2, TF },
	[ 84] = { "rmdir",			1, TF },
	[ 85] = { "creat",			2, TD | TF },
	[ 86] = { "link",			2, TF },
	[ 87] = { "unlink",			1, TF },
	[ 88] = { "symlink",			2, TF },
	[ 89] = { "readlink",			3, TF },
	[ 90] = { "chmod",			2, TF },
	[ 91] = { "fchmod",			2, TD },
	[ 92] = { "chown",			3, TF },
	[ 93] = { "fchown",			3, TD },
	[ 94] = { "lchown",			3, TF },
	[ 95] = { "umask",			1, 0 },
	[ 96] = { "gettimeofday",		2, TCL },
	[ 97] = { "getrlimit",			2, 0 },
	[ 98] = { "getrusage",			2, 0 },
	[ 99] = { "sysinfo",			1, 0 },
	[100] = { "times",			1, 0 },
	[101] = { "ptrace",			4, 0 },
	[102] = { "getuid",			0, TC | PU },
	[103] = { "syslog",			3, 0 },
	[104] = { "getgid",			0, TC | PU },
	[105] = { "setuid",			1, TC },
	[106] = { "setgid",			1, TC },
	[107] = { "geteuid",			0, TC | PU },
	[108] = { "getegid",			0, TC | PU },
	[109] = { "setpgid",			2, 0 },
	[110] = { "getppid",			0, PU },
	[111] = { "getpgrp",			0, PU },
	[112] = { "setsid",			0, 0 },
	[113] = { "setreuid",			2, TC },
	[114] = { "setregid",			2, TC },
	[115] = { "getgroups",			2, TC },
	[116] = { "setgroups",			2, TC },
	[117] = { "setresuid",			3, TC },
	[118] = { "getresuid",			3, TC },
	[119] = { "setresgid",			3, TC },
	[120] = { "getresgid",			3, TC },
	[121] = { "getpgid",			1, 0 },
	[122] = { "setfsuid",			1, TC },
	[123] = { "setfsgid",			1, TC },
	[124] = { "getsid",			1, 0 },
	[125] = { "capget",			2, TC },
	[126] = { "capset",			2, TC },
	[127] = { "rt_sigpending",		2, TS },
	[128] = { "rt_sigtimedwait",		4, TS },
	[129] = { "rt_sigqueueinfo",		3, TS | TP },
	[130] = { "rt_sigsuspend",		2, TS },
	[131] = { "sigaltstack",		2, TS },
	[132] = { "utime",			2, TF },
	[133] = { "mknod",			3, TF },
	[134] = { "uselib",			1, TF },
	[135] = { "personality",		1, 0 },
	[136] = { "ustat",			2, TSFA },
	[137] = { "statfs",			2, TF | TSF | TSFA },
	[138] = { "fstatfs",			2, TD | TFSF | TSFA },
	[139] = { "sysfs",			3, 0 },
	[140] = { "getpriority",		2, 0 },
	[141] = { "setpriority",		3, 0 },
	[142] = { "sched_setparam",		2, 0 },
	[143] = { "sched_getparam",		2, 0 },
	[144] = { "sched_setscheduler",		3, 0 },
	[145] = { "sched_getscheduler",		1, 0 },
	[146] = { "sched_get_priority_max",	1, 0 },
	[147] = { "sched_get_priority_min",	1, 0 },
	[148] = { "sched_rr_get_interval",	2, 0 },
	[149] = { "mlock",			2, TM },
	[150] = { "munlock",			2, TM },
	[151] = { "mlockall",			1, TM },
	[152] = { "munlockall",			0, TM },
	[153] = { "vhangup",			0, 0 },
	[154] = { "modify_ldt",			3, 0 },
	[155] = { "pivot_root",			2, TF },
	[156] = { "_sysctl",			1, 0 },
	[157] = { "prctl",			5, TC },
	[158] = { "arch_prctl",			2, 0 },
	[159] = { "adjtimex",			1, TCL },
	[160] = { "setrlimit",			2, 0 },
	[161] = { "chroot",			1, TF },
	[162] = { "sync",			0, 0 },
	[163] = { "acct",			1, TF },
	[164] = { "settimeofday",		2, TCL },
	[165] = { "mount",			5, TF },
	[166] = { "umount2",			2, TF },
	[167] = { "swapon",			2, TF },
	[168] = { "swapoff",			1, TF },
	[169] = { "reboot",			4, 0 },
	[170] = { "sethostname",		2, 0 },
	[171] = { "setdomainname",		2, 0 },
	[172] = { "iopl",			1, 0 },
	[173] = { "ioperm",			3, 0 },
	[174] = { "create_module",		2, 0 },
	[175] = { "init_module",		3, 0 },
	[176] = { "delete_module",		2, 0 },
	[177] = { "get_kernel_syms",		1, 0 },
	[178] = { "query_module",		5, 0 },
	[179] = { "quotactl",			4, TF },
	[180] = { "nfsservctl",			3, 0 },
	[181] = { "getpmsg",			5, TN },
	[182] = { "putpmsg",			5, TN },
	[183] = { "afs_syscall",		5, 0 },
	[184] = { "tuxcall",			3, 0 },
	[185] = { "security",			3, 0 },
	[186] = { "gettid",			0, PU },
	[187] = { "readahead",			3, TD },
	[188] = { "setxattr",			5, TF },
	[189] = { "lsetxattr",			5, TF },
	[190] = { "fsetxattr",			5, TD },
	[191] = { "getxattr",			4, TF },
	[192] = { "lgetxattr",			4, TF },
	[193] = { "fgetxattr",			4, TD },
	[194] = { "listxattr",			3, TF },
	[195] = { "llistxattr",			3, TF },
	[196] = { "flistxattr",			3, TD },
	[197] = { "removexattr",		2, TF },
	[198] = { "lremovexattr",		2, TF },
	[199] = { "fremovexattr",		2, TD },
	[200] = { "tkill",			2, TS | TP },
	[201] = { "time",			1, TCL },
	[202] = { "futex",			6, 0 },
	[203] = { "sched_setaffinity",		3, 0 },
	[204] = { "sched_getaffinity",		3, 0 },
	[205] = { "set_thread_area",		1, 0 },
	[206] = { "io_setup",			2, TM },
	[207] = { "io_destroy",			1, TM },
	[208] = { "io_getevents",		5, 0 },
	[209] = { "io_submit",			3, 0 },
	[210] = { "io_cancel",			3, 0 },
	[211] = { "get_thread_area",		1, 0 },
	[212] = { "lookup_dcookie",		3, 0 },
	[213] = { "epoll_create",		1, TD },
	[214] = { "epoll_ctl_old",		4, 0 },
	[215] = { "epoll_wait_old",		4, 0 },
	[216] = { "remap_file_pages",		5, TM },
	[217] = { "getdents64",			3, TD },
	[218] = { "set_tid_address",		1, 0 },
	[219] = { "restart_syscall",		0, 0 },
	[220] = { "semtimedop",			4, TI },
	[221] = { "fadvise64",			4, TD },
	[222] = { "timer_create",		3, 0 },
	[223] = { "timer_settime",		4, 0 },
	[224] = { "timer_gettime",		2, 0 },
	[225] = { "timer_getoverrun",		1, 0 },
	[226] = { "timer_delete",		1, 0 },
	[227] = { "clock_settime",		2, TCL },
	[228] = { "clock_gettime",		2, TCL },
	[229] = { "clock_getres",		2, TCL },
	[230] = { "clock_nanosleep",		4, 0 },
	[231] = { "exit_group",			1, TP },
	[232] = { "epoll_wait",			4, TD },
	[233] = { "epoll_ctl",			4, TD },
	[234] = { "tgkill",			3, TS | TP },
	[235] = { "utimes",			2, TF },
	[236] = { "vserver",			5, 0 },
	[237] = { "mbind",			6, TM },
	[238] = { "set_mempolicy",		3, TM },
	[239] = { "get_mempolicy",		5, TM },
	[240] = { "mq_open",			4, TD },
	[241] = { "mq_unlink",			1, 0 },
	[242] = { "mq_timedsend",		5, TD },
	[243] = { "mq_timedreceive",		5, TD },
	[244] = { "mq_notify",			2, TD },
	[245] = { "mq_getsetattr",		3, TD },
	[246] = { "kexec_load",			4, 0 },
	[247] = { "waitid",			5, TP },
	[248] = { "add_key",			5, 0 },
	[249] = { "request_key",		4, 0 },
	[250] = { "keyctl",			5, 0 },
	[251] = { "ioprio_set",			3, 0 },
	[252] = { "ioprio_get",			2, 0 },
	[253] = { "inotify_init",		0, TD },
	[254] = { "inotify_add_watch",		3, TD | TF },
	[255] = { "inotify_rm_watch",		2, TD },
	[256] = { "migrate_pages",		4, TM },
	[257] = { "openat",			4, TD | TF },
	[258] = { "mkdirat",			3, TD | TF },
	[259] = { "mknodat",			4, TD | TF },
	[260] = { "fchownat",			5, TD | TF },
	[261] = { "futimesat",			3, TD | TF },
	[262] = { "newfstatat",			4, TD | TF | TFST | TSTA },
	[263] = { "unlinkat",			3, TD | TF },
	[264] = { "renameat",			4, TD | TF },
	[265] = { "linkat",			5, TD | TF },
	[266] = { "symlinkat",			3, TD | TF },
	[267] = { "readlinkat",			4, TD | TF },
	[268] = { "fchmodat",			3, TD | TF },
	[269] = { "faccessat",			3, TD | TF },
	[270] = { "pselect6",			6, TD },
	[271] = { "ppoll",			5, TD },
	[272] = { "unshare",			1, 0 },
	[273] = { "set_robust_list",		2, 0 },
	[274] = { "get_robust_list",		3, 0 },
	[275] = { "splice",			6, TD },
	[276] = { "tee",			4, TD },
	[277] = { "sync_file_range",		4, TD },
	[278] = { "vmsplice",			4, TD },
	[279] = { "move_pages",			6, TM },
	[280] = { "utimensat",			4, TD | TF },
	[281] = { "epoll_pwait",		6, TD },
	[282] = { "signalfd",			3, TD | TS },
	[283] = { "timerfd_create",		2, TD },
	[284] = { "eventfd",			1, TD },
	[285] = { "fallocate",			4, TD },
	[286] = { "timerfd_settime",		4, TD },
	[287] = { "timerfd_gettime",		2, TD },
	[288] = { "accept4",			4, TN },
	[289] = { "signalfd4",			4, TD | TS },
	[290] = { "eventfd2",			2, TD },
	[291] = { "epoll_create1",		1, TD },
	[292] = { "dup3",			3, TD },
	[293] = { "pipe2",			2, TD },
	[294] = { "inotify_init1",		1, TD },
	[295] = { "preadv",			4, TD },
	[296] = { "pwritev",			4, TD },
	[297] = { "rt_tgsigqueueinfo",		4, TP | TS },
	[298] = { "perf_event_open",		5, TD },
	[299] = { "recvmmsg",			5, TN },
	[300] = { "fanotify_init",		2, TD },
	[301] = { "fanotify_mark",		5, TD | TF },
	[302] = { "prlimit64",			4, 0 },
	[303] = { "name_to_handle_at",		5, TD | TF },
	[304] = { "open_by_handle_at",		3, TD },
	[305] = { "clock_adjtime",		2, TCL },
	[306] = { "syncfs",			1, TD },
	[307] = { "sendmmsg",			4, TN },
	[308] = { "setns",			2, TD },
	[309] = { "getcpu",			3, 0 },
	[310] = { "process_vm_readv",		6, 0 },
	[311] = { "process_vm_writev",		6, 0 },
	[312] = { "kcmp",			5, 0 },
	[313] = { "finit_module",		3, TD },
	[314] = { "sched_setattr",		3, 0 },
	[315] = { "sched_getattr",		4, 0 },
	[316] = { "renameat2",			5, TD | TF },
	[317] = { "seccomp",			3, 0 },
	[318] = { "getrandom",			3, 0 },
	[319] = { "memfd_create",		2, TD },
	[320] = { "kexec_file_load",		5, TD },
	[321] = { "bpf",			3, TD },
	[322] = { "execveat",			5, TD | TF | TP },
	[323] = { "userfaultfd",		1, TD },
	[324] = { "membarrier",			3, 0 },
	[325] = { "mlock2",			3, TM },
	[326] = { "copy_file_range",		6, TD },
	[327] = { "preadv2",			6, TD },
	[328] = { "pwritev2",			6, TD },
	[329] = { "pkey_mprotect",		4, TM },
	[330] = { "pkey_alloc",			2, 0 },
	[331] = { "pkey_free",			1, 0 },
	[332] = { "statx",			5, TD | TF | TFST | TSTA },
	[333] = { "io_pgetevents",		6, 0 },
	[334] = { "rseq",			4, 0 },
	[335] = { "uretprobe",			0, 0 },
	[336] = { "uprobe",			0, 0 },
	/* 337..423: unused on x86-64, kept free to line up with other arches */
	[424] = { "pidfd_send_signal",		4, TD | TS | TP },
	[425] = { "io_uring_setup",		2, TD },
	[426] = { "io_uring_enter",		6, TD | TS },
	[427] = { "io_uring_register",		4, TD | TM },
	[428] = { "open_tree",			3, TD | TF },
	[429] = { "move_mount",			5, TD | TF },
	[430] = { "fsopen",			2, TD },
	[431] = { "fsconfig",			5, TD | TF },
	[432] = { "fsmount",			3, TD },
	[433] = { "fspick",			3, TD | TF },
	[434] = { "pidfd_open",			2, TD },
	[435] = { "clone3",			2, TP },
	[436] = { "close_range",		3, 0 },
	[437] = { "openat2",			4, TD | TF },
	[438] = { "pidfd_getfd",		3, TD },
	[439] = { "faccessat2",			4, TD | TF },
	[440] = { "process_madvise",		5, TD },
	[441] = { "epoll_pwait2",		6, TD },
	[442] = { "mount_setattr",		5, TD | TF },
	[443] = { "quotactl_fd",		4, TD },
	[444] = { "landlock_create_ruleset",	3, TD },
	[445] = { "landlock_add_rule",		4, TD },
	[446] = { "landlock_restrict_self",	2, TD },
	[447] = { "memfd_secret",		1, TD },
	[448] = { "process_mrelease",		2, TD },
	[449] = { "futex_waitv",		5, 0 },
	[450] = { "set_mempolicy_home_node",	4, TM },
	[451] = { "cachestat",			4, TD },
	[452] = { "fchmodat2",			4, TD | TF },
	[453] = { "map_shadow_stack",		3, TM },
	[454] = { "futex_wake",			4, 0 },
	[455] = { "futex_wait",			6, 0 },
	[456] = { "futex_requeue",		4, 0 },
	[457] = { "statmount",			4, 0 },
	[458] = { "listmount",			4, 0 },
	[459] = { "lsm_get_self_attr",		4, 0 },
	[460] = { "lsm_set_self_attr",		4, 0 },
	[461] = { "lsm_list_modules",		3, 0 },
	[462] = { "mseal",			3, TM },
	[463] = { "setxattrat",			6, TD | TF },
	[464] = { "getxattrat",			6, TD | TF },
	[465] = { "listxattrat",		5, TD | TF },
	[466] = { "removexattrat",		4, TD | TF },
	[467] = { "open_tree_attr",		5, TD | TF },
	[468] = { "file_getattr",		5, TD | TF },
	[469] = { "file_setattr",		5, TD | TF },
};

_Static_assert(RTRACE_MAX_SYSCALLS % 64 == 0, "bitmap is made of 64-bit words");
_Static_assert(ARRAY_SIZE(syscall_table) <= RTRACE_MAX_SYSCALLS, "table outgrew the bitmap");

const struct syscall_info *syscall_info(long nr)
{
	if (nr < 0 || nr >= (long)ARRAY_SIZE(syscall_table) || !syscall_table[nr].name)
		return NULL;
	return &syscall_table[nr];
}

long syscall_table_size(void)
{
	return ARRAY_SIZE(syscall_table);
}

const char *syscall_name(long nr, char *buf, size_t len)
{
	const struct syscall_info *si = syscall_info(nr);

	if (si)
		return si->name;
	if (buf && len)
		snprintf(buf, len, "syscall_%ld", nr);
	return buf;
}

/* A plain decimal number below the bitmap size: what strace accepts as a raw
 * syscall number, and the NNN of "syscall_NNN".
 */
static bool parse_nr(const char *s, long *nr)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v >= RTRACE_MAX_SYSCALLS)
		return false;
	*nr = v;
	return true;
}

long syscall_lookup(const char *name)
{
	long nr;
	size_t i;

	if (!name)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(syscall_table); i++) {
		if (syscall_table[i].name && !strcmp(syscall_table[i].name, name))
			return i;
	}
	/* so that what syscall_name() prints for a hole reads back */
	if (!strncmp(name, "syscall_", 8) && parse_nr(name + 8, &nr))
		return nr;
	return -ENOENT;
}

bool syscall_set_has(const unsigned long long *mask, long nr)
{
	if (nr < 0 || nr >= RTRACE_MAX_SYSCALLS)
		return false;
	return mask[nr / 64] & (1ULL << (nr % 64));
}

static void set_add(unsigned long long *set, long nr)
{
	set[nr / 64] |= 1ULL << (nr % 64);
}

/* strace's class names; the bare ones are its legacy spellings, and a bare
 * "all" inside a list is the class of every known syscall.
 */
static const struct {
	const char *name;
	unsigned int classes;
} class_names[] = {
	{ "%desc", TRACE_DESC },	{ "%file", TRACE_FILE },
	{ "%memory", TRACE_MEMORY },	{ "%process", TRACE_PROCESS },
	{ "%creds", TRACE_CREDS },	{ "%signal", TRACE_SIGNAL },
	{ "%ipc", TRACE_IPC },		{ "%net", TRACE_NETWORK },
	{ "%network", TRACE_NETWORK },	{ "%stat", TRACE_STAT },
	{ "%lstat", TRACE_LSTAT },	{ "%fstat", TRACE_FSTAT },
	{ "%%stat", TRACE_STAT_LIKE },	{ "%statfs", TRACE_STATFS },
	{ "%fstatfs", TRACE_FSTATFS },	{ "%%statfs", TRACE_STATFS_LIKE },
	{ "%pure", TRACE_PURE },	{ "%clock", TRACE_CLOCK },
	{ "all", 0 },			{ "desc", TRACE_DESC },
	{ "file", TRACE_FILE },		{ "memory", TRACE_MEMORY },
	{ "process", TRACE_PROCESS },	{ "signal", TRACE_SIGNAL },
	{ "ipc", TRACE_IPC },		{ "network", TRACE_NETWORK },
};

static bool add_class(const char *tok, unsigned long long *set)
{
	unsigned int cls;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(class_names); i++) {
		if (!strcmp(tok, class_names[i].name))
			break;
	}
	if (i == ARRAY_SIZE(class_names))
		return false;
	cls = class_names[i].classes;
	for (i = 0; i < ARRAY_SIZE(syscall_table); i++) {
		if (syscall_table[i].name && (syscall_table[i].classes & cls) == cls)
			set_add(set, i);
	}
	return true;
}

/* Returns 1 if something matched, 0 if nothing did, -EINVAL for a bad regex. */
static int add_regex(const char *re, unsigned long long *set, char *err, size_t errlen)
{
	regex_t preg;
	bool found = false;
	size_t i;
	int rc;

	rc = regcomp(&preg, re, REG_EXTENDED | REG_NOSUB);
	if (rc) {
		char why[128];

		regerror(rc, &preg, why, sizeof(why));
		snprintf(err, errlen, "invalid regular expression '/%s': %s", re, why);
		return -EINVAL;
	}
	for (i = 0; i < ARRAY_SIZE(syscall_table); i++) {
		if (syscall_table[i].name && !regexec(&preg, syscall_table[i].name, 0, NULL, 0)) {
			set_add(set, i);
			found = true;
		}
	}
	regfree(&preg);
	return found;
}

static int add_token(const char *tok, unsigned long long *set, char *err, size_t errlen)
{
	const char *what = "system call";
	bool optional = false;
	long nr;
	int rc;

	/* strace: any number of leading '?' */
	while (*tok == '?') {
		optional = true;
		tok++;
	}
	if (*tok == '/') {
		rc = add_regex(tok + 1, set, err, errlen);
		if (rc < 0)
			return rc;	/* a broken regex is an error even with '?' */
		if (rc)
			return 0;
	} else if (add_class(tok, set)) {
		return 0;
	} else if (*tok == '%') {
		what = "class";
	} else if (parse_nr(tok, &nr) || (nr = syscall_lookup(tok)) >= 0) {
		set_add(set, nr);
		return 0;
	}
	if (optional)
		return 0;
	snprintf(err, errlen, "invalid %s '%s'", what, tok);
	return -EINVAL;
}

int syscall_set_parse(const char *expr, unsigned long long mask[RTRACE_MAX_SYSCALLS / 64],
		      char *err, size_t errlen)
{
	unsigned long long set[SYSCALL_MASK_WORDS] = { 0 };
	char dummy[1], *copy, *tok, *save = NULL;
	bool invert = false;
	const char *s;
	int ntok = 0, rc = 0;
	size_t i;

	/* callers may not want the message; write it somewhere anyway */
	if (!err || !errlen) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	err[0] = '\0';
	if (!expr)
		expr = "";

	/* Each leading '!' inverts the rest, so "!!read" is "read". */
	for (s = expr; *s == '!'; s++)
		invert = !invert;

	if (!strcmp(s, "all")) {
		memset(set, 0xff, sizeof(set));	/* unknown numbers too, as strace */
	} else if (strcmp(s, "none")) {
		copy = strdup(s);
		if (!copy) {
			snprintf(err, errlen, "out of memory");
			return -ENOMEM;
		}
		/* strtok_r skips empty tokens, as strace does */
		for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			ntok++;
			rc = add_token(tok, set, err, errlen);
			if (rc)
				break;
		}
		free(copy);
		if (rc)
			return rc;
		if (!ntok) {
			snprintf(err, errlen, "invalid system call '%s'", expr);
			return -EINVAL;
		}
	}
	if (invert) {
		for (i = 0; i < SYSCALL_MASK_WORDS; i++)
			set[i] = ~set[i];
	}
	memcpy(mask, set, sizeof(set));
	return 0;
}
