/* Checking and normalizing device identifiers. */

#include <string.h>

#include "identifier.h"

static const char *const kind_names[IDENTIFIER__MAX] = {
	[IDENTIFIER_SERIAL]	= "serial number",
	[IDENTIFIER_UDID]	= "UDID",
	[IDENTIFIER_IMEI]	= "IMEI",
	[IDENTIFIER_MEID]	= "MEID",
	[IDENTIFIER_SOURCE_ID]	= "source id",
	[IDENTIFIER_MAC]	= "MAC address",
};

/*
 * Serial numbers that vendors, BIOS defaults and inventory tools put in
 * place of a real one. They are compared after folding both sides to
 * lower-case letters and digits, so each entry also covers its variants
 * in case, spacing and punctuation ("To Be Filled By O.E.M" matches the
 * first of these). Values of one repeated character, such as
 * "0000000000", are caught by a rule in serial_usable.
 */
static const char *const serial_placeholders[] = {
	"To be filled by O.E.M.",
	"O.E.M.",
	"Not Available",
	"Not Applicable",
	"Not Specified",
	"Not Set",
	"N/A",
	"None",
	"Null",
	"Undefined",
	"Unknown",
	"Invalid",
	"Empty",
	"Default",
	"Default string",
	"System Serial Number",
	"Chassis Serial Number",
	"Base Board Serial Number",
	"Serial Number",
	"Serial",
	"No Serial",
	"0",
	"0000000000",
	"0123456789",
	"123456789",
	"1234567890",
	"12345678",
	"1234567",
	"123456",
};

/*
 * Spellings of a MAC address. A group of digits between separators
 * encodes octets_per_group octets and is padded on the left with zeros,
 * because macOS prints "0:1c:...". An octets_per_group of 0 means the
 * whole bare string, two digits per octet.
 */
static const struct mac_form {
	char	 separator;
	size_t	 min_digits;
	size_t	 max_digits;
	size_t	 octets_per_group;
} mac_forms[] = {
	{ ':',	1,	2,	1 },
	{ '-',	1,	2,	1 },
	{ '.',	4,	4,	2 },
	{ '\0',	2 * MAC_MIN_OCTETS, 2 * MAC_MAX_OCTETS, 0 },
};

/* Characters allowed between the digits of an IMEI or MEID. */
#define DIGIT_SEPARATORS	" -./"

const char *
identifier_kind_name(enum identifier_kind kind)
{
	if ((int)kind < 0 || kind >= IDENTIFIER__MAX)
		return "identifier";
	return kind_names[kind];
}

const char *
identifier_status_text(enum identifier_status status)
{
	switch (status) {
	case IDENTIFIER_OK:
		return "valid";
	case IDENTIFIER_EMPTY:
		return "empty";
	case IDENTIFIER_INVALID:
		return "invalid";
	case IDENTIFIER_NOT_UNIQUE:
		return "not unique";
	}
	return "invalid";
}

/*
 * ASCII character classes. Unlike <ctype.h>, they do not depend on the
 * locale and cost no function call, which matters when a fleet-wide
 * merge checks hundreds of thousands of identifiers.
 */
static int
ascii_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static int
ascii_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
ascii_alnum(char c)
{
	return ascii_digit(c) || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z');
}

static char
ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static char
ascii_upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
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

/* Narrow [*start, *end) to exclude leading and trailing white space. */
static void
trim_span(const char *s, const char **start, const char **end)
{
	*start = s;
	*end = s + strlen(s);
	while (*start < *end && ascii_space(**start))
		(*start)++;
	while (*end > *start && ascii_space((*end)[-1]))
		(*end)--;
}

/*
 * Decode one group of hex digits [s, s + len) into octets, padding on
 * the left. Returns the number of octets written, or 0 if the group does
 * not fit the form or octets has no room.
 */
static size_t
mac_decode_group(const struct mac_form *form, const char *s, size_t len,
    unsigned char *octets, size_t room)
{
	size_t	 count, i;
	int	 high, low;

	if (len < form->min_digits || len > form->max_digits)
		return 0;
	count = form->octets_per_group;
	if (count == 0) {
		if (len % 2 != 0)
			return 0;
		count = len / 2;
	}
	if (count > room)
		return 0;

	/* Digits missing on the left of the group are zeros. */
	memset(octets, 0, count);
	for (i = 0; i < len; i++) {
		if ((low = hex_value(s[len - 1 - i])) < 0)
			return 0;
		high = i % 2 ? low << 4 : low;
		octets[count - 1 - i / 2] |= (unsigned char)high;
	}
	return count;
}

/*
 * Parse a MAC address in any accepted spelling into octets. Returns the
 * number of octets, or 0 if in is not a MAC address.
 */
