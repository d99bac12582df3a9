/* Identifiers: MAC address forms and classes, placeholder serials, normalizing. */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "identifier.h"

#define COUNT(a)	(sizeof(a) / sizeof((a)[0]))

static void
mac_forms_accepted(void **state)
{
	static const struct {
		const char	*in;
		const char	*out;
	} cases[] = {
		/* colons, any case */
		{ "aa:bb:cc:dd:ee:ff",		"AA:BB:CC:DD:EE:FF" },
		{ "AA:BB:CC:DD:EE:FF",		"AA:BB:CC:DD:EE:FF" },
		{ "aA:Bb:cC:dD:eE:fF",		"AA:BB:CC:DD:EE:FF" },
		/* one-digit octets, as macOS prints them */
		{ "0:1c:42:a:b:c",		"00:1C:42:0A:0B:0C" },
		/* dashes */
		{ "aa-bb-cc-dd-ee-ff",		"AA:BB:CC:DD:EE:FF" },
		{ "00-1C-42-2E-60-4A",		"00:1C:42:2E:60:4A" },
		/* dotted groups of four */
		{ "aabb.ccdd.eeff",		"AA:BB:CC:DD:EE:FF" },
		{ "001C.422E.604A",		"00:1C:42:2E:60:4A" },
		/* bare */
		{ "aabbccddeeff",		"AA:BB:CC:DD:EE:FF" },
		{ "001C422E604A",		"00:1C:42:2E:60:4A" },
		/* surrounding spaces */
		{ "  00:1c:42:2e:60:4a\t",	"00:1C:42:2E:60:4A" },
		/* 7 octets */
		{ "00:11:22:33:44:55:66",	"00:11:22:33:44:55:66" },
		{ "00-11-22-33-44-55-66",	"00:11:22:33:44:55:66" },
		{ "00112233445566",		"00:11:22:33:44:55:66" },
		/* 8 octets */
		{ "00:11:22:33:44:55:66:77",	"00:11:22:33:44:55:66:77" },
		{ "0011.2233.4455.6677",	"00:11:22:33:44:55:66:77" },
		{ "0011223344556677",		"00:11:22:33:44:55:66:77" },
	};
	char	 out[MAC_CANONICAL_SIZE];
	size_t	 i;

	(void)state;
	for (i = 0; i < COUNT(cases); i++) {
		memset(out, 'x', sizeof(out));
		if (mac_canonicalize(cases[i].in, out, sizeof(out)) != 0)
			fail_msg("rejected \"%s\"", cases[i].in);
		assert_string_equal(out, cases[i].out);
	}
}

static void
mac_forms_rejected(void **state)
{
	static const char *const cases[] = {
		"",
		"   ",
		"00:11:22:33:44",			/* 5 octets */
		"00:11:22:33:44:55:66:77:88",		/* 9 octets */
		"0011223344",				/* 10 digits */
		"0011223344556",			/* odd count */
		"001122334455667788",			/* 9 octets bare */
		"00:11:22:33:44:5g",			/* not hex */
		"00:11:22-33:44:55",			/* mixed separators */
		"00:11:22:33:44:55:",			/* trailing separator */
		":00:11:22:33:44:55",			/* leading separator */
		"00::11:22:33:44:55",			/* empty octet */
		"001:12:23:34:45:56",			/* three digits */
		"aabb.ccdd.ee",				/* short group */
		"aabb.ccdd",				/* 4 octets */
		"aabb.ccdd.eeff.0011.2233",		/* 10 octets */
		"0011.2233.4455.66",			/* dotted 7 octets */
		"aabbcc.ddeeff",			/* groups of six */
		"aa bb cc dd ee ff",			/* spaces inside */
		"00:11:22:33:44:55 x",
		"00_11_22_33_44_55",
		"00:11:22:33:44:55\n66",
	};
	char	 out[MAC_CANONICAL_SIZE];
	size_t	 i;

	(void)state;
	for (i = 0; i < COUNT(cases); i++)
		if (mac_canonicalize(cases[i], out, sizeof(out)) != -1)
			fail_msg("accepted \"%s\" as %s", cases[i], out);
	assert_int_equal(mac_canonicalize(NULL, out, sizeof(out)), -1);
}

