/* Shaping the evaluate result into the views of the device pages. */

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "html.h"
#include "rfc3339.h"
#include "view.h"

#define FNV_OFFSET	0xcbf29ce484222325ULL
#define FNV_PRIME	0x100000001b3ULL
#define SECONDS_PER_DAY	86400

static const struct {
	const char	*status;
	const char	*label;
} status_labels[] = {
	{ "warn",	"Must fix" },
	{ "nudge",	"Should fix" },
	{ "unknown",	"No data" },
	{ "ok",		"OK" },
	{ "na",		"Does not apply" },
};

const char *
view_status_label(const char *status)
{
	size_t	 i;

	for (i = 0; i < sizeof(status_labels) / sizeof(status_labels[0]); i++)
		if (strcmp(status, status_labels[i].status) == 0)
			return status_labels[i].label;
	return "No data";
}

static void
add_string(struct json_object *obj, const char *key, const char *value)
{
	json_object_object_add(obj, key, json_object_new_string(value));
}

static void
add_flag(struct json_object *obj, const char *key)
{
	json_object_object_add(obj, key, json_object_new_boolean(1));
}

static const char *
get_string(struct json_object *obj, const char *key)
{
	struct json_object	*value;

	if (obj == NULL || !json_object_object_get_ex(obj, key, &value) ||
	    !json_object_is_type(value, json_type_string))
		return NULL;
	return json_object_get_string(value);
}

/* --- times ---------------------------------------------------------------- */

static void
count_ago(struct buf *b, long long n, const char *unit)
{
	buf_printf(b, "%lld %s%s ago", n, unit, n == 1 ? "" : "s");
}

void
view_relative_time(struct buf *b, time_t then, time_t now)
{
	long long	 diff = (long long)now - (long long)then;

	if (diff < -60)
		buf_puts(b, "in the future");
	else if (diff < 60)
		buf_puts(b, "just now");
	else if (diff < 3600)
		count_ago(b, diff / 60, "minute");
	else if (diff < SECONDS_PER_DAY)
		count_ago(b, diff / 3600, "hour");
	else if (diff < 60LL * SECONDS_PER_DAY)
		count_ago(b, diff / SECONDS_PER_DAY, "day");
	else if (diff < 365LL * SECONDS_PER_DAY)
		count_ago(b, diff / (30LL * SECONDS_PER_DAY), "month");
	else
		count_ago(b, diff / (365LL * SECONDS_PER_DAY), "year");
}

/*
 * Add "<prefix>" (relative), "<prefix>_at" (RFC 3339, for the datetime
 * attribute) and "<prefix>_exact" (for the title attribute) to obj.
 */
static void
add_time_fields(struct json_object *obj, const char *prefix, time_t then,
    time_t now)
{
	struct buf	 b = BUF_INIT;
	char		 key[32], stamp[RFC3339_SIZE], exact[32];
	struct tm	 tm;

	if (rfc3339_format(then, stamp, sizeof(stamp)) != 0 ||
	    gmtime_r(&then, &tm) == NULL)
		return;
	strftime(exact, sizeof(exact), "%Y-%m-%d %H:%M UTC", &tm);
	view_relative_time(&b, then, now);

	add_string(obj, prefix, b.data);
	snprintf(key, sizeof(key), "%s_at", prefix);
	add_string(obj, key, stamp);
	snprintf(key, sizeof(key), "%s_exact", prefix);
	add_string(obj, key, exact);
	buf_free(&b);
}

/* --- device ids ----------------------------------------------------------- */

static uint64_t
fnv_string(uint64_t h, const char *s)
{
	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= FNV_PRIME;
	}
	return h;
}

