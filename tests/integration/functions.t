#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Function tracing: exact counts and nesting, syscalls inside calls, libraries,
# longjmp, threads, and no artefacts of the probes themselves.
source "$(dirname "$0")/lib.sh"

# fib(10) makes 2*fib(11)-1 = 177 calls, nested 10 deep.
"$RTRACE" --json -x fib -o "$SCRATCH/fib.json" -- "$TARGETS/fib" 10 > /dev/null
is "$?" 0 "fib exits 0"
is "$(jsonq "$SCRATCH/fib.json" "sum(e['type']=='call' for e in ev), sum(e['type']=='return' for e in ev)")" \
   "(177, 177)" "177 calls and 177 returns"
is "$(jsonq "$SCRATCH/fib.json" "max(e['depth'] for e in ev if e['type']=='call')")" 9 "max depth 9"
is "$(jsonq "$SCRATCH/fib.json" "[e['ret'] for e in ev if e['type']=='return' and e['depth']==0]")" "[55]" \
   "outermost fib returns 55"
is "$(jsonq "$SCRATCH/fib.json" "sorted(set(e['module'] for e in ev if e['type']=='call'))")" \
   "['$TARGETS/fib']" "module is the executable"
is "$(jsonq "$SCRATCH/fib.json" "all(e['dur_ns'] > 0 for e in ev if e['type']=='return')")" True \
   "every return has a duration"
# Depth is consistent: each return matches the innermost open call.
is "$(jsonq "$SCRATCH/fib.json" "(lambda st: [st.append(e['depth']) if e['type']=='call' else st.pop() == e['depth'] or 1/0 for e in ev if e['type'] in ('call','return')] and len(st))([])")" 0 \
   "calls and returns pair up by depth"

# The same without per-CPU batches: one ring buffer record per event.
RTRACE_NO_BATCHES=1 "$RTRACE" -v --json -x fib -o "$SCRATCH/fib1.json" -- "$TARGETS/fib" 10 \
	> /dev/null 2> "$SCRATCH/fib1.err"
like "$(cat "$SCRATCH/fib1.err")" "RTRACE_NO_BATCHES is set" "unbatched: -v says so"
is "$(jsonq "$SCRATCH/fib1.json" "[(e['type'], e.get('name'), e.get('depth'), e.get('ret')) for e in ev if e['type'] != 'syscall']")" \
   "$(jsonq "$SCRATCH/fib.json" "[(e['type'], e.get('name'), e.get('depth'), e.get('ret')) for e in ev if e['type'] != 'syscall']")" \
   "unbatched: the same calls, depths and values"

# Probes leave the syscalls as they were: no uretprobe artefacts.
"$RTRACE" --json -o "$SCRATCH/plain.json" -- "$TARGETS/fib" 10 > /dev/null
a=$(jsonq "$SCRATCH/plain.json" "[e['name'] for e in ev if e['type']=='syscall']")
b=$(jsonq "$SCRATCH/fib.json" "[e['name'] for e in ev if e['type']=='syscall']")
is "$b" "$a" "same syscalls with and without function probes"
is "$(jsonq "$SCRATCH/fib.json" "sum(e.get('name') in ('uretprobe','uprobe') or e.get('nr') in (335, 336) for e in ev)")" 0 \
   "no uretprobe/uprobe syscalls shown"

# Syscalls nest inside the calls that make them; a library function by short name.
"$RTRACE" --json -x read_config -x report -x 'libc:snprintf' -e trace=openat,read,write,close \
	-o "$SCRATCH/demo.json" -- "$TARGETS/demo" > /dev/null
seq=$(jsonq "$SCRATCH/demo.json" "' '.join(e['type'][0] + ':' + e['name'] for e in ev if e['type'] in ('call','return','syscall'))")
like "$seq" "c:read_config s:openat s:read s:close r:read_config c:read_config s:openat r:read_config c:report c:snprintf r:snprintf s:write r:report$" \
     "syscalls nest inside their calls, in order"
is "$(jsonq "$SCRATCH/demo.json" "[(e['ret'], e['depth']) for e in ev if e['type']=='return' and e['name']=='snprintf']")" "[(10, 1)]" \
   "libc:snprintf returns 10 at depth 1"
