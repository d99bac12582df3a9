/* Device records: platform names and spellings, lookups, appends and freeing. */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "device.h"
#include "xalloc.h"

#define COUNT(a)	(sizeof(a) / sizeof((a)[0]))

static void
platform_names_all(void **state)
{
	static const struct {
		enum platform	 platform;
		const char	*name;
	} cases[] = {
		{ PLATFORM_UNKNOWN,	"unknown" },
		{ PLATFORM_MAC,		"Mac" },
		{ PLATFORM_WINDOWS,	"Windows" },
		{ PLATFORM_LINUX,	"Linux" },
		{ PLATFORM_IOS,		"iOS" },
		{ PLATFORM_ANDROID,	"Android" },
		{ PLATFORM_CHROMEOS,	"ChromeOS" },
		{ PLATFORM__MAX,	"unknown" },
		{ (enum platform)-1,	"unknown" },
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < COUNT(cases); i++)
		assert_string_equal(platform_name(cases[i].platform),
		    cases[i].name);
}

static void
platform_parse_spellings(void **state)
{
	static const struct {
		const char	*name;
		enum platform	 platform;
	} cases[] = {
		{ "Mac",		PLATFORM_MAC },
		{ "mac",		PLATFORM_MAC },
		{ "macOS",		PLATFORM_MAC },
		{ "MacOS",		PLATFORM_MAC },
		{ "Mac OS X",		PLATFORM_MAC },
		{ "mac-os-x",		PLATFORM_MAC },
		{ "OS X",		PLATFORM_MAC },
		{ "darwin",		PLATFORM_MAC },
		{ "windows",		PLATFORM_WINDOWS },
		{ "Windows",		PLATFORM_WINDOWS },
		{ "Microsoft Windows",	PLATFORM_WINDOWS },
		{ "Linux",		PLATFORM_LINUX },
		{ "ubuntu",		PLATFORM_LINUX },
		{ "rhel",		PLATFORM_LINUX },
		{ "iOS",		PLATFORM_IOS },
		{ "IOS",		PLATFORM_IOS },
		{ "iPadOS",		PLATFORM_IOS },
		{ "Android",		PLATFORM_ANDROID },
		{ "ANDROID",		PLATFORM_ANDROID },
		{ "ChromeOS",		PLATFORM_CHROMEOS },
		{ "Chrome OS",		PLATFORM_CHROMEOS },
		{ "chromeos",		PLATFORM_CHROMEOS },
		{ " Chromium OS ",	PLATFORM_CHROMEOS },
	};
	enum platform	 p;
	size_t		 i;

	(void)state;
	for (i = 0; i < COUNT(cases); i++) {
		p = PLATFORM_UNKNOWN;
		if (platform_parse(cases[i].name, &p) != 0)
			fail_msg("rejected \"%s\"", cases[i].name);
		assert_int_equal(p, cases[i].platform);
	}
}

static void
platform_parse_rejects(void **state)
{
	static const char *const cases[] = {
		"",
		"unknown",
		"Amiga",
		"macintosh",
		"Windows Phone",
		"Mac OS X Server with a very long name indeed",
	};
	enum platform	 p = PLATFORM_LINUX;
	size_t		 i;

	(void)state;
	for (i = 0; i < COUNT(cases); i++)
		if (platform_parse(cases[i], &p) != -1)
			fail_msg("accepted \"%s\"", cases[i]);
	assert_int_equal(platform_parse(NULL, &p), -1);
	assert_int_equal(p, PLATFORM_LINUX);
}

static void
list_add_and_free(void **state)
{
	struct device_list	 list = { NULL, 0, 0 };
	struct device_record	*rec;
	const struct observation *obs;
	size_t			 i;
	char			 name[32];

	(void)state;
	for (i = 0; i < 100; i++) {
		rec = device_list_add(&list);
		assert_null(rec->source);
		assert_int_equal(rec->observation_count, 0);
		snprintf(name, sizeof(name), "device-%zu", i);
		rec->name = xstrdup(name);
		rec->source = xstrdup("jamf");
	}
	assert_int_equal(list.count, 100);
	assert_string_equal(list.items[0].name, "device-0");
	assert_string_equal(list.items[99].name, "device-99");

	rec = &list.items[7];
	for (i = 0; i < 9; i++)
		device_record_add_mac(rec, "00:1C:42:2E:60:4A");
	device_record_add_observation(rec, "encryption", OBSERVED_TRUE,
	    "FileVault on", 1000);
	device_record_add_observation(rec, "firewall", OBSERVED_FALSE, NULL, 0);
	for (i = 0; i < 20; i++)
		device_record_add_software(rec, "Firefox", i % 2 ? "128.0" : NULL);
	device_record_add_service(rec, "sshd");

	assert_int_equal(rec->ids.mac_count, 9);
	assert_int_equal(rec->software_count, 20);
	assert_null(rec->software[0].version);
	assert_string_equal(rec->software[1].version, "128.0");
	assert_int_equal(rec->service_count, 1);

	obs = device_observation(rec, "firewall");
	assert_non_null(obs);
	assert_int_equal(obs->value, OBSERVED_FALSE);
	assert_null(obs->details);
	obs = device_observation(rec, "encryption");
	assert_non_null(obs);
	assert_string_equal(obs->details, "FileVault on");
	assert_int_equal(obs->observed_at, 1000);
	assert_null(device_observation(rec, "autoupdate"));
	assert_null(device_observation(&list.items[0], "encryption"));

	device_list_free(&list);
	assert_null(list.items);
	assert_int_equal(list.count, 0);
	device_list_free(NULL);
	device_record_free(NULL);
	merged_list_free(NULL);
}

/* Arrays allocated to their exact size by hand still grow safely. */
static void
append_to_hand_built_arrays(void **state)
{
	struct device_record	 rec;

	(void)state;
	memset(&rec, 0, sizeof(rec));
	rec.ids.macs = xmalloc(sizeof(rec.ids.macs[0]));
	rec.ids.macs[0] = xstrdup("00:1C:42:2E:60:4A");
	rec.ids.mac_count = 1;
	device_record_add_mac(&rec, "00:1C:42:2E:60:4B");
	device_record_add_mac(&rec, "00:1C:42:2E:60:4C");
	assert_int_equal(rec.ids.mac_count, 3);
	assert_string_equal(rec.ids.macs[2], "00:1C:42:2E:60:4C");

	rec.services = xmalloc(sizeof(rec.services[0]));
	rec.services[0] = xstrdup("sshd");
	rec.service_count = 1;
	device_record_add_service(&rec, "cron");
	assert_string_equal(rec.services[1], "cron");

	device_record_free(&rec);
	assert_null(rec.ids.macs);
	assert_int_equal(rec.service_count, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(platform_names_all),
		cmocka_unit_test(platform_parse_spellings),
		cmocka_unit_test(platform_parse_rejects),
		cmocka_unit_test(list_add_and_free),
		cmocka_unit_test(append_to_hand_built_arrays),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
