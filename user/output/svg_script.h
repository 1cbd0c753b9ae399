/* SPDX-License-Identifier: GPL-2.0 */
/* Private to user/output/: the SVG flame graph's style and script (svg_script.c), and the
 * layout they share with the frames sink_svg.c draws. */
#ifndef RTRACE_OUTPUT_SVG_SCRIPT_H
#define RTRACE_OUTPUT_SVG_SCRIPT_H

#define SVG_W		1200
#define SVG_PAD		10		/* each side of the frames */
#define SVG_FRAMES_W	1180		/* SVG_W less the pads */
#define SVG_CHAR_W	7.25		/* a character of the labels' 12 px monospace, at most */

extern const char svg_style[];
/* Zoom on click, "Reset Zoom", "Search" (and Ctrl-F), the hovered frame's details: on
 * frames <g class="f" data-s=START data-w=NS data-d=DEPTH> holding a <title> `name (N ns,
 * P%)`, a <rect> and a <text>, under #frames. Holds no "]]>": it goes in a CDATA section. */
extern const char svg_script[];

#endif
