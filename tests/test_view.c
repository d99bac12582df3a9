/* Tests for the device views: ids, relative times, staleness, banner, states. */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "buf.h"
#include "rfc3339.h"
#include "view.h"

/* 2026-12-01T12:00:00Z, the fixed "now" of every case. */
#define NOW	((time_t)1796126400)

static const char two_devices[] =
    "{\"devices\": ["
    " {\"name\": \"Laptop\", \"source\": \"jamf\","
    "  \"identifiers\": {\"serial\": \"C02AAA\", \"id\": \"7\"},"
    "  \"last_sync\": \"2026-11-28T12:00:00Z\","
    "  \"synced\": [{\"source\": \"jamf\", \"last_sync\": \"2026-11-28T12:00:00Z\"},"
    "   {\"source\": \"bitfit\"}],"
    "  \"status\": \"warn\", \"practices\": {"
    "   \"encryption\": {\"status\": \"warn\", \"title\": \"Disk not encrypted\","
    "    \"rating\": \"critical\", \"directions\": \"Open Settings. Then more.\"},"
    "   \"firewall\": {\"status\": \"nudge\", \"title\": \"Firewall off\","
    "    \"rating\": \"high\"},"
    "   \"screenlock\": {\"status\": \"ok\", \"title\": \"Locks\","
    "    \"rating\": \"high\"},"
    "   \"adbstatus\": {\"status\": \"na\", \"title\": \"USB debugging\","
    "    \"rating\": \"low\"}}},"
    " {\"name\": \"Old phone\", \"source\": \"google\","
    "  \"identifiers\": {\"id\": \"g-1\"},"
    "  \"last_sync\": \"2026-10-01T12:00:00Z\","
    "  \"status\": \"ok\", \"practices\": {}}],"
    " \"critical\": [{\"device\": 0, \"name\": \"Laptop\","
    "  \"practice\": \"encryption\", \"title\": \"Disk not encrypted\"}]}";

static const struct view_options options = { NOW, 14 };

static struct json_object *
build(const char *text, const struct source_error *errors, size_t n)
{
	struct json_object	*result, *view;

	result = json_tokener_parse(text);
	assert_non_null(result);
	view = view_build(result, errors, n, &options);
	json_object_put(result);
	return view;
}

static struct json_object *
get(struct json_object *obj, const char *key)
{
	struct json_object	*value = NULL;

	json_object_object_get_ex(obj, key, &value);
	return value;
}

static const char *
get_str(struct json_object *obj, const char *key)
{
	struct json_object	*value = get(obj, key);

	return value != NULL ? json_object_get_string(value) : NULL;
}

static void
relative_time_cases(void **state)
{
	static const struct {
		long long	 ago;
		const char	*text;
	} cases[] = {
		{ 0, "just now" },
		{ 59, "just now" },
		{ -30, "just now" },
		{ -3600, "in the future" },
		{ 60, "1 minute ago" },
		{ 150, "2 minutes ago" },
		{ 3600, "1 hour ago" },
		{ 86399, "23 hours ago" },
		{ 86400, "1 day ago" },
		{ 3 * 86400 + 5, "3 days ago" },
		{ 59LL * 86400, "59 days ago" },
		{ 60LL * 86400, "2 months ago" },
		{ 364LL * 86400, "12 months ago" },
		{ 365LL * 86400, "1 year ago" },
		{ 800LL * 86400, "2 years ago" },
	};
	struct buf	 b = BUF_INIT;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_reset(&b);
		view_relative_time(&b, NOW - (time_t)cases[i].ago, NOW);
		assert_string_equal(b.data, cases[i].text);
	}
	buf_free(&b);
}

static void
device_id_stable_and_distinct(void **state)
{
	struct json_object	*a, *b, *c;
	char			 ida[VIEW_DEVICE_ID_LEN + 1];
	char			 idb[VIEW_DEVICE_ID_LEN + 1];
	char			 idc[VIEW_DEVICE_ID_LEN + 1];

	(void)state;
	/* The serial decides, whatever the name and source id. */
	a = json_tokener_parse("{\"name\": \"A\", \"source\": \"jamf\", "
	    "\"identifiers\": {\"serial\": \"S1\", \"id\": \"1\"}}");
	b = json_tokener_parse("{\"name\": \"B\", \"source\": \"google\", "
	    "\"identifiers\": {\"serial\": \"S1\", \"id\": \"9\"}}");
	c = json_tokener_parse("{\"name\": \"A\", \"source\": \"jamf\", "
	    "\"identifiers\": {\"serial\": \"S2\"}}");
	view_device_id(a, ida);
	view_device_id(b, idb);
	view_device_id(c, idc);
	assert_int_equal(strlen(ida), VIEW_DEVICE_ID_LEN);
	assert_string_equal(ida, idb);
	assert_string_not_equal(ida, idc);
	assert_int_equal(strspn(ida, "0123456789abcdef"), VIEW_DEVICE_ID_LEN);
	json_object_put(a);
	json_object_put(b);
	json_object_put(c);
}

