/*
 * Tests for the practices rules table: every loader error with its
 * position, every status path of every rule kind, the sorted verdict, and
 * the shipped etc/practices.yaml. Run from the repository root.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "device.h"
#include "diag.h"
#include "practices.h"
#include "xalloc.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define MAX_EXPECTED	8

#define SHIPPED_FILE	"etc/practices.yaml"

/* --- helpers ------------------------------------------------------------- */

static int
load_text(const char *text, struct practices **out, struct diag_list *diags)
{
	return practices_load_buffer("p.yaml", text, strlen(text), out, diags);
}

/* Format a diagnostic as "LINE:COLUMN: message" for comparison. */
static char *
format_diag(const struct diag *d)
{
	struct buf	 b = BUF_INIT;

	buf_printf(&b, "%d:%d: %s", d->line, d->column, d->message);
	return buf_detach(&b);
}

static void
assert_diags(const struct diag_list *diags, const char *const *expected)
{
	size_t	 i, n;
	char	*got;

	for (n = 0; n < MAX_EXPECTED && expected[n] != NULL; n++)
		;
	for (i = 0; diags->count != n && i < diags->count; i++) {
		got = format_diag(&diags->items[i]);
		print_message("got: %s\n", got);
		free(got);
	}
	assert_int_equal(diags->count, n);
	for (i = 0; i < n; i++) {
		assert_string_equal(diags->items[i].file, "p.yaml");
		got = format_diag(&diags->items[i]);
		assert_string_equal(got, expected[i]);
		free(got);
	}
}

/* --- loader errors ------------------------------------------------------- */

/* A valid observed practice on lines 2 to 6; a case adds lines from 7. */
#define HEAD	"practices:\n"
#define OBSERVED_P \
	"  - key: p\n" \
	"    kind: observed\n" \
	"    title: T\n" \
	"    description: D\n" \
	"    rating: low\n"
#define OS_VERSION_P \
	"  - key: p\n" \
	"    kind: os_version\n" \
	"    title: T\n" \
	"    description: D\n" \
	"    rating: low\n"
#define SOFTWARE_P \
	"  - key: p\n" \
	"    kind: software\n" \
	"    title: T\n" \
	"    description: D\n" \
	"    rating: low\n"

#define COMMON_KEYS "key, kind, title, description, directions, link, " \
	"rating, not_applicable, not_applicable_from, always_ok, " \
	"platform_required, status_if_missing, status_if_false"
#define PLATFORMS "expected one of: Mac, Windows, Linux, iOS, Android, ChromeOS"
#define BAD_VERSION "expected numbers separated by dots, such as \"15.7.3\""
#define BAD_LINK "7:11: practice \"p\": \"link\" must be an http:// or " \
	"https:// URL without spaces, not "

struct error_case {
	const char	*name;
	const char	*text;
	const char	*expected[MAX_EXPECTED + 1];
};

