// SPDX-License-Identifier: GPL-2.0
/* Value → name tables for the syscall decoder, x86-64 values. Flag tables
 * keep the order of strace's src/xlat/NAME.in files, which decides the
 * order of the names in `A|B`; numbers are spelled out where glibc's macro differs from
 * the kernel's (O_LARGEFILE is 0 in x86-64 userspace, 0100000 in the kernel).
 */
#include <stdio.h>
#include <string.h>

#include "sysdecode_priv.h"

const struct xlat xl_open_access[] = {
	XN(0, "O_RDONLY"), XN(1, "O_WRONLY"), XN(2, "O_RDWR"), XN(3, "O_ACCMODE"), XEND,
};

const struct xlat xl_open_flags[] = {
	XN(00000100, "O_CREAT"), XN(00000200, "O_EXCL"), XN(00000400, "O_NOCTTY"),
	XN(00001000, "O_TRUNC"), XN(00002000, "O_APPEND"), XN(00004000, "O_NONBLOCK"),
	XN(04010000, "O_SYNC"), XN(04000000, "__O_SYNC"), XN(00010000, "O_DSYNC"),
	XN(00040000, "O_DIRECT"), XN(00100000, "O_LARGEFILE"), XN(00400000, "O_NOFOLLOW"),
	XN(01000000, "O_NOATIME"), XN(02000000, "O_CLOEXEC"), XN(010000000, "O_PATH"),
	XN(020200000, "O_TMPFILE"), XN(020000000, "__O_TMPFILE"), XN(00200000, "O_DIRECTORY"),
	XN(00020000, "FASYNC"), XEND,
};

const struct xlat xl_at_flags[] = {
	XN(0x100, "AT_SYMLINK_NOFOLLOW"), XN(0x200, "AT_REMOVEDIR"), XN(0x400, "AT_SYMLINK_FOLLOW"),
	XN(0x800, "AT_NO_AUTOMOUNT"), XN(0x1000, "AT_EMPTY_PATH"), XN(0x8000, "AT_RECURSIVE"),
	XEND,
};

const struct xlat xl_faccessat_flags[] = {
	XN(0x100, "AT_SYMLINK_NOFOLLOW"), XN(0x200, "AT_EACCESS"), XN(0x1000, "AT_EMPTY_PATH"),
	XEND,
};

const struct xlat xl_access_modes[] = {
	XN(0, "F_OK"), XN(4, "R_OK"), XN(2, "W_OK"), XN(1, "X_OK"), XEND,
};

const struct xlat xl_prot[] = {
	XN(0, "PROT_NONE"), XN(1, "PROT_READ"), XN(2, "PROT_WRITE"), XN(4, "PROT_EXEC"),
	XN(8, "PROT_SEM"), XN(0x01000000, "PROT_GROWSDOWN"), XN(0x02000000, "PROT_GROWSUP"),
	XEND,
};

const struct xlat xl_map_type[] = {
	XN(1, "MAP_SHARED"), XN(2, "MAP_PRIVATE"), XN(3, "MAP_SHARED_VALIDATE"), XEND,
};

const struct xlat xl_map_flags[] = {
	XN(0x10, "MAP_FIXED"), XN(0x20, "MAP_ANONYMOUS"), XN(0x40, "MAP_32BIT"),
	XN(0x4000, "MAP_NORESERVE"), XN(0x8000, "MAP_POPULATE"), XN(0x10000, "MAP_NONBLOCK"),
	XN(0x100, "MAP_GROWSDOWN"), XN(0x800, "MAP_DENYWRITE"), XN(0x1000, "MAP_EXECUTABLE"),
	XN(0x2000, "MAP_LOCKED"), XN(0x20000, "MAP_STACK"), XN(0x40000, "MAP_HUGETLB"),
	XN(0x80000, "MAP_SYNC"), XN(0x100000, "MAP_FIXED_NOREPLACE"), XEND,
};

const struct xlat xl_madvise[] = {
	XN(0, "MADV_NORMAL"), XN(1, "MADV_RANDOM"), XN(2, "MADV_SEQUENTIAL"),
	XN(3, "MADV_WILLNEED"), XN(4, "MADV_DONTNEED"), XN(8, "MADV_FREE"), XN(9, "MADV_REMOVE"),
	XN(10, "MADV_DONTFORK"), XN(11, "MADV_DOFORK"), XN(12, "MADV_MERGEABLE"),
	XN(13, "MADV_UNMERGEABLE"), XN(14, "MADV_HUGEPAGE"), XN(15, "MADV_NOHUGEPAGE"),
	XN(16, "MADV_DONTDUMP"), XN(17, "MADV_DODUMP"), XN(18, "MADV_WIPEONFORK"),
	XN(19, "MADV_KEEPONFORK"), XN(20, "MADV_COLD"), XN(21, "MADV_PAGEOUT"),
	XN(22, "MADV_POPULATE_READ"), XN(23, "MADV_POPULATE_WRITE"),
	XN(24, "MADV_DONTNEED_LOCKED"), XN(25, "MADV_COLLAPSE"), XN(100, "MADV_HWPOISON"),
	XN(101, "MADV_SOFT_OFFLINE"), XEND,
};

const struct xlat xl_mremap[] = {
	XN(1, "MREMAP_MAYMOVE"), XN(2, "MREMAP_FIXED"), XN(4, "MREMAP_DONTUNMAP"), XEND,
};

const struct xlat xl_whence[] = {
	XN(0, "SEEK_SET"), XN(1, "SEEK_CUR"), XN(2, "SEEK_END"), XN(3, "SEEK_DATA"),
	XN(4, "SEEK_HOLE"), XEND,
};

