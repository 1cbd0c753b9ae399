#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Function arguments and returns decoded from DWARF, exact text and JSON;
# a stripped copy with a separate debug file; a binary without DWARF.
source "$(dirname "$0")/lib.sh"
T=$TARGETS/types
FUNCS=(-x ints -x wide -x enums -x strings -x byvalue -x floats -x stacked -x bigval -x deref
       -x pick -x is_even -x nothing -x greeting -x fill -x callback -x twice -x peek)

"$RTRACE" "${FUNCS[@]}" --deref -e trace=none -o "$SCRATCH/t.txt" -- "$T"
is "$?" 0 "types target exits 0"
strip_dur() { sed -E 's/ <[0-9.]+>$//; s/0x[0-9a-f]+/ADDR/g' "$1"; }
strip_dur "$SCRATCH/t.txt" > "$SCRATCH/t.norm"
expect() { grep -qxF -- "$1" "$SCRATCH/t.norm"; ok $? "$2: $1"; }
expect 'ints(a=-1, b=200, c=-300, d=60000, e=-70000, f=4000000000) = -294977397' "integer widths, signed and unsigned"
expect "wide(a=-5000000000, b=18000000000000000000, t=true, ch='A') = -4999999933" "64-bit, bool, char"
expect 'enums(c=BLUE, p=P_READ|P_EXEC) = 7' "enum by name, flag enum as A|B"
expect 'strings(s="literal", t="mutable", null=NULL) = 14' "strings and NULL"
expect 'byvalue(p={x=3, y=-4}, q={a=5, b=6}) = 10' "small structs by value in registers"
expect 'floats(a=1, b=<double: n/a>, c=3) = 6' "a double is n/a, and the int after it comes from the right register"
expect 'stacked(a=1, b=2, c=3, d=4, e=5, f=6, g=7, h=8) = 36' "7th and 8th arguments from the stack"
expect 'bigval(b={v=[10, 20, 30, 40]}) = 50' "a MEMORY-class struct by value from the stack"
expect 'deref(n=&{id=1, name=ADDR, next=ADDR}) = 3' "--deref shows the struct behind a pointer"
expect 'pick(i=7) = BLUE' "enum return by name"
expect 'is_even(i=4) = true' "bool return"
expect 'nothing()' "void function: no return value"
expect 'greeting() = "hello"' "a char * result, read at the return"
expect 'fill(dst="empty") = "filled"' "... as it was at the return, not as the caller changed it after"
expect 'callback(fn=twice, x=21) {' "a function pointer by its symbol"
expect '  twice(x=21) = 42' "nested call with arguments"
expect 'peek(p=ADDR <unreadable>) = 1' "an unreadable string pointer says so"
# A constant string in a page the program has not touched yet: BPF cannot read
# it at the call, the file it is mapped from still has it.
"$RTRACE" -x far_str -e trace=none -o "$SCRATCH/far.txt" -- "$T" far > "$SCRATCH/far.out"
is "$(cat "$SCRATCH/far.out")" "far page present: 0" "the string's page was not mapped at the call"
like "$(cat "$SCRATCH/far.txt")" '^far_str\(s="far"\) = 1 <' "a constant string BPF could not read is still shown"
"$RTRACE" --json -x fill -x greeting -e trace=none -o "$SCRATCH/ret.json" -- "$T"
is "$(jsonq "$SCRATCH/ret.json" "[(e['name'], e['ret']) for e in ev if e['type']=='return']")" \
   "[('greeting', 'hello'), ('fill', 'filled')]" "--json: char * results as strings"
"$RTRACE" -x deref -e trace=none -o "$SCRATCH/nd.txt" -- "$T"
like "$(cat "$SCRATCH/nd.txt")" '^deref\(n=0x[0-9a-f]+\) = 3 <' "without --deref, a struct pointer is an address"

"$RTRACE" --json -x enums -x strings -x floats -x pick -x nothing -e trace=none -o "$SCRATCH/t.json" -- "$T"
is "$(jsonq "$SCRATCH/t.json" "[e['args'] for e in ev if e['type']=='call']")" \
   "[{'c': 'BLUE', 'p': 'P_READ|P_EXEC'}, {'s': 'literal', 't': 'mutable', 'null': None}, {'a': 1, 'b': None, 'c': 3}, {'i': 7}, {}]" \
   "JSON args: typed values, enums by name, NULL and n/a as null"
is "$(jsonq "$SCRATCH/t.json" "[(e['name'], e['ret'], e.get('ret_raw')) for e in ev if e['type']=='return']")" \
   "[('enums', 7, 7), ('strings', 14, 14), ('floats', 6, 6), ('pick', 'BLUE', 2), ('nothing', None, $(jsonq "$SCRATCH/t.json" "[e['ret_raw'] for e in ev if e.get('name')=='nothing' and e['type']=='return'][0]"))]" \
   "JSON returns: decoded and raw"

# -s cuts strings as strace does.
"$RTRACE" -s 3 -x strings -e trace=none -o "$SCRATCH/s3.txt" -- "$T"
like "$(cat "$SCRATCH/s3.txt")" '^strings\(s="lit"\.\.\., t="mut"\.\.\., null=NULL\) = 14' "-s 3 cuts string arguments"

# A stripped copy whose DWARF is in a separate debug file (.gnu_debuglink).
mkdir -p "$SCRATCH/dbg"
objcopy --only-keep-debug "$T" "$SCRATCH/dbg/types.debug"
objcopy --strip-all --add-gnu-debuglink="$SCRATCH/dbg/types.debug" "$T" "$SCRATCH/dbg/types"
"$RTRACE" -x enums -x strings -e trace=none -o "$SCRATCH/dbg.txt" -- "$SCRATCH/dbg/types"
is "$(strip_dur "$SCRATCH/dbg.txt" | head -2)" $'enums(c=BLUE, p=P_READ|P_EXEC) = 7\nstrings(s="literal", t="mutable", null=NULL) = 14' \
   "stripped binary: symbols and types from its debug file"

# No DWARF at all: names only, said once; registers with --args=raw.
objcopy --strip-debug "$T" "$SCRATCH/nodwarf"
"$RTRACE" -x enums -x pick -e trace=none -o "$SCRATCH/nd.txt" -- "$SCRATCH/nodwarf" 2> "$SCRATCH/nd.err"
is "$(strip_dur "$SCRATCH/nd.txt" | head -2)" $'enums() = 7\npick() = 2' "without DWARF: names and raw returns"
is "$(grep -c 'no type information (DWARF) in' "$SCRATCH/nd.err")" 1 "says once that types are missing, and how to get them"
"$RTRACE" --args=raw -x enums -e trace=none -o "$SCRATCH/raw.txt" -- "$SCRATCH/nodwarf" 2> "$SCRATCH/raw.err"
like "$(head -1 "$SCRATCH/raw.txt")" '^enums\(0x2, 0x5, 0x[0-9a-f]+, 0x[0-9a-f]+, 0x[0-9a-f]+, 0x[0-9a-f]+\) = 7 <' \
     "--args=raw: the six argument registers"
is "$(cat "$SCRATCH/raw.err")" "" "--args=raw: no complaint about missing types"
done_testing
