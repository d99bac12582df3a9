/*
 * Tests for the Google source. They cover turning recorded mobile and
 * ChromeOS devices into records (with every trap in tests/upstreams/google),
 * the service-account JWT and token responses, the settings and the words
 * for failures. Lookups run end to end against the fake Google server
 * (build/fakes/google) in a child process, in every misbehaviour mode.
 * Run from the repository root.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <json-c/json.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "../sources/google_internal.h"
#include "buf.h"
#include "device.h"
#include "diag.h"
#include "fake_process.h"
#include "fetch.h"
#include "json_answer.h"
#include "json_file.h"
#include "log.h"
#include "rfc3339.h"
#include "source.h"
#include "source_google.h"
#include "yaml_tree.h"

#define DATA_DIR	"tests/upstreams/google"
#define KEY_FILE	DATA_DIR "/test-service-account.json"
#define PUBLIC_KEY_FILE	DATA_DIR "/test-service-account.pub.pem"
#define SUBJECT		"it-admin@example.com"
#define LOOKUP_MS	3000

static const char	*test_argv0;
static struct fake_process fake;

/* ---- helpers ---------------------------------------------------------------- */

static struct json_object *
load_json(const char *path)
{
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct json_object	*root;

	root = json_parse_file(path, 1024 * 1024, 32, &diags);
	if (root == NULL)
		diag_print(&diags, stderr);
	diag_clear(&diags);
	assert_non_null(root);
	return root;
}

/* Return element i of the named list in a recorded response. */
static struct json_object *
recorded_device(struct json_object *root, const char *list, size_t i)
{
	struct json_object	*array;

	assert_true(json_object_object_get_ex(root, list, &array));
	assert_true(i < json_object_array_length(array));
	return json_object_array_get_idx(array, i);
}

static const struct observation *
must_observe(const struct device_record *rec, const char *key)
{
	const struct observation *obs = device_observation(rec, key);

	if (obs == NULL)
		fail_msg("no %s observation", key);
	return obs;
}

static void
assert_observed(const struct device_record *rec, const char *key,
    enum observed value)
{
	const struct observation *obs = must_observe(rec, key);

	if (obs->value != value)
		fail_msg("%s: expected %d, got %d", key, value, obs->value);
	/* Unknown observations carry no time, so known ones win the merge. */
	if (value == OBSERVED_UNKNOWN)
		assert_int_equal(obs->observed_at, 0);
	else
		assert_int_equal(obs->observed_at, rec->last_sync);
}

static time_t
parse_time(const char *s)
{
	time_t	 t;

	assert_int_equal(rfc3339_parse(s, &t), 0);
	return t;
}

static struct json_object *
parse_inline(const char *text)
{
	struct json_object	*obj = json_tokener_parse(text);

	assert_non_null(obj);
	return obj;
}

/* Build a record from inline JSON with the given converter. */
static void
inline_record(const char *text, int (*convert)(struct json_object *,
    struct device_record *), struct device_record *rec)
{
	struct json_object	*obj = parse_inline(text);

	memset(rec, 0, sizeof(*rec));
	assert_int_equal(convert(obj, rec), 0);
	json_object_put(obj);
}

static char *
read_text_file(const char *path)
{
	struct buf	 text = BUF_INIT;
	char		 chunk[4096];
	size_t		 n;
	FILE		*f = fopen(path, "r");

	assert_non_null(f);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&text, chunk, n);
	fclose(f);
	buf_puts(&text, "");
	return buf_detach(&text);
}

/* ---- mobile devices ----------------------------------------------------- */

static void
test_mobile_android_usb_debugging(void **state)
{
	struct json_object	*root;
	struct device_record	 rec = { 0 };
	const struct observation *adb;

	(void)state;
	root = load_json(DATA_DIR "/mobile/bruno.lindqvist@example.com.json");
	assert_int_equal(google_mobile_to_record(recorded_device(root,
	    "mobiledevices", 0), &rec), 0);

	assert_string_equal(rec.source, "google");
	assert_int_equal(rec.platform, PLATFORM_ANDROID);
	assert_string_equal(rec.os_name, "Android");
	assert_string_equal(rec.os_version, "16");
	assert_string_equal(rec.model, "Pixel 8");
	assert_string_equal(rec.name, "Pixel 8");
	assert_string_equal(rec.manufacturer, "Google");
	assert_string_equal(rec.email, "bruno.lindqvist@example.com");
	assert_string_equal(rec.ids.serial, "38121BRUNO02");
	assert_string_equal(rec.ids.imei, "356938035643809");
	assert_null(rec.ids.meid);
	assert_string_equal(rec.ids.source_id, "AFiQxQ8bRuNo0000PiXeL8");
	assert_int_equal(rec.ids.mac_count, 0);
	assert_int_equal(rec.last_sync, parse_time("2026-12-03T17:45:12Z"));

	assert_observed(&rec, "encryption", OBSERVED_TRUE);
	assert_observed(&rec, "screenlock", OBSERVED_TRUE);
	assert_observed(&rec, "jailed", OBSERVED_TRUE);
	assert_observed(&rec, "adbstatus", OBSERVED_FALSE);
	adb = must_observe(&rec, "adbstatus");
	assert_non_null(strstr(adb->details, "USB debugging is on"));
	assert_non_null(strstr(adb->details, "developer options"));
	/* Android 16: the unknown-sources switch no longer exists. */
	assert_null(device_observation(&rec, "unknownsources"));

	device_record_free(&rec);
	json_object_put(root);
}

static void
test_mobile_ios_encryption_unknown(void **state)
{
	struct json_object	*root;
	struct device_record	 rec = { 0 };

	(void)state;
	root = load_json(DATA_DIR "/mobile/chiara.esposito@example.com.json");
	assert_int_equal(google_mobile_to_record(recorded_device(root,
	    "mobiledevices", 0), &rec), 0);

	assert_int_equal(rec.platform, PLATFORM_IOS);
	assert_string_equal(rec.os_name, "iOS");
	assert_string_equal(rec.os_version, "27.2");
	assert_string_equal(rec.ids.imei, "358844112039172");
	assert_int_equal(rec.ids.mac_count, 1);
	assert_string_equal(rec.ids.macs[0], "A4:83:E7:C3:00:03");
	assert_observed(&rec, "encryption", OBSERVED_UNKNOWN);
	assert_non_null(strstr(must_observe(&rec, "encryption")->details,
	    "iOS"));
	assert_observed(&rec, "screenlock", OBSERVED_TRUE);
	assert_observed(&rec, "jailed", OBSERVED_TRUE);
	assert_null(device_observation(&rec, "adbstatus"));
	assert_null(device_observation(&rec, "unknownsources"));

	device_record_free(&rec);
	json_object_put(root);
}

static void
test_mobile_old_android_failing(void **state)
{
	struct json_object	*root;
	struct device_record	 rec = { 0 };

	(void)state;
	root = load_json(DATA_DIR "/mobile/hana.kobayashi@example.com.json");
	assert_int_equal(google_mobile_to_record(recorded_device(root,
	    "mobiledevices", 0), &rec), 0);

	assert_string_equal(rec.os_version, "7.1.2");
	assert_string_equal(rec.ids.macs[0], "60:BE:B5:4A:10:71");
	assert_observed(&rec, "encryption", OBSERVED_FALSE);
	assert_observed(&rec, "screenlock", OBSERVED_FALSE);
	assert_observed(&rec, "jailed", OBSERVED_FALSE);
	assert_observed(&rec, "adbstatus", OBSERVED_TRUE);
	/* Android 7 still has the switch, and it is on. */
	assert_observed(&rec, "unknownsources", OBSERVED_FALSE);
	device_record_free(&rec);

	/* The second device on the page: an iPad reporting as iPadOS. */
	memset(&rec, 0, sizeof(rec));
	assert_int_equal(google_mobile_to_record(recorded_device(root,
	    "mobiledevices", 1), &rec), 0);
	assert_int_equal(rec.platform, PLATFORM_IOS);
	assert_string_equal(rec.os_name, "iPadOS");
	assert_string_equal(rec.os_version, "27.1");
	assert_int_equal(rec.last_sync, parse_time("2026-12-01T06:40:19Z"));
	device_record_free(&rec);
	json_object_put(root);
}

