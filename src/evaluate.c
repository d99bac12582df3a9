/* Merging, evaluating and building the shared result view. */

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "device_json.h"
#include "evaluate.h"
#include "merge.h"
#include "rfc3339.h"
#include "xalloc.h"

struct evaluated {
	const struct merged_device	*device;
	struct verdict			 verdict;
};

static void
add_string(struct json_object *obj, const char *key, const char *value)
{
	if (value != NULL)
		json_object_object_add(obj, key, json_object_new_string(value));
}

static struct json_object *
result_to_json(const struct practice_result *r)
{
	struct json_object	*obj;
	char			 stamp[32];

	obj = json_object_new_object();
	add_string(obj, "status", status_name(r->status));
	add_string(obj, "title", r->title);
	add_string(obj, "description", r->description);
	add_string(obj, "details", r->details);
	add_string(obj, "directions", r->directions);
	add_string(obj, "link", r->link);
	add_string(obj, "rating", rating_name(r->rating));
	if (r->last_updated > 0 &&
	    rfc3339_format(r->last_updated, stamp, sizeof(stamp)) == 0)
		add_string(obj, "last_updated", stamp);
	return obj;
}

/*
 * When each source last heard from the device: the newest last_sync of the
 * source's member records, in the order of the device's sources. A source
 * without a sync time is listed without "last_sync".
 */
static struct json_object *
synced_to_json(const struct merged_device *d,
    const struct device_list *records)
{
	struct json_object	*list, *item;
	const struct device_record *r;
	time_t			 newest;
	char			 stamp[32];
	size_t			 i, k;

	list = json_object_new_array();
	for (i = 0; i < d->source_count; i++) {
		newest = 0;
		for (k = 0; k < d->member_count; k++) {
			r = &records->items[d->members[k]];
			if (r->source != NULL &&
			    strcmp(r->source, d->sources[i]) == 0 &&
			    r->last_sync > newest)
				newest = r->last_sync;
		}
		item = json_object_new_object();
		add_string(item, "source", d->sources[i]);
		if (newest > 0 &&
		    rfc3339_format(newest, stamp, sizeof(stamp)) == 0)
			add_string(item, "last_sync", stamp);
		json_object_array_add(list, item);
	}
	return list;
}

static struct json_object *
device_to_json(const struct evaluated *e, const struct device_list *records)
{
	struct json_object	*obj, *sources, *practices;
	size_t			 i;

	obj = device_record_to_json(&e->device->record);
	json_object_object_add(obj, "synced",
	    synced_to_json(e->device, records));

	sources = json_object_new_array();
	for (i = 0; i < e->device->source_count; i++)
		json_object_array_add(sources,
		    json_object_new_string(e->device->sources[i]));
	json_object_object_add(obj, "sources", sources);

	add_string(obj, "status", status_name(e->verdict.status));
	practices = json_object_new_object();
	for (i = 0; i < e->verdict.count; i++)
		json_object_object_add(practices, e->verdict.results[i].key,
		    result_to_json(&e->verdict.results[i]));
	json_object_object_add(obj, "practices", practices);
	return obj;
}

static int
compare_evaluated(const void *pa, const void *pb)
{
	const struct evaluated	*a = pa, *b = pb;
	const char		*na, *nb;

	if (a->verdict.status != b->verdict.status)
		return (int)a->verdict.status - (int)b->verdict.status;
	na = a->device->record.name != NULL ? a->device->record.name : "";
	nb = b->device->record.name != NULL ? b->device->record.name : "";
	return strcasecmp(na, nb);
}

struct json_object *
evaluate_records(const struct practices *practices,
    const struct device_list *records)
{
	struct merged_list	 merged = { NULL, 0 };
	struct evaluated	*list;
	struct json_object	*view, *devices, *critical, *item;
	const struct practice_result *r;
	size_t			 i, k;

	if (merge_records(records, &merged) != 0)
		return NULL;

	list = xcalloc(merged.count ? merged.count : 1, sizeof(list[0]));
	for (i = 0; i < merged.count; i++) {
		list[i].device = &merged.items[i];
		practices_evaluate(practices, &merged.items[i].record,
		    &list[i].verdict);
	}
	qsort(list, merged.count, sizeof(list[0]), compare_evaluated);

	view = json_object_new_object();
	devices = json_object_new_array();
	critical = json_object_new_array();
	for (i = 0; i < merged.count; i++) {
		json_object_array_add(devices, device_to_json(&list[i],
		    records));

		/* The red banner: critical practices that must be fixed. */
		for (k = 0; k < list[i].verdict.count; k++) {
			r = &list[i].verdict.results[k];
			if (r->rating != RATING_CRITICAL ||
			    r->status != STATUS_WARN)
				continue;
			item = json_object_new_object();
			json_object_object_add(item, "device",
			    json_object_new_int64((int64_t)i));
			add_string(item, "name", list[i].device->record.name);
			add_string(item, "practice", r->key);
			add_string(item, "title", r->title);
			json_object_array_add(critical, item);
		}
		verdict_free(&list[i].verdict);
	}
	json_object_object_add(view, "devices", devices);
	json_object_object_add(view, "critical", critical);

	free(list);
	merged_list_free(&merged);
	return view;
}
