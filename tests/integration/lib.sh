# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the integration tests: TAP output, paths, a scratch dir.
# Tests run as root against the real ./rtrace and write only under /tmp
# (the VM tests mount the tree read-only).
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
RTRACE="$ROOT/rtrace"
TARGETS="$ROOT/build/targets"
SCRATCH=$(mktemp -d /tmp/rtrace-it.XXXXXX)
# 1 in a scripts/vmtest.sh guest (its kernel command line names the repo): checks that do
# not depend on the kernel and would take minutes under emulation run on the host only.
IN_VMTEST=0
grep -q 'rtrace\.dir=' /proc/cmdline 2>/dev/null && IN_VMTEST=1
# How much slower than this machine the tests may run: 10 in scripts/vmtest.sh's guests,
# which emulate the CPU. Targets that give rtrace time to act (forker) read it too.
TIME_SCALE=1
[ "$IN_VMTEST" = 1 ] && TIME_SCALE=10
export TIME_SCALE
trap 'rm -rf "$SCRATCH"' EXIT
_n=0
_failed=0

echo "TAP version 13"
if [ "$(id -u)" -ne 0 ]; then
	echo "1..0 # SKIP integration tests load BPF: run as root"
	exit 0
fi
mountpoint -q /sys/kernel/tracing 2>/dev/null || mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null

# ok COND-STATUS NAME: report one check.
ok() {
	_n=$((_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_n - $2"
	else
		echo "not ok $_n - $2"
		_failed=$((_failed + 1))
	fi
}

# is GOT WANT NAME: equality check with a diagnostic.
is() {
	if [ "$1" == "$2" ]; then
		ok 0 "$3"
	else
		echo "# $3: got '$1', want '$2'"
		ok 1 "$3"
	fi
}

# like TEXT REGEX NAME
like() {
	if [[ "$1" =~ $2 ]]; then
		ok 0 "$3"
	else
		echo "# $3: '$1' does not match /$2/"
		ok 1 "$3"
	fi
}

skip() {
	_n=$((_n + 1))
	echo "ok $_n - $1 # SKIP $2"
}

done_testing() {
	echo "1..$_n"
	[ "$_failed" -eq 0 ]
	exit $?
}

# jsonq FILE PYTHON-EXPR: evaluates EXPR with `ev` = list of JSON records.
jsonq() {
	python3 - "$1" "$2" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print(eval(sys.argv[2]))
PY
}

# wait_ready ERRFILE: waits until rtrace -v, writing its stderr to ERRFILE,
# says it is tracing (slow machines, such as the emulated test VMs, need more
# than a fixed sleep). Returns 1 after 60 s.
wait_ready() {
	local i
	for ((i = 0; i < 600; i++)); do
		grep -q '^rtrace: tracing$' "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "# rtrace never said it was tracing"
	return 1
}

# wait_comm PID NAME: waits until process PID runs NAME (has exec'd).
wait_comm() {
	local i
	for ((i = 0; i < 600; i++)); do
		[ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

# Every function of libc, where the kernel has uprobe_multi links (one per module). Without
# them each probe is a perf-event link that takes ~0.1 s to detach (minutes for libc's 3,700
# functions, and an fd each): there, the functions that return twice or read their return
# address (what -x 'libc:*' must survive) and the str* family.
if [ -n "${LIBC_ALL:-}" ]; then
	:
elif "$RTRACE" --version 2> /dev/null | grep -q '^uprobe_multi_pid: yes'; then
	LIBC_ALL='libc:*'
else
	LIBC_ALL='libc:*jmp*'
fi

# No rtrace probe or link may outlive rtrace.
links_left() {
	bpftool link show 2>/dev/null | grep -c -E 'func_entry|func_return|sys_enter|sys_exit|sched_(fork|exec|exit)' || true
}
