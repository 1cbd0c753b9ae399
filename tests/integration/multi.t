#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Function probes as uprobe_multi links (kernel >= 6.6): fast attach and detach of
# hundreds of functions, exact counts, refused instructions left out with a warning;
# and the per-probe perf-event links that older kernels get, forced by RTRACE_NO_UPROBE_MULTI.
source "$(dirname "$0")/lib.sh"

now_ms() { echo $(($(date +%s%N) / 1000000)); }
progs_left() { bpftool prog show 2>/dev/null | grep -c -E 'func_entry|func_return' || true; }
# count FILE NAMES-REGEX TYPE: records of TYPE whose name matches.
count() {
	jsonq "$1" "sum(e['type']=='$3' and bool(__import__('re').fullmatch(r'$2', e['name'])) for e in ev)"
}

"$RTRACE" -v --json -x fib -o "$SCRATCH/fib.json" -- "$TARGETS/fib" 10 > /dev/null 2> "$SCRATCH/fib.err"
is "$?" 0 "fib exits 0"
# Only a kernel without (usable) uprobe_multi skips its checks: any other failure shows.
have_multi=1
grep -q -E 'no uprobe_multi links|pid filter is per thread' "$SCRATCH/fib.err" && have_multi=0
like "$(cat "$SCRATCH/fib.err")" 'rtrace: 1 functions attached \(one process\) with (uprobe_multi|perf-event uprobe) links in [0-9.]+ ms' \
     "-v says which attach path it used"

if [ $have_multi = 1 ]; then
	is "$(jsonq "$SCRATCH/fib.json" "sum(e['type']=='call' for e in ev), sum(e['type']=='return' for e in ev)")" \
	   "(177, 177)" "multi: fib(10) makes 177 calls and 177 returns"
	is "$(jsonq "$SCRATCH/fib.json" "max(e['depth'] for e in ev if e['type']=='call')")" 9 "multi: max depth 9"

	# Hundreds of libc functions: attach, run, detach well under 2 s; exact counts.
	# strtol has aliases at its offset (strtoimax, strtoq): the table keeps one name.
	t0=$(now_ms)
	"$RTRACE" -v --json -e trace=none -x 'libc:str*' -o "$SCRATCH/str.json" -- "$TARGETS/multi" 7 \
		2> "$SCRATCH/str.err"
	status=$?
	t1=$(now_ms)
	is "$status" 0 "libc:str* on the target: exits 0"
	nfuncs=$(grep -oP '^rtrace: \K[0-9]+(?= functions to trace)' "$SCRATCH/str.err")
	[ "${nfuncs:-0}" -ge 50 ]; ok $? "libc:str* is dozens of functions (${nfuncs:-?})"
	[ $((t1 - t0)) -lt $((2000 * TIME_SCALE)) ]
	ok $? "libc:str*: attach, run and detach in under $((2 * TIME_SCALE)) s ($((t1 - t0)) ms)"
	is "$(count "$SCRATCH/str.json" 'strto(l|imax|q)' call)" 7 "strtol called exactly 7 times"
	is "$(count "$SCRATCH/str.json" 'strto(l|imax|q)' return)" 7 "and returns 7 times"
	is "$(jsonq "$SCRATCH/str.json" "len({e['pid'] for e in ev})")" 1 "only the target's events (pid filter)"
	like "$(cat "$SCRATCH/str.err")" 'links detached in' "-v times the detach"

	# Instructions the kernel refuses (a lock prefix, mov to %ss): avoided up front, each
	# function named with why; the rest is traced.
	"$TARGETS/multi" -w &
	target=$!
	wait_comm "$target" multi
	# trace_a_second NAME: tick and the refused_* functions of the target for a second, into
	# $SCRATCH/NAME.json and NAME.err; returns rtrace's exit status.
	trace_a_second() {
		"$RTRACE" -v -p "$target" --json -e trace=none -x tick -x 'refused_*' \
			-o "$SCRATCH/$1.json" 2> "$SCRATCH/$1.err" &
		local rt=$!
		wait_ready "$SCRATCH/$1.err"
		sleep 1
		kill -INT "$rt"
		wait "$rt"
	}
	trace_a_second ref
	is "$?" 0 "refused instructions: rtrace still traces and exits 0"
	is "$(grep -c 'not tracing' "$SCRATCH/ref.err")" 2 "one line per refused function"
	is "$(grep 'not tracing refused_lock' "$SCRATCH/ref.err")" "rtrace: not tracing refused_lock in $TARGETS/multi: the kernel refuses a probe on \`lock addl \$0x0, (%rsp)\` at its entry (the kernel refuses lock-prefixed instructions), and the probe cannot move past it: it writes memory" \
	     "refused_lock: named, with why"
	is "$(grep 'not tracing refused_movss' "$SCRATCH/ref.err")" "rtrace: not tracing refused_movss in $TARGETS/multi: the kernel refuses a probe on \`mov %ax, %ss\` at its entry (the kernel refuses a mov to %ss), and the probe cannot move past it: it changes control state" \
	     "refused_movss: named, with why"
	is "$(grep -c 'cannot probe' "$SCRATCH/ref.err")" 0 "no link was refused: nothing left to the kernel"
	calls=$(count "$SCRATCH/ref.json" tick call)
	[ "${calls:-0}" -ge 20 ]; ok $? "tick() traced meanwhile (${calls:-?} calls)"
	# (a call under way when the probes went in shows a return only: "entry_seen": false;
	# one under way when they came out, a call only: it can only be the last)
	is "$(jsonq "$SCRATCH/ref.json" "(lambda t: sum(e['type'] == 'return' and e.get('entry_seen', True) for e in t) + (t[-1]['type'] == 'call'))([e for e in ev if e.get('name') == 'tick'])")" \
	   "$calls" "every call has its return (but a last one under way at detach)"
	# Nothing left to probe is an error; the lines say why.
	"$RTRACE" -p "$target" -e trace=none -x 'refused_lock' > /dev/null 2> "$SCRATCH/none.err"
	is "$?" 1 "only refused functions: exit 1"
	is "$(wc -l < "$SCRATCH/none.err")" 1 "only refused functions: one line"
	like "$(cat "$SCRATCH/none.err")" "^rtrace: not tracing refused_lock" "only refused functions: it says why"

	# Should the kernel refuse a site anyway (RTRACE_KERNEL_DECIDES puts probes where it
	# does), the link is split until the refused offsets are found: named in one warning.
	RTRACE_KERNEL_DECIDES=1 trace_a_second kref
	is "$?" 0 "kernel refusals: rtrace still traces and exits 0"
	is "$(grep -c 'cannot probe' "$SCRATCH/kref.err")" 1 "kernel refusals: one warning line"
	like "$(grep 'cannot probe' "$SCRATCH/kref.err")" "^rtrace: cannot probe 2 functions in [^ ]*/multi: refused_(movss, refused_lock|lock, refused_movss)$" \
	     "the warning names both refused functions"
	calls=$(count "$SCRATCH/kref.json" tick call)
	[ "${calls:-0}" -ge 20 ]; ok $? "kernel refusals: tick() traced meanwhile (${calls:-?} calls)"
	RTRACE_KERNEL_DECIDES=1 "$RTRACE" -p "$target" -e trace=none -x 'refused_*' > /dev/null \
		2> "$SCRATCH/knone.err"
	is "$?" 1 "kernel refuses all: exit 1"
	is "$(cat "$SCRATCH/knone.err")" \
	   "rtrace: cannot attach probes to $TARGETS/multi: the kernel cannot probe that instruction" \
	   "kernel refuses all: one line says why"
	kill "$target"
	wait "$target" 2> /dev/null
