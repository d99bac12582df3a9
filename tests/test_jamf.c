/*
 * Tests for the JAMF source: computer documents from the recordings in
 * tests/upstreams/jamf turned into device records, the settings and their
 * diagnostics, the failure messages, and lookups end to end against the
 * fake JAMF server (build/fakes/jamf) through a real fetcher. Run from
 * the repository root. Set STETHOSCOPE_FAKE_LOG to a file name to keep
 * the fake server's log.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <libxml/parser.h>

#include "buf.h"
#include "device.h"
#include "diag.h"
#include "fake_process.h"
#include "fetch.h"
#include "log.h"
#include "source.h"
#include "source_jamf.h"
#include "upstream_answer.h"
#include "yaml_tree.h"

#define DATA_DIR	"tests/upstreams/jamf"
#define TEST_PASSWORD	"jamf-test-password"
#define TEST_SECRET	"jamf-test-client-secret"

static const char	*argv0;

/* ---- helpers ------------------------------------------------------------- */

static char *default_autoupdate[] = {
	"Automatic Check Enabled",
	"Automatic Download Enabled",
	"Critical Updates Enabled",
	"Automatic macOS Updates Enabled",
};

static const struct jamf_attribute_names default_names = {
	.firewall = "Firewall Status",
	.screenlock = "Screen Saver Lock Enabled",
	.remotelogin = "Remote Login",
	.autoupdate = default_autoupdate,
	.autoupdate_count = 4,
};

static void
read_file(const char *path, struct buf *out)
{
	FILE	*f;
	char	 chunk[4096];
	size_t	 got;

	f = fopen(path, "rb");
	assert_non_null(f);
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(out, chunk, got);
	fclose(f);
	buf_puts(out, "");
}

/* Parse a recorded computer into rec; the test frees it. */
static void
parse_recording(const char *name, struct device_record *rec)
{
	struct buf	 xml = BUF_INIT, err = BUF_INIT, path = BUF_INIT;

	buf_printf(&path, "%s/computers/%s", DATA_DIR, name);
	read_file(path.data, &xml);
	if (jamf_parse_computer(&default_names, xml.data, xml.len, rec,
	    &err) != 0)
		fail_msg("%s: %s", name, err.data);
	buf_free(&path);
	buf_free(&err);
	buf_free(&xml);
}

static const struct observation *
must_observe(const struct device_record *rec, const char *key,
    enum observed value)
{
	const struct observation	*obs = device_observation(rec, key);

	if (obs == NULL)
		fail_msg("no %s observation", key);
	assert_int_equal(obs->value, value);
	return obs;
}

static int
has_software(const struct device_record *rec, const char *name)
{
	size_t	 i;

	for (i = 0; i < rec->software_count; i++)
		if (strcmp(rec->software[i].name, name) == 0)
			return 1;
	return 0;
}

static int
has_service(const struct device_record *rec, const char *name)
{
	size_t	 i;

	for (i = 0; i < rec->service_count; i++)
		if (strcmp(rec->services[i], name) == 0)
			return 1;
	return 0;
}

/* ---- computer documents -------------------------------------------------- */

static void
test_ada_record(void **state)
{
	struct device_record		 rec;
	const struct observation	*obs;

	(void)state;
	parse_recording("101.xml", &rec);
	assert_string_equal(rec.source, "jamf");
	assert_string_equal(rec.name, "Ada's MacBook Air");
	assert_string_equal(rec.model, "MacBook Air (15-inch, M3, 2024)");
	assert_string_equal(rec.manufacturer, "Apple");
	assert_int_equal(rec.platform, PLATFORM_MAC);
	assert_string_equal(rec.os_name, "macOS");
	assert_string_equal(rec.os_version, "26.7");
	assert_string_equal(rec.email, "ada.okafor@example.com");
	assert_string_equal(rec.ids.serial, "C02ADA0001AA");
	assert_string_equal(rec.ids.source_id, "101");
	assert_string_equal(rec.ids.udid,
	    "4D0A1E2B-7C3F-4A5D-9E61-0ADA00000101");
	/* The alternative address is locally administered: left out. */
	assert_int_equal(rec.ids.mac_count, 1);
	assert_string_equal(rec.ids.macs[0], "3C:22:FB:AD:A0:01");
	assert_int_equal(rec.last_sync, 1796370931);

	obs = must_observe(&rec, "encryption", OBSERVED_TRUE);
	assert_string_equal(obs->details,
	    "FileVault is on for Macintosh HD (Boot Partition)");
	assert_int_equal(obs->observed_at, 1796287277);
	must_observe(&rec, "firewall", OBSERVED_TRUE);
	obs = must_observe(&rec, "autoupdate", OBSERVED_FALSE);
	assert_string_equal(obs->details, "Turned off: Automatic Download "
	    "Enabled, Automatic macOS Updates Enabled");
	assert_null(device_observation(&rec, "screenlock"));
	obs = must_observe(&rec, "remotelogin", OBSERVED_TRUE);
	assert_string_equal(obs->details, "Remote Login is off");
	obs = must_observe(&rec, "uptodate", OBSERVED_FALSE);
	assert_string_equal(obs->details, "Updates waiting to be installed: "
	    "macOS Tahoe 26.7.1, Safari 26.2.1");

	assert_true(has_software(&rec, "Falcon.app"));
	assert_true(has_service(&rec, "com.crowdstrike.falcond"));
	assert_int_equal(rec.software_count, 4);
	device_record_free(&rec);
}

