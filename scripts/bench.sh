#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make bench`: what tracing costs the traced program, per function call and
# per syscall, for rtrace and the tools people use today, in one run on one
# workload. The workload times its own loop (ns per iteration); each figure is
# the median of RUNS runs. Overheads are over the untraced run; "x floor" is
# the overhead divided by that of probes that do nothing.
set -uo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-7}
CALLS=${CALLS:-200000}
SYSCALLS=${SYSCALLS:-500000}
W=build/targets/bench_work
WPG=build/bench/bench_work_pg
FLOOR=build/bench/floor
TMP=$(mktemp -d /tmp/rtrace-bench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing

# one_ns CMD...: runs CMD once, prints the ns/iter it reported, and "lost"
# after it if rtrace said it lost events (a figure for records not delivered).
one_ns() {
	local out
	out=$("$@" 2>&1 >/dev/null)
	printf '%s' "$(sed -n 's/.*bench_work: \([0-9.]*\) ns\/iter.*/\1/p' <<< "$out" | tail -1)"
	grep -q 'events lost' <<< "$out" && printf ' lost'
	echo
}

# median_ns CMD...: runs CMD RUNS times, prints the median ns/iter it reported.
median_ns() {
	local i
	for ((i = 0; i < RUNS; i++)); do
		one_ns "$@"
	done | median
}

# median: of the first column; says "lost" after it if a run lost events.
median() {
	local vals lost=
	vals=$(cat)
	grep -q ' lost' <<< "$vals" && lost=" lost"
	echo "$(awk '{ print $1 == "" ? "nan" : $1 }' <<< "$vals" | sort -g |
		awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')$lost"
}

# interleaved NAME CMD NAME CMD ...: runs the commands (strings) in turn,
# RUNS rounds, so that a slower spell of the machine hits all of them alike;
# sets NS[NAME] to each one's median.
interleaved() {
	local -a names=() cmds=()
	local i r
	while [ $# -ge 2 ]; do
		names+=("$1")
		cmds+=("$2")
		shift 2
	done
	for ((r = 0; r < RUNS; r++)); do
		for i in "${!cmds[@]}"; do
			echo "$i $(eval "one_ns ${cmds[$i]}")"
		done
	done > "$TMP/runs"
	for i in "${!cmds[@]}"; do
		NS[${names[$i]}]=$(awk -v i="$i" '$1 == i { $1 = ""; print }' "$TMP/runs" | median)
	done
}

declare -A NS
row() {	# row LABEL NS BASE FLOOR_OVERHEAD
	local ns=${2% lost} note=
	[ "$ns" != "$2" ] && note="  (events lost: not all delivered)"
	awk -v l="$1" -v ns="$ns" -v base="$3" -v fl="$4" -v note="$note" 'BEGIN {
		ov = ns - base
		printf "  %-34s %10.1f ns %+10.1f ns", l, ns, ov
		if (fl > 0) printf "  %6.2fx floor", ov / fl
		printf "%s\n", note }'
}

# base_rows FLOOR_LABEL: sets base, floor and fl (the floor's overhead) from
# NS and prints the untraced and floor rows.
base_rows() {
	base=${NS[base]}
	floor=${NS[floor]}
	fl=$(awk -v a="$floor" -v b="$base" 'BEGIN { print a - b }')
	row "untraced" "$base" "$base" 0
	row "$1" "$floor" "$base" "$fl"
}

echo "rtrace bench: kernel $(uname -r), $(nproc) CPUs, median of $RUNS runs"
echo
echo "Per function call ($CALLS calls of work(), entry + return, written to a file)"
# A buffer that holds the whole run: the figures are for records delivered.
BUF="--buffer-size 256M"
interleaved base "$W calls $CALLS" \
	floor "$FLOOR func work $W calls $CALLS" \
	fn_text "./rtrace $BUF -x work -e trace=none -o $TMP/o.txt -- $W calls $CALLS" \
	fn_json "./rtrace $BUF --json -x work -e trace=none -o $TMP/o.json -- $W calls $CALLS" \
	fn_count "./rtrace -c -x work -e trace=none -o $TMP/oc.txt -- $W calls $CALLS" \
	fn_nobatch "env RTRACE_NO_BATCHES=1 ./rtrace $BUF -x work -e trace=none -o $TMP/o1.txt -- $W calls $CALLS"
base_rows "no-op uprobe+uretprobe (floor)"
row "rtrace -x work" "${NS[fn_text]}" "$base" "$fl"
row "rtrace --json -x work" "${NS[fn_json]}" "$base" "$fl"
row "rtrace -c -x work (added up in BPF)" "${NS[fn_count]}" "$base" "$fl"
row "rtrace, one record per event" "${NS[fn_nobatch]}" "$base" "$fl"
if command -v bpftrace >/dev/null; then
	NS[fn_bt]=$(median_ns bpftrace -q -o $TMP/bt.txt -e "uprobe:$W:work { printf(\"%d work\n\", tid); } uretprobe:$W:work { printf(\"%d ret %d\n\", tid, retval); }" -c "$W calls $CALLS")
	row "bpftrace uprobe+uretprobe printf" "${NS[fn_bt]}" "$base" "$fl"
fi
if command -v ltrace >/dev/null; then
	NS[fn_lt]=$(RUNS=1 median_ns ltrace -x work -o $TMP/lt.txt $W calls $((CALLS / 10)))
	row "ltrace -x work (1 run, calls/10)" "${NS[fn_lt]}" "$base" "$fl"
fi
if command -v uftrace >/dev/null; then
	basepg=$(median_ns $WPG calls $CALLS)
	NS[fn_uf]=$(median_ns uftrace record -d $TMP/uf.data $WPG calls $CALLS)
	row "uftrace record (-pg build)" "${NS[fn_uf]}" "$basepg" "$fl"
fi

echo
echo "Filters cut in BPF ($((CALLS / 5)) calls of outer(), each calling work() 4 times; per outer())"
NC=$((CALLS / 5))
interleaved base "$W nested $NC" \
	floor "$FLOOR func work $W nested $NC" \
	nest_all "./rtrace $BUF -x outer -x work -e trace=none -o $TMP/n.txt -- $W nested $NC" \
	nest_d1 "./rtrace $BUF --max-depth 1 -x outer -x work -e trace=none -o $TMP/n1.txt -- $W nested $NC" \
	nest_s10 "./rtrace $BUF --sample 10 -x outer -x work -e trace=none -o $TMP/n10.txt -- $W nested $NC"
base_rows "no-op probes on work() alone (floor)"
row "rtrace -x outer -x work" "${NS[nest_all]}" "$base" "$fl"
row "  --max-depth 1 (work cut)" "${NS[nest_d1]}" "$base" "$fl"
row "  --sample 10" "${NS[nest_s10]}" "$base" "$fl"

echo
echo "Probe placement ($CALLS calls of mtj(), whose entry is mov; test; je)"
interleaved base "$W mtj $CALLS" \
	floor "$FLOOR func mtj $W mtj $CALLS" \
	mtj "./rtrace $BUF -x mtj -e trace=none -o $TMP/m.txt -- $W mtj $CALLS" \
	mtj_naive "env RTRACE_NAIVE_PROBES=1 ./rtrace $BUF -x mtj -e trace=none -o $TMP/mn.txt -- $W mtj $CALLS"
base_rows "no-op uprobe+uretprobe on its first byte"
row "rtrace -x mtj (probe moved to the je)" "${NS[mtj]}" "$base" "$fl"
row "rtrace, probe on its first byte" "${NS[mtj_naive]}" "$base" "$fl"

echo
echo "Six integer arguments decoded from DWARF vs names only ($CALLS calls of work6())"
base6=$(median_ns $W calls6 $CALLS)
NS[fn6_none]=$(median_ns ./rtrace --args=none -x work6 -e trace=none -o $TMP/o6n.txt -- $W calls6 $CALLS)
NS[fn6_typed]=$(median_ns ./rtrace -x work6 -e trace=none -o $TMP/o6t.txt -- $W calls6 $CALLS)
row "rtrace --args=none -x work6" "${NS[fn6_none]}" "$base6" 0
row "rtrace -x work6 (typed)" "${NS[fn6_typed]}" "$base6" 0
awk -v t="${NS[fn6_typed]}" -v n="${NS[fn6_none]}" -v b="$base6" \
	'BEGIN { printf "  typed / names-only overhead: %.2fx\n", (t - b) / (n - b) }'

echo
echo "Per syscall ($SYSCALLS getppid, enter + exit, written to a file)"
interleaved base "$W syscalls $SYSCALLS" \
	floor "$FLOOR sys $W syscalls $SYSCALLS" \
	sys_none "./rtrace $BUF -e trace=getpid -o $TMP/n.txt -- $W syscalls $SYSCALLS" \
	sys_text "./rtrace $BUF -o $TMP/s.txt -- $W syscalls $SYSCALLS" \
	sys_json "./rtrace $BUF --json -o $TMP/s.json -- $W syscalls $SYSCALLS" \
	sys_count "./rtrace -c -o $TMP/sc.txt -- $W syscalls $SYSCALLS" \
	sys_nobatch "env RTRACE_NO_BATCHES=1 ./rtrace $BUF -o $TMP/s1.txt -- $W syscalls $SYSCALLS"
base_rows "no-op tp_btf enter+exit (floor)"
row "rtrace -e trace=getpid (filtered)" "${NS[sys_none]}" "$base" "$fl"
row "rtrace" "${NS[sys_text]}" "$base" "$fl"
row "rtrace --json" "${NS[sys_json]}" "$base" "$fl"
row "rtrace -c (added up in BPF)" "${NS[sys_count]}" "$base" "$fl"
row "rtrace, one record per event" "${NS[sys_nobatch]}" "$base" "$fl"
NS[sys_st]=$(RUNS=1 median_ns strace -f -o $TMP/st.txt $W syscalls $((SYSCALLS / 10)))
row "strace -f (1 run, syscalls/10)" "${NS[sys_st]}" "$base" "$fl"
if command -v bpftrace >/dev/null; then
	NS[sys_bt]=$(median_ns bpftrace -q -o $TMP/bts.txt -e 'tracepoint:raw_syscalls:sys_enter /pid == cpid/ { printf("%d %d\n", tid, args->id); } tracepoint:raw_syscalls:sys_exit /pid == cpid/ { printf("%d = %d\n", tid, args->ret); }' -c "$W syscalls $SYSCALLS")
	row "bpftrace raw_syscalls printf" "${NS[sys_bt]}" "$base" "$fl"
fi

echo
echo "Throughput and fixed costs"
# rtrace's own side: a tight loop of traced calls at the default buffer size (the records
# the program makes as fast as it can), each output; events delivered and lost, and the CPU
# rtrace itself took (-v), as events per second of it: the consumer's ceiling.
# consumer LABEL CMD...: one run, one row.
consumer() {
	local label=$1
	shift
	"$@" > /dev/null 2> $TMP/c.err
	awk -v l="$label" '
	/events delivered/ { d = $2; lost = $5 }
	/s of CPU/ { cpu = $2; mib = $(NF - 5) }
	END { printf "  %-34s %8d events, %6d lost, rtrace %.2f s CPU = %5.2f M events/s, %s MiB\n",
		     l, d, lost, cpu, (cpu > 0 ? d / cpu / 1e6 : 0), mib }' $TMP/c.err
}
TL=300000
echo "  a tight loop of $TL work() calls ($((TL * 2)) events), default --buffer-size:"
consumer "text to a file" ./rtrace -v -x work -e trace=none -o $TMP/tl.txt -- $W calls $TL
consumer "--json to a file" ./rtrace -v --json -x work -e trace=none -o $TMP/tl.json -- $W calls $TL
consumer "record" ./rtrace record --force -v -x work -e trace=none -o $TMP/tl.rtrace -- $W calls $TL
consumer "-c (no records)" ./rtrace -v -c -x work -e trace=none -o $TMP/tl.c -- $W calls $TL
echo "  the same, 5,000,000 calls (10 M events):"
consumer "text to a file" ./rtrace -v -x work -e trace=none -o $TMP/tl.txt -- $W calls 5000000
rm -f $TMP/tl.txt
consumer "record" ./rtrace record --force -v -x work -e trace=none -o $TMP/tl.rtrace -- $W calls 5000000
echo "  filters cut in BPF, 40000 outer() calls: what rtrace itself does"
consumer "-x outer -x work" ./rtrace -v -x outer -x work -e trace=none -o $TMP/n.txt -- $W nested 40000
consumer "  --max-depth 1" ./rtrace -v --max-depth 1 -x outer -x work -e trace=none -o $TMP/n.txt -- $W nested 40000
consumer "  --sample 10" ./rtrace -v --sample 10 -x outer -x work -e trace=none -o $TMP/n.txt -- $W nested 40000
./rtrace record --force -o $TMP/fib.rtrace -e trace=none -x fib -- build/targets/fib 20 > /dev/null 2>&1
fr=$(./rtrace info $TMP/fib.rtrace | awk '$1 == "records" { print $2 }')
awk -v r="$fr" -v sz="$(stat -c %s $TMP/fib.rtrace)" 'BEGIN {
	printf "  %-34s %d records, %.2f bytes per function event (goal: at most 8)\n", "record: fib 20, -x fib", r, sz / r }'