like "$(jsonq "$SCRATCH/demo.json" "[e['module'] for e in ev if e['type']=='call' and e['name']=='snprintf'][0]")" '/libc\.so\.6$' \
     "module of snprintf is libc.so.6"

# Text: nesting by indentation, leaf calls folded.
"$RTRACE" --args=none -x read_config -x report -x 'libc:snprintf' -e trace=write -o "$SCRATCH/demo.txt" -- "$TARGETS/demo" > /dev/null
like "$(cat "$SCRATCH/demo.txt")" $'report\\(\\) \\{\n  snprintf\\(\\) = 10 <[0-9.]+>\n  write\\(1, "result: 3\\\\n", 10\\) = 10\n\\} report = 10 <[0-9.]+>' \
     "text nesting and folding"

# longjmp out of outer/middle/inner: after() is back at depth 0.
"$RTRACE" --json -x outer -x middle -x inner -x after -x 'libc:*longjmp*' -e trace=none \
	-o "$SCRATCH/jmp.json" -- "$TARGETS/jumper"
is "$?" 0 "jumper survives return probes around longjmp"
is "$(jsonq "$SCRATCH/jmp.json" "[(e['name'], e['depth']) for e in ev if e['type']=='call' and e['name'] in ('outer','middle','inner','after')]")" \
   "[('outer', 0), ('middle', 1), ('inner', 2), ('after', 0)]" "after() is at depth 0 after the longjmp"
is "$(jsonq "$SCRATCH/jmp.json" "sorted(e['name'] for e in ev if e['type']=='return' and e.get('unwound'))")" \
   "['inner', 'middle', 'outer']" "the skipped frames are closed as unwound"

# A call landing where a traced frame began: inside it when that frame is
# live (middle ends in `jmp leaf`), a fresh frame when longjmp left it (bail).
"$RTRACE" --json -x outer -x middle -x leaf -x bail -e trace=none \
	-o "$SCRATCH/tail.json" -- "$TARGETS/tailcall"
is "$?" 0 "tailcall target exits 0"
is "$(jsonq "$SCRATCH/tail.json" "' '.join('%s:%s@%s' % (e['type'][0], e['name'], e['depth']) for e in ev if e['type'] in ('call', 'return') and e['name'] != 'bail')")" \
   "$(printf 'c:outer@0 c:middle@1 c:leaf@2 r:leaf@2 r:middle@1 r:outer@0 %.0s' 1 2 | sed 's/ $//')" \
   "a tail-called function nests in the caller that jumped to it"
is "$(jsonq "$SCRATCH/tail.json" "[(e['type'][0], e['depth'], e.get('unwound', False)) for e in ev if e.get('name') == 'bail']")" \
   "[('c', 0, False), ('r', 0, True), ('c', 0, False), ('r', 0, True), ('c', 0, False), ('r', 0, True), ('c', 0, False), ('r', 0, False)]" \
   "a call at the sp of a frame left by longjmp starts at the same depth"
is "$(jsonq "$SCRATCH/tail.json" "[e['ret'] for e in ev if e['type']=='return' and e['name'] in ('leaf', 'middle', 'outer')]")" \
   "[1, 1, 2, 3, 3, 4]" "chained returns carry each function's value"

# The launched child runs rtrace's own libc until its execve: none of it shows.
"$RTRACE" --json -x 'libc:execv*' -x 'libc:read' -o "$SCRATCH/preexec.json" -- /bin/true
is "$(jsonq "$SCRATCH/preexec.json" "[e['name'] for e in ev if e['type'] in ('call', 'return')]")" "[]" \
   "no call of rtrace's child before its exec"
is "$(jsonq "$SCRATCH/preexec.json" "[e['name'] for e in ev if e['type'] == 'syscall'][0]")" "execve" \
   "the trace starts at the execve"

# Threads: 4 threads x 25 calls, each with its getppid inside.
"$RTRACE" --json -x work -e trace=getppid -o "$SCRATCH/thr.json" -- "$TARGETS/threads"
is "$(jsonq "$SCRATCH/thr.json" "sorted(__import__('collections').Counter(e['tid'] for e in ev if e['type']=='call').values())")" \
   "[25, 25, 25, 25]" "25 calls on each of 4 threads"