void
view_device_id(struct json_object *device, char out[VIEW_DEVICE_ID_LEN + 1])
{
	static const char *const kinds[] = { "serial", "udid", "imei", "meid" };
	struct json_object	*ids = NULL, *macs;
	const char		*value = NULL, *source;
	uint64_t		 h = FNV_OFFSET;
	size_t			 i;

	json_object_object_get_ex(device, "identifiers", &ids);
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if ((value = get_string(ids, kinds[i])) != NULL) {
			h = fnv_string(fnv_string(h, kinds[i]), ":");
			break;
		}
	}
	if (value == NULL && ids != NULL &&
	    json_object_object_get_ex(ids, "mac_addresses", &macs) &&
	    json_object_array_length(macs) > 0) {
		value = json_object_get_string(json_object_array_get_idx(macs,
		    0));
		h = fnv_string(h, "mac:");
	}
	if (value == NULL && (value = get_string(ids, "id")) != NULL) {
		source = get_string(device, "source");
		h = fnv_string(fnv_string(h, source ? source : ""), ":");
	}
	if (value == NULL) {
		value = get_string(device, "name");
		h = fnv_string(h, "name:");
	}
	h = fnv_string(h, value != NULL ? value : "");
	snprintf(out, VIEW_DEVICE_ID_LEN + 1, "%012" PRIx64, h >> 16);
}

/* --- practices ------------------------------------------------------------ */

/*
 * The first sentence of text: up to and including the first ". ", or all
 * of it. Directions start with the step that matters most.
 */
static struct json_object *
first_sentence(const char *text)
{
	const char	*end;

	end = strstr(text, ". ");
	if (end == NULL)
		return json_object_new_string(text);
	return json_object_new_string_len(text, (int)(end - text + 1));
}

static void
shape_practice(struct json_object *practice, const char *key)
{
	const char	*status, *directions;

	status = get_string(practice, "status");
	if (status == NULL)
		status = "unknown";
	add_string(practice, "key", key);
	add_string(practice, "status_label", view_status_label(status));
	add_flag(practice, status);
	if ((directions = get_string(practice, "directions")) != NULL)
		json_object_object_add(practice, "action",
		    first_sentence(directions));
}

/* Fill practice_list, na_list and the attention count of device. */
static void
shape_practices(struct json_object *device)
{
	struct json_object	*practices, *list, *na_list;
	const char		*status;
	int			 attention = 0;

	list = json_object_new_array();
	na_list = json_object_new_array();
	if (json_object_object_get_ex(device, "practices", &practices)) {
		/* json-c keeps insertion order, which is the verdict's. */
		json_object_object_foreach(practices, key, result) {
			shape_practice(result, key);
			status = get_string(result, "status");
			if (status != NULL && strcmp(status, "na") == 0) {
				json_object_array_add(na_list,
				    json_object_get(result));
				continue;
			}
			if (status != NULL && (strcmp(status, "warn") == 0 ||
			    strcmp(status, "nudge") == 0))
				attention++;
			json_object_array_add(list, json_object_get(result));
		}
	}
	json_object_object_add(device, "practice_list", list);
	json_object_object_add(device, "na_count",
	    json_object_new_int((int)json_object_array_length(na_list)));
	if (json_object_array_length(na_list) > 0) {
		json_object_object_add(device, "na_list", na_list);
		add_flag(device, "has_na");
	} else
		json_object_put(na_list);
	json_object_object_add(device, "attention",
	    json_object_new_int(attention));
	if (attention > 0)
		add_flag(device, "needs_attention");
}

/* --- devices -------------------------------------------------------------- */

static void
shape_synced(struct json_object *device, time_t now)
{
	struct json_object	*synced, *item;
	const char		*stamp;
	time_t			 when;
	size_t			 i, n;

	if (!json_object_object_get_ex(device, "synced", &synced))
		return;
	n = json_object_array_length(synced);
	for (i = 0; i < n; i++) {
		item = json_object_array_get_idx(synced, i);
		stamp = get_string(item, "last_sync");
		if (stamp != NULL && rfc3339_parse(stamp, &when) == 0)
			add_time_fields(item, "seen", when, now);
	}
}