static void
practices_sorted_and_na_apart(void **state)
{
	struct json_object	*view, *device, *list, *na;

	(void)state;
	view = build(two_devices, NULL, 0);
	device = json_object_array_get_idx(get(view, "devices"), 0);
	list = get(device, "practice_list");
	assert_int_equal(json_object_array_length(list), 3);
	assert_string_equal(get_str(json_object_array_get_idx(list, 0), "key"),
	    "encryption");
	assert_string_equal(get_str(json_object_array_get_idx(list, 1), "key"),
	    "firewall");
	assert_string_equal(get_str(json_object_array_get_idx(list, 2), "key"),
	    "screenlock");
	assert_string_equal(get_str(json_object_array_get_idx(list, 0),
	    "status_label"), "Must fix");
	assert_string_equal(get_str(json_object_array_get_idx(list, 0),
	    "action"), "Open Settings.");

	na = get(device, "na_list");
	assert_int_equal(json_object_array_length(na), 1);
	assert_string_equal(get_str(json_object_array_get_idx(na, 0), "key"),
	    "adbstatus");
	assert_int_equal(json_object_get_int(get(device, "attention")), 2);
	assert_non_null(get(device, "has_na"));
	json_object_put(view);
}

static void
banner_names_device_and_action(void **state)
{
	struct json_object	*view, *item, *device;

	(void)state;
	view = build(two_devices, NULL, 0);
	assert_non_null(get(view, "has_critical"));
	assert_int_equal(json_object_array_length(get(view, "critical")), 1);
	item = json_object_array_get_idx(get(view, "critical"), 0);
	device = json_object_array_get_idx(get(view, "devices"), 0);
	assert_string_equal(get_str(item, "name"), "Laptop");
	assert_string_equal(get_str(item, "title"), "Disk not encrypted");
	assert_string_equal(get_str(item, "action"), "Open Settings.");
	assert_string_equal(get_str(item, "device_id"), get_str(device, "id"));
	assert_string_equal(get_str(item, "device_href"),
	    get_str(device, "href"));
	json_object_put(view);
}

static void
stale_after_stale_days(void **state)
{
	struct json_object	*view, *fresh, *old, *synced;

	(void)state;
	view = build(two_devices, NULL, 0);
	fresh = json_object_array_get_idx(get(view, "devices"), 0);
	old = json_object_array_get_idx(get(view, "devices"), 1);
	assert_null(get(fresh, "stale"));
	assert_non_null(get(old, "stale"));
	assert_string_equal(get_str(fresh, "last_seen"), "3 days ago");
	assert_string_equal(get_str(fresh, "last_seen_at"),
	    "2026-11-28T12:00:00Z");
	assert_string_equal(get_str(fresh, "last_seen_exact"),
	    "2026-11-28 12:00 UTC");

	synced = get(fresh, "synced");
	assert_string_equal(get_str(json_object_array_get_idx(synced, 0),
	    "seen"), "3 days ago");
	assert_null(get(json_object_array_get_idx(synced, 1), "seen"));
	json_object_put(view);
}

static void
find_device_by_id(void **state)
{
	struct json_object	*view, *device;

	(void)state;
	view = build(two_devices, NULL, 0);
	device = json_object_array_get_idx(get(view, "devices"), 1);
	assert_ptr_equal(view_find_device(view, get_str(device, "id")),
	    device);
	assert_null(view_find_device(view, "000000000000"));
	json_object_put(view);
}

static void
empty_and_error_states(void **state)
{
	struct source_error	 errors[] = {
		{ "google", "HTTP 500 from the Directory API" },
	};
	struct json_object	*view, *list;

	(void)state;
	view = build("{\"devices\": [], \"critical\": []}", errors, 1);
	assert_int_equal(json_object_get_int(get(view, "device_count")), 0);
	assert_null(get(view, "has_devices"));
	assert_null(get(view, "has_critical"));
	assert_non_null(get(view, "has_source_errors"));
	list = get(view, "source_errors");
	assert_string_equal(get_str(json_object_array_get_idx(list, 0),
	    "source"), "google");
	json_object_put(view);

	/* Records that could not be merged: no devices, no crash. */
	view = view_build(NULL, NULL, 0, &options);
	assert_int_equal(json_object_array_length(get(view, "devices")), 0);
	assert_null(get(view, "has_source_errors"));
	json_object_put(view);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(relative_time_cases),
		cmocka_unit_test(device_id_stable_and_distinct),
		cmocka_unit_test(practices_sorted_and_na_apart),
		cmocka_unit_test(banner_names_device_and_action),
		cmocka_unit_test(stale_after_stale_days),
		cmocka_unit_test(find_device_by_id),
		cmocka_unit_test(empty_and_error_states),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