static void
test_bruno_firewall_off(void **state)
{
	struct device_record		 rec;
	const struct observation	*obs;

	(void)state;
	parse_recording("102.xml", &rec);
	assert_string_equal(rec.email, "bruno@oldcorp.example");
	assert_string_equal(rec.ids.serial, "C02BRU0002BB");
	assert_int_equal(rec.ids.mac_count, 1);
	assert_string_equal(rec.ids.macs[0], "3C:22:FB:B0:00:02");
	obs = must_observe(&rec, "firewall", OBSERVED_FALSE);
	assert_string_equal(obs->details, "The firewall is off");
	must_observe(&rec, "encryption", OBSERVED_TRUE);
	obs = must_observe(&rec, "autoupdate", OBSERVED_TRUE);
	assert_string_equal(obs->details,
	    "Every automatic update setting is on");
	must_observe(&rec, "screenlock", OBSERVED_TRUE);
	must_observe(&rec, "remotelogin", OBSERVED_TRUE);
	must_observe(&rec, "uptodate", OBSERVED_TRUE);
	assert_string_equal(rec.os_version, "27.2");
	device_record_free(&rec);
}

static void
test_chiara_all_green(void **state)
{
	static const char *const keys[] = {
		"encryption", "firewall", "autoupdate", "screenlock",
		"remotelogin", "uptodate",
	};
	struct device_record		 rec;
	const struct observation	*obs;
	size_t				 i;

	(void)state;
	parse_recording("103.xml", &rec);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		must_observe(&rec, keys[i], OBSERVED_TRUE);
	obs = device_observation(&rec, "firewall");
	assert_string_equal(obs->details, "The firewall is on and blocks all "
	    "incoming connections");
	assert_true(has_software(&rec, "Falcon.app"));
	assert_string_equal(rec.name, "Chiara's MacBook Pro");
	device_record_free(&rec);
}

static void
test_farid_hostile_name(void **state)
{
	struct device_record	 rec;
	static const char	 start[] = "<script>alert(\"x\")</script> "
	    "\"Farid's\" Mac \xf0\x9f\x92\xbb and the name goes on";

	(void)state;
	parse_recording("106.xml", &rec);
	assert_non_null(rec.name);
	assert_memory_equal(rec.name, start, sizeof(start) - 1);
	assert_true(strlen(rec.name) > 300);
	assert_string_equal(rec.ids.serial, "C02FAR0006FF");
	/* Written in lower case by this recording. */
	assert_string_equal(rec.ids.macs[0], "3C:22:FB:FA:00:06");
	/* Only nudges: a pending update and no screen lock attribute. */
	assert_null(device_observation(&rec, "screenlock"));
	must_observe(&rec, "remotelogin", OBSERVED_TRUE);
	must_observe(&rec, "uptodate", OBSERVED_FALSE);
	must_observe(&rec, "firewall", OBSERVED_TRUE);
	must_observe(&rec, "autoupdate", OBSERVED_TRUE);
	must_observe(&rec, "encryption", OBSERVED_TRUE);
	device_record_free(&rec);
}

static void
test_legacy_mac_traps(void **state)
{
	struct device_record		 rec;
	const struct observation	*obs;

	(void)state;
	parse_recording("201.xml", &rec);
	assert_string_equal(rec.name, "B\xc3\xbcro-iMac Zo\xc3\xab (Labor 2)");
	assert_string_equal(rec.os_version, "10.15");
	assert_string_equal(rec.os_name, "macOS");
	assert_string_equal(rec.model, "iMac14,2");
	assert_string_equal(rec.email, "legacy.lab@example.com");
	/* "Not Available" is a placeholder, the udid is empty. */
	assert_null(rec.ids.serial);
	assert_null(rec.ids.udid);
	assert_int_equal(rec.ids.mac_count, 1);
	assert_string_equal(rec.ids.macs[0], "A4:83:E7:20:10:01");
	/* No epochs: report_date_utc with its colon-less offset counts. */
	assert_int_equal(rec.last_sync, 1795885544);

	/* Not Supported is not encrypted; the recovery volume does not count. */
	obs = must_observe(&rec, "encryption", OBSERVED_FALSE);
	assert_string_equal(obs->details, "FileVault is not supported for "
	    "Macintosh HD (Boot Partition), so it is not encrypted");
	assert_int_equal(obs->observed_at, 1795885544);

	/* Empty attribute, no security section: no firewall observation. */
	assert_null(device_observation(&rec, "firewall"));
	obs = must_observe(&rec, "screenlock", OBSERVED_UNKNOWN);
	assert_int_equal(obs->observed_at, 0);
	assert_non_null(strstr(obs->details, "\"maybe\""));
	obs = must_observe(&rec, "autoupdate", OBSERVED_UNKNOWN);
	assert_string_equal(obs->details, "Not reported by JAMF: Automatic "
	    "Download Enabled, Critical Updates Enabled, Automatic macOS "
	    "Updates Enabled");
	assert_null(device_observation(&rec, "remotelogin"));
	assert_null(device_observation(&rec, "uptodate"));

	assert_int_equal(rec.software_count, 2);
	assert_string_equal(rec.software[0].name, "Safari.app");
	assert_null(rec.software[0].version);
	assert_int_equal(rec.service_count, 0);
	device_record_free(&rec);
}

static void
test_studio_mac_traps(void **state)
{
	struct device_record		 rec;
	const struct observation	*obs;

	(void)state;
	parse_recording("202.xml", &rec);
	assert_string_equal(rec.name, "Studio Mac mini");
	assert_string_equal(rec.os_version, "26.7.1");
	assert_string_equal(rec.ids.serial, "H2WSTU0202MM");
	/* The dotted and the colon form are one address. */
	assert_int_equal(rec.ids.mac_count, 1);
	assert_string_equal(rec.ids.macs[0], "3C:22:FB:20:02:02");
	/* The empty card reader and the recovery volume do not count. */
	obs = must_observe(&rec, "encryption", OBSERVED_TRUE);
	assert_string_equal(obs->details,
	    "FileVault is on for Macintosh HD (Boot Partition)");
	obs = must_observe(&rec, "firewall", OBSERVED_TRUE);
	assert_string_equal(obs->details, "The firewall is on");
	assert_null(device_observation(&rec, "autoupdate"));
	assert_null(device_observation(&rec, "screenlock"));
	assert_null(device_observation(&rec, "remotelogin"));
	assert_int_equal(rec.last_sync, 1796297400);
	device_record_free(&rec);
}

