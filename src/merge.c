/*
 * Merging device records: collecting their identifiers, grouping them
 * (merge_join.c) and building one merged device per group. The rules are
 * in merge.h.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "identifier.h"
#include "intern.h"
#include "log.h"
#include "merge.h"
#include "merge_internal.h"
#include "xalloc.h"

#define NONE	MERGE_NONE

const struct merge_single_id merge_single_ids[MERGE_SINGLE__MAX] = {
	[MERGE_SINGLE_SERIAL] = { IDENTIFIER_SERIAL,
	    offsetof(struct device_identifiers, serial) },
	[MERGE_SINGLE_UDID] = { IDENTIFIER_UDID,
	    offsetof(struct device_identifiers, udid) },
	[MERGE_SINGLE_IMEI] = { IDENTIFIER_IMEI,
	    offsetof(struct device_identifiers, imei) },
	[MERGE_SINGLE_MEID] = { IDENTIFIER_MEID,
	    offsetof(struct device_identifiers, meid) },
};

static uint32_t
add_key(struct merge_state *st, struct buf *scratch,
    enum identifier_kind kind, const char *prefix, const char *value)
{
	uint32_t	 key;

	buf_reset(scratch);
	buf_putc(scratch, (char)kind);
	if (prefix != NULL) {
		buf_puts(scratch, prefix);
		buf_putc(scratch, '\0');
	}
	buf_puts(scratch, value);
	key = intern_add(&st->keys, scratch->data, scratch->len, NULL);

	if (key >= st->key_kinds_cap) {
		st->key_kinds_cap = st->key_kinds_cap ? st->key_kinds_cap * 2 :
		    1024;
		st->key_kinds = xrealloc(st->key_kinds, st->key_kinds_cap);
	}
	st->key_kinds[key] = (uint8_t)kind;
	return key;
}

static void
add_occurrence(struct merge_state *st, uint32_t key, uint32_t record)
{
	if (st->occ_len == st->occ_cap) {
		st->occ_cap = st->occ_cap ? st->occ_cap * 2 : 1024;
		st->occ_key = xrealloc(st->occ_key,
		    st->occ_cap * sizeof(st->occ_key[0]));
		st->occ_record = xrealloc(st->occ_record,
		    st->occ_cap * sizeof(st->occ_record[0]));
	}
	st->occ_key[st->occ_len] = key;
	st->occ_record[st->occ_len] = record;
	st->occ_len++;
}

/* Intern the record's usable identifiers and note where each occurs. */
static void
collect_record(struct merge_state *st, struct buf *scratch, uint32_t i)
{
	const struct device_record	*rec = &st->in->items[i];
	struct merge_source_entry	*e;
	char				 id[IDENTIFIER_MAX_LEN + 1];
	const char			*raw;
	uint32_t			 key;
	size_t				 k;

	for (k = 0; k < MERGE_SINGLE__MAX; k++) {
		raw = *(char *const *)(const void *)((const char *)&rec->ids +
		    merge_single_ids[k].offset);
		if (identifier_normalize(merge_single_ids[k].kind, raw, id,
		    sizeof(id)) != IDENTIFIER_OK)
			continue;
		key = add_key(st, scratch, merge_single_ids[k].kind, NULL, id);
		st->value[(size_t)i * MERGE_SINGLE__MAX + k] = key;
		st->holder[(size_t)i * MERGE_SINGLE__MAX + k] = i;
		add_occurrence(st, key, i);
	}

	if (identifier_normalize(IDENTIFIER_SOURCE_ID, rec->ids.source_id, id,
	    sizeof(id)) == IDENTIFIER_OK) {
		key = add_key(st, scratch, IDENTIFIER_SOURCE_ID,
		    merge_record_source(st, i), id);
		if (st->entry_len == st->entry_cap) {
			st->entry_cap = st->entry_cap ? st->entry_cap * 2 :
			    1024;
			st->entries = xrealloc(st->entries,
			    st->entry_cap * sizeof(st->entries[0]));
		}
		e = &st->entries[st->entry_len];
		e->source = intern_add(&st->sources, merge_record_source(st, i),
		    strlen(merge_record_source(st, i)), NULL);
		e->key = key;
		e->record = i;
		merge_append_entry(st, i, (uint32_t)st->entry_len++);
		add_occurrence(st, key, i);
	}

	st->mac_begin[i] = (uint32_t)st->occ_len;
	for (k = 0; k < rec->ids.mac_count; k++) {
		if (identifier_normalize(IDENTIFIER_MAC, rec->ids.macs[k], id,
		    sizeof(id)) != IDENTIFIER_OK)
			continue;
		key = add_key(st, scratch, IDENTIFIER_MAC, NULL, id);
		add_occurrence(st, key, i);
	}
	st->occ_end[i] = (uint32_t)st->occ_len;
}

