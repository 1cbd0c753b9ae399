#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Every libc function traced, in a shell and, under -f, in every process of the machine (the
# probes of -f are not limited to one process): the traced program and the programs it does
# not trace compute what they compute untraced. Functions that read their own return address
# (setjmp, getcontext, vfork, dlopen...) under whatever name glibc gives them never get a
# uretprobe: setjmp would save the trampoline as the place to return to.
source "$(dirname "$0")/lib.sh"

# --list: all the names at those addresses, and what the code shows.
"$RTRACE" --list -x 'libc:*' -- /bin/true > "$SCRATCH/list"
is "$?" 0 "--list libc:* exits 0"
returns() { awk -v f="$1" '$2 == f { print $6 }' "$SCRATCH/list"; }
for f in __sigsetjmp _setjmp setjmp getcontext swapcontext __vfork dlopen dlsym _mcount; do
	is "$(returns "$f")" none "$f: entry probe only"
done
is "$(grep -c '__GI___sigsetjmp' "$SCRATCH/list")" 0 "an alias shows by its public name"
is "$(awk '$2 ~ /^(__GI___)?__nptl_free_tcb$/ { print $2 }' "$SCRATCH/list")" __nptl_free_tcb \
   "a local one by its name without glibc's __GI_ prefix"

# A shell script, traced whole: the same output and status, also under -f.
cat > "$SCRATCH/sh.sh" <<'SH'
f() { local x=$1; echo "f $x"; return 3; }
for i in 1 2 3; do out=$(f $i || echo "rc=$?"); echo "$out"; done
trap 'echo trapped' USR1; kill -USR1 $$
( exit 7 ) || echo "subshell $?"
echo $(( 6 * 7 )) | cat
read -r a b <<< "x y"; echo "$b$a"
sh -c 'exit 4'; echo "sh $?"
exit 5
SH
bash "$SCRATCH/sh.sh" > "$SCRATCH/sh.plain" 2>&1
plain=$?
for mode in "" -f; do
	"$RTRACE" $mode -e trace=none -x "$LIBC_ALL" -o "$SCRATCH/sh.trace" -- bash "$SCRATCH/sh.sh" \
		> "$SCRATCH/sh.out" 2> "$SCRATCH/sh.err"
	is "$?" "$plain" "bash under -x '$LIBC_ALL' $mode: the same status ($plain)"
	is "$(cat "$SCRATCH/sh.out")" "$(cat "$SCRATCH/sh.plain")" "bash under -x '$LIBC_ALL' $mode: the same output"
done

# -f puts its probes in every process: programs rtrace does not trace run on meanwhile.
cat > "$SCRATCH/work.sh" <<'SH'
sum=0
for i in $(seq 1 15); do
	sum=$((sum + $(perl -e 'my $s = 0; $s += length(sprintf("%d", $_)) for 1..500; print $s')))
	bash -c 'for j in 1 2 3; do x=$(echo $j); done; exit 0' || exit 1
	sum=$((sum + $(/usr/bin/python3 -S -c 'import subprocess; print(len(subprocess.run(["echo", "ab"], capture_output=True).stdout))')))
done
echo "$sum"
SH
expected=$(bash "$SCRATCH/work.sh")
bash "$SCRATCH/work.sh" > "$SCRATCH/work.out" 2>&1 &
w=$!
# traced meanwhile, as long as the workload runs: shells and python
"$RTRACE" -f -e trace=none -x "$LIBC_ALL" -o /dev/null -- bash -c \
	"while kill -0 $w 2> /dev/null; do bash '$SCRATCH/sh.sh'; /usr/bin/python3 -S -c 'import os; os.system(\"true\")'; done" \
	> /dev/null 2>&1
wait "$w"
is "$?" 0 "an untraced workload beside -f -x '$LIBC_ALL': exits 0"
is "$(cat "$SCRATCH/work.out")" "$expected" "an untraced workload beside -f -x '$LIBC_ALL': the same result"
is "$(links_left)" 0 "no link left behind"
done_testing