static void
test_mobile_google_sync_unknowns(void **state)
{
	struct json_object	*root;
	struct device_record	 rec = { 0 };

	(void)state;
	root = load_json(DATA_DIR "/mobile/page-hana-page-2.json");
	assert_int_equal(google_mobile_to_record(recorded_device(root,
	    "mobiledevices", 0), &rec), 0);

	/* GOOGLE_SYNC: the os field decides the platform. */
	assert_int_equal(rec.platform, PLATFORM_ANDROID);
	assert_string_equal(rec.os_version, "8.0.0");
	assert_null(rec.ids.serial);
	assert_int_equal(rec.last_sync, parse_time("2026-10-17T11:02:44Z"));
	assert_observed(&rec, "encryption", OBSERVED_UNKNOWN);
	assert_observed(&rec, "screenlock", OBSERVED_UNKNOWN);
	assert_observed(&rec, "jailed", OBSERVED_UNKNOWN);
	assert_observed(&rec, "adbstatus", OBSERVED_UNKNOWN);
	/* Android 8: unknownSourcesStatus true means nothing any more. */
	assert_null(device_observation(&rec, "unknownsources"));
	device_record_free(&rec);
	json_object_put(root);
}

static void
test_mobile_recorded_traps(void **state)
{
	struct json_object	*root, *dev;
	struct device_record	 rec;
	size_t			 i;

	(void)state;
	root = load_json(DATA_DIR "/mobile/tomasz.nowak@example.com.json");

	/* null, and a number: not devices. */
	for (i = 0; i < 3; i++) {
		memset(&rec, 0, sizeof(rec));
		dev = recorded_device(root, "mobiledevices", i);
		if (i == 1) {
			assert_int_equal(google_mobile_to_record(dev, &rec), 0);
			assert_null(rec.ids.source_id);
			assert_null(rec.model);
			assert_int_equal(rec.platform, PLATFORM_UNKNOWN);
		} else
			assert_int_equal(google_mobile_to_record(dev, &rec), -1);
		device_record_free(&rec);
	}

	/* Only a resource id. */
	memset(&rec, 0, sizeof(rec));
	assert_int_equal(google_mobile_to_record(recorded_device(root,
	    "mobiledevices", 3), &rec), 0);
	assert_string_equal(rec.ids.source_id, "AFiQxQ8tOmAsZ000OnLyId");
	assert_observed(&rec, "encryption", OBSERVED_UNKNOWN);
	assert_observed(&rec, "screenlock", OBSERVED_UNKNOWN);
	assert_observed(&rec, "jailed", OBSERVED_UNKNOWN);
	device_record_free(&rec);

	/* Wrong types, padding and placeholders. */
	memset(&rec, 0, sizeof(rec));
	assert_int_equal(google_mobile_to_record(recorded_device(root,
	    "mobiledevices", 4), &rec), 0);
	assert_string_equal(rec.ids.source_id, "AFiQxQ8tOmAsZ000TyPeS");
	assert_string_equal(rec.model, "Xperia 10 V – służbowy");
	assert_null(rec.os_name);
	assert_null(rec.os_version);
	assert_int_equal(rec.platform, PLATFORM_UNKNOWN);
	assert_null(rec.email);
	assert_int_equal(rec.last_sync, 0);
	assert_null(rec.ids.serial);
	assert_string_equal(rec.ids.imei, "352099001761481");
	assert_null(rec.ids.meid);
	assert_int_equal(rec.ids.mac_count, 0);
	assert_observed(&rec, "encryption", OBSERVED_TRUE);
	assert_observed(&rec, "screenlock", OBSERVED_TRUE);
	assert_observed(&rec, "jailed", OBSERVED_UNKNOWN);
	assert_non_null(strstr(must_observe(&rec, "jailed")->details,
	    "\"Unknown\""));
	/* Not known to be Android, so a string "true" reports nothing. */
	assert_null(device_observation(&rec, "adbstatus"));
	assert_null(device_observation(&rec, "unknownsources"));
	device_record_free(&rec);

	/* iOS 9.3: a two-part version, a dotted MAC, a leap second. */
	memset(&rec, 0, sizeof(rec));
	assert_int_equal(google_mobile_to_record(recorded_device(root,
	    "mobiledevices", 5), &rec), 0);
	assert_string_equal(rec.os_name, "iOS");
	assert_string_equal(rec.os_version, "9.3");
	assert_string_equal(rec.email, "tomasz.nowak@example.com");
	assert_string_equal(rec.ids.macs[0], "F0:DB:F8:A1:B2:C3");
	assert_int_equal(rec.last_sync, parse_time("2026-07-01T00:00:00Z"));
	assert_observed(&rec, "screenlock", OBSERVED_FALSE);
	device_record_free(&rec);

	/* Someone else's phone that the search also returned. */
	assert_false(google_mobile_belongs(recorded_device(root,
	    "mobiledevices", 6), "tomasz.nowak@example.com"));
	assert_true(google_mobile_belongs(recorded_device(root,
	    "mobiledevices", 5), "tomasz.nowak@example.com"));
	json_object_put(root);
}

static void
test_mobile_belongs_cases(void **state)
{
	static const struct {
		const char	*json;
		int		 belongs;
	} cases[] = {
		{ "{\"email\": [\"a@example.com\"]}", 1 },
		{ "{\"email\": [\" A@Example.COM \"]}", 1 },
		{ "{\"email\": [\"b@example.com\", \"a@example.com\"]}", 1 },
		{ "{\"email\": [\"b@example.com\"]}", 0 },
		{ "{\"email\": [\"a@example.com.au\"]}", 0 },
		/* Nothing contradicts Google's match. */
		{ "{\"email\": []}", 1 },
		{ "{\"email\": [\"\", null, 3]}", 1 },
		{ "{}", 1 },
		{ "{\"email\": \"b@example.com\"}", 1 },
	};
	struct json_object	*obj;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		obj = parse_inline(cases[i].json);
		if (google_mobile_belongs(obj, "a@example.com") !=
		    cases[i].belongs)
			fail_msg("case %zu: %s", i, cases[i].json);
		json_object_put(obj);
	}
}

/* No odd value of a status field may ever read as ok. */
static void
test_odd_values_never_ok(void **state)
{
	static const char *const fields[] = {
		"encryptionStatus", "devicePasswordStatus",
		"deviceCompromisedStatus",
	};
	static const char *const keys[] = {
		"encryption", "screenlock", "jailed",
	};
	static const char *const values[] = {
		"\"\"", "\"   \"", "null", "true", "1", "[\"Encrypted\"]",
		"{\"value\": \"On\"}", "\"Encrypting\"", "\"yes\"",
		"\"<b>On</b>\"", "\"On\\u0000\"", "\"Encrypted but not\"",
	};
	struct device_record	 rec;
	struct buf		 json = BUF_INIT;
	size_t			 f, v;

	(void)state;
	for (f = 0; f < sizeof(fields) / sizeof(fields[0]); f++) {
		for (v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
			buf_reset(&json);
			buf_printf(&json, "{\"type\": \"ANDROID\", \"os\": "
			    "\"Android 7.0\", \"%s\": %s, \"adbStatus\": %s, "
			    "\"unknownSourcesStatus\": %s}", fields[f],
			    values[v], values[v], values[v]);
			inline_record(json.data, google_mobile_to_record,
			    &rec);
			if (must_observe(&rec, keys[f])->value ==
			    OBSERVED_TRUE)
				fail_msg("%s = %s read as ok", fields[f],
				    values[v]);
			if (strcmp(values[v], "true") != 0 &&
			    must_observe(&rec, "adbstatus")->value ==
			    OBSERVED_TRUE)
				fail_msg("adbStatus = %s read as ok",
				    values[v]);
			if (must_observe(&rec, "unknownsources")->value ==
			    OBSERVED_TRUE && strcmp(values[v], "true") != 0)
				fail_msg("unknownSourcesStatus = %s read as ok",
				    values[v]);
			device_record_free(&rec);
		}
	}
	buf_free(&json);
}

/* ---- Chromebooks ---------------------------------------------------------- */

