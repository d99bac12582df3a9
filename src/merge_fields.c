/* Building one merged device from a group of records (rules in merge.h). */

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "merge_internal.h"
#include "xalloc.h"

/* Text fields taken from the most recently synced record that has them. */
static const size_t newest_text_fields[] = {
	offsetof(struct device_record, name),
	offsetof(struct device_record, model),
	offsetof(struct device_record, manufacturer),
	offsetof(struct device_record, os_name),
	offsetof(struct device_record, email),
};

/* Tags that keep the kinds of entries apart in the table of seen entries. */
enum seen_tag {
	SEEN_SOURCE = 'r',
	SEEN_SOFTWARE = 's',
	SEEN_SERVICE = 'v',
	SEEN_OBSERVATION = 'o',
};

static char *
string_at(const void *base, size_t offset)
{
	return *(char *const *)(const void *)((const char *)base + offset);
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

/* Newest first. Records that synced at the same time keep input order. */
static int
compare_sync(const void *a, const void *b)
{
	const struct merge_sync_order	*x = a, *y = b;

	if (x->last_sync != y->last_sync)
		return x->last_sync > y->last_sync ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/*
 * Look up the entry tag + a (+ NUL + b, when b is given) for the current
 * group. Sets *first to 1 when the group has not seen it yet. Returns the
 * entry's index in the seen table.
 */
static uint32_t
see(struct merge_scratch *s, enum seen_tag tag, const char *a, const char *b,
    int *first)
{
	uint32_t	 id;
	size_t		 cap;

	buf_reset(&s->key);
	buf_putc(&s->key, (char)tag);
	buf_puts(&s->key, a);
	if (b != NULL) {
		buf_putc(&s->key, '\0');
		buf_puts(&s->key, b);
	}
	id = intern_add(&s->seen, s->key.data, s->key.len, NULL);

	if (id >= s->seen_cap) {
		cap = s->seen_cap ? s->seen_cap * 2 : 1024;
		while (cap <= id)
			cap *= 2;
		s->stamp = xrealloc(s->stamp, cap * sizeof(s->stamp[0]));
		s->slot = xrealloc(s->slot, cap * sizeof(s->slot[0]));
		memset(s->stamp + s->seen_cap, 0,
		    (cap - s->seen_cap) * sizeof(s->stamp[0]));
		s->seen_cap = cap;
	}
	*first = s->stamp[id] != s->group;
	s->stamp[id] = s->group;
	return id;
}

static void
sort_by_sync(struct merge_scratch *s, const struct device_list *in,
    const size_t *members, size_t count)
{
	size_t	 i;

	if (count > s->order_cap) {
		s->order_cap = count;
		s->order = xrealloc(s->order, count * sizeof(s->order[0]));
	}
	for (i = 0; i < count; i++) {
		s->order[i].last_sync = in->items[members[i]].last_sync;
		s->order[i].index = members[i];
	}
	qsort(s->order, count, sizeof(s->order[0]), compare_sync);
}

/* Fill the scalar fields from the most recently synced records. */
static void
merge_scalars(const struct merge_scratch *s, const struct device_list *in,
    size_t count, struct device_record *rec)
{
	const struct device_record	*r, *newest;
	char				**target;
	size_t				 f, i;

	newest = &in->items[s->order[0].index];
	rec->source = dup_or_null(newest->source);
	rec->ids.source_id = dup_or_null(newest->ids.source_id);
	rec->last_sync = newest->last_sync;

	for (f = 0; f < sizeof(newest_text_fields) /
	    sizeof(newest_text_fields[0]); f++) {
		target = (char **)(void *)((char *)rec + newest_text_fields[f]);
		for (i = 0; i < count && *target == NULL; i++)
			*target = dup_or_null(string_at(
			    &in->items[s->order[i].index],
			    newest_text_fields[f]));
	}

	for (i = 0; i < count && rec->platform == PLATFORM_UNKNOWN; i++)
		rec->platform = in->items[s->order[i].index].platform;

	for (i = 0; i < count; i++) {
		r = &in->items[s->order[i].index];
		if (r->os_version == NULL)
			continue;
		if (r->os_name != NULL && rec->os_name != NULL &&
		    strcasecmp(r->os_name, rec->os_name) != 0)
			continue;
		rec->os_version = xstrdup(r->os_version);
		break;
	}

}

/* Union the sources, software and services in input order. */
static void
merge_sets(struct merge_scratch *s, const struct device_list *in,
    const size_t *members, size_t count, struct merged_device *out)
{
	const struct device_record	*r;
	struct device_record		*rec = &out->record;
	size_t				 i, j;
	int				 first;

	out->sources = xcalloc(count, sizeof(out->sources[0]));
	for (i = 0; i < count; i++) {
		r = &in->items[members[i]];
		if (r->source == NULL)
			continue;
		see(s, SEEN_SOURCE, r->source, NULL, &first);
		if (first)
			out->sources[out->source_count++] = xstrdup(r->source);
	}

	for (i = 0; i < count; i++) {
		r = &in->items[members[i]];
		for (j = 0; j < r->software_count; j++) {
			if (r->software[j].name == NULL)
				continue;
			see(s, SEEN_SOFTWARE, r->software[j].name,
			    r->software[j].version, &first);
			if (first)
				device_record_add_software(rec,
				    r->software[j].name,
				    r->software[j].version);
		}
		for (j = 0; j < r->service_count; j++) {
			if (r->services[j] == NULL)
				continue;
			see(s, SEEN_SERVICE, r->services[j], NULL, &first);
			if (first)
				device_record_add_service(rec, r->services[j]);
		}
	}
}

/* Return 1 if candidate should replace current as the key's observation. */
static int
observation_newer(const struct observation *candidate,
    const struct observation *current)
{
	if (candidate->observed_at != current->observed_at)
		return candidate->observed_at > current->observed_at;
	return candidate->value != OBSERVED_UNKNOWN &&
	    current->value == OBSERVED_UNKNOWN;
}

static void
merge_observations(struct merge_scratch *s, const struct device_list *in,
    const size_t *members, size_t count, struct device_record *rec)
{
	const struct observation	*obs, **best;
	const struct device_record	*r;
	size_t				 total = 0, kept = 0, i, j;
	uint32_t			 id;
	int				 first;

	for (i = 0; i < count; i++)
		total += in->items[members[i]].observation_count;
	if (total > s->best_cap) {
		s->best_cap = total;
		s->best = xrealloc(s->best, total * sizeof(s->best[0]));
	}

	/* Records are visited in input order, so ties keep the earlier one. */
	for (i = 0; i < count; i++) {
		r = &in->items[members[i]];
		for (j = 0; j < r->observation_count; j++) {
			obs = &r->observations[j];
			if (obs->key == NULL)
				continue;
			id = see(s, SEEN_OBSERVATION, obs->key, NULL, &first);
			if (first) {
				s->slot[id] = (uint32_t)kept;
				s->best[kept++] = obs;
				continue;
			}
			best = &s->best[s->slot[id]];
			if (observation_newer(obs, *best))
				*best = obs;
		}
	}

	for (i = 0; i < kept; i++) {
		obs = s->best[i];
		device_record_add_observation(rec, obs->key, obs->value,
		    obs->details, obs->observed_at);
	}
}

void
merge_group(struct merge_scratch *scratch, const struct device_list *in,
    const size_t *members, size_t count, struct merged_device *out)
{
	memset(out, 0, sizeof(*out));
	scratch->group++;

	out->members = xmalloc(count * sizeof(out->members[0]));
	memcpy(out->members, members, count * sizeof(out->members[0]));
	out->member_count = count;

	sort_by_sync(scratch, in, members, count);
	merge_scalars(scratch, in, count, &out->record);
	merge_sets(scratch, in, members, count, out);
	merge_observations(scratch, in, members, count, &out->record);
}

void
merge_scratch_free(struct merge_scratch *scratch)
{
	intern_free(&scratch->seen);
	free(scratch->stamp);
	free(scratch->slot);
	buf_free(&scratch->key);
	free(scratch->order);
	free(scratch->best);
	memset(scratch, 0, sizeof(*scratch));
}