const struct xlat xl_fcntl_cmds[] = {
	XN(0, "F_DUPFD"), XN(1, "F_GETFD"), XN(2, "F_SETFD"), XN(3, "F_GETFL"), XN(4, "F_SETFL"),
	XN(5, "F_GETLK"), XN(6, "F_SETLK"), XN(7, "F_SETLKW"), XN(8, "F_SETOWN"),
	XN(9, "F_GETOWN"), XN(10, "F_SETSIG"), XN(11, "F_GETSIG"), XN(15, "F_SETOWN_EX"),
	XN(16, "F_GETOWN_EX"), XN(17, "F_GETOWNER_UIDS"), XN(36, "F_OFD_GETLK"),
	XN(37, "F_OFD_SETLK"), XN(38, "F_OFD_SETLKW"), XN(1024, "F_SETLEASE"),
	XN(1025, "F_GETLEASE"), XN(1026, "F_NOTIFY"), XN(1029, "F_CANCELLK"),
	XN(1030, "F_DUPFD_CLOEXEC"), XN(1031, "F_SETPIPE_SZ"), XN(1032, "F_GETPIPE_SZ"),
	XN(1033, "F_ADD_SEALS"), XN(1034, "F_GET_SEALS"), XN(1035, "F_GET_RW_HINT"),
	XN(1036, "F_SET_RW_HINT"), XN(1037, "F_GET_FILE_RW_HINT"),
	XN(1038, "F_SET_FILE_RW_HINT"), XEND,
};

const struct xlat xl_fd_flags[] = { XN(1, "FD_CLOEXEC"), XEND };

const struct xlat xl_seals[] = {
	XN(1, "F_SEAL_SEAL"), XN(2, "F_SEAL_SHRINK"), XN(4, "F_SEAL_GROW"), XN(8, "F_SEAL_WRITE"),
	XN(0x10, "F_SEAL_FUTURE_WRITE"), XEND,
};

/* The ioctls decoded or at least named; sd_ioctl_cmd prints the rest as
 * strace does for commands it does not know. */
const struct xlat xl_ioctl[] = {
	/* strace lists both names where OSS sound ioctls share the number */
	XN(0x5401, "TCGETS"), XN(0x5402, "SNDCTL_TMR_START or TCSETS"),
	XN(0x5403, "SNDCTL_TMR_STOP or TCSETSW"), XN(0x5404, "SNDCTL_TMR_CONTINUE or TCSETSF"),
	XN(0x5409, "TCSBRK"), XN(0x540a, "TCXONC"), XN(0x540b, "TCFLSH"),
	XN(0x540e, "TIOCSCTTY"), XN(0x540f, "TIOCGPGRP"), XN(0x5410, "TIOCSPGRP"),
	XN(0x5413, "TIOCGWINSZ"), XN(0x5414, "TIOCSWINSZ"), XN(0x541b, "FIONREAD"),
	XN(0x5421, "FIONBIO"), XN(0x5422, "TIOCNOTTY"), XN(0x5429, "TIOCGSID"),
	XN(0x5450, "FIONCLEX"), XN(0x5451, "FIOCLEX"), XN(0x5452, "FIOASYNC"),
	XN(0x80045430, "TIOCGPTN"), XN(0x40045431, "TIOCSPTLCK"), XEND,
};

const struct xlat xl_ioc_dirs[] = {
	XN(0, "_IOC_NONE"), XN(2, "_IOC_READ"), XN(1, "_IOC_WRITE"), XEND,
};

const struct xlat xl_clockids[] = {
	XN(0, "CLOCK_REALTIME"), XN(1, "CLOCK_MONOTONIC"), XN(2, "CLOCK_PROCESS_CPUTIME_ID"),
	XN(3, "CLOCK_THREAD_CPUTIME_ID"), XN(4, "CLOCK_MONOTONIC_RAW"),
	XN(5, "CLOCK_REALTIME_COARSE"), XN(6, "CLOCK_MONOTONIC_COARSE"), XN(7, "CLOCK_BOOTTIME"),
	XN(8, "CLOCK_REALTIME_ALARM"), XN(9, "CLOCK_BOOTTIME_ALARM"), XN(10, "CLOCK_SGI_CYCLE"),
	XN(11, "CLOCK_TAI"), XEND,
};

const struct xlat xl_timer_flags[] = { XN(1, "TIMER_ABSTIME"), XEND };

const struct xlat xl_itimer[] = {
	XN(0, "ITIMER_REAL"), XN(1, "ITIMER_VIRTUAL"), XN(2, "ITIMER_PROF"), XEND,
};

const struct xlat xl_poll_events[] = {
	XN(0x1, "POLLIN"), XN(0x2, "POLLPRI"), XN(0x4, "POLLOUT"), XN(0x8, "POLLERR"),
	XN(0x10, "POLLHUP"), XN(0x20, "POLLNVAL"), XN(0x40, "POLLRDNORM"), XN(0x80, "POLLRDBAND"),
	XN(0x100, "POLLWRNORM"), XN(0x200, "POLLWRBAND"), XN(0x400, "POLLMSG"),
	XN(0x1000, "POLLREMOVE"), XN(0x2000, "POLLRDHUP"), XN(0x8000, "POLL_BUSY_LOOP"), XEND,
};

