#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# -c added up in BPF (no record per event): the same calls and errors per syscall and per
# function as the events give (RTRACE_NO_BPF_COUNTS=1), and as strace -c counts.
source "$(dirname "$0")/lib.sh"

# rows FILE: "name calls errors" per row of a -c table, sorted (times differ run to run).
rows() {
	awk '/^-/ || /^%/ || /^$/ { next } $NF != "total" {
		print $NF, $4, (NF == 6 ? $5 : 0) }' "$1" | sort
}
# both NAME ARGS...: -c both ways on the same command; the rows must match.
both() {
	local name=$1
	shift
	"$RTRACE" -v -c -o "$SCRATCH/$name.bpf" "$@" > /dev/null 2> "$SCRATCH/$name.err"
	RTRACE_NO_BPF_COUNTS=1 "$RTRACE" -c -o "$SCRATCH/$name.ev" "$@" > /dev/null 2>&1
	is "$(rows "$SCRATCH/$name.bpf")" "$(rows "$SCRATCH/$name.ev")" \
	   "$name: -c in BPF counts as the events do ($(rows "$SCRATCH/$name.bpf" | wc -l) rows)"
}

both fib -x fib -x main -- "$TARGETS/fib" 15
is "$(rows "$SCRATCH/fib.bpf" | grep -E '^(fib|main) ')" "fib 1973 0
main 1 0" "fib 15: 1,973 fib calls, one main"
like "$(grep -c 'events delivered' "$SCRATCH/fib.err"):$(sed -n 's/^rtrace: \([0-9]*\) events delivered.*/\1/p' "$SCRATCH/fib.err")" \
     '^1:[0-9]$' "fib 15 with -c: a handful of records (exec, exit), not 3,946 calls and returns"
both threads -x work -e trace=getppid -- "$TARGETS/threads"
is "$(rows "$SCRATCH/threads.bpf")" "getppid 100 0
work 100 0" "threads: 4 x 25 work() calls, each with its getppid"
# One thread-state slot (bpf/thread.bpf.h): the other threads keep theirs in the hash map.
RTRACE_ONE_THREAD_SLOT=1 "$RTRACE" -c -o "$SCRATCH/oneslot.bpf" -x work -e trace=getppid \
	-- "$TARGETS/threads" > /dev/null 2>&1
is "$(rows "$SCRATCH/oneslot.bpf")" "getppid 100 0
work 100 0" "threads, one state slot for four threads: the same counts"
both jumper -x '*' -e trace=none -- "$TARGETS/jumper"
both exceptions -x '*' -e trace=none -- "$TARGETS/exceptions"
both tailcall -x '*' -e trace=none -- "$TARGETS/tailcall"
PYTHONHASHSEED=0 both python3 -x 'libc:str*' -x 'libc:mem*' -- /usr/bin/python3 -S -c 'print(1)'

# strace as oracle of the syscall rows (it counts a syscall at its exit: exit_group never
# has one).
T=$TARGETS/syscall_script
strace -c -o "$SCRATCH/strace.c" "$T" > /dev/null 2>&1
"$RTRACE" -c -o "$SCRATCH/script.c" -- "$T" > /dev/null 2>&1
is "$(rows "$SCRATCH/script.c" | grep -v '^exit_group ')" "$(rows "$SCRATCH/strace.c")" \
   "syscall_script: calls and errors per syscall as strace -c counts them"
is "$(links_left)" 0 "no BPF link left behind"
done_testing
