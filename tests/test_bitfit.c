/*
 * Tests for the bitFit source. They cover turning recorded assets into
 * ownership records (with the traps in tests/upstreams/bitfit), the
 * exact-email filter over bitFit's loose search, the settings and the
 * words for failures. Lookups run end to end against the fake bitFit
 * server (build/fakes/bitfit) in a child process, in every misbehaviour
 * mode, and check that neither the API token nor a user's own token
 * leaks. Run from the repository root.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <json-c/json.h>

#include "../sources/bitfit_internal.h"
#include "buf.h"
#include "device.h"
#include "diag.h"
#include "fake_process.h"
#include "fetch.h"
#include "json_file.h"
#include "log.h"
#include "source.h"
#include "source_bitfit.h"
#include "yaml_tree.h"

#define DATA_DIR	"tests/upstreams/bitfit"
#define TOKEN_FILE	DATA_DIR "/api-token.txt"
#define API_TOKEN	"TEST-ONLY-bitfit-api-token-7c41e0a9d2"
/* Every user's own token in the recordings starts with this. */
#define USER_TOKEN	"TEST-ONLY-user-token"
#define LOOKUP_MS	3000

static const char		*test_argv0;
static struct fake_process	 fake;

/* ---- helpers ---------------------------------------------------------------- */

/* Return the item of a recorded asset response; *root must be put. */
static struct json_object *
recorded_asset(long id, struct json_object **root)
{
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct json_object	*item;
	char			 path[128];

	snprintf(path, sizeof(path), DATA_DIR "/assets/%ld.json", id);
	*root = json_parse_file(path, 1024 * 1024, 16, &diags);
	if (*root == NULL)
		diag_print(&diags, stderr);
	diag_clear(&diags);
	assert_non_null(*root);
	assert_true(json_object_object_get_ex(*root, "item", &item));
	return item;
}

static void
asset_record(long id, struct device_record *rec)
{
	struct json_object	*root;

	memset(rec, 0, sizeof(*rec));
	assert_int_equal(bitfit_asset_to_record(recorded_asset(id, &root),
	    rec), 0);
	json_object_put(root);
}

/* Fail when any string of the record contains a token. */
static void
assert_record_clean(const struct device_record *rec)
{
	const char	*fields[] = { rec->name, rec->model, rec->email,
	    rec->ids.serial, rec->ids.udid, rec->ids.source_id };
	size_t		 i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (fields[i] != NULL && (strstr(fields[i], "TEST-ONLY") !=
		    NULL || strstr(fields[i], "api_token") != NULL))
			fail_msg("a token reached a record: %s", fields[i]);
}

/* ---- one asset -------------------------------------------------------------- */

static void
test_asset_mac_and_udid(void **state)
{
	struct device_record	 rec;

	(void)state;
	asset_record(101, &rec);
	assert_string_equal(rec.source, "bitfit");
	assert_string_equal(rec.name, "Ada's MacBook Pro");
	assert_string_equal(rec.model, "MacBook Pro (14-inch, 2024)");
	assert_int_equal(rec.platform, PLATFORM_MAC);
	assert_string_equal(rec.ids.serial, "C02ADA0001AA");
	assert_string_equal(rec.ids.udid,
	    "4D0A1E2B-7C3F-4A5D-9E61-0ADA00000101");
	assert_string_equal(rec.ids.source_id, "101");
	assert_int_equal(rec.ids.mac_count, 1);
	assert_string_equal(rec.ids.macs[0], "3C:22:FB:AD:A0:01");
	/* An ownership source observes nothing and leaves the owner alone. */
	assert_int_equal(rec.observation_count, 0);
	assert_null(rec.email);
	assert_int_equal(rec.last_sync, 0);
	assert_record_clean(&rec);
	device_record_free(&rec);
}

