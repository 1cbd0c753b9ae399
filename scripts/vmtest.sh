#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Run the test suite inside QEMU guests running other kernels (CO-RE check).
#
#   scripts/vmtest.sh [KVER-glob...]
#
# Each KVER-glob is a bash extended glob over kernel release names
# (e.g. 6.1.0-56-amd64, '6.12.*+deb12-amd64'); the newest match among the
# Debian linux-image packages and the kernels already in /boot is used.
# Default: Debian 12's stock 6.1 and its 6.12.
#
# Environment:
#   VMTEST_CMD      command run in the guest, from the repo directory
#                   (default: scripts/run-tests.sh integration)
#   VMTEST_TIMEOUT  seconds per kernel before the guest is killed (1800: two of them
#                   and make test stay well inside CI's 90 minutes)
#   VMTEST_MEM, VMTEST_SMP, VMTEST_ACCEL   qemu -m / -smp / -accel (2G, 2, tcg)
#   VMTEST_VERBOSE=1  stream the guest console and boot without "quiet"
#
# The guest sees this machine's / read-only over virtio-9p, so it runs the
# binaries already built here; the test command may only write under /tmp.
set -euo pipefail
shopt -s extglob nullglob

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cmd=${VMTEST_CMD:-scripts/run-tests.sh integration}
timeout_s=${VMTEST_TIMEOUT:-1800}
mem=${VMTEST_MEM:-2G}
smp=${VMTEST_SMP:-2}
accel=${VMTEST_ACCEL:-tcg} # KVM hangs after "Probing EDD" in nested VMs here
verbose=${VMTEST_VERBOSE:-0}

# Strict extglobs: a plain '*' would also match the -cloud and -rt flavours.
[ $# -gt 0 ] || set -- '6.1.0-+([0-9])-amd64' '6.12.+([0-9])+deb12-amd64'

# In the guest order: each line needs the ones before it.
modules=(virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci
	netfs fscache 9pnet 9pnet_virtio 9p)

note() { printf '# %s\n' "$*"; }
die() { printf 'vmtest: %s\n' "$*" >&2; exit 1; }

case $repo in *[[:space:]]*) die "repo path has whitespace, cannot pass it on the kernel command line: $repo" ;; esac

installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]; }

updated=0
apt_update() {
	[ $updated = 1 ] && return 0
	updated=1
	[ "$(id -u)" = 0 ] || return 0
	note "apt-get update"
	apt-get update -qq >/dev/null 2>&1 || note "apt-get update failed; using the cached package lists"
}

# Install Debian packages that are missing; silent when all are there.
apt_install() {
	local missing=() p
	for p; do installed "$p" || missing+=("$p"); done
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" = 0 ] || { echo "vmtest: missing packages: ${missing[*]} (run as root)" >&2; return 1; }
	note "installing ${missing[*]}"
	# Kernel postinst hooks only touch /boot (initramfs, no boot loader here).
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"${missing[@]}" >/dev/null 2>"$run/apt.err" || {
		apt_update
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			"${missing[@]}" >/dev/null 2>"$run/apt.err"
	} || { sed 's/^/# apt: /' "$run/apt.err" | tail -5; return 1; }
}

have() { command -v "$1" >/dev/null || apt_install "$2" >&2; } # command package