static size_t
mac_parse(const char *in, unsigned char octets[MAC_MAX_OCTETS])
{
	const struct mac_form	*form = NULL;
	const char		*start, *end, *p, *group;
	char			 separator = '\0';
	size_t			 count = 0, n, i;

	trim_span(in, &start, &end);

	/* The first character that is not a hex digit picks the form. */
	for (p = start; p < end; p++) {
		if (hex_value(*p) < 0) {
			separator = *p;
			break;
		}
	}
	for (i = 0; i < sizeof(mac_forms) / sizeof(mac_forms[0]); i++)
		if (mac_forms[i].separator == separator)
			form = &mac_forms[i];
	if (form == NULL || start == end)
		return 0;

	for (group = start; ; group = p + 1) {
		p = group;
		while (p < end && *p != separator)
			p++;
		n = mac_decode_group(form, group, (size_t)(p - group),
		    octets + count, MAC_MAX_OCTETS - count);
		if (n == 0)
			return 0;
		count += n;
		if (p == end || separator == '\0')
			break;
	}
	return count >= MAC_MIN_OCTETS ? count : 0;
}

/* Write count octets in canonical form into out (3 * count bytes). */
static void
mac_format(const unsigned char *octets, size_t count, char *out)
{
	static const char	 hex[] = "0123456789ABCDEF";
	size_t			 i;

	for (i = 0; i < count; i++) {
		out[3 * i] = hex[octets[i] >> 4];
		out[3 * i + 1] = hex[octets[i] & 0x0f];
		out[3 * i + 2] = i + 1 < count ? ':' : '\0';
	}
}

static const char *
octets_unusable_reason(const unsigned char *octets, size_t count)
{
	size_t	 zero = 0, ones = 0, i;

	for (i = 0; i < count; i++) {
		zero += octets[i] == 0x00;
		ones += octets[i] == 0xff;
	}
	if (zero == count)
		return "all-zero";
	if (ones == count)
		return "broadcast";
	if (octets[0] & 0x01)
		return "group";
	if (octets[0] & 0x02)
		return "locally administered";
	return NULL;
}

int
mac_canonicalize(const char *in, char *out, size_t outlen)
{
	unsigned char	 octets[MAC_MAX_OCTETS];
	size_t		 count;

	if (in == NULL || (count = mac_parse(in, octets)) == 0 ||
	    outlen < 3 * count)
		return -1;
	mac_format(octets, count, out);
	return 0;
}

static int
islower_hex(char c)
{
	return c >= 'a' && c <= 'f';
}

/* Return 1 if s is upper-case hex octets joined by colons, 6 to 8 of them. */
static int
mac_is_canonical(const char *s)
{
	size_t	 octets = 0;

	for (;;) {
		if (hex_value(s[0]) < 0 || hex_value(s[1]) < 0)
			return 0;
		if (islower_hex(s[0]) || islower_hex(s[1]))
			return 0;
		octets++;
		if (s[2] == '\0')
			break;
		if (s[2] != ':' || octets == MAC_MAX_OCTETS)
			return 0;
		s += 3;
	}
	return octets >= MAC_MIN_OCTETS;
}

const char *
mac_unusable_reason(const char *canonical)
{
	unsigned char	 octets[MAC_MAX_OCTETS];
	size_t		 count;

	if (canonical == NULL || !mac_is_canonical(canonical) ||
	    (count = mac_parse(canonical, octets)) == 0)
		return "not in canonical form";
	return octets_unusable_reason(octets, count);
}

int
mac_usable(const char *canonical)
{
	return mac_unusable_reason(canonical) == NULL;
}

/*
 * Copy the letters and digits of s, lower-cased, into out, as far as
 * they fit. Returns how many s has, which may be more than were copied.
 */
static size_t
fold_alnum(const char *s, char *out, size_t outlen)
{
	size_t	 len = 0, total = 0;

	for (; *s != '\0'; s++) {
		if (!ascii_alnum(*s))
			continue;
		if (len + 1 < outlen)
			out[len++] = ascii_lower(*s);
		total++;
	}
	out[len] = '\0';
	return total;
}

/* Return 1 if the letters and digits of s are one character repeated. */
static int
one_repeated_alnum(const char *s)
{
	int	 first = 0, c;

	for (; *s != '\0'; s++) {
		if (!ascii_alnum(*s))
			continue;
		c = ascii_lower(*s);
		if (first == 0)
			first = c;
		else if (c != first)
			return 0;
	}
	return 1;
}

/*
 * Return 1 if entry, folded to lower-case letters and digits on the fly,
 * equals folded. Most entries differ in their first character.
 */