static void
shape_device(struct json_object *device, const struct view_options *opt)
{
	struct buf	 href = BUF_INIT;
	char		 id[VIEW_DEVICE_ID_LEN + 1];
	const char	*status, *stamp;
	time_t		 last;

	view_device_id(device, id);
	add_string(device, "id", id);
	buf_puts(&href, "/devices/");
	url_encode(&href, id, strlen(id));
	add_string(device, "href", href.data);
	buf_free(&href);

	status = get_string(device, "status");
	if (status == NULL)
		status = "unknown";
	add_string(device, "status_label", view_status_label(status));
	add_flag(device, status);

	shape_practices(device);
	shape_synced(device, opt->now);

	stamp = get_string(device, "last_sync");
	if (stamp != NULL && rfc3339_parse(stamp, &last) == 0) {
		add_time_fields(device, "last_seen", last, opt->now);
		if ((long long)opt->now - (long long)last >
		    (long long)opt->stale_days * SECONDS_PER_DAY)
			add_flag(device, "stale");
	}
	json_object_object_add(device, "stale_days",
	    json_object_new_int(opt->stale_days));
}

/* The red banner: each critical practice in warn, with its device and action. */
static void
add_banner(struct json_object *view, struct json_object *result,
    struct json_object *devices)
{
	struct json_object	*critical, *list, *entry, *item, *device;
	struct json_object	*practices, *practice, *index;
	const char		*key, *action;
	size_t			 i, n;

	if (!json_object_object_get_ex(result, "critical", &critical))
		return;
	list = json_object_new_array();
	n = json_object_array_length(critical);
	for (i = 0; i < n; i++) {
		entry = json_object_array_get_idx(critical, i);
		if (!json_object_object_get_ex(entry, "device", &index))
			continue;
		device = json_object_array_get_idx(devices,
		    (size_t)json_object_get_int64(index));
		if (device == NULL)
			continue;

		item = json_object_new_object();
		add_string(item, "device_id", get_string(device, "id"));
		add_string(item, "device_href", get_string(device, "href"));
		add_string(item, "name", get_string(device, "name") != NULL ?
		    get_string(device, "name") : "Unnamed device");
		add_string(item, "title", get_string(entry, "title") != NULL ?
		    get_string(entry, "title") : "");
		key = get_string(entry, "practice");
		if (key != NULL &&
		    json_object_object_get_ex(device, "practices", &practices) &&
		    json_object_object_get_ex(practices, key, &practice) &&
		    (action = get_string(practice, "action")) != NULL)
			add_string(item, "action", action);
		json_object_array_add(list, item);
	}
	if (json_object_array_length(list) > 0)
		add_flag(view, "has_critical");
	json_object_object_add(view, "critical", list);
}

static void
add_errors(struct json_object *view, const struct source_error *errors,
    size_t count)
{
	struct json_object	*list, *item;
	size_t			 i;

	if (count == 0)
		return;
	list = json_object_new_array();
	for (i = 0; i < count; i++) {
		item = json_object_new_object();
		add_string(item, "source", errors[i].source);
		add_string(item, "message", errors[i].message);
		json_object_array_add(list, item);
	}
	json_object_object_add(view, "source_errors", list);
	add_flag(view, "has_source_errors");
}

struct json_object *
view_build(struct json_object *result, const struct source_error *errors,
    size_t error_count, const struct view_options *options)
{
	struct json_object	*view, *devices = NULL;
	size_t			 i, n = 0;

	view = json_object_new_object();
	if (result != NULL &&
	    json_object_object_get_ex(result, "devices", &devices)) {
		n = json_object_array_length(devices);
		for (i = 0; i < n; i++)
			shape_device(json_object_array_get_idx(devices, i),
			    options);
		json_object_object_add(view, "devices",
		    json_object_get(devices));
		add_banner(view, result, devices);
	} else {
		json_object_object_add(view, "devices",
		    json_object_new_array());
	}
	json_object_object_add(view, "device_count",
	    json_object_new_int((int)n));
	if (n > 0)
		add_flag(view, "has_devices");
	add_errors(view, errors, error_count);
	return view;
}

struct json_object *
view_find_device(struct json_object *view, const char *id)
{
	struct json_object	*devices, *device;
	const char		*device_id;
	size_t			 i, n;

	if (!json_object_object_get_ex(view, "devices", &devices))
		return NULL;
	n = json_object_array_length(devices);
	for (i = 0; i < n; i++) {
		device = json_object_array_get_idx(devices, i);
		device_id = get_string(device, "id");
		if (device_id != NULL && strcmp(device_id, id) == 0)
			return device;
	}
	return NULL;
}
