/*
 * Filling device records from the raw values an upstream sends. Every
 * identifier is normalized (identifier.h) before it is stored, so that a
 * placeholder serial or a locally administered MAC address never reaches
 * the merge. What is dropped is logged at debug level with the source's
 * name.
 */
#ifndef STETHOSCOPE_RECORD_FILL_H
#define STETHOSCOPE_RECORD_FILL_H

#include "device.h"
#include "identifier.h"

/*
 * Normalize raw as an identifier of kind and store a copy in the record's
 * field for that kind (serial, UDID, IMEI, MEID or source id), replacing
 * nothing that is already set. raw may be NULL. Returns 0 when the value
 * was stored, or -1 when it was absent, unusable or the field already had
 * one. kind must not be IDENTIFIER_MAC.
 */
int	record_set_identifier(struct device_record *rec,
	    enum identifier_kind kind, const char *raw);

/*
 * Canonicalize raw as a MAC address and add it to the record when it can
 * identify one device and is not there yet. raw may be NULL. Returns 0
 * when it was added, else -1.
 */
int	record_add_mac_text(struct device_record *rec, const char *raw);

/*
 * Store raw as the record's owner email, without surrounding spaces and
 * in lower case, unless the record has one already, or raw has no '@'
 * or contains a space or control character inside.
 * Returns 0 when it was stored, else -1.
 */
int	record_set_email(struct device_record *rec, const char *raw);

#endif