static void
mac_output_size(void **state)
{
	char	 out[MAC_CANONICAL_SIZE];

	(void)state;
	assert_int_equal(mac_canonicalize("00:11:22:33:44:55", out, 17), -1);
	assert_int_equal(mac_canonicalize("00:11:22:33:44:55", out, 18), 0);
	assert_string_equal(out, "00:11:22:33:44:55");
	assert_int_equal(mac_canonicalize("0011223344556677", out, 23), -1);
	assert_int_equal(mac_canonicalize("0011223344556677", out, 24), 0);
	assert_string_equal(out, "00:11:22:33:44:55:66:77");
}

static void
mac_usable_classes(void **state)
{
	static const struct {
		const char	*mac;
		const char	*reason;	/* NULL: usable */
	} cases[] = {
		{ "00:1C:42:2E:60:4A",		NULL },
		{ "AC:DE:48:00:11:22",		NULL },
		{ "F0:18:98:00:00:01",		NULL },
		{ "00:11:22:33:44:55:66",	NULL },
		{ "00:11:22:33:44:55:66:77",	NULL },
		{ "02:00:00:00:00:01",		"locally administered" },
		{ "A6:83:E7:12:34:56",		"locally administered" },
		{ "DA:A1:19:00:00:01",		"locally administered" },
		{ "0A:00:27:00:00:00",		"locally administered" },
		{ "01:00:5E:00:00:FB",		"group" },
		{ "33:33:00:00:00:01",		"group" },
		{ "03:00:00:00:00:01",		"group" },
		{ "FF:FF:FF:FF:FF:FF",		"broadcast" },
		{ "FF:FF:FF:FF:FF:FF:FF:FF",	"broadcast" },
		{ "00:00:00:00:00:00",		"all-zero" },
		{ "00:00:00:00:00:00:00",	"all-zero" },
		{ "00:00:00:00:00:00:00:00",	"all-zero" },
		{ "aa:bb:cc:dd:ee:ff",		"not in canonical form" },
		{ "00-1C-42-2E-60-4A",		"not in canonical form" },
		{ "001C422E604A",		"not in canonical form" },
		{ "00:1C:42:2E:60",		"not in canonical form" },
		{ "00:1C:42:2E:60:4A:00:11:22",	"not in canonical form" },
		{ "00:1C:42:2E:60:4",		"not in canonical form" },
		{ "",				"not in canonical form" },
	};
	const char	*reason;
	size_t		 i;

	(void)state;
	for (i = 0; i < COUNT(cases); i++) {
		reason = mac_unusable_reason(cases[i].mac);
		if (cases[i].reason == NULL) {
			if (reason != NULL)
				fail_msg("%s: %s", cases[i].mac, reason);
			assert_int_equal(mac_usable(cases[i].mac), 1);
			continue;
		}
		if (reason == NULL)
			fail_msg("%s: expected %s", cases[i].mac, cases[i].reason);
		assert_string_equal(reason, cases[i].reason);
		assert_int_equal(mac_usable(cases[i].mac), 0);
	}
	assert_string_equal(mac_unusable_reason(NULL), "not in canonical form");
	assert_int_equal(mac_usable(NULL), 0);
}

static void
serial_placeholders(void **state)
{
	static const char *const cases[] = {
		"",
		"   ",
		"0",
		"Not Available",
		"NOT AVAILABLE",
		"  not available  ",
		"Not Specified",
		"None",
		"N/A",
		"n/a",
		"NA",
		"To be filled by O.E.M.",
		"To Be Filled By O.E.M",
		"TO BE FILLED BY OEM",
		"System Serial Number",
		"Default string",
		"Default String",
		"0123456789",
		"123456789",
		"1234567890",
		"Chassis Serial Number",
		"Base Board Serial Number",
		"Unknown",
		"UNKNOWN",
		"Invalid",
		"0000000000",
		"00000000000000000000",
		"Serial Number",
		"SerialNumber",
		"O.E.M.",
		"OEM",
		"Not Applicable",
		"Null",
		"-",
		"--",
		"...",
		"XXXXXXXXXX",
		"xxxxxxx",
		"1111111",
		"0-0-0-0",
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < COUNT(cases); i++)
		if (serial_usable(cases[i]) != 0)
			fail_msg("\"%s\" counted as a real serial", cases[i]);
	assert_int_equal(serial_usable(NULL), 0);
}

