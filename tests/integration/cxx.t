#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# C++ names: shown demangled wherever a function is named (text, JSON, -c, report, exports,
# replay as live), and -x naming a C++ function by its symbol, its demangled name, or that
# name without its parameters. And MODULE globs (-x 'libc*:getppid').
source "$(dirname "$0")/lib.sh"

T="$TARGETS/cxxnames"

# Text: names as c++filt prints them, a C function's as it is (this= is a stack address).
"$RTRACE" -e trace=getppid -x 'ns::*' -x may_throw -x 'sq<*>' -x plain_c -o "$SCRATCH/text" \
	-- "$T" > "$SCRATCH/out"
is "$?" 0 "text: exits 0"
is "$(cat "$SCRATCH/out")" "sum 49" "text: the program's own output"
is "$(sed -E 's/ <[0-9.]+>$//; s/this=0x[0-9a-f]+/this=ADDR/; s/^(  getppid\(\)) = [0-9]+$/\1 = PPID/' \
	"$SCRATCH/text")" "ns::twice(int)(x=1) = 2
ns::twice(long)(x=2) = 4
int sq<int>(int)(x=3) = 9
long sq<long>(long)(x=4) = 16
may_throw(int)(x=5) = 6
plain_c(x=6) = 5
ns::Counter::bump(int)(this=ADDR, by=1) = 1
ns::Counter::bump(int)(this=ADDR, by=2) = 3
ns::ask_parent(int)(times=3) {
  getppid() = PPID
  getppid() = PPID
  getppid() = PPID
} ns::ask_parent(int) = 3
+++ exited with 0 +++" "text: demangled names, entries and returns"

# JSON: "name" as text shows it; calls add the mangled "symbol", a C function has none.
"$RTRACE" --json -e trace=none -x may_throw -x plain_c -o "$SCRATCH/j.json" -- "$T" > /dev/null
is "$(jsonq "$SCRATCH/j.json" "[(e['type'], e['name'], e.get('symbol'), e['module'] == '$T' if e['type'] == 'call' else None) for e in ev if e['type'] in ('call', 'return')]")" \
   "[('call', 'may_throw(int)', '_Z9may_throwi', True), ('return', 'may_throw(int)', None, None), ('call', 'plain_c', None, True), ('return', 'plain_c', None, None)]" \
   "JSON: demangled name, mangled symbol on calls, none for C"

# called SPEC...: the names of the functions called under -x SPEC..., each once, sorted.
called() {
	local args=() s
	for s in "$@"; do args+=(-x "$s"); done
	"$RTRACE" --json -e trace=none "${args[@]}" -o "$SCRATCH/c.json" -- "$T" > /dev/null
	jsonq "$SCRATCH/c.json" "'|'.join(sorted({e['name'] for e in ev if e['type'] == 'call'}))"
}
is "$(called may_throw)" "may_throw(int)" "-x may_throw: the name alone"
is "$(called 'may_throw(int)')" "may_throw(int)" "-x 'may_throw(int)': with its parameters"
is "$(called _Z9may_throwi)" "may_throw(int)" "-x _Z9may_throwi: the symbol"
is "$(called 'ns::*')" "ns::Counter::bump(int)|ns::ask_parent(int)|ns::twice(int)|ns::twice(long)" \
   "-x 'ns::*': the namespace, methods too"
is "$(called ns::twice)" "ns::twice(int)|ns::twice(long)" "-x ns::twice: both overloads"
is "$(called 'ns::twice(long)')" "ns::twice(long)" "-x 'ns::twice(long)': one overload"
is "$(called 'sq<int>')" "int sq<int>(int)" "-x 'sq<int>': a template instance, no return type"
is "$(called 'sq<*>')" "int sq<int>(int)|long sq<long>(long)" "-x 'sq<*>': every instance"
is "$(called '_Z*')" "int sq<int>(int)|long sq<long>(long)|may_throw(int)|ns::Counter::bump(int)|ns::ask_parent(int)|ns::twice(int)|ns::twice(long)" \
   "-x '_Z*': mangled globs as before"
is "$(called plain_c 'cxxnames:ns::twice(int)')" "ns::twice(int)|plain_c" \
   "a C name as it is; MODULE:ns::NAME splits at the module's colon"
"$RTRACE" -e trace=none -x 'may_throw(long)' -- "$T" > /dev/null 2> "$SCRATCH/none.err"
is "$?:$(cat "$SCRATCH/none.err")" "1:rtrace: no function matches 'may_throw(long)' in $T" \
   "an overload that is not there: said, exit 1"

# -c, report, exports: the same names.
"$RTRACE" -c -e trace=none -x 'ns::twice' -o "$SCRATCH/c.txt" -- "$T" > /dev/null
is "$(awk '$NF ~ /^ns::/ { print $(NF-1), $NF }' "$SCRATCH/c.txt" | sort)" "1 ns::twice(int)
1 ns::twice(long)" "-c: a row per overload, demangled"
"$RTRACE" record -o "$SCRATCH/t.rtrace" --show="$SCRATCH/live" -e trace=getppid -x 'ns::*' \
	-x may_throw -- "$T" > /dev/null 2>&1 < /dev/null
