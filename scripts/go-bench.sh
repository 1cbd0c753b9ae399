#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# What tracing a Go function costs per call: untraced, an entry probe only, entry and RET-site
# probes; main.work (a stack check: the entry probe sits on its jbe, emulated) and main.leaf
# (no stack check: the entry probe is on its first instruction, single-stepped). The target
# times its own loop; medians of 5 interleaved rounds. Run as root after `make`.
set -euo pipefail
cd "$(dirname "$0")/.."
T=build/targets/gotarget
N=${N:-200000}
ROUNDS=${ROUNDS:-5}
run() {	# run LABEL [ENV...] -- [RTRACE ARGS]: prints ns/call
	"$@" 2>/dev/null | sed -n 's/ ns\/call.*//p'
}
declare -A res
modes=(untraced work-entry work-entry+ret leaf-entry leaf-entry+ret)
for ((r = 0; r < ROUNDS; r++)); do
	res[untraced]+="$(run "$T" bench "$N") "
	res[work-entry]+="$(run env RTRACE_GO_ENTRIES_ONLY=1 ./rtrace -e trace=none -x main.work -o /dev/null -- "$T" bench "$N") "
	res[work-entry+ret]+="$(run ./rtrace -e trace=none -x main.work -o /dev/null -- "$T" bench "$N") "
	res[leaf-entry]+="$(run env RTRACE_GO_ENTRIES_ONLY=1 ./rtrace -e trace=none -x main.leaf -o /dev/null -- "$T" bench "$N") "
	res[leaf-entry+ret]+="$(run ./rtrace -e trace=none -x main.leaf -o /dev/null -- "$T" bench "$N") "
done
median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
base=$(echo "${res[untraced]}" | median)
printf '%-16s %10s %10s   (%d calls, median of %d)\n' mode ns/call "+ns" "$N" "$ROUNDS"
for m in "${modes[@]}"; do
	v=$(echo "${res[$m]}" | median)
	awk -v m="$m" -v v="$v" -v b="$base" 'BEGIN { printf "%-16s %10s %10.0f\n", m, v, v - b }'
done