static void
serial_real_values(void **state)
{
	static const char *const cases[] = {
		"C02XK1ZPJGH5",
		"FVFZQ2ABCDEF",
		"PF1ABCDE",
		"5CG1234XYZ",
		"R58M123ABC",
		"HT7A1JT01234",
		"00000000001",
		"1234567891",
		"Not Available 2",
		"VMware-56 4d 1a 2b 3c 4d 5e 6f-70 81 92 a3 b4 c5 d6 e7",
		"0000000000000000000000000000000000000000000000000000000000000000001",
		"AB",
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < COUNT(cases); i++)
		if (serial_usable(cases[i]) != 1)
			fail_msg("\"%s\" counted as a placeholder", cases[i]);
}

static void
normalize_cases(void **state)
{
	static const struct {
		enum identifier_kind	 kind;
		const char		*in;
		enum identifier_status	 status;
		const char		*out;	/* checked when status is OK */
	} cases[] = {
		{ IDENTIFIER_SERIAL,	"  c02xk1zpjgh5 ", IDENTIFIER_OK, "C02XK1ZPJGH5" },
		{ IDENTIFIER_SERIAL,	"N/A",		IDENTIFIER_NOT_UNIQUE, NULL },
		{ IDENTIFIER_SERIAL,	"0000000",	IDENTIFIER_NOT_UNIQUE, NULL },
		{ IDENTIFIER_SERIAL,	"",		IDENTIFIER_EMPTY, NULL },
		{ IDENTIFIER_SERIAL,	"  ",		IDENTIFIER_EMPTY, NULL },
		{ IDENTIFIER_SERIAL,	NULL,		IDENTIFIER_EMPTY, NULL },
		{ IDENTIFIER_SERIAL,	"C02\x01XK",	IDENTIFIER_INVALID, NULL },
		{ IDENTIFIER_UDID,	" 00008030-001a2b3c4d5e802e ", IDENTIFIER_OK,
		    "00008030-001A2B3C4D5E802E" },
		{ IDENTIFIER_UDID,	"",		IDENTIFIER_EMPTY, NULL },
		{ IDENTIFIER_IMEI,	"35 209900 176148 1", IDENTIFIER_OK,
		    "352099001761481" },
		{ IDENTIFIER_IMEI,	"35-209900-176148-1", IDENTIFIER_OK,
		    "352099001761481" },
		{ IDENTIFIER_IMEI,	"35.209900.176148/1", IDENTIFIER_OK,
		    "352099001761481" },
		{ IDENTIFIER_IMEI,	"35209900176148", IDENTIFIER_OK,
		    "35209900176148" },
		{ IDENTIFIER_IMEI,	"3520990017614812", IDENTIFIER_OK,
		    "3520990017614812" },
		{ IDENTIFIER_IMEI,	"3520990017614", IDENTIFIER_INVALID, NULL },
		{ IDENTIFIER_IMEI,	"35209900176148123", IDENTIFIER_INVALID, NULL },
		{ IDENTIFIER_IMEI,	"35209900176148A", IDENTIFIER_INVALID, NULL },
		{ IDENTIFIER_IMEI,	"000000000000000", IDENTIFIER_NOT_UNIQUE, NULL },
		{ IDENTIFIER_IMEI,	" ",		IDENTIFIER_EMPTY, NULL },
		{ IDENTIFIER_MEID,	"a10000094c2b1e", IDENTIFIER_OK,
		    "A10000094C2B1E" },
		{ IDENTIFIER_MEID,	"A1 000009 4C2B1E", IDENTIFIER_OK,
		    "A10000094C2B1E" },
		{ IDENTIFIER_MEID,	"270113177609606264", IDENTIFIER_OK,
		    "270113177609606264" },
		{ IDENTIFIER_MEID,	"A1000009",	IDENTIFIER_INVALID, NULL },
		{ IDENTIFIER_MEID,	"A10000094C2B1G", IDENTIFIER_INVALID, NULL },
		{ IDENTIFIER_MEID,	"FFFFFFFFFFFFFF", IDENTIFIER_NOT_UNIQUE, NULL },
		{ IDENTIFIER_SOURCE_ID,	" 1234 ",	IDENTIFIER_OK, "1234" },
		{ IDENTIFIER_SOURCE_ID,	"AbC-def",	IDENTIFIER_OK, "AbC-def" },
		{ IDENTIFIER_SOURCE_ID,	"",		IDENTIFIER_EMPTY, NULL },
		{ IDENTIFIER_MAC,	"00-1c-42-2e-60-4a", IDENTIFIER_OK,
		    "00:1C:42:2E:60:4A" },
		{ IDENTIFIER_MAC,	"02:00:00:00:00:01", IDENTIFIER_NOT_UNIQUE, NULL },
		{ IDENTIFIER_MAC,	"ff:ff:ff:ff:ff:ff", IDENTIFIER_NOT_UNIQUE, NULL },
		{ IDENTIFIER_MAC,	"zz",		IDENTIFIER_INVALID, NULL },
		{ IDENTIFIER_MAC,	"",		IDENTIFIER_EMPTY, NULL },
		{ IDENTIFIER__MAX,	"x",		IDENTIFIER_INVALID, NULL },
	};
	char			 out[IDENTIFIER_MAX_LEN + 1];
	enum identifier_status	 status;
	size_t			 i;

	(void)state;
	for (i = 0; i < COUNT(cases); i++) {
		status = identifier_normalize(cases[i].kind, cases[i].in, out,
		    sizeof(out));
		if (status != cases[i].status)
			fail_msg("case %zu (\"%s\"): status %d, expected %d", i,
			    cases[i].in ? cases[i].in : "(null)", status,
			    cases[i].status);
		if (status == IDENTIFIER_OK)
			assert_string_equal(out, cases[i].out);
	}
}

