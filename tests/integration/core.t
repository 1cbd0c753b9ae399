#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# CO-RE: a kernel whose uprobe internals (the list of pending returns that
# return_pending_at walks) are renamed still loads rtrace, and tail calls still
# nest: the walk is skipped and the return address slot is always read.
source "$(dirname "$0")/lib.sh"

# rename OUT STRUCT MEMBER: a copy of the kernel's BTF with STRUCT's MEMBER
# named renamed_MEMBER (a new string: other members of that name keep theirs).
rename() {
	python3 - /sys/kernel/btf/vmlinux "$@" <<'PY'
import struct, sys
src, dst, sname, mname = sys.argv[1:]
b = bytearray(open(src, 'rb').read())
magic, _, _, hdr_len, type_off, type_len, str_off, str_len = struct.unpack_from('<HBBIIIII', b)
assert magic == 0xeb9f
types, strs = hdr_len + type_off, hdr_len + str_off
name = lambda off: b[strs + off:b.index(0, strs + off)].decode()
fixed = {1: 4, 3: 12, 14: 4, 17: 4}                      # INT ARRAY VAR DECL_TAG
per_member = {4: 12, 5: 12, 6: 8, 13: 8, 15: 12, 19: 12}  # STRUCT UNION ENUM PROTO DATASEC ENUM64
p, found = types, 0
while p < types + type_len:
    name_off, info = struct.unpack_from('<II', b, p)
    kind, vlen = (info >> 24) & 0x1f, info & 0xffff
    if kind == 4 and name(name_off) == sname:
        for m in range(p + 12, p + 12 + 12 * vlen, 12):
            if name(struct.unpack_from('<I', b, m)[0]) == mname:
                struct.pack_into('<I', b, m, str_len)
                found += 1
    p += 12 + fixed.get(kind, 0) + per_member.get(kind, 0) * vlen
assert found == 1 and strs + str_len == len(b), 'no %s.%s at the end of the types' % (sname, mname)
b += b'renamed_' + mname.encode() + b'\0'
struct.pack_into('<I', b, 20, str_len + len(mname) + 9)
open(dst, 'wb').write(b)
PY
}

# calls FILE: the calls and returns of the tailcall target, depths and unwinds.
calls() {
	jsonq "$1" "[(e['type'][0], e['name'], e['depth'], e.get('unwound', False)) for e in ev if e['type'] in ('call', 'return')]"
}

"$RTRACE" --json -x outer -x middle -x leaf -x bail -e trace=none -o "$SCRATCH/tail.json" -- \
	"$TARGETS/tailcall"
is "$?" 0 "tailcall target exits 0"
want=$(calls "$SCRATCH/tail.json")
like "$want" "^\[\('c', 'outer', 0, False\), \('c', 'middle', 1, False\), \('c', 'leaf', 2, False\)" \
     "a tail-called function nests in the caller that jumped to it"
for f in task_struct.utask uprobe_task.return_instances return_instance.stack return_instance.next; do
	if ! rename "$SCRATCH/vmlinux" "${f%.*}" "${f#*.}" > "$SCRATCH/rename.err" 2>&1; then
		sed 's/^/# /' "$SCRATCH/rename.err"
		skip "$f renamed" "this kernel's BTF has no $f"
		continue
	fi
	RTRACE_CORE_BTF=$SCRATCH/vmlinux "$RTRACE" --json -x outer -x middle -x leaf -x bail \
		-e trace=none -o "$SCRATCH/renamed.json" -- "$TARGETS/tailcall" 2> "$SCRATCH/renamed.err"
	is "$?" 0 "$f renamed: loads and runs"
	is "$(calls "$SCRATCH/renamed.json")" "$want" "$f renamed: the same calls, depths and unwinds"
done
done_testing
