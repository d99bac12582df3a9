/*
 * Tests for the LANDESK source: GetMachineDataEX responses from the
 * recordings in tests/upstreams/landesk turned into device records, the
 * reason texts, zone-less dates, the settings and their diagnostics, and
 * lookups end to end against the fake core server (build/fakes/landesk)
 * through a real fetcher. Run from the repository root. Set
 * STETHOSCOPE_FAKE_LOG to a file name to keep the fake server's log.
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
#include "source_landesk.h"
#include "yaml_tree.h"

/* White-box access to the filter builder and the settings state. */
#include "../sources/landesk_internal.h"

#define DATA_DIR	"tests/upstreams/landesk"
#define TEST_PASSWORD	"landesk-test-password"
#define DEV_GUID	"{4F2C9A10-0D3B-4E5F-9A61-DE0000000004}"

static const char	*argv0;

/* ---- helpers ------------------------------------------------------------- */

static void *
configure_yaml(const char *yaml, struct diag_list *diags)
{
	struct ynode	*root = NULL;
	void		*state;

	if (yaml_tree_load_buffer("test.yaml", yaml, strlen(yaml), NULL, &root,
	    diags) != 0)
		fail_msg("invalid YAML in the test");
	state = landesk_source.configure("test.yaml",
	    ynode_get(ynode_get(root, "sources"), "landesk"), diags);
	ynode_free(root);
	return state;
}

/* A state with every default, for parsing tests. */
static struct landesk *
default_state(const char *timezone)
{
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct buf		 yaml = BUF_INIT;
	struct landesk		*ld;

	setenv("LANDESK_TEST_PASSWORD", TEST_PASSWORD, 1);
	buf_printf(&yaml, "sources:\n  landesk:\n"
	    "    url: https://core.example.com/MBSDKService/MsgSDK.asmx\n"
	    "    username: svc\n    password_env: LANDESK_TEST_PASSWORD\n"
	    "    timezone: \"%s\"\n", timezone);
	ld = configure_yaml(yaml.data, &diags);
	diag_print(&diags, stderr);
	assert_non_null(ld);
	diag_clear(&diags);
	buf_free(&yaml);
	return ld;
}

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

static void
parse_recording(const char *name, const char *owner,
    struct device_record *rec)
{
	struct landesk	*ld = default_state("UTC");
	struct buf	 xml = BUF_INIT, err = BUF_INIT, path = BUF_INIT;