static void
test_asset_base_name_spellings(void **state)
{
	struct device_record	 rec;

	(void)state;
	/* "MAC Address" with dashes in the value; "udid" in lower case. */
	asset_record(102, &rec);
	assert_string_equal(rec.ids.macs[0], "3C:22:FB:B0:00:02");
	assert_string_equal(rec.ids.udid,
	    "8E2F3A4B-1C5D-4E6F-8A7B-0B2B00000102");
	assert_string_equal(rec.name, "MacBook Pro – Bruno");
	device_record_free(&rec);

	/* "Mac address" empty; "U_D_I_D"; a name with non-ASCII text. */
	asset_record(103, &rec);
	assert_int_equal(rec.ids.mac_count, 0);
	assert_string_equal(rec.ids.udid,
	    "1A2B3C4D-5E6F-4071-8293-0C3C00000103");
	assert_string_equal(rec.name, "MacBook Air – Chiara (ufficio)");
	device_record_free(&rec);

	/* "Mac_Address"; a ThinkPad model does not reveal the platform. */
	asset_record(104, &rec);
	assert_string_equal(rec.ids.serial, "PF4DEV04");
	assert_string_equal(rec.ids.macs[0], "8C:16:45:DE:00:04");
	assert_int_equal(rec.platform, PLATFORM_UNKNOWN);
	assert_null(rec.ids.udid);
	device_record_free(&rec);

	/* Bare hex digits. */
	asset_record(106, &rec);
	assert_string_equal(rec.ids.macs[0], "3C:22:FB:AA:01:07");
	device_record_free(&rec);
}

static void
test_asset_hostile_name_kept(void **state)
{
	struct device_record	 rec;

	(void)state;
	/* Escaping is the view's job: the record keeps the text as sent. */
	asset_record(105, &rec);
	assert_string_equal(rec.name, "<script>alert(\"pwned\")</script> "
	    "Farid's \"work\" Mac & <b>co</b>");
	assert_string_equal(rec.ids.serial, "C02FAR0006FF");
	device_record_free(&rec);
}

static void
test_asset_traps(void **state)
{
	struct device_record	 rec;

	(void)state;
	/* A monitor: placeholder serial, null model, no fields. */
	asset_record(107, &rec);
	assert_null(rec.ids.serial);
	assert_null(rec.model);
	assert_string_equal(rec.name, "Dell U2723QE");
	assert_int_equal(rec.platform, PLATFORM_UNKNOWN);
	assert_int_equal(rec.ids.mac_count, 0);
	device_record_free(&rec);

	/*
	 * Padded lower-case serial, control characters in the name, type as
	 * a string, null and nameless fields, a padded base name, a second
	 * MAC field that is not the MAC address, a numeric UDID.
	 */
	asset_record(108, &rec);
	assert_string_equal(rec.ids.serial, "C02TOM0108");
	assert_string_equal(rec.name, "Tomasz  laptop");
	assert_int_equal(rec.platform, PLATFORM_MAC);
	assert_int_equal(rec.ids.mac_count, 1);
	assert_string_equal(rec.ids.macs[0], "A4:83:E7:00:01:08");
	assert_null(rec.ids.udid);
	device_record_free(&rec);

	/* "Not Available" as the MAC; an IMEI field. */
	asset_record(110, &rec);
	assert_int_equal(rec.ids.mac_count, 0);
	assert_string_equal(rec.ids.imei, "350000000000000");
	assert_string_equal(rec.name, "Galaxy S25 – służbowy");
	device_record_free(&rec);
}