static void
test_chromeos_developer_mode(void **state)
{
	struct json_object	*root, *dev;
	struct device_record	 rec = { 0 };
	const struct observation *jailed;

	(void)state;
	root = load_json(DATA_DIR "/chromeos/page-dev-cros-page-2.json");
	dev = recorded_device(root, "chromeosdevices", 0);
	assert_true(google_chromeos_belongs(dev, "dev.raman@example.com"));
	assert_true(google_chromeos_belongs(dev, "Dev.Raman@Example.com"));
	assert_int_equal(google_chromeos_to_record(dev, &rec), 0);

	assert_string_equal(rec.source, "google");
	assert_int_equal(rec.platform, PLATFORM_CHROMEOS);
	assert_string_equal(rec.os_name, "ChromeOS");
	assert_string_equal(rec.os_version, "155.0.7480.41");
	assert_string_equal(rec.model, "Chromebook Plus 14");
	assert_string_equal(rec.name, "Chromebook Plus 14");
	assert_string_equal(rec.email, "dev.raman@example.com");
	assert_string_equal(rec.ids.serial, "5CD1DEV04");
	assert_string_equal(rec.ids.source_id,
	    "0c7d4b19-2e58-4f60-b1a3-devraman0004");
	assert_int_equal(rec.ids.mac_count, 1);
	assert_string_equal(rec.ids.macs[0], "F0:18:98:DE:00:04");
	assert_int_equal(rec.last_sync, parse_time("2026-12-04T09:31:27Z"));
	assert_observed(&rec, "jailed", OBSERVED_FALSE);
	jailed = must_observe(&rec, "jailed");
	assert_non_null(strstr(jailed->details, "developer mode"));
	/* Updates until 2033: no uptodate observation. */
	assert_null(device_observation(&rec, "uptodate"));
	device_record_free(&rec);
	json_object_put(root);
}

static void
test_chromeos_most_recent_user_only(void **state)
{
	struct json_object	*root, *dev;
	struct device_record	 rec = { 0 };

	(void)state;
	root = load_json(DATA_DIR "/chromeos/dev.raman@example.com.json");
	dev = recorded_device(root, "chromeosdevices", 0);
	assert_false(google_chromeos_belongs(dev, "dev.raman@example.com"));
	assert_true(google_chromeos_belongs(dev, "kai.oduya@example.com"));
	assert_int_equal(google_chromeos_to_record(dev, &rec), 0);
	assert_string_equal(rec.name, "LOANER-17");
	assert_string_equal(rec.email, "kai.oduya@example.com");
	assert_observed(&rec, "jailed", OBSERVED_TRUE);
	device_record_free(&rec);
	json_object_put(root);
}

static void
test_chromeos_update_expired(void **state)
{
	struct json_object	*root;
	struct device_record	 rec = { 0 };
	const struct observation *obs;

	(void)state;
	root = load_json(DATA_DIR "/chromeos/hana.kobayashi@example.com.json");
	assert_int_equal(google_chromeos_to_record(recorded_device(root,
	    "chromeosdevices", 0), &rec), 0);
	assert_string_equal(rec.name, "Salle de réunion 3 – écran");
	assert_int_equal(rec.ids.mac_count, 1);
	assert_string_equal(rec.ids.macs[0], "00:E0:4C:6A:0B:0C");
	assert_observed(&rec, "uptodate", OBSERVED_FALSE);
	obs = must_observe(&rec, "uptodate");
	assert_non_null(strstr(obs->details, "2025-06-01"));
	device_record_free(&rec);
	json_object_put(root);
}

static void
test_chromeos_recorded_traps(void **state)
{
	struct json_object	*root, *dev;
	struct device_record	 rec = { 0 };
	size_t			 i;

	(void)state;
	root = load_json(DATA_DIR "/chromeos/tomasz.nowak@example.com.json");
	dev = recorded_device(root, "chromeosdevices", 0);
	assert_true(google_chromeos_belongs(dev, "tomasz.nowak@example.com"));
	assert_int_equal(google_chromeos_to_record(dev, &rec), 0);
	assert_string_equal(rec.ids.source_id, "1b2c3d4e-tomasz-padded-0001");
	assert_string_equal(rec.ids.serial, "5CDTOMASZ1");
	assert_string_equal(rec.os_version, "155.0.7480.41");
	assert_string_equal(rec.email, "tomasz.nowak@example.com");
	/* Dashes instead of bare hex; the all-zero address is dropped. */
	assert_int_equal(rec.ids.mac_count, 1);
	assert_string_equal(rec.ids.macs[0], "F0:18:98:DE:00:0A");
	assert_int_equal(rec.last_sync, parse_time("2026-12-02T07:00:00Z"));
	assert_observed(&rec, "jailed", OBSERVED_UNKNOWN);
	/* An RFC 3339 expiration in the past. */
	assert_observed(&rec, "uptodate", OBSERVED_FALSE);
	assert_non_null(strstr(must_observe(&rec, "uptodate")->details,
	    "2026-08-01"));
	device_record_free(&rec);

	/* Unmanaged user first, no users, users not a list. */
	for (i = 1; i <= 3; i++)
		assert_false(google_chromeos_belongs(recorded_device(root,
		    "chromeosdevices", i), "tomasz.nowak@example.com"));
	memset(&rec, 0, sizeof(rec));
	assert_int_equal(google_chromeos_to_record(recorded_device(root,
	    "chromeosdevices", 4), &rec), -1);
	device_record_free(&rec);
	json_object_put(root);
}

static void
test_chromeos_boot_modes(void **state)
{
	static const struct {
		const char	*json;
		enum observed	 jailed;
	} cases[] = {
		{ "{\"bootMode\": \"Verified\"}", OBSERVED_TRUE },
		{ "{\"bootMode\": \" verified \"}", OBSERVED_TRUE },
		{ "{\"bootMode\": \"Dev\"}", OBSERVED_FALSE },
		{ "{\"bootMode\": \"\"}", OBSERVED_UNKNOWN },
		{ "{\"bootMode\": \"Developer\"}", OBSERVED_UNKNOWN },
		{ "{\"bootMode\": true}", OBSERVED_UNKNOWN },
		{ "{}", OBSERVED_UNKNOWN },
	};
	struct device_record	 rec;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		inline_record(cases[i].json, google_chromeos_to_record, &rec);
		if (must_observe(&rec, "jailed")->value != cases[i].jailed)
			fail_msg("case %zu: %s", i, cases[i].json);
		device_record_free(&rec);
	}
}

static void
test_chromeos_expiration_forms(void **state)
{
	static const struct {
		const char	*json;
		int		 expired;
	} cases[] = {
		{ "{\"autoUpdateExpiration\": \"1748736000000\"}", 1 },
		{ "{\"autoUpdateExpiration\": 1748736000000}", 1 },
		{ "{\"autoUpdateExpiration\": \"2001196800000\"}", 0 },
		{ "{\"autoUpdateExpiration\": \"2020-01-01T00:00:00Z\"}", 1 },
		{ "{\"autoUpdateExpiration\": \"soon\"}", 0 },
		{ "{\"autoUpdateExpiration\": \"\"}", 0 },
		{ "{\"autoUpdateExpiration\": -5}", 0 },
		{ "{\"autoUpdateExpiration\": \"99999999999999999999\"}", 0 },
	};
	struct device_record	 rec;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		inline_record(cases[i].json, google_chromeos_to_record, &rec);
		if ((device_observation(&rec, "uptodate") != NULL) !=
		    cases[i].expired)
			fail_msg("case %zu: %s", i, cases[i].json);
		device_record_free(&rec);
	}
}

/* ---- the service account and its JWT ------------------------------------ */

static struct google_key *
load_test_key(const char *token_uri)
{
	struct buf		 why = BUF_INIT;
	struct google_key	*key;

	key = google_key_load(KEY_FILE, token_uri, &why);
	if (key == NULL)
		fail_msg("%s", why.data);
	buf_free(&why);
	return key;
}

/* Return the value of a base64url digit, or -1. */
static int
base64url_digit(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

/* Decode a base64url string into raw bytes. */
static void
decode_raw(const char *s, size_t len, struct buf *out)
{
	size_t		 i;
	unsigned	 acc = 0;
	int		 bits = 0, v;

	for (i = 0; i < len; i++) {
		v = base64url_digit(s[i]);
		assert_true(v >= 0);
		acc = acc << 6 | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf_putc(out, (char)(acc >> bits & 0xff));
		}
	}
}