	buf_printf(&path, "%s/machines/%s", DATA_DIR, name);
	read_file(path.data, &xml);
	if (landesk_parse_machine(&ld->parse, xml.data, xml.len, owner, rec,
	    &err) != 0)
		fail_msg("%s: %s", name, err.data);
	landesk_source.free(ld);
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

/* Build a MachineDataEX response from key/value pairs (NULL-terminated). */
static void
machine_document(struct buf *xml, const char *const *pairs)
{
	size_t	 i;

	buf_puts(xml, "<MachineDataEX xmlns=\"" LANDESK_NAMESPACE "\"><GUID>"
	    "{1}</GUID><Data>");
	for (i = 0; pairs[i] != NULL; i += 2)
		buf_printf(xml, "<MachineData><Key>%s</Key><Value>%s</Value>"
		    "</MachineData>", pairs[i], pairs[i + 1]);
	buf_puts(xml, "</Data></MachineDataEX>");
}

/* ---- machine responses --------------------------------------------------- */

static void
test_dev_record(void **state)
{
	struct device_record		 rec;
	const struct observation	*obs;
	size_t				 i;
	int				 falcon = 0;

	(void)state;
	parse_recording("dev-t14.xml", NULL, &rec);
	assert_string_equal(rec.source, "landesk");
	assert_string_equal(rec.name, "DEV-T14");
	assert_int_equal(rec.platform, PLATFORM_WINDOWS);
	assert_string_equal(rec.manufacturer, "LENOVO");
	/* Lenovo keeps the readable model in the system version. */
	assert_string_equal(rec.model, "ThinkPad T14 Gen 4");
	assert_string_equal(rec.os_name,
	    "Microsoft Windows 11 Enterprise Edition, 64-bit (24H2)");
	assert_string_equal(rec.os_version, "10.0.26100.7462");
	assert_string_equal(rec.email, "dev.raman@example.com");
	assert_string_equal(rec.ids.serial, "PF4DEV04");
	assert_string_equal(rec.ids.source_id, DEV_GUID);
	/* The Hyper-V adapter has no firewall: not an identifier. */
	assert_int_equal(rec.ids.mac_count, 1);
	assert_string_equal(rec.ids.macs[0], "8C:16:45:DE:00:04");
	assert_int_equal(rec.last_sync, 1796227660);

	obs = must_observe(&rec, "encryption", OBSERVED_FALSE);
	assert_string_equal(obs->details, "BitLocker protection is off for C:");
	assert_int_equal(obs->observed_at, 1796227511);
	obs = must_observe(&rec, "firewall", OBSERVED_TRUE);
	assert_string_equal(obs->details,
	    "The firewall is on for every network adapter");
	obs = must_observe(&rec, "screenlock", OBSERVED_FALSE);
	assert_string_equal(obs->details, "Local user dev: screen saver is "
	    "disabled; screen saver password protection is off; screen saver "
	    "timeout is 1800 seconds, the allowed maximum is 900.");
	assert_int_equal(obs->observed_at, 1796228403);
	must_observe(&rec, "autoupdate", OBSERVED_TRUE);
	obs = must_observe(&rec, "uptodate", OBSERVED_FALSE);
	assert_string_equal(obs->details, "Missing updates: 2026-11 Cumulative "
	    "Update for Windows 11 Version 24H2 (KB5070001); 2026-11 Security "
	    "Update for Microsoft Office LTSC 2024 (KB5070417)");

	assert_int_equal(rec.software_count, 4);
	for (i = 0; i < rec.software_count; i++)
		if (strcmp(rec.software[i].name,
		    "CrowdStrike Windows Sensor") == 0)
			falcon = 1;
	assert_true(falcon);
	assert_string_equal(rec.software[3].name, "7-Zip 24.09 (x64)");
	assert_null(rec.software[3].version);
	/* Stopped services are left out. */
	assert_int_equal(rec.service_count, 2);
	assert_string_equal(rec.services[0], "CSFalconService");
	assert_string_equal(rec.services[1], "Spooler");
	device_record_free(&rec);
}

static void
test_kiosk_traps(void **state)
{
	struct device_record		 rec;
	const struct observation	*obs;

	(void)state;
	parse_recording("kiosk-lobby-07.xml", "Kiosk.Lobby@example.com", &rec);
	/* CurrentVersion 6.3 on a Windows 10 build means kernel 10.0. */
	assert_string_equal(rec.os_version, "10.0.19044.5737");
	assert_string_equal(rec.model, "Latitude 5420");
	assert_string_equal(rec.ids.serial, "7KSK907");
	/* No owner column value: the email the device was found by. */
	assert_string_equal(rec.email, "kiosk.lobby@example.com");
	assert_int_equal(rec.ids.mac_count, 2);
	assert_string_equal(rec.ids.macs[0], "A4:BB:6D:10:AA:07");
	assert_string_equal(rec.ids.macs[1], "A4:BB:6D:10:AA:08");
	/* No hardware scan date: the software scan dates the record. */
	assert_int_equal(rec.last_sync, 1796030102);

	/* Drive D: is not the system drive and does not count. */
	obs = must_observe(&rec, "encryption", OBSERVED_FALSE);
	assert_string_equal(obs->details,
	    "C: is still being encrypted (45% encrypted)");
	assert_int_equal(obs->observed_at, 0);
	obs = must_observe(&rec, "firewall", OBSERVED_FALSE);
	assert_string_equal(obs->details,
	    "The firewall is off for Intel(R) Wi-Fi 6 AX201 160MHz");
	obs = must_observe(&rec, "autoupdate", OBSERVED_FALSE);
	assert_string_equal(obs->details, "Automatic Updates are turned off. "
	    "Updates are set to notify before download.");
	assert_int_equal(obs->observed_at, 1796030102);
	must_observe(&rec, "screenlock", OBSERVED_TRUE);
	/* A medium patch and the High settings check do not count. */
	obs = must_observe(&rec, "uptodate", OBSERVED_TRUE);
	assert_string_equal(obs->details,
	    "No missing updates rated Critical or High");
	device_record_free(&rec);

	parse_recording("kiosk-lobby-07.xml", NULL, &rec);
	assert_null(rec.email);
	device_record_free(&rec);
}

static void
test_lab_encrypted_no_scan(void **state)
{
	struct device_record		 rec;
	const struct observation	*obs;

	(void)state;
	parse_recording("lab-ws-03.xml", NULL, &rec);
	assert_string_equal(rec.os_version, "10.0.26200.7171");
	assert_string_equal(rec.model, "HP EliteDesk 800 G9 Desktop Mini PC");
	assert_string_equal(rec.email, "lab.windows@example.com");
	obs = must_observe(&rec, "encryption", OBSERVED_TRUE);
	assert_string_equal(obs->details, "BitLocker protects C:\\");
	assert_int_equal(obs->observed_at, 1796111112);
	must_observe(&rec, "firewall", OBSERVED_TRUE);
	/* No vulnerability scan data: no observation for its practices. */
	assert_null(device_observation(&rec, "screenlock"));
	assert_null(device_observation(&rec, "autoupdate"));
	assert_null(device_observation(&rec, "uptodate"));
	assert_int_equal(rec.last_sync, 1796111250);
	device_record_free(&rec);
}

static void
test_bitlocker_states(void **state)
{
	static const struct {
		const char	*protection, *conversion, *percentage;
		enum observed	 value;
		const char	*details;
	} cases[] = {
		{ "1 - On", "1 - Fully Encrypted", "100", OBSERVED_TRUE,
		  "BitLocker protects c:" },
		{ "1", "", "100", OBSERVED_TRUE, "BitLocker protects c:" },
		{ "1 - On", "4 - Encryption Paused", "70", OBSERVED_FALSE,
		  "c: has encryption paused (70% encrypted)" },
		{ "1 - On", "3 - Decryption In Progress", "", OBSERVED_FALSE,
		  "c: is being decrypted" },
		{ "0 - Off", "1 - Fully Encrypted", "100", OBSERVED_FALSE,
		  "BitLocker protection is off for c:" },
		{ "2 - Unknown", "", "", OBSERVED_UNKNOWN,
		  "LANDESK reported BitLocker protection \"2 - Unknown\" and "
		  "conversion \"\" for c:" },
	};
	struct landesk			*ld = default_state("UTC");
	struct device_record		 rec;
	const struct observation	*obs;
	struct buf			 xml = BUF_INIT, err = BUF_INIT;
	const char			*pairs[9];
	size_t				 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pairs[0] = "Computer.BitLocker.Drive(3).Drive Letter";
		pairs[1] = "c:";
		pairs[2] = "Computer.BitLocker.Drive(3).Protection Status";
		pairs[3] = cases[i].protection;
		pairs[4] = "Computer.BitLocker.Drive(3).Conversion Status";
		pairs[5] = cases[i].conversion;
		pairs[6] = "Computer.BitLocker.Drive(3).Encryption Percentage";
		pairs[7] = cases[i].percentage;
		pairs[8] = NULL;
		buf_reset(&xml);
		machine_document(&xml, pairs);
		assert_int_equal(landesk_parse_machine(&ld->parse, xml.data,
		    xml.len, NULL, &rec, &err), 0);
		/* The drive letter is shown as the scan wrote it. */
		obs = must_observe(&rec, "encryption", cases[i].value);
		assert_string_equal(obs->details, cases[i].details);
		device_record_free(&rec);
	}
	landesk_source.free(ld);
	buf_free(&err);
	buf_free(&xml);
}