static const struct error_case error_cases[] = {
	/* Unknown keys list the keys of the practice's kind. */
	{ "unknown key observed", HEAD OBSERVED_P "    titel: x\n",
	    { "7:5: practice \"p\": unknown key \"titel\"; expected one of: "
	      COMMON_KEYS } },
	{ "unknown key os_version", HEAD OS_VERSION_P
	    "    required: {Mac: \"15\"}\n    minimum_version: {Mac: \"1\"}\n",
	    { "8:5: practice \"p\": unknown key \"minimum_version\"; expected "
	      "one of: " COMMON_KEYS ", required, recommended, unsupported" } },
	{ "unknown key software", HEAD SOFTWARE_P
	    "    applications: [a]\n    required: x\n",
	    { "8:5: practice \"p\": unknown key \"required\"; expected one of: "
	      COMMON_KEYS ", applications, services, minimum_version" } },
	{ "unknown top-level key", "version: 2\n" HEAD OBSERVED_P,
	    { "1:1: unknown key \"version\"; expected one of: practices" } },

	/* Wrong types and empty values. */
	{ "title list", HEAD "  - key: p\n    kind: observed\n    title: [a]\n"
	    "    description: D\n    rating: low\n",
	    { "4:12: practice \"p\": \"title\" must be a string or a mapping "
	      "of status to title, not a list" } },
	{ "description mapping", HEAD "  - key: p\n    kind: observed\n"
	    "    title: T\n    description: {a: b}\n    rating: low\n",
	    { "5:18: practice \"p\": \"description\" must be a string, not a "
	      "mapping" } },
	{ "description empty", HEAD "  - key: p\n    kind: observed\n"
	    "    title: T\n    description: \"\"\n    rating: low\n",
	    { "5:18: practice \"p\": \"description\" is empty; expected a "
	      "string" } },
	{ "description null", HEAD "  - key: p\n    kind: observed\n"
	    "    title: T\n    description: ~\n    rating: low\n",
	    { "5:18: practice \"p\": \"description\" is empty; expected a "
	      "string" } },
	{ "description with NUL", HEAD "  - key: p\n    kind: observed\n"
	    "    title: T\n    description: \"a\\0b\"\n    rating: low\n",
	    { "5:18: practice \"p\": \"description\" contains a NUL "
	      "character" } },
	{ "status_if_false list", HEAD OBSERVED_P
	    "    status_if_false: [warn]\n",
	    { "7:22: practice \"p\": \"status_if_false\" must be a status, not "
	      "a list" } },
	{ "platform_required yes", HEAD OBSERVED_P
	    "    platform_required: yes\n",
	    { "7:24: practice \"p\": \"platform_required\" must be true or "
	      "false" } },
	{ "platform_required quoted", HEAD OBSERVED_P
	    "    platform_required: \"true\"\n",
	    { "7:24: practice \"p\": \"platform_required\" must be true or "
	      "false" } },
	{ "directions scalar", HEAD OBSERVED_P "    directions: Open it\n",
	    { "7:17: practice \"p\": \"directions\" must be a mapping of "
	      "platform names such as Mac or Windows, not a scalar" } },
	{ "directions entry list", HEAD OBSERVED_P
	    "    directions: {Mac: [a]}\n",
	    { "7:23: practice \"p\": \"directions.Mac\" must be a string, not "
	      "a list" } },
	{ "not_applicable scalar", HEAD OBSERVED_P "    not_applicable: iOS\n",
	    { "7:21: practice \"p\": \"not_applicable\" must be a list of "
	      "platform names, not a scalar" } },
	{ "link scheme", HEAD OBSERVED_P "    link: ftp://x\n",
	    { BAD_LINK "\"ftp://x\"" } },
	{ "link script", HEAD OBSERVED_P "    link: javascript:alert(1)\n",
	    { BAD_LINK "\"javascript:alert(1)\"" } },
	{ "link space", HEAD OBSERVED_P "    link: \"https://a b\"\n",
	    { BAD_LINK "\"https://a b\"" } },

	/* Unknown rule kinds, statuses, ratings and platforms. */
	{ "unknown kind", HEAD "  - key: p\n    kind: check\n    title: T\n"
	    "    description: D\n    rating: low\n",
	    { "3:11: practice \"p\": unknown rule kind \"check\"; expected one "
	      "of: observed, os_version, software" } },
	{ "unknown kind, other keys", HEAD "  - key: p\n    kind: nope\n"
	    "    title: T\n    description: D\n    rating: low\n"
	    "    required: {Mac: \"1\"}\n    bogus: 1\n",
	    { "3:11: practice \"p\": unknown rule kind \"nope\"; expected one "
	      "of: observed, os_version, software",
	      "8:5: practice \"p\": unknown key \"bogus\"; expected one of: "
	      COMMON_KEYS } },
	{ "unknown status", HEAD OBSERVED_P "    status_if_missing: maybe\n",
	    { "7:24: practice \"p\": unknown status \"maybe\" in "
	      "\"status_if_missing\"; expected one of: warn, nudge, unknown, "
	      "ok, na" } },
	{ "status names are exact", HEAD OBSERVED_P "    status_if_false: OK\n",
	    { "7:22: practice \"p\": unknown status \"OK\" in "
	      "\"status_if_false\"; expected one of: warn, nudge, unknown, "
	      "ok, na" } },
	{ "unknown status in title", HEAD "  - key: p\n    kind: observed\n"
	    "    title: {ok: A, fine: B, default: C}\n"
	    "    description: D\n    rating: low\n",
	    { "4:20: practice \"p\": unknown status \"fine\" in \"title\"; "
	      "expected one of: warn, nudge, unknown, ok, na, default" } },
	{ "title missing statuses", HEAD "  - key: p\n    kind: observed\n"
	    "    title: {ok: A, warn: B}\n    description: D\n"
	    "    rating: low\n",
	    { "4:12: practice \"p\": \"title\" has no title for nudge, "
	      "unknown, na; add them or a \"default\"" } },
	{ "title entry empty", HEAD "  - key: p\n    kind: observed\n"
	    "    title: {default: A, ok: \"\"}\n    description: D\n"
	    "    rating: low\n",
	    { "4:29: practice \"p\": \"title.ok\" is empty; expected a "
	      "string" } },
	{ "unknown rating", HEAD "  - key: p\n    kind: observed\n"
	    "    title: T\n    description: D\n    rating: urgent\n",
	    { "6:13: practice \"p\": unknown rating \"urgent\" in \"rating\"; "
	      "expected one of: critical, high, medium, low" } },
	{ "unknown platform in directions", HEAD OBSERVED_P
	    "    directions: {Mac: a, Windoze: b}\n",
	    { "7:26: practice \"p\": unknown platform \"Windoze\" in "
	      "\"directions\"; " PLATFORMS } },
	{ "platform alias rejected", HEAD OBSERVED_P
	    "    not_applicable: [macOS]\n",
	    { "7:22: practice \"p\": unknown platform \"macOS\" in "
	      "\"not_applicable\"; " PLATFORMS } },
	{ "platform unknown rejected", HEAD OBSERVED_P
	    "    always_ok: [unknown]\n",
	    { "7:17: practice \"p\": unknown platform \"unknown\" in "
	      "\"always_ok\"; " PLATFORMS } },
	{ "platform twice in mapping", HEAD OBSERVED_P
	    "    directions: {Mac: a, mac: b}\n",
	    { "7:26: practice \"p\": platform Mac appears twice in "
	      "\"directions\"" } },
	{ "platform twice in list", HEAD OBSERVED_P
	    "    always_ok: [iOS, ios]\n",
	    { "7:22: practice \"p\": platform iOS is listed twice in "
	      "\"always_ok\"" } },
	{ "platform na and always ok", HEAD OBSERVED_P
	    "    not_applicable: [iOS]\n    always_ok: [iOS, Mac]\n",
	    { "8:16: practice \"p\": platform iOS is in both "
	      "\"not_applicable\" and \"always_ok\"" } },

	/* Practice keys. */
	{ "duplicate practice key", HEAD OBSERVED_P OBSERVED_P,
	    { "7:10: practice \"p\": duplicate practice key \"p\" (first "
	      "defined at 2:10)" } },
	{ "invalid practice key", HEAD "  - key: Disk\n    kind: observed\n"
	    "    title: T\n    description: D\n    rating: low\n",
	    { "2:10: practice 1: invalid practice key \"Disk\"; expected up to "
	      "64 lower-case letters, digits, \"_\" or \"-\", starting with a "
	      "letter" } },
	{ "practice key with digit first", HEAD "  - key: 2fa\n"
	    "    kind: observed\n    title: T\n    description: D\n"
	    "    rating: low\n",
	    { "2:10: practice 1: invalid practice key \"2fa\"; expected up to "
	      "64 lower-case letters, digits, \"_\" or \"-\", starting with a "
	      "letter" } },
	{ "practice key too long", HEAD "  - key: "
	    "a12345678901234567890123456789012345678901234567890"
	    "12345678901234\n"
	    "    kind: observed\n    title: T\n    description: D\n"
	    "    rating: low\n",
	    { "2:10: practice 1: invalid practice key \"a1234567890123456789"
	      "01234567890123456789012345678901234567890123...\"; expected up "
	      "to 64 lower-case letters, digits, \"_\" or \"-\", starting "
	      "with a letter" } },

	/* Missing required settings. */
	{ "missing everything but kind", HEAD "  - kind: observed\n",
	    { "2:5: practice 1: missing required key \"key\"",
	      "2:5: practice 1: missing required key \"title\"",
	      "2:5: practice 1: missing required key \"description\"",
	      "2:5: practice 1: missing required key \"rating\"" } },
	{ "missing kind", HEAD "  - key: p\n    title: T\n    description: D\n"
	    "    rating: low\n",
	    { "2:5: practice \"p\": missing required key \"kind\"" } },

	/* Versions. */
	{ "bad versions", HEAD OS_VERSION_P
	    "    required:\n"
	    "      Mac: \"15.x\"\n"
	    "      Windows: v10\n"
	    "      iOS: 17.1 beta\n"
	    "      Android: \".\"\n"
	    "      Linux: []\n"
	    "      ChromeOS: {a: 1}\n",
	    { "8:12: practice \"p\": invalid version \"15.x\" in "
	      "\"required.Mac\"; " BAD_VERSION,
	      "9:16: practice \"p\": invalid version \"v10\" in "
	      "\"required.Windows\"; " BAD_VERSION,
	      "10:12: practice \"p\": invalid version \"17.1 beta\" in "
	      "\"required.iOS\"; " BAD_VERSION,
	      "11:16: practice \"p\": invalid version \".\" in "
	      "\"required.Android\"; " BAD_VERSION,
	      "12:14: practice \"p\": \"required.Linux\" is an empty list; "
	      "expected a version or a list of versions",
	      "13:17: practice \"p\": \"required.ChromeOS\" must be a version "
	      "or a list of versions, not a mapping" } },
	{ "bad version in list", HEAD OS_VERSION_P
	    "    recommended: {Mac: [\"26.2\", \"26.x\"]}\n",
	    { "7:33: practice \"p\": invalid version \"26.x\" in "
	      "\"recommended.Mac\"; " BAD_VERSION } },
	{ "bad version with spaces", HEAD OS_VERSION_P
	    "    recommended: {Mac: \" 26.2\"}\n",
	    { "7:24: practice \"p\": invalid version \" 26.2\" in "
	      "\"recommended.Mac\"; " BAD_VERSION } },
	{ "bad minimum version", HEAD SOFTWARE_P
	    "    applications: [a]\n    minimum_version: {Mac: 7.1.}\n",
	    { "8:28: practice \"p\": invalid version \"7.1.\" in "
	      "\"minimum_version.Mac\"; " BAD_VERSION } },
	{ "bad not_applicable_from", HEAD OBSERVED_P
	    "    not_applicable_from: {Android: eight}\n",
	    { "7:36: practice \"p\": invalid version \"eight\" in "
	      "\"not_applicable_from.Android\"; " BAD_VERSION } },
	{ "version component too big", HEAD OS_VERSION_P
	    "    required: {Mac: \"18446744073709551616\"}\n",
	    { "7:21: practice \"p\": invalid version \"18446744073709551616\" "
	      "in \"required.Mac\"; " BAD_VERSION } },

	/* os_version and software settings. */
	{ "os_version without settings", HEAD OS_VERSION_P,
	    { "2:5: practice \"p\": an os_version practice needs at least one "
	      "of \"required\", \"recommended\" or \"unsupported\"" } },
	{ "unsupported entries", HEAD OS_VERSION_P
	    "    unsupported:\n"
	    "      - platform: Mac\n"
	    "        foo: 1\n"
	    "      - platform: Windoze\n"
	    "        below: \"10\"\n"
	    "        release: X\n"
	    "      - Windows 7\n"
	    "      - {release: Y, below: \"1\"}\n",
	    { "9:9: practice \"p\": unknown key \"foo\" in \"unsupported[1]\"; "
	      "expected one of: platform, release, version, below, os_name",
	      "8:9: practice \"p\": \"unsupported[1]\" has no \"release\"; "
	      "expected the name people know the release by, such as "
	      "\"Windows 10\"",
	      "8:9: practice \"p\": \"unsupported[1]\" matches every Mac "
	      "device; add \"version\", \"below\" or \"os_name\"",
	      "10:19: practice \"p\": unknown platform \"Windoze\" in "
	      "\"unsupported[2].platform\"; " PLATFORMS,
	      "13:9: practice \"p\": \"unsupported[3]\" must be a mapping with "
	      "platform, release and version, below or os_name, not a scalar",
	      "14:9: practice \"p\": \"unsupported[4]\" has no "
	      "\"platform\"" } },
	{ "unsupported scalar", HEAD OS_VERSION_P "    unsupported: all\n",
	    { "7:18: practice \"p\": \"unsupported\" must be a list of "
	      "releases, not a scalar" } },
	{ "software without names", HEAD SOFTWARE_P,
	    { "2:5: practice \"p\": a software practice needs "
	      "\"applications\" or \"services\"" } },
	{ "software empty lists", HEAD SOFTWARE_P
	    "    applications: []\n    services: []\n",
	    { "7:19: practice \"p\": \"applications\" and \"services\" name no "
	      "software; expected at least one name" } },
	{ "software empty name", HEAD SOFTWARE_P
	    "    applications: [a, \"\"]\n",
	    { "7:23: practice \"p\": \"applications[2]\" is empty; expected a "
	      "name" } },
	{ "software services mapping", HEAD SOFTWARE_P
	    "    services: {a: b}\n",
	    { "7:15: practice \"p\": \"services\" must be a list of names, not "
	      "a mapping" } },

	/* The shape of the file. */
	{ "empty file", "",
	    { "1:1: empty file; expected a mapping with a \"practices\" "
	      "list" } },
	{ "only comments", "# nothing yet\n",
	    { "1:1: empty file; expected a mapping with a \"practices\" "
	      "list" } },
	{ "top level list", "- a\n",
	    { "1:1: the top level must be a mapping with a \"practices\" list, "
	      "not a list" } },
	{ "missing practices", "other: 1\n",
	    { "1:1: unknown key \"other\"; expected one of: practices",
	      "1:1: missing required key \"practices\"" } },
	{ "practices scalar", "practices: all\n",
	    { "1:12: \"practices\" must be a list, not a scalar" } },
	{ "practices null", "practices:\n",
	    { "1:11: \"practices\" must be a list, not empty" } },
	{ "practices empty list", "practices: []\n",
	    { "1:12: \"practices\" is an empty list; expected at least one "
	      "practice" } },
	{ "practice not a mapping", "practices:\n  - encryption\n",
	    { "2:5: practice 1 must be a mapping, not a scalar" } },

	/* Problems that yaml_tree finds. */
	{ "duplicate mapping key", HEAD OBSERVED_P "    title: U\n",
	    { "7:5: duplicate key \"title\" (first defined at 4:5)" } },
	{ "anchor", HEAD OBSERVED_P "    link: &a https://x\n",
	    { "7:11: anchors and aliases are not supported" } },
	{ "alias", HEAD OBSERVED_P "    directions: {Mac: &d x, iOS: *d}\n",
	    { "7:23: anchors and aliases are not supported",
	      "7:34: anchors and aliases are not supported" } },
	{ "two documents", HEAD OBSERVED_P "---\npractices: []\n",
	    { "7:1: a second YAML document starts here; the file must contain "
	      "only one" } },

	/* Every problem in a file is reported, in file order. */
	{ "errors collected", HEAD
	    "  - key: a\n    kind: observed\n    title: T\n    description: D\n"
	    "    rating: top\n"
	    "  - key: b\n    kind: observed\n    title: T\n    description: D\n"
	    "    rating: low\n    link: nope\n"
	    "  - key: a\n    kind: software\n    title: T\n    description: D\n"
	    "    rating: low\n    services: [x]\n"
	    "extra: 1\n",
	    { "6:13: practice \"a\": unknown rating \"top\" in \"rating\"; "
	      "expected one of: critical, high, medium, low",
	      "12:11: practice \"b\": \"link\" must be an http:// or https:// "
	      "URL without spaces, not \"nope\"",
	      "13:10: practice \"a\": duplicate practice key \"a\" (first "
	      "defined at 2:10)",
	      "19:1: unknown key \"extra\"; expected one of: practices" } },
};

