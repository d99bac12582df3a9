/*
 * Joining groups of records: union-find with the conflict checks, and
 * the phases that decide the order of joins. The rules are in merge.h.
 */

#include <stdint.h>
#include <stdlib.h>

#include "buf.h"
#include "log.h"
#include "merge_internal.h"
#include "xalloc.h"

#define NONE	MERGE_NONE

/* The order in which identifier kinds join groups: strongest first. */
static const enum identifier_kind phase_order[] = {
	IDENTIFIER_SERIAL,
	IDENTIFIER_UDID,
	IDENTIFIER_IMEI,
	IDENTIFIER_MEID,
	IDENTIFIER_SOURCE_ID,
	IDENTIFIER_MAC,
};

/*
 * How log lines name each kind. Only serial numbers and MAC addresses
 * appear with their values. The other kinds identify a person's phone
 * more directly, so logs leave their values out.
 */
static const struct {
	const char	*plural;
	const char	*shared;	/* when the value is not logged */
	int		 log_value;
} kind_phrases[IDENTIFIER__MAX] = {
	[IDENTIFIER_SERIAL]	= { "serial numbers", NULL, 1 },
	[IDENTIFIER_UDID]	= { "UDIDs", "a UDID", 0 },
	[IDENTIFIER_IMEI]	= { "IMEIs", "an IMEI", 0 },
	[IDENTIFIER_MEID]	= { "MEIDs", "an MEID", 0 },
	[IDENTIFIER_SOURCE_ID]	= { "ids from one source", "a source id", 0 },
	[IDENTIFIER_MAC]	= { "MAC addresses", NULL, 1 },
};

uint32_t
merge_find_root(struct merge_state *st, uint32_t x)
{
	uint32_t	 root = x, next;

	while (st->parent[root] != root)
		root = st->parent[root];
	while (st->parent[x] != root) {
		next = st->parent[x];
		st->parent[x] = root;
		x = next;
	}
	return root;
}

/*
 * Groups almost always contain a handful of records, so a group's source
 * ids are searched in its list until the list passes this length. Longer
 * lists are indexed as well, which keeps joins near-linear for any input.
 */
#define SOURCE_SCAN_MAX	8

/* Return the entry with source in the list of the group at root, or NONE. */
static uint32_t
group_source_entry(const struct merge_state *st, uint32_t root,
    uint32_t source)
{
	const uint32_t	 pair[2] = { root, source };
	uint32_t	 entry, index;

	if (st->entry_count[root] <= SOURCE_SCAN_MAX) {
		for (entry = st->head[root]; entry != NONE;
		    entry = st->entries[entry].next)
			if (st->entries[entry].source == source)
				return entry;
		return NONE;
	}
	index = intern_find(&st->root_sources, pair, sizeof(pair));
	return index == NONE ? NONE : st->root_source_entry[index];
}

static void
index_entry(struct merge_state *st, uint32_t root, uint32_t entry)
{
	const uint32_t	 pair[2] = { root, st->entries[entry].source };
	uint32_t	 index;

	index = intern_add(&st->root_sources, pair, sizeof(pair), NULL);
	if (index >= st->root_source_cap) {
		st->root_source_cap = st->root_source_cap ?
		    st->root_source_cap * 2 : 1024;
		st->root_source_entry = xrealloc(st->root_source_entry,
		    st->root_source_cap * sizeof(st->root_source_entry[0]));
	}
	st->root_source_entry[index] = entry;
}

void
merge_append_entry(struct merge_state *st, uint32_t root, uint32_t entry)
{
	uint32_t	 e;

	st->entries[entry].next = NONE;
	if (st->head[root] == NONE)
		st->head[root] = entry;
	else
		st->entries[st->tail[root]].next = entry;
	st->tail[root] = entry;
	st->entry_count[root]++;

	if (st->entry_count[root] == SOURCE_SCAN_MAX + 1) {
		for (e = st->head[root]; e != NONE; e = st->entries[e].next)
			index_entry(st, root, e);
	} else if (st->entry_count[root] > SOURCE_SCAN_MAX + 1)
		index_entry(st, root, entry);
}