static void
test_screensaver_details(void **state)
{
	static const struct {
		const char	*reason;
		const char	*expected;
	} cases[] = {
		{ "Screen saver is disabled for local user dev.Screen saver "
		  "timeout is 1800 seconds for local user admin2.Password "
		  "protection is off for local user dev.",
		  "Local user dev: screen saver is disabled; password "
		  "protection is off. Local user admin2: screen saver timeout "
		  "is 1800 seconds." },
		{ "The policy allows 1.5 minutes at most.Screen saver is off "
		  "for user: kim", "The policy allows 1.5 minutes at most. "
		  "Local user kim: screen saver is off." },
		{ "BIOS password missing for local user ops",
		  "Local user ops: BIOS password missing." },
		{ "  ", "" },
	};
	struct buf	 out = BUF_INIT;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_reset(&out);
		buf_puts(&out, "");
		landesk_screensaver_details(cases[i].reason, &out);
		assert_string_equal(out.data, cases[i].expected);
	}
	buf_free(&out);
}

static void
test_dates_and_zones(void **state)
{
	static const struct {
		const char	*zone;
		const char	*text;
		long long	 expected;	/* -1: rejected */
	} cases[] = {
		{ "UTC", "2026-12-02 16:05:11", 1796227511 },
		{ "UTC", "2026-12-02T16:05:11.337", 1796227511 },
		{ "UTC", "12/2/2026 4:05:11 PM", 1796227511 },
		{ "UTC", "12/2/2026 16:05:11", 1796227511 },
		{ "UTC", "12/2/2026 12:05:11 AM", 1796227511 - 16 * 3600 },
		{ "+01:00", "2026-12-02 17:05:11", 1796227511 },
		{ "-05:30", "2026-12-02 10:35:11", 1796227511 },
		{ "Europe/Berlin", "2026-12-02 17:05:11", 1796227511 },
		{ "Europe/Berlin", "2026-07-01 14:00:00", 1782907200 },
		{ "UTC", "2026-13-01 00:00:00", -1 },
		{ "UTC", "2/30/2026 1:00:00 AM", -1 },
		{ "UTC", "12/2/2026 13:05:11 PM", -1 },
		{ "UTC", "2026-12-02 16:05", -1 },
		{ "UTC", "yesterday", -1 },
		{ "UTC", "", -1 },
	};
	static const char *const invalid_zones[] = {
		"Mars/Olympus_Mons", "../../etc/passwd", "+15:00", "+1:00",
		"/usr/share/zoneinfo/UTC", "",
	};
	struct landesk_zone	 zone;
	time_t			 t;
	size_t			 i;
	int			 rc;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(landesk_zone_parse(cases[i].zone, &zone), 0);
		rc = landesk_parse_date(&zone, cases[i].text, &t);
		if (cases[i].expected == -1)
			assert_int_equal(rc, -1);
		else {
			assert_int_equal(rc, 0);
			assert_int_equal(t, cases[i].expected);
		}
		free(zone.name);
	}
	for (i = 0; i < sizeof(invalid_zones) / sizeof(invalid_zones[0]); i++)
		assert_int_equal(landesk_zone_parse(invalid_zones[i], &zone),
		    -1);
	assert_int_equal(landesk_zone_parse("utc", &zone), 0);
	assert_int_equal(zone.kind, LANDESK_ZONE_UTC);
	/* The process zone is left as it was. */
	assert_null(getenv("TZ"));
}

