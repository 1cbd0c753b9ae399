#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# C++ names: shown demangled wherever a function is named (text, JSON, -c, report, exports,
# replay as live), and -x naming a C++ function by its symbol, its demangled name, or that
# name without its parameters.
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
is "$(links_left)" 0 "no link left behind"
done_testing
