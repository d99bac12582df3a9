/* Escaping writers for HTML text, attributes and URL components. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "xalloc.h"

void
html_escape(struct buf *b, const char *s, size_t len)
{
	size_t	 i, start;
	const char *ref;

	buf_reserve(b, len);
	for (i = start = 0; i < len; i++) {
		switch (s[i]) {
		case '&':	ref = "&amp;"; break;
		case '<':	ref = "&lt;"; break;
		case '>':	ref = "&gt;"; break;
		case '"':	ref = "&quot;"; break;
		case '\'':	ref = "&#39;"; break;
		default:	continue;
		}
		buf_append(b, s + start, i - start);
		buf_puts(b, ref);
		start = i + 1;
	}
	buf_append(b, s + start, len - start);
}

void
url_encode(struct buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t	 i;
	unsigned char c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~') {
			buf_putc(b, (char)c);
		} else {
			buf_putc(b, '%');
			buf_putc(b, hex[c >> 4]);
			buf_putc(b, hex[c & 0xf]);
		}
	}
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Return 1 when s[0..len) is well-formed UTF-8 (no overlongs, no surrogates). */
static int
utf8_valid(const unsigned char *s, size_t len)
{
	size_t	 i, n, k;
	uint32_t cp, min;

	for (i = 0; i < len; i += n) {
		if (s[i] < 0x80) {
			n = 1;
			continue;
		}
		if ((s[i] & 0xe0) == 0xc0) {
			n = 2; cp = s[i] & 0x1f; min = 0x80;
		} else if ((s[i] & 0xf0) == 0xe0) {
			n = 3; cp = s[i] & 0x0f; min = 0x800;
		} else if ((s[i] & 0xf8) == 0xf0) {
			n = 4; cp = s[i] & 0x07; min = 0x10000;
		} else
			return 0;
		if (i + n > len)
			return 0;
		for (k = 1; k < n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
	}
	return 1;
}

char *
url_decode(const char *s, size_t len, int plus_is_space)
{
	char	*out;
	size_t	 i, j;
	int	 hi, lo;

	out = xmalloc(len + 1);
	for (i = j = 0; i < len; i++) {
		if (s[i] == '%') {
			if (len - i < 3)
				goto bad;
			if ((hi = hex_value(s[i + 1])) < 0 ||
			    (lo = hex_value(s[i + 2])) < 0)
				goto bad;
			if (hi == 0 && lo == 0)
				goto bad;
			out[j++] = (char)(hi << 4 | lo);
			i += 2;
		} else if (s[i] == '+' && plus_is_space) {
			out[j++] = ' ';
		} else if (s[i] == '\0') {
			goto bad;
		} else
			out[j++] = s[i];
	}
	out[j] = '\0';
	if (!utf8_valid((unsigned char *)out, j))
		goto bad;
	return out;

bad:
	free(out);
	return NULL;
}