/* Build a computer document with one boot partition and the given fields. */
static void
partition_document(struct buf *xml, const char *fields)
{
	buf_printf(xml, "<computer><general><id>7</id></general><hardware>"
	    "<storage><device><disk>disk1</disk><drive_capacity_mb>1000"
	    "</drive_capacity_mb><partitions><partition><name>Data</name>"
	    "<type>boot</type>%s</partition></partitions></device></storage>"
	    "</hardware></computer>", fields);
}

static void
test_filevault_states(void **state)
{
	static const struct {
		const char	*fields;
		enum observed	 value;
		const char	*details;
	} cases[] = {
		{ "<filevault2_status>Encrypting</filevault2_status>"
		  "<filevault2_percent>45</filevault2_percent>", OBSERVED_FALSE,
		  "FileVault is still encrypting Data (45% done)" },
		{ "<filevault2_status>Decrypting</filevault2_status>",
		  OBSERVED_FALSE, "FileVault is decrypting Data" },
		{ "<filevault2_status>Not Encrypted</filevault2_status>"
		  "<filevault2_percent>0</filevault2_percent>", OBSERVED_FALSE,
		  "FileVault is off for Data" },
		{ "<filevault2_status>encrypted</filevault2_status>",
		  OBSERVED_TRUE, "FileVault is on for Data" },
		{ "<filevault2_status/><filevault2_percent>100"
		  "</filevault2_percent>", OBSERVED_TRUE,
		  "FileVault is on for Data" },
		{ "<filevault2_status>Pending</filevault2_status>",
		  OBSERVED_UNKNOWN, "JAMF reported FileVault status \"Pending\"" },
	};
	struct device_record		 rec;
	const struct observation	*obs;
	struct buf			 xml = BUF_INIT, err = BUF_INIT;
	size_t				 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_reset(&xml);
		partition_document(&xml, cases[i].fields);
		assert_int_equal(jamf_parse_computer(&default_names, xml.data,
		    xml.len, &rec, &err), 0);
		obs = must_observe(&rec, "encryption", cases[i].value);
		assert_string_equal(obs->details, cases[i].details);
		device_record_free(&rec);
	}

	/* Without a boot partition, no encryption observation is added. */
	buf_reset(&xml);
	buf_puts(&xml, "<computer><hardware><storage><device><partition>"
	    "<name>Data</name><type>other</type></partition></device>"
	    "</storage></hardware></computer>");
	assert_int_equal(jamf_parse_computer(&default_names, xml.data, xml.len,
	    &rec, &err), 0);
	assert_null(device_observation(&rec, "encryption"));
	device_record_free(&rec);
	buf_free(&err);
	buf_free(&xml);
}

static void
test_attribute_names_configurable(void **state)
{
	static char *updates[] = { "Updates On" };
	static const struct jamf_attribute_names names = {
		.firewall = "FW State",
		.screenlock = "Lock",
		.remotelogin = "SSH",
		.autoupdate = updates,
		.autoupdate_count = 1,
	};
	static const char xml[] = "<computer><security><firewall_enabled>"
	    "false</firewall_enabled></security><extension_attributes>"
	    "<extension_attribute><name>FW State</name><value>2</value>"
	    "</extension_attribute><extension_attribute><name>Lock</name>"
	    "<value>YES</value></extension_attribute><extension_attribute>"
	    "<name>SSH</name><value>enabled</value></extension_attribute>"
	    "<extension_attribute><name>Updates On</name><value>0</value>"
	    "</extension_attribute></extension_attributes></computer>";
	static const char off[] = "<computer><extension_attributes>"
	    "<extension_attribute><name>Lock</name><value>Disabled</value>"
	    "</extension_attribute><extension_attribute><name>SSH</name>"
	    "<value>off</value></extension_attribute><extension_attribute>"
	    "<name>FW State</name><value>0</value></extension_attribute>"
	    "</extension_attributes></computer>";
	struct device_record		 rec;
	const struct observation	*obs;
	struct buf			 err = BUF_INIT;

	(void)state;
	assert_int_equal(jamf_parse_computer(&names, xml, sizeof(xml) - 1,
	    &rec, &err), 0);
	/* The attribute wins over the native field. */
	must_observe(&rec, "firewall", OBSERVED_TRUE);
	must_observe(&rec, "screenlock", OBSERVED_TRUE);
	obs = must_observe(&rec, "remotelogin", OBSERVED_FALSE);
	assert_string_equal(obs->details, "Remote Login is on");
	obs = must_observe(&rec, "autoupdate", OBSERVED_FALSE);
	assert_string_equal(obs->details, "Turned off: Updates On");
	device_record_free(&rec);

	assert_int_equal(jamf_parse_computer(&names, off, sizeof(off) - 1,
	    &rec, &err), 0);
	obs = must_observe(&rec, "screenlock", OBSERVED_FALSE);
	assert_string_equal(obs->details,
	    "The screen saver does not ask for a password");
	must_observe(&rec, "remotelogin", OBSERVED_TRUE);
	obs = must_observe(&rec, "firewall", OBSERVED_FALSE);
	assert_string_equal(obs->details, "The firewall is off");
	/* The one configured update attribute is missing: no observation. */
	assert_null(device_observation(&rec, "autoupdate"));
	device_record_free(&rec);
	buf_free(&err);
}