static void
test_machine_list(void **state)
{
	static const char list[] = "<?xml version=\"1.0\"?><DeviceList "
	    "xmlns=\"" LANDESK_NAMESPACE "\"><Devices><Device><GUID>{A}"
	    "</GUID></Device><Device><GUID>{a}</GUID></Device><Device>"
	    "<GUID/></Device><Device><GUID> {B} </GUID></Device></Devices>"
	    "</DeviceList>";
	static const char empty[] = "<DeviceList xmlns=\"" LANDESK_NAMESPACE
	    "\"><Devices /></DeviceList>";
	static const char other_ns[] = "<DeviceList xmlns=\"urn:other\">"
	    "<Devices/></DeviceList>";
	struct buf	 err = BUF_INIT;
	char		**guids = NULL;
	size_t		 count = 0, i;

	(void)state;
	assert_int_equal(landesk_parse_machine_list(list, sizeof(list) - 1,
	    &guids, &count, &err), 0);
	assert_int_equal(count, 2);
	assert_string_equal(guids[0], "{A}");
	assert_string_equal(guids[1], "{B}");
	assert_int_equal(landesk_parse_machine_list(empty, sizeof(empty) - 1,
	    &guids, &count, &err), 0);
	assert_int_equal(count, 2);
	assert_int_equal(landesk_parse_machine_list(other_ns,
	    sizeof(other_ns) - 1, &guids, &count, &err), -1);
	assert_string_equal(err.data, "expected a DeviceList response in the "
	    "MBSDK namespace");
	for (i = 0; i < count; i++)
		free(guids[i]);
	free(guids);
	buf_free(&err);
}

static void
test_parse_rejects(void **state)
{
	static const struct {
		const char	*xml;
		const char	*message;
	} cases[] = {
		{ "<?xml version=\"1.0\"?>\n<!DOCTYPE MachineDataEX [\n"
		  "<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<MachineDataEX "
		  "xmlns=\"" LANDESK_NAMESPACE "\"><GUID>&x;</GUID>"
		  "</MachineDataEX>", "XML with a DOCTYPE declaration rejected" },
		{ "<MachineDataEX xmlns=\"" LANDESK_NAMESPACE "\">\n<Data>\n"
		  "</MachineDataEX>", "malformed XML at line 3" },
		{ "<MachineDataEX><Data/></MachineDataEX>",
		  "expected a MachineDataEX response in the MBSDK namespace" },
		{ "<DeviceList xmlns=\"" LANDESK_NAMESPACE "\"/>",
		  "expected a MachineDataEX response in the MBSDK namespace" },
	};
	struct landesk		*ld = default_state("UTC");
	struct device_record	 rec;
	struct buf		 err = BUF_INIT;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_reset(&err);
		assert_int_equal(landesk_parse_machine(&ld->parse,
		    cases[i].xml, strlen(cases[i].xml), NULL, &rec, &err), -1);
		assert_string_equal(err.data, cases[i].message);
		assert_null(rec.source);
	}
	landesk_source.free(ld);
	buf_free(&err);
}

