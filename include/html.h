/*
 * The escaping writers. Every value that reaches a page goes through one of
 * these; raw output is reserved for HTML the program built itself.
 */
#ifndef STETHOSCOPE_HTML_H
#define STETHOSCOPE_HTML_H

#include <stddef.h>

#include "buf.h"

/*
 * Append s with all five of & < > " ' replaced by character references.
 * Safe both in element text and in quoted attribute values.
 */
void	html_escape(struct buf *b, const char *s, size_t len);

/*
 * Append s percent-encoded for a URL query component or path segment:
 * everything but ALPHA, DIGIT and "-._~" is encoded.
 */
void	url_encode(struct buf *b, const char *s, size_t len);

/*
 * Decode percent-encoding in s (and '+' as space when plus_is_space is
 * set) into a new NUL-terminated string owned by the caller. Returns NULL
 * for a malformed escape, an encoded NUL byte, or invalid UTF-8.
 */
char	*url_decode(const char *s, size_t len, int plus_is_space);

#endif