static void
test_asset_short_and_odd_forms(void **state)
{
	static const struct {
		const char	*json;
		const char	*serial;
		const char	*source_id;
		enum platform	 platform;
	} cases[] = {
		{ "{\"id\": 7, \"serial_number\": \"C02X\", \"name\": \"n\", "
		  "\"model\": \"iMac 24\"}", "C02X", "7", PLATFORM_MAC },
		{ "{\"id\": \"a-7\", \"serial_number\": 12345}", NULL, "a-7",
		  PLATFORM_UNKNOWN },
		{ "{\"type\": {\"label_single\": \"Mac\"}}", NULL, NULL,
		  PLATFORM_MAC },
		{ "{\"type\": {\"label_single\": \"Laptop\"}, \"model\": "
		  "\"iPad Pro\"}", NULL, NULL, PLATFORM_IOS },
		{ "{\"type\": null, \"model\": \"Chromebook 14\"}", NULL, NULL,
		  PLATFORM_CHROMEOS },
		{ "{\"fields\": {\"mac_address\": \"3C:22:FB:00:00:01\"}}",
		  NULL, NULL, PLATFORM_UNKNOWN },
		{ "{\"serial_number\": \"0\"}", NULL, NULL, PLATFORM_UNKNOWN },
		{ "{}", NULL, NULL, PLATFORM_UNKNOWN },
	};
	struct json_object	*obj;
	struct device_record	 rec;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		obj = json_tokener_parse(cases[i].json);
		assert_non_null(obj);
		memset(&rec, 0, sizeof(rec));
		assert_int_equal(bitfit_asset_to_record(obj, &rec), 0);
		if (cases[i].serial == NULL)
			assert_null(rec.ids.serial);
		else
			assert_string_equal(rec.ids.serial, cases[i].serial);
		if (cases[i].source_id == NULL)
			assert_null(rec.ids.source_id);
		else
			assert_string_equal(rec.ids.source_id,
			    cases[i].source_id);
		if (rec.platform != cases[i].platform)
			fail_msg("case %zu: platform %d", i, rec.platform);
		assert_int_equal(rec.ids.mac_count, 0);
		device_record_free(&rec);
		json_object_put(obj);
	}

	obj = json_tokener_parse("[1, 2]");
	memset(&rec, 0, sizeof(rec));
	assert_int_equal(bitfit_asset_to_record(obj, &rec), -1);
	assert_int_equal(bitfit_asset_to_record(NULL, &rec), -1);
	device_record_free(&rec);
	json_object_put(obj);
}

static void
test_user_exact_email(void **state)
{
	static const struct {
		const char	*json;
		int		 match;
	} cases[] = {
		{ "{\"email\": \"bruno.lindqvist@example.com\"}", 1 },
		{ "{\"email\": \" Bruno.Lindqvist@EXAMPLE.com \"}", 1 },
		{ "{\"email\": \"ext.bruno.lindqvist@example.com\"}", 0 },
		{ "{\"email\": \"bruno.lindqvist@example.com.au\"}", 0 },
		{ "{\"email\": \"bruno.lindqvist\"}", 0 },
		{ "{\"email\": null}", 0 },
		{ "{\"email\": [\"bruno.lindqvist@example.com\"]}", 0 },
		{ "{\"name\": \"bruno.lindqvist@example.com\"}", 0 },
	};
	struct json_object	*obj;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		obj = json_tokener_parse(cases[i].json);
		assert_non_null(obj);
		if (bitfit_user_matches(obj, "bruno.lindqvist@example.com") !=
		    cases[i].match)
			fail_msg("case %zu: %s", i, cases[i].json);
		json_object_put(obj);
	}
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
	state = bitfit_source.configure("stethoscope.yaml", root, diags);
	ynode_free(root);
	return state;
}

static char *
printed_diags(const struct diag_list *diags)
{
	struct buf	 text = BUF_INIT;
	FILE		*out = tmpfile();
	char		 chunk[1024];
	size_t		 n;

	assert_non_null(out);
	diag_print(diags, out);
	rewind(out);
	while ((n = fread(chunk, 1, sizeof(chunk), out)) > 0)
		buf_append(&text, chunk, n);
	fclose(out);
	buf_puts(&text, "");
	return buf_detach(&text);
}

static void
test_settings_values(void **state)
{
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct bitfit		*b;

	(void)state;
	b = configure_text("url: http://127.0.0.1:9/api/v1/\napi_token_file: "
	    TOKEN_FILE "\n", &diags);
	assert_non_null(b);
	assert_string_equal(b->url, "http://127.0.0.1:9/api/v1");
	assert_string_equal(b->api_token, API_TOKEN);
	assert_int_equal(b->timeout_ms, BITFIT_DEFAULT_TIMEOUT_MS);
	assert_int_equal(b->max_connections, BITFIT_DEFAULT_MAX_CONNECTIONS);
	bitfit_source.free(b);

	setenv("STETHOSCOPE_TEST_BITFIT_TOKEN", "token-from-env", 1);
	b = configure_text("url: https://bitfit.example.com/api/v1\n"
	    "api_token_env: STETHOSCOPE_TEST_BITFIT_TOKEN\ntimeout_ms: 500\n"
	    "max_connections: 2\nmax_response_bytes: 4096\n", &diags);
	assert_non_null(b);
	assert_string_equal(b->api_token, "token-from-env");
	assert_int_equal(b->timeout_ms, 500);
	assert_int_equal(b->max_connections, 2);
	assert_int_equal(b->max_response_bytes, 4096);
	bitfit_source.free(b);
	unsetenv("STETHOSCOPE_TEST_BITFIT_TOKEN");
	assert_int_equal(diags.count, 0);
}