const struct xlat xl_epoll_events[] = {
	XN(0x1, "EPOLLIN"), XN(0x2, "EPOLLPRI"), XN(0x4, "EPOLLOUT"), XN(0x8, "EPOLLERR"),
	XN(0x10, "EPOLLHUP"), XN(0x20, "EPOLLNVAL"), XN(0x40, "EPOLLRDNORM"),
	XN(0x80, "EPOLLRDBAND"), XN(0x100, "EPOLLWRNORM"), XN(0x200, "EPOLLWRBAND"),
	XN(0x400, "EPOLLMSG"), XN(0x2000, "EPOLLRDHUP"), XN(0x10000000, "EPOLLEXCLUSIVE"),
	XN(0x20000000, "EPOLLWAKEUP"), XN(0x40000000, "EPOLLONESHOT"),
	XN(0x80000000, "EPOLLET"), XEND,
};

const struct xlat xl_epoll_ctl[] = {
	XN(1, "EPOLL_CTL_ADD"), XN(2, "EPOLL_CTL_DEL"), XN(3, "EPOLL_CTL_MOD"), XEND,
};

const struct xlat xl_epoll_flags[] = { XN(02000000, "EPOLL_CLOEXEC"), XEND };

const struct xlat xl_af[] = {
	XN(0, "AF_UNSPEC"), XN(1, "AF_UNIX"), XN(2, "AF_INET"), XN(3, "AF_AX25"), XN(4, "AF_IPX"),
	XN(5, "AF_APPLETALK"), XN(6, "AF_NETROM"), XN(7, "AF_BRIDGE"), XN(8, "AF_ATMPVC"),
	XN(9, "AF_X25"), XN(10, "AF_INET6"), XN(11, "AF_ROSE"), XN(12, "AF_DECnet"),
	XN(13, "AF_NETBEUI"), XN(14, "AF_SECURITY"), XN(15, "AF_KEY"), XN(16, "AF_NETLINK"),
	XN(17, "AF_PACKET"), XN(18, "AF_ASH"), XN(19, "AF_ECONET"), XN(20, "AF_ATMSVC"),
	XN(21, "AF_RDS"), XN(22, "AF_SNA"), XN(23, "AF_IRDA"), XN(24, "AF_PPPOX"),
	XN(25, "AF_WANPIPE"), XN(26, "AF_LLC"), XN(27, "AF_IB"), XN(28, "AF_MPLS"),
	XN(29, "AF_CAN"), XN(30, "AF_TIPC"), XN(31, "AF_BLUETOOTH"), XN(32, "AF_IUCV"),
	XN(33, "AF_RXRPC"), XN(34, "AF_ISDN"), XN(35, "AF_PHONET"), XN(36, "AF_IEEE802154"),
	XN(37, "AF_CAIF"), XN(38, "AF_ALG"), XN(39, "AF_NFC"), XN(40, "AF_VSOCK"),
	XN(41, "AF_KCM"), XN(42, "AF_QIPCRTR"), XN(43, "AF_SMC"), XN(44, "AF_XDP"),
	XN(45, "AF_MCTP"), XEND,
};

const struct xlat xl_socktype[] = {
	XN(1, "SOCK_STREAM"), XN(2, "SOCK_DGRAM"), XN(3, "SOCK_RAW"), XN(4, "SOCK_RDM"),
	XN(5, "SOCK_SEQPACKET"), XN(6, "SOCK_DCCP"), XN(10, "SOCK_PACKET"), XEND,
};

const struct xlat xl_sock_flags[] = {
	XN(02000000, "SOCK_CLOEXEC"), XN(04000, "SOCK_NONBLOCK"), XEND,
};

const struct xlat xl_ipproto[] = {
	XN(0, "IPPROTO_IP"), XN(1, "IPPROTO_ICMP"), XN(2, "IPPROTO_IGMP"), XN(4, "IPPROTO_IPIP"),
	XN(6, "IPPROTO_TCP"), XN(8, "IPPROTO_EGP"), XN(12, "IPPROTO_PUP"), XN(17, "IPPROTO_UDP"),
	XN(22, "IPPROTO_IDP"), XN(29, "IPPROTO_TP"), XN(33, "IPPROTO_DCCP"),
	XN(41, "IPPROTO_IPV6"), XN(46, "IPPROTO_RSVP"), XN(47, "IPPROTO_GRE"),
	XN(50, "IPPROTO_ESP"), XN(51, "IPPROTO_AH"), XN(58, "IPPROTO_ICMPV6"),
	XN(92, "IPPROTO_MTP"), XN(94, "IPPROTO_BEETPH"), XN(98, "IPPROTO_ENCAP"),
	XN(103, "IPPROTO_PIM"), XN(108, "IPPROTO_COMP"), XN(115, "IPPROTO_L2TP"),
	XN(132, "IPPROTO_SCTP"), XN(136, "IPPROTO_UDPLITE"), XN(137, "IPPROTO_MPLS"),
	XN(143, "IPPROTO_ETHERNET"), XN(255, "IPPROTO_RAW"), XN(262, "IPPROTO_MPTCP"), XEND,
};

const struct xlat xl_netlink_proto[] = {
	XN(0, "NETLINK_ROUTE"), XN(1, "NETLINK_UNUSED"), XN(2, "NETLINK_USERSOCK"),
	XN(3, "NETLINK_FIREWALL"), XN(4, "NETLINK_SOCK_DIAG"), XN(5, "NETLINK_NFLOG"),
	XN(6, "NETLINK_XFRM"), XN(7, "NETLINK_SELINUX"), XN(8, "NETLINK_ISCSI"),
	XN(9, "NETLINK_AUDIT"), XN(10, "NETLINK_FIB_LOOKUP"), XN(11, "NETLINK_CONNECTOR"),
	XN(12, "NETLINK_NETFILTER"), XN(13, "NETLINK_IP6_FW"), XN(14, "NETLINK_DNRTMSG"),
	XN(15, "NETLINK_KOBJECT_UEVENT"), XN(16, "NETLINK_GENERIC"),
	XN(18, "NETLINK_SCSITRANSPORT"), XN(19, "NETLINK_ECRYPTFS"), XN(20, "NETLINK_RDMA"),
	XN(21, "NETLINK_CRYPTO"), XN(22, "NETLINK_SMC"), XEND,
};