static void
test_computer_ids(void **state)
{
	static const char users[] = "<?xml version=\"1.0\"?><users><size>2"
	    "</size><user><id>1</id><links><computers><computer><id>101</id>"
	    "</computer><computer><id> 102 </id></computer></computers>"
	    "</links></user><user><id>2</id><links><computers/></links>"
	    "</user></users>";
	static const char match[] = "<computers><size>2</size><computer><id>"
	    "102</id></computer><computer><id>201</id></computer></computers>";
	static const char user[] = "<user><links><computers><computer><id>5"
	    "</id></computer></computers></links></user>";
	static const char other[] = "<mobile_devices/>";
	struct buf	 err = BUF_INIT;
	char		**ids = NULL;
	size_t		 count = 0, i;

	(void)state;
	assert_int_equal(jamf_parse_computer_ids(users, sizeof(users) - 1,
	    &ids, &count, &err), 0);
	assert_int_equal(jamf_parse_computer_ids(match, sizeof(match) - 1,
	    &ids, &count, &err), 0);
	assert_int_equal(jamf_parse_computer_ids(user, sizeof(user) - 1,
	    &ids, &count, &err), 0);
	assert_int_equal(count, 4);
	assert_string_equal(ids[0], "101");
	assert_string_equal(ids[1], "102");
	assert_string_equal(ids[2], "201");
	assert_string_equal(ids[3], "5");

	assert_int_equal(jamf_parse_computer_ids(other, sizeof(other) - 1,
	    &ids, &count, &err), -1);
	assert_string_equal(err.data, "expected a <users>, <user> or "
	    "<computers> document");
	for (i = 0; i < count; i++)
		free(ids[i]);
	free(ids);
	buf_free(&err);
}

static void
test_parse_rejects(void **state)
{
	static const struct {
		const char	*xml;
		const char	*message;
	} cases[] = {
		{ "<?xml version=\"1.0\"?>\n<!DOCTYPE computer [\n<!ENTITY x "
		  "SYSTEM \"file:///etc/passwd\">]>\n<computer><general><name>"
		  "&x;</name></general></computer>",
		  "XML with a DOCTYPE declaration rejected" },
		{ "<!-- a comment first -->\n<!DOCTYPE computer>\n<computer/>",
		  "XML with a DOCTYPE declaration rejected" },
		{ "<computer>\n<general>\n<name>a</nam>\n</general></computer>",
		  "malformed XML at line 3" },
		{ "  \n ", "empty answer instead of XML" },
		{ "<users/>", "expected a <computer> document" },
	};
	struct device_record	 rec;
	struct buf		 err = BUF_INIT, xml = BUF_INIT;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_reset(&err);
		assert_int_equal(jamf_parse_computer(&default_names,
		    cases[i].xml, strlen(cases[i].xml), &rec, &err), -1);
		assert_string_equal(err.data, cases[i].message);
		assert_null(rec.source);
	}

	/* A recording cut in half, as a dropped connection leaves it. */
	read_file(DATA_DIR "/computers/101.xml", &xml);
	buf_reset(&err);
	assert_int_equal(jamf_parse_computer(&default_names, xml.data,
	    xml.len / 2, &rec, &err), -1);
	assert_non_null(strstr(err.data, "malformed XML at line "));
	buf_free(&xml);
	buf_free(&err);
}

/* ---- settings ------------------------------------------------------------ */

/* Configure the JAMF source from the "sources: jamf:" part of yaml. */
static void *
configure_yaml(const char *yaml, struct diag_list *diags)
{
	struct ynode	*root = NULL;
	void		*state;

	if (yaml_tree_load_buffer("test.yaml", yaml, strlen(yaml), NULL, &root,
	    diags) != 0)
		fail_msg("invalid YAML in the test");
	state = jamf_source.configure("test.yaml",
	    ynode_get(ynode_get(root, "sources"), "jamf"), diags);
	ynode_free(root);
	return state;
}

static void
test_settings_valid(void **state)
{
	struct diag_list	 diags = DIAG_LIST_INIT;
	void			*jamf;

	(void)state;
	setenv("JAMF_TEST_PASSWORD", TEST_PASSWORD, 1);
	jamf = configure_yaml("sources:\n  jamf:\n"
	    "    url: https://jamf.example.com/JSSResource/\n"
	    "    username: stethoscope-api\n"
	    "    password_env: JAMF_TEST_PASSWORD\n"
	    "    timeout_ms: 2500\n"
	    "    max_connections: 3\n"
	    "    email_lookup: users\n"
	    "    screenlock_attribute: Lock Screen\n"
	    "    autoupdate_attributes: [One, Two]\n", &diags);
	diag_print(&diags, stderr);
	assert_int_equal(diags.count, 0);
	assert_non_null(jamf);
	jamf_source.free(jamf);
	diag_clear(&diags);
}

static void
test_settings_client_secret_file(void **state)
{
	struct diag_list	 diags = DIAG_LIST_INIT;
	char			 path[] = "/tmp/stethoscope-jamf-XXXXXX";
	struct buf		 yaml = BUF_INIT;
	void			*jamf;
	int			 fd;

	(void)state;
	assert_true((fd = mkstemp(path)) >= 0);
	assert_int_equal(write(fd, TEST_SECRET "\n",
	    sizeof(TEST_SECRET)), (ssize_t)sizeof(TEST_SECRET));
	close(fd);
	buf_printf(&yaml, "sources:\n  jamf:\n"
	    "    url: http://127.0.0.1:1/JSSResource\n"
	    "    client_id: stethoscope-client\n"
	    "    client_secret_file: %s\n", path);
	jamf = configure_yaml(yaml.data, &diags);
	assert_int_equal(diags.count, 0);
	assert_non_null(jamf);
	jamf_source.free(jamf);
	unlink(path);
	buf_free(&yaml);
}