static struct json_object *
decode_jwt_part(const char *s, size_t len)
{
	struct buf		 text = BUF_INIT;
	struct json_object	*obj;

	decode_raw(s, len, &text);
	buf_puts(&text, "");
	obj = json_tokener_parse(text.data);
	assert_non_null(obj);
	buf_free(&text);
	return obj;
}

static void
assert_member_string(struct json_object *obj, const char *key,
    const char *expected)
{
	struct json_object	*v;

	assert_true(json_object_object_get_ex(obj, key, &v));
	assert_true(json_object_is_type(v, json_type_string));
	assert_string_equal(json_object_get_string(v), expected);
}

static int64_t
member_int(struct json_object *obj, const char *key)
{
	struct json_object	*v;

	assert_true(json_object_object_get_ex(obj, key, &v));
	assert_true(json_object_is_type(v, json_type_int));
	return json_object_get_int64(v);
}

/* Return 1 when the JWT's RS256 signature verifies with the public key. */
static int
jwt_signature_valid(const char *jwt)
{
	const char	*dot = strrchr(jwt, '.');
	struct buf	 sig = BUF_INIT;
	EVP_PKEY	*pub;
	EVP_MD_CTX	*ctx;
	BIO		*bio;
	int		 ok;

	bio = BIO_new_file(PUBLIC_KEY_FILE, "r");
	assert_non_null(bio);
	pub = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	BIO_free(bio);
	assert_non_null(pub);
	decode_raw(dot + 1, strlen(dot + 1), &sig);

	ctx = EVP_MD_CTX_new();
	ok = EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, pub) == 1 &&
	    EVP_DigestVerify(ctx, (const unsigned char *)sig.data, sig.len,
	    (const unsigned char *)jwt, (size_t)(dot - jwt)) == 1;
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(pub);
	buf_free(&sig);
	return ok;
}

static void
test_key_file_loads(void **state)
{
	struct google_key	*key;

	(void)state;
	key = load_test_key(NULL);
	assert_string_equal(google_key_client_email(key),
	    "stethoscope-test@stethoscope-test.iam.gserviceaccount.com");
	assert_string_equal(google_key_token_uri(key),
	    "http://127.0.0.1:1/token");
	google_key_free(key);

	key = load_test_key("http://127.0.0.1:9/oauth/token");
	assert_string_equal(google_key_token_uri(key),
	    "http://127.0.0.1:9/oauth/token");
	google_key_free(key);
}

static void
test_jwt_header_and_claims(void **state)
{
	struct google_key	*key;
	struct json_object	*header, *claims;
	const char		*dot1, *dot2;
	char			*jwt;
	time_t			 now = 1796400000;

	(void)state;
	key = load_test_key("http://127.0.0.1:9/token");
	jwt = google_jwt_build(key, SUBJECT, GOOGLE_SCOPES, now);
	assert_non_null(jwt);

	/* Three base64url parts, no padding. */
	assert_int_equal(strspn(jwt, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijkl"
	    "mnopqrstuvwxyz0123456789-_."), strlen(jwt));
	dot1 = strchr(jwt, '.');
	assert_non_null(dot1);
	dot2 = strchr(dot1 + 1, '.');
	assert_non_null(dot2);
	assert_null(strchr(dot2 + 1, '.'));

	header = decode_jwt_part(jwt, (size_t)(dot1 - jwt));
	assert_string_equal(json_object_to_json_string_ext(header,
	    JSON_C_TO_STRING_PLAIN), "{\"alg\":\"RS256\",\"typ\":\"JWT\"}");
	claims = decode_jwt_part(dot1 + 1, (size_t)(dot2 - dot1 - 1));
	assert_member_string(claims, "iss",
	    "stethoscope-test@stethoscope-test.iam.gserviceaccount.com");
	assert_member_string(claims, "sub", SUBJECT);
	assert_member_string(claims, "scope",
	    "https://www.googleapis.com/auth/admin.directory.device.mobile."
	    "readonly https://www.googleapis.com/auth/admin.directory.device."
	    "chromeos.readonly");
	assert_member_string(claims, "aud", "http://127.0.0.1:9/token");
	assert_int_equal(member_int(claims, "iat"), now - 30);
	assert_int_equal(member_int(claims, "exp"), now - 30 + 3600);
	assert_true(member_int(claims, "exp") - member_int(claims, "iat") <=
	    3600);

	assert_true(jwt_signature_valid(jwt));
	json_object_put(header);
	json_object_put(claims);
	free(jwt);
	google_key_free(key);
}

static void
test_jwt_tampered_fails(void **state)
{
	struct google_key	*key;
	char			*jwt, *dot;

	(void)state;
	key = load_test_key("http://127.0.0.1:9/token");
	jwt = google_jwt_build(key, SUBJECT, GOOGLE_SCOPES, time(NULL));
	assert_non_null(jwt);
	assert_true(jwt_signature_valid(jwt));
	/* Change one character of the claims. */
	dot = strchr(jwt, '.');
	dot[3] = dot[3] == 'A' ? 'B' : 'A';
	assert_false(jwt_signature_valid(jwt));
	free(jwt);
	google_key_free(key);
}

/* Write text to a temporary file and return its path (caller frees). */
static char *
temp_file(const char *text)
{
	char	 path[] = "/tmp/test_google.XXXXXX";
	int	 fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return strdup(path);
}

static void
test_key_file_errors(void **state)
{
	static const struct {
		const char	*text;
		const char	*expected;
	} cases[] = {
		{ "{\"client_email\": \"a@b\",\n \"private_key\": }",
		  ":2:17: " },
		{ "[1, 2]", "expected the JSON object of a service-account key" },
		{ "{\"private_key\": \"x\", \"token_uri\": \"http://h/t\"}",
		  "missing client_email" },
		{ "{\"client_email\": \"a@b\", \"token_uri\": \"http://h/t\"}",
		  "missing private_key" },
		{ "{\"client_email\": \"a@b\", \"private_key\": \"x\"}",
		  "missing token_uri" },
		{ "{\"client_email\": \"a@b\", \"private_key\": \"x\", "
		  "\"token_uri\": \"file:///etc/passwd\"}",
		  "token_uri is not an http or https URL" },
		{ "{\"client_email\": \"a@b\", \"private_key\": \"-----BEGIN "
		  "PRIVATE KEY-----\\nc2VjcmV0LWtleS1tYXRlcmlhbA==\\n-----END "
		  "PRIVATE KEY-----\\n\", \"token_uri\": \"http://h/t\"}",
		  "private_key is not an unencrypted PEM private key" },
	};
	struct google_key	*key;
	struct buf		 why = BUF_INIT;
	char			*path;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		path = temp_file(cases[i].text);
		buf_reset(&why);
		key = google_key_load(path, NULL, &why);
		assert_null(key);
		if (strstr(why.data, cases[i].expected) == NULL)
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, why.data,
			    cases[i].expected);
		assert_non_null(strstr(why.data, path));
		/* Nothing of the key's content reaches the message. */
		assert_null(strstr(why.data, "c2VjcmV0"));
		assert_null(strstr(why.data, "BEGIN"));
		unlink(path);
		free(path);
	}

	buf_reset(&why);
	assert_null(google_key_load("/nonexistent/key.json", NULL, &why));
	assert_non_null(strstr(why.data, "/nonexistent/key.json"));
	buf_free(&why);
}

static void
test_key_must_be_rsa(void **state)
{
	struct buf	 json = BUF_INIT, why = BUF_INIT;
	EVP_PKEY	*ec;
	BIO		*bio;
	char		*pem, *path, *p;
	long		 len;

	(void)state;
	ec = EVP_EC_gen("P-256");
	assert_non_null(ec);
	bio = BIO_new(BIO_s_mem());
	assert_int_equal(PEM_write_bio_PrivateKey(bio, ec, NULL, NULL, 0,
	    NULL, NULL), 1);
	len = BIO_get_mem_data(bio, &pem);
	buf_puts(&json, "{\"client_email\": \"a@b\", \"token_uri\": "
	    "\"http://h/t\", \"private_key\": \"");
	for (p = pem; p < pem + len; p++) {
		if (*p == '\n')
			buf_puts(&json, "\\n");
		else
			buf_putc(&json, *p);
	}
	buf_puts(&json, "\"}");
	path = temp_file(json.data);
	assert_null(google_key_load(path, NULL, &why));
	assert_non_null(strstr(why.data, "must be an RSA key"));
	unlink(path);
	free(path);
	BIO_free(bio);
	EVP_PKEY_free(ec);
	buf_free(&json);
	buf_free(&why);
}

