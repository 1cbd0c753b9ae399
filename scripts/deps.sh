#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install the Debian packages rtrace needs to build, test and demo.
# Idempotent and quiet when everything is already there.
set -euo pipefail

# package:command-or-file that proves it is installed
need=(
	clang-19:/usr/bin/clang-19          # BPF target compiler (CO-RE)
	llvm-19:/usr/bin/llvm-strip-19      # llvm-strip for BPF objects
	bpftool:/usr/sbin/bpftool           # skeletons, vmlinux.h
	libbpf-dev:/usr/include/bpf/libbpf.h
	libelf-dev:/usr/include/libelf.h
	libdw-dev:/usr/include/elfutils/libdw.h
	zlib1g-dev:/usr/include/zlib.h
	libzydis-dev:/usr/include/Zydis/Zydis.h   # x86-64 decoder: where each probe may go (and tests/insnlab)
	libiberty-dev:/usr/include/libiberty/demangle.h   # C++ names demangled (binutils' demangler)
	make:/usr/bin/make
	gcc:/usr/bin/gcc
	g++:/usr/bin/g++                    # C++ test targets (exceptions, C++ names)
	binutils:/usr/bin/objcopy           # tests build stripped/debuglink/Go-marked ELF files
	perl:/usr/bin/prove                 # TAP harness
	strace:/usr/bin/strace              # oracle tests
	python3:/usr/bin/python3            # JSON checks in integration tests
	jq:/usr/bin/jq                      # json.t runs the README's JSON examples
	# probesite-oracle.t: the instruction forms of Debian's libc (with its local functions,
	# from the debug symbols), libstdc++, libpython and libssl, run under a uprobe
	libc6-dbg:/var/lib/dpkg/info/libc6-dbg:amd64.list
	libpython3.11:/usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0
	libssl3:/usr/lib/x86_64-linux-gnu/libssl.so.3
	golang-go:/usr/bin/go               # the Go test target (tests/targets/go)
	# libFuzzer for the trace file reader (make fuzz; the tests run its corpus)
	libclang-rt-19-dev:/usr/lib/llvm-19/lib/clang/19/lib/linux/libclang_rt.fuzzer-x86_64.a
	chromium:/usr/bin/chromium          # headless, tests check the SVG flame graph renders
)
[ "${RTRACE_BENCH_DEPS:-0}" = 1 ] && need+=(bpftrace:/usr/bin/bpftrace ltrace:/usr/bin/ltrace uftrace:/usr/bin/uftrace)

missing=()
for n in "${need[@]}"; do
	pkg=${n%%:*} probe=${n#*:}
	[ -e "$probe" ] || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "rtrace: missing packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})" >&2
	exit 1
fi
echo "scripts/deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
