#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# rtrace export --format svg: a well-formed SVG whose frames are exactly the folded export's
# stacks (a frame per prefix, its weight and width the time under it, siblings by name,
# colours by kind, labels that fit), the same bytes every time, names escaped; an empty
# trace still a picture; and in a real browser (Debian's headless Chromium), a click zooms
# and the search highlights, and a screenshot shows the frames where the SVG puts them.
# The browser part runs on the host (make test, CI); the vmtest guests, which emulate the
# CPU, skip it: it does not depend on the kernel, and Chromium there would take minutes.
source "$(dirname "$0")/lib.sh"

F=$SCRATCH/fib.rtrace
"$RTRACE" record -o "$F" -x fib -x main -- "$TARGETS/fib" 10 > /dev/null 2> "$SCRATCH/rec.err"
is "$?" 0 "record fib 10: exit 0"
"$RTRACE" export --format folded "$F" > "$SCRATCH/fib.folded"
"$RTRACE" export --format svg "$F" > "$SCRATCH/fib.svg"
is "$?" 0 "export svg: exit 0"
"$RTRACE" export --format svg "$F" -o "$SCRATCH/again.svg"
cmp -s "$SCRATCH/fib.svg" "$SCRATCH/again.svg"
ok $? "export svg -o: the same bytes again"

# svgq SVG FOLDED EXPR: EXPR with fr = the SVG's frames in document order (name, ns and
# pct from the title, s, w, d, x, y, width, fill, label; path: the names from the process
# up to it), fo = the folded stacks (path → ns), pre = the ns under every prefix of them,
# total = all of it.
svgq() {
	python3 - "$@" <<'PY'
import re, sys, xml.etree.ElementTree as ET
NS = '{http://www.w3.org/2000/svg}'
svg = ET.parse(sys.argv[1]).getroot()
fr, stack = [], []
for g in svg.iter(NS + 'g'):
    if g.get('class') != 'f':
        continue
    m = re.fullmatch(r'(.*) \(([0-9]+) ns, ([0-9.]+)%\)', g.find(NS + 'title').text, re.S)
    rect, text, d = g.find(NS + 'rect'), g.find(NS + 'text'), int(g.get('data-d'))
    del stack[d:]
    stack.append(m.group(1))
    fr.append(dict(name=m.group(1), ns=int(m.group(2)), pct=float(m.group(3)), d=d,
                   s=int(g.get('data-s')), w=int(g.get('data-w')), x=float(rect.get('x')),
                   y=int(rect.get('y')), width=float(rect.get('width')), fill=rect.get('fill'),
                   label=text.text or '', path=tuple(stack[1:])))
fo, pre = {}, {}
for l in open(sys.argv[2], encoding='utf-8'):
    p, n = l.rstrip('\n').rsplit(' ', 1)
    fo[tuple(p.split(';'))] = int(n)
for p, n in fo.items():
    for i in range(1, len(p) + 1):
        pre[p[:i]] = pre.get(p[:i], 0) + n
total = sum(fo.values())
rgb = lambda f: tuple(int(c) for c in re.fullmatch(r'rgb\(([0-9]+),([0-9]+),([0-9]+)\)', f['fill']).groups())
px = lambda ns: ns * 1180 / total
print(eval(sys.argv[3]))
PY
}
S=$SCRATCH/fib.svg
is "$(svgq "$S" "$SCRATCH/fib.folded" "svg.tag, svg.get('width')")" "('{http://www.w3.org/2000/svg}svg', '1200')" \
   "svg: well formed, an <svg> 1200 wide"
is "$(svgq "$S" "$SCRATCH/fib.folded" "len(fr)")" "$(($(svgq "$S" "$SCRATCH/fib.folded" "len(pre)") + 1))" \
   "svg: a frame per prefix of the folded stacks, and the root"
is "$(svgq "$S" "$SCRATCH/fib.folded" "sorted(f['path'] for f in fr[1:]) == sorted(pre)")" True \
   "svg: the frames' names and places are the folded stacks'"
is "$(svgq "$S" "$SCRATCH/fib.folded" "all(f['w'] == f['ns'] == pre[f['path']] for f in fr[1:])")" True \
   "svg: each frame weighs the time under it, in its title too"
is "$(svgq "$S" "$SCRATCH/fib.folded" "fr[0]['name'], fr[0]['d'], fr[0]['w'] == total, abs(fr[0]['width'] - 1180) <= 1, fr[0]['x']")" \
   "('all', 0, True, True, 10.0)" "svg: the root, all the time, 1180 px wide"
is "$(svgq "$S" "$SCRATCH/fib.folded" "[abs(f['width'] - px(pre[('fib', 'main')])) <= 1 for f in fr if f['path'] == ('fib', 'main')]")" \
   "[True]" "svg: main's width is its share of the time, within 1 px"