static void
test_token_answers(void **state)
{
	static const struct {
		const char	*body;
		int		 rc;
		long		 expires_in;
		const char	*why;
	} cases[] = {
		{ "{\"access_token\": \"ya29.abc\", \"expires_in\": 3599, "
		  "\"token_type\": \"Bearer\"}", 0, 3599, NULL },
		{ "{\"access_token\": \"ya29.abc\"}", 0, 0, NULL },
		{ "{\"access_token\": \"ya29.abc\", \"expires_in\": \"3599\"}",
		  0, 0, NULL },
		{ "{\"access_token\": \"ya29.abc\", \"expires_in\": -1}", 0, 0,
		  NULL },
		{ "{\"expires_in\": 3599}", -1, 0, "has no access_token" },
		{ "{\"access_token\": 5}", -1, 0, "has no access_token" },
		{ "{\"access_token\": \"\"}", -1, 0, "invalid access_token" },
		{ "{\"access_token\": \"ya29 abc\"}", -1, 0,
		  "invalid access_token" },
		{ "{\"access_token\": \"ya29\\nabc\"}", -1, 0,
		  "invalid access_token" },
		{ "{\"access_token\": \"ya29.abc\\u0000x\"}", -1, 0,
		  "invalid access_token" },
		{ "<html><body>sign in</body></html>", -1, 0,
		  "malformed JSON at line 1 column 1" },
		{ "", -1, 0, "empty response instead of JSON" },
		{ "{\"access_token\": \"ya29.abc\"", -1, 0,
		  "malformed JSON at line 1" },
	};
	struct buf	 why = BUF_INIT;
	char		*token;
	long		 expires_in;
	size_t		 i;
	int		 rc;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_reset(&why);
		buf_puts(&why, "");
		rc = google_token_parse(cases[i].body, strlen(cases[i].body),
		    &token, &expires_in, &why);
		if (rc != cases[i].rc)
			fail_msg("case %zu: rc %d (%s)", i, rc, why.data);
		if (rc == 0) {
			assert_string_equal(token, "ya29.abc");
			assert_int_equal(expires_in, cases[i].expires_in);
			free(token);
		} else {
			assert_null(token);
			if (strstr(why.data, cases[i].why) == NULL)
				fail_msg("case %zu: \"%s\"", i, why.data);
			assert_null(strstr(why.data, "ya29"));
		}
	}
	buf_free(&why);
}

/* ---- settings ---------------------------------------------------------------- */

static void *
configure_text(const char *yaml, struct diag_list *diags)
{
	struct ynode	*root = NULL;
	void		*state;

	if (yaml_tree_load_buffer("stethoscope.yaml", yaml, strlen(yaml),
	    NULL, &root, diags) != 0) {
		diag_print(diags, stderr);
		fail_msg("the YAML of the test does not parse");
	}
	state = google_source.configure("stethoscope.yaml", root, diags);
	ynode_free(root);
	return state;
}

static void
test_settings_defaults_and_values(void **state)
{
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct google		*g;

	(void)state;
	g = configure_text("key_file: " KEY_FILE "\nsubject: " SUBJECT "\n",
	    &diags);
	assert_non_null(g);
	assert_int_equal(diags.count, 0);
	assert_string_equal(g->url, GOOGLE_DEFAULT_URL);
	assert_int_equal(g->timeout_ms, GOOGLE_DEFAULT_TIMEOUT_MS);
	assert_int_equal(g->max_connections, GOOGLE_DEFAULT_MAX_CONNECTIONS);
	assert_string_equal(google_key_token_uri(g->key),
	    "http://127.0.0.1:1/token");
	assert_non_null(strstr(g->token_key, SUBJECT));
	google_source.free(g);

	g = configure_text("url: http://127.0.0.1:8/api/\nkey_file: "
	    KEY_FILE "\nsubject: " SUBJECT "\ntoken_uri: "
	    "http://127.0.0.1:8/token\ntimeout_ms: 2500\nmax_connections: 2\n"
	    "max_response_bytes: 65536\n", &diags);
	assert_non_null(g);
	assert_string_equal(g->url, "http://127.0.0.1:8/api");
	assert_string_equal(google_key_token_uri(g->key),
	    "http://127.0.0.1:8/token");
	assert_int_equal(g->timeout_ms, 2500);
	assert_int_equal(g->max_connections, 2);
	assert_int_equal(g->max_response_bytes, 65536);
	google_source.free(g);
	diag_clear(&diags);
}

static void
test_settings_errors_with_positions(void **state)
{
	static const struct {
		const char	*yaml;
		const char	*expected;	/* LINE:COLUMN: message part */
	} cases[] = {
		{ "key_file: " KEY_FILE "\nsubject: " SUBJECT "\nkeyfile: x\n",
		  "3:1: sources.google: unknown key \"keyfile\"" },
		{ "key_file: " KEY_FILE "\nsubject: " SUBJECT "\n"
		  "timeout_ms: soon\n",
		  "3:13: sources.google.timeout_ms: expected an integer from "
		  "100 to 120000" },
		{ "key_file: " KEY_FILE "\nsubject: " SUBJECT "\n"
		  "max_connections: 0\n",
		  "3:18: sources.google.max_connections: expected an integer "
		  "from 1 to 20" },
		{ "key_file: " KEY_FILE "\nsubject: " SUBJECT "\n"
		  "url: ftp://example.com/\n",
		  "3:6: sources.google.url: expected a URL starting with" },
		{ "key_file: " KEY_FILE "\nsubject: [a, b]\n",
		  "2:10: sources.google.subject: expected a string, not a list" },
		{ "key_file: " KEY_FILE "\nsubject: nobody\n",
		  "2:10: sources.google.subject: expected the email address" },
		{ "subject: " SUBJECT "\n",
		  "1:1: sources.google: missing key_file" },
		{ "key_file: " KEY_FILE "\n",
		  "1:1: sources.google: missing subject" },
		{ "key_file: /nonexistent/google.json\nsubject: " SUBJECT "\n",
		  "1:11: sources.google.key_file: /nonexistent/google.json: "
		  "cannot read" },
		{ "- key_file\n",
		  "1:1: sources.google: expected a mapping of settings" },
	};
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct buf		 printed = BUF_INIT;
	char			*text;
	size_t			 i, j;
	FILE			*out;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		diag_clear(&diags);
		assert_null(configure_text(cases[i].yaml, &diags));
		assert_true(diags.count > 0);
		out = tmpfile();
		diag_print(&diags, out);
		rewind(out);
		buf_reset(&printed);
		for (j = 0; j < 4096; j++) {
			int c = fgetc(out);
			if (c == EOF)
				break;
			buf_putc(&printed, (char)c);
		}
		buf_puts(&printed, "");
		fclose(out);
		text = printed.data;
		if (strstr(text, "stethoscope.yaml:") == NULL ||
		    strstr(text, cases[i].expected) == NULL)
			fail_msg("case %zu: got \"%s\", expected \"%s\"", i,
			    text, cases[i].expected);
		assert_null(strstr(text, "PRIVATE"));
	}
	diag_clear(&diags);
	buf_free(&printed);
}

/* ---- failures --------------------------------------------------------------- */

static void
fake_answer(struct fetch_request *req, enum fetch_error error, long status,
    const char *content_type, const char *body, const char *message)
{
	fetch_request_init(req);
	req->error = error;
	req->status = status;
	req->attempts = 3;
	buf_puts(&req->body, body);
	req->content_type = content_type != NULL ? strdup(content_type) : NULL;
	snprintf(req->error_message, sizeof(req->error_message), "%s",
	    message);
}