const struct xlat xl_sol[] = {
	XN(0, "SOL_IP"), XN(1, "SOL_SOCKET"), XN(6, "SOL_TCP"), XN(17, "SOL_UDP"),
	XN(41, "SOL_IPV6"), XN(58, "SOL_ICMPV6"), XN(255, "SOL_RAW"), XN(263, "SOL_PACKET"),
	XN(270, "SOL_NETLINK"), XN(282, "SOL_TLS"), XEND,
};

const struct xlat xl_so[] = {
	XN(1, "SO_DEBUG"), XN(2, "SO_REUSEADDR"), XN(3, "SO_TYPE"), XN(4, "SO_ERROR"),
	XN(5, "SO_DONTROUTE"), XN(6, "SO_BROADCAST"), XN(7, "SO_SNDBUF"), XN(8, "SO_RCVBUF"),
	XN(9, "SO_KEEPALIVE"), XN(10, "SO_OOBINLINE"), XN(11, "SO_NO_CHECK"),
	XN(12, "SO_PRIORITY"), XN(13, "SO_LINGER"), XN(14, "SO_BSDCOMPAT"),
	XN(15, "SO_REUSEPORT"), XN(16, "SO_PASSCRED"), XN(17, "SO_PEERCRED"),
	XN(18, "SO_RCVLOWAT"), XN(19, "SO_SNDLOWAT"), XN(20, "SO_RCVTIMEO_OLD"),
	XN(21, "SO_SNDTIMEO_OLD"), XN(22, "SO_SECURITY_AUTHENTICATION"),
	XN(23, "SO_SECURITY_ENCRYPTION_TRANSPORT"), XN(24, "SO_SECURITY_ENCRYPTION_NETWORK"),
	XN(25, "SO_BINDTODEVICE"), XN(26, "SO_ATTACH_FILTER"), XN(27, "SO_DETACH_FILTER"),
	XN(28, "SO_PEERNAME"), XN(29, "SO_TIMESTAMP_OLD"), XN(30, "SO_ACCEPTCONN"),
	XN(31, "SO_PEERSEC"), XN(32, "SO_SNDBUFFORCE"), XN(33, "SO_RCVBUFFORCE"),
	XN(34, "SO_PASSSEC"), XN(35, "SO_TIMESTAMPNS_OLD"), XN(36, "SO_MARK"),
	XN(37, "SO_TIMESTAMPING_OLD"), XN(38, "SO_PROTOCOL"), XN(39, "SO_DOMAIN"),
	XN(40, "SO_RXQ_OVFL"), XN(41, "SO_WIFI_STATUS"), XN(42, "SO_PEEK_OFF"),
	XN(43, "SO_NOFCS"), XN(44, "SO_LOCK_FILTER"), XN(45, "SO_SELECT_ERR_QUEUE"),
	XN(46, "SO_BUSY_POLL"), XN(47, "SO_MAX_PACING_RATE"), XN(48, "SO_BPF_EXTENSIONS"),
	XN(49, "SO_INCOMING_CPU"), XN(50, "SO_ATTACH_BPF"), XN(51, "SO_ATTACH_REUSEPORT_CBPF"),
	XN(52, "SO_ATTACH_REUSEPORT_EBPF"), XN(53, "SO_CNX_ADVICE"), XN(55, "SO_MEMINFO"),
	XN(56, "SO_INCOMING_NAPI_ID"), XN(57, "SO_COOKIE"), XN(59, "SO_PEERGROUPS"),
	XN(60, "SO_ZEROCOPY"), XN(61, "SO_TXTIME"), XN(62, "SO_BINDTOIFINDEX"),
	XN(63, "SO_TIMESTAMP_NEW"), XN(64, "SO_TIMESTAMPNS_NEW"), XN(65, "SO_TIMESTAMPING_NEW"),
	XN(66, "SO_RCVTIMEO_NEW"), XN(67, "SO_SNDTIMEO_NEW"), XN(68, "SO_DETACH_REUSEPORT_BPF"),
	XN(69, "SO_PREFER_BUSY_POLL"), XN(70, "SO_BUSY_POLL_BUDGET"), XN(71, "SO_NETNS_COOKIE"),
	XN(72, "SO_BUF_LOCK"), XN(73, "SO_RESERVE_MEM"), XN(74, "SO_TXREHASH"),
	XN(75, "SO_RCVMARK"), XEND,
};

const struct xlat xl_ip_opts[] = {
	XN(1, "IP_TOS"), XN(2, "IP_TTL"), XN(3, "IP_HDRINCL"), XN(4, "IP_OPTIONS"),
	XN(5, "IP_ROUTER_ALERT"), XN(6, "IP_RECVOPTS"), XN(7, "IP_RETOPTS"), XN(8, "IP_PKTINFO"),
	XN(9, "IP_PKTOPTIONS"), XN(10, "IP_MTU_DISCOVER"), XN(11, "IP_RECVERR"),
	XN(12, "IP_RECVTTL"), XN(13, "IP_RECVTOS"), XN(14, "IP_MTU"), XN(15, "IP_FREEBIND"),
	XN(16, "IP_IPSEC_POLICY"), XN(17, "IP_XFRM_POLICY"), XN(18, "IP_PASSSEC"),
	XN(19, "IP_TRANSPARENT"), XN(20, "IP_ORIGDSTADDR"), XN(21, "IP_MINTTL"),
	XN(22, "IP_NODEFRAG"), XN(23, "IP_CHECKSUM"), XN(24, "IP_BIND_ADDRESS_NO_PORT"),
	XN(25, "IP_RECVFRAGSIZE"), XN(26, "IP_RECVERR_RFC4884"), XN(32, "IP_MULTICAST_IF"),
	XN(33, "IP_MULTICAST_TTL"), XN(34, "IP_MULTICAST_LOOP"), XN(35, "IP_ADD_MEMBERSHIP"),
	XN(36, "IP_DROP_MEMBERSHIP"), XEND,
};

