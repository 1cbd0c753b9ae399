/* SPDX-License-Identifier: GPL-2.0 */
/* XML text from arbitrary bytes: the escaper the SVG export writes names with. */
#ifndef RTRACE_XML_H
#define RTRACE_XML_H

#include <stddef.h>
#include <stdio.h>

/* Writes s[0..len) as XML character data, fit for text and for an attribute in
 * either quotes, and always well formed: & < > " ' as references; well-formed
 * UTF-8 as is; controls, bytes of no well-formed sequence and the non-characters
 * XML forbids (U+FFFE, U+FFFF) as U+FFFD, XML 1.0 having no way to write them. */
void xml_chars(FILE *out, const unsigned char *s, size_t len);

#endif