static void
test_settings_errors(void **state)
{
	static const struct {
		const char	*yaml;	/* the lines under "jamf:" */
		int		 line, column;
		const char	*message;
	} cases[] = {
		{ "    url: https://j.example.com/JSSResource\n"
		  "    username: u\n    password_env: JAMF_TEST_PASSWORD\n"
		  "    colour: blue\n", 6, 5,
		  "sources.jamf: unknown key \"colour\"; expected one of: url, "
		  "username, password_file, password_env, client_id, "
		  "client_secret_file, client_secret_env, timeout_ms, "
		  "max_connections, max_response_bytes, email_lookup, "
		  "firewall_attribute, screenlock_attribute, "
		  "remotelogin_attribute, autoupdate_attributes" },
		{ "    url: https://j.example.com/JSSResource\n"
		  "    username: u\n    password_env: JAMF_TEST_PASSWORD\n"
		  "    timeout_ms: soon\n", 6, 17,
		  "sources.jamf.timeout_ms: expected an integer from 100 to "
		  "120000" },
		{ "    url: https://j.example.com/JSSResource\n"
		  "    username: u\n    password_env: JAMF_TEST_PASSWORD\n"
		  "    max_connections: 50\n", 6, 22,
		  "sources.jamf.max_connections: expected an integer from 1 "
		  "to 20" },
		{ "    url: ftp://j.example.com/JSSResource\n"
		  "    username: u\n    password_env: JAMF_TEST_PASSWORD\n", 3,
		  10, "sources.jamf.url: expected a URL starting with http:// "
		  "or https://" },
		{ "    url: https://j.example.com/api\n"
		  "    username: u\n    password_env: JAMF_TEST_PASSWORD\n", 3,
		  10, "sources.jamf.url: must end in /JSSResource, as in "
		  "https://jamf.example.com/JSSResource" },
		{ "    url: https://user:pw@j.example.com/JSSResource\n"
		  "    username: u\n    password_env: JAMF_TEST_PASSWORD\n", 3,
		  10, "sources.jamf.url: must not contain credentials; use "
		  "the username and password settings" },
		{ "    username: u\n    password_env: JAMF_TEST_PASSWORD\n", 3,
		  5, "sources.jamf: missing url, such as "
		  "https://jamf.example.com/JSSResource" },
		{ "    url: https://j.example.com/JSSResource\n"
		  "    username: u\n    client_id: c\n"
		  "    password_env: JAMF_TEST_PASSWORD\n", 5, 16,
		  "sources.jamf.client_id: set either username or client_id, "
		  "not both" },
		{ "    url: https://j.example.com/JSSResource\n", 3, 5,
		  "sources.jamf: missing username (with password_file or "
		  "password_env) or client_id (with client_secret_file or "
		  "client_secret_env)" },
		{ "    url: https://j.example.com/JSSResource\n"
		  "    username: u\n", 3, 5,
		  "sources.jamf: missing password_file or password_env" },
		{ "    url: https://j.example.com/JSSResource\n"
		  "    username: u\n    password_env: JAMF_UNSET_VARIABLE\n", 5,
		  19, "sources.jamf.password_env: the environment variable "
		  "JAMF_UNSET_VARIABLE is not set" },
		{ "    url: https://j.example.com/JSSResource\n"
		  "    username: u\n    password_file: /nonexistent/pw\n", 5,
		  20, "sources.jamf.password_file: cannot open /nonexistent/pw: "
		  "No such file or directory" },
		{ "    url: https://j.example.com/JSSResource\n"
		  "    username: u\n    password_env: JAMF_TEST_PASSWORD\n"
		  "    client_secret_env: JAMF_TEST_PASSWORD\n", 6, 24,
		  "sources.jamf.client_secret_env: belongs to client_id, which "
		  "is not set" },
		{ "    url: https://j.example.com/JSSResource\n"
		  "    username: u\n    password_env: JAMF_TEST_PASSWORD\n"
		  "    email_lookup: everything\n", 6, 19,
		  "sources.jamf.email_lookup: expected one of: both, users, "
		  "match" },
		{ "    url: https://j.example.com/JSSResource\n"
		  "    username: u\n    password_env: JAMF_TEST_PASSWORD\n"
		  "    autoupdate_attributes: Automatic Check Enabled\n", 6, 28,
		  "sources.jamf.autoupdate_attributes: expected a list of "
		  "strings, not a scalar" },
		{ "    url: https://j.example.com/JSSResource\n"
		  "    username: u\n    password_env: JAMF_TEST_PASSWORD\n"
		  "    firewall_attribute: [a]\n", 6, 25,
		  "sources.jamf.firewall_attribute: expected a string, not a "
		  "list" },
	};
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct buf		 yaml = BUF_INIT;
	size_t			 i;

	(void)state;
	setenv("JAMF_TEST_PASSWORD", TEST_PASSWORD, 1);
	unsetenv("JAMF_UNSET_VARIABLE");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_reset(&yaml);
		buf_printf(&yaml, "sources:\n  jamf:\n%s", cases[i].yaml);
		assert_null(configure_yaml(yaml.data, &diags));
		if (diags.count != 1)
			diag_print(&diags, stderr);
		assert_int_equal(diags.count, 1);
		assert_string_equal(diags.items[0].message, cases[i].message);
		assert_int_equal(diags.items[0].line, cases[i].line);
		assert_int_equal(diags.items[0].column, cases[i].column);
		assert_string_equal(diags.items[0].file, "test.yaml");
		diag_clear(&diags);
	}
	buf_free(&yaml);
}

static void
test_settings_not_mapping(void **state)
{
	struct diag_list	 diags = DIAG_LIST_INIT;

	(void)state;
	assert_null(configure_yaml("sources:\n  jamf: [1, 2]\n", &diags));
	assert_int_equal(diags.count, 1);
	assert_string_equal(diags.items[0].message, "sources.jamf: expected a "
	    "mapping of settings, not a list");
	assert_int_equal(diags.items[0].line, 2);
	diag_clear(&diags);
}