const struct xlat xl_ipv6_opts[] = {
	XN(1, "IPV6_ADDRFORM"), XN(16, "IPV6_UNICAST_HOPS"), XN(17, "IPV6_MULTICAST_IF"),
	XN(18, "IPV6_MULTICAST_HOPS"), XN(19, "IPV6_MULTICAST_LOOP"),
	XN(20, "IPV6_ADD_MEMBERSHIP"), XN(21, "IPV6_DROP_MEMBERSHIP"),
	XN(22, "IPV6_ROUTER_ALERT"), XN(23, "IPV6_MTU_DISCOVER"), XN(24, "IPV6_MTU"),
	XN(25, "IPV6_RECVERR"), XN(26, "IPV6_V6ONLY"), XN(49, "IPV6_RECVPKTINFO"),
	XN(50, "IPV6_PKTINFO"), XN(67, "IPV6_TCLASS"), XEND,
};

const struct xlat xl_tcp_opts[] = {
	XN(1, "TCP_NODELAY"), XN(2, "TCP_MAXSEG"), XN(3, "TCP_CORK"), XN(4, "TCP_KEEPIDLE"),
	XN(5, "TCP_KEEPINTVL"), XN(6, "TCP_KEEPCNT"), XN(7, "TCP_SYNCNT"), XN(8, "TCP_LINGER2"),
	XN(9, "TCP_DEFER_ACCEPT"), XN(10, "TCP_WINDOW_CLAMP"), XN(11, "TCP_INFO"),
	XN(12, "TCP_QUICKACK"), XN(13, "TCP_CONGESTION"), XN(14, "TCP_MD5SIG"),
	XN(16, "TCP_THIN_LINEAR_TIMEOUTS"), XN(17, "TCP_THIN_DUPACK"),
	XN(18, "TCP_USER_TIMEOUT"), XN(19, "TCP_REPAIR"), XN(20, "TCP_REPAIR_QUEUE"),
	XN(21, "TCP_QUEUE_SEQ"), XN(22, "TCP_REPAIR_OPTIONS"), XN(23, "TCP_FASTOPEN"),
	XN(24, "TCP_TIMESTAMP"), XN(25, "TCP_NOTSENT_LOWAT"), XN(26, "TCP_CC_INFO"),
	XN(27, "TCP_SAVE_SYN"), XN(28, "TCP_SAVED_SYN"), XN(29, "TCP_REPAIR_WINDOW"),
	XN(30, "TCP_FASTOPEN_CONNECT"), XN(31, "TCP_ULP"), XN(32, "TCP_MD5SIG_EXT"),
	XN(33, "TCP_FASTOPEN_KEY"), XN(34, "TCP_FASTOPEN_NO_COOKIE"),
	XN(35, "TCP_ZEROCOPY_RECEIVE"), XN(36, "TCP_INQ"), XN(37, "TCP_TX_DELAY"), XEND,
};

const struct xlat xl_msg_flags[] = {
	XN(0x1, "MSG_OOB"), XN(0x2, "MSG_PEEK"), XN(0x4, "MSG_DONTROUTE"), XN(0x8, "MSG_CTRUNC"),
	XN(0x10, "MSG_PROBE"), XN(0x20, "MSG_TRUNC"), XN(0x40, "MSG_DONTWAIT"),
	XN(0x80, "MSG_EOR"), XN(0x100, "MSG_WAITALL"), XN(0x200, "MSG_FIN"), XN(0x400, "MSG_SYN"),
	XN(0x800, "MSG_CONFIRM"), XN(0x1000, "MSG_RST"), XN(0x2000, "MSG_ERRQUEUE"),
	XN(0x4000, "MSG_NOSIGNAL"), XN(0x8000, "MSG_MORE"), XN(0x10000, "MSG_WAITFORONE"),
	XN(0x20000, "MSG_SENDPAGE_NOTLAST"), XN(0x40000, "MSG_BATCH"),
	XN(0x80000, "MSG_NO_SHARED_FRAGS"), XN(0x4000000, "MSG_ZEROCOPY"),
	XN(0x20000000, "MSG_FASTOPEN"), XN(0x40000000, "MSG_CMSG_CLOEXEC"),
	XN(0x80000000, "MSG_CMSG_COMPAT"), XEND,
};

const struct xlat xl_shut[] = { XN(0, "SHUT_RD"), XN(1, "SHUT_WR"), XN(2, "SHUT_RDWR"), XEND };

const struct xlat xl_sig_how[] = {
	XN(0, "SIG_BLOCK"), XN(1, "SIG_UNBLOCK"), XN(2, "SIG_SETMASK"), XEND,
};

const struct xlat xl_sa_flags[] = {
	XN(0x04000000, "SA_RESTORER"), XN(0x08000000, "SA_ONSTACK"), XN(0x10000000, "SA_RESTART"),
	XN(0x40000000, "SA_NODEFER"), XN(0x80000000, "SA_RESETHAND"), XN(4, "SA_SIGINFO"),
	XN(1, "SA_NOCLDSTOP"), XN(2, "SA_NOCLDWAIT"), XEND,
};