static void
test_load_errors(void **state)
{
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct practices	*table;
	size_t			 i;

	(void)state;
	for (i = 0; i < NELEM(error_cases); i++) {
		const struct error_case *c = &error_cases[i];

		print_message("case: %s\n", c->name);
		table = (struct practices *)1;
		assert_int_equal(load_text(c->text, &table, &diags), -1);
		assert_null(table);
		assert_diags(&diags, c->expected);
		diag_clear(&diags);
	}
}

/* Add levels of "[" after "practices: " so the tree has depth + 1 levels. */
static char *
nested_lists(int depth)
{
	struct buf	 b = BUF_INIT;
	int		 i;

	buf_puts(&b, "practices: ");
	for (i = 0; i < depth; i++)
		buf_putc(&b, '[');
	for (i = 0; i < depth; i++)
		buf_putc(&b, ']');
	buf_putc(&b, '\n');
	return buf_detach(&b);
}

static void
test_load_depth_limit(void **state)
{
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct practices	*table;
	char			*text;

	(void)state;

	/* 16 levels load as a tree; the loader then wants a mapping. */
	text = nested_lists(15);
	assert_int_equal(load_text(text, &table, &diags), -1);
	assert_int_equal(diags.count, 1);
	assert_string_equal(diags.items[0].message,
	    "practice 1 must be a mapping, not a list");
	diag_clear(&diags);
	free(text);

	text = nested_lists(16);
	assert_int_equal(load_text(text, &table, &diags), -1);
	assert_int_equal(diags.count, 1);
	assert_int_equal(diags.items[0].line, 1);
	assert_int_equal(diags.items[0].column, 27);
	assert_string_equal(diags.items[0].message,
	    "nesting deeper than 16 levels");
	diag_clear(&diags);
	free(text);
}

