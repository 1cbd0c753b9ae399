#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Go: entries after the stack check, returns by RET-site uprobes, frames paired per goroutine
# across stack growth, panics and Goexit, values by Go's register ABI; the program runs as
# it does untraced.
source "$(dirname "$0")/lib.sh"

GOT="$TARGETS/gotarget"
if [ ! -x "$GOT" ]; then
	echo "1..0 # SKIP $GOT not built (golang-go missing)"
	exit 0
fi
FUNCS=(-x 'main.[a-z]*')
NAMES="add fib grow greet stats divmod scale mean thrower catcher worker quitter many mix"

# The program's own count of each function's calls: "calls add=1 fib=8357 ...".
own_counts() {
	grep '^calls ' "$1" | tr ' ' '\n' | grep = | sort | tr '\n' ' ' | sed 's/ $//'
}
# rtrace's: calls per main.NAME, from JSON.
traced_counts() {
	jsonq "$1" "' '.join(sorted('%s=%d' % (n, sum(e['type'] == 'call' and e['name'] == 'main.' + n for e in ev)) for n in '$NAMES'.split()))"
}

"$GOT" > "$SCRATCH/plain.out"
plain_status=$?
is "$plain_status" 3 "untraced: exits 3"

"$RTRACE" --json -e trace=none "${FUNCS[@]}" -o "$SCRATCH/go.json" -- "$GOT" \
	> "$SCRATCH/go.out" 2> "$SCRATCH/go.err"
is "$?" "$plain_status" "traced: the same exit status"
is "$(cat "$SCRATCH/go.out")" "$(cat "$SCRATCH/plain.out")" "traced: the same output"
# (Before kernel 6.6, the warning that perf-event links are slow to detach.)
is "$(grep -v 'has no uprobe_multi' "$SCRATCH/go.err")" "" "nothing said: Go code gets returns"
own=$(own_counts "$SCRATCH/go.out")
is "$(traced_counts "$SCRATCH/go.json")" "$own" "calls counted as the program counts them ($own)"
# Returns: every call that returns, returns once; thrower's 4 frames and quitter's are unwound.
is "$(jsonq "$SCRATCH/go.json" "' '.join(sorted('%s=%d' % (n, sum(e['type'] == 'return' and e['name'] == 'main.' + n and not e.get('unwound') for e in ev)) for n in '$NAMES'.split()))")" \
   "$(echo "$own" | sed 's/thrower=[0-9]*/thrower=0/; s/quitter=[0-9]*/quitter=0/')" \
   "returns: one per call that returned"
is "$(jsonq "$SCRATCH/go.json" "sorted((e['name'], e['depth']) for e in ev if e['type'] == 'return' and e.get('unwound') and e['name'].count('.') == 1)")" \
   "[('main.quitter', 1), ('main.thrower', 2), ('main.thrower', 3), ('main.thrower', 4), ('main.thrower', 5)]" \
   "frames a panic or Goexit skipped are closed as unwound"
# Stack growth: grow(2000) moved its goroutine's stack; its 2,001 calls still nest.
like "$(cat "$SCRATCH/go.out")" "grow [0-9]+ moved true" "grow's stack moved (copystack)"
is "$(jsonq "$SCRATCH/go.json" "(max(e['depth'] for e in ev if e.get('name') == 'main.grow'), [e['ret'] for e in ev if e['type'] == 'return' and e['name'] == 'main.grow'][-1])")" \
   "(2001, {'sum': 250216, 'moved': True})" "grow: 2,001 levels deep, its results at the outermost return"
# Per goroutine, every return closes the innermost open call of that goroutine. Left open at
# the exit: main.main (os.Exit), and on a slow machine the wrappers of the worker whose
# wg.Done() let main finish before that goroutine got to return.
is "$(jsonq "$SCRATCH/go.json" "(lambda st: all((st.setdefault(e['g'], []).append((e['name'], e['depth'])) or True) if e['type'] == 'call' else st[e['g']].pop() == (e['name'], e['depth']) for e in ev if e['type'] in ('call', 'return')) and sorted({n for s in st.values() for n, d in s} - {'main.main.func1', 'main.main.func1.1', 'main.main.func2'}))({})")" \
   "['main.main']" "calls and returns pair per goroutine (main.main stays open: os.Exit)"
is "$(jsonq "$SCRATCH/go.json" "len({e['g'] for e in ev if e.get('name') == 'main.worker'})")" 4 \
   "4 workers on 4 goroutines"
is "$(jsonq "$SCRATCH/go.json" "sorted(e['ret'] for e in ev if e['type'] == 'return' and e['name'] == 'main.worker')")" \
   "[610, 611, 612, 613]" "workers' results"

