/* Validators for lookup values: email addresses, serials, MAC addresses. */

#include <string.h>

#include "identifier.h"
#include "validate.h"

static const char *
validate_email(const char *value, struct buf *out)
{
	const char	*at, *p;
	size_t		 len = strlen(value);

	at = strchr(value, '@');
	if (len == 0 || len > VALIDATE_EMAIL_MAX || at == NULL ||
	    at == value || at[1] == '\0' || strchr(at + 1, '@') != NULL)
		return "Enter an email address such as name@example.com, "
		    "with one \"@\" and at most 254 characters.";
	for (p = value; *p != '\0'; p++) {
		if ((unsigned char)*p <= 0x20 || *p == 0x7f || *p == '<' ||
		    *p == '>' || *p == '"' || *p == '\\' || *p == ',')
			return "An email address cannot contain spaces, "
			    "control characters, commas, quotes or angle "
			    "brackets.";
	}
	for (p = value; *p != '\0'; p++)
		buf_putc(out, (*p >= 'A' && *p <= 'Z') ?
		    (char)(*p - 'A' + 'a') : *p);
	return NULL;
}

static const char *
validate_serial(const char *value, struct buf *out)
{
	const char	*p;
	size_t		 len = strlen(value);

	if (len == 0 || len > VALIDATE_SERIAL_MAX)
		return "Enter a serial number of 1 to 64 characters.";
	for (p = value; *p != '\0'; p++) {
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' ||
		    *p == '_'))
			return "A serial number contains only letters, digits, "
			    "\"-\", \".\" and \"_\".";
	}
	for (p = value; *p != '\0'; p++)
		buf_putc(out, (*p >= 'a' && *p <= 'z') ?
		    (char)(*p - 'a' + 'A') : *p);
	return NULL;
}

static const char *
validate_mac(const char *value, struct buf *out)
{
	char	 canonical[MAC_CANONICAL_SIZE];

	if (mac_canonicalize(value, canonical, sizeof(canonical)) != 0)
		return "Enter a MAC address such as 00:1a:2b:3c:4d:5e (colons, "
		    "dashes or dots between the octets, or none).";
	buf_puts(out, canonical);
	return NULL;
}

static const char *(*const validators[LOOKUP__MAX])(const char *,
    struct buf *) = {
	[LOOKUP_EMAIL] = validate_email,
	[LOOKUP_SERIAL] = validate_serial,
	[LOOKUP_MAC] = validate_mac,
};

const char *
validate_lookup_value(enum lookup_kind kind, const char *value,
    struct buf *out)
{
	if ((unsigned)kind >= LOOKUP__MAX || value == NULL)
		return "Enter an email address, a serial number or a MAC "
		    "address.";
	return validators[kind](value, out);
}