is "$(svgq "$S" "$SCRATCH/fib.folded" "all(abs(f['x'] - 10 - px(f['s'])) <= 1 and abs(f['width'] - px(f['w'])) <= 1 for f in fr)")" \
   "True" "svg: every frame where its time puts it"
# Children start where their parent does, one after the other, by name; rows 16 px apart.
kids="all([k['s'] for k in ks] == [sum(x['w'] for x in ks[:i]) + p['s'] for i in range(len(ks))] and [k['name'] for k in ks] == sorted(k['name'] for k in ks) and all(k['y'] == p['y'] - 16 for k in ks) for p in fr for ks in [[k for k in fr if k['d'] == p['d'] + 1 and k['path'][:-1] == p['path']]])"
is "$(svgq "$S" "$SCRATCH/fib.folded" "$kids")" True "svg: children side by side from their parent's start, sorted by name, a row up"
is "$(svgq "$S" "$SCRATCH/fib.folded" "sorted(set((f['d'] == 1, f['name'].endswith('_[k]'), (lambda r, g, b: 'warm' if r > 200 and b < 60 else 'kernel' if b > 200 and r < 110 else 'process' if b > 210 and r > 160 else '?')(*rgb(f))) for f in fr[1:]))")" \
   "[(False, False, 'warm'), (False, True, 'kernel'), (True, False, 'process')]" \
   "svg: functions warm, syscalls kernel blue, the process lavender"
is "$(svgq "$S" "$SCRATCH/fib.folded" "len(set(f['fill'] for f in fr if f['name'] == 'fib' and f['d'] > 1)), len(set(f['fill'] for f in fr))  > 10")" \
   "(1, True)" "svg: a name has one colour, names have many"
is "$(svgq "$S" "$SCRATCH/fib.folded" "all(f['label'] in ('', f['name']) or (f['label'].endswith('..') and f['name'].startswith(f['label'][:-2]) and len(f['label']) >= 3) for f in fr), all(len(f['label']) * 7.25 <= f['width'] - 6 for f in fr if f['label'])")" \
   "(True, True)" "svg: labels whole, cut with '..' or none, always inside their frame"
is "$(svgq "$S" "$SCRATCH/fib.folded" "[f['label'] for f in fr if f['path'] in (('fib',), ('fib', 'main'))]")" "['fib', 'main']" \
   "svg: wide frames labelled whole"

# Threads: each worker's calls in one stack under the process.
"$RTRACE" record -o "$SCRATCH/thr.rtrace" -x work -- "$TARGETS/threads" > /dev/null 2>&1
"$RTRACE" export --format folded "$SCRATCH/thr.rtrace" > "$SCRATCH/thr.folded"
"$RTRACE" export --format svg "$SCRATCH/thr.rtrace" > "$SCRATCH/thr.svg"
is "$(svgq "$SCRATCH/thr.svg" "$SCRATCH/thr.folded" "sorted(f['path'] for f in fr[1:]) == sorted(pre) and all(f['w'] == pre[f['path']] for f in fr[1:]), [f['path'] for f in fr if f['name'] == 'work']")" \
   "(True, [('threads', 'work')])" "svg, threads: the folded stacks, the workers' calls one frame"

