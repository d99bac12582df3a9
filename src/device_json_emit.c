/* Writing device records in their JSON form, with only the known values. */

#include <stddef.h>

#include "device_json.h"
#include "rfc3339.h"

/* The scalar keys in output order. "platform" is an enum, not a string. */
static const struct {
	const char	*key;
	size_t		 offset;
	int		 is_platform;
} record_scalars[] = {
	{ "source",	  offsetof(struct device_record, source), 0 },
	{ "name",	  offsetof(struct device_record, name), 0 },
	{ "model",	  offsetof(struct device_record, model), 0 },
	{ "manufacturer", offsetof(struct device_record, manufacturer), 0 },
	{ "platform",	  offsetof(struct device_record, platform), 1 },
	{ "os",		  offsetof(struct device_record, os_name), 0 },
	{ "os_version",	  offsetof(struct device_record, os_version), 0 },
	{ "email",	  offsetof(struct device_record, email), 0 },
};

static const struct {
	const char	*key;
	size_t		 offset;
} identifier_strings[] = {
	{ "serial",	offsetof(struct device_identifiers, serial) },
	{ "udid",	offsetof(struct device_identifiers, udid) },
	{ "imei",	offsetof(struct device_identifiers, imei) },
	{ "meid",	offsetof(struct device_identifiers, meid) },
	{ "id",		offsetof(struct device_identifiers, source_id) },
};

static void
add_string(struct json_object *obj, const char *key, const char *value)
{
	if (value != NULL)
		json_object_object_add(obj, key, json_object_new_string(value));
}

static void
add_time(struct json_object *obj, const char *key, time_t t)
{
	char	 stamp[RFC3339_SIZE];

	if (t != 0 && rfc3339_format(t, stamp, sizeof(stamp)) == 0)
		json_object_object_add(obj, key, json_object_new_string(stamp));
}

/* Add value under key if it has any member, or else drop it. */
static void
add_nonempty(struct json_object *obj, const char *key,
    struct json_object *value)
{
	if (json_object_is_type(value, json_type_object) &&
	    json_object_object_length(value) == 0) {
		json_object_put(value);
		return;
	}
	json_object_object_add(obj, key, value);
}

static struct json_object *
identifiers_to_json(const struct device_identifiers *ids)
{
	struct json_object	*obj, *macs;
	const char		*value;
	size_t			 i;

	obj = json_object_new_object();
	for (i = 0; i < sizeof(identifier_strings) /
	    sizeof(identifier_strings[0]); i++) {
		value = *(char *const *)(const void *)((const char *)ids +
		    identifier_strings[i].offset);
		add_string(obj, identifier_strings[i].key, value);
	}
	if (ids->mac_count > 0) {
		macs = json_object_new_array_ext((int)ids->mac_count);
		for (i = 0; i < ids->mac_count; i++)
			json_object_array_add(macs,
			    json_object_new_string(ids->macs[i]));
		json_object_object_add(obj, "mac_addresses", macs);
	}
	return obj;
}

static struct json_object *
observations_to_json(const struct device_record *rec)
{
	const struct observation	*obs;
	struct json_object		*obj, *item;
	size_t				 i;

	obj = json_object_new_object();
	for (i = 0; i < rec->observation_count; i++) {
		obs = &rec->observations[i];
		item = json_object_new_object();
		if (obs->value != OBSERVED_UNKNOWN)
			json_object_object_add(item, "value",
			    json_object_new_boolean(obs->value ==
			    OBSERVED_TRUE));
		add_string(item, "details", obs->details);
		add_time(item, "observed_at", obs->observed_at);
		json_object_object_add(obj, obs->key, item);
	}
	return obj;
}

static struct json_object *
software_to_json(const struct device_record *rec)
{
	struct json_object	*obj, *list, *item;
	size_t			 i;

	obj = json_object_new_object();
	if (rec->software_count > 0) {
		list = json_object_new_array_ext((int)rec->software_count);
		for (i = 0; i < rec->software_count; i++) {
			item = json_object_new_object();
			add_string(item, "name", rec->software[i].name);
			add_string(item, "version", rec->software[i].version);
			json_object_array_add(list, item);
		}
		json_object_object_add(obj, "installed", list);
	}
	if (rec->service_count > 0) {
		list = json_object_new_array_ext((int)rec->service_count);
		for (i = 0; i < rec->service_count; i++) {
			item = json_object_new_object();
			add_string(item, "name", rec->services[i]);
			json_object_array_add(list, item);
		}
		json_object_object_add(obj, "services", list);
	}
	return obj;
}

struct json_object *
device_record_to_json(const struct device_record *rec)
{
	struct json_object	*obj;
	const char		*value;
	size_t			 i;

	obj = json_object_new_object();
	for (i = 0; i < sizeof(record_scalars) / sizeof(record_scalars[0]);
	    i++) {
		if (record_scalars[i].is_platform) {
			if (rec->platform != PLATFORM_UNKNOWN)
				add_string(obj, record_scalars[i].key,
				    platform_name(rec->platform));
			continue;
		}
		value = *(char *const *)(const void *)((const char *)rec +
		    record_scalars[i].offset);
		add_string(obj, record_scalars[i].key, value);
	}
	add_time(obj, "last_sync", rec->last_sync);

	add_nonempty(obj, "identifiers", identifiers_to_json(&rec->ids));
	add_nonempty(obj, "observations", observations_to_json(rec));
	add_nonempty(obj, "software", software_to_json(rec));
	return obj;
}

struct json_object *
device_list_to_json(const struct device_list *list)
{
	struct json_object	*root, *records;
	size_t			 i;

	root = json_object_new_object();
	records = json_object_new_array_ext((int)list->count);
	for (i = 0; i < list->count; i++)
		json_object_array_add(records,
		    device_record_to_json(&list->items[i]));
	json_object_object_add(root, "records", records);
	return root;
}