static void
test_settings_errors_with_positions(void **state)
{
	static const struct {
		const char	*yaml;
		const char	*expected;
	} cases[] = {
		{ "url: http://h/api\napi_token_file: " TOKEN_FILE "\n"
		  "token: x\n", "3:1: sources.bitfit: unknown key \"token\"" },
		{ "api_token_file: " TOKEN_FILE "\n",
		  "1:1: sources.bitfit: missing url" },
		{ "url: http://h/api\n",
		  "1:1: sources.bitfit: missing api_token_file or "
		  "api_token_env" },
		{ "url: http://h/api\napi_token_file: " TOKEN_FILE "\n"
		  "api_token_env: X\n",
		  "3:16: sources.bitfit.api_token_env: set either "
		  "api_token_file or api_token_env, not both" },
		{ "url: http://h/api\napi_token_env: STETHOSCOPE_NOT_SET_42\n",
		  "2:16: sources.bitfit.api_token_env: the environment "
		  "variable STETHOSCOPE_NOT_SET_42 is not set" },
		{ "url: http://h/api\napi_token_file: /nonexistent/token\n",
		  "2:17: sources.bitfit.api_token_file: cannot open "
		  "/nonexistent/token" },
		{ "url: http://user:pw@h/api\napi_token_file: " TOKEN_FILE "\n",
		  "1:6: sources.bitfit.url: must not contain credentials" },
		{ "url: http://h/api?api_token=x\napi_token_file: " TOKEN_FILE
		  "\n", "1:6: sources.bitfit.url: must not contain spaces, "
		  "backslashes, a query or a fragment" },
		{ "url: http://h/api\napi_token_file: " TOKEN_FILE "\n"
		  "timeout_ms: 5\n", "3:13: sources.bitfit.timeout_ms: expected "
		  "an integer from 100 to 120000" },
		{ "url: http://h/api\napi_token_file: " TOKEN_FILE "\n"
		  "max_response_bytes: {a: 1}\n", "3:21: sources.bitfit."
		  "max_response_bytes: expected a string, not a mapping" },
	};
	struct diag_list	 diags = DIAG_LIST_INIT;
	char			*text;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		diag_clear(&diags);
		assert_null(configure_text(cases[i].yaml, &diags));
		text = printed_diags(&diags);
		if (strstr(text, "stethoscope.yaml:") == NULL ||
		    strstr(text, cases[i].expected) == NULL)
			fail_msg("case %zu: got \"%s\", expected \"%s\"", i,
			    text, cases[i].expected);
		assert_null(strstr(text, API_TOKEN));
		free(text);
	}
	diag_clear(&diags);
}

/* ---- failures --------------------------------------------------------------- */

static void
test_failure_messages(void **state)
{
	static const struct {
		enum fetch_error error;
		long		 status;
		const char	*type;
		const char	*body;
		const char	*message;
		const char	*expected;
	} cases[] = {
		{ FETCH_ERR_HTTP_STATUS, 401, "application/json", "{}",
		  "HTTP status 401", "HTTP 401 from bitFit: check the API "
		  "token (api_token_file or api_token_env)" },
		{ FETCH_ERR_HTTP_STATUS, 429, "application/json", "{}",
		  "HTTP status 429; not retried: a retry in 1000 ms would pass "
		  "the deadline", "bitFit rate limit exceeded; retried until "
		  "the deadline" },
		{ FETCH_ERR_HTTP_STATUS, 429, "application/json", "{}",
		  "HTTP status 429; gave up after 3 attempts",
		  "bitFit rate limit exceeded; gave up after 3 attempts" },
		{ FETCH_ERR_HTTP_STATUS, 500, "text/html", "<html></html>",
		  "HTTP status 500", "HTTP 500 from bitFit: the server failed" },
		{ FETCH_OK, 200, "text/html", "<!DOCTYPE html><html>", "",
		  "bitFit answered an HTML page instead of JSON (HTTP 200)" },
		{ FETCH_ERR_TIMEOUT, 0, NULL, "", "timed out after 800 ms",
		  "timed out after 800 ms" },
	};
	struct fetch_request	 req;
	struct buf		 out = BUF_INIT;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fetch_request_init(&req);
		req.error = cases[i].error;
		req.status = cases[i].status;
		req.attempts = 3;
		req.content_type = cases[i].type != NULL ?
		    strdup(cases[i].type) : NULL;
		buf_puts(&req.body, cases[i].body);
		snprintf(req.error_message, sizeof(req.error_message), "%s",
		    cases[i].message);
		buf_reset(&out);
		assert_int_equal(bitfit_failure_message(&req, &out), 1);
		if (strcmp(out.data, cases[i].expected) != 0)
			fail_msg("case %zu: \"%s\"", i, out.data);
		fetch_request_clear(&req);
	}
	buf_free(&out);
}

