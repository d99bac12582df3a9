/* Parsing and numeric comparison of dotted versions. */

#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "version.h"

static const char *const prerelease_markers[] = {
	"alpha", "beta", "rc", "pre", "preview", "dev",
};

/* Return 1 when the word [start, start + len) is a marker plus digits. */
static int
is_prerelease_word(const char *start, size_t len)
{
	size_t	 letters, i, m, n;

	letters = 0;
	while (letters < len && isalpha((unsigned char)start[letters]))
		letters++;
	for (i = letters; i < len; i++)
		if (!isdigit((unsigned char)start[i]))
			return 0;

	n = sizeof(prerelease_markers) / sizeof(prerelease_markers[0]);
	for (m = 0; m < n; m++)
		if (strlen(prerelease_markers[m]) == letters &&
		    strncasecmp(prerelease_markers[m], start, letters) == 0)
			return 1;
	return 0;
}

/* Look through the suffix word by word for a pre-release marker. */
static int
suffix_is_prerelease(const char *s)
{
	const char	*start;

	while (*s != '\0') {
		if (!isalnum((unsigned char)*s)) {
			s++;
			continue;
		}
		start = s;
		while (isalnum((unsigned char)*s))
			s++;
		if (is_prerelease_word(start, (size_t)(s - start)))
			return 1;
	}
	return 0;
}

/* Return 1 when only blanks remain. */
static int
is_blank(const char *s)
{
	for (; *s != '\0'; s++)
		if (!isspace((unsigned char)*s))
			return 0;
	return 1;
}

/*
 * Read the digits at *sp into *value, refusing a value above UINT64_MAX.
 * Returns 0 and moves *sp past the digits, or -1 on overflow.
 */
static int
parse_component(const char **sp, uint64_t *value)
{
	const char	*s = *sp;
	uint64_t	 v = 0, digit;

	for (; isdigit((unsigned char)*s); s++) {
		digit = (uint64_t)(*s - '0');
		if (v > (UINT64_MAX - digit) / 10)
			return -1;
		v = v * 10 + digit;
	}
	*value = v;
	*sp = s;
	return 0;
}

int
version_parse(const char *text, struct version *out)
{
	const char	*s = text;

	memset(out, 0, sizeof(*out));
	if (s == NULL)
		return -1;

	while (isspace((unsigned char)*s))
		s++;
	if (*s == 'v' || *s == 'V')
		s++;
	if (!isdigit((unsigned char)*s))
		return -1;

	/* Read components. A dot continues the version only before a digit. */
	for (;;) {
		if (out->count == VERSION_MAX_PARTS)
			goto fail;
		if (parse_component(&s, &out->parts[out->count]) != 0)
			goto fail;
		out->count++;
		if (s[0] != '.' || !isdigit((unsigned char)s[1]))
			break;
		s++;
	}

	out->has_suffix = !is_blank(s);
	out->prerelease = suffix_is_prerelease(s);
	return 0;

fail:
	memset(out, 0, sizeof(*out));
	return -1;
}

int
version_compare(const struct version *a, const struct version *b)
{
	size_t		 i, n;
	uint64_t	 x, y;

	n = a->count > b->count ? a->count : b->count;
	for (i = 0; i < n; i++) {
		x = i < a->count ? a->parts[i] : 0;
		y = i < b->count ? b->parts[i] : 0;
		if (x != y)
			return x < y ? -1 : 1;
	}

	/* Same numbers: a pre-release comes before the release. */
	return b->prerelease - a->prerelease;
}

int
version_compare_text(const char *a, const char *b, int *cmp)
{
	struct version	 va, vb;

	if (version_parse(a, &va) != 0 || version_parse(b, &vb) != 0)
		return -1;
	*cmp = version_compare(&va, &vb);
	return 0;
}

size_t
version_common_prefix(const struct version *a, const struct version *b)
{
	size_t	 i, n;

	n = a->count < b->count ? a->count : b->count;
	for (i = 0; i < n && a->parts[i] == b->parts[i]; i++)
		;
	return i;
}