is "$(jsonq "$SCRATCH/thr.json" "len({e['tid'] for e in ev if e['type']=='call'} - {e['pid'] for e in ev})")" 4 \
   "calls come from the 4 worker threads"
is "$(jsonq "$SCRATCH/thr.json" "(lambda d: all(d.setdefault(e['tid'], []).append(e['type']) or True for e in ev if e['type'] in ('call','syscall','return')) and all(v == ['call','syscall','return']*25 for v in d.values()))({})")" True \
   "per thread: call, getppid, return, 25 times"
# Batches from both CPUs merge into one time order (syscall records are written
# when the call completes, stamped with its end).
is "$(jsonq "$SCRATCH/thr.json" "(lambda t: all(a <= b for a, b in zip(t, t[1:])) and len(t))([e['ts_ns'] for e in ev])")" 302 \
   "calls, syscalls and returns of all threads in one time order"
# Every syscall, the main thread blocked in pthread_join's futex meanwhile: still in order.
"$RTRACE" --json -x work -o "$SCRATCH/thrall.json" -- "$TARGETS/threads"
is "$(jsonq "$SCRATCH/thrall.json" "all(a['ts_ns'] <= b['ts_ns'] for a, b in zip(ev, ev[1:]))")" True \
   "every record of a multi-threaded program with blocking calls: ts_ns never decreases"
is "$(jsonq "$SCRATCH/thrall.json" "any(e['type'] == 'syscall' and e['name'] == 'futex' and e['tid'] == e['pid'] and 'start_ns' in e and any(o['tid'] != e['tid'] and e['start_ns'] < o['ts_ns'] < e['ts_ns'] for o in ev) for e in ev)")" True \
   "a futex the main thread blocked in spans the workers' records"
# A signal handler's calls nest inside the call it interrupted; rt_sigreturn
# (whose exit looks like the uretprobe syscall's) is still shown, with its result.
"$RTRACE" --json -x busy -x handler_work -x after -e trace=tgkill,rt_sigreturn \
	-o "$SCRATCH/sig.json" -- "$TARGETS/signals"
is "$?" 0 "signals target exits 0"
is "$(jsonq "$SCRATCH/sig.json" "' '.join('%s:%s@%s' % (e['type'][0], e['name'], e.get('depth', '')) for e in ev if e['type'] in ('call','return','syscall'))")" \
   "c:busy@0 s:tgkill@ c:handler_work@1 r:handler_work@1 s:rt_sigreturn@ r:busy@0 c:after@0 r:after@0" \
   "handler nests inside busy; after() back at depth 0"
is "$(jsonq "$SCRATCH/sig.json" "[e['ret'] is not None for e in ev if e.get('name')=='rt_sigreturn']")" "[True]" \
   "rt_sigreturn has its exit"

# C++ exceptions: tests/integration/exceptions.t.

# Go binaries: entry probes only (a Go-marked copy of fib stands in for Go).
objcopy --add-section .go.buildinfo=/dev/null "$TARGETS/fib" "$SCRATCH/gofib"
"$RTRACE" --json -x fib -e trace=none -o "$SCRATCH/go.json" -- "$SCRATCH/gofib" 5 > /dev/null 2> "$SCRATCH/go.err"
is "$?" 0 "Go-marked binary runs"
like "$(cat "$SCRATCH/go.err")" "is a Go binary: tracing function entries only" "says Go returns are off"
is "$(jsonq "$SCRATCH/go.json" "sum(e['type']=='call' and e['returns'] is False for e in ev), sum(e['type']=='return' for e in ev)")" \
   "(15, 0)" "fib(5): 15 entries, no returns"

# An IFUNC symbol is refused with a hint; its implementations work.
"$RTRACE" -x 'libc:strlen' -- /bin/true 2> "$SCRATCH/ifunc.err"
is "$?" 1 "an IFUNC-only spec is an error"
like "$(cat "$SCRATCH/ifunc.err")" "^rtrace: 'strlen' in .*libc\.so\.6 is an IFUNC" "and says so"
is "$(links_left)" 0 "no BPF link left behind"
done_testing