# Values: arguments by Go's register ABI, results at the RET, strings and slices as Go's.
"$RTRACE" -e trace=none "${FUNCS[@]}" -o "$SCRATCH/go.txt" -- "$GOT" > /dev/null 2>&1
txt=$(sed 's/ <[0-9.]*>$//; s/^\[pid *[0-9]*\] //' "$SCRATCH/go.txt")
for want in 'main.add(a=3, b=4) = 7' \
	    'main.greet(s="hello") = "HELLO!"' \
	    'main.stats(xs=[]int{1, 2, 3}) = (sum=6, count=3)' \
	    'main.divmod(a=17, b=5) = (3, 2, nil)' \
	    'main.scale(xs=[]int{1, 2, 3}, k=10) = []int{10, 20, 30}' \
	    'main.mean(xs=[]float64{1.5, 2.5}) = <float64: n/a>' \
	    'main.many(a=1, b=2, c=3, d=4, e=5, f=6, g=7, h=8, i=9, j=10) = 55' \
	    'main.mix(tag=7, p={x=2, y=3}, w=<float64: n/a>, name="pt", ok=true, e=nil) = ("pt:7", 6)' \
	    'main.worker(id=2, n=15) {' \
	    '} main.worker = 612'; do
	grep -qxF -- "  $want" <<< "$txt" || grep -qxF -- "    $want" <<< "$txt"
	ok $? "shows: $want"
done
like "$(grep -F 'main.divmod(a=1, b=0)' <<< "$txt")" '= \(0, 0, error\(0x[0-9a-f]+\)\)$' \
     "a non-nil error result shows as error(0x...)"
like "$txt" $'  main.fib\\(n=12\\) \\{\n    main.fib\\(n=11\\) \\{' "fib nests"
like "$txt" $'\n  \\} main.fib = 144\n' "} main.fib = 144"
like "$txt" $'          main.thrower\\(n=0\\) \\{\n            main.catcher.func1\\(\\)[^\n]*\n          \\} main.thrower = \\? <unwound>' \
     "the deferred recover runs inside the panicking frame, which then shows unwound"
like "$txt" $'\n  \\} main.catcher = -1\n' "catcher returns -1 at its own depth"

# --list: where the probes go and why.
"$RTRACE" --list -x main.fib -x main.add -x main.grow -- "$GOT" > "$SCRATCH/list.txt" 2>&1
fib_line=$(grep ' main.fib ' "$SCRATCH/list.txt")
like "$fib_line" ' RET-sites .* jbe 0x[0-9a-f]+  emulated \(jcc\), after the stack check `cmp 0x10\(%r14\), %rsp`' \
     "--list: fib's entry is after the stack check, on its jbe"
like "$fib_line" '; 2 RET sites \(single-stepped\): 0x[0-9a-f]+ 0x[0-9a-f]+$' "--list: fib's 2 RET sites"
like "$(grep ' main.grow ' "$SCRATCH/list.txt")" 'after the stack check `cmp 0x10\(%r14\), %r12`' \
     "--list: grow's big frame checks sp - N in r12"
like "$(grep ' main.add ' "$SCRATCH/list.txt")" ' RET-sites .*, no stack check; 1 RET site ' \
     "--list: add, a leaf, has no stack check"

# No harm: the program behaves the same in every traced run.
bad=0
for i in 1 2 3 4 5; do
	"$RTRACE" -e trace=none "${FUNCS[@]}" -o /dev/null -- "$GOT" > "$SCRATCH/run.out" \
		2> "$SCRATCH/run.err"
	st=$?
	if [ "$st" != "$plain_status" ] || ! cmp -s "$SCRATCH/run.out" "$SCRATCH/plain.out"; then
		echo "# run $i: status $st"
		bad=$((bad + 1))
	fi
done
is "$bad" 0 "5 traced runs: same output and status each time"

# One perf-event link per site (kernels before 6.6): the same counts.
RTRACE_NO_UPROBE_MULTI=1 "$RTRACE" --json -e trace=none -x main.grow -x main.thrower -x main.catcher \
	-o "$SCRATCH/perf.json" -- "$GOT" > "$SCRATCH/perf.out" 2> "$SCRATCH/perf.err"
is "$?" "$plain_status" "perf-event links: same exit status"
is "$(jsonq "$SCRATCH/perf.json" "[sum(e['type'] == t and e['name'] == 'main.grow' and not e.get('unwound') for e in ev) for t in ('call', 'return')] + [sum(e.get('unwound', False) for e in ev)]")" \
   "[2001, 2001, 4]" "perf-event links: grow 2001 calls and returns, 4 thrower frames unwound"
is "$(links_left)" 0 "no BPF link left behind"
done_testing