static void
test_configured_columns(void **state)
{
	static const char yaml[] = "sources:\n  landesk:\n"
	    "    url: http://127.0.0.1:1/MBSDKService/MsgSDK.asmx\n"
	    "    username: svc\n    password_env: LANDESK_TEST_PASSWORD\n"
	    "    patch_severities: [Critical]\n"
	    "    columns:\n"
	    "      serial: Computer.BIOS.Serial Number\n"
	    "      vulnerability_severity: Computer.Vulnerability.Risk\n";
	static const char *const pairs[] = {
		"Computer.BIOS.Serial Number", "BIOS123",
		"Computer.System.Serial Number", "IGNORED9",
		"Computer.Vulnerability(1).ID", "P1",
		"Computer.Vulnerability(1).Title", "High patch",
		"Computer.Vulnerability(1).Risk", "High",
		NULL,
	};
	struct diag_list		 diags = DIAG_LIST_INIT;
	struct landesk			*ld;
	struct device_record		 rec;
	struct buf			 xml = BUF_INIT, err = BUF_INIT;
	const struct observation	*obs;

	(void)state;
	setenv("LANDESK_TEST_PASSWORD", TEST_PASSWORD, 1);
	ld = configure_yaml(yaml, &diags);
	assert_non_null(ld);
	machine_document(&xml, pairs);
	assert_int_equal(landesk_parse_machine(&ld->parse, xml.data, xml.len,
	    NULL, &rec, &err), 0);
	assert_string_equal(rec.ids.serial, "BIOS123");
	obs = must_observe(&rec, "uptodate", OBSERVED_TRUE);
	assert_string_equal(obs->details, "No missing updates rated Critical");
	device_record_free(&rec);
	landesk_source.free(ld);
	buf_free(&err);
	buf_free(&xml);
}

static void
test_filters(void **state)
{
	struct landesk	*ld = default_state("UTC");
	char		*filter;

	(void)state;
	filter = landesk_filter_for(ld, LANDESK_FILTER_EMAIL,
	    "o'brien@example.com");
	assert_string_equal(filter, "Computer.Primary Owner Email = "
	    "'o''brien@example.com' OR Computer.Login Name = 'o''brien'");
	free(filter);
	filter = landesk_filter_for(ld, LANDESK_FILTER_SERIAL, "PF4DEV04");
	assert_string_equal(filter,
	    "Computer.System.Serial Number = 'PF4DEV04'");
	free(filter);
	filter = landesk_filter_for(ld, LANDESK_FILTER_MAC,
	    "8C:16:45:DE:00:04");
	assert_string_equal(filter, "Computer.Network.TCPIP.Bound "
	    "Adapter.Physical Address = '8C1645DE0004'");
	free(filter);
	assert_null(landesk_filter_for(ld, LANDESK_FILTER_MAC, "not a mac"));
	landesk_source.free(ld);
}

/* ---- settings ------------------------------------------------------------ */

static void
test_settings_valid(void **state)
{
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct landesk		*ld;

	(void)state;
	setenv("LANDESK_TEST_PASSWORD", TEST_PASSWORD, 1);
	ld = configure_yaml("sources:\n  landesk:\n"
	    "    url: https://core.example.com/MBSDKService/MsgSDK.asmx\n"
	    "    auth: basic\n"
	    "    username: EXAMPLE\\svc-stethoscope\n"
	    "    password_env: LANDESK_TEST_PASSWORD\n"
	    "    column_set: Security\n"
	    "    timezone: Europe/Berlin\n"
	    "    timeout_ms: 4000\n"
	    "    email_filter: \"Computer.Login Name = '{login}'\"\n", &diags);
	diag_print(&diags, stderr);
	assert_non_null(ld);
	assert_int_equal(ld->auth, FETCH_AUTH_BASIC);
	assert_string_equal(ld->column_set, "Security");
	assert_int_equal(ld->parse.zone.kind, LANDESK_ZONE_NAMED);
	assert_int_equal(ld->timeout_ms, 4000);
	landesk_source.free(ld);

	ld = default_state("+02:00");
	assert_int_equal(ld->auth, FETCH_AUTH_NTLM);
	assert_int_equal(ld->parse.zone.offset_s, 7200);
	assert_string_equal(ld->parse.columns[LANDESK_COL_SERIAL],
	    "Computer.System.Serial Number");
	landesk_source.free(ld);
}