# Names go through XML escaping: a program named x&<>"'é (its process frame).
odd="$SCRATCH/x&<>\"'é"
cp "$TARGETS/fib" "$odd"
"$RTRACE" record -o "$SCRATCH/odd.rtrace" -x fib -- "$odd" 3 > /dev/null 2>&1
"$RTRACE" export --format folded "$SCRATCH/odd.rtrace" > "$SCRATCH/odd.folded"
"$RTRACE" export --format svg "$SCRATCH/odd.rtrace" > "$SCRATCH/odd.svg"
is "$(svgq "$SCRATCH/odd.svg" "$SCRATCH/odd.folded" "[f['name'] == 'x&<>\"\\'é' and f['label'] == f['name'] for f in fr if f['d'] == 1], sorted(f['path'] for f in fr[1:]) == sorted(pre)")" \
   "([True], True)" "svg: & < > \" ' in a name escaped, read back as they were"

# Nothing to draw: a trace without syscalls or calls, and a filter that leaves none.
"$RTRACE" record -o "$SCRATCH/empty.rtrace" -e trace=none -- /bin/true > /dev/null 2>&1
"$RTRACE" export --format svg "$SCRATCH/empty.rtrace" > "$SCRATCH/empty.svg"
is "$?" 0 "export svg, empty trace: exit 0"
: > "$SCRATCH/empty.folded"
is "$(svgq "$SCRATCH/empty.svg" "$SCRATCH/empty.folded" "len(fr), [t.text for t in svg.iter(NS + 'text') if t.get('id') == 'details']")" \
   "(0, ['Nothing to draw: no timed calls or syscalls (in the trace, or left by the filters)'])" \
   "svg, empty trace: a valid SVG that says there is nothing to draw"
"$RTRACE" export --format svg --tid 1 "$F" > "$SCRATCH/none.svg"
cmp -s "$SCRATCH/none.svg" "$SCRATCH/empty.svg"
ok $? "svg, a filter that leaves nothing: the same picture"

"$RTRACE" export --format png "$F" > "$SCRATCH/png.out" 2> "$SCRATCH/png.err"
is "$?:$(cat "$SCRATCH/png.err"):$(wc -c < "$SCRATCH/png.out")" "1:rtrace: invalid --format: 'png' (chrome, folded or svg):0" \
   "export --format png: one line, exit 1, nothing written"

# In the browser.
if [ "$IN_VMTEST" = 1 ]; then
	for t in "chromium is installed" "Chromium renders the SVG" "click zooms fib to full width" \
		 "the zoom hides what is not under or above fib" \
		 "the zoom keeps fib's callers, full width and faded" "Reset Zoom lays everything out again" \
		 "search highlights main, matched its share" "screenshot: the frames drawn where the SVG says"; do
		skip "browser: $t" "a vmtest guest: the browser checks run on the host (make test)"
	done
	done_testing
fi
command -v chromium > /dev/null
ok $? "browser: chromium is installed (scripts/deps.sh)"

# chrome ARGS...: headless Chromium (root needs --no-sandbox), its profile in the scratch dir.
chrome() {
	timeout 60 chromium --headless --no-sandbox --disable-gpu --no-first-run \
		--user-data-dir="$SCRATCH/chromium" "$@" 2>> "$SCRATCH/chromium.err"
}
# The SVG in a page that clicks the inner fib (main's child), then Reset Zoom, then
# searches ^main$ (its prompt answered), writing what each did as JSON into #out.
cat > "$SCRATCH/zoom.html" <<'EOF'
<!DOCTYPE html>
<html><body style="margin:0">
<iframe id="fg" src="fib.svg" width="1200" height="400" style="border:0"></iframe>
<pre id="out">not run</pre>
<script>
document.getElementById('fg').addEventListener('load', function () {
  var out = document.getElementById('out'), r = {};
  try {
    var d = this.contentDocument, w = this.contentWindow;
    var gs = Array.from(d.querySelectorAll('g.f'));
    var name = function (g) { return g.querySelector('title').textContent.replace(/ \([0-9]+ ns, [0-9.]+%\)$/, ''); };
    var find = function (n, depth) { return gs.filter(function (g) { return name(g) === n && g.getAttribute('data-d') === String(depth); })[0]; };
    var click = function (e) { e.dispatchEvent(new MouseEvent('click', { bubbles: true })); };
    var hidden = function (g) { return w.getComputedStyle(g).display === 'none'; };
    var fib = find('fib', 3), main = find('main', 2), write = find('write_[k]', 2), proc = find('fib', 1);
    r.before = +fib.querySelector('rect').getAttribute('width');
    click(fib.querySelector('rect'));
    r.zoom = { width: fib.querySelector('rect').getAttribute('width'),
      drawn: Math.round(fib.querySelector('rect').getBoundingClientRect().width),
      label: fib.querySelector('text').textContent,
      write_hidden: hidden(write), main_hidden: hidden(main), main_faded: main.classList.contains('par'),
      main_width: main.querySelector('rect').getAttribute('width'),
      proc_width: proc.querySelector('rect').getAttribute('width'),
      shown: gs.filter(function (g) { return !hidden(g); }).length,
      reset_shown: !d.getElementById('reset').classList.contains('hide') };
    click(d.getElementById('reset'));
    r.reset = { width: +fib.querySelector('rect').getAttribute('width'),
      shown: gs.filter(function (g) { return !hidden(g); }).length,
      faded: gs.filter(function (g) { return g.classList.contains('par'); }).length };
    w.prompt = function () { return '^main$'; };
    click(d.getElementById('search'));
    r.search = { matched: d.getElementById('matched').textContent,
      magenta: gs.filter(function (g) { return g.querySelector('rect').getAttribute('fill') === 'rgb(230,0,230)'; }).map(name),
      control: d.getElementById('search').textContent };
  } catch (e) {
    r.error = String(e);
  }
  out.textContent = JSON.stringify(r);
});
</script>
</body></html>
EOF
# Files may read files only with --allow-file-access-from-files: the page reads the SVG's DOM.
chrome --allow-file-access-from-files --virtual-time-budget=10000 --dump-dom \
	"file://$SCRATCH/zoom.html" > "$SCRATCH/zoom.dom"
st=$?
# domq EXPR: EXPR with r = what the page wrote.
domq() {
	python3 - "$SCRATCH/zoom.dom" "$1" <<'PY'
import html, json, re, sys
m = re.search(r'<pre id="out">(.*?)</pre>', open(sys.argv[1]).read(), re.S)
r = json.loads(html.unescape(m.group(1))) if m and m.group(1).startswith('{') else {}
print(eval(sys.argv[2]))
PY
}
is "$st:$(domq "sorted(r)")" "0:['before', 'reset', 'search', 'zoom']" "browser: Chromium renders the SVG and runs the page"
[ "$st" = 0 ] || sed 's/^/# /' "$SCRATCH/chromium.err" | tail -5
is "$(domq "r.get('zoom', {}).get('width'), r.get('zoom', {}).get('drawn'), r.get('zoom', {}).get('label'), r.get('before', 2000) < 1000")" \
   "('1180.00', 1180, 'fib', True)" "browser: click zooms fib to full width (1180 px drawn)"
# What stays: fib, all above it, and its callers; the rest is hidden (write_[k], main's syscalls).
is "$(domq "r.get('zoom', {}).get('write_hidden'), r.get('zoom', {}).get('shown')")" \
   "(True, $(svgq "$S" "$SCRATCH/fib.folded" "len([p for p in pre if p[:3] == ('fib', 'main', 'fib')]) + 3"))" \
   "browser: the zoom hides what is not under or above fib"
is "$(domq "[r.get('zoom', {}).get(k) for k in ('main_hidden', 'main_faded', 'main_width', 'proc_width', 'reset_shown')]")" \
   "[False, True, '1180.00', '1180.00', True]" "browser: the zoom keeps fib's callers, full width and faded"
is "$(domq "r.get('reset', {}).get('width') == r.get('before'), r.get('reset', {}).get('shown'), r.get('reset', {}).get('faded')")" \
   "(True, $(svgq "$S" "$SCRATCH/fib.folded" "len(fr)"), 0)" "browser: Reset Zoom lays everything out again"
is "$(domq "r.get('search', {}).get('magenta'), r.get('search', {}).get('control'), abs(float(r.get('search', {}).get('matched', 'Matched: -1%')[9:-1]) - $(svgq "$S" "$SCRATCH/fib.folded" "100 * pre[('fib', 'main')] / total")) < 0.01")" \
   "(['main'], 'Reset Search', True)" "browser: search highlights main, matched its share"

# A screenshot of the SVG alone: a PNG of its size, many colours, each frame's colour in
# the middle of its rect (main's, the root's).
H=$(svgq "$S" "$SCRATCH/fib.folded" "svg.get('height')")
chrome --screenshot="$SCRATCH/fib.png" --window-size="1200,$H" "file://$SCRATCH/fib.svg" > /dev/null
is "$(python3 - "$SCRATCH/fib.png" "$(svgq "$S" "$SCRATCH/fib.folded" "[(round(f['x'] + f['width'] / 2), f['y'] + 7, rgb(f)) for f in fr if f['path'] in ((), ('fib', 'main'))]")" <<'PY'
import ast, struct, sys, zlib
data = open(sys.argv[1], 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
i, idat = 8, b''
while i < len(data):
    n, t = struct.unpack('>I4s', data[i:i + 8])
    if t == b'IHDR':
        w, h, depth, ct, _, _, lace = struct.unpack('>IIBBBBB', data[i + 8:i + 21])
    elif t == b'IDAT':
        idat += data[i + 8:i + 8 + n]
    i += 12 + n
assert depth == 8 and ct in (2, 6) and not lace, 'an 8-bit RGB(A) PNG'
bpp = 3 if ct == 2 else 4
raw, stride, rows, prev = zlib.decompress(idat), w * bpp, [], bytearray(w * bpp)
for y in range(h):
    f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0
        b, c = prev[x], prev[x - bpp] if x >= bpp else 0
        p = a + b - c
        pred = [0, a, b, (a + b) // 2, a if abs(p - a) <= abs(p - b) and abs(p - a) <= abs(p - c) else b if abs(p - b) <= abs(p - c) else c][f]
        line[x] = (line[x] + pred) & 0xff
    rows.append(line)
    prev = line
px = lambda x, y: tuple(rows[y][x * bpp:x * bpp + 3])
colours = len(set(px(x, y) for y in range(0, h, 2) for x in range(0, w, 2)))
print(len(data) > 4000, w, h, colours > 20, [px(x, y) == c for x, y, c in ast.literal_eval(sys.argv[2])])
PY
)" "True 1200 $H True [True, True]" "browser: screenshot: the frames drawn where the SVG says"
done_testing