static void
test_source_table_entry(void **state)
{
	(void)state;
	assert_ptr_equal(source_find("bitfit"), &bitfit_source);
	assert_int_equal(bitfit_source.lookups, SOURCE_SUPPORTS(LOOKUP_EMAIL));
	assert_int_equal(bitfit_source.ownership, 1);
}

/* ---- end to end against the fake --------------------------------------------- */

struct e2e {
	struct fetcher		*fetcher;
	struct bitfit		*bitfit;
	struct lookup		 lookup;
	char			*log;
	long			 elapsed_ms;
};

static void
e2e_begin(struct e2e *e, long timeout_ms, const char *token_file)
{
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct buf		 yaml = BUF_INIT;

	memset(e, 0, sizeof(*e));
	e->fetcher = fetcher_new(NULL);
	assert_non_null(e->fetcher);
	buf_printf(&yaml, "url: http://127.0.0.1:%d/api/v1\n"
	    "api_token_file: %s\ntimeout_ms: %ld\n", fake.port, token_file,
	    timeout_ms);
	e->bitfit = configure_text(yaml.data, &diags);
	if (e->bitfit == NULL)
		diag_print(&diags, stderr);
	assert_non_null(e->bitfit);
	diag_clear(&diags);
	buf_free(&yaml);
}

/* Run one lookup with stderr (the log) captured into e->log. */
static void
run_lookup(struct e2e *e, const char *email)
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
	e->lookup.deadline_ms = start + LOOKUP_MS;
	bitfit_source.start(e->bitfit, &e->lookup, LOOKUP_EMAIL, email);
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
e2e_end(struct e2e *e)
{
	size_t	 i;

	device_list_free(&e->lookup.records);
	for (i = 0; i < e->lookup.error_count; i++) {
		free(e->lookup.errors[i].source);
		free(e->lookup.errors[i].message);
	}
	free(e->lookup.errors);
	fetcher_free(e->fetcher);
	bitfit_source.free(e->bitfit);
	free(e->log);
}

static void
assert_no_secret(const char *text)
{
	if (strstr(text, API_TOKEN) != NULL)
		fail_msg("the API token leaked: %s", text);
	if (strstr(text, USER_TOKEN) != NULL)
		fail_msg("a user's token leaked: %s", text);
	if (strstr(text, "api_token=") != NULL)
		fail_msg("a URL with its query leaked: %s", text);
}

static void
assert_lookup_clean(const struct e2e *e)
{
	size_t	 i;

	assert_no_secret(e->log);
	for (i = 0; i < e->lookup.error_count; i++)
		assert_no_secret(e->lookup.errors[i].message);
	for (i = 0; i < e->lookup.records.count; i++)
		assert_record_clean(&e->lookup.records.items[i]);
}