const struct xlat xl_ss_flags[] = {
	XN(1, "SS_ONSTACK"), XN(2, "SS_DISABLE"), XN(0x80000000, "SS_AUTODISARM"), XEND,
};

const struct xlat xl_wait_opts[] = {
	XN(1, "WNOHANG"), XN(4, "WEXITED"), XN(2, "WSTOPPED"), XN(8, "WCONTINUED"),
	XN(0x1000000, "WNOWAIT"), XN(0x80000000, "__WCLONE"), XN(0x40000000, "__WALL"),
	XN(0x20000000, "__WNOTHREAD"), XEND,
};

const struct xlat xl_clone_flags[] = {
	XN(0x100, "CLONE_VM"), XN(0x200, "CLONE_FS"), XN(0x400, "CLONE_FILES"),
	XN(0x800, "CLONE_SIGHAND"), XN(0x1000, "CLONE_PIDFD"), XN(0x2000, "CLONE_PTRACE"),
	XN(0x4000, "CLONE_VFORK"), XN(0x8000, "CLONE_PARENT"), XN(0x10000, "CLONE_THREAD"),
	XN(0x20000, "CLONE_NEWNS"), XN(0x40000, "CLONE_SYSVSEM"), XN(0x80000, "CLONE_SETTLS"),
	XN(0x100000, "CLONE_PARENT_SETTID"), XN(0x200000, "CLONE_CHILD_CLEARTID"),
	XN(0x800000, "CLONE_UNTRACED"), XN(0x1000000, "CLONE_CHILD_SETTID"),
	XN(0x2000000, "CLONE_NEWCGROUP"), XN(0x4000000, "CLONE_NEWUTS"),
	XN(0x8000000, "CLONE_NEWIPC"), XN(0x10000000, "CLONE_NEWUSER"),
	XN(0x20000000, "CLONE_NEWPID"), XN(0x40000000, "CLONE_NEWNET"), XN(0x80000000, "CLONE_IO"),
	/* clone3 only */
	XN(0x100000000ULL, "CLONE_CLEAR_SIGHAND"), XN(0x200000000ULL, "CLONE_INTO_CGROUP"), XEND,
};

const struct xlat xl_grnd[] = {
	XN(1, "GRND_NONBLOCK"), XN(2, "GRND_RANDOM"), XN(4, "GRND_INSECURE"), XEND,
};

const struct xlat xl_rlimit[] = {
	XN(0, "RLIMIT_CPU"), XN(1, "RLIMIT_FSIZE"), XN(2, "RLIMIT_DATA"), XN(3, "RLIMIT_STACK"),
	XN(4, "RLIMIT_CORE"), XN(5, "RLIMIT_RSS"), XN(6, "RLIMIT_NPROC"), XN(7, "RLIMIT_NOFILE"),
	XN(8, "RLIMIT_MEMLOCK"), XN(9, "RLIMIT_AS"), XN(10, "RLIMIT_LOCKS"),
	XN(11, "RLIMIT_SIGPENDING"), XN(12, "RLIMIT_MSGQUEUE"), XN(13, "RLIMIT_NICE"),
	XN(14, "RLIMIT_RTPRIO"), XN(15, "RLIMIT_RTTIME"), XEND,
};

/* strace 6.1 does not name ARCH_SHSTK_* (0x5001..) nor 0x3001, which glibc
 * probes at start-up: they stay numbers, as there. */
const struct xlat xl_arch_prctl[] = {
	XN(0x1001, "ARCH_SET_GS"), XN(0x1002, "ARCH_SET_FS"), XN(0x1003, "ARCH_GET_FS"),
	XN(0x1004, "ARCH_GET_GS"), XN(0x1011, "ARCH_GET_CPUID"), XN(0x1012, "ARCH_SET_CPUID"),
	XN(0x1021, "ARCH_GET_XCOMP_SUPP"), XN(0x1022, "ARCH_GET_XCOMP_PERM"),
	XN(0x1023, "ARCH_REQ_XCOMP_PERM"), XN(0x1024, "ARCH_GET_XCOMP_GUEST_PERM"),
	XN(0x1025, "ARCH_REQ_XCOMP_GUEST_PERM"), XN(0x2001, "ARCH_MAP_VDSO_X32"),
	XN(0x2002, "ARCH_MAP_VDSO_32"), XN(0x2003, "ARCH_MAP_VDSO_64"), XEND,
};

const struct xlat xl_rename[] = {
	XN(1, "RENAME_NOREPLACE"), XN(2, "RENAME_EXCHANGE"), XN(4, "RENAME_WHITEOUT"), XEND,
};

const struct xlat xl_statx_mask[] = {
	XN(0xfff, "STATX_ALL"), XN(0x7ff, "STATX_BASIC_STATS"), XN(0x1, "STATX_TYPE"),
	XN(0x2, "STATX_MODE"), XN(0x4, "STATX_NLINK"), XN(0x8, "STATX_UID"), XN(0x10, "STATX_GID"),
	XN(0x20, "STATX_ATIME"), XN(0x40, "STATX_MTIME"), XN(0x80, "STATX_CTIME"),
	XN(0x100, "STATX_INO"), XN(0x200, "STATX_SIZE"), XN(0x400, "STATX_BLOCKS"),
	XN(0x800, "STATX_BTIME"), XN(0x1000, "STATX_MNT_ID"), XN(0x2000, "STATX_DIOALIGN"),
	XEND,
};