# Newest kernel release matching $1 among apt's linux-image-* and /boot.
resolve() {
	local glob=$1 p k cands=()
	while read -r p; do
		k=${p#linux-image-}
		# shellcheck disable=SC2053 # $glob is a pattern on purpose
		[[ $k == $glob ]] || continue
		case $k in *-dbg | *-unsigned | *-template) continue ;; esac
		[[ $k =~ ^[0-9]+\.[0-9]+- ]] && continue # meta package (6.12-amd64)
		cands+=("$k")
	done < <(apt-cache pkgnames linux-image- 2>/dev/null)
	for p in /boot/vmlinuz-*; do
		k=${p#/boot/vmlinuz-}
		# shellcheck disable=SC2053
		[[ $k == $glob ]] && cands+=("$k")
	done
	[ ${#cands[@]} -gt 0 ] || return 1
	printf '%s\n' "${cands[@]}" | sort -uV | tail -n1
}

# Tiny initramfs: busybox, the virtio/9p modules, and an /init that mounts
# the host's / and switch_roots into scripts/vm-init.sh.
mkinitrd() {
	local kver=$1 out=$2 m f
	local dir=$run/initrd-$kver
	rm -rf "$dir"
	mkdir -p "$dir"/{bin,dev,proc,sys,newroot,mod}
	cp /bin/busybox "$dir/bin/busybox"
	# The kernel opens /dev/console before /init runs; needs root to mknod.
	mknod -m 600 "$dir/dev/console" c 5 1 2>/dev/null || true
	: >"$dir/mod/order"
	for m in "${modules[@]}"; do
		f=$(find "/lib/modules/$kver/kernel" -name "$m.ko*" -print -quit)
		[ -n "$f" ] || continue # built in, or not in this kernel (fscache in 6.12)
		# busybox insmod may lack xz/zstd support: store plain .ko files.
		case $f in
		*.ko.xz) have xz xz-utils && xz -dc "$f" ;;
		*.ko.zst) have zstd zstd && zstd -qdc "$f" ;;
		*.ko.gz) gzip -dc "$f" ;;
		*) cat "$f" ;;
		esac >"$dir/mod/$m.ko"
		echo "$m" >>"$dir/mod/order"
	done
	cat >"$dir/init" <<-'EOF'
		#!/bin/busybox sh
		/bin/busybox --install -s /bin
		export PATH=/bin
		mount -t devtmpfs dev /dev
		exec </dev/console >/dev/console 2>&1
		mount -t proc proc /proc
		mount -t sysfs sys /sys
		fail() { echo "vmtest-initramfs: $*"; echo o >/proc/sysrq-trigger; while :; do sleep 1; done; }
		while read -r m; do insmod "/mod/$m.ko" || fail "insmod $m failed"; done </mod/order
		dir=; for a in $(cat /proc/cmdline); do case $a in rtrace.dir=*) dir=${a#*=} ;; esac; done
		# cache=loose: the share is read-only and lives for one run; without
		# it every exec re-reads its binary and libraries over 9p.
		mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,cache=loose,ro root /newroot ||
			fail "cannot mount the host's / over virtio-9p"
		[ -f "/newroot$dir/scripts/vm-init.sh" ] || fail "no $dir/scripts/vm-init.sh in the shared root"
		umount /proc /sys
		mount --move /dev /newroot/dev
		exec switch_root /newroot /bin/bash "$dir/scripts/vm-init.sh"
	EOF
	chmod 755 "$dir/init"
	# Uncompressed: the kernel reads it as is, no time spent inflating in TCG.
	(cd "$dir" && find . | busybox cpio -o -H newc 2>/dev/null) >"$out"
}

# The console log without CRs and the firmware's terminal escape codes.
console() { tr -d '\r' <"$1" | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/\x1bc//g'; }

# Copy the console to $1 (and the terminal if verbose); the host time when
# the guest starts the test command goes to $2.
capture() {
	local line
	exec 3>"$1"
	while IFS= read -r line || [ -n "$line" ]; do
		printf '%s\n' "$line" >&3
		[ "$verbose" = 1 ] && printf '%s\n' "$line"
		case $line in *VMTEST-BEGIN*) [ -e "$2" ] || echo "$EPOCHREALTIME" >"$2" ;; esac
	done
	exec 3>&-
}

