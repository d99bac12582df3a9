/*
 * The JSON form of device records: round trips, unknown values, type
 * errors and unknown keys with their paths, limits, and RFC 3339 times.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "device_json.h"
#include "json_file.h"
#include "log.h"
#include "rfc3339.h"
#include "xalloc.h"

#define COUNT(a)	(sizeof(a) / sizeof((a)[0]))

/* Redirects stderr, where log lines go, to a temporary file. */
struct capture {
	FILE	*file;
	int	 saved;
};

static void
capture_start(struct capture *c)
{
	fflush(stderr);
	c->file = tmpfile();
	assert_non_null(c->file);
	c->saved = dup(STDERR_FILENO);
	assert_true(c->saved >= 0);
	assert_true(dup2(fileno(c->file), STDERR_FILENO) >= 0);
}

/* Restore stderr and return what was written, owned by the caller. */
static char *
capture_end(struct capture *c)
{
	struct buf	 text = BUF_INIT;
	char		 chunk[4096];
	size_t		 n;

	fflush(stderr);
	dup2(c->saved, STDERR_FILENO);
	close(c->saved);
	rewind(c->file);
	while ((n = fread(chunk, 1, sizeof(chunk), c->file)) > 0)
		buf_append(&text, chunk, n);
	fclose(c->file);
	return buf_detach(&text);
}

/* Parse text as a JSON document of records named "test.json". */
static int
parse_text(const char *text, struct device_list *out, struct diag_list *diags)
{
	struct json_object	*root;
	int			 rc;

	root = json_parse_buffer("test.json", text, strlen(text),
	    JSON_FILE_MAX_DEPTH, diags);
	if (root == NULL)
		fail_msg("invalid JSON in the test: %s", text);
	rc = device_json_parse("test.json", root, out, diags);
	json_object_put(root);
	return rc;
}