static void
test_load_size_limit(void **state)
{
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct practices	*table;
	char			*text;
	size_t			 len = PRACTICES_MAX_FILE_BYTES + 1;

	(void)state;
	text = xmalloc(len + 1);
	memset(text, '#', len);
	text[len] = '\0';
	assert_int_equal(practices_load_buffer("p.yaml", text, len, &table,
	    &diags), -1);
	assert_null(table);
	assert_int_equal(diags.count, 1);
	assert_int_equal(diags.items[0].line, 0);
	assert_string_equal(diags.items[0].message,
	    "file is 1048577 bytes; the limit is 1048576");
	diag_clear(&diags);
	free(text);
}

static void
test_load_missing_file(void **state)
{
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct practices	*table;

	(void)state;
	assert_int_equal(practices_load("/nonexistent/practices.yaml", &table,
	    &diags), -1);
	assert_null(table);
	assert_int_equal(diags.count, 1);
	assert_string_equal(diags.items[0].file, "/nonexistent/practices.yaml");
	assert_int_equal(practices_check_file("/nonexistent/practices.yaml",
	    &diags), -1);
	assert_int_equal(diags.count, 2);
	diag_clear(&diags);
}

/* Earlier diagnostics from other loaders stay and do not fail this one. */
static void
test_load_keeps_earlier_diags(void **state)
{
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct practices	*table;

	(void)state;
	diag_add(&diags, "other.yaml", 1, 1, "earlier");
	assert_int_equal(load_text(HEAD OBSERVED_P, &table, &diags), 0);
	assert_non_null(table);
	assert_int_equal(diags.count, 1);
	practices_free(table);
	diag_clear(&diags);
}

/* --- evaluation ---------------------------------------------------------- */

static const char eval_yaml[] =
	"practices:\n"
	"  - key: encryption\n"
	"    kind: observed\n"
	"    title: {default: Encryption, ok: Encrypted, warn: Not encrypted,\n"
	"            nudge: Check encryption, na: Encryption n/a}\n"
	"    description: Keeps data private.\n"
	"    directions: {Mac: Turn on FileVault.,\n"
	"                 Windows: Turn on BitLocker.}\n"
	"    link: https://example.com/encryption\n"
	"    rating: critical\n"
	"    not_applicable: [iOS]\n"
	"    always_ok: [ChromeOS]\n"
	"  - key: firewall\n"
	"    kind: observed\n"
	"    title: Firewall\n"
	"    description: Blocks connections.\n"
	"    rating: high\n"
	"    status_if_missing: unknown\n"
	"    status_if_false: nudge\n"
	"    platform_required: true\n"
	"  - key: unknownsources\n"
	"    kind: observed\n"
	"    title: Unknown sources\n"
	"    description: Keeps out apps from elsewhere.\n"
	"    rating: high\n"
	"    not_applicable_from: {Android: \"8\"}\n"
	"  - key: uptodate\n"
	"    kind: os_version\n"
	"    title: {default: OS current, warn: OS out of date,\n"
	"            nudge: OS update available, unknown: OS version unknown}\n"
	"    description: Fixes known holes.\n"
	"    rating: critical\n"
	"    status_if_missing: warn\n"
	"    required:\n"
	"      Mac: [\"14.8.3\", \"15.7.3\", \"26.2\"]\n"
	"      Windows: \"10.0.26100\"\n"
	"      Android: \"14\"\n"
	"    recommended: {Mac: \"26.2\", Windows: \"10.0.26200\"}\n"
	"    unsupported:\n"
	"      - {platform: Mac, below: \"14\",\n"
	"         release: macOS 13 and earlier}\n"
	"      - {platform: Windows, os_name: \"Windows 7*\",\n"
	"         release: Windows 7}\n"
	"      - {platform: Windows, version: \"10.0.19045\",\n"
	"         release: Windows 10 22H2}\n"
	"      - {platform: Windows, version: \"10.0.26100\",\n"
	"         os_name: \"*Pro*\",\n"
	"         release: Windows 11 Pro 24H2}\n"
	"  - key: edr\n"
	"    kind: software\n"
	"    title: {default: EDR, nudge: EDR out of date}\n"
	"    description: Watches for attacks.\n"
	"    rating: high\n"
	"    applications: [Falcon.app, CrowdStrike Windows Sensor]\n"
	"    services: [falcond]\n"
	"    minimum_version: {Mac: \"7.1\", Windows: \"7.1\"}\n"
	"  - key: vpn\n"
	"    kind: software\n"
	"    title: VPN\n"
	"    description: Protects traffic.\n"
	"    rating: low\n"
	"    applications: VPN Client\n"
	"    status_if_false: nudge\n";

struct app_spec {
	const char	*name;
	const char	*version;
};

struct device_spec {
	enum platform	 platform;
	const char	*os_name;
	const char	*os_version;
	const char	*observed;	/* "true", "false", "unknown" or NULL */
	const char	*details;	/* of the observation */
	struct app_spec	 apps[3];
	const char	*services[3];
};

#define OBSERVED_AT	((time_t)1700000000)

static void
build_device(struct device_record *rec, const struct device_spec *spec,
    const char *key)
{
	enum observed	 value = OBSERVED_UNKNOWN;
	size_t		 i;

	memset(rec, 0, sizeof(*rec));
	rec->platform = spec->platform;
	if (spec->os_name != NULL)
		rec->os_name = xstrdup(spec->os_name);
	if (spec->os_version != NULL)
		rec->os_version = xstrdup(spec->os_version);
	if (spec->observed != NULL) {
		if (strcmp(spec->observed, "true") == 0)
			value = OBSERVED_TRUE;
		else if (strcmp(spec->observed, "false") == 0)
			value = OBSERVED_FALSE;
		device_record_add_observation(rec, key, value, spec->details,
		    OBSERVED_AT);
	}
	for (i = 0; i < NELEM(spec->apps) && spec->apps[i].name != NULL; i++)
		device_record_add_software(rec, spec->apps[i].name,
		    spec->apps[i].version);
	for (i = 0; i < NELEM(spec->services) && spec->services[i] != NULL; i++)
		device_record_add_service(rec, spec->services[i]);
}

static const struct practice_result *
find_result(const struct verdict *v, const char *key)
{
	size_t	 i;

	for (i = 0; i < v->count; i++)
		if (strcmp(v->results[i].key, key) == 0)
			return &v->results[i];
	return NULL;
}

struct eval_case {
	const char		*name;
	const char		*key;
	struct device_spec	 device;
	enum status		 status;
	const char		*title;
	const char		*details;	/* NULL: expect none */
	const char		*directions;	/* NULL: expect none */
};

#define MAC		PLATFORM_MAC, "macOS"
#define WINDOWS		PLATFORM_WINDOWS, "Windows"
#define NOT_REPORTED	"No source reported this for the device."
#define FILEVAULT	"Turn on FileVault."
#define BITLOCKER	"Turn on BitLocker."
#define EDR_MISSING	"None of the listed software was found. " \
	"Applications: Falcon.app, CrowdStrike Windows Sensor. " \
	"Services: falcond."

