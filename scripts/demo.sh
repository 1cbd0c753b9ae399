#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make demo`: trace the bundled demo program's functions and syscalls.
set -euo pipefail
cd "$(dirname "$0")/.."
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
mountpoint -q /sys/kernel/tracing 2>/dev/null || $sudo mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null || true
cmd=(./rtrace -T -x 'fib' -x 'read_config' -x 'report' -x 'libc:snprintf'
     -e 'trace=openat,read,write,close' -- build/targets/demo)
echo "\$ sudo ${cmd[*]}"
$sudo "${cmd[@]}"