/* A secret never reaches a diagnostic, even when the file is bad. */
static void
test_settings_secret_not_echoed(void **state)
{
	struct diag_list	 diags = DIAG_LIST_INIT;
	char			 path[] = "/tmp/stethoscope-jamf-XXXXXX";
	struct buf		 yaml = BUF_INIT;
	static const char	 secret[] = "hunter2\x01with-a-control";
	int			 fd;

	(void)state;
	assert_true((fd = mkstemp(path)) >= 0);
	assert_int_equal(write(fd, secret, sizeof(secret) - 1),
	    (ssize_t)sizeof(secret) - 1);
	close(fd);
	buf_printf(&yaml, "sources:\n  jamf:\n"
	    "    url: http://127.0.0.1:1/JSSResource\n"
	    "    username: u\n    password_file: %s\n", path);
	assert_null(configure_yaml(yaml.data, &diags));
	assert_int_equal(diags.count, 1);
	assert_non_null(strstr(diags.items[0].message,
	    "contains control characters"));
	assert_null(strstr(diags.items[0].message, "hunter2"));
	diag_clear(&diags);
	unlink(path);
	buf_free(&yaml);
}

/* ---- failure messages ---------------------------------------------------- */

static void
test_failure_messages(void **state)
{
	static const struct upstream_labels labels = {
		"JAMF", "XML", "the API credentials",
	};
	static const struct {
		enum fetch_error error;
		long		 status;
		const char	*content_type;
		const char	*body;
		long		 retry_after;
		const char	*fetch_message;
		const char	*expected;
	} cases[] = {
		{ FETCH_ERR_HTTP_STATUS, 401, "text/html", "<html>", 0, NULL,
		  "HTTP 401 from JAMF: check the API credentials" },
		{ FETCH_ERR_HTTP_STATUS, 403, NULL, "", 0, NULL,
		  "HTTP 403 from JAMF: check the API credentials" },
		{ FETCH_ERR_HTTP_STATUS, 500, "text/html", "<html>", 0, NULL,
		  "HTTP 500 from JAMF: the server failed" },
		{ FETCH_ERR_HTTP_STATUS, 503, NULL, "", 0, NULL,
		  "HTTP 503 from JAMF: the server failed" },
		{ FETCH_ERR_HTTP_STATUS, 429, NULL, "", 30, NULL,
		  "HTTP 429 from JAMF: too many requests (it asked to retry "
		  "after 30 s)" },
		{ FETCH_OK, 200, "text/html;charset=UTF-8", "<html></html>", 0,
		  NULL, "JAMF answered an HTML page instead of XML (HTTP 200)" },
		{ FETCH_OK, 200, "application/xml", "\n  <HTML><body>", 0, NULL,
		  "JAMF answered an HTML page instead of XML (HTTP 200)" },
		{ FETCH_ERR_HTTP_STATUS, 404, "text/html", "<html>", 0, NULL,
		  "JAMF answered an HTML page instead of XML (HTTP 404)" },
		{ FETCH_ERR_HTTP_STATUS, 404, "application/xml", "<a/>", 0,
		  NULL, "HTTP 404 from JAMF: not found; check the url setting" },
		{ FETCH_ERR_HTTP_STATUS, 418, NULL, "", 0, NULL,
		  "HTTP 418 from JAMF" },
		{ FETCH_ERR_TIMEOUT, 0, NULL, "", 0, "timed out after 2000 ms",
		  "timed out after 2000 ms" },
	};
	struct fetch_request	 req;
	struct buf		 out = BUF_INIT;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fetch_request_init(&req);
		req.error = cases[i].error;
		req.status = cases[i].status;
		req.content_type = (char *)cases[i].content_type;
		buf_puts(&req.body, cases[i].body);
		req.retry_after_s = cases[i].retry_after;
		if (cases[i].fetch_message != NULL)
			snprintf(req.error_message, sizeof(req.error_message),
			    "%s", cases[i].fetch_message);
		buf_reset(&out);
		assert_int_equal(upstream_answer_usable(&req, &labels, &out), 0);
		assert_string_equal(out.data, cases[i].expected);
		buf_free(&req.body);
	}
	buf_free(&out);
}

/* ---- end to end against the fake ----------------------------------------- */

struct e2e {
	struct fake_process	 fake;
	struct fetcher		*fetcher;
	void			*jamf;		/* user account */
	void			*client;	/* API client */
};

static void *
configure_fake(const struct e2e *e, const char *credentials,
    const char *extra)
{
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct buf		 yaml = BUF_INIT;
	void			*state;

	buf_printf(&yaml, "sources:\n  jamf:\n"
	    "    url: http://127.0.0.1:%d/JSSResource\n%s%s", e->fake.port,
	    credentials, extra != NULL ? extra : "");
	state = configure_yaml(yaml.data, &diags);
	diag_print(&diags, stderr);
	assert_non_null(state);
	diag_clear(&diags);
	buf_free(&yaml);
	return state;
}

static const char user_credentials[] =
    "    username: stethoscope-api\n    password_env: JAMF_TEST_PASSWORD\n";
static const char client_credentials[] =
    "    client_id: stethoscope-client\n    client_secret_env: "
    "JAMF_TEST_SECRET\n";

static int
e2e_setup(void **state)
{
	struct e2e	*e;
	char		*program;

	e = calloc(1, sizeof(*e));
	setenv("JAMF_TEST_PASSWORD", TEST_PASSWORD, 1);
	setenv("JAMF_TEST_SECRET", TEST_SECRET, 1);
	program = fake_process_path(argv0, "jamf");
	if (fake_process_start(&e->fake, program, DATA_DIR, NULL,
	    getenv("STETHOSCOPE_FAKE_LOG")) != 0) {
		fprintf(stderr, "cannot start %s; build it with make\n",
		    program);
		free(program);
		free(e);
		return -1;
	}
	free(program);
	e->fetcher = fetcher_new(NULL);
	e->jamf = configure_fake(e, user_credentials, NULL);
	e->client = configure_fake(e, client_credentials, NULL);
	*state = e;
	return 0;
}