static void
log_conflict(struct merge_state *st, uint32_t shared_key,
    enum identifier_kind kind, uint32_t record_a, uint32_t value_a,
    uint32_t record_b, uint32_t value_b)
{
	enum identifier_kind	 shared_kind = merge_key_kind(st, shared_key);
	struct buf		 shared = BUF_INIT;
	uint32_t		 tmp;

	st->stats.conflicts++;
	if (st->conflicts_logged++ >= MERGE_MAX_LOGGED)
		return;

	/* Name the records in input order. */
	if (record_a > record_b) {
		tmp = record_a;
		record_a = record_b;
		record_b = tmp;
		tmp = value_a;
		value_a = value_b;
		value_b = tmp;
	}

	if (kind_phrases[shared_kind].log_value)
		buf_printf(&shared, "%s %s", identifier_kind_name(shared_kind),
		    merge_key_value(st, shared_key));
	else
		buf_puts(&shared, kind_phrases[shared_kind].shared);

	if (kind_phrases[kind].log_value)
		log_warn("merge", "%s links two devices with different %s: "
		    "%s (record %u, %s) and %s (record %u, %s); not merged",
		    shared.data, kind_phrases[kind].plural,
		    merge_key_value(st, value_a), record_a,
		    merge_record_source(st, record_a),
		    merge_key_value(st, value_b), record_b,
		    merge_record_source(st, record_b));
	else
		log_warn("merge", "%s links two devices with different %s "
		    "(record %u, %s; record %u, %s); not merged", shared.data,
		    kind_phrases[kind].plural, record_a,
		    merge_record_source(st, record_a), record_b,
		    merge_record_source(st, record_b));
	buf_free(&shared);
}

/*
 * Return 1 if the groups with roots a and b contain different values of
 * one kind, and log which. Returns 0 if they may be joined.
 */
static int
groups_conflict(struct merge_state *st, uint32_t a, uint32_t b,
    uint32_t shared_key)
{
	const struct merge_source_entry	*e;
	uint32_t			 small, large, entry, found;
	size_t				 k, ia, ib;

	for (k = 0; k < MERGE_SINGLE__MAX; k++) {
		ia = (size_t)a * MERGE_SINGLE__MAX + k;
		ib = (size_t)b * MERGE_SINGLE__MAX + k;
		if (st->value[ia] == NONE || st->value[ib] == NONE ||
		    st->value[ia] == st->value[ib])
			continue;
		log_conflict(st, shared_key, merge_single_ids[k].kind,
		    st->holder[ia], st->value[ia], st->holder[ib],
		    st->value[ib]);
		return 1;
	}

	/* Look up the shorter list's sources in the other group. */
	small = st->entry_count[a] <= st->entry_count[b] ? a : b;
	large = small == a ? b : a;
	for (entry = st->head[small]; entry != NONE; entry = e->next) {
		e = &st->entries[entry];
		found = group_source_entry(st, large, e->source);
		if (found == NONE || st->entries[found].key == e->key)
			continue;
		log_conflict(st, shared_key, IDENTIFIER_SOURCE_ID,
		    st->entries[found].record, st->entries[found].key,
		    e->record, e->key);
		return 1;
	}
	return 0;
}

/* Join the groups with roots a and b, which do not conflict. */
static void
join_groups(struct merge_state *st, uint32_t a, uint32_t b)
{
	uint32_t	 tmp, entry, next;
	size_t		 k, ia, ib;

	if (st->size[a] < st->size[b]) {
		tmp = a;
		a = b;
		b = tmp;
	}
	st->parent[b] = a;
	st->size[a] += st->size[b];

	for (k = 0; k < MERGE_SINGLE__MAX; k++) {
		ia = (size_t)a * MERGE_SINGLE__MAX + k;
		ib = (size_t)b * MERGE_SINGLE__MAX + k;
		if (st->value[ia] == NONE) {
			st->value[ia] = st->value[ib];
			st->holder[ia] = st->holder[ib];
		}
	}

	/*
	 * Move the smaller group's source ids, dropping those the larger
	 * group has already. An entry moves only when its group at least
	 * doubles in size, so each entry moves O(log n) times.
	 */
	for (entry = st->head[b]; entry != NONE; entry = next) {
		next = st->entries[entry].next;
		if (group_source_entry(st, a, st->entries[entry].source) ==
		    NONE)
			merge_append_entry(st, a, entry);
	}
	st->head[b] = st->tail[b] = NONE;
	st->entry_count[b] = 0;
}

/* Count the groups of the key's records, stopping after limit + 1. */
static uint32_t
count_groups(struct merge_state *st, uint32_t key, uint32_t limit)
{
	uint32_t	 groups = 0, root, i;

	for (i = st->bucket_start[key]; i < st->bucket_start[key + 1]; i++) {
		root = merge_find_root(st, st->bucket_records[i]);
		if (st->stamp[root] == key + 1)
			continue;
		st->stamp[root] = key + 1;
		if (++groups > limit)
			break;
	}
	return groups;
}