const struct xlat xl_statx_attrs[] = {
	XN(0x4, "STATX_ATTR_COMPRESSED"), XN(0x10, "STATX_ATTR_IMMUTABLE"),
	XN(0x20, "STATX_ATTR_APPEND"), XN(0x40, "STATX_ATTR_NODUMP"),
	XN(0x800, "STATX_ATTR_ENCRYPTED"), XN(0x1000, "STATX_ATTR_AUTOMOUNT"),
	XN(0x2000, "STATX_ATTR_MOUNT_ROOT"), XN(0x100000, "STATX_ATTR_VERITY"),
	XN(0x200000, "STATX_ATTR_DAX"), XEND,
};

const struct xlat xl_statx_sync[] = {
	XN(0, "AT_STATX_SYNC_AS_STAT"), XN(0x2000, "AT_STATX_FORCE_SYNC"),
	XN(0x4000, "AT_STATX_DONT_SYNC"), XEND,
};

const struct xlat xl_mode_type[] = {
	XN(0140000, "S_IFSOCK"), XN(0120000, "S_IFLNK"), XN(0100000, "S_IFREG"),
	XN(0060000, "S_IFBLK"), XN(0040000, "S_IFDIR"), XN(0020000, "S_IFCHR"),
	XN(0010000, "S_IFIFO"), XEND,
};

const struct xlat xl_resolve[] = {
	XN(1, "RESOLVE_NO_XDEV"), XN(2, "RESOLVE_NO_MAGICLINKS"), XN(4, "RESOLVE_NO_SYMLINKS"),
	XN(8, "RESOLVE_BENEATH"), XN(0x10, "RESOLVE_IN_ROOT"), XN(0x20, "RESOLVE_CACHED"), XEND,
};

const struct xlat xl_flock[] = {
	XN(1, "LOCK_SH"), XN(2, "LOCK_EX"), XN(4, "LOCK_NB"), XN(8, "LOCK_UN"), XEND,
};

const struct xlat xl_fadvise[] = {
	XN(0, "POSIX_FADV_NORMAL"), XN(1, "POSIX_FADV_RANDOM"), XN(2, "POSIX_FADV_SEQUENTIAL"),
	XN(3, "POSIX_FADV_WILLNEED"), XN(4, "POSIX_FADV_DONTNEED"), XN(5, "POSIX_FADV_NOREUSE"),
	XEND,
};

const struct xlat xl_efd[] = {
	XN(1, "EFD_SEMAPHORE"), XN(02000000, "EFD_CLOEXEC"), XN(04000, "EFD_NONBLOCK"), XEND,
};

const struct xlat xl_mfd[] = {
	XN(1, "MFD_CLOEXEC"), XN(2, "MFD_ALLOW_SEALING"), XN(4, "MFD_HUGETLB"),
	XN(8, "MFD_NOEXEC_SEAL"), XN(0x10, "MFD_EXEC"), XEND,
};

const struct xlat xl_futex_bitset[] = { XN(0xffffffff, "FUTEX_BITSET_MATCH_ANY"), XEND };

const struct xlat xl_priority_which[] = {
	XN(0, "PRIO_PROCESS"), XN(1, "PRIO_PGRP"), XN(2, "PRIO_USER"), XEND,
};

const struct xlat xl_msync[] = {
	XN(1, "MS_ASYNC"), XN(2, "MS_INVALIDATE"), XN(4, "MS_SYNC"), XEND,
};

const struct xlat xl_tfd[] = { XN(02000000, "TFD_CLOEXEC"), XN(04000, "TFD_NONBLOCK"), XEND };

const struct xlat xl_inotify[] = { XN(04000, "IN_NONBLOCK"), XN(02000000, "IN_CLOEXEC"), XEND };

const struct xlat xl_close_range[] = {
	XN(2, "CLOSE_RANGE_UNSHARE"), XN(4, "CLOSE_RANGE_CLOEXEC"), XEND,
};

const struct xlat xl_flock_type[] = { XN(0, "F_RDLCK"), XN(1, "F_WRLCK"), XN(2, "F_UNLCK"), XEND };

const struct xlat xl_rusage_who[] = {
	XN(0, "RUSAGE_SELF"), XN(-1LL, "RUSAGE_CHILDREN"), XN(1, "RUSAGE_THREAD"), XEND,
};

/* ---- printers ---- */

const char *sd_xlookup(const struct xlat *x, unsigned long long v)
{
	for (; x->name; x++)
		if (x->val == v)
			return x->name;
	return NULL;
}

void sd_xval(FILE *out, const struct xlat *x, unsigned long long v, const char *dflt)
{
	const char *name = sd_xlookup(x, v);

	if (name)
		fputs(name, out);
	else if (dflt)
		fprintf(out, "%#llx /* %s */", v, dflt);
	else
		fprintf(out, "%#llx", v);
}

void sd_flags(FILE *out, const struct xlat *x, unsigned long long v, const char *dflt)
{
	int n = 0;

	for (; x->name && (v || !n); x++) {
		/* a zero-valued name stands only for the whole value 0 */
		if (v == x->val || (x->val && (v & x->val) == x->val)) {
			fprintf(out, "%s%s", n++ ? "|" : "", x->name);
			v &= ~x->val;
			if (!v)
				break;
		}
	}
	if (n) {
		if (v)
			fprintf(out, "|%#llx", v);
	} else if (v) {
		fprintf(out, "%#llx", v);
		if (dflt)
			fprintf(out, " /* %s */", dflt);
	} else if (dflt) {
		/* strace prints nothing for 0 without a default (termios) */
		fputc('0', out);
	}
}

