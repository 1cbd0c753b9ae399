#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# -f follows forks and execs; without it children are not traced. Exit statuses.
source "$(dirname "$0")/lib.sh"

"$RTRACE" -f --json -x child_work -o "$SCRATCH/f.json" -- "$TARGETS/forker"
is "$?" 0 "forker exits 0 under -f"
parent=$(jsonq "$SCRATCH/f.json" "ev[0]['pid']")
is "$(jsonq "$SCRATCH/f.json" "len([e for e in ev if e['type']=='fork' and e['pid']==$parent])")" 2 "two fork records"
kids=$(jsonq "$SCRATCH/f.json" "sorted(e['child_pid'] for e in ev if e['type']=='fork')")
is "$(jsonq "$SCRATCH/f.json" "sorted(e['pid'] for e in ev if e['type']=='call')")" "$kids" \
   "child_work called once in each child"
is "$(jsonq "$SCRATCH/f.json" "[(e['ret']) for e in ev if e['type']=='return']")" "[0, 1]" "child_work returns 0 then 1"
is "$(jsonq "$SCRATCH/f.json" "[e['filename'] for e in ev if e['type']=='exec'][1:]")" "['/bin/true']" \
   "the second child's exec is seen"
is "$(jsonq "$SCRATCH/f.json" "[e.get('code') for e in ev if e['type']=='exit']")" "[10, 0, 0]" \
   "exit codes: child 10, /bin/true 0, parent 0"
is "$(jsonq "$SCRATCH/f.json" "any(e['type']=='syscall' and e['name']=='execve' and e['pid']!=$parent for e in ev)")" True \
   "the child's execve syscall is traced"

is "$(jsonq "$SCRATCH/f.json" "[e['followed'] for e in ev if e['type']=='fork']")" "[True, True]" \
   "fork records say the children are followed"

# No room for a child in the map of traced processes (one entry, the parent's):
# it goes untraced, and rtrace says so.
RTRACE_MAX_TGIDS=1 "$RTRACE" -f --json -x child_work -o "$SCRATCH/full.json" -- "$TARGETS/forker" \
	2> "$SCRATCH/full.err"
is "$?" 0 "tgid map full: forker exits 0"
is "$(cat "$SCRATCH/full.err")" "rtrace: 2 child processes could not be followed (tgid map full)" \
   "tgid map full: said once at exit"
is "$(jsonq "$SCRATCH/full.json" "[e['followed'] for e in ev if e['type']=='fork'], sum(e['type']=='call' for e in ev)")" \
   "([False, False], 0)" "tgid map full: JSON fork records say not followed, no child traced"
RTRACE_MAX_TGIDS=1 "$RTRACE" -f -e trace=exit_group -o "$SCRATCH/full.txt" -- "$TARGETS/forker" \
	2> /dev/null
is "$(sed -E 's/\[pid +/[pid /; s/[0-9]+/N/g' "$SCRATCH/full.txt")" \
   "$(printf '%s\n' '--- process N not followed (tgid map full) ---' \
	'--- process N not followed (tgid map full) ---' '[pid N] exit_group(N) = ?' \
	'[pid N] +++ exited with N +++')" "tgid map full: text says which child, where"

"$RTRACE" --json -x child_work -o "$SCRATCH/nf.json" -- "$TARGETS/forker"
is "$(jsonq "$SCRATCH/nf.json" "len({e['pid'] for e in ev}), sum(e['type']=='call' for e in ev)")" "(1, 0)" \
   "without -f only the parent is traced"
"$RTRACE" -f -e trace=exit_group,execve -o "$SCRATCH/f.txt" -- "$TARGETS/forker"
like "$(cat "$SCRATCH/f.txt")" '\[pid +[0-9]+\] \+\+\+ exited with 10 \+\+\+' "text: child exit with [pid N] prefix"

# Exit statuses as a shell reports them.
"$RTRACE" -e trace=none -- "$TARGETS/exiter" code 7 2>/dev/null
is "$?" 7 "exit code 7 passed through"
"$RTRACE" -e trace=none -- "$TARGETS/exiter" signal 9 2>/dev/null
is "$?" 137 "killed by SIGKILL: 128+9"
"$RTRACE" -e trace=none -- "$TARGETS/exiter" signal 15 2> "$SCRATCH/sig.txt"
is "$?" 143 "killed by SIGTERM: 128+15"
like "$(cat "$SCRATCH/sig.txt")" '\+\+\+ killed by SIGTERM \+\+\+' "text says killed by SIGTERM"
"$RTRACE" --json -e trace=none -o "$SCRATCH/x.json" -- "$TARGETS/exiter" signal 6
is "$(jsonq "$SCRATCH/x.json" "[(e.get('signal'), e.get('signo')) for e in ev if e['type']=='exit']")" "[('SIGABRT', 6)]" \
   "JSON exit record with signal"
# The program gets the signal dispositions it would have without rtrace
# (rtrace ignores SIGPIPE for itself).
direct=$(sh -c 'grep SigIgn /proc/$$/status')
traced=$("$RTRACE" -e trace=none -- sh -c 'grep SigIgn /proc/$$/status' 2>/dev/null)
is "$traced" "$direct" "ignored signals as without rtrace ($direct)"
# ... also when the caller ignores some (nohup, a background job).
direct=$(trap '' HUP INT; sh -c 'grep SigIgn /proc/$$/status')
traced=$(trap '' HUP INT; "$RTRACE" -e trace=none -- sh -c 'grep SigIgn /proc/$$/status' 2>/dev/null)
is "$traced" "$direct" "HUP and INT ignored by the caller stay ignored ($direct)"
is "$(links_left)" 0 "no BPF link left behind"
done_testing