static const struct eval_case eval_cases[] = {
	/* observed, with the default status_if_* */
	{ "observed true", "encryption",
	    { MAC, "26.2", "true", "FileVault is on", { { NULL } }, { NULL } },
	    STATUS_OK, "Encrypted", "FileVault is on", FILEVAULT },
	{ "observed false", "encryption",
	    { WINDOWS, "10.0.26100", "false", NULL, { { NULL } }, { NULL } },
	    STATUS_WARN, "Not encrypted", NULL, BITLOCKER },
	{ "observed missing", "encryption",
	    { MAC, "26.2", NULL, NULL, { { NULL } }, { NULL } },
	    STATUS_NUDGE, "Check encryption", NOT_REPORTED, FILEVAULT },
	{ "observed unknown", "encryption",
	    { PLATFORM_LINUX, "Ubuntu", "24.04", "unknown", "Disk not readable",
	      { { NULL } }, { NULL } },
	    STATUS_NUDGE, "Check encryption", "Disk not readable", NULL },
	{ "observed na platform", "encryption",
	    { PLATFORM_IOS, "iOS", "26.1", "false", "off", { { NULL } },
	      { NULL } },
	    STATUS_NA, "Encryption n/a", NULL, NULL },
	{ "observed always ok platform", "encryption",
	    { PLATFORM_CHROMEOS, "ChromeOS", "142.0.7444.181", "false", "off",
	      { { NULL } }, { NULL } },
	    STATUS_OK, "Encrypted", NULL, NULL },
	{ "observed unknown platform allowed", "encryption",
	    { PLATFORM_UNKNOWN, NULL, NULL, "true", NULL, { { NULL } },
	      { NULL } },
	    STATUS_OK, "Encrypted", NULL, NULL },

	/* observed, with custom status_if_* and platform_required */
	{ "custom status_if_false", "firewall",
	    { MAC, "26.2", "false", "Firewall is off", { { NULL } }, { NULL } },
	    STATUS_NUDGE, "Firewall", "Firewall is off", NULL },
	{ "custom status_if_missing", "firewall",
	    { MAC, "26.2", NULL, NULL, { { NULL } }, { NULL } },
	    STATUS_UNKNOWN, "Firewall", NOT_REPORTED, NULL },
	{ "custom status_if_missing unknown", "firewall",
	    { MAC, "26.2", "unknown", NULL, { { NULL } }, { NULL } },
	    STATUS_UNKNOWN, "Firewall", NULL, NULL },
	{ "platform required", "firewall",
	    { PLATFORM_UNKNOWN, NULL, "26.2", "true", NULL, { { NULL } },
	      { NULL } },
	    STATUS_UNKNOWN, "Firewall", "The device's platform is not known.",
	    NULL },

	/* not_applicable_from */
	{ "before na version", "unknownsources",
	    { PLATFORM_ANDROID, "Android", "7.1.2", "false", NULL, { { NULL } },
	      { NULL } },
	    STATUS_WARN, "Unknown sources", NULL, NULL },
	{ "at na version", "unknownsources",
	    { PLATFORM_ANDROID, "Android", "8.0.0", "false", NULL, { { NULL } },
	      { NULL } },
	    STATUS_NA, "Unknown sources", NULL, NULL },
	{ "past na version", "unknownsources",
	    { PLATFORM_ANDROID, "Android", "16", "false", NULL, { { NULL } },
	      { NULL } },
	    STATUS_NA, "Unknown sources", NULL, NULL },
	{ "na version unreadable", "unknownsources",
	    { PLATFORM_ANDROID, "Android", "Oreo", "false", NULL, { { NULL } },
	      { NULL } },
	    STATUS_WARN, "Unknown sources", NULL, NULL },
	{ "na version missing", "unknownsources",
	    { PLATFORM_ANDROID, "Android", NULL, "true", NULL, { { NULL } },
	      { NULL } },
	    STATUS_OK, "Unknown sources", NULL, NULL },
	{ "na version other platform", "unknownsources",
	    { MAC, "26.2", "false", NULL, { { NULL } }, { NULL } },
	    STATUS_WARN, "Unknown sources", NULL, NULL },

	/* os_version */
	{ "below required of its line", "uptodate",
	    { MAC, "15.0", NULL, NULL, { { NULL } }, { NULL } },
	    STATUS_WARN, "OS out of date", "This device runs macOS 15.0. "
	    "Version 15.7.3 or later is required, and 26.2 is recommended.",
	    NULL },
	{ "below required, oldest line", "uptodate",
	    { MAC, "14.4.1 (23E224)", NULL, NULL, { { NULL } }, { NULL } },
	    STATUS_WARN, "OS out of date", "This device runs macOS 14.4.1 "
	    "(23E224). Version 14.8.3 or later is required, and 26.2 is "
	    "recommended.", NULL },
	{ "below required equal to recommended", "uptodate",
	    { MAC, "26.1", NULL, NULL, { { NULL } }, { NULL } },
	    STATUS_WARN, "OS out of date", "This device runs macOS 26.1. "
	    "Version 26.2 or later is required.", NULL },
	{ "pre-release below its release", "uptodate",
	    { MAC, "26.2 beta", NULL, NULL, { { NULL } }, { NULL } },
	    STATUS_WARN, "OS out of date", "This device runs macOS 26.2 beta. "
	    "Version 26.2 or later is required.", NULL },
	{ "below recommended", "uptodate",
	    { MAC, "15.7.3", NULL, NULL, { { NULL } }, { NULL } },
	    STATUS_NUDGE, "OS update available", "This device runs macOS "
	    "15.7.3. Version 26.2 or later is recommended.", NULL },
	{ "current", "uptodate",
	    { MAC, " 26.2 ", NULL, NULL, { { NULL } }, { NULL } },
	    STATUS_OK, "OS current", "This device runs macOS 26.2.", NULL },
	{ "newer than listed", "uptodate",
	    { MAC, "27.0.1", NULL, NULL, { { NULL } }, { NULL } },
	    STATUS_OK, "OS current", "This device runs macOS 27.0.1.", NULL },
	{ "line not listed meets lowest floor", "uptodate",
	    { MAC, "16.1", NULL, NULL, { { NULL } }, { NULL } },
	    STATUS_NUDGE, "OS update available", "This device runs macOS 16.1. "
	    "Version 26.2 or later is recommended.", NULL },
	{ "no OS name", "uptodate",
	    { PLATFORM_MAC, NULL, "26.3", NULL, NULL, { { NULL } }, { NULL } },
	    STATUS_OK, "OS current", "This device runs Mac 26.3.", NULL },
	{ "unsupported below", "uptodate",
	    { MAC, "13.6.1", NULL, NULL, { { NULL } }, { NULL } },
	    STATUS_WARN, "OS out of date", "macOS 13 and earlier is out of "
	    "support and no longer gets security updates. This device runs "
	    "macOS 13.6.1.", NULL },
	{ "unsupported os_name glob", "uptodate",
	    { PLATFORM_WINDOWS, "Windows 7 Professional", "6.1.7601", NULL,
	      NULL, { { NULL } }, { NULL } },
	    STATUS_WARN, "OS out of date", "Windows 7 is out of support and no "
	    "longer gets security updates. This device runs Windows 7 "
	    "Professional 6.1.7601.", NULL },
	{ "unsupported glob ignores case and version", "uptodate",
	    { PLATFORM_WINDOWS, "windows 7 enterprise", NULL, NULL, NULL,
	      { { NULL } }, { NULL } },
	    STATUS_WARN, "OS out of date", "Windows 7 is out of support and no "
	    "longer gets security updates. This device runs windows 7 "
	    "enterprise.", NULL },
	{ "unsupported version prefix", "uptodate",
	    { WINDOWS, "10.0.19045.3803", NULL, NULL, { { NULL } }, { NULL } },
	    STATUS_WARN, "OS out of date", "Windows 10 22H2 is out of support "
	    "and no longer gets security updates. This device runs Windows "
	    "10.0.19045.3803.", NULL },
	{ "unsupported version and name", "uptodate",
	    { PLATFORM_WINDOWS, "Windows 11 Pro", "10.0.26100.4946", NULL, NULL,
	      { { NULL } }, { NULL } },
	    STATUS_WARN, "OS out of date", "Windows 11 Pro 24H2 is out of "
	    "support and no longer gets security updates. This device runs "
	    "Windows 11 Pro 10.0.26100.4946.", NULL },
	{ "version prefix needs every part", "uptodate",
	    { WINDOWS, "10.0.19044", NULL, NULL, { { NULL } }, { NULL } },
	    STATUS_WARN, "OS out of date", "This device runs Windows "
	    "10.0.19044. Version 10.0.26100 or later is required, and "
	    "10.0.26200 is recommended.", NULL },
	{ "windows below recommended", "uptodate",
	    { PLATFORM_WINDOWS, "Windows 11 Enterprise", "10.0.26100.4946",
	      NULL, NULL, { { NULL } }, { NULL } },
	    STATUS_NUDGE, "OS update available", "This device runs Windows 11 "
	    "Enterprise 10.0.26100.4946. Version 10.0.26200 or later is "
	    "recommended.", NULL },
	{ "windows current", "uptodate",
	    { WINDOWS, "10.0.26200.7462", NULL, NULL, { { NULL } }, { NULL } },
	    STATUS_OK, "OS current",
	    "This device runs Windows 10.0.26200.7462.", NULL },
	{ "required only", "uptodate",
	    { PLATFORM_ANDROID, "Android", "13", NULL, NULL, { { NULL } },
	      { NULL } },
	    STATUS_WARN, "OS out of date", "This device runs Android 13. "
	    "Version 14 or later is required.", NULL },
	{ "required only, met", "uptodate",
	    { PLATFORM_ANDROID, "Android", "16", NULL, NULL, { { NULL } },
	      { NULL } },
	    STATUS_OK, "OS current", "This device runs Android 16.", NULL },
	{ "unparseable version", "uptodate",
	    { MAC, "unknown", NULL, NULL, { { NULL } }, { NULL } },
	    STATUS_UNKNOWN, "OS version unknown", "The OS version \"unknown\" "
	    "could not be read, so it was not compared.", NULL },
	{ "missing version", "uptodate",
	    { MAC, NULL, NULL, NULL, { { NULL } }, { NULL } },
	    STATUS_WARN, "OS out of date", "No source reported the OS version.",
	    NULL },
	{ "blank version", "uptodate",
	    { MAC, "  ", NULL, NULL, { { NULL } }, { NULL } },
	    STATUS_WARN, "OS out of date", "No source reported the OS version.",
	    NULL },
	{ "platform not listed", "uptodate",
	    { PLATFORM_LINUX, "Debian", "12.8", NULL, NULL, { { NULL } },
	      { NULL } },
	    STATUS_UNKNOWN, "OS version unknown", "No version requirement is "
	    "set for Linux.", NULL },
	{ "platform unknown", "uptodate",
	    { PLATFORM_UNKNOWN, NULL, "15.0", NULL, NULL, { { NULL } },
	      { NULL } },
	    STATUS_UNKNOWN, "OS version unknown", "The device's platform is "
	    "not known, so no version requirement applies.", NULL },

	/* software */
	{ "application present", "edr",
	    { MAC, "26.2", NULL, NULL, { { "Falcon.app", "7.2" } }, { NULL } },
	    STATUS_OK, "EDR", "Falcon.app 7.2 is installed.", NULL },
	{ "application case-insensitive at floor", "edr",
	    { MAC, "26.2", NULL, NULL,
	      { { "Safari", "26.2" }, { "falcon.APP", "7.1" } }, { NULL } },
	    STATUS_OK, "EDR", "falcon.APP 7.1 is installed.", NULL },
	{ "application below floor", "edr",
	    { WINDOWS, "10.0.26200", NULL, NULL,
	      { { "CrowdStrike Windows Sensor", "7.0.5" } }, { NULL } },
	    STATUS_NUDGE, "EDR out of date", "CrowdStrike Windows Sensor 7.0.5 "
	    "is installed. Version 7.1 or later is suggested.", NULL },
	{ "older and newer copy", "edr",
	    { MAC, "26.2", NULL, NULL,
	      { { "Falcon.app", "6.9" }, { "Falcon.app", "7.3 (build 12)" } },
	      { NULL } },
	    STATUS_OK, "EDR", "Falcon.app 7.3 (build 12) is installed.", NULL },
	{ "application version unknown", "edr",
	    { MAC, "26.2", NULL, NULL, { { "Falcon.app", NULL } }, { NULL } },
	    STATUS_OK, "EDR", "Falcon.app is installed. Its version was not "
	    "reported, so it was not compared with 7.1.", NULL },
	{ "application version unreadable", "edr",
	    { MAC, "26.2", NULL, NULL, { { "Falcon.app", "latest" } },
	      { NULL } },
	    STATUS_OK, "EDR", "Falcon.app is installed. Its version was not "
	    "reported, so it was not compared with 7.1.", NULL },
	{ "no floor for platform", "edr",
	    { PLATFORM_LINUX, "Ubuntu", "24.04", NULL, NULL,
	      { { "falcon.app", "1.0" } }, { NULL } },
	    STATUS_OK, "EDR", "falcon.app 1.0 is installed.", NULL },
	{ "service match", "edr",
	    { MAC, "26.2", NULL, NULL, { { "Safari", "26.2" } },
	      { "launchd", "FALCOND" } },
	    STATUS_OK, "EDR", "The service FALCOND is running.", NULL },
	{ "outdated beats service", "edr",
	    { MAC, "26.2", NULL, NULL, { { "Falcon.app", "6.0" } },
	      { "falcond" } },
	    STATUS_NUDGE, "EDR out of date", "Falcon.app 6.0 is installed. "
	    "Version 7.1 or later is suggested.", NULL },
	{ "software absent", "edr",
	    { MAC, "26.2", NULL, NULL, { { "Falcon", "7.2" } }, { "falcon" } },
	    STATUS_WARN, "EDR", EDR_MISSING, NULL },
	{ "software not reported", "edr",
	    { MAC, "26.2", NULL, NULL, { { NULL } }, { NULL } },
	    STATUS_NUDGE, "EDR out of date", "No source reported the installed "
	    "software or running services.", NULL },
	{ "software absent custom status", "vpn",
	    { MAC, "26.2", NULL, NULL, { { "Safari", "26.2" } }, { NULL } },
	    STATUS_NUDGE, "VPN", "None of the listed software was found. "
	    "Applications: VPN Client.", NULL },
	{ "software single name", "vpn",
	    { MAC, "26.2", NULL, NULL, { { "vpn client", NULL } }, { NULL } },
	    STATUS_OK, "VPN", "vpn client is installed.", NULL },
};

