/*
 * The device views of the pages: the evaluate result (evaluate.h) shaped
 * for templates, which cannot walk the keys of an object, compute times
 * or sort. Every function here is pure apart from allocation, and takes
 * the current time as an argument so that tests can fix it.
 */
#ifndef STETHOSCOPE_VIEW_H
#define STETHOSCOPE_VIEW_H

#include <stddef.h>
#include <time.h>

#include <json-c/json.h>

#include "buf.h"
#include "source.h"

/* Hex digits of a device id. */
#define VIEW_DEVICE_ID_LEN	12

struct view_options {
	time_t	 now;		/* for relative times and staleness */
	int	 stale_days;	/* a device not seen for longer is stale */
};

/*
 * Append the time from then to now in words: "just now", "5 minutes ago",
 * "1 hour ago", "3 days ago", "2 months ago", "1 year ago". Differences
 * are rounded down. A time more than a minute after now is "in the
 * future", because the clocks of sources can be ahead of ours.
 */
void	view_relative_time(struct buf *b, time_t then, time_t now);

/*
 * Write the device's id (VIEW_DEVICE_ID_LEN lowercase hex digits and a NUL)
 * to out: the first 48 bits of the 64-bit FNV-1a hash of its best
 * identifier, which is the first present of serial, UDID, IMEI, MEID, the
 * first MAC address, the source id prefixed with its source, and finally
 * the name. Merging reports the same serial (and the same normalized
 * UDID, IMEI and MEID) for a device on every request, so its id is stable
 * while its identifiers are. A device known only by MAC address or source
 * id can change id when a source adds or drops one.
 */
void	view_device_id(struct json_object *device,
	    char out[VIEW_DEVICE_ID_LEN + 1]);

/*
 * Build the view of the device templates from result (evaluate_records'
 * output). result stays the caller's, but its devices gain the fields below
 * and the view shares them. The caller frees the view with json_object_put:
 *
 *   {"devices": [device...], "device_count": N,
 *    "critical": [{"device_id", "device_href", "name", "title",
 *      "action"}], "has_critical": true,
 *    "source_errors": [{"source", "message"}], "has_source_errors": true}
 *
 * Each device gets "id", "href" (/devices/ID), "status_label", a flag
 * named after its status, "practice_list" (the practices that apply, in
 * the verdict's order: worst first, then by rating), "na_list" with
 * "na_count", "attention" (practices in warn or nudge), "synced" with
 * relative times, "last_seen", and "stale" when the newest sync is older
 * than stale_days. Each practice gets "key", "status_label", a status
 * flag, an "action" (the first sentence of its directions) and "icon".
 * result may be NULL (the records could not be merged); the view then
 * has no devices. errors may be NULL when count is 0.
 */
struct json_object *view_build(struct json_object *result,
	    const struct source_error *errors, size_t error_count,
	    const struct view_options *options);

/*
 * Return the device of view (from view_build) whose id is id, borrowed
 * from view, or NULL when no device has it.
 */
struct json_object *view_find_device(struct json_object *view,
	    const char *id);

/* Return the label people read for a status ("Must fix" for warn). */
const char *view_status_label(const char *status);

#endif
