/*
 * Device identifiers: checking and normalizing serial numbers, MAC
 * addresses, UDIDs, IMEIs, MEIDs and source ids. After normalizing, the
 * same identifier from two sources compares equal as a string. Values
 * that many devices share, such as placeholder serials and locally
 * administered MAC addresses, are rejected so that they never make two
 * devices look like one.
 */
#ifndef STETHOSCOPE_IDENTIFIER_H
#define STETHOSCOPE_IDENTIFIER_H

#include <stddef.h>

enum identifier_kind {
	IDENTIFIER_SERIAL,
	IDENTIFIER_UDID,
	IDENTIFIER_IMEI,
	IDENTIFIER_MEID,
	IDENTIFIER_SOURCE_ID,
	IDENTIFIER_MAC,
	IDENTIFIER__MAX
};

/* Result of identifier_normalize; 0 is success. */
enum identifier_status {
	IDENTIFIER_OK = 0,
	IDENTIFIER_EMPTY = -1,		/* empty or only spaces */
	IDENTIFIER_INVALID = -2,	/* malformed, or longer than the output */
	IDENTIFIER_NOT_UNIQUE = -3,	/* placeholder serial, unusable MAC address */
};

#define MAC_MIN_OCTETS		6
#define MAC_MAX_OCTETS		8
/* Bytes for the canonical form of the longest MAC address, with the NUL. */
#define MAC_CANONICAL_SIZE	(MAC_MAX_OCTETS * 3)
/* Longest normalized identifier that identifier_normalize accepts. */
#define IDENTIFIER_MAX_LEN	255

/* Return a name for messages: "serial number", "MAC address", "UDID", ... */
const char *identifier_kind_name(enum identifier_kind kind);

/* Return a phrase for an identifier_status, such as "not unique". */
const char *identifier_status_text(enum identifier_status status);

/*
 * Convert a MAC address to upper-case hex octets separated by colons.
 * Accepted, in any case and with surrounding spaces ignored: colon- or
 * dash-separated octets of one or two hex digits ("aa:bb:cc:dd:ee:ff",
 * "AA-BB-..", "0:1c:..."), dotted groups of four hex digits
 * ("aabb.ccdd.eeff"), and bare hex digits ("AABBCCDDEEFF"); 6 to 8 octets.
 * Returns 0 with the result in out, or -1 if in is not such an address
 * or out has fewer than 3 bytes per octet (MAC_CANONICAL_SIZE always fits).
 */
int	mac_canonicalize(const char *in, char *out, size_t outlen);

/*
 * Return why a canonical MAC address cannot identify one device:
 * "all-zero", "broadcast", "group" (the least significant bit of the first
 * octet is set), "locally administered" (the second least significant
 * bit is set), or "not in canonical form". Returns NULL for a usable one.
 */
const char *mac_unusable_reason(const char *canonical);

/* Return 1 if mac_unusable_reason(canonical) is NULL, else 0. */
int	mac_usable(const char *canonical);

/*
 * Return 1 if s can identify a device as a serial number. Returns 0 for
 * NULL and for placeholders: a value from the placeholder table, compared
 * ignoring case, spaces and punctuation ("N/A" matches "n a"), a value
 * without letters or digits, or one character repeated ("0000000000").
 */
int	serial_usable(const char *s);

/*
 * Normalize an identifier of the given kind into out (outlen bytes):
 * - every kind: surrounding spaces trimmed, control characters invalid;
 * - serial number, UDID: upper-cased, because sources differ in case;
 *   serials must pass serial_usable;
 * - IMEI: decimal digits only, with spaces, dashes, dots and slashes
 *   between them removed; 14 to 16 digits;
 * - MEID: hex digits (upper-cased) with the same separators removed;
 *   14 to 18 digits, so the decimal form also fits;
 * - source id: trimmed only;
 * - MAC address: mac_canonicalize, then mac_usable.
 * An IMEI or MEID of one repeated digit is not unique. The result is at
 * most IDENTIFIER_MAX_LEN bytes. Returns IDENTIFIER_OK, or the reason the
 * value cannot identify a device (out is then unspecified).
 */
enum identifier_status identifier_normalize(enum identifier_kind kind,
	    const char *in, char *out, size_t outlen);

#endif