static int
folded_equal(const char *folded, const char *entry)
{
	for (; *entry != '\0'; entry++) {
		if (!ascii_alnum(*entry))
			continue;
		if (*folded++ != ascii_lower(*entry))
			return 0;
	}
	return *folded == '\0';
}

int
serial_usable(const char *s)
{
	char	 folded[64];
	size_t	 len, i;

	if (s == NULL)
		return 0;

	/* An empty fold also counts as one repeated character. */
	if (one_repeated_alnum(s))
		return 0;

	/* Every entry is shorter than the buffer, so longer serials differ. */
	len = fold_alnum(s, folded, sizeof(folded));
	if (len >= sizeof(folded))
		return 1;
	for (i = 0; i < sizeof(serial_placeholders) /
	    sizeof(serial_placeholders[0]); i++) {
		/* Entries start with a letter or digit, so this skips most. */
		if (ascii_lower(serial_placeholders[i][0]) != folded[0])
			continue;
		if (folded_equal(folded, serial_placeholders[i]))
			return 0;
	}
	return 1;
}

/*
 * Copy the trimmed span into out, upper-cased when upper is set.
 * Control characters make the value invalid.
 */
static enum identifier_status
copy_trimmed(const char *in, int upper, char *out, size_t outlen)
{
	const char	*start, *end;
	size_t		 len, i;
	unsigned char	 c;

	trim_span(in, &start, &end);
	len = (size_t)(end - start);
	if (len == 0)
		return IDENTIFIER_EMPTY;
	if (len > IDENTIFIER_MAX_LEN || len + 1 > outlen)
		return IDENTIFIER_INVALID;

	for (i = 0; i < len; i++) {
		c = (unsigned char)start[i];
		if (c < 0x20 || c == 0x7f)
			return IDENTIFIER_INVALID;
		out[i] = upper ? ascii_upper((char)c) : (char)c;
	}
	out[len] = '\0';
	return IDENTIFIER_OK;
}

/*
 * Keep the digits of in (hex digits when hex is set, upper-cased) and
 * drop DIGIT_SEPARATORS between them. The count must be within [min, max].
 */
static enum identifier_status
copy_digits(const char *in, int hex, size_t min, size_t max, char *out,
    size_t outlen)
{
	const char	*start, *end, *p;
	size_t		 len = 0, i;

	trim_span(in, &start, &end);
	if (start == end)
		return IDENTIFIER_EMPTY;

	for (p = start; p < end; p++) {
		if (strchr(DIGIT_SEPARATORS, *p) != NULL)
			continue;
		if (hex ? hex_value(*p) < 0 : !ascii_digit(*p))
			return IDENTIFIER_INVALID;
		if (len + 1 >= outlen || len >= max)
			return IDENTIFIER_INVALID;
		out[len++] = ascii_upper(*p);
	}
	out[len] = '\0';
	if (len < min)
		return IDENTIFIER_INVALID;

	for (i = 1; i < len && out[i] == out[0]; i++)
		;
	return i == len ? IDENTIFIER_NOT_UNIQUE : IDENTIFIER_OK;
}

enum identifier_status
identifier_normalize(enum identifier_kind kind, const char *in, char *out,
    size_t outlen)
{
	enum identifier_status	 status;
	unsigned char		 octets[MAC_MAX_OCTETS];
	const char		*start, *end;
	size_t			 count;

	if (in == NULL || outlen == 0)
		return in == NULL ? IDENTIFIER_EMPTY : IDENTIFIER_INVALID;

	switch (kind) {
	case IDENTIFIER_SERIAL:
		status = copy_trimmed(in, 1, out, outlen);
		if (status != IDENTIFIER_OK)
			return status;
		return serial_usable(out) ? IDENTIFIER_OK :
		    IDENTIFIER_NOT_UNIQUE;
	case IDENTIFIER_UDID:
		return copy_trimmed(in, 1, out, outlen);
	case IDENTIFIER_SOURCE_ID:
		return copy_trimmed(in, 0, out, outlen);
	case IDENTIFIER_IMEI:
		return copy_digits(in, 0, 14, 16, out, outlen);
	case IDENTIFIER_MEID:
		return copy_digits(in, 1, 14, 18, out, outlen);
	case IDENTIFIER_MAC:
		trim_span(in, &start, &end);
		if (start == end)
			return IDENTIFIER_EMPTY;
		if ((count = mac_parse(in, octets)) == 0 || outlen < 3 * count)
			return IDENTIFIER_INVALID;
		if (octets_unusable_reason(octets, count) != NULL)
			return IDENTIFIER_NOT_UNIQUE;
		mac_format(octets, count, out);
		return IDENTIFIER_OK;
	case IDENTIFIER__MAX:
		break;
	}
	return IDENTIFIER_INVALID;
}