static void
assert_no_errors(const struct e2e *e)
{
	if (e->lookup.error_count > 0)
		fail_msg("unexpected error: %s", e->lookup.errors[0].message);
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

static void
set_mode(const char *mode)
{
	struct buf	 path = BUF_INIT;

	buf_printf(&path, "/_fake/mode?set=%s", mode);
	assert_int_equal(fake_process_get(&fake, path.data, NULL), 200);
	buf_free(&path);
}

/* Look up email and expect one record with serial and, if given, mac. */
static void
expect_one_device(const char *email, const char *serial, const char *mac)
{
	struct e2e			 e;
	const struct device_record	*rec;

	e2e_begin(&e, 2000, TOKEN_FILE);
	run_lookup(&e, email);
	assert_no_errors(&e);
	assert_int_equal(e.lookup.records.count, 1);
	rec = record_with_serial(&e.lookup, serial);
	if (rec == NULL)
		fail_msg("%s: no record with serial %s", email, serial);
	assert_string_equal(rec->source, "bitfit");
	assert_int_equal(rec->observation_count, 0);
	if (mac != NULL) {
		assert_int_equal(rec->ids.mac_count, 1);
		assert_string_equal(rec->ids.macs[0], mac);
	}
	assert_lookup_clean(&e);
	e2e_end(&e);
}

static void
test_e2e_demo_people(void **state)
{
	(void)state;
	log_set_level(LOG_LEVEL_DEBUG);
	expect_one_device("ada.okafor@example.com", "C02ADA0001AA",
	    "3C:22:FB:AD:A0:01");
	expect_one_device("chiara.esposito@example.com", "C02CHI0003CC", NULL);
	expect_one_device("dev.raman@example.com", "PF4DEV04",
	    "8C:16:45:DE:00:04");
	expect_one_device("farid.haddad@example.com", "C02FAR0006FF",
	    "3C:22:FB:FA:00:06");
	log_set_level(LOG_LEVEL_INFO);
}

static void
test_e2e_exact_email_filter(void **state)
{
	struct e2e			 e;
	const struct device_record	*rec;

	(void)state;
	e2e_begin(&e, 2000, TOKEN_FILE);
	run_lookup(&e, "Bruno.Lindqvist@example.com");
	assert_no_errors(&e);
	/* The search also found the contractor account: left out. */
	assert_int_equal(e.lookup.records.count, 1);
	rec = record_with_serial(&e.lookup, "C02BRU0002BB");
	assert_non_null(rec);
	assert_null(record_with_serial(&e.lookup, "C02EXTBRU31"));
	assert_string_equal(rec->email, "bruno.lindqvist@example.com");
	assert_string_equal(rec->ids.macs[0], "3C:22:FB:B0:00:02");
	assert_string_equal(rec->name, "MacBook Pro – Bruno");
	assert_lookup_clean(&e);
	e2e_end(&e);
}

static void
test_e2e_no_assets(void **state)
{
	struct e2e	 e;

	(void)state;
	e2e_begin(&e, 2000, TOKEN_FILE);
	run_lookup(&e, "emilie.fournier@example.com");
	assert_no_errors(&e);
	assert_int_equal(e.lookup.records.count, 0);
	e2e_end(&e);

	e2e_begin(&e, 2000, TOKEN_FILE);
	run_lookup(&e, "nobody@example.com");
	assert_no_errors(&e);
	assert_int_equal(e.lookup.records.count, 0);
	e2e_end(&e);
}

static void
test_e2e_traps(void **state)
{
	struct e2e			 e;
	const struct device_record	*rec;
	size_t				 i;

	(void)state;
	e2e_begin(&e, 2000, TOKEN_FILE);
	run_lookup(&e, "tomasz.nowak@example.com");
	assert_no_errors(&e);
	/* Four assets listed; the details of one are gone (404). */
	assert_int_equal(e.lookup.records.count, 3);
	assert_null(record_with_serial(&e.lookup, "C02TOM0109"));
	rec = record_with_serial(&e.lookup, "C02TOM0108");
	assert_non_null(rec);
	assert_string_equal(rec->ids.macs[0], "A4:83:E7:00:01:08");
	for (i = 0; i < e.lookup.records.count; i++)
		assert_string_equal(e.lookup.records.items[i].email,
		    "tomasz.nowak@example.com");
	/* The vanished asset is logged, not shown as a failure. */
	assert_non_null(strstr(e.log, "asset 109"));
	assert_lookup_clean(&e);
	e2e_end(&e);
}

static void
test_e2e_wrong_token(void **state)
{
	struct e2e	 e;
	char		 path[] = "/tmp/test_bitfit.XXXXXX";
	int		 fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "not-the-token\n", 14), 14);
	close(fd);
	e2e_begin(&e, 2000, path);
	run_lookup(&e, "ada.okafor@example.com");
	assert_int_equal(e.lookup.records.count, 0);
	assert_int_equal(e.lookup.error_count, 1);
	assert_string_equal(e.lookup.errors[0].message, "HTTP 401 from bitFit: "
	    "check the API token (api_token_file or api_token_env)");
	assert_null(strstr(e.log, "not-the-token"));
	e2e_end(&e);
	unlink(path);
}