/* Group the occurrences by key with a counting sort that keeps record order. */
static void
bucket_occurrences(struct merge_state *st)
{
	uint32_t	*next;
	size_t		 keys = st->keys.count, i;

	st->bucket_start = xcalloc(keys + 1, sizeof(st->bucket_start[0]));
	st->bucket_records = xmalloc((st->occ_len + 1) *
	    sizeof(st->bucket_records[0]));
	for (i = 0; i < st->occ_len; i++)
		st->bucket_start[st->occ_key[i] + 1]++;
	for (i = 0; i < keys; i++)
		st->bucket_start[i + 1] += st->bucket_start[i];

	next = xmalloc((keys + 1) * sizeof(next[0]));
	memcpy(next, st->bucket_start, (keys + 1) * sizeof(next[0]));
	for (i = 0; i < st->occ_len; i++)
		st->bucket_records[next[st->occ_key[i]]++] = st->occ_record[i];
	free(next);
}

static void
state_init(struct merge_state *st, const struct device_list *in)
{
	uint32_t	 i;
	size_t		 n = in->count, j;

	memset(st, 0, sizeof(*st));
	st->in = in;
	st->n = (uint32_t)n;
	st->parent = xmalloc(n * sizeof(st->parent[0]));
	st->size = xmalloc(n * sizeof(st->size[0]));
	st->value = xmalloc(n * MERGE_SINGLE__MAX * sizeof(st->value[0]));
	st->holder = xmalloc(n * MERGE_SINGLE__MAX * sizeof(st->holder[0]));
	st->head = xmalloc(n * sizeof(st->head[0]));
	st->tail = xmalloc(n * sizeof(st->tail[0]));
	st->entry_count = xcalloc(n, sizeof(st->entry_count[0]));
	st->stamp = xcalloc(n, sizeof(st->stamp[0]));
	st->mac_begin = xmalloc(n * sizeof(st->mac_begin[0]));
	st->occ_end = xmalloc(n * sizeof(st->occ_end[0]));

	for (i = 0; i < st->n; i++) {
		st->parent[i] = i;
		st->size[i] = 1;
		st->head[i] = st->tail[i] = NONE;
	}
	for (j = 0; j < n * MERGE_SINGLE__MAX; j++)
		st->value[j] = st->holder[j] = NONE;
}

static void
state_free(struct merge_state *st)
{
	free(st->parent);
	free(st->size);
	free(st->value);
	free(st->holder);
	free(st->head);
	free(st->tail);
	free(st->entry_count);
	free(st->entries);
	intern_free(&st->root_sources);
	free(st->root_source_entry);
	intern_free(&st->keys);
	free(st->key_kinds);
	intern_free(&st->sources);
	free(st->occ_key);
	free(st->occ_record);
	free(st->bucket_start);
	free(st->bucket_records);
	free(st->stamp);
	free(st->mac_begin);
	free(st->occ_end);
}

/*
 * Copy the group's serial, UDID, IMEI and MEID into ids. Joins never
 * put two different values of one kind into a group, so each is the
 * normalized value of every member record that has a usable one.
 */
static void
set_identifiers(const struct merge_state *st, uint32_t root,
    struct device_identifiers *ids)
{
	uint32_t	 key;
	char		**target;
	size_t		 k;

	for (k = 0; k < MERGE_SINGLE__MAX; k++) {
		key = st->value[(size_t)root * MERGE_SINGLE__MAX + k];
		if (key == NONE)
			continue;
		target = (char **)(void *)((char *)ids +
		    merge_single_ids[k].offset);
		*target = xstrdup(merge_key_value(st, key));
	}
}