static void
test_settings_errors(void **state)
{
	static const char base[] =
	    "    url: https://core.example.com/MBSDKService/MsgSDK.asmx\n"
	    "    username: svc\n    password_env: LANDESK_TEST_PASSWORD\n";
	static const struct {
		const char	*extra;		/* lines after base, from line 6 */
		int		 line, column;
		const char	*message;
	} cases[] = {
		{ "    auth: kerberos\n", 6, 11,
		  "sources.landesk.auth: expected one of: ntlm, basic" },
		{ "    timezone: Mars/Olympus_Mons\n", 6, 15,
		  "sources.landesk.timezone: expected UTC, an offset such as "
		  "+01:00, or a time zone name that exists under "
		  "/usr/share/zoneinfo, such as Europe/Berlin" },
		{ "    columns:\n      serial_number: X\n", 7, 7,
		  "sources.landesk.columns: unknown key \"serial_number\"; "
		  "expected one of: device_name, owner_email, serial, model, "
		  "manufacturer, system_version, os_name, os_version, "
		  "os_release_id, os_build, bitlocker_drive, "
		  "bitlocker_protection, bitlocker_conversion, "
		  "bitlocker_percentage, adapter_address, adapter_firewall, "
		  "adapter_description, vulnerability_id, vulnerability_title, "
		  "vulnerability_severity, vulnerability_reason, "
		  "vulnerability_scan_date, software_name, software_version, "
		  "service_name, service_state, hardware_scan_date, "
		  "software_scan_date" },
		{ "    columns:\n      serial: \"\"\n", 7, 15,
		  "sources.landesk.columns.serial: must not be empty" },
		{ "    serial_filter: \"Computer.System.Serial Number = "
		  "'{email}'\"\n", 6, 20,
		  "sources.landesk.serial_filter: unknown placeholder {email}; "
		  "this filter may use {serial}" },
		{ "    email_filter: \"Computer.Login Name = 'dev'\"\n", 6, 19,
		  "sources.landesk.email_filter: must contain {email} or "
		  "{login}, which the lookup replaces" },
		{ "    patch_severities: High\n", 6, 23,
		  "sources.landesk.patch_severities: expected a list of "
		  "strings, not a scalar" },
		{ "    max_response_bytes: 10\n", 6, 25,
		  "sources.landesk.max_response_bytes: expected an integer "
		  "from 1024 to 268435456" },
	};
	static const struct {
		const char	*yaml;		/* the lines under "landesk:" */
		int		 line, column;
		const char	*message;
	} whole[] = {
		{ "    url: https://core.example.com/api\n    username: svc\n"
		  "    password_env: LANDESK_TEST_PASSWORD\n", 3, 10,
		  "sources.landesk.url: must end in /MBSDKService/MsgSDK.asmx, "
		  "as in https://core.example.com/MBSDKService/MsgSDK.asmx" },
		{ "    url: https://core.example.com/MBSDKService/MsgSDK.asmx\n"
		  "    password_env: LANDESK_TEST_PASSWORD\n", 3, 5,
		  "sources.landesk: missing username" },
		{ "    url: https://core.example.com/MBSDKService/MsgSDK.asmx\n"
		  "    username: svc\n", 3, 5,
		  "sources.landesk: missing password_file or password_env" },
		{ "    username: svc\n    password_env: LANDESK_TEST_PASSWORD\n",
		  3, 5, "sources.landesk: missing url, such as "
		  "https://core.example.com/MBSDKService/MsgSDK.asmx" },
	};
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct buf		 yaml = BUF_INIT;
	size_t			 i;

	(void)state;
	setenv("LANDESK_TEST_PASSWORD", TEST_PASSWORD, 1);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]) +
	    sizeof(whole) / sizeof(whole[0]); i++) {
		buf_reset(&yaml);
		if (i < sizeof(cases) / sizeof(cases[0]))
			buf_printf(&yaml, "sources:\n  landesk:\n%s%s", base,
			    cases[i].extra);
		else
			buf_printf(&yaml, "sources:\n  landesk:\n%s",
			    whole[i - sizeof(cases) / sizeof(cases[0])].yaml);
		assert_null(configure_yaml(yaml.data, &diags));
		if (diags.count != 1)
			diag_print(&diags, stderr);
		assert_int_equal(diags.count, 1);
		if (i < sizeof(cases) / sizeof(cases[0])) {
			assert_string_equal(diags.items[0].message,
			    cases[i].message);
			assert_int_equal(diags.items[0].line, cases[i].line);
			assert_int_equal(diags.items[0].column,
			    cases[i].column);
		} else {
			size_t	 w = i - sizeof(cases) / sizeof(cases[0]);

			assert_string_equal(diags.items[0].message,
			    whole[w].message);
			assert_int_equal(diags.items[0].line, whole[w].line);
			assert_int_equal(diags.items[0].column,
			    whole[w].column);
		}
		diag_clear(&diags);
	}
	buf_free(&yaml);
}

static void
test_source_table(void **state)
{
	(void)state;
	assert_ptr_equal(source_find("landesk"), &landesk_source);
	assert_non_null(source_find("jamf"));
	assert_null(source_find("LANDESK"));
	assert_null(source_find("nothing"));
}

/* ---- end to end against the fake ----------------------------------------- */

