#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# C++ exceptions through traced frames, in any module: a uretprobe replaces a return address
# with the kernel's trampoline, which no unwinder can get past (std::terminate, SIGABRT). In a
# process that can throw, a function that calls other code has its returns traced by probes on
# its exits (rets, tail-call jmps) instead; frames an exception skips close as <unwound>.
source "$(dirname "$0")/lib.sh"

T="$TARGETS/cxxthrow"
"$T" 2 > "$SCRATCH/plain" 2>&1
is "$?" 0 "untraced: exits 0"

# same_as_untraced NAME ARGS...: the program's output and status with rtrace ARGS.
same_as_untraced() {
	local name=$1
	shift
	"$RTRACE" -e trace=none "$@" -o "$SCRATCH/trace" -- "$T" 2 > "$SCRATCH/out" 2> "$SCRATCH/err"
	is "$?" 0 "$name: exits 0, as untraced"
	is "$(cat "$SCRATCH/out")" "$(cat "$SCRATCH/plain")" "$name: the same output, every exception caught"
	is "$(grep -c 'terminate called' "$SCRATCH/err")" 0 "$name: no std::terminate"
}
# The issue's own cases: a comparator throws through libc's qsort; the unwinder itself traced.
same_as_untraced "libc:qsort" -x 'libc:qsort'
same_as_untraced "the unwinder" -x 'libgcc_s:_Unwind_RaiseException' -x 'libgcc_s:_Unwind_Resume'
same_as_untraced "catch handlers" -x 'libstdc++:__cxa_begin_catch' -x 'libstdc++:__cxa_end_catch'
same_as_untraced "every function and libc" -x '*' -x "$LIBC_ALL"
RTRACE_NO_UPROBE_MULTI=1 same_as_untraced "perf-event links" -x '_Z*' -x cmp_throws -x 'libc:qsort'

# Exact counts and values (2 rounds; threads: 2 x 50 calls, 2 in 5 throw).
"$RTRACE" --json -e trace=none -x '*' -o "$SCRATCH/t.json" -- "$T" 2 > /dev/null
is "$?" 0 "JSON trace: exits 0"
n() { jsonq "$SCRATCH/t.json" "sum(e['type']=='$1' and e['name']=='$2' and e.get('unwound', False)==$3 for e in ev)"; }
is "$(n call 'catches(int)' False) $(n return 'catches(int)' False)" "104 104" "catches(): 104 calls, 104 returns"
is "$(n call 'deep(int)' False) $(n return 'deep(int)' False) $(n return 'deep(int)' True)" "104 62 42" \
   "deep(): 104 calls, 62 returns, 42 unwound by a throw"
is "$(n return 'with_guard(int)' True) $(n return 'rethrower(int)' True)" "42 42" \
   "the frames in between (a destructor, a rethrow) unwound too"
is "$(n call 'Guard::~Guard()' False) $(n return 'Guard::~Guard()' False)" "104 104" \
   "the destructor returns each time, also in a cleanup pad"
is "$(n call cmp_throws False) $(n return cmp_throws False) $(n return cmp_throws True)" "10 8 2" \
   "the comparator: 10 calls, 8 returns, 2 thrown through qsort"
is "$(jsonq "$SCRATCH/t.json" "sorted({e['ret'] for e in ev if e['type']=='return' and e['name']=='catches(int)'})")" \
   "[-4, -3, 1, 2, 3]" "catches() returns what it caught (-x) or its value + 1"
is "$(jsonq "$SCRATCH/t.json" "[e['ret'] for e in ev if e['type']=='return' and e['name']=='sort_some(int)']")" \
   "[1, 1]" "sort_some() returns 1 after catching, each round"
is "$(jsonq "$SCRATCH/t.json" "[e['depth'] for e in ev if e['type']=='call' and e['name']=='sort_some(int)']")" \
   "[1, 1]" "and is back at depth 1 each round"

# --list says how returns are traced: exits where something may throw through, a uretprobe
# where nothing can (the destructor calls nothing), none for a tail-call stub (libc's qsort
# is `jmp __qsort_r`: its entry and its exit are one instruction).
"$RTRACE" --list -x '*' -x 'libc:qsort' -- "$T" > "$SCRATCH/list"
ret_of() { awk -v f="$1" '$2 == f { print $6 }' "$SCRATCH/list"; }
is "$(ret_of 'deep(int)') $(ret_of main) $(ret_of cmp_throws)" "RET-sites RET-sites RET-sites" \
   "--list: functions that call out are traced at their exits"
is "$(ret_of 'Guard::~Guard()')" uretprobe "--list: a function that calls nothing keeps its uretprobe"
is "$(ret_of qsort)" none "--list: qsort, one tail-call jmp, entry only"
# A C program cannot throw: uretprobes as before.
"$RTRACE" --list -x fib -x 'libc:qsort' -- "$TARGETS/fib" > "$SCRATCH/clist"
is "$(awk '$2 == "fib" || $2 == "qsort" { print $6 }' "$SCRATCH/clist" | sort -u)" uretprobe \
   "--list: in a C program, uretprobes"

# The original small program: caught, and now with returns.
"$RTRACE" -e trace=none -x '*thrower*' -x '*middle*' -x '*catcher*' -x '*after*' \
	-o "$SCRATCH/small" -- "$TARGETS/exceptions" > "$SCRATCH/small.out"
is "$?" 0 "exceptions target: exits 0"
is "$(cat "$SCRATCH/small.out")" "caught -1 after -2" "exceptions target: caught as untraced"
is "$(sed -E 's/ <[0-9.]+>$//' "$SCRATCH/small")" "catcher(int)(x=1) {
  middle(int)(x=1) {
    thrower(int)(x=1) = ? <unwound>
  } middle(int) = ? <unwound>
} catcher(int) = -1
after(int)(x=-1) = -2
+++ exited with 0 +++" "exceptions target: the unwound frames closed, catcher returns -1"
is "$(links_left)" 0 "no link left behind"
done_testing