static int
e2e_teardown(void **state)
{
	struct e2e	*e = *state;

	jamf_source.free(e->jamf);
	jamf_source.free(e->client);
	fetcher_free(e->fetcher);
	fake_process_stop(&e->fake);
	free(e);
	return 0;
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
	memset(lookup, 0, sizeof(*lookup));
}

static void
run_lookup(struct fetcher *f, void *jamf, enum lookup_kind kind,
    const char *value, struct lookup *out)
{
	memset(out, 0, sizeof(*out));
	out->fetcher = f;
	out->deadline_ms = fetch_now_ms() + 5000;
	jamf_source.start(jamf, out, kind, value);
	assert_true(fetch_run(f, out->deadline_ms) >= 0);
}

static long
fake_counter(const struct e2e *e, const char *name)
{
	struct buf	 body = BUF_INIT;
	const char	*p;
	long		 value = -1;

	assert_int_equal(fake_process_get(&e->fake, "/_fake/stats", &body),
	    200);
	if ((p = strstr(body.data, name)) != NULL)
		value = strtol(p + strlen(name) + 1, NULL, 10);
	buf_free(&body);
	return value;
}

static int
set_mode(const struct e2e *e, const char *mode)
{
	struct buf	 target = BUF_INIT;
	long		 status;

	buf_printf(&target, "/_fake/mode?set=%s", mode);
	status = fake_process_get(&e->fake, target.data, NULL);
	buf_free(&target);
	return status == 200 ? 0 : -1;
}

static void
print_errors(const struct lookup *lookup)
{
	size_t	 i;

	for (i = 0; i < lookup->error_count; i++)
		fprintf(stderr, "%s: %s\n", lookup->errors[i].source,
		    lookup->errors[i].message);
}

static void
test_e2e_ada_by_email(void **state)
{
	struct e2e		*e = *state;
	struct lookup		 lookup;
	struct device_record	*rec;

	run_lookup(e->fetcher, e->jamf, LOOKUP_EMAIL, "ada.okafor@example.com",
	    &lookup);
	print_errors(&lookup);
	assert_int_equal(lookup.error_count, 0);
	assert_int_equal(lookup.records.count, 1);
	rec = &lookup.records.items[0];
	assert_string_equal(rec->name, "Ada's MacBook Air");
	assert_string_equal(rec->ids.serial, "C02ADA0001AA");
	must_observe(rec, "autoupdate", OBSERVED_FALSE);
	lookup_clear(&lookup);
}

static void
test_e2e_nobody_found(void **state)
{
	struct e2e	*e = *state;
	struct lookup	 lookup;

	run_lookup(e->fetcher, e->jamf, LOOKUP_EMAIL,
	    "emilie.fournier@example.com", &lookup);
	assert_int_equal(lookup.error_count, 0);
	assert_int_equal(lookup.records.count, 0);
	lookup_clear(&lookup);

	run_lookup(e->fetcher, e->jamf, LOOKUP_SERIAL, "C02NOPE0000XX",
	    &lookup);
	assert_int_equal(lookup.error_count, 0);
	assert_int_equal(lookup.records.count, 0);
	lookup_clear(&lookup);
}

/* Bruno's Mac is filed under an old email: found by serial and MAC. */
static void
test_e2e_bruno_by_identifiers(void **state)
{
	struct e2e	*e = *state;
	struct lookup	 lookup;

	run_lookup(e->fetcher, e->jamf, LOOKUP_EMAIL,
	    "bruno.lindqvist@example.com", &lookup);
	assert_int_equal(lookup.error_count, 0);
	assert_int_equal(lookup.records.count, 0);
	lookup_clear(&lookup);

	run_lookup(e->fetcher, e->jamf, LOOKUP_SERIAL, "C02BRU0002BB",
	    &lookup);
	assert_int_equal(lookup.error_count, 0);
	assert_int_equal(lookup.records.count, 1);
	assert_string_equal(lookup.records.items[0].email,
	    "bruno@oldcorp.example");
	lookup_clear(&lookup);

	run_lookup(e->fetcher, e->jamf, LOOKUP_MAC, "3C:22:FB:B0:00:02",
	    &lookup);
	assert_int_equal(lookup.error_count, 0);
	assert_int_equal(lookup.records.count, 1);
	assert_string_equal(lookup.records.items[0].ids.serial,
	    "C02BRU0002BB");
	must_observe(&lookup.records.items[0], "firewall", OBSERVED_FALSE);
	lookup_clear(&lookup);
}

/* A computer without a user record is found through /computers/match. */
static void
test_e2e_match_only(void **state)
{
	struct e2e	*e = *state;
	struct lookup	 lookup;

	run_lookup(e->fetcher, e->client, LOOKUP_EMAIL,
	    "legacy.lab@example.com", &lookup);
	print_errors(&lookup);
	assert_int_equal(lookup.error_count, 0);
	assert_int_equal(lookup.records.count, 1);
	assert_string_equal(lookup.records.items[0].os_version, "10.15");
	lookup_clear(&lookup);
}

static void
test_e2e_token_cached_and_renewed(void **state)
{
	struct e2e	*e = *state;
	struct fetcher	*f = fetcher_new(NULL);
	struct lookup	 lookup;

	assert_int_equal(fake_process_get(&e->fake, "/_fake/reset", NULL), 200);
	run_lookup(f, e->jamf, LOOKUP_EMAIL, "chiara.esposito@example.com",
	    &lookup);
	assert_int_equal(lookup.records.count, 1);
	lookup_clear(&lookup);
	run_lookup(f, e->jamf, LOOKUP_EMAIL, "farid.haddad@example.com",
	    &lookup);
	assert_int_equal(lookup.records.count, 1);
	lookup_clear(&lookup);
	assert_int_equal(fake_counter(e, "token_requests"), 1);

	/* A revoked token gets 401, so the source fetches one new token. */
	assert_int_equal(fake_process_get(&e->fake, "/_fake/revoke", NULL),
	    200);
	run_lookup(f, e->jamf, LOOKUP_EMAIL, "chiara.esposito@example.com",
	    &lookup);
	print_errors(&lookup);
	assert_int_equal(lookup.error_count, 0);
	assert_int_equal(lookup.records.count, 1);
	lookup_clear(&lookup);
	assert_int_equal(fake_counter(e, "token_requests"), 2);
	fetcher_free(f);
}

