/*
 * The pipeline after the sources: merge records into devices, evaluate
 * every practice on every device, and build the result view that
 * `stethoscope evaluate`, the JSON API and the pages share:
 *
 *   {"devices": [{...merged record fields..., "sources": ["jamf", ...],
 *     "synced": [{"source": "jamf", "last_sync": "2026-11-30T10:00:00Z"}],
 *     "status": "warn", "practices": {"encryption": {"status": "warn",
 *     "title": "...", "description": "...", "details": "...",
 *     "directions": "...", "link": "...", "rating": "critical",
 *     "last_updated": "2026-11-30T10:00:00Z"}, ...}}],
 *    "critical": [{"device": 0, "name": "...", "practice": "encryption",
 *     "title": "..."}]}
 *
 * Devices are listed worst status first, then by name; within a device
 * the practices keep the verdict's order (worst first, then by rating).
 */
#ifndef STETHOSCOPE_EVALUATE_H
#define STETHOSCOPE_EVALUATE_H

#include <json-c/json.h>

#include "device.h"
#include "practices.h"

/*
 * Merge records, evaluate the practices and return the view above. The
 * caller owns the result (json_object_put). Returns NULL only when the
 * records cannot be merged (more than the merge limit).
 */
struct json_object *evaluate_records(const struct practices *practices,
	    const struct device_list *records);

#endif