static void
test_failure_messages(void **state)
{
	struct fetch_request	 req;
	struct buf		 out = BUF_INIT;
	char			*quota, *forbidden, *html;
	size_t			 i;
	static const struct {
		enum fetch_error error;
		long		 status;
		const char	*type;
		int		 body;	/* 0 none, 1 quota, 2 forbidden, 3 HTML */
		const char	*message;
		int		 token;
		const char	*expected;
	} cases[] = {
		{ FETCH_ERR_HTTP_STATUS, 401, "application/json", 0,
		  "HTTP status 401", 0, "HTTP 401 from Google: check the "
		  "service account and domain-wide delegation" },
		{ FETCH_ERR_HTTP_STATUS, 401, "application/json", 0,
		  "HTTP status 401", 1, "HTTP 401 from Google: check the "
		  "service account and domain-wide delegation" },
		{ FETCH_ERR_HTTP_STATUS, 403, "application/json", 1,
		  "HTTP status 403; not retried: a retry in 1000 ms would pass "
		  "the deadline", 0,
		  "Google quota exceeded; retried until the deadline" },
		{ FETCH_ERR_HTTP_STATUS, 403, "application/json", 1,
		  "HTTP status 403; gave up after 3 attempts", 0,
		  "Google quota exceeded; gave up after 3 attempts" },
		{ FETCH_ERR_HTTP_STATUS, 429, "application/json", 0,
		  "HTTP status 429; not retried: a retry in 1000 ms would pass "
		  "the deadline", 0,
		  "Google quota exceeded; retried until the deadline" },
		{ FETCH_ERR_DEADLINE, 403, NULL, 0, "deadline after 3000 ms, "
		  "dropped while waiting to retry after HTTP status 403", 0,
		  "Google quota exceeded; retried until the deadline" },
		{ FETCH_ERR_HTTP_STATUS, 403, "application/json", 2,
		  "HTTP status 403", 0, "HTTP 403 from Google: check the "
		  "service account and domain-wide delegation" },
		{ FETCH_ERR_HTTP_STATUS, 500, "text/html", 3,
		  "HTTP status 500", 0, "HTTP 500 from Google: the server "
		  "failed" },
		{ FETCH_OK, 200, "text/html; charset=UTF-8", 3, "", 0,
		  "Google answered an HTML page instead of JSON (HTTP 200)" },
		{ FETCH_ERR_TIMEOUT, 0, NULL, 0, "timed out after 2000 ms", 0,
		  "timed out after 2000 ms" },
		{ FETCH_ERR_TOO_LARGE, 200, NULL, 0, "response larger than "
		  "8388608 bytes", 0, "response larger than 8388608 bytes; "
		  "raise max_response_bytes" },
		{ FETCH_ERR_HTTP_STATUS, 400, "application/json", 0,
		  "HTTP status 400", 1, "Google refused the service-account "
		  "token (invalid_grant): check key_file, subject and the "
		  "clock of this server" },
	};

	(void)state;
	quota = read_text_file(DATA_DIR "/errors/403-quota.json");
	forbidden = read_text_file(DATA_DIR "/errors/403-forbidden.json");
	html = read_text_file(DATA_DIR "/errors/500.html");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fake_answer(&req, cases[i].error, cases[i].status,
		    cases[i].type, cases[i].body == 1 ? quota :
		    cases[i].body == 2 ? forbidden : cases[i].body == 3 ? html :
		    cases[i].token ? "{\"error\": \"invalid_grant\", "
		    "\"error_description\": \"Invalid JWT\"}" : "",
		    cases[i].message);
		buf_reset(&out);
		assert_int_equal(google_failure_message(&req, cases[i].token,
		    &out), 1);
		if (strstr(out.data, cases[i].expected) != out.data)
			fail_msg("case %zu: \"%s\"", i, out.data);
		fetch_request_clear(&req);
	}

	/* A hostile OAuth error code is not repeated. */
	fake_answer(&req, FETCH_ERR_HTTP_STATUS, 400, "application/json",
	    "{\"error\": \"<script>x</script>\"}", "HTTP status 400");
	buf_reset(&out);
	google_failure_message(&req, 1, &out);
	assert_null(strstr(out.data, "script"));
	assert_non_null(strstr(out.data, "(HTTP 400)"));
	fetch_request_clear(&req);

	/* A usable response is no failure. */
	fake_answer(&req, FETCH_OK, 200, "application/json", "{}", "");
	buf_reset(&out);
	assert_int_equal(google_failure_message(&req, 0, &out), 0);
	assert_int_equal(out.len, 0);
	fetch_request_clear(&req);

	free(quota);
	free(forbidden);
	free(html);
	buf_free(&out);
}

static void
test_malformed_json_position(void **state)
{
	struct fetch_request	 req;
	struct buf		 why = BUF_INIT;
	char			*text;

	(void)state;
	text = read_text_file(DATA_DIR "/errors/malformed.txt");
	fake_answer(&req, FETCH_OK, 200, "application/json", text, "");
	assert_null(json_answer_parse(&req, &google_labels, &why));
	assert_string_equal(why.data, "malformed JSON at line 5 column 37");
	fetch_request_clear(&req);
	free(text);

	buf_reset(&why);
	fake_answer(&req, FETCH_OK, 200, "application/json", "[1]", "");
	assert_null(json_answer_parse(&req, &google_labels, &why));
	assert_string_equal(why.data, "unexpected JSON from Google: expected "
	    "an object");
	fetch_request_clear(&req);
	buf_free(&why);
}

static void
test_retry_predicate(void **state)
{
	struct fetch_request	 req;
	char			*quota, *forbidden;

	(void)state;
	quota = read_text_file(DATA_DIR "/errors/403-quota.json");
	forbidden = read_text_file(DATA_DIR "/errors/403-forbidden.json");

	fake_answer(&req, FETCH_ERR_HTTP_STATUS, 403, NULL, quota, "");
	assert_true(google_retry_if_quota(&req));
	fetch_request_clear(&req);
	fake_answer(&req, FETCH_ERR_HTTP_STATUS, 403, NULL, "{\"error\": "
	    "{\"errors\": [{\"reason\": \"quotaExceeded\"}]}}", "");
	assert_true(google_retry_if_quota(&req));
	fetch_request_clear(&req);
	fake_answer(&req, FETCH_ERR_HTTP_STATUS, 403, NULL, forbidden, "");
	assert_false(google_retry_if_quota(&req));
	fetch_request_clear(&req);
	fake_answer(&req, FETCH_ERR_HTTP_STATUS, 403, NULL,
	    "<html>userRateLimitExceeded</html>", "");
	assert_false(google_retry_if_quota(&req));
	fetch_request_clear(&req);
	fake_answer(&req, FETCH_ERR_HTTP_STATUS, 500, NULL, quota, "");
	assert_false(google_retry_if_quota(&req));
	fetch_request_clear(&req);

	free(quota);
	free(forbidden);
}

static void
test_source_table_entry(void **state)
{
	(void)state;
	assert_ptr_equal(source_find("google"), &google_source);
	assert_int_equal(google_source.lookups, SOURCE_SUPPORTS(LOOKUP_EMAIL));
	assert_int_equal(google_source.ownership, 0);
}

/* ---- end to end against the fake --------------------------------------------- */

/* Secrets that must appear in no message and no log line. */
struct secrets {
	char	*key_fragment;	/* a line from the middle of the PEM key */
};

static struct secrets secrets;

static void
load_secrets(void)
{
	char	*json = read_text_file(KEY_FILE), *p;

	/* The third line of the PEM body, as written in the JSON. */
	p = strstr(json, "\\n");
	assert_non_null(p);
	p = strstr(p + 2, "\\n");
	assert_non_null(p);
	secrets.key_fragment = strndup(p + 2, 40);
	free(json);
}

static void
assert_no_secret(const char *text, const char *token)
{
	if (strstr(text, secrets.key_fragment) != NULL)
		fail_msg("the private key leaked: %s", text);
	if (strstr(text, "PRIVATE KEY") != NULL)
		fail_msg("the private key leaked: %s", text);
	if (strstr(text, "ya29.") != NULL)
		fail_msg("an access token leaked: %s", text);
	if (token != NULL && strstr(text, token) != NULL)
		fail_msg("the access token leaked: %s", text);
	/* A JWT starts with the base64url of {"alg". */
	if (strstr(text, "eyJhbGci") != NULL)
		fail_msg("the JWT leaked: %s", text);
}

struct e2e {
	struct fetcher		*fetcher;
	struct google		*google;
	struct lookup		 lookup;
	char			*log;
	long			 elapsed_ms;
};