static int
setup_eval(void **state)
{
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct practices	*table;

	if (load_text(eval_yaml, &table, &diags) != 0) {
		diag_print(&diags, stderr);
		diag_clear(&diags);
		return -1;
	}
	*state = table;
	return 0;
}

static int
teardown_eval(void **state)
{
	practices_free(*state);
	return 0;
}

static void
test_eval_cases(void **state)
{
	const struct practices		*table = *state;
	const struct practice_result	*res;
	struct device_record		 rec;
	struct verdict			 v;
	size_t				 i;

	for (i = 0; i < NELEM(eval_cases); i++) {
		const struct eval_case *c = &eval_cases[i];

		print_message("case: %s\n", c->name);
		build_device(&rec, &c->device, c->key);
		practices_evaluate(table, &rec, &v);
		assert_int_equal(v.count, 6);
		res = find_result(&v, c->key);
		assert_non_null(res);
		assert_string_equal(status_name(res->status),
		    status_name(c->status));
		assert_string_equal(res->title, c->title);
		if (c->details == NULL)
			assert_null(res->details);
		else
			assert_string_equal(res->details, c->details);
		if (c->directions == NULL)
			assert_null(res->directions);
		else
			assert_string_equal(res->directions, c->directions);
		verdict_free(&v);
		device_record_free(&rec);
	}
}