/*
 * Append the canonical MAC addresses of the group's members to rec, in
 * input order without duplicates. The keys from grouping are reused, so
 * nothing is parsed or hashed again: a key whose stamp is the group's
 * number was added already.
 */
static void
set_macs(const struct merge_state *st, const size_t *members, size_t count,
    uint32_t group, uint32_t *key_stamp, struct device_record *rec)
{
	uint32_t	 o, key;
	size_t		 m;

	for (m = 0; m < count; m++) {
		for (o = st->mac_begin[members[m]]; o < st->occ_end[members[m]];
		    o++) {
			key = st->occ_key[o];
			if (key_stamp[key] == group + 1)
				continue;
			key_stamp[key] = group + 1;
			device_record_add_mac(rec, merge_key_value(st, key));
		}
	}
}

/* Number the groups by their first record and merge each one. */
static void
build_output(struct merge_state *st, struct merged_list *out)
{
	struct merge_scratch	 scratch;
	uint32_t		*group_of, *key_stamp, root, i;
	size_t			*start, *members, *next, groups = 0, g;

	group_of = xmalloc((size_t)st->n * sizeof(group_of[0]));
	for (i = 0; i < st->n; i++)
		group_of[i] = NONE;
	for (i = 0; i < st->n; i++) {
		root = merge_find_root(st, i);
		if (group_of[root] == NONE)
			group_of[root] = (uint32_t)groups++;
	}

	/* merge_find_root compressed every path: each parent is a root now. */
	start = xcalloc(groups + 1, sizeof(start[0]));
	for (i = 0; i < st->n; i++)
		start[group_of[st->parent[i]] + 1]++;
	for (g = 0; g < groups; g++)
		start[g + 1] += start[g];
	next = xmalloc((groups + 1) * sizeof(next[0]));
	memcpy(next, start, (groups + 1) * sizeof(next[0]));
	members = xmalloc((size_t)st->n * sizeof(members[0]));
	for (i = 0; i < st->n; i++)
		members[next[group_of[st->parent[i]]]++] = i;

	memset(&scratch, 0, sizeof(scratch));
	out->items = xcalloc(groups, sizeof(out->items[0]));
	out->count = groups;
	key_stamp = xcalloc(st->keys.count + 1, sizeof(key_stamp[0]));
	for (g = 0; g < groups; g++) {
		merge_group(&scratch, st->in, members + start[g],
		    start[g + 1] - start[g], &out->items[g]);
		set_identifiers(st, st->parent[members[start[g]]],
		    &out->items[g].record.ids);
		set_macs(st, members + start[g], start[g + 1] - start[g],
		    (uint32_t)g, key_stamp, &out->items[g].record);
	}
	free(key_stamp);

	merge_scratch_free(&scratch);
	free(members);
	free(next);
	free(start);
	free(group_of);
}

int
merge_records_stats(const struct device_list *in, struct merged_list *out,
    struct merge_stats *stats)
{
	struct merge_state	 st;
	struct buf		 scratch = BUF_INIT;
	uint32_t		 i;

	memset(out, 0, sizeof(*out));
	memset(stats, 0, sizeof(*stats));
	if (in->count > UINT32_MAX - 1) {
		log_error("merge", "cannot merge %zu records; the maximum "
		    "is %u", in->count, UINT32_MAX - 1);
		return -1;
	}
	stats->records = in->count;
	if (in->count == 0)
		return 0;

	state_init(&st, in);
	for (i = 0; i < st.n; i++)
		collect_record(&st, &scratch, i);
	bucket_occurrences(&st);

	merge_run_phases(&st);

	build_output(&st, out);

	if (st.conflicts_logged > MERGE_MAX_LOGGED)
		log_warn("merge", "%zu more conflicts between devices not "
		    "logged", st.conflicts_logged - MERGE_MAX_LOGGED);
	if (st.shared_logged > MERGE_MAX_LOGGED)
		log_info("merge", "%zu more shared identifier values not "
		    "logged", st.shared_logged - MERGE_MAX_LOGGED);

	st.stats.records = in->count;
	st.stats.devices = out->count;
	*stats = st.stats;
	buf_free(&scratch);
	state_free(&st);
	return 0;
}

int
merge_records(const struct device_list *in, struct merged_list *out)
{
	struct merge_stats	 stats;

	return merge_records_stats(in, out, &stats);
}

