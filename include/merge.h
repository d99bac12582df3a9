/*
 * Merging the device records that describe the same physical device.
 *
 * Matching. Identifiers are normalized as identifier.h describes, and
 * values that cannot identify one device (empty, placeholder serials,
 * locally administered, group, broadcast and all-zero MAC addresses) are
 * ignored. Two records match when they share a serial number, UDID,
 * IMEI, MEID, MAC address, or a source id from the same source. Two
 * groups of records conflict when they contain different serial numbers,
 * UDIDs, IMEIs or MEIDs, or different ids from one source. MAC
 * addresses are a set per device, so different ones never conflict.
 *
 * Grouping. Records start as groups of one and are joined with
 * union-find (path compression, union by size). Each group's root keeps
 * the group's serial, UDID, IMEI, MEID and per-source ids, and a join
 * that would put two different values of one kind into a group is
 * refused and logged (warn, component "merge"). So no merged device ever
 * contains conflicting identifiers, however the matches chain. If A and
 * B share a MAC address, and B and C too, but A and C have different
 * serials, C does not end up with A.
 *
 * The order of joins decides which group a record joins when it matches
 * two groups that conflict with each other:
 * 1. kinds in the order serial, UDID, IMEI, MEID, source id, MAC
 *    address, so that the weakest evidence (a MAC address can belong to
 *    a dock or an adapter that moves between machines) comes last;
 * 2. within a kind, values carried by fewer groups first;
 * 3. within a value, records in input order, each joining the first
 *    earlier group carrying that value that it does not conflict with.
 * A value found on the records of more than MERGE_MAX_GROUPS_PER_VALUE
 * groups when its kind's turn comes is taken as shared hardware (a
 * docking station, a virtual network adapter) or an unlisted placeholder
 * serial. It then matches nothing, and this is logged at info level.
 *
 * Cost. A record tries at most MERGE_MAX_GROUPS_PER_VALUE joins per
 * value it carries. Apart from the union-find and sorting each group by
 * sync time, every step is linear in the number of identifiers, so
 * merging is near-linear in the number of records.
 *
 * Fields of a merged device:
 * - Each observation key takes the newest observation by observed_at,
 *   where 0 is oldest. At equal times a known value beats an unknown
 *   one, and then the earlier record wins.
 * - name, model, manufacturer, platform, os_name and email come from the
 *   most recently synced record that has them (by last_sync, with ties
 *   going to the earlier record). os_version comes from the most recent
 *   record that has one and whose os_name is unknown or equal to the
 *   chosen one, ignoring case, so that a version never pairs with
 *   another OS. last_sync is the newest.
 * - source and ids.source_id come together from the most recently
 *   synced record, because a source id means nothing without its source.
 * - serial, UDID, IMEI and MEID are the group's normalized values. All
 *   usable values of one kind in a group are equal, because conflicting
 *   ones are never joined.
 * - MAC addresses (canonical, usable), installed software (by name and
 *   version), services (by name) and source names are unions without
 *   duplicates, in input order of first appearance.
 * Merged devices are ordered by their first input record.
 */
#ifndef STETHOSCOPE_MERGE_H
#define STETHOSCOPE_MERGE_H

#include <stddef.h>

#include "device.h"

#define MERGE_MAX_GROUPS_PER_VALUE	16
/* Conflicts and shared values logged one by one per call; others are counted. */
#define MERGE_MAX_LOGGED		20

struct merge_stats {
	size_t	 records;		/* input records */
	size_t	 devices;		/* merged devices in the output */
	size_t	 conflicts;		/* joins refused: identifiers differ */
	size_t	 shared_values;		/* values ignored as shared */
};

/*
 * Group the records of in that describe the same device and build one
 * merged device per group into out, which is overwritten and owned by
 * the caller (merged_list_free). in is not changed and may be freed
 * afterwards because out contains copies. Returns 0, or -1 with out empty if in
 * has more than UINT32_MAX - 1 records.
 */
int	merge_records(const struct device_list *in, struct merged_list *out);

/* Do what merge_records does and also fill *stats. */
int	merge_records_stats(const struct device_list *in,
	    struct merged_list *out, struct merge_stats *stats);

#endif