/* The texts every result carries, and the observation's time. */
static void
test_eval_result_fields(void **state)
{
	const struct practices		*table = *state;
	const struct practice_result	*res;
	struct device_record		 rec;
	struct verdict			 v;

	memset(&rec, 0, sizeof(rec));
	rec.platform = PLATFORM_MAC;
	device_record_add_observation(&rec, "encryption", OBSERVED_TRUE, NULL,
	    OBSERVED_AT);
	practices_evaluate(table, &rec, &v);

	res = find_result(&v, "encryption");
	assert_non_null(res);
	assert_int_equal(res->rating, RATING_CRITICAL);
	assert_string_equal(res->description, "Keeps data private.");
	assert_string_equal(res->link, "https://example.com/encryption");
	assert_true(res->last_updated == OBSERVED_AT);

	res = find_result(&v, "firewall");
	assert_non_null(res);
	assert_int_equal(res->rating, RATING_HIGH);
	assert_null(res->link);
	assert_true(res->last_updated == 0);

	verdict_free(&v);
	assert_null(v.results);
	assert_int_equal(v.count, 0);
	verdict_free(NULL);
	device_record_free(&rec);
}

/* Worst status first, then the most important rating, then the key. */
static void
test_eval_sorting(void **state)
{
	static const char *const order[] = {
		"encryption", "edr", "firewall", "unknownsources", "vpn",
		"uptodate",
	};
	static const enum status statuses[] = {
		STATUS_WARN, STATUS_WARN, STATUS_NUDGE, STATUS_NUDGE,
		STATUS_NUDGE, STATUS_OK,
	};
	const struct practices	*table = *state;
	struct device_record	 rec;
	struct verdict		 v;
	size_t			 i;

	memset(&rec, 0, sizeof(rec));
	rec.platform = PLATFORM_MAC;
	rec.os_name = xstrdup("macOS");
	rec.os_version = xstrdup("26.2");
	device_record_add_observation(&rec, "encryption", OBSERVED_FALSE, NULL,
	    0);
	device_record_add_observation(&rec, "firewall", OBSERVED_FALSE, NULL,
	    0);
	device_record_add_software(&rec, "Safari", "26.2");

	practices_evaluate(table, &rec, &v);
	assert_int_equal(v.count, NELEM(order));
	for (i = 0; i < v.count; i++) {
		print_message("result %zu: %s %s\n", i, v.results[i].key,
		    status_name(v.results[i].status));
		assert_string_equal(v.results[i].key, order[i]);
		assert_int_equal(v.results[i].status, statuses[i]);
	}
	assert_int_equal(v.status, STATUS_WARN);
	verdict_free(&v);
	device_record_free(&rec);
}

struct device_status_case {
	const char	*name;
	const char	*yaml;
	enum platform	 platform;
	enum status	 expected;
};

#define TWO_OBSERVED(a, b) \
	"practices:\n" \
	"  - {key: a, kind: observed, title: A, description: D,\n" \
	"     rating: low, " a "}\n" \
	"  - {key: b, kind: observed, title: B, description: D,\n" \
	"     rating: high, " b "}\n"

static const struct device_status_case device_status_cases[] = {
	{ "all na", TWO_OBSERVED("not_applicable: [iOS]",
	    "not_applicable: [iOS, Mac]"), PLATFORM_IOS, STATUS_NA },
	{ "ok beats na", TWO_OBSERVED("always_ok: [iOS]",
	    "not_applicable: [iOS]"), PLATFORM_IOS, STATUS_OK },
	{ "unknown beats ok", TWO_OBSERVED("always_ok: [iOS]",
	    "status_if_missing: unknown"), PLATFORM_IOS, STATUS_UNKNOWN },
	{ "nudge beats unknown", TWO_OBSERVED("status_if_missing: nudge",
	    "status_if_missing: unknown"), PLATFORM_IOS, STATUS_NUDGE },
	{ "warn beats nudge", TWO_OBSERVED("status_if_missing: warn",
	    "status_if_missing: nudge"), PLATFORM_IOS, STATUS_WARN },
};

static void
test_eval_device_status(void **state)
{
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct practices	*table;
	struct device_record	 rec;
	struct verdict		 v;
	size_t			 i;

	(void)state;
	for (i = 0; i < NELEM(device_status_cases); i++) {
		const struct device_status_case *c = &device_status_cases[i];

		print_message("case: %s\n", c->name);
		assert_int_equal(load_text(c->yaml, &table, &diags), 0);
		memset(&rec, 0, sizeof(rec));
		rec.platform = c->platform;
		practices_evaluate(table, &rec, &v);
		assert_int_equal(v.count, 2);
		assert_string_equal(status_name(v.status),
		    status_name(c->expected));
		verdict_free(&v);
		practices_free(table);
	}
}

/* --- names and table access ---------------------------------------------- */

static void
test_names(void **state)
{
	static const char *const statuses[] = {
		"warn", "nudge", "unknown", "ok", "na",
	};
	static const char *const ratings[] = {
		"critical", "high", "medium", "low",
	};
	enum status	 s;
	enum rating	 r;
	size_t		 i;

	(void)state;
	for (i = 0; i < NELEM(statuses); i++) {
		assert_string_equal(status_name((enum status)i), statuses[i]);
		assert_int_equal(status_parse(statuses[i], &s), 0);
		assert_int_equal(s, (enum status)i);
	}
	assert_string_equal(status_name(STATUS__MAX), "invalid");
	assert_int_equal(status_parse("Warn", &s), -1);
	assert_int_equal(status_parse("", &s), -1);

	for (i = 0; i < NELEM(ratings); i++) {
		assert_string_equal(rating_name((enum rating)i), ratings[i]);
		assert_int_equal(rating_parse(ratings[i], &r), 0);
		assert_int_equal(r, (enum rating)i);
	}
	assert_string_equal(rating_name(RATING__MAX), "invalid");
	assert_int_equal(rating_parse("urgent", &r), -1);
}

static void
test_table_access(void **state)
{
	const struct practices	*table = *state;

	assert_int_equal(practices_count(table), 6);
	assert_string_equal(practices_key(table, 0), "encryption");
	assert_string_equal(practices_key(table, 3), "uptodate");
	assert_string_equal(practices_key(table, 5), "vpn");
	assert_null(practices_key(table, 6));
}

/* --- the shipped file ---------------------------------------------------- */