static void
test_e2e_wrong_password(void **state)
{
	struct e2e	*e = *state;
	struct fetcher	*f = fetcher_new(NULL);
	struct lookup	 lookup;
	void		*jamf;

	setenv("JAMF_WRONG_PASSWORD", "not-the-password", 1);
	jamf = configure_fake(e, "    username: stethoscope-api\n"
	    "    password_env: JAMF_WRONG_PASSWORD\n", NULL);
	run_lookup(f, jamf, LOOKUP_EMAIL, "ada.okafor@example.com", &lookup);
	assert_int_equal(lookup.records.count, 0);
	assert_int_equal(lookup.error_count, 1);
	assert_string_equal(lookup.errors[0].source, "jamf");
	assert_string_equal(lookup.errors[0].message,
	    "HTTP 401 from JAMF: check the API credentials");
	lookup_clear(&lookup);
	jamf_source.free(jamf);
	fetcher_free(f);
}

static void
test_e2e_misbehaviour(void **state)
{
	static const struct {
		const char	*mode;
		const char	*settings;
		const char	*expected;
	} cases[] = {
		{ "slow:1500", "    timeout_ms: 300\n", "timed out after " },
		{ "hang", "    timeout_ms: 300\n", "timed out after " },
		{ "401", NULL, "HTTP 401 from JAMF: check the API credentials" },
		{ "429:30", NULL, "HTTP 429 from JAMF: too many requests (it "
		  "asked to retry after 30 s)" },
		{ "500", NULL, "HTTP 500 from JAMF: the server failed" },
		{ "html200", NULL, "JAMF answered an HTML page instead of XML "
		  "(HTTP 200)" },
		{ "truncated", NULL, "malformed XML at line " },
		{ "oversize", "    max_response_bytes: 1048576\n",
		  "response larger than 1048576 bytes" },
		{ "doctype", NULL, "XML with a DOCTYPE declaration rejected" },
	};
	static const char *const credentials[] = { "user", "client" };
	struct e2e	*e = *state;
	struct fetcher	*f;
	struct lookup	 lookup;
	void		*jamf;
	size_t		 i, j, k;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (j = 0; j < 2; j++) {
			/* A fresh fetcher, so the token is fetched each time. */
			f = fetcher_new(NULL);
			jamf = configure_fake(e, j == 0 ? user_credentials :
			    client_credentials, cases[i].settings);
			assert_int_equal(set_mode(e, cases[i].mode), 0);
			run_lookup(f, jamf, LOOKUP_EMAIL,
			    "ada.okafor@example.com", &lookup);
			assert_int_equal(set_mode(e, "normal"), 0);

			if (lookup.error_count == 0)
				fail_msg("mode %s with %s credentials: no "
				    "error", cases[i].mode, credentials[j]);
			assert_int_equal(lookup.records.count, 0);
			for (k = 0; k < lookup.error_count; k++) {
				assert_string_equal(lookup.errors[k].source,
				    "jamf");
				assert_null(strstr(lookup.errors[k].message,
				    TEST_PASSWORD));
				assert_null(strstr(lookup.errors[k].message,
				    TEST_SECRET));
				assert_null(strstr(lookup.errors[k].message,
				    "fake-jamf-"));
			}
			if (strstr(lookup.errors[0].message,
			    cases[i].expected) == NULL)
				fail_msg("mode %s: expected \"%s\", got \"%s\"",
				    cases[i].mode, cases[i].expected,
				    lookup.errors[0].message);
			lookup_clear(&lookup);
			jamf_source.free(jamf);
			fetcher_free(f);
		}
	}
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest unit[] = {
		cmocka_unit_test(test_ada_record),
		cmocka_unit_test(test_bruno_firewall_off),
		cmocka_unit_test(test_chiara_all_green),
		cmocka_unit_test(test_farid_hostile_name),
		cmocka_unit_test(test_legacy_mac_traps),
		cmocka_unit_test(test_studio_mac_traps),
		cmocka_unit_test(test_filevault_states),
		cmocka_unit_test(test_attribute_names_configurable),
		cmocka_unit_test(test_computer_ids),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_settings_valid),
		cmocka_unit_test(test_settings_client_secret_file),
		cmocka_unit_test(test_settings_errors),
		cmocka_unit_test(test_settings_not_mapping),
		cmocka_unit_test(test_settings_secret_not_echoed),
		cmocka_unit_test(test_failure_messages),
	};
	const struct CMUnitTest e2e[] = {
		cmocka_unit_test(test_e2e_ada_by_email),
		cmocka_unit_test(test_e2e_nobody_found),
		cmocka_unit_test(test_e2e_bruno_by_identifiers),
		cmocka_unit_test(test_e2e_match_only),
		cmocka_unit_test(test_e2e_token_cached_and_renewed),
		cmocka_unit_test(test_e2e_wrong_password),
		cmocka_unit_test(test_e2e_misbehaviour),
	};
	int	 rc;

	(void)argc;
	argv0 = argv[0];
	xmlInitParser();
	curl_global_init(CURL_GLOBAL_DEFAULT);
	log_set_level(LOG_LEVEL_NONE);
	rc = cmocka_run_group_tests_name("jamf parsing and settings", unit,
	    NULL, NULL);
	rc += cmocka_run_group_tests_name("jamf end to end", e2e, e2e_setup,
	    e2e_teardown);
	curl_global_cleanup();
	return rc;
}
