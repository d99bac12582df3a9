/*
 * The validators for the values a lookup accepts from a person: an email
 * address, a serial number or a MAC address. Handlers of the admin form
 * and of the JSON API call them before a value reaches a source, a log
 * line or a page.
 */
#ifndef STETHOSCOPE_VALIDATE_H
#define STETHOSCOPE_VALIDATE_H

#include "buf.h"
#include "source.h"

#define VALIDATE_EMAIL_MAX	254
#define VALIDATE_SERIAL_MAX	64

/*
 * Check value as kind says and append its normalized form to out: emails
 * lower-cased, serials upper-cased, MAC addresses as lowercase
 * colon-separated octets. Returns NULL when it is valid, or a fixed
 * message for people that says what is expected (it never contains the
 * value).
 */
const char *validate_lookup_value(enum lookup_kind kind, const char *value,
	    struct buf *out);

#endif