else
	for t in "multi: fib(10) counts" "libc:str* under 2 s" "refused instructions" "only refused" \
		 "kernel refusals"; do
		skip "$t" "the kernel has no uprobe_multi links"
	done
fi

# The perf-event fallback, forced.
RTRACE_NO_UPROBE_MULTI=1 "$RTRACE" -v --json -x fib -o "$SCRATCH/perf.json" -- "$TARGETS/fib" 10 \
	> /dev/null 2> "$SCRATCH/perf.err"
is "$?" 0 "fallback: fib exits 0"
like "$(cat "$SCRATCH/perf.err")" 'RTRACE_NO_UPROBE_MULTI is set' "fallback: -v says why"
like "$(cat "$SCRATCH/perf.err")" 'attached \(one process\) with perf-event uprobe links' "fallback: perf-event links used"
is "$(jsonq "$SCRATCH/perf.json" "sum(e['type']=='call' for e in ev), sum(e['type']=='return' for e in ev)")" \
   "(177, 177)" "fallback: fib(10) makes 177 calls and 177 returns"
RTRACE_NO_UPROBE_MULTI=1 "$RTRACE" --json -e trace=none -x 'libc:strtol' -o "$SCRATCH/perf-str.json" \
	-- "$TARGETS/multi" 3
is "$?" 0 "fallback: a libc function, exits 0"
is "$(count "$SCRATCH/perf-str.json" 'strto(l|imax|q)' call)" 3 "fallback: strtol called exactly 3 times"

# A launched program maps nothing yet when the probes go in: rtrace maps the modules itself
# for the held child to inherit, so that the kernel checks each site then and a refusal is
# said (--args=none: no DWARF reader keeps the file mapped by chance). Both attach paths.
for multi_env in 0 1; do
	what=$([ $multi_env = 1 ] && echo "perf-event links" || echo "default links")
	RTRACE_NO_UPROBE_MULTI=$multi_env RTRACE_KERNEL_DECIDES=1 "$RTRACE" --args=none -e trace=none \
		-x 'refused_*' -x main -- "$TARGETS/multi" 2 > /dev/null 2> "$SCRATCH/launch.err"
	is "$?" 0 "launched, $what: refusals do not stop the trace"
	is "$(grep -v '^main()\|exited with' "$SCRATCH/launch.err")" \
	   "rtrace: cannot probe 2 functions in $TARGETS/multi: refused_lock, refused_movss" \
	   "launched, $what: the refused functions are named, nothing else said"
	is "$(grep -c '^main() = 0' "$SCRATCH/launch.err")" 1 "launched, $what: main traced"
done

is "$(progs_left)" 0 "no function probe program left behind"
done_testing