# Boot one kernel; prints the TAP lines, returns 0 if the guest command passed.
# Returns 2, printing nothing, when the guest died before the test command
# started, or of an int3 Oops in kernel text, and $3 says another attempt is left:
# emulated guests now and then trip over the kernel's own text patching.
boot() {
	local n=$1 kver=$2 retry=${3:-0}
	local log=$run/$kver.log initrd=$run/initrd-$kver.cpio
	local quiet=quiet t0 t1 rc status up cpid
	[ "$verbose" = 1 ] && quiet=
	mkinitrd "$kver" "$initrd"
	rm -f "$run/console"
	mkfifo "$run/console"
	capture "$log" "$run/$kver.begin" <"$run/console" &
	cpid=$!
	t0=$EPOCHREALTIME
	# In the background so that the INT/TERM traps can stop qemu: bash runs
	# traps only once a foreground command ends. stdin from /dev/null keeps
	# -nographic from grabbing the terminal. preempt=full: BPF programs that
	# run preemptible (uprobes) can be preempted, as on PREEMPT and lazy
	# kernels; Debian's default (voluntary) never shows what that breaks.
	timeout --foreground -k 10 "$timeout_s" qemu-system-x86_64 -accel "$accel" -cpu max -m "$mem" -smp "$smp" \
		-nographic -no-reboot -nic none -kernel "/boot/vmlinuz-$kver" -initrd "$initrd" \
		-append "console=ttyS0 $quiet panic=-1 preempt=full rtrace.dir=$repo rtrace.cmd=$(printf '%s' "$cmd" | base64 -w0)" \
		-fsdev local,id=root,path=/,security_model=none,readonly=on,multidevs=remap \
		-device virtio-9p-pci,fsdev=root,mount_tag=root \
		</dev/null >"$run/console" 2>&1 &
	qpid=$!
	rc=0
	wait "$qpid" || rc=$?
	qpid=
	wait "$cpid" || true
	t1=$EPOCHREALTIME
	rm -f "$run/console"
	# Host clock: the guest's own clock runs off under TCG.
	up='?'
	[ -e "$run/$kver.begin" ] && up=$(awk "BEGIN { printf \"%.1f\", $(cat "$run/$kver.begin") - $t0 }")
	rm -f "$run/$kver.begin"
	rm -rf "$initrd" "$run/initrd-$kver"

	status=$(console "$log" | sed -n 's/.*VMTEST-EXIT=\([0-9]\+\)$/\1/p' | tail -n1)
	if [ "$up" = "?" ] && [ "$retry" = 1 ] && [ "$rc" != 124 ] && [ "$rc" != 137 ]; then
		note "kernel $kver died while booting (log $log): booting it again"
		mv "$log" "$log.failed-boot"
		return 2
	fi
	# TCG's cross-vCPU race with the kernel's own text patching: a vCPU runs the int3 that
	# text_poke_bp() had put at a static branch and already taken away (seen on 6.12 in
	# __schedule and syscall_trace_enter, as tracepoints and perf events are turned on and
	# off). Nothing a BPF program or a uprobe does runs an int3 in kernel mode: the run
	# says nothing of rtrace, so it is made again.
	if [ "$status" != 0 ] && [ "$retry" = 1 ] && console "$log" | grep -q 'Oops: int3'; then
		note "kernel $kver: an int3 Oops in kernel text (emulation's text-patching race; log $log): booting it again"
		mv "$log" "$log.int3-oops"
		return 2
	fi
	# The guest's own output, as an indented TAP subtest.
	printf '    # Subtest: kernel %s\n' "$kver"
	console "$log" | sed -n '/VMTEST-BEGIN/,/VMTEST-EXIT=/{/VMTEST-/d;s/^/    /;p}'
	note "kernel $kver: booted in $up s, $(awk "BEGIN { printf \"%.1f\", $t1 - $t0 }") s in qemu; console log $log"
	if [ "$status" = 0 ]; then
		echo "ok $n - kernel $kver"
		return 0
	fi
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		note "timed out after $timeout_s s"
	elif [ -z "$status" ]; then
		note "no VMTEST-EXIT marker (qemu exit $rc)"
	fi
	# Died before the test command started: show how far the boot got.
	[ "$up" != "?" ] || console "$log" | tail -n 20 | sed 's/^/#   /'
	echo "not ok $n - kernel $kver${status:+ (exit $status)}"
	return 1
}

# Logs stay for inspection; initramfs trees and images go.
run=$(mktemp -d /tmp/rtrace-vmtest.XXXXXX)
qpid=
# timeout(1) passes the signal on to qemu.
trap '[ -z "$qpid" ] || kill "$qpid" 2>/dev/null; rm -rf "$run"/initrd-* "$run/apt.err" "$run/console"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
apt_install qemu-system-x86 busybox-static || die "cannot install qemu-system-x86 and busybox-static"

echo "1..$#"
n=0 pass=0 fail=0 skip=0
for glob; do
	n=$((n + 1))
	kver=$(resolve "$glob") || { apt_update; kver=$(resolve "$glob"); } || {
		echo "ok $n - kernel $glob # SKIP no linux-image-$glob package in the apt sources nor /boot/vmlinuz-$glob"
		skip=$((skip + 1))
		continue
	}
	if [ ! -e "/boot/vmlinuz-$kver" ] || [ ! -d "/lib/modules/$kver" ]; then
		apt_install "linux-image-$kver" || {
			echo "ok $n - kernel $kver # SKIP cannot install linux-image-$kver"
			skip=$((skip + 1))
			continue
		}
	fi
	for attempt in 1 2 3; do
		rc=0
		boot "$n" "$kver" $((attempt < 3)) || rc=$?
		[ "$rc" = 2 ] || break
	done
	if [ "$rc" = 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] || exit 1
# Nothing booted (all skipped) proves nothing: do not pass.
[ "$pass" -gt 0 ] || exit 1