static void
test_shipped_file_loads(void **state)
{
	static const char *const keys[] = {
		"encryption", "firewall", "autoupdate", "uptodate",
		"screenlock", "remotelogin", "jailed", "unknownsources",
		"adbstatus", "edr",
	};
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct practices	*table = NULL;
	size_t			 i;

	(void)state;
	if (practices_load(SHIPPED_FILE, &table, &diags) != 0)
		diag_print(&diags, stderr);
	assert_int_equal(diags.count, 0);
	assert_non_null(table);
	assert_int_equal(practices_count(table), NELEM(keys));
	for (i = 0; i < NELEM(keys); i++)
		assert_string_equal(practices_key(table, i), keys[i]);
	practices_free(table);

	assert_int_equal(practices_check_file(SHIPPED_FILE, &diags), 0);
	assert_int_equal(diags.count, 0);
}

/*
 * A device that reports nothing gets a status other than ok or na only
 * where a practice applies. Each of those needs directions for its
 * platform, a title and a link.
 */
static void
test_shipped_file_directions(void **state)
{
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct practices	*table;
	struct device_record	 rec;
	struct verdict		 v;
	size_t			 i;
	int			 p;

	(void)state;
	assert_int_equal(practices_load(SHIPPED_FILE, &table, &diags), 0);
	for (p = PLATFORM_UNKNOWN + 1; p < PLATFORM__MAX; p++) {
		memset(&rec, 0, sizeof(rec));
		rec.platform = (enum platform)p;
		practices_evaluate(table, &rec, &v);
		for (i = 0; i < v.count; i++) {
			if (v.results[i].status == STATUS_NA ||
			    v.results[i].status == STATUS_OK)
				continue;
			print_message("%s on %s\n", v.results[i].key,
			    platform_name(rec.platform));
			assert_non_null(v.results[i].directions);
			assert_non_null(v.results[i].title);
			assert_non_null(v.results[i].link);
		}
		verdict_free(&v);
	}
	practices_free(table);
}

struct shipped_case {
	const char	*name;
	enum platform	 platform;
	const char	*os_name;
	const char	*os_version;
	const char	*key;
	const char	*observed;
	enum status	 expected;
};

static const struct shipped_case shipped_cases[] = {
	{ "Windows 10 unsupported", PLATFORM_WINDOWS, "Windows 10 Enterprise",
	    "10.0.19045.3803", "uptodate", NULL, STATUS_WARN },
	{ "Windows 11 23H2 unsupported", PLATFORM_WINDOWS,
	    "Windows 11 Enterprise", "10.0.22631.4602", "uptodate", NULL,
	    STATUS_WARN },
	{ "Windows 11 24H2 Pro unsupported", PLATFORM_WINDOWS,
	    "Windows 11 Pro", "10.0.26100.4946", "uptodate", NULL,
	    STATUS_WARN },
	{ "Windows 11 24H2 Enterprise nudged", PLATFORM_WINDOWS,
	    "Windows 11 Enterprise", "10.0.26100.4946", "uptodate", NULL,
	    STATUS_NUDGE },
	{ "Windows 11 25H2 ok", PLATFORM_WINDOWS, "Windows 11 Pro",
	    "10.0.26200.7462", "uptodate", NULL, STATUS_OK },
	{ "macOS 14 unsupported", PLATFORM_MAC, "macOS", "14.8.3", "uptodate",
	    NULL, STATUS_WARN },
	{ "macOS 15 early patch", PLATFORM_MAC, "macOS", "15.7.3", "uptodate",
	    NULL, STATUS_WARN },
	{ "macOS 26 security line", PLATFORM_MAC, "macOS", "26.7.1",
	    "uptodate", NULL, STATUS_OK },
	{ "macOS 26 before security line", PLATFORM_MAC, "macOS", "26.2",
	    "uptodate", NULL, STATUS_WARN },
	{ "iOS 18 unsupported", PLATFORM_IOS, "iOS", "18.7.2", "uptodate",
	    NULL, STATUS_WARN },
	{ "Android 13 unsupported", PLATFORM_ANDROID, "Android", "13",
	    "uptodate", NULL, STATUS_WARN },
	{ "Android 15 nudged", PLATFORM_ANDROID, "Android", "15", "uptodate",
	    NULL, STATUS_NUDGE },
	{ "ChromeOS old milestone", PLATFORM_CHROMEOS, "ChromeOS",
	    "138.0.7204.221", "uptodate", NULL, STATUS_WARN },
	{ "Linux has no floor", PLATFORM_LINUX, "Ubuntu", "24.04", "uptodate",
	    NULL, STATUS_UNKNOWN },
	{ "unknown sources before Android 8", PLATFORM_ANDROID, "Android",
	    "7.1.2", "unknownsources", "false", STATUS_WARN },
	{ "unknown sources from Android 8", PLATFORM_ANDROID, "Android",
	    "8.1.0", "unknownsources", "false", STATUS_NA },
	{ "ChromeOS always encrypted", PLATFORM_CHROMEOS, "ChromeOS",
	    "142.0.7444.181", "encryption", "false", STATUS_OK },
	{ "jailbroken iPhone", PLATFORM_IOS, "iOS", "26.1", "jailed", "false",
	    STATUS_WARN },
	{ "remote login on Windows", PLATFORM_WINDOWS, "Windows", "10.0.26200",
	    "remotelogin", "false", STATUS_NA },
	{ "USB debugging on", PLATFORM_ANDROID, "Android", "16", "adbstatus",
	    "false", STATUS_WARN },
	{ "no endpoint agent on iOS", PLATFORM_IOS, "iOS", "26.1", "edr", NULL,
	    STATUS_NA },
};

static void
test_shipped_file_cases(void **state)
{
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct practices	*table;
	struct device_record	 rec;
	struct device_spec	 spec;
	struct verdict		 v;
	const struct practice_result *res;
	size_t			 i;

	(void)state;
	assert_int_equal(practices_load(SHIPPED_FILE, &table, &diags), 0);
	for (i = 0; i < NELEM(shipped_cases); i++) {
		const struct shipped_case *c = &shipped_cases[i];

		print_message("case: %s\n", c->name);
		memset(&spec, 0, sizeof(spec));
		spec.platform = c->platform;
		spec.os_name = c->os_name;
		spec.os_version = c->os_version;
		spec.observed = c->observed;
		build_device(&rec, &spec, c->key);
		device_record_add_software(&rec, "Some App", "1.0");
		practices_evaluate(table, &rec, &v);
		res = find_result(&v, c->key);
		assert_non_null(res);
		if (res->details != NULL)
			print_message("details: %s\n", res->details);
		assert_string_equal(status_name(res->status),
		    status_name(c->expected));
		verdict_free(&v);
		device_record_free(&rec);
	}
	practices_free(table);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_load_depth_limit),
		cmocka_unit_test(test_load_size_limit),
		cmocka_unit_test(test_load_missing_file),
		cmocka_unit_test(test_load_keeps_earlier_diags),
		cmocka_unit_test_setup_teardown(test_eval_cases, setup_eval,
		    teardown_eval),
		cmocka_unit_test_setup_teardown(test_eval_result_fields,
		    setup_eval, teardown_eval),
		cmocka_unit_test_setup_teardown(test_eval_sorting, setup_eval,
		    teardown_eval),
		cmocka_unit_test(test_eval_device_status),
		cmocka_unit_test(test_names),
		cmocka_unit_test_setup_teardown(test_table_access, setup_eval,
		    teardown_eval),
		cmocka_unit_test(test_shipped_file_loads),
		cmocka_unit_test(test_shipped_file_directions),
		cmocka_unit_test(test_shipped_file_cases),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