void sd_open_flags(FILE *out, unsigned long long v)
{
	fputs(sd_xlookup(xl_open_access, v & 3), out);
	v &= ~3ULL;
	if (v) {
		fputc('|', out);
		sd_flags(out, xl_open_flags, v, NULL);
	}
}

void sd_mode_symbolic(FILE *out, unsigned int mode)
{
	const char *type = sd_xlookup(xl_mode_type, mode & 0170000);

	if (type)
		fprintf(out, "%s|", type);
	else if (mode & 0170000)
		fprintf(out, "%#o|", mode & 0170000);
	fprintf(out, "%s%s%s%#03o", mode & 04000 ? "S_ISUID|" : "", mode & 02000 ? "S_ISGID|" : "",
		mode & 01000 ? "S_ISVTX|" : "", mode & 0777);
}

/* Signal names without the SIG prefix, x86-64 numbering; 32 is glibc's
 * SIGRTMIN as the kernel sees it, above it strace counts RT_n. */
static const char *const sig_names[] = {
	[1] = "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV",
	"USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU",
	"URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS", "RTMIN",
};

/* Writes the short name into buf; false if sig has none. */
static bool sig_short(long long sig, char *buf, size_t len)
{
	if (sig > 0 && sig < (long long)ARRAY_SIZE(sig_names)) {
		snprintf(buf, len, "%s", sig_names[sig]);
		return true;
	}
	if (sig > 32 && sig <= 64) {
		snprintf(buf, len, "RT_%u", (unsigned int)(sig - 32) & 63);
		return true;
	}
	return false;
}

const char *sysdecode_signal_name(int sig)
{
	static char buf[24];
	char s[16];

	if (!sig_short(sig, s, sizeof(s)))
		return NULL;
	snprintf(buf, sizeof(buf), "SIG%s", s);
	return buf;
}

void sd_signal(FILE *out, long long sig)
{
	char s[16];

	if (sig_short(sig, s, sizeof(s)))
		fprintf(out, "SIG%s", s);
	else
		fprintf(out, "%lld", sig);
}

void sd_sigset(FILE *out, const void *set, unsigned int bytes)
{
	unsigned char m[16] = { 0 };
	unsigned int i, nbits, set_bits = 0;
	bool invert, first = true;
	char s[16];

	if (bytes > sizeof(m))
		bytes = sizeof(m);
	memcpy(m, set, bytes);
	nbits = bytes * 8;
	for (i = 0; i < nbits; i++)
		set_bits += (m[i / 8] >> (i % 8)) & 1;
	/* strace lists the unset signals when that is shorter */
	invert = set_bits > nbits / 2;
	fputs(invert ? "~[" : "[", out);
	for (i = 0; i < nbits; i++) {
		bool bit = (m[i / 8] >> (i % 8)) & 1;

		if (bit == invert)
			continue;
		if (!first)
			fputc(' ', out);
		first = false;
		if (sig_short(i + 1, s, sizeof(s)))
			fputs(s, out);
		else
			fprintf(out, "%u", i + 1);
	}
	fputc(']', out);
}

void sd_ioctl_cmd(FILE *out, unsigned int cmd)
{
	const char *name = sd_xlookup(xl_ioctl, cmd);

	if (name) {
		fputs(name, out);
		return;
	}
	fputs("_IOC(", out);
	sd_flags(out, xl_ioc_dirs, cmd >> 30, "_IOC_???");
	fprintf(out, ", %#x, %#x, %#x)", (cmd >> 8) & 0xff, cmd & 0xff, (cmd >> 16) & 0x3fff);
}

/* Kernel-internal restart codes leak to tracers at sys_exit; strace's
 * names and texts for them. */
static const struct {
	int err;
	const char *name, *desc;
} kernel_errnos[] = {
	{ 512, "ERESTARTSYS", "To be restarted if SA_RESTART is set" },
	{ 513, "ERESTARTNOINTR", "To be restarted" },
	{ 514, "ERESTARTNOHAND", "To be restarted if no handler" },
	{ 515, "ENOIOCTLCMD", "No ioctl command" },
	{ 516, "ERESTART_RESTARTBLOCK", "Interrupted by signal" },
	{ 517, "EPROBE_DEFER", "Driver requests probe retry" },
	{ 518, "EOPENSTALE", "An open with O_CREAT was stale" },
	{ 519, "ENOPARAM", "Parameter not supported" },
	{ 521, "EBADHANDLE", "Illegal NFS file handle" },
	{ 522, "ENOTSYNC", "Update synchronization mismatch" },
	{ 523, "EBADCOOKIE", "Cookie is stale" },
	{ 524, "ENOTSUPP", "Operation is not supported" },
	{ 525, "ETOOSMALL", "Buffer or request is too small" },
	{ 526, "ESERVERFAULT", "An untranslatable error occurred" },
	{ 527, "EBADTYPE", "Type not supported by server" },
	{ 528, "EJUKEBOX", "Request initiated, but will not complete before timeout" },
	{ 529, "EIOCBQUEUED", "iocb queued, will get completion event" },
	{ 530, "ERECALLCONFLICT", "Conflict with recalled state" },
};

const char *sysdecode_errno_name(int err)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(kernel_errnos); i++)
		if (kernel_errnos[i].err == err)
			return kernel_errnos[i].name;
	return err > 0 && err < 512 ? strerrorname_np(err) : NULL;
}

/* The text strace puts in parentheses; NULL if none. */
const char *sd_errno_desc(int err)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(kernel_errnos); i++)
		if (kernel_errnos[i].err == err)
			return kernel_errnos[i].desc;
	return err > 0 && err < 512 ? strerrordesc_np(err) : NULL;
}