static char *
emit_text(const struct device_list *list)
{
	struct json_object	*root;
	char			*text;

	root = device_list_to_json(list);
	text = xstrdup(json_object_to_json_string_ext(root,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
	return text;
}

static const char full_document[] =
    "{\"records\":[{\"source\":\"jamf\",\"name\":\"Ada's MacBook\","
    "\"model\":\"MacBookPro18,3\",\"manufacturer\":\"Apple\","
    "\"platform\":\"Mac\",\"os\":\"macOS\",\"os_version\":\"14.4.1\","
    "\"email\":\"ada@example.com\",\"last_sync\":\"2026-11-30T10:00:00Z\","
    "\"identifiers\":{\"serial\":\"C02XK1ZPJGH5\","
    "\"udid\":\"6F1A2B3C-0000-4D5E-8F90-A1B2C3D4E5F6\","
    "\"imei\":\"352099001761481\",\"meid\":\"A10000094C2B1E\","
    "\"id\":\"1042\",\"mac_addresses\":[\"00:1C:42:2E:60:4A\","
    "\"F0:18:98:00:00:01\"]},"
    "\"observations\":{\"encryption\":{\"value\":true,"
    "\"details\":\"FileVault 2 is on\","
    "\"observed_at\":\"2026-11-30T09:00:00Z\"},"
    "\"firewall\":{\"value\":false},"
    "\"screenlock\":{\"details\":\"no data\"}},"
    "\"software\":{\"installed\":[{\"name\":\"Firefox\","
    "\"version\":\"128.0\"},{\"name\":\"Slack\"}],"
    "\"services\":[{\"name\":\"sshd\"}]}},"
    "{\"source\":\"bitfit\"}]}";

static void
round_trip_full(void **state)
{
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct device_list	 list = { NULL, 0, 0 }, again = { NULL, 0, 0 };
	const struct device_record *rec;
	char			*text, *text2;

	(void)state;
	assert_int_equal(parse_text(full_document, &list, &diags), 0);
	assert_int_equal(diags.count, 0);
	assert_int_equal(list.count, 2);

	rec = &list.items[0];
	assert_string_equal(rec->source, "jamf");
	assert_string_equal(rec->name, "Ada's MacBook");
	assert_int_equal(rec->platform, PLATFORM_MAC);
	assert_string_equal(rec->os_name, "macOS");
	assert_int_equal(rec->last_sync, 1796032800);
	assert_string_equal(rec->ids.serial, "C02XK1ZPJGH5");
	assert_string_equal(rec->ids.source_id, "1042");
	assert_int_equal(rec->ids.mac_count, 2);
	assert_int_equal(rec->observation_count, 3);
	assert_string_equal(rec->observations[0].key, "encryption");
	assert_int_equal(rec->observations[0].value, OBSERVED_TRUE);
	assert_int_equal(rec->observations[0].observed_at, 1796029200);
	assert_int_equal(rec->observations[1].value, OBSERVED_FALSE);
	assert_int_equal(rec->observations[1].observed_at, 0);
	assert_int_equal(rec->observations[2].value, OBSERVED_UNKNOWN);
	assert_string_equal(rec->observations[2].details, "no data");
	assert_int_equal(rec->software_count, 2);
	assert_null(rec->software[1].version);
	assert_int_equal(rec->service_count, 1);
	assert_string_equal(rec->services[0], "sshd");
	assert_null(list.items[1].name);

	text = emit_text(&list);
	assert_string_equal(text, full_document);

	assert_int_equal(parse_text(text, &again, &diags), 0);
	text2 = emit_text(&again);
	assert_string_equal(text2, full_document);

	free(text);
	free(text2);
	device_list_free(&list);
	device_list_free(&again);
	diag_clear(&diags);
}

static void
nulls_are_unknown(void **state)
{
	static const char doc[] =
	    "{\"records\":[{\"source\":\"google\",\"name\":null,\"model\":null,"
	    "\"manufacturer\":null,\"platform\":null,\"os\":null,"
	    "\"os_version\":null,\"email\":null,\"last_sync\":null,"
	    "\"identifiers\":{\"serial\":null,\"udid\":null,\"imei\":null,"
	    "\"meid\":null,\"id\":null,\"mac_addresses\":null},"
	    "\"observations\":{\"encryption\":null,\"firewall\":{\"value\":null,"
	    "\"details\":null,\"observed_at\":null}},"
	    "\"software\":{\"installed\":null,\"services\":null}}]}";
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct device_list	 list = { NULL, 0, 0 };
	const struct device_record *rec;
	char			*text;

	(void)state;
	assert_int_equal(parse_text(doc, &list, &diags), 0);
	assert_int_equal(list.count, 1);
	rec = &list.items[0];
	assert_null(rec->name);
	assert_int_equal(rec->platform, PLATFORM_UNKNOWN);
	assert_int_equal(rec->last_sync, 0);
	assert_null(rec->ids.serial);
	assert_int_equal(rec->ids.mac_count, 0);
	assert_int_equal(rec->observation_count, 1);
	assert_string_equal(rec->observations[0].key, "firewall");
	assert_int_equal(rec->observations[0].value, OBSERVED_UNKNOWN);
	assert_int_equal(rec->software_count, 0);

	text = emit_text(&list);
	assert_string_equal(text, "{\"records\":[{\"source\":\"google\","
	    "\"observations\":{\"firewall\":{}}}]}");
	free(text);
	device_list_free(&list);
}

static void
values_normalized(void **state)
{
	static const char doc[] =
	    "{\"records\":[{\"source\":\"jamf\",\"name\":\"\","
	    "\"email\":\"  Ada.Lovelace@Example.COM \","
	    "\"platform\":\"macOS\","
	    "\"last_sync\":\"2026-11-30T11:00:00.250+01:00\","
	    "\"identifiers\":{\"serial\":\" c02xk1zpjgh5 \",\"udid\":\"abc-def\","
	    "\"imei\":\"35 209900 176148 1\",\"meid\":\"a10000094c2b1e\","
	    "\"id\":\" 42 \",\"mac_addresses\":[\"00-1c-42-2e-60-4a\","
	    "\"001c.422e.604a\",\"02:00:00:00:00:01\",\"ff:ff:ff:ff:ff:ff\","
	    "\"not a mac\",\"\",\"00:00:00:00:00:00\",\"f018.9800.0001\"]},"
	    "\"observations\":{\"encryption\":{\"details\":\"\","
	    "\"observed_at\":\"1970-01-01T00:00:00Z\"}}},"
	    "{\"source\":\"landesk\",\"identifiers\":{"
	    "\"serial\":\"To be filled by O.E.M.\",\"imei\":\"000000000000000\"}}]}";
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct device_list	 list = { NULL, 0, 0 };
	const struct device_record *rec;
	struct capture		 cap;
	char			*logged;

	(void)state;
	log_set_level(LOG_LEVEL_DEBUG);
	capture_start(&cap);
	assert_int_equal(parse_text(doc, &list, &diags), 0);
	logged = capture_end(&cap);
	log_set_level(LOG_LEVEL_INFO);

	rec = &list.items[0];
	assert_null(rec->name);
	assert_string_equal(rec->email, "ada.lovelace@example.com");
	assert_int_equal(rec->platform, PLATFORM_MAC);
	assert_int_equal(rec->last_sync, 1796032800);
	assert_string_equal(rec->ids.serial, "C02XK1ZPJGH5");
	assert_string_equal(rec->ids.udid, "ABC-DEF");
	assert_string_equal(rec->ids.imei, "352099001761481");
	assert_string_equal(rec->ids.meid, "A10000094C2B1E");
	assert_string_equal(rec->ids.source_id, "42");
	assert_int_equal(rec->ids.mac_count, 2);
	assert_string_equal(rec->ids.macs[0], "00:1C:42:2E:60:4A");
	assert_string_equal(rec->ids.macs[1], "F0:18:98:00:00:01");
	assert_int_equal(rec->observations[0].value, OBSERVED_UNKNOWN);
	assert_null(rec->observations[0].details);
	assert_int_equal(rec->observations[0].observed_at, 0);

	rec = &list.items[1];
	assert_null(rec->ids.serial);
	assert_null(rec->ids.imei);

	assert_non_null(strstr(logged, "records[0].identifiers.mac_addresses[2]:"
	    " dropped locally administered MAC address \"02:00:00:00:00:01\""));
	assert_non_null(strstr(logged, "records[0].identifiers.mac_addresses[3]:"
	    " dropped broadcast MAC address"));
	assert_non_null(strstr(logged, "records[0].identifiers.mac_addresses[4]:"
	    " dropped invalid MAC address \"not a mac\""));
	assert_non_null(strstr(logged, "records[0].identifiers.mac_addresses[6]:"
	    " dropped all-zero MAC address"));
	assert_null(strstr(logged, "mac_addresses[5]"));
	assert_non_null(strstr(logged, "records[1].identifiers.serial: dropped "
	    "not unique serial number \"To be filled by O.E.M.\""));
	assert_non_null(strstr(logged, "records[1].identifiers.imei: dropped "
	    "not unique IMEI"));
	assert_null(strstr(logged, "000000000000000"));

	free(logged);
	device_list_free(&list);
}

/* Parse doc and expect exactly one problem with the given message. */
static void
expect_one_error(const char *doc, const char *message)
{
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct device_list	 list = { NULL, 0, 0 };

	if (parse_text(doc, &list, &diags) != -1)
		fail_msg("accepted %s", doc);
	assert_int_equal(list.count, 0);
	if (diags.count != 1) {
		diag_print(&diags, stderr);
		fail_msg("%zu problems for %s", diags.count, doc);
	}
	assert_string_equal(diags.items[0].file, "test.json");
	assert_string_equal(diags.items[0].message, message);
	diag_clear(&diags);
}

/* Three valid records, then record 3 with the fragment inserted. */
#define AT_RECORD_3(fragment) \
	"{\"records\":[{\"source\":\"a\"},{\"source\":\"b\"}," \
	"{\"source\":\"c\"},{\"source\":\"d\"," fragment "}]}"

static void
type_errors_with_paths(void **state)
{
	static const struct {
		const char	*doc;
		const char	*message;
	} cases[] = {
		{ AT_RECORD_3("\"identifiers\":{\"serial\":5}"),
		  "records[3].identifiers.serial: expected a string, not a number" },
		{ AT_RECORD_3("\"identifiers\":{\"udid\":true}"),
		  "records[3].identifiers.udid: expected a string, not a boolean" },
		{ AT_RECORD_3("\"identifiers\":{\"imei\":[]}"),
		  "records[3].identifiers.imei: expected a string, not an array" },
		{ AT_RECORD_3("\"identifiers\":{\"meid\":{}}"),
		  "records[3].identifiers.meid: expected a string, not an object" },
		{ AT_RECORD_3("\"identifiers\":{\"id\":1.5}"),
		  "records[3].identifiers.id: expected a string, not a number" },
		{ AT_RECORD_3("\"identifiers\":{\"mac_addresses\":\"00:1C:42:2E:60:4A\"}"),
		  "records[3].identifiers.mac_addresses: expected an array, not a string" },
		{ AT_RECORD_3("\"identifiers\":{\"mac_addresses\":[\"00:1C:42:2E:60:4A\",7]}"),
		  "records[3].identifiers.mac_addresses[1]: expected a string, not a number" },
		{ AT_RECORD_3("\"identifiers\":{\"mac_addresses\":[null]}"),
		  "records[3].identifiers.mac_addresses[0]: expected a string, not null" },
		{ AT_RECORD_3("\"identifiers\":[]"),
		  "records[3].identifiers: expected an object, not an array" },
		{ AT_RECORD_3("\"name\":1"),
		  "records[3].name: expected a string, not a number" },
		{ AT_RECORD_3("\"model\":false"),
		  "records[3].model: expected a string, not a boolean" },
		{ AT_RECORD_3("\"manufacturer\":[]"),
		  "records[3].manufacturer: expected a string, not an array" },
		{ AT_RECORD_3("\"os\":{}"),
		  "records[3].os: expected a string, not an object" },
		{ AT_RECORD_3("\"os_version\":14.4"),
		  "records[3].os_version: expected a string, not a number" },
		{ AT_RECORD_3("\"email\":1"),
		  "records[3].email: expected a string, not a number" },
		{ AT_RECORD_3("\"platform\":7"),
		  "records[3].platform: expected a string, not a number" },
		{ AT_RECORD_3("\"platform\":\"Amiga\""),
		  "records[3].platform: unknown platform \"Amiga\"; expected Mac, "
		  "Windows, Linux, iOS, Android or ChromeOS" },
		{ AT_RECORD_3("\"last_sync\":1764496800"),
		  "records[3].last_sync: expected a string, not a number" },
		{ AT_RECORD_3("\"last_sync\":\"yesterday\""),
		  "records[3].last_sync: invalid RFC 3339 timestamp \"yesterday\"; "
		  "expected a form such as 2026-11-30T10:00:00Z" },
		{ AT_RECORD_3("\"observations\":[]"),
		  "records[3].observations: expected an object, not an array" },
		{ AT_RECORD_3("\"observations\":{\"encryption\":true}"),
		  "records[3].observations.encryption: expected an object, not a boolean" },
		{ AT_RECORD_3("\"observations\":{\"encryption\":{\"value\":\"yes\"}}"),
		  "records[3].observations.encryption.value: expected a boolean, "
		  "not a string" },
		{ AT_RECORD_3("\"observations\":{\"encryption\":{\"details\":5}}"),
		  "records[3].observations.encryption.details: expected a string, "
		  "not a number" },
		{ AT_RECORD_3("\"observations\":{\"firewall\":{\"observed_at\":5}}"),
		  "records[3].observations.firewall.observed_at: expected a string, "
		  "not a number" },
		{ AT_RECORD_3("\"observations\":{\"firewall\":{\"observed_at\":\"2026-02-30T00:00:00Z\"}}"),
		  "records[3].observations.firewall.observed_at: invalid RFC 3339 "
		  "timestamp \"2026-02-30T00:00:00Z\"; expected a form such as "
		  "2026-11-30T10:00:00Z" },
		{ AT_RECORD_3("\"observations\":{\"\":{\"value\":true}}"),
		  "records[3].observations.: a practice key must have 1 to 4096 bytes" },
		{ AT_RECORD_3("\"software\":[]"),
		  "records[3].software: expected an object, not an array" },
		{ AT_RECORD_3("\"software\":{\"installed\":{}}"),
		  "records[3].software.installed: expected an array, not an object" },
		{ AT_RECORD_3("\"software\":{\"installed\":[\"Firefox\"]}"),
		  "records[3].software.installed[0]: expected an object, not a string" },
		{ AT_RECORD_3("\"software\":{\"installed\":[{\"name\":3}]}"),
		  "records[3].software.installed[0].name: expected a string, not a number" },
		{ AT_RECORD_3("\"software\":{\"installed\":[{\"version\":\"1\"}]}"),
		  "records[3].software.installed[0].name: missing; an installed "
		  "application needs one" },
		{ AT_RECORD_3("\"software\":{\"installed\":[{\"name\":\"\"}]}"),
		  "records[3].software.installed[0].name: must not be empty" },
		{ AT_RECORD_3("\"software\":{\"installed\":[{\"name\":\"x\",\"version\":2}]}"),
		  "records[3].software.installed[0].version: expected a string, "
		  "not a number" },
		{ AT_RECORD_3("\"software\":{\"services\":[{\"name\":null}]}"),
		  "records[3].software.services[0].name: missing; a service needs one" },
		{ AT_RECORD_3("\"software\":{\"services\":[\"sshd\"]}"),
		  "records[3].software.services[0]: expected an object, not a string" },
		{ "{\"records\":[{}]}",
		  "records[0].source: missing; a record needs one" },
		{ "{\"records\":[{\"source\":null}]}",
		  "records[0].source: missing; a record needs one" },
		{ "{\"records\":[{\"source\":\"\"}]}",
		  "records[0].source: must not be empty" },
		{ "{\"records\":[{\"source\":5}]}",
		  "records[0].source: expected a string, not a number" },
		{ "{\"records\":[{\"source\":\"a\\u0000b\"}]}",
		  "records[0].source: string contains a NUL character" },
		{ "{\"records\":[5]}",
		  "records[0]: expected an object, not a number" },
		{ "{\"records\":{}}",
		  "records: expected an array, not an object" },
		{ "{\"records\":null}",
		  "records: missing; the top level needs a list of records" },
		{ "{}",
		  "records: missing; the top level needs a list of records" },
		{ "[]",
		  "(top level): expected an object with a \"records\" list, not an array" },
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < COUNT(cases); i++)
		expect_one_error(cases[i].doc, cases[i].message);
}

static void
unknown_keys_named(void **state)
{
	static const struct {
		const char	*doc;
		const char	*message;
	} cases[] = {
		{ AT_RECORD_3("\"colour\":\"red\""),
		  "records[3].colour: unknown key; the keys of a record are source, "
		  "name, model, manufacturer, platform, os, os_version, email, "
		  "last_sync, identifiers, observations, software" },
		{ AT_RECORD_3("\"identifiers\":{\"imsi\":\"1\"}"),
		  "records[3].identifiers.imsi: unknown key; the keys of the "
		  "identifiers object are serial, udid, imei, meid, id, mac_addresses" },
		{ AT_RECORD_3("\"observations\":{\"encryption\":{\"status\":true}}"),
		  "records[3].observations.encryption.status: unknown key; the keys "
		  "of an observation are value, details, observed_at" },
		{ AT_RECORD_3("\"software\":{\"apps\":[]}"),
		  "records[3].software.apps: unknown key; the keys of the software "
		  "object are installed, services" },
		{ AT_RECORD_3("\"software\":{\"installed\":[{\"name\":\"x\",\"path\":\"/A\"}]}"),
		  "records[3].software.installed[0].path: unknown key; the keys of "
		  "an installed application are name, version" },
		{ AT_RECORD_3("\"software\":{\"services\":[{\"name\":\"x\",\"pid\":1}]}"),
		  "records[3].software.services[0].pid: unknown key; the keys of a "
		  "service are name" },
		{ "{\"records\":[],\"version\":1}",
		  "version: unknown key; the top level has only \"records\"" },
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < COUNT(cases); i++)
		expect_one_error(cases[i].doc, cases[i].message);
}

static void
errors_all_collected(void **state)
{
	static const char doc[] =
	    "{\"records\":[{\"source\":\"a\",\"name\":1,\"model\":2,\"colour\":3},"
	    "{\"source\":\"b\"},{\"identifiers\":{\"serial\":[]}}]}";
	static const char *const messages[] = {
		"records[0].name: expected a string, not a number",
		"records[0].model: expected a string, not a number",
		"records[0].colour: unknown key; the keys of a record are source, "
		"name, model, manufacturer, platform, os, os_version, email, "
		"last_sync, identifiers, observations, software",
		"records[2].identifiers.serial: expected a string, not an array",
		"records[2].source: missing; a record needs one",
	};
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct device_list	 list = { NULL, 0, 0 };
	size_t			 i;

	(void)state;
	assert_int_equal(parse_text(doc, &list, &diags), -1);
	assert_int_equal(diags.count, COUNT(messages));
	for (i = 0; i < COUNT(messages); i++)
		assert_string_equal(diags.items[i].message, messages[i]);
	assert_int_equal(list.count, 0);
	diag_clear(&diags);
}

static void
errors_capped(void **state)
{
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct device_list	 list = { NULL, 0, 0 };
	struct buf		 doc = BUF_INIT;
	size_t			 i;

	(void)state;
	buf_puts(&doc, "{\"records\":[");
	for (i = 0; i < DEVICE_JSON_MAX_ERRORS + 50; i++)
		buf_printf(&doc, "%s{\"source\":1}", i ? "," : "");
	buf_puts(&doc, "]}");

	assert_int_equal(parse_text(doc.data, &list, &diags), -1);
	assert_int_equal(diags.count, DEVICE_JSON_MAX_ERRORS + 1);
	assert_string_equal(diags.items[0].message,
	    "records[0].source: expected a string, not a number");
	assert_string_equal(diags.items[DEVICE_JSON_MAX_ERRORS - 1].message,
	    "records[99].source: expected a string, not a number");
	assert_string_equal(diags.items[DEVICE_JSON_MAX_ERRORS].message,
	    "50 more problems not shown");
	buf_free(&doc);
	diag_clear(&diags);
}

static void
output_list_kept_on_error(void **state)
{
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct device_list	 list = { NULL, 0, 0 };

	(void)state;
	assert_int_equal(parse_text("{\"records\":[{\"source\":\"a\"}]}", &list,
	    &diags), 0);
	assert_int_equal(parse_text("{\"records\":[{\"source\":\"b\"},"
	    "{\"source\":\"c\",\"name\":5}]}", &list, &diags), -1);
	assert_int_equal(list.count, 1);
	assert_string_equal(list.items[0].source, "a");

	assert_int_equal(parse_text("{\"records\":[{\"source\":\"b\"},"
	    "{\"source\":\"c\"}]}", &list, &diags), 0);
	assert_int_equal(list.count, 3);
	assert_string_equal(list.items[2].source, "c");
	device_list_free(&list);
	diag_clear(&diags);
}

/* Build {"records": [record]} around a record object; takes ownership. */
static struct json_object *
wrap_record(struct json_object *record)
{
	struct json_object	*root, *records;

	root = json_object_new_object();
	records = json_object_new_array();
	json_object_array_add(records, record);
	json_object_object_add(root, "records", records);
	return root;
}

static struct json_object *
record_with_source(void)
{
	struct json_object	*rec = json_object_new_object();

	json_object_object_add(rec, "source", json_object_new_string("jamf"));
	return rec;
}

/* Return the number of problems, and the first one in *first. */
static size_t
parse_object(struct json_object *root, struct device_list *list,
    char **first)
{
	struct diag_list	 diags = DIAG_LIST_INIT;
	size_t			 count;

	device_json_parse("test.json", root, list, &diags);
	count = diags.count;
	*first = count ? xstrdup(diags.items[0].message) : NULL;
	diag_clear(&diags);
	json_object_put(root);
	return count;
}

/* Return an array of count references to item, taking over the caller's. */
static struct json_object *
repeated_array(struct json_object *item, size_t count)
{
	struct json_object	*array = json_object_new_array_ext((int)count);
	size_t			 i;

	for (i = 0; i < count; i++)
		json_object_array_add(array, json_object_get(item));
	json_object_put(item);
	return array;
}

static void
limit_string_length(void **state)
{
	struct device_list	 list = { NULL, 0, 0 };
	struct json_object	*rec;
	char			*name, *first;

	(void)state;
	name = xmalloc(DEVICE_JSON_MAX_STRING + 2);
	memset(name, 'n', DEVICE_JSON_MAX_STRING + 1);
	name[DEVICE_JSON_MAX_STRING + 1] = '\0';
	name[DEVICE_JSON_MAX_STRING] = '\0';

	rec = record_with_source();
	json_object_object_add(rec, "name", json_object_new_string(name));
	assert_int_equal(parse_object(wrap_record(rec), &list, &first), 0);
	assert_int_equal(strlen(list.items[0].name), DEVICE_JSON_MAX_STRING);

	name[DEVICE_JSON_MAX_STRING] = 'n';
	rec = record_with_source();
	json_object_object_add(rec, "name", json_object_new_string(name));
	assert_int_equal(parse_object(wrap_record(rec), &list, &first), 1);
	assert_string_equal(first, "records[0].name: string of 4097 bytes; "
	    "the maximum is 4096");
	free(first);
	free(name);
	device_list_free(&list);
}

static void
limit_mac_count(void **state)
{
	struct device_list	 list = { NULL, 0, 0 };
	struct json_object	*rec, *ids, *macs;
	char			 mac[32], *first;
	size_t			 n, i;

	(void)state;
	for (n = DEVICE_JSON_MAX_MACS; n <= DEVICE_JSON_MAX_MACS + 1; n++) {
		macs = json_object_new_array();
		for (i = 0; i < n; i++) {
			snprintf(mac, sizeof(mac), "00:1C:42:00:00:%02zX", i);
			json_object_array_add(macs, json_object_new_string(mac));
		}
		ids = json_object_new_object();
		json_object_object_add(ids, "mac_addresses", macs);
		rec = record_with_source();
		json_object_object_add(rec, "identifiers", ids);
		if (n == DEVICE_JSON_MAX_MACS) {
			assert_int_equal(parse_object(wrap_record(rec), &list,
			    &first), 0);
			assert_int_equal(list.items[0].ids.mac_count, n);
			continue;
		}
		assert_int_equal(parse_object(wrap_record(rec), &list, &first), 1);
		assert_string_equal(first, "records[0].identifiers.mac_addresses: "
		    "65 items; the maximum is 64");
		free(first);
	}
	device_list_free(&list);
}

static void
limit_software_count(void **state)
{
	static const char *const lists[] = { "installed", "services" };
	struct device_list	 list = { NULL, 0, 0 };
	struct json_object	*rec, *software, *item;
	char			*first, expected[128];
	size_t			 l, n;

	(void)state;
	for (l = 0; l < COUNT(lists); l++) {
		for (n = DEVICE_JSON_MAX_SOFTWARE; n <= DEVICE_JSON_MAX_SOFTWARE + 1;
		    n++) {
			item = json_object_new_object();
			json_object_object_add(item, "name",
			    json_object_new_string("Firefox"));
			software = json_object_new_object();
			json_object_object_add(software, lists[l],
			    repeated_array(item, n));
			rec = record_with_source();
			json_object_object_add(rec, "software", software);
			if (n == DEVICE_JSON_MAX_SOFTWARE) {
				assert_int_equal(parse_object(wrap_record(rec),
				    &list, &first), 0);
				continue;
			}
			assert_int_equal(parse_object(wrap_record(rec), &list,
			    &first), 1);
			snprintf(expected, sizeof(expected), "records[0].software."
			    "%s: 10001 items; the maximum is 10000", lists[l]);
			assert_string_equal(first, expected);
			free(first);
		}
	}
	assert_int_equal(list.count, 2);
	assert_int_equal(list.items[0].software_count, DEVICE_JSON_MAX_SOFTWARE);
	assert_int_equal(list.items[1].service_count, DEVICE_JSON_MAX_SOFTWARE);
	device_list_free(&list);
}

static void
limit_observation_count(void **state)
{
	struct device_list	 list = { NULL, 0, 0 };
	struct json_object	*rec, *observations, *obs;
	char			 key[32], *first;
	size_t			 i;

	(void)state;
	observations = json_object_new_object();
	for (i = 0; i <= DEVICE_JSON_MAX_OBSERVATIONS; i++) {
		obs = json_object_new_object();
		json_object_object_add(obs, "value", json_object_new_boolean(1));
		snprintf(key, sizeof(key), "practice%zu", i);
		json_object_object_add(observations, key, obs);
	}
	rec = record_with_source();
	json_object_object_add(rec, "observations", observations);
	assert_int_equal(parse_object(wrap_record(rec), &list, &first), 1);
	assert_string_equal(first, "records[0].observations: 1001 observations; "
	    "the maximum is 1000");
	free(first);
	assert_int_equal(list.count, 0);
}

static void
limit_record_count(void **state)
{
	struct device_list	 list = { NULL, 0, 0 };
	struct json_object	*root;
	char			*first;

	(void)state;
	root = json_object_new_object();
	json_object_object_add(root, "records",
	    repeated_array(record_with_source(), DEVICE_JSON_MAX_RECORDS + 1));
	assert_int_equal(parse_object(root, &list, &first), 1);
	assert_string_equal(first, "records: 1000001 items; the maximum is "
	    "1000000");
	free(first);
	assert_int_equal(list.count, 0);
}

static void
timestamps_parsed(void **state)
{
	static const struct {
		const char	*text;
		long long	 seconds;
	} cases[] = {
		{ "2026-11-30T10:00:00Z",		1796032800 },
		{ "2026-11-30t10:00:00z",		1796032800 },
		{ "2026-11-30 10:00:00Z",		1796032800 },
		{ "2026-11-30T11:00:00+01:00",		1796032800 },
		{ "2026-11-30T08:30:00-01:30",		1796032800 },
		{ "2026-11-30T10:00:00.123456Z",	1796032800 },
		{ "2026-11-30T10:00:00.999+00:00",	1796032800 },
		{ "2026-11-30T10:00:00-00:00",		1796032800 },
		{ "2024-02-29T23:59:59Z",		1709251199 },
		{ "2000-02-29T00:00:00Z",		951782400 },
		{ "2016-12-31T23:59:60Z",		1483228800 },
		{ "1970-01-01T00:00:01Z",		1 },
		{ "1970-01-01T00:00:00Z",		0 },
		{ "9999-12-31T23:59:59Z",		253402300799LL },
	};
	time_t	 t;
	size_t	 i;

	(void)state;
	for (i = 0; i < COUNT(cases); i++) {
		t = -7;
		if (rfc3339_parse(cases[i].text, &t) != 0)
			fail_msg("rejected %s", cases[i].text);
		if ((long long)t != cases[i].seconds)
			fail_msg("%s: %lld, expected %lld", cases[i].text,
			    (long long)t, cases[i].seconds);
	}
}

static void
timestamps_rejected(void **state)
{
	static const char *const cases[] = {
		"",
		"2026-11-30",
		"2026-11-30T10:00:00",
		"2026-11-30T10:00Z",
		"2026-13-01T00:00:00Z",
		"2026-00-01T00:00:00Z",
		"2026-11-00T00:00:00Z",
		"2026-02-29T00:00:00Z",
		"1900-02-29T00:00:00Z",
		"2026-04-31T00:00:00Z",
		"2026-11-30T24:00:00Z",
		"2026-11-30T10:60:00Z",
		"2026-11-30T10:00:61Z",
		"2026-11-30T10:00:00.Z",
		"2026-11-30T10:00:00+1:00",
		"2026-11-30T10:00:00+01:60",
		"2026-11-30T10:00:00+24:00",
		"2026-11-30T10:00:00+0100",
		"2026-11-30T10:00:00Z ",
		" 2026-11-30T10:00:00Z",
		"26-11-30T10:00:00Z",
		"2026-1-30T10:00:00Z",
		"2026/11/30T10:00:00Z",
		"2026-11-30X10:00:00Z",
		"+2026-11-30T10:00:00Z",
		"2026-11-30T10:00:00ZZ",
	};
	time_t	 t;
	size_t	 i;

	(void)state;
	for (i = 0; i < COUNT(cases); i++)
		if (rfc3339_parse(cases[i], &t) != -1)
			fail_msg("accepted \"%s\"", cases[i]);
	assert_int_equal(rfc3339_parse(NULL, &t), -1);
}

static void
timestamps_formatted(void **state)
{
	static const struct {
		long long	 seconds;
		const char	*text;
	} cases[] = {
		{ 1796032800,		"2026-11-30T10:00:00Z" },
		{ 0,			"1970-01-01T00:00:00Z" },
		{ 1709251199,		"2024-02-29T23:59:59Z" },
		{ 253402300799LL,	"9999-12-31T23:59:59Z" },
	};
	char	 out[RFC3339_SIZE];
	size_t	 i;

	(void)state;
	assert_int_equal(RFC3339_SIZE, 21);
	for (i = 0; i < COUNT(cases); i++) {
		assert_int_equal(rfc3339_format((time_t)cases[i].seconds, out,
		    sizeof(out)), 0);
		assert_string_equal(out, cases[i].text);
	}
	assert_int_equal(rfc3339_format((time_t)253402300800LL, out,
	    sizeof(out)), -1);
	assert_int_equal(rfc3339_format(0, out, RFC3339_SIZE - 1), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip_full),
		cmocka_unit_test(nulls_are_unknown),
		cmocka_unit_test(values_normalized),
		cmocka_unit_test(type_errors_with_paths),
		cmocka_unit_test(unknown_keys_named),
		cmocka_unit_test(errors_all_collected),
		cmocka_unit_test(errors_capped),
		cmocka_unit_test(output_list_kept_on_error),
		cmocka_unit_test(limit_string_length),
		cmocka_unit_test(limit_mac_count),
		cmocka_unit_test(limit_software_count),
		cmocka_unit_test(limit_observation_count),
		cmocka_unit_test(limit_record_count),
		cmocka_unit_test(timestamps_parsed),
		cmocka_unit_test(timestamps_rejected),
		cmocka_unit_test(timestamps_formatted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