is "$?" 0 "record: exits 0"
"$RTRACE" replay "$SCRATCH/t.rtrace" -o "$SCRATCH/replay"
is "$(cmp "$SCRATCH/live" "$SCRATCH/replay" && echo same)" same "replay prints what live output did"
"$RTRACE" replay -e trace=none -x 'ns::twice' -x _Z9may_throwi "$SCRATCH/t.rtrace" -o "$SCRATCH/replay-x"
is "$(sed -E 's/ <[0-9.]+>$//' "$SCRATCH/replay-x")" "ns::twice(int)(x=1) = 2
ns::twice(long)(x=2) = 4
may_throw(int)(x=5) = 6
+++ exited with 0 +++" "replay -x: C++ names in either form"
"$RTRACE" report "$SCRATCH/t.rtrace" > "$SCRATCH/report"
is "$(awk '$NF ~ /^(ns::|may_)/ { print $5, $NF }' "$SCRATCH/report" | sort)" "1 may_throw(int)
1 ns::ask_parent(int)
1 ns::twice(int)
1 ns::twice(long)
2 ns::Counter::bump(int)" "report: rows by demangled name"
"$RTRACE" export --format folded "$SCRATCH/t.rtrace" > "$SCRATCH/folded"
is "$(sed -E 's/ [0-9]+$//; s/^[^;]*;//' "$SCRATCH/folded" | sort -u)" "may_throw(int)
ns::Counter::bump(int)
ns::ask_parent(int)
ns::ask_parent(int);getppid_[k]
ns::twice(int)
ns::twice(long)" "export: stacks of demangled names"

# MODULE globs: every module the glob names, by path, file name, soname or short name.
calls() { jsonq "$SCRATCH/g.json" "sum(e['type'] == 'call' and e['name'] == '$1' for e in ev)"; }
for spec in 'libc*:getppid' 'libc.so.[0-9]:getppid' 'lib?:getppid' '*:getppid' '/*/libc.so*:getppid'; do
	"$RTRACE" --json -e trace=none -x "$spec" -o "$SCRATCH/g.json" -- "$T" > /dev/null 2> "$SCRATCH/g.err"
	is "$?:$(calls getppid):$(cat "$SCRATCH/g.err")" "0:3:" "-x '$spec': getppid's 3 calls"
done
"$RTRACE" --json -e trace=none -x 'libstd*:std::terminate' -x 'libc*:getppid' -x 'ns::ask_parent' \
	-o "$SCRATCH/g.json" -- "$T" > /dev/null 2>&1
is "$(jsonq "$SCRATCH/g.json" "[e['name'] for e in ev if e['type'] == 'call']")" \
   "['ns::ask_parent(int)', 'getppid', 'getppid', 'getppid']" \
   "a glob module with a C++ name; a module with no getppid among the glob's is no error"
"$RTRACE" --list -x 'libnope*:getppid' -- "$T" > /dev/null 2> "$SCRATCH/nomod.err"
is "$?:$(cat "$SCRATCH/nomod.err")" "1:rtrace: no module matches 'libnope*' for $T (spec 'libnope*:getppid')" \
   "--list: a glob that names no module: said, exit 1"
"$RTRACE" -e trace=none -x 'libc*:nosuch' -- "$T" > /dev/null 2> "$SCRATCH/nofn.err"
is "$?:$(cat "$SCRATCH/nofn.err")" "1:rtrace: no function matches 'nosuch' in $(realpath /lib/x86_64-linux-gnu/libc.so.6)" \
   "a glob's module without the function: said, exit 1"
"$RTRACE" -e trace=none -x 'libnope*:getppid' -o "$SCRATCH/wait" -- "$T" > /dev/null 2> "$SCRATCH/wait.err"
is "$?:$(cat "$SCRATCH/wait.err")" "0:rtrace: 'libnope*:getppid': its library is not loaded in $T: traced once it is" \
   "traced, a glob that names no module waits for a library, as a name does"
"$TARGETS/loop" > /dev/null &
pid=$!
wait_comm "$pid" loop
"$RTRACE" --list -p "$pid" -x 'libc*:getppid' -x 'libnope*:x' > "$SCRATCH/plist" 2> "$SCRATCH/plist.err"
is "$?:$(cat "$SCRATCH/plist.err")" "1:rtrace: no module matches 'libnope*' in process $pid (spec 'libnope*:x')" \
   "-p: a glob that names no module: said, exit 1"
"$RTRACE" --list -p "$pid" -x 'libc*:getppid' > "$SCRATCH/plist"
is "$(awk 'NR > 1 { print $1, $2 }' "$SCRATCH/plist")" "libc.so.6 getppid" "-p: libc* names libc.so.6"
kill "$pid"
wait "$pid" 2> /dev/null
"$RTRACE" record -o "$SCRATCH/g2.rtrace" -e trace=none -x 'libc:*ppid' -x 'ns::*' -- "$T" \
	> /dev/null 2>&1 < /dev/null
"$RTRACE" replay --json -x 'libc*:getppid' "$SCRATCH/g2.rtrace" -o "$SCRATCH/g.json"
is "$(jsonq "$SCRATCH/g.json" "[e['name'] for e in ev if e['type'] == 'call']")" \
   "['getppid', 'getppid', 'getppid']" "replay -x 'libc*:getppid': the glob on a trace file"
"$RTRACE" replay --json -x 'libc:*' "$SCRATCH/g2.rtrace" -o "$SCRATCH/g.json"
is "$(jsonq "$SCRATCH/g.json" "sorted({e['name'] for e in ev if e['type'] == 'call'})")" \
   "['getppid']" "replay -x 'libc:*': libc as live names it"
is "$(links_left)" 0 "no link left behind"
done_testing
