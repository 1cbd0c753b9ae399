#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# PID 1 of a scripts/vmtest.sh guest, on the host's / shared read-only.
# Mounts what BPF tests need, runs the test command from the repo directory,
# prints "VMTEST-EXIT=<status>" on the console and powers off.
# The kernel command line carries rtrace.dir=<repo> and rtrace.cmd=<base64>.
set -uo pipefail # no -e: whatever happens, reach the marker and power off

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/tmp TMPDIR=/tmp LANG=C.UTF-8 TERM=dumb

poweroff() {
	echo o >/proc/sysrq-trigger
	# PID 1 must not exit (that panics); wait for the power to go.
	while :; do sleep 1; done
}

# busybox-static (installed by vmtest.sh) mounts several times faster than
# util-linux's mount, whose libraries each come over 9p.
bb=; command -v busybox >/dev/null && bb=busybox

mnt() { # type source target [options]
	# Not mountpoint(1): over 9p with multidevs=remap every host mount
	# point (/proc, /sys, ...) looks like one.
	local _ m
	while read -r _ m _; do [ "$m" = "$3" ] && return 0; done </proc/self/mounts
	$bb mount -t "$1" ${4:+-o "$4"} "$2" "$3" || echo "vm-init: cannot mount $1 on $3"
}

# Until then /proc is the host's directory, seen through 9p.
mount -t proc proc /proc
mnt sysfs sys /sys
mnt devtmpfs dev /dev # moved here by the initramfs; mounted only if not
mkdir -p /dev/pts /dev/shm
mnt devpts devpts /dev/pts
mnt tmpfs shm /dev/shm mode=1777
dir=/ cmd=
set -f # the command line is split on spaces, not globbed
for a in $(</proc/cmdline); do
	case $a in
	rtrace.dir=*) dir=${a#*=} ;;
	rtrace.cmd=*) cmd=$(printf '%s' "${a#*=}" | base64 -d) ;;
	esac
done
set +f
# A repo under /tmp or /run (a CI clone) is hidden by the tmpfs mounted there: held open
# now, it is bound back in place below.
exec 9<"$dir"

# The shared root is read-only: /tmp and /run are the only writable places.
mnt tmpfs tmp /tmp mode=1777
mnt tmpfs run /run mode=755
mnt tracefs tracefs /sys/kernel/tracing
mnt debugfs debugfs /sys/kernel/debug
mnt bpf bpf /sys/fs/bpf mode=700
mnt cgroup2 cgroup2 /sys/fs/cgroup
ip link set lo up 2>/dev/null

if [ ! -d "$dir" ]; then
	mkdir -p "$dir" && $bb mount --bind /proc/self/fd/9 "$dir" ||
		echo "vm-init: cannot bind $dir back over the tmpfs"
fi
exec 9<&-

# Under TCG, turning a static branch on or off while the other vCPU runs the code it
# guards now and then traps on the int3 that text_poke_bp() leaves there (an Oops in
# __schedule seen twice on 6.12, a QEMU matter: KVM and real CPUs never do). The key the
# tests flip is perf's sched events, with every perf-event uprobe link made and closed: one
# task-bound perf event (a dummy, disabled) held for the whole run keeps it on.
python3 - <<'PY' &
import ctypes, signal, struct
libc = ctypes.CDLL(None, use_errno=True)
# perf_event_attr, version 0: PERF_TYPE_SOFTWARE, PERF_COUNT_SW_DUMMY, disabled
attr = ctypes.create_string_buffer(struct.pack('<IIQQQQQIIQ', 1, 64, 9, 0, 0, 0, 1, 0, 0, 0), 64)
fd = libc.syscall(ctypes.c_long(298), attr, ctypes.c_long(1), ctypes.c_long(-1),
                  ctypes.c_long(-1), ctypes.c_long(0))
if fd < 0:
    print('vm-init: no perf event to hold perf_sched_events on: errno', ctypes.get_errno())
signal.pause()
PY

# A newline first: the firmware leaves escape codes on the current line.
echo
echo "VMTEST-BEGIN kernel=$(</proc/sys/kernel/osrelease)"
if cd "$dir"; then
	# In a child, so PID 1 stays this script; no console input for tests.
	bash -c "$cmd" </dev/null 2>&1
	rc=$?
else
	rc=125
fi
echo "VMTEST-EXIT=$rc"
sleep 1 # let the UART drain: power-off does not wait for it
poweroff