echo "  the codec on its records (CPU time, best of 7):"
build/bench/codec $TMP/fib.rtrace | sed 's/^/    /'
t() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
tt=$(for i in 1 2 3 4 5; do t ./rtrace -e trace=none -- /bin/true; done | sort -n | sed -n 3p)
echo "  rtrace -e trace=none -- /bin/true   ${tt} ms (start-up + exit, median of 5)"
nf=$(./rtrace -v -x 'libc:str*' -e trace=none -- /bin/true 2>&1 | sed -n 's/^rtrace: \([0-9]*\) functions to trace$/\1/p')
ta=$(t ./rtrace -x 'libc:str*' -e trace=none -- /bin/true)
echo "  rtrace -x 'libc:str*' -- /bin/true  ${ta} ms (${nf} functions attached and detached)"
if command -v bpftrace >/dev/null; then
	tb=$(t timeout 120 bpftrace -e 'uprobe:libc:str* {}' -c /bin/true)
	echo "  bpftrace 'uprobe:libc:str*' -c /bin/true  ${tb} ms"
fi
nf=$(./rtrace -v -x 'libc:*' -e trace=none -o /dev/null -- /bin/true 2>&1 |
	sed -n 's/^rtrace: \([0-9]*\) functions to trace$/\1/p')
ta=$(for i in 1 2 3 4 5; do t ./rtrace -x 'libc:*' -e trace=none -o /dev/null -- /bin/true; done |
	sort -n | sed -n 3p)