static void
normalize_lengths(void **state)
{
	char	 in[IDENTIFIER_MAX_LEN + 2], out[IDENTIFIER_MAX_LEN + 1];
	char	 small[4];

	(void)state;
	memset(in, 'A', sizeof(in) - 1);
	in[0] = 'B';
	in[IDENTIFIER_MAX_LEN] = '\0';
	assert_int_equal(identifier_normalize(IDENTIFIER_SOURCE_ID, in, out,
	    sizeof(out)), IDENTIFIER_OK);
	assert_int_equal(strlen(out), IDENTIFIER_MAX_LEN);

	in[IDENTIFIER_MAX_LEN] = 'A';
	in[IDENTIFIER_MAX_LEN + 1] = '\0';
	assert_int_equal(identifier_normalize(IDENTIFIER_SOURCE_ID, in, out,
	    sizeof(out)), IDENTIFIER_INVALID);

	assert_int_equal(identifier_normalize(IDENTIFIER_SERIAL, "ABCDEF",
	    small, sizeof(small)), IDENTIFIER_INVALID);
	assert_int_equal(identifier_normalize(IDENTIFIER_SERIAL, "ABC",
	    small, sizeof(small)), IDENTIFIER_OK);
	assert_string_equal(small, "ABC");
	assert_int_equal(identifier_normalize(IDENTIFIER_MAC,
	    "00:1c:42:2e:60:4a", small, sizeof(small)), IDENTIFIER_INVALID);
}

static void
names_for_messages(void **state)
{
	(void)state;
	assert_string_equal(identifier_kind_name(IDENTIFIER_SERIAL),
	    "serial number");
	assert_string_equal(identifier_kind_name(IDENTIFIER_MAC), "MAC address");
	assert_string_equal(identifier_kind_name(IDENTIFIER_SOURCE_ID),
	    "source id");
	assert_string_equal(identifier_kind_name(IDENTIFIER__MAX), "identifier");
	assert_string_equal(identifier_status_text(IDENTIFIER_NOT_UNIQUE),
	    "not unique");
	assert_string_equal(identifier_status_text(IDENTIFIER_INVALID),
	    "invalid");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mac_forms_accepted),
		cmocka_unit_test(mac_forms_rejected),
		cmocka_unit_test(mac_output_size),
		cmocka_unit_test(mac_usable_classes),
		cmocka_unit_test(serial_placeholders),
		cmocka_unit_test(serial_real_values),
		cmocka_unit_test(normalize_cases),
		cmocka_unit_test(normalize_lengths),
		cmocka_unit_test(names_for_messages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
