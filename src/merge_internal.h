/*
 * Shared by the parts of merging: merge.c (collecting identifiers and
 * building the output), merge_join.c (joining groups) and merge_fields.c
 * (building one merged device from a group).
 */
#ifndef STETHOSCOPE_MERGE_INTERNAL_H
#define STETHOSCOPE_MERGE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "buf.h"
#include "device.h"
#include "identifier.h"
#include "intern.h"
#include "merge.h"

#define MERGE_NONE	INTERN_NONE

/* Kinds with one value per device, kept at each group's root. */
enum merge_single {
	MERGE_SINGLE_SERIAL,
	MERGE_SINGLE_UDID,
	MERGE_SINGLE_IMEI,
	MERGE_SINGLE_MEID,
	MERGE_SINGLE__MAX
};

/* A single-valued kind and its member of struct device_identifiers. */
struct merge_single_id {
	enum identifier_kind	 kind;
	size_t			 offset;
};

extern const struct merge_single_id merge_single_ids[MERGE_SINGLE__MAX];

/* One entry of a group's list of source ids. */
struct merge_source_entry {
	uint32_t	 source;	/* index in merge_state.sources */
	uint32_t	 key;		/* index in merge_state.keys */
	uint32_t	 record;	/* the record the id came from */
	uint32_t	 next;		/* in the same group, or MERGE_NONE */
};

/* The state of one merge; "record" means an index into the input list. */
struct merge_state {
	const struct device_list *in;
	uint32_t		 n;

	/* Union-find over record indexes. */
	uint32_t		*parent;
	uint32_t		*size;

	/*
	 * Per root: the group's single values, at root * MERGE_SINGLE__MAX +
	 * kind, and the records they came from.
	 */
	uint32_t		*value;
	uint32_t		*holder;

	/*
	 * Per root: its source ids as a list. The list of a long group (see
	 * merge_join.c) is also indexed by (root, source) in root_sources,
	 * whose values are entry indexes.
	 */
	uint32_t		*head;
	uint32_t		*tail;
	uint32_t		*entry_count;
	struct merge_source_entry *entries;
	size_t			 entry_len;
	size_t			 entry_cap;
	struct intern		 root_sources;
	uint32_t		*root_source_entry;
	size_t			 root_source_cap;

	/* Identifier values: a kind byte, then the normalized value. */
	struct intern		 keys;
	uint8_t			*key_kinds;	/* per key, for quick access */
	size_t			 key_kinds_cap;
	struct intern		 sources;

	/*
	 * (key, record) pairs in record order, then grouped by key. Each
	 * record's MAC addresses come last among its pairs, from
	 * mac_begin[record] up to occ_end[record].
	 */
	uint32_t		*occ_key;
	uint32_t		*occ_record;
	size_t			 occ_len;
	size_t			 occ_cap;
	uint32_t		*mac_begin;
	uint32_t		*occ_end;
	uint32_t		*bucket_start;	/* keys.count + 1 entries */
	uint32_t		*bucket_records;

	uint32_t		*stamp;		/* per record, counts groups */
	size_t			 conflicts_logged;
	size_t			 shared_logged;
	struct merge_stats	 stats;
};


static inline enum identifier_kind
merge_key_kind(const struct merge_state *st, uint32_t key)
{
	return (enum identifier_kind)st->key_kinds[key];
}

/* The value part of a key; for a source id, only the source name. */
static inline const char *
merge_key_value(const struct merge_state *st, uint32_t key)
{
	return intern_key(&st->keys, key, NULL) + 1;
}

static inline const char *
merge_record_source(const struct merge_state *st, uint32_t record)
{
	const char	*source = st->in->items[record].source;

	return source != NULL ? source : "";
}

/* Return the root of x's group, compressing the path to it. */
uint32_t merge_find_root(struct merge_state *st, uint32_t x);

/*
 * Append entry to the list of the group at root; the caller has checked
 * that the group has no entry from the same source.
 */
void	merge_append_entry(struct merge_state *st, uint32_t root,
	    uint32_t entry);

/*
 * Join groups on every identifier value carried by two records or more,
 * kind by kind in the order merge.h gives, refusing conflicting joins.
 */
void	merge_run_phases(struct merge_state *st);

/* A group member ordered by how recently it synced. */
struct merge_sync_order {
	time_t	 last_sync;
	size_t	 index;
};

/*
 * Memory reused from one group to the next. Duplicates are found with
 * one interned table of everything seen and a stamp per entry: an entry
 * whose stamp equals the current group number was already seen in this
 * group, so nothing needs clearing between groups.
 */
struct merge_scratch {
	struct intern			  seen;
	uint32_t			 *stamp;	/* per seen entry */
	uint32_t			 *slot;		/* per seen entry */
	size_t				  seen_cap;
	uint32_t			  group;	/* the stamp, from 1 */
	struct buf			  key;
	struct merge_sync_order		 *order;
	size_t				  order_cap;
	const struct observation	**best;
	size_t				  best_cap;
};

/*
 * Build out from the records of in at the count indexes in members
 * (ascending), following the field rules in merge.h. The identifiers
 * other than the source id are left to the caller, which has them
 * normalized from grouping.
 */
void	merge_group(struct merge_scratch *scratch,
	    const struct device_list *in, const size_t *members, size_t count,
	    struct merged_device *out);

void	merge_scratch_free(struct merge_scratch *scratch);

#endif