struct e2e {
	struct fake_process	 fake;
	struct fetcher		*fetcher;
	void			*landesk;
};

static void *
configure_fake(const struct e2e *e, const char *password_env,
    const char *extra)
{
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct buf		 yaml = BUF_INIT;
	void			*state;

	buf_printf(&yaml, "sources:\n  landesk:\n"
	    "    url: http://127.0.0.1:%d/MBSDKService/MsgSDK.asmx\n"
	    "    auth: basic\n    username: svc-stethoscope\n"
	    "    password_env: %s\n%s", e->fake.port, password_env,
	    extra != NULL ? extra : "");
	state = configure_yaml(yaml.data, &diags);
	diag_print(&diags, stderr);
	assert_non_null(state);
	diag_clear(&diags);
	buf_free(&yaml);
	return state;
}

static int
e2e_setup(void **state)
{
	struct e2e	*e;
	char		*program;

	e = calloc(1, sizeof(*e));
	setenv("LANDESK_TEST_PASSWORD", TEST_PASSWORD, 1);
	program = fake_process_path(argv0, "landesk");
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
	e->landesk = configure_fake(e, "LANDESK_TEST_PASSWORD", NULL);
	*state = e;
	return 0;
}

static int
e2e_teardown(void **state)
{
	struct e2e	*e = *state;

	landesk_source.free(e->landesk);
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
run_lookup(struct fetcher *f, void *landesk, enum lookup_kind kind,
    const char *value, struct lookup *out)
{
	memset(out, 0, sizeof(*out));
	out->fetcher = f;
	out->deadline_ms = fetch_now_ms() + 5000;
	landesk_source.start(landesk, out, kind, value);
	assert_true(fetch_run(f, out->deadline_ms) >= 0);
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
test_e2e_dev_by_email(void **state)
{
	struct e2e		*e = *state;
	struct lookup		 lookup;
	struct device_record	*rec;

	run_lookup(e->fetcher, e->landesk, LOOKUP_EMAIL,
	    "dev.raman@example.com", &lookup);
	assert_int_equal(lookup.error_count, 0);
	assert_int_equal(lookup.records.count, 1);
	rec = &lookup.records.items[0];
	assert_string_equal(rec->name, "DEV-T14");
	assert_string_equal(rec->ids.serial, "PF4DEV04");
	must_observe(rec, "encryption", OBSERVED_FALSE);
	must_observe(rec, "uptodate", OBSERVED_FALSE);
	lookup_clear(&lookup);
}

static void
test_e2e_by_serial_and_mac(void **state)
{
	struct e2e	*e = *state;
	struct lookup	 lookup;

	run_lookup(e->fetcher, e->landesk, LOOKUP_SERIAL, "PF4DEV04", &lookup);
	assert_int_equal(lookup.error_count, 0);
	assert_int_equal(lookup.records.count, 1);
	assert_string_equal(lookup.records.items[0].email,
	    "dev.raman@example.com");
	lookup_clear(&lookup);

	run_lookup(e->fetcher, e->landesk, LOOKUP_MAC, "8C:16:45:DE:00:04",
	    &lookup);
	assert_int_equal(lookup.error_count, 0);
	assert_int_equal(lookup.records.count, 1);
	assert_string_equal(lookup.records.items[0].ids.source_id, DEV_GUID);
	lookup_clear(&lookup);
}

static void
test_e2e_login_filter(void **state)
{
	struct e2e	*e = *state;
	struct lookup	 lookup;

	/* Found through its login name; the record takes the email. */
	run_lookup(e->fetcher, e->landesk, LOOKUP_EMAIL,
	    "kiosk.lobby@example.com", &lookup);
	assert_int_equal(lookup.error_count, 0);
	assert_int_equal(lookup.records.count, 1);
	assert_string_equal(lookup.records.items[0].email,
	    "kiosk.lobby@example.com");
	lookup_clear(&lookup);
}

static void
test_e2e_nobody_found(void **state)
{
	struct e2e	*e = *state;
	struct lookup	 lookup;

	run_lookup(e->fetcher, e->landesk, LOOKUP_EMAIL,
	    "emilie.fournier@example.com", &lookup);
	assert_int_equal(lookup.error_count, 0);
	assert_int_equal(lookup.records.count, 0);
	lookup_clear(&lookup);
}

static void
test_e2e_wrong_password(void **state)
{
	struct e2e	*e = *state;
	struct lookup	 lookup;
	void		*ld;

	setenv("LANDESK_WRONG_PASSWORD", "not-the-password", 1);
	ld = configure_fake(e, "LANDESK_WRONG_PASSWORD", NULL);
	run_lookup(e->fetcher, ld, LOOKUP_EMAIL, "dev.raman@example.com",
	    &lookup);
	assert_int_equal(lookup.records.count, 0);
	assert_int_equal(lookup.error_count, 1);
	assert_string_equal(lookup.errors[0].source, "landesk");
	assert_string_equal(lookup.errors[0].message,
	    "HTTP 401 from LANDESK: check the username and password");
	assert_null(strstr(lookup.errors[0].message, "not-the-password"));
	lookup_clear(&lookup);
	landesk_source.free(ld);
}

static void
test_e2e_unknown_column_set(void **state)
{
	struct e2e	*e = *state;
	struct lookup	 lookup;
	void		*ld;

	ld = configure_fake(e, "LANDESK_TEST_PASSWORD",
	    "    column_set: Missing\n");
	run_lookup(e->fetcher, ld, LOOKUP_EMAIL, "dev.raman@example.com",
	    &lookup);
	assert_int_equal(lookup.records.count, 0);
	assert_int_equal(lookup.error_count, 1);
	assert_string_equal(lookup.errors[0].message,
	    "HTTP 500 from LANDESK: the server failed");
	lookup_clear(&lookup);
	landesk_source.free(ld);
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
		{ "401", NULL,
		  "HTTP 401 from LANDESK: check the username and password" },
		{ "429:30", NULL, "HTTP 429 from LANDESK: too many requests (it "
		  "asked to retry after 30 s)" },
		{ "500", NULL, "HTTP 500 from LANDESK: the server failed" },
		{ "html200", NULL, "LANDESK answered an HTML page instead of "
		  "XML (HTTP 200)" },
		{ "truncated", NULL, "malformed XML at line " },
		{ "oversize", "    max_response_bytes: 1048576\n",
		  "response larger than 1048576 bytes" },
		{ "doctype", NULL, "XML with a DOCTYPE declaration rejected" },
	};
	struct e2e	*e = *state;
	struct lookup	 lookup;
	void		*ld;
	size_t		 i, k;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ld = configure_fake(e, "LANDESK_TEST_PASSWORD",
		    cases[i].settings);
		assert_int_equal(set_mode(e, cases[i].mode), 0);
		run_lookup(e->fetcher, ld, LOOKUP_EMAIL,
		    "dev.raman@example.com", &lookup);
		assert_int_equal(set_mode(e, "normal"), 0);

		if (lookup.error_count == 0)
			fail_msg("mode %s: no error", cases[i].mode);
		assert_int_equal(lookup.records.count, 0);
		for (k = 0; k < lookup.error_count; k++) {
			assert_string_equal(lookup.errors[k].source, "landesk");
			assert_null(strstr(lookup.errors[k].message,
			    TEST_PASSWORD));
			assert_null(strstr(lookup.errors[k].message,
			    "svc-stethoscope"));
		}
		if (strstr(lookup.errors[0].message, cases[i].expected) == NULL)
			fail_msg("mode %s: expected \"%s\", got \"%s\"",
			    cases[i].mode, cases[i].expected,
			    lookup.errors[0].message);
		lookup_clear(&lookup);
		landesk_source.free(ld);
	}
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest unit[] = {
		cmocka_unit_test(test_dev_record),
		cmocka_unit_test(test_kiosk_traps),
		cmocka_unit_test(test_lab_encrypted_no_scan),
		cmocka_unit_test(test_bitlocker_states),
		cmocka_unit_test(test_screensaver_details),
		cmocka_unit_test(test_dates_and_zones),
		cmocka_unit_test(test_machine_list),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_configured_columns),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_settings_valid),
		cmocka_unit_test(test_settings_errors),
		cmocka_unit_test(test_source_table),
	};
	const struct CMUnitTest e2e[] = {
		cmocka_unit_test(test_e2e_dev_by_email),
		cmocka_unit_test(test_e2e_by_serial_and_mac),
		cmocka_unit_test(test_e2e_login_filter),
		cmocka_unit_test(test_e2e_nobody_found),
		cmocka_unit_test(test_e2e_wrong_password),
		cmocka_unit_test(test_e2e_unknown_column_set),
		cmocka_unit_test(test_e2e_misbehaviour),
	};
	int	 rc;

	(void)argc;
	argv0 = argv[0];
	unsetenv("TZ");
	xmlInitParser();
	curl_global_init(CURL_GLOBAL_DEFAULT);
	log_set_level(LOG_LEVEL_NONE);
	rc = cmocka_run_group_tests_name("landesk parsing and settings", unit,
	    NULL, NULL);
	rc += cmocka_run_group_tests_name("landesk end to end", e2e,
	    e2e_setup, e2e_teardown);
	curl_global_cleanup();
	return rc;
}
