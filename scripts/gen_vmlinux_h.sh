#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Regenerate vmlinux.h from the running kernel's BTF (CO-RE makes it portable).
exec bpftool btf dump file /sys/kernel/btf/vmlinux format c