static struct google *
configure_fake(long timeout_ms, const char *subject)
{
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct buf		 yaml = BUF_INIT;
	struct google		*g;

	buf_printf(&yaml, "url: http://127.0.0.1:%d/admin/directory/v1/"
	    "customer/my_customer/\nkey_file: " KEY_FILE "\nsubject: %s\n"
	    "token_uri: http://127.0.0.1:%d/token\ntimeout_ms: %ld\n",
	    fake.port, subject, fake.port, timeout_ms);
	g = configure_text(yaml.data, &diags);
	if (g == NULL)
		diag_print(&diags, stderr);
	assert_non_null(g);
	diag_clear(&diags);
	buf_free(&yaml);
	return g;
}

/* Run one lookup with stderr (the log) captured into e->log. */
static void
run_lookup(struct e2e *e, const char *email, long budget_ms)
{
	struct buf	 log = BUF_INIT;
	FILE		*tmp = tmpfile();
	char		 chunk[4096];
	size_t		 n;
	long		 start;
	int		 saved;

	assert_non_null(tmp);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	assert_true(dup2(fileno(tmp), STDERR_FILENO) >= 0);

	start = fetch_now_ms();
	e->lookup.fetcher = e->fetcher;
	e->lookup.deadline_ms = start + budget_ms;
	google_source.start(e->google, &e->lookup, LOOKUP_EMAIL, email);
	fetch_run(e->fetcher, e->lookup.deadline_ms);
	e->elapsed_ms = fetch_now_ms() - start;

	fflush(stderr);
	assert_true(dup2(saved, STDERR_FILENO) >= 0);
	close(saved);
	rewind(tmp);
	while ((n = fread(chunk, 1, sizeof(chunk), tmp)) > 0)
		buf_append(&log, chunk, n);
	fclose(tmp);
	buf_puts(&log, "");
	free(e->log);
	e->log = buf_detach(&log);
}

static void
e2e_begin(struct e2e *e, const struct fetch_options *opts, long timeout_ms)
{
	memset(e, 0, sizeof(*e));
	e->fetcher = fetcher_new(opts);
	assert_non_null(e->fetcher);
	e->google = configure_fake(timeout_ms, SUBJECT);
}

static void
lookup_clear(struct lookup *lookup)
{
	size_t	 i;

	device_list_free(&lookup->records);
	for (i = 0; i < lookup->error_count; i++) {
		free(lookup->errors[i].source);
		free(lookup->errors[i].message);
	}
	free(lookup->errors);
	lookup->errors = NULL;
	lookup->error_count = 0;
}

static void
e2e_end(struct e2e *e)
{
	lookup_clear(&e->lookup);
	fetcher_free(e->fetcher);
	google_source.free(e->google);
	free(e->log);
}

static const struct device_record *
record_with_serial(const struct lookup *lookup, const char *serial)
{
	size_t	 i;

	for (i = 0; i < lookup->records.count; i++)
		if (lookup->records.items[i].ids.serial != NULL &&
		    strcmp(lookup->records.items[i].ids.serial, serial) == 0)
			return &lookup->records.items[i];
	return NULL;
}

static long
fake_counter(const char *name)
{
	struct buf		 body = BUF_INIT;
	struct json_object	*root, *v;
	long			 n;

	assert_int_equal(fake_process_get(&fake, "/_fake/stats", &body), 200);
	root = json_tokener_parse(body.data);
	assert_non_null(root);
	assert_true(json_object_object_get_ex(root, name, &v));
	n = (long)json_object_get_int64(v);
	json_object_put(root);
	buf_free(&body);
	return n;
}

static void
set_mode(const char *mode)
{
	struct buf	 path = BUF_INIT;

	buf_printf(&path, "/_fake/mode?set=%s", mode);
	assert_int_equal(fake_process_get(&fake, path.data, NULL), 200);
	buf_free(&path);
}

static void
assert_no_errors(const struct e2e *e)
{
	if (e->lookup.error_count > 0)
		fail_msg("unexpected error: %s", e->lookup.errors[0].message);
}

static void
test_e2e_android_phone(void **state)
{
	struct e2e		 e;
	const struct device_record *rec;

	(void)state;
	e2e_begin(&e, NULL, 2000);
	run_lookup(&e, "Bruno.Lindqvist@example.com", LOOKUP_MS);
	assert_no_errors(&e);
	assert_int_equal(e.lookup.records.count, 1);
	rec = record_with_serial(&e.lookup, "38121BRUNO02");
	assert_non_null(rec);
	assert_string_equal(rec->source, "google");
	assert_observed(rec, "adbstatus", OBSERVED_FALSE);
	assert_no_secret(e.log, NULL);
	e2e_end(&e);
}

static void
test_e2e_chromebook_pages_and_filter(void **state)
{
	struct e2e		 e;
	const struct device_record *rec;

	(void)state;
	e2e_begin(&e, NULL, 2000);
	run_lookup(&e, "dev.raman@example.com", LOOKUP_MS);
	assert_no_errors(&e);
	/* Page 1 lists a loaner someone else used last, page 2 his own. */
	assert_int_equal(e.lookup.records.count, 1);
	rec = record_with_serial(&e.lookup, "5CD1DEV04");
	assert_non_null(rec);
	assert_observed(rec, "jailed", OBSERVED_FALSE);
	assert_null(record_with_serial(&e.lookup, "5CD1LOAN17"));
	e2e_end(&e);
}

static void
test_e2e_mobile_pagination(void **state)
{
	struct e2e	 e;
	long		 before;

	(void)state;
	e2e_begin(&e, NULL, 2000);
	before = fake_counter("api_requests");
	run_lookup(&e, "hana.kobayashi@example.com", LOOKUP_MS);
	assert_no_errors(&e);
	/* Two mobile pages (three devices) and one Chromebook. */
	assert_int_equal(e.lookup.records.count, 4);
	assert_int_equal(fake_counter("api_requests") - before, 3);
	assert_non_null(record_with_serial(&e.lookup, "ZY2HANA0071"));
	assert_non_null(record_with_serial(&e.lookup, "HANAIPAD2701"));
	assert_non_null(record_with_serial(&e.lookup, "NXHANA0142"));
	e2e_end(&e);
}

static void
test_e2e_no_devices(void **state)
{
	struct e2e	 e;

	(void)state;
	e2e_begin(&e, NULL, 2000);
	run_lookup(&e, "emilie.fournier@example.com", LOOKUP_MS);
	assert_no_errors(&e);
	assert_int_equal(e.lookup.records.count, 0);
	lookup_clear(&e.lookup);
	run_lookup(&e, "nobody@example.com", LOOKUP_MS);
	assert_no_errors(&e);
	assert_int_equal(e.lookup.records.count, 0);
	e2e_end(&e);
}

static void
test_e2e_traps_filtered(void **state)
{
	struct e2e	 e;
	size_t		 i;

	(void)state;
	e2e_begin(&e, NULL, 2000);
	run_lookup(&e, "tomasz.nowak@example.com", LOOKUP_MS);
	assert_no_errors(&e);
	/*
	 * Mobile: {}, the id-only device, the mistyped one and the iPhone
	 * (no email to contradict), not the other person's phone nor the
	 * null and 42. ChromeOS: only the padded Chromebook.
	 */
	assert_int_equal(e.lookup.records.count, 5);
	assert_null(record_with_serial(&e.lookup, "NOTTOMASZ7A"));
	assert_non_null(record_with_serial(&e.lookup, "5CDTOMASZ1"));
	assert_null(record_with_serial(&e.lookup, "5CDTOMASZ2"));
	for (i = 0; i < e.lookup.records.count; i++)
		assert_string_equal(e.lookup.records.items[i].source,
		    "google");
	e2e_end(&e);
}

static void
test_e2e_token_cached(void **state)
{
	struct e2e	 e;
	long		 before;

	(void)state;
	e2e_begin(&e, NULL, 2000);
	before = fake_counter("tokens_issued");
	run_lookup(&e, "bruno.lindqvist@example.com", LOOKUP_MS);
	assert_no_errors(&e);
	lookup_clear(&e.lookup);
	run_lookup(&e, "chiara.esposito@example.com", LOOKUP_MS);
	assert_no_errors(&e);
	assert_int_equal(e.lookup.records.count, 1);
	assert_int_equal(fake_counter("tokens_issued") - before, 1);
	assert_non_null(fetch_token_get(e.fetcher, e.google->token_key));
	e2e_end(&e);
}