static void
test_e2e_misbehaviour_modes(void **state)
{
	static const struct {
		const char	*mode;
		long		 timeout_ms;
		const char	*expected;	/* the message starts with it */
	} cases[] = {
		{ "401", 2000, "HTTP 401 from bitFit: check the API token "
		  "(api_token_file or api_token_env)" },
		{ "429:1", 2000, "bitFit rate limit exceeded" },
		{ "403quota", 2000, "HTTP 403 from bitFit: check the API "
		  "token" },
		{ "500", 2000, "HTTP 500 from bitFit: the server failed" },
		{ "html200", 2000, "bitFit answered an HTML page instead of "
		  "JSON (HTTP 200)" },
		{ "truncated", 2000, "malformed JSON at line " },
		{ "oversize", 2000, "response larger than 8388608 bytes; raise "
		  "max_response_bytes" },
		{ "malformed", 2000, "malformed JSON at line 8 column 5" },
		{ "hang", 300, "timed out after " },
		{ "slow:200", 2000, NULL },
	};
	struct e2e	 e;
	size_t		 i, j;

	(void)state;
	log_set_level(LOG_LEVEL_DEBUG);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		set_mode(cases[i].mode);
		e2e_begin(&e, cases[i].timeout_ms, TOKEN_FILE);
		run_lookup(&e, "ada.okafor@example.com");
		if (cases[i].expected == NULL) {
			assert_no_errors(&e);
			assert_int_equal(e.lookup.records.count, 1);
		} else {
			assert_int_equal(e.lookup.records.count, 0);
			if (e.lookup.error_count == 0)
				fail_msg("mode %s: no error", cases[i].mode);
			for (j = 0; j < e.lookup.error_count; j++) {
				assert_string_equal(e.lookup.errors[j].source,
				    "bitfit");
				if (strstr(e.lookup.errors[j].message,
				    cases[i].expected) !=
				    e.lookup.errors[j].message)
					fail_msg("mode %s: \"%s\"",
					    cases[i].mode,
					    e.lookup.errors[j].message);
			}
		}
		assert_lookup_clean(&e);
		if (e.elapsed_ms > LOOKUP_MS + 500)
			fail_msg("mode %s took %ld ms", cases[i].mode,
			    e.elapsed_ms);
		e2e_end(&e);
	}
	set_mode("normal");
	log_set_level(LOG_LEVEL_INFO);
}

static int
start_fake(void **state)
{
	char	*program;
	int	 rc;

	(void)state;
	program = fake_process_path(test_argv0, "bitfit");
	/* The fake's log is dropped unless this names a file for it. */
	rc = fake_process_start(&fake, program, DATA_DIR, NULL,
	    getenv("STETHOSCOPE_TEST_FAKE_LOG"));
	if (rc != 0)
		fprintf(stderr, "cannot start %s\n", program);
	free(program);
	return rc;
}

static int
stop_fake(void **state)
{
	(void)state;
	return fake_process_stop(&fake) == 0 ? 0 : -1;
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_asset_mac_and_udid),
		cmocka_unit_test(test_asset_base_name_spellings),
		cmocka_unit_test(test_asset_hostile_name_kept),
		cmocka_unit_test(test_asset_traps),
		cmocka_unit_test(test_asset_short_and_odd_forms),
		cmocka_unit_test(test_user_exact_email),
		cmocka_unit_test(test_settings_values),
		cmocka_unit_test(test_settings_errors_with_positions),
		cmocka_unit_test(test_failure_messages),
		cmocka_unit_test(test_source_table_entry),
		cmocka_unit_test(test_e2e_demo_people),
		cmocka_unit_test(test_e2e_exact_email_filter),
		cmocka_unit_test(test_e2e_no_assets),
		cmocka_unit_test(test_e2e_traps),
		cmocka_unit_test(test_e2e_wrong_token),
		cmocka_unit_test(test_e2e_misbehaviour_modes),
	};
	int	 rc;

	(void)argc;
	test_argv0 = argv[0];
	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, start_fake, stop_fake);
	curl_global_cleanup();
	return rc;
}
