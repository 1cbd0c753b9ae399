#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# rtrace report on a recorded trace, against the same trace's JSON replay as the oracle:
# calls, errors, total, self, average, min, max and nearest-rank percentiles; --sort;
# --hist as funclatency prints it.
source "$(dirname "$0")/lib.sh"

F=$SCRATCH/t.rtrace
"$RTRACE" record -o "$F" -x fib -x main -- "$TARGETS/fib" 12 > /dev/null 2> "$SCRATCH/rec.err"
is "$?" 0 "record: exit 0"
"$RTRACE" replay --json "$F" > "$SCRATCH/t.json"
"$RTRACE" report "$F" > "$SCRATCH/report"
is "$?" 0 "report: exit 0"

# The oracle: the same figures from the JSON replay, formatted as report formats them.
python3 - "$SCRATCH/t.json" > "$SCRATCH/expect" <<'PY'
import json, sys, math, collections
ev = [json.loads(l) for l in open(sys.argv[1])]
def t(ns):
    if ns < 1000: return ' %7d ns' % ns
    if ns < 1000000: return ' %7.3f us' % (ns / 1e3)
    if ns < 1000000000: return ' %7.3f ms' % (ns / 1e6)
    return ' %7.3f  s' % (ns / 1e9)
rows = collections.defaultdict(lambda: {'durs': [], 'self': 0, 'calls': 0, 'errors': 0})
stack = {}
for e in ev:
    st = stack.setdefault(e['tid'], [])
    if e['type'] == 'call' and e.get('returns', True):
        st.append(0)
    elif e['type'] == 'call':
        rows[(e['name'], False)]['calls'] += 1
    elif e['type'] == 'return' and e.get('unwound'):
        st.pop()
    elif e['type'] == 'return' and 'dur_ns' in e:
        child = st.pop()
        r = rows[(e['name'], False)]
        r['calls'] += 1; r['durs'].append(e['dur_ns']); r['self'] += max(e['dur_ns'] - child, 0)
        if st: st[-1] += e['dur_ns']
    elif e['type'] == 'syscall':
        r = rows[(e['name'], True)]
        r['calls'] += 1
        if 'errno' in e: r['errors'] += 1
        if 'dur_ns' in e:
            r['durs'].append(e['dur_ns']); r['self'] += e['dur_ns']
            if st: st[-1] += e['dur_ns']
def pct(d, p): return d[max(math.ceil(len(d) * p / 100), 1) - 1]
out = []
for (name, sc), r in rows.items():
    d = sorted(r['durs']); tot = sum(d)
    line = ' ' + t(tot) + ' ' + t(r['self']) + '  %9d  %7d ' % (r['calls'], r['errors'])
    if d:
        line += ' '.join(t(x) for x in (tot // len(d), d[0], d[-1], pct(d, 50), pct(d, 95), pct(d, 99)))
    else:
        line += '  %10s  %10s  %10s  %10s  %10s  %10s' % (('-',) * 6)
    out.append((-tot, name, sc, line + '  ' + name + (' (syscall)' if sc else '')))
for _, _, _, l in sorted(out): print(l)
PY
is "$(tail -n +3 "$SCRATCH/report")" "$(cat "$SCRATCH/expect")" \
   "every row as the JSON replay computes it, sorted by total time"
like "$(grep ' fib$' "$SCRATCH/report")" '^ +[0-9.]+ [mun]?s +[0-9.]+ [mun]?s +465 +0 ' "fib 12: 465 calls"
like "$(grep ' main$' "$SCRATCH/report")" ' +1 +0 ' "main: one call"
like "$(grep 'write (syscall)$' "$SCRATCH/report")" ' +1 +0 ' "the program's one write"
is "$(head -1 "$SCRATCH/report" | tr -s ' ')" " Total time Self time Calls Errors Average Min Max p50 p95 p99 Name" \
   "the header"

"$RTRACE" report --sort calls "$F" > "$SCRATCH/bycalls"
is "$(awk 'NR > 2 { print $5 }' "$SCRATCH/bycalls" | head -3 | sort -rn | tr '\n' ' ')" \
   "$(awk 'NR > 2 { print $5 }' "$SCRATCH/bycalls" | head -3 | tr '\n' ' ')" "--sort calls: most calls first"
is "$(awk 'NR == 3 { print $NF }' "$SCRATCH/bycalls")" fib "--sort calls: fib first"
"$RTRACE" report --sort name "$F" > "$SCRATCH/byname"
is "$(awk 'NR > 2 { print $NF == "(syscall)" ? $(NF-1) : $NF }' "$SCRATCH/byname" | tr '\n' ' ')" \
   "$(awk 'NR > 2 { print $NF == "(syscall)" ? $(NF-1) : $NF }' "$SCRATCH/byname" | LC_ALL=C sort | tr '\n' ' ')" \
   "--sort name: by name"

"$RTRACE" report --hist fib "$F" > "$SCRATCH/hist"
is "$?" 0 "--hist: exit 0"
is "$(sed -n 2p "$SCRATCH/hist")" "     nsecs               : count    distribution" "--hist: funclatency's header"
is "$(awk -F: 'NR > 2 { split($2, a, " "); n += a[1] } END { print n }' "$SCRATCH/hist")" 465 \
   "--hist: the 465 calls in the buckets"
is "$(python3 -c '
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
b = {}
for e in ev:
    if e["type"] == "return" and e["name"] == "fib":
        b[e["dur_ns"].bit_length() - 1 if e["dur_ns"] else 0] = b.get(e["dur_ns"].bit_length() - 1 if e["dur_ns"] else 0, 0) + 1
print(" ".join(str(b.get(i, 0)) for i in range(max(b) + 1)))' "$SCRATCH/t.json")" \
   "$(awk -F: 'NR > 2 { split($2, a, " "); printf "%s%s", sep, a[1]; sep = " " } END { print "" }' "$SCRATCH/hist")" \
   "--hist: each bucket's count from the JSON durations"
like "$(grep -c '|\*\{40\}|' "$SCRATCH/hist")" '^1$' "--hist: the fullest bucket has 40 stars"

"$RTRACE" report --hist nosuch "$F" > /dev/null 2> "$SCRATCH/nosuch.err"
is "$?:$(cat "$SCRATCH/nosuch.err")" "1:rtrace: no timed calls or syscalls named 'nosuch' in the trace" \
   "--hist of a name not in the trace: said, exit 1"
"$RTRACE" report --sort bogus "$F" 2> "$SCRATCH/sort.err"
is "$?:$(cat "$SCRATCH/sort.err")" "1:rtrace: invalid --sort key: 'bogus' (total, self, calls, avg, max or name)" \
   "--sort with a bad key: said, exit 1"
"$RTRACE" --hist fib -- /bin/true 2> "$SCRATCH/hist.err"
is "$?:$(cat "$SCRATCH/hist.err")" "1:rtrace: --hist is for rtrace report" "--hist without report: said"
done_testing
