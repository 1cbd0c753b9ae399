#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# rtrace export: Chrome trace-event JSON (loads; a track per thread; every slice ends on its
# own track, nested or apart, never crossing; the calls and syscalls of the trace) and folded
# stacks (well formed; weights add up to the traced time, checked against the JSON replay).
source "$(dirname "$0")/lib.sh"

F=$SCRATCH/fib.rtrace
"$RTRACE" record -o "$F" -x fib -x main -- "$TARGETS/fib" 10 > /dev/null 2> "$SCRATCH/rec.err"
is "$?" 0 "record fib 10: exit 0"
"$RTRACE" replay --json "$F" > "$SCRATCH/fib.json"
# Slices nest when no record was lost (a lost exit would pair an enter with a later exit).
like "$("$RTRACE" info "$F" | grep '^lost')" '^lost +0$' "record fib 10: nothing lost"
"$RTRACE" export --format chrome "$F" > "$SCRATCH/fib.chrome"
is "$?" 0 "export chrome: exit 0"

# chromeq FILE EXPR: EXPR with ev = the trace events.
chromeq() {
	python3 - "$1" "$2" <<'PY'
import json, sys
ev = json.load(open(sys.argv[1]))['traceEvents']
print(eval(sys.argv[2]))
PY
}
is "$(chromeq "$SCRATCH/fib.chrome" "sum(e['ph'] == 'X' and e['name'] == 'fib' for e in ev)")" 177 \
   "chrome: fib's 177 calls as slices"
is "$(chromeq "$SCRATCH/fib.chrome" "sum(e['ph'] == 'X' and e['cat'] == 'syscall' for e in ev) == sum(1 for l in open('$SCRATCH/fib.json') if '\"dur_ns\"' in l and '\"syscall\"' in l)")" True \
   "chrome: every syscall that returned as a slice"
is "$(chromeq "$SCRATCH/fib.chrome" "[e['args']['name'] for e in ev if e['ph'] == 'M' and e['name'] == 'process_name']")" "['fib']" \
   "chrome: the process named from its exec"
is "$(chromeq "$SCRATCH/fib.chrome" "all(e['dur'] >= 0 for e in ev if e['ph'] == 'X')")" True "chrome: no negative duration"
is "$(chromeq "$SCRATCH/fib.chrome" "(lambda x, i: x['ts'] == 0 and x['ts'] < i['ts'] < x['ts'] + x['dur'])([e for e in ev if e['name'] == 'execve'][0], [e for e in ev if e['name'] == 'exec'][0])")" True \
   "chrome: time from the first record, the execve's start; the exec instant inside its slice"
# Slices on one track either nest or are apart: a viewer shows each under its caller.
nests="(lambda tracks: all(not (a[0] < b[0] < a[1] < b[1]) for t in tracks.values() for a in t for b in t))(__import__('functools').reduce(lambda d, e: d.setdefault((e['pid'], e['tid']), []).append((round(e['ts'] * 1000), round(e['ts'] * 1000) + round(e['dur'] * 1000))) or d, [e for e in ev if e['ph'] == 'X'], {}))"
is "$(chromeq "$SCRATCH/fib.chrome" "$nests")" True "chrome: slices nest on their track, never cross"
is "$(chromeq "$SCRATCH/fib.chrome" "round(max(e['dur'] for e in ev if e['ph'] == 'X' and e['name'] == 'main') * 1000)")" \
   "$(jsonq "$SCRATCH/fib.json" "[e['dur_ns'] for e in ev if e['type'] == 'return' and e['name'] == 'main'][0]")" \
   "chrome: main's slice lasts what the replay says, to the nanosecond"

"$RTRACE" record -o "$SCRATCH/thr.rtrace" -x work -- "$TARGETS/threads" > /dev/null 2>&1
like "$("$RTRACE" info "$SCRATCH/thr.rtrace" | grep '^lost')" '^lost +0$' "record threads: nothing lost"
"$RTRACE" export --format chrome "$SCRATCH/thr.rtrace" -o "$SCRATCH/thr.chrome"
is "$?" 0 "export chrome -o: exit 0"
is "$(chromeq "$SCRATCH/thr.chrome" "sum(e['ph'] == 'M' and e['name'] == 'thread_name' for e in ev)")" 5 \
   "chrome: a track for each of the 5 threads"
is "$(chromeq "$SCRATCH/thr.chrome" "sorted(__import__('collections').Counter(e['tid'] for e in ev if e['ph'] == 'X' and e['name'] == 'work').values())")" \
   "[25, 25, 25, 25]" "chrome: each worker's 25 calls on its own track"
is "$(chromeq "$SCRATCH/thr.chrome" "$nests")" True "chrome: threads' slices nest on their tracks"

# An attached process is named by its comm (a launched one by its exec).
"$TARGETS/multi" -w > /dev/null 2>&1 &
target=$!
wait_comm "$target" multi
"$RTRACE" record -v -o "$SCRATCH/att.rtrace" -p "$target" -x tick 2> "$SCRATCH/att.err" &
rt=$!
wait_ready "$SCRATCH/att.err"
sleep "$(awk "BEGIN { print 0.3 * $TIME_SCALE }")"
kill -INT "$rt"
wait "$rt"
kill "$target"
wait "$target" 2> /dev/null
"$RTRACE" export --format chrome "$SCRATCH/att.rtrace" -o "$SCRATCH/att.chrome"
is "$(chromeq "$SCRATCH/att.chrome" "[e['args']['name'] for e in ev if e['ph'] == 'M' and e['name'] == 'process_name']")" \
   "['multi']" "chrome: an attached process named by its comm"
is "$(chromeq "$SCRATCH/att.chrome" "sum(e['ph'] == 'X' and e['name'] == 'tick' for e in ev) > 0")" True \
   "chrome: the attached process's calls"

"$RTRACE" export --format folded "$F" > "$SCRATCH/fib.folded"
is "$?" 0 "export folded: exit 0"
is "$(grep -cvE '^[^ ]+ [0-9]+$' "$SCRATCH/fib.folded")" 0 "folded: every line 'frame;frame;... weight'"
is "$(awk '$1 ~ /^fib;main(;|$)/ { n += $2 } END { print n }' "$SCRATCH/fib.folded")" \
   "$(jsonq "$SCRATCH/fib.json" "[e['dur_ns'] for e in ev if e['type'] == 'return' and e['name'] == 'main'][0]")" \
   "folded: the weights under main add up to main's time"
is "$(grep -c '^fib;main;fib;fib;fib;fib;fib;fib;fib;fib;fib ' "$SCRATCH/fib.folded")" 1 \
   "folded: fib 10's deepest stack, nine fib frames under main"
like "$(grep '^fib;write_\[k\] ' "$SCRATCH/fib.folded")" '^fib;write_\[k\] [0-9]+$' \
     "folded: the write stdio flushes after main as a kernel leaf under the process"

# --format svg: svg.t
"$RTRACE" export "$F" 2> "$SCRATCH/nofmt.err"
is "$?:$(cat "$SCRATCH/nofmt.err")" "1:rtrace: export: which format? --format chrome, folded or svg" \
   "export without --format: said"
done_testing