static void
log_shared(struct merge_state *st, uint32_t key)
{
	enum identifier_kind	 kind = merge_key_kind(st, key);

	st->stats.shared_values++;
	if (st->shared_logged++ >= MERGE_MAX_LOGGED)
		return;
	if (kind_phrases[kind].log_value)
		log_info("merge", "%s %s is on the records of more than %d "
		    "devices; not using it to match records",
		    identifier_kind_name(kind), merge_key_value(st, key),
		    MERGE_MAX_GROUPS_PER_VALUE);
	else
		log_info("merge", "%s is on the records of more than %d "
		    "devices; not using it to match records",
		    kind_phrases[kind].shared, MERGE_MAX_GROUPS_PER_VALUE);
}

/*
 * Walk the key's records in input order. Each joins the first earlier
 * group carrying the key that it does not conflict with, or else becomes
 * such a group itself. These candidate groups conflict with each other
 * pairwise, and there are at most as many as count_groups found.
 */
static void
join_on_key(struct merge_state *st, uint32_t key)
{
	uint32_t	 candidates[MERGE_MAX_GROUPS_PER_VALUE];
	uint32_t	 root, i;
	size_t		 count = 0, c;

	for (i = st->bucket_start[key]; i < st->bucket_start[key + 1]; i++) {
		root = merge_find_root(st, st->bucket_records[i]);
		for (c = 0; c < count; c++) {
			candidates[c] = merge_find_root(st, candidates[c]);
			if (candidates[c] == root)
				break;
		}
		if (c < count)
			continue;

		for (c = 0; c < count; c++) {
			if (!groups_conflict(st, candidates[c], root, key)) {
				join_groups(st, candidates[c], root);
				candidates[c] = merge_find_root(st, root);
				break;
			}
		}
		if (c == count && count < MERGE_MAX_GROUPS_PER_VALUE)
			candidates[count++] = root;
	}
}

/*
 * Join groups on the values of one kind (keys, those carried by two
 * records or more), fewest groups per value first.
 */
static void
run_phase(struct merge_state *st, const uint32_t *keys, uint32_t count,
    uint32_t *used, uint32_t *groups, uint32_t *sorted)
{
	uint32_t	 starts[MERGE_MAX_GROUPS_PER_VALUE + 2] = { 0 };
	uint32_t	 n = 0, i, g;

	for (i = 0; i < count; i++) {
		g = count_groups(st, keys[i], MERGE_MAX_GROUPS_PER_VALUE);
		if (g > MERGE_MAX_GROUPS_PER_VALUE) {
			log_shared(st, keys[i]);
			continue;
		}
		if (g < 2)
			continue;
		used[n] = keys[i];
		groups[n] = g;
		starts[g + 1]++;
		n++;
	}

	/* A counting sort by group count keeps key order within one count. */
	for (g = 1; g <= MERGE_MAX_GROUPS_PER_VALUE + 1; g++)
		starts[g] += starts[g - 1];
	for (i = 0; i < n; i++)
		sorted[starts[groups[i]]++] = used[i];
	for (i = 0; i < n; i++)
		join_on_key(st, sorted[i]);
}

/*
 * Run the phases in phase_order. Keys carried by one record only cannot
 * join anything, so only the others are listed, grouped by kind with a
 * counting sort.
 */
void
merge_run_phases(struct merge_state *st)
{
	uint32_t	 kind_start[IDENTIFIER__MAX + 1] = { 0 };
	uint32_t	 next[IDENTIFIER__MAX];
	uint32_t	*by_kind, *used, *groups, *sorted, key, count = 0;
	size_t		 p, k;

	for (key = 0; key < st->keys.count; key++) {
		if (st->bucket_start[key + 1] - st->bucket_start[key] < 2)
			continue;
		kind_start[merge_key_kind(st, key) + 1]++;
		count++;
	}
	for (k = 0; k < IDENTIFIER__MAX; k++) {
		kind_start[k + 1] += kind_start[k];
		next[k] = kind_start[k];
	}

	by_kind = xmalloc(((size_t)count + 1) * sizeof(by_kind[0]));
	used = xmalloc(((size_t)count + 1) * sizeof(used[0]));
	groups = xmalloc(((size_t)count + 1) * sizeof(groups[0]));
	sorted = xmalloc(((size_t)count + 1) * sizeof(sorted[0]));
	for (key = 0; key < st->keys.count; key++)
		if (st->bucket_start[key + 1] - st->bucket_start[key] >= 2)
			by_kind[next[merge_key_kind(st, key)]++] = key;

	for (p = 0; p < sizeof(phase_order) / sizeof(phase_order[0]); p++) {
		k = phase_order[p];
		run_phase(st, by_kind + kind_start[k],
		    kind_start[k + 1] - kind_start[k], used, groups, sorted);
	}
	free(by_kind);
	free(used);
	free(groups);
	free(sorted);
}

