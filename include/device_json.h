/*
 * The JSON form of device records, read by `stethoscope evaluate` and
 * the tests and written by the JSON API:
 *
 *   {"records": [{
 *     "source": "jamf", "name": "...", "model": "...", "manufacturer": "...",
 *     "platform": "Mac", "os": "macOS", "os_version": "14.4.1",
 *     "email": "...", "last_sync": "2026-11-30T10:00:00Z",
 *     "identifiers": {"serial": "...", "udid": "...", "imei": "...",
 *       "meid": "...", "id": "...", "mac_addresses": ["..."]},
 *     "observations": {"encryption": {"value": true, "details": "...",
 *       "observed_at": "..."}},
 *     "software": {"installed": [{"name": "...", "version": "..."}],
 *       "services": [{"name": "..."}]}}]}
 *
 * Every key except "source" (and "name" in software and service items)
 * may be missing or null, which means unknown. Timestamps are RFC 3339.
 */
#ifndef STETHOSCOPE_DEVICE_JSON_H
#define STETHOSCOPE_DEVICE_JSON_H

#include <json-c/json.h>

#include "device.h"
#include "diag.h"

#define DEVICE_JSON_MAX_RECORDS		1000000
#define DEVICE_JSON_MAX_STRING		4096	/* bytes, in every string and key */
#define DEVICE_JSON_MAX_MACS		64	/* per record */
#define DEVICE_JSON_MAX_OBSERVATIONS	1000	/* per record */
#define DEVICE_JSON_MAX_SOFTWARE	10000	/* per record, in each of the two lists */
/* Problems reported one by one; the rest are only counted. */
#define DEVICE_JSON_MAX_ERRORS		100

/*
 * Append the records in root to out. name (a file name, or "-") prefixes
 * each problem. The checks cover the type of every value, unknown keys,
 * the limits above, platform names and timestamps. Each problem names
 * its path, as in "records[3].identifiers.serial: expected a string, not
 * a number". Identifiers are normalized on the way in (identifier.h), and
 * those that cannot identify a device, such as placeholder serials, are
 * dropped with a debug log. MAC addresses are also deduplicated. Emails
 * are trimmed and lower-cased, and empty strings become unknown. So do
 * timestamps at or before the epoch, because device.h uses 0 for unknown.
 * Returns 0, or -1 with every problem in diags and out unchanged.
 */
int	device_json_parse(const char *name, struct json_object *root,
	    struct device_list *out, struct diag_list *diags);

/*
 * Build the JSON object for one record in the form above, with only its
 * known values. The caller owns the result (json_object_put).
 */
struct json_object *device_record_to_json(const struct device_record *rec);

/* Build {"records": [...]} for every record in list; the caller owns it. */
struct json_object *device_list_to_json(const struct device_list *list);

#endif