echo "  rtrace -x 'libc:*' -- /bin/true    ${ta} ms (${nf} functions, median of 5)"

echo
echo "A real program: python3, a JSON round trip in a loop, with libc's mem*, str*, malloc, free"
PYN=${PYN:-20000}
PYW="import json, sys, time
d = {'a': [1, 2, 3], 'b': 'x' * 50, 'c': {'d': 1.5, 'e': None}}
n = int(sys.argv[1])
t = time.perf_counter()
for i in range(n):
    json.loads(json.dumps(d))
print('bench_work: %.1f ns/iter' % ((time.perf_counter() - t) * 1e9 / n), file=sys.stderr)"
printf '%s\n' "$PYW" > $TMP/w.py
PY="/usr/bin/python3 -S $TMP/w.py $PYN"
LIBC="-x libc:mem* -x libc:str* -x libc:malloc -x libc:free"
interleaved base "$PY" \
	py_rt "./rtrace $BUF $LIBC -e trace=none -o $TMP/py.txt -- $PY" \
	py_naive "env RTRACE_NAIVE_PROBES=1 ./rtrace $BUF $LIBC -e trace=none -o $TMP/pyn.txt -- $PY"
pyrow() {	# pyrow LABEL NS
	awk -v l="$1" -v ns="${2% lost}" -v b="${NS[base]}" 'BEGIN {
		printf "  %-46s %10.1f us/iter  %6.2fx untraced\n", l, ns / 1000, ns / b }'
}
pyrow "untraced" "${NS[base]}"
pyrow "rtrace (probes placed by decoding)" "${NS[py_rt]}"
pyrow "rtrace, probes on first bytes" "${NS[py_naive]}"
if command -v ltrace >/dev/null; then
	NS[py_lt]=$(RUNS=1 median_ns ltrace -e 'mem*+str*+malloc+free' -o $TMP/lt.txt /usr/bin/python3 -S $TMP/w.py $((PYN / 20)))
	pyrow "ltrace -e 'mem*+str*+malloc+free' (1 run, n/20)" "${NS[py_lt]}"
fi
if command -v bpftrace >/dev/null; then
	# Entry probes on the same functions, when bpftrace can put them there at all.
	out=$(timeout 300 bpftrace -q -e 'uprobe:libc:mem*,uprobe:libc:str*,uprobe:libc:malloc,uprobe:libc:free { @n = count(); }' \
		-c "/usr/bin/python3 -S $TMP/w.py $((PYN / 20))" 2>&1)
	ns=$(sed -n 's/.*bench_work: \([0-9.]*\) ns\/iter.*/\1/p' <<< "$out" | tail -1)
	if [ -n "$ns" ]; then
		pyrow "bpftrace uprobes, entries counted (1 run, n/20)" "$ns"
	else
		echo "  bpftrace uprobes on the same functions: no result ($(head -c 120 <<< "$out" | tr '\n' ' '))"
	fi
fi