static void
test_e2e_token_refresh_after_401(void **state)
{
	struct e2e	 e;
	long		 before;
	char		*old;

	(void)state;
	e2e_begin(&e, NULL, 2000);
	before = fake_counter("tokens_issued");
	run_lookup(&e, "bruno.lindqvist@example.com", LOOKUP_MS);
	assert_no_errors(&e);
	old = strdup(fetch_token_get(e.fetcher, e.google->token_key));
	lookup_clear(&e.lookup);

	/* The fake revokes its tokens, so the cached one now gets 401. */
	assert_int_equal(fake_process_get(&fake, "/_fake/revoke", NULL), 200);
	run_lookup(&e, "bruno.lindqvist@example.com", LOOKUP_MS);
	assert_no_errors(&e);
	assert_int_equal(e.lookup.records.count, 1);
	/* Both listings got 401, but one new token served both. */
	assert_int_equal(fake_counter("tokens_issued") - before, 2);
	assert_string_not_equal(fetch_token_get(e.fetcher,
	    e.google->token_key), old);
	assert_no_secret(e.log, old);
	free(old);
	e2e_end(&e);
}

static void
test_e2e_subject_not_delegated(void **state)
{
	struct e2e	 e;

	(void)state;
	memset(&e, 0, sizeof(e));
	e.fetcher = fetcher_new(NULL);
	e.google = configure_fake(2000, "someone-else@example.com");
	run_lookup(&e, "bruno.lindqvist@example.com", LOOKUP_MS);
	assert_int_equal(e.lookup.records.count, 0);
	assert_int_equal(e.lookup.error_count, 1);
	assert_string_equal(e.lookup.errors[0].source, "google");
	assert_string_equal(e.lookup.errors[0].message, "HTTP 401 from Google: "
	    "check the service account and domain-wide delegation");
	assert_no_secret(e.log, NULL);
	e2e_end(&e);
}

static void
test_e2e_misbehaviour_modes(void **state)
{
	static const struct {
		const char	*mode;
		long		 timeout_ms;
		const char	*expected;	/* the message starts with it */
	} cases[] = {
		{ "401", 2000, "HTTP 401 from Google: check the service "
		  "account and domain-wide delegation" },
		{ "403quota", 2000, "Google quota exceeded; gave up after 3 "
		  "attempts" },
		{ "429:1", 2000, "Google quota exceeded" },
		{ "500", 2000, "HTTP 500 from Google: the server failed" },
		{ "html200", 2000, "Google answered an HTML page instead of "
		  "JSON (HTTP 200)" },
		{ "truncated", 2000, "malformed JSON at line " },
		{ "oversize", 2000, "response larger than 8388608 bytes; raise "
		  "max_response_bytes" },
		{ "malformed", 2000, "malformed JSON at line 5 column 37" },
		{ "hang", 300, "timed out after " },
		{ "slow:200", 2000, NULL },
	};
	struct e2e	 e;
	const char	*token;
	size_t		 i, j;

	(void)state;
	log_set_level(LOG_LEVEL_DEBUG);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		set_mode(cases[i].mode);
		e2e_begin(&e, NULL, cases[i].timeout_ms);
		run_lookup(&e, "bruno.lindqvist@example.com", LOOKUP_MS);
		token = fetch_token_get(e.fetcher, e.google->token_key);
		if (cases[i].expected == NULL) {
			assert_no_errors(&e);
			assert_int_equal(e.lookup.records.count, 1);
		} else {
			assert_int_equal(e.lookup.records.count, 0);
			if (e.lookup.error_count == 0)
				fail_msg("mode %s: no error", cases[i].mode);
			for (j = 0; j < e.lookup.error_count; j++) {
				assert_string_equal(e.lookup.errors[j].source,
				    "google");
				if (strstr(e.lookup.errors[j].message,
				    cases[i].expected) !=
				    e.lookup.errors[j].message)
					fail_msg("mode %s: \"%s\"",
					    cases[i].mode,
					    e.lookup.errors[j].message);
				assert_no_secret(e.lookup.errors[j].message,
				    token);
			}
		}
		assert_no_secret(e.log, token);
		if (e.elapsed_ms > LOOKUP_MS + 500)
			fail_msg("mode %s took %ld ms", cases[i].mode,
			    e.elapsed_ms);
		e2e_end(&e);
	}
	set_mode("normal");
	log_set_level(LOG_LEVEL_INFO);
}

static void
test_e2e_quota_until_deadline(void **state)
{
	struct fetch_options	 opts = { 0 };
	struct e2e		 e;

	(void)state;
	/* More attempts than fit: the deadline ends the retries. */
	opts.max_attempts = 20;
	set_mode("403quota");
	e2e_begin(&e, &opts, 2000);
	run_lookup(&e, "bruno.lindqvist@example.com", 1500);
	assert_true(e.lookup.error_count >= 1);
	assert_string_equal(e.lookup.errors[0].message,
	    "Google quota exceeded; retried until the deadline");
	assert_true(e.elapsed_ms < 2000);
	e2e_end(&e);
	set_mode("normal");
}

static int
start_fake(void **state)
{
	char	*program;
	int	 rc;

	(void)state;
	program = fake_process_path(test_argv0, "google");
	/* The fake's log is dropped unless this names a file for it. */
	rc = fake_process_start(&fake, program, DATA_DIR, NULL,
	    getenv("STETHOSCOPE_TEST_FAKE_LOG"));
	if (rc != 0)
		fprintf(stderr, "cannot start %s\n", program);
	free(program);
	load_secrets();
	return rc;
}

static int
stop_fake(void **state)
{
	(void)state;
	free(secrets.key_fragment);
	return fake_process_stop(&fake) == 0 ? 0 : -1;
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mobile_android_usb_debugging),
		cmocka_unit_test(test_mobile_ios_encryption_unknown),
		cmocka_unit_test(test_mobile_old_android_failing),
		cmocka_unit_test(test_mobile_google_sync_unknowns),
		cmocka_unit_test(test_mobile_recorded_traps),
		cmocka_unit_test(test_mobile_belongs_cases),
		cmocka_unit_test(test_odd_values_never_ok),
		cmocka_unit_test(test_chromeos_developer_mode),
		cmocka_unit_test(test_chromeos_most_recent_user_only),
		cmocka_unit_test(test_chromeos_update_expired),
		cmocka_unit_test(test_chromeos_recorded_traps),
		cmocka_unit_test(test_chromeos_boot_modes),
		cmocka_unit_test(test_chromeos_expiration_forms),
		cmocka_unit_test(test_key_file_loads),
		cmocka_unit_test(test_jwt_header_and_claims),
		cmocka_unit_test(test_jwt_tampered_fails),
		cmocka_unit_test(test_key_file_errors),
		cmocka_unit_test(test_key_must_be_rsa),
		cmocka_unit_test(test_token_answers),
		cmocka_unit_test(test_settings_defaults_and_values),
		cmocka_unit_test(test_settings_errors_with_positions),
		cmocka_unit_test(test_failure_messages),
		cmocka_unit_test(test_malformed_json_position),
		cmocka_unit_test(test_retry_predicate),
		cmocka_unit_test(test_source_table_entry),
		cmocka_unit_test(test_e2e_android_phone),
		cmocka_unit_test(test_e2e_chromebook_pages_and_filter),
		cmocka_unit_test(test_e2e_mobile_pagination),
		cmocka_unit_test(test_e2e_no_devices),
		cmocka_unit_test(test_e2e_traps_filtered),
		cmocka_unit_test(test_e2e_token_cached),
		cmocka_unit_test(test_e2e_token_refresh_after_401),
		cmocka_unit_test(test_e2e_subject_not_delegated),
		cmocka_unit_test(test_e2e_misbehaviour_modes),
		cmocka_unit_test(test_e2e_quota_until_deadline),
	};
	int	 rc;

	(void)argc;
	test_argv0 = argv[0];
	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, start_fake, stop_fake);
	curl_global_cleanup();
	return rc;
}
