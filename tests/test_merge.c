/*
 * Merging: matches by serial and MAC address, identifiers that never
 * match, conflicts and their log lines, chains of matches, the field
 * rules, determinism, and a generated fleet with a known result.
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
#include "log.h"
#include "merge.h"
#include "xalloc.h"

/* The generator is shared with the benchmark, which the Makefile does not build. */
#include "bench/fleet.c"

#define COUNT(a)	(sizeof(a) / sizeof((a)[0]))

/* The identifiers and times of one test record; NULL means none. */
struct spec {
	const char	*source;
	const char	*serial;
	const char	*udid;
	const char	*imei;
	const char	*meid;
	const char	*id;
	const char	*macs[4];
	time_t		 last_sync;
};

static struct device_record *
add_spec(struct device_list *list, const struct spec *s)
{
	struct device_record	*rec = device_list_add(list);
	size_t			 i;

	rec->source = s->source ? xstrdup(s->source) : NULL;
	rec->ids.serial = s->serial ? xstrdup(s->serial) : NULL;
	rec->ids.udid = s->udid ? xstrdup(s->udid) : NULL;
	rec->ids.imei = s->imei ? xstrdup(s->imei) : NULL;
	rec->ids.meid = s->meid ? xstrdup(s->meid) : NULL;
	rec->ids.source_id = s->id ? xstrdup(s->id) : NULL;
	for (i = 0; i < COUNT(s->macs) && s->macs[i] != NULL; i++)
		device_record_add_mac(rec, s->macs[i]);
	rec->last_sync = s->last_sync;
	return rec;
}

static void
add_specs(struct device_list *list, const struct spec *specs, size_t count)
{
	size_t	 i;

	for (i = 0; i < count; i++)
		add_spec(list, &specs[i]);
}

/* Groups as "0,2|1": member indexes joined by commas, groups by bars. */
static char *
groups_text(const struct merged_list *merged)
{
	struct buf	 text = BUF_INIT;
	size_t		 g, m;

	for (g = 0; g < merged->count; g++) {
		if (g > 0)
			buf_putc(&text, '|');
		for (m = 0; m < merged->items[g].member_count; m++)
			buf_printf(&text, "%s%zu", m ? "," : "",
			    merged->items[g].members[m]);
	}
	return buf_detach(&text);
}

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

static size_t
count_occurrences(const char *text, const char *needle)
{
	size_t	 n = 0;

	for (; (text = strstr(text, needle)) != NULL; text++)
		n++;
	return n;
}

/*
 * Merge the specs and check the groups, the refused joins and, when
 * expected_log is set, that the log contains it.
 */
static void
check_merge(const struct spec *specs, size_t count, const char *groups,
    size_t conflicts, const char *expected_log)
{
	struct device_list	 list = { NULL, 0, 0 };
	struct merged_list	 merged;
	struct merge_stats	 stats;
	struct capture		 cap;
	char			*text, *logged;

	add_specs(&list, specs, count);
	capture_start(&cap);
	assert_int_equal(merge_records_stats(&list, &merged, &stats), 0);
	logged = capture_end(&cap);

	text = groups_text(&merged);
	if (strcmp(text, groups) != 0)
		fail_msg("groups %s, expected %s; log:\n%s", text, groups,
		    logged);
	assert_int_equal(stats.conflicts, conflicts);
	assert_int_equal(stats.records, count);
	assert_int_equal(stats.devices, merged.count);
	if (expected_log != NULL && strstr(logged, expected_log) == NULL)
		fail_msg("log lacks \"%s\"; it has:\n%s", expected_log, logged);
	if (conflicts == 0)
		assert_null(strstr(logged, "not merged"));

	free(text);
	free(logged);
	merged_list_free(&merged);
	device_list_free(&list);
}

static void
merge_by_serial(void **state)
{
	static const struct spec specs[] = {
		{ "jamf",	"C02XK1ZPJGH5", NULL, NULL, NULL, "1", { NULL }, 0 },
		{ "landesk",	"5CG1234XYZ", NULL, NULL, NULL, "1", { NULL }, 0 },
		{ "bitfit",	" c02xk1zpjgh5 ", NULL, NULL, NULL, "9", { NULL }, 0 },
	};

	(void)state;
	check_merge(specs, COUNT(specs), "0,2|1", 0, NULL);
}

static void
merge_by_mac_spellings(void **state)
{
	static const char *const spellings[] = {
		"00:1C:42:2E:60:4A",
		"00:1c:42:2e:60:4a",
		"001C422E604A",
		"001c422e604a",
		"00-1C-42-2E-60-4A",
		"001c.422e.604a",
		"0:1c:42:2e:60:4a",
		" 00:1C:42:2E:60:4A ",
	};
	struct spec	 specs[2] = {
		{ "jamf", "C02XK1ZPJGH5", NULL, NULL, NULL, NULL,
		    { "00:1C:42:2E:60:4A", NULL }, 0 },
		{ "fleet", NULL, NULL, NULL, NULL, NULL, { NULL }, 0 },
	};
	size_t		 i;

	(void)state;
	for (i = 0; i < COUNT(spellings); i++) {
		specs[1].macs[0] = spellings[i];
		check_merge(specs, COUNT(specs), "0,1", 0, NULL);
	}
}

static void
merge_by_other_identifiers(void **state)
{
	static const struct {
		struct spec	 a, b;
		const char	*groups;
	} cases[] = {
		{ { "google", NULL, "abc-1", NULL, NULL, NULL, { NULL }, 0 },
		  { "bitfit", NULL, "ABC-1", NULL, NULL, NULL, { NULL }, 0 }, "0,1" },
		{ { "google", NULL, NULL, "35 209900 176148 1", NULL, NULL, { NULL }, 0 },
		  { "bitfit", NULL, NULL, "352099001761481", NULL, NULL, { NULL }, 0 },
		  "0,1" },
		{ { "google", NULL, NULL, NULL, "a10000094c2b1e", NULL, { NULL }, 0 },
		  { "bitfit", NULL, NULL, NULL, "A10000094C2B1E", NULL, { NULL }, 0 },
		  "0,1" },
		/* the same id from one source matches */
		{ { "jamf", NULL, NULL, NULL, NULL, "7", { NULL }, 0 },
		  { "jamf", NULL, NULL, NULL, NULL, " 7 ", { NULL }, 0 }, "0,1" },
		/* the same id from two sources means nothing */
		{ { "jamf", NULL, NULL, NULL, NULL, "7", { NULL }, 0 },
		  { "landesk", NULL, NULL, NULL, NULL, "7", { NULL }, 0 }, "0|1" },
		/* no identifiers at all */
		{ { "jamf", NULL, NULL, NULL, NULL, NULL, { NULL }, 0 },
		  { "jamf", NULL, NULL, NULL, NULL, NULL, { NULL }, 0 }, "0|1" },
		/* a record without a source */
		{ { NULL, "C02XK1ZPJGH5", NULL, NULL, NULL, "1", { NULL }, 0 },
		  { "jamf", "C02XK1ZPJGH5", NULL, NULL, NULL, "1", { NULL }, 0 },
		  "0,1" },
	};
	struct spec	 specs[2];
	size_t		 i;

	(void)state;
	for (i = 0; i < COUNT(cases); i++) {
		specs[0] = cases[i].a;
		specs[1] = cases[i].b;
		check_merge(specs, 2, cases[i].groups, 0, NULL);
	}
}

static void
no_merge_on_unusable_values(void **state)
{
	static const char *const serials[] = {
		"0", "Not Available", "To be filled by O.E.M.", "N/A",
		"System Serial Number", "Default string", "0000000000",
		"123456789", "", "   ",
	};
	static const char *const macs[] = {
		"02:00:00:00:00:01",		/* locally administered */
		"da:a1:19:00:00:01",		/* locally administered */
		"01:00:5e:00:00:fb",		/* group */
		"ff:ff:ff:ff:ff:ff",		/* broadcast */
		"00:00:00:00:00:00",		/* all-zero */
		"not-a-mac",
	};
	struct spec	 specs[2];
	size_t		 i;

	(void)state;
	memset(specs, 0, sizeof(specs));
	specs[0].source = "landesk";
	specs[1].source = "bitfit";
	for (i = 0; i < COUNT(serials); i++) {
		specs[0].serial = specs[1].serial = serials[i];
		check_merge(specs, 2, "0|1", 0, NULL);
	}
	specs[0].serial = specs[1].serial = NULL;
	for (i = 0; i < COUNT(macs); i++) {
		specs[0].macs[0] = specs[1].macs[0] = macs[i];
		check_merge(specs, 2, "0|1", 0, NULL);
	}
}

static void
conflicts_refused_and_logged(void **state)
{
	static const struct {
		struct spec	 a, b;
		const char	*log;
	} cases[] = {
		{ { "jamf", "C02XK1ZPJGH5", NULL, NULL, NULL, NULL,
		    { "00:1C:42:2E:60:4A" }, 0 },
		  { "bitfit", "C02XK1ZPJGH6", NULL, NULL, NULL, NULL,
		    { "00-1c-42-2e-60-4a" }, 0 },
		  "merge: MAC address 00:1C:42:2E:60:4A links two devices with "
		  "different serial numbers: C02XK1ZPJGH5 (record 0, jamf) and "
		  "C02XK1ZPJGH6 (record 1, bitfit); not merged" },
		{ { "jamf", "C02XK1ZPJGH5", "UDID-ONE", NULL, NULL, NULL, { NULL }, 0 },
		  { "google", "C02XK1ZPJGH5", "UDID-TWO", NULL, NULL, NULL, { NULL }, 0 },
		  "merge: serial number C02XK1ZPJGH5 links two devices with "
		  "different UDIDs (record 0, jamf; record 1, google); not merged" },
		{ { "google", "R58M123ABC", NULL, "352099001761481", NULL, NULL,
		    { NULL }, 0 },
		  { "bitfit", "R58M123ABC", NULL, "352099001761499", NULL, NULL,
		    { NULL }, 0 },
		  "merge: serial number R58M123ABC links two devices with "
		  "different IMEIs (record 0, google; record 1, bitfit); not merged" },
		{ { "google", NULL, NULL, "352099001761481", "A10000094C2B1E", NULL,
		    { NULL }, 0 },
		  { "bitfit", NULL, NULL, "352099001761481", "A10000094C2B1F", NULL,
		    { NULL }, 0 },
		  "merge: an IMEI links two devices with different MEIDs (record 0, "
		  "google; record 1, bitfit); not merged" },
		{ { "jamf", "C02XK1ZPJGH5", NULL, NULL, NULL, "41", { NULL }, 0 },
		  { "jamf", "C02XK1ZPJGH5", NULL, NULL, NULL, "42", { NULL }, 0 },
		  "merge: serial number C02XK1ZPJGH5 links two devices with "
		  "different ids from one source (record 0, jamf; record 1, jamf); "
		  "not merged" },
		{ { "jamf", NULL, "UDID-ONE", NULL, NULL, "41", { NULL }, 0 },
		  { "jamf", NULL, "UDID-TWO", NULL, NULL, "41", { NULL }, 0 },
		  "merge: a source id links two devices with different UDIDs "
		  "(record 0, jamf; record 1, jamf); not merged" },
	};
	struct spec	 specs[2];
	size_t		 i;

	(void)state;
	for (i = 0; i < COUNT(cases); i++) {
		specs[0] = cases[i].a;
		specs[1] = cases[i].b;
		check_merge(specs, 2, "0|1", 1, cases[i].log);
	}
}

static void
conflict_log_hides_phone_identifiers(void **state)
{
	static const struct spec specs[] = {
		{ "google", "R58M123ABC", "UDID-SECRET-1", "352099001761481",
		    NULL, NULL, { NULL }, 0 },
		{ "bitfit", "R58M123ABC", "UDID-SECRET-2", NULL, NULL, NULL,
		    { NULL }, 0 },
		{ "google", NULL, NULL, "352099001761481", "A10000094C2B1E",
		    NULL, { NULL }, 0 },
		{ "bitfit", NULL, NULL, "352099001761481", "A10000094C2B1F",
		    NULL, { NULL }, 0 },
	};
	struct device_list	 list = { NULL, 0, 0 };
	struct merged_list	 merged;
	struct capture		 cap;
	char			*logged;

	(void)state;
	add_specs(&list, specs, COUNT(specs));
	capture_start(&cap);
	assert_int_equal(merge_records(&list, &merged), 0);
	logged = capture_end(&cap);
	assert_true(count_occurrences(logged, "not merged") >= 2);
	assert_null(strstr(logged, "UDID-SECRET"));
	assert_null(strstr(logged, "352099001761481"));
	assert_null(strstr(logged, "A10000094C2B1"));
	free(logged);
	merged_list_free(&merged);
	device_list_free(&list);
}

static void
chains_with_conflicts(void **state)
{
	static const struct {
		const char	*name;
		struct spec	 specs[4];
		size_t		 count;
		const char	*groups;
		size_t		 conflicts;
	} cases[] = {
		{ "chain without conflict", {
		    { "jamf", "C02XK1ZPJGH5", NULL, NULL, NULL, NULL,
			{ "00:1C:42:00:00:01" }, 0 },
		    { "fleet", NULL, NULL, NULL, NULL, NULL,
			{ "00:1C:42:00:00:01", "00:1C:42:00:00:02" }, 0 },
		    { "bitfit", NULL, NULL, NULL, NULL, NULL,
			{ "00:1C:42:00:00:02" }, 0 } },
		  3, "0,1,2", 0 },
		{ "A-B-C with A and C conflicting", {
		    { "jamf", "C02XK1ZPJGH5", NULL, NULL, NULL, NULL,
			{ "00:1C:42:00:00:01" }, 0 },
		    { "fleet", NULL, NULL, NULL, NULL, NULL,
			{ "00:1C:42:00:00:01", "00:1C:42:00:00:02" }, 0 },
		    { "landesk", "5CG1234XYZ", NULL, NULL, NULL, NULL,
			{ "00:1C:42:00:00:02" }, 0 } },
		  3, "0,1|2", 1 },
		{ "A-B-C-D with A and D conflicting", {
		    { "jamf", "C02XK1ZPJGH5", NULL, NULL, NULL, NULL,
			{ "00:1C:42:00:00:01" }, 0 },
		    { "fleet", NULL, NULL, NULL, NULL, NULL,
			{ "00:1C:42:00:00:01", "00:1C:42:00:00:02" }, 0 },
		    { "fleet", NULL, NULL, NULL, NULL, NULL,
			{ "00:1C:42:00:00:02", "00:1C:42:00:00:03" }, 0 },
		    { "landesk", "5CG1234XYZ", NULL, NULL, NULL, NULL,
			{ "00:1C:42:00:00:03" }, 0 } },
		  4, "0,1,2|3", 1 },
		{ "a UDID binds before a MAC address", {
		    { "jamf", "C02XK1ZPJGH5", NULL, NULL, NULL, NULL,
			{ "00:1C:42:00:00:01" }, 0 },
		    { "fleet", NULL, "UDID-1", NULL, NULL, NULL,
			{ "00:1C:42:00:00:01" }, 0 },
		    { "bitfit", "5CG1234XYZ", "UDID-1", NULL, NULL, NULL,
			{ NULL }, 0 } },
		  3, "0|1,2", 1 },
		{ "a record matching two conflicting groups joins the first", {
		    { "jamf", "C02XK1ZPJGH5", NULL, NULL, NULL, NULL,
			{ "00:1C:42:00:00:01" }, 0 },
		    { "bitfit", "C02XK1ZPJGH6", NULL, NULL, NULL, NULL,
			{ "00:1C:42:00:00:01" }, 0 },
		    { "fleet", NULL, NULL, NULL, NULL, NULL,
			{ "00:1C:42:00:00:01" }, 0 } },
		  3, "0,2|1", 1 },
		{ "a later record joins the group it does not conflict with", {
		    { "jamf", "C02XK1ZPJGH5", NULL, NULL, NULL, NULL,
			{ "00:1C:42:00:00:01" }, 0 },
		    { "bitfit", "C02XK1ZPJGH6", NULL, NULL, NULL, NULL,
			{ "00:1C:42:00:00:01" }, 0 },
		    { "landesk", "C02XK1ZPJGH6", NULL, NULL, NULL, NULL,
			{ NULL }, 0 },
		    { "fleet", "c02xk1zpjgh6", NULL, NULL, NULL, NULL,
			{ "00:1C:42:00:00:01" }, 0 } },
		  4, "0|1,2,3", 1 },
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < COUNT(cases); i++) {
		print_message("case: %s\n", cases[i].name);
		check_merge(cases[i].specs, cases[i].count, cases[i].groups,
		    cases[i].conflicts, NULL);
	}
}

/* A value on the records of too many devices matches nothing. */
static void
shared_value_ignored(void **state)
{
	struct device_list	 list = { NULL, 0, 0 };
	struct device_record	*rec;
	struct merged_list	 merged;
	struct merge_stats	 stats;
	struct capture		 cap;
	char			 serial[32], *logged;
	size_t			 devices, i;

	(void)state;
	/*
	 * Each device has one record with its serial and the shared MAC
	 * address. One more record has only the shared address, so the
	 * address is on devices + 1 groups.
	 */
	for (devices = MERGE_MAX_GROUPS_PER_VALUE - 1;
	    devices <= MERGE_MAX_GROUPS_PER_VALUE; devices++) {
		for (i = 0; i < devices; i++) {
			rec = device_list_add(&list);
			rec->source = xstrdup("landesk");
			snprintf(serial, sizeof(serial), "5CG%07zu", i);
			rec->ids.serial = xstrdup(serial);
			device_record_add_mac(rec, "00:05:9A:3C:7A:00");
		}
		rec = device_list_add(&list);
		rec->source = xstrdup("fleet");
		device_record_add_mac(rec, "00:05:9a:3c:7a:00");

		capture_start(&cap);
		assert_int_equal(merge_records_stats(&list, &merged, &stats), 0);
		logged = capture_end(&cap);
		if (devices < MERGE_MAX_GROUPS_PER_VALUE) {
			/*
			 * Used: record i conflicts with the i devices before
			 * it, and the MAC-only record joins the first device.
			 */
			assert_int_equal(merged.count, devices);
			assert_int_equal(stats.shared_values, 0);
			assert_int_equal(stats.conflicts,
			    devices * (devices - 1) / 2);
			assert_int_equal(merged.items[0].member_count, 2);
			assert_int_equal(merged.items[0].members[1], devices);
		} else {
			assert_int_equal(merged.count, devices + 1);
			assert_int_equal(stats.shared_values, 1);
			assert_int_equal(stats.conflicts, 0);
			assert_non_null(strstr(logged, " info "));
			assert_non_null(strstr(logged, "merge: MAC address "
			    "00:05:9A:3C:7A:00 is on the records of more than 16 "
			    "devices; not using it to match records"));
		}
		free(logged);
		merged_list_free(&merged);
		device_list_free(&list);
	}
}

static void
conflict_logs_capped(void **state)
{
	struct device_list	 list = { NULL, 0, 0 };
	struct device_record	*rec;
	struct merged_list	 merged;
	struct merge_stats	 stats;
	struct capture		 cap;
	char			 text[64], *logged;
	size_t			 i;

	(void)state;
	/* 30 devices, each with a second record whose serial differs. */
	for (i = 0; i < 60; i++) {
		rec = device_list_add(&list);
		rec->source = xstrdup(i % 2 ? "bitfit" : "jamf");
		snprintf(text, sizeof(text), "C02%06zu%zu", i / 2, i % 2);
		rec->ids.serial = xstrdup(text);
		snprintf(text, sizeof(text), "00:1C:42:00:%02zX:%02zX", i / 2 / 256,
		    i / 2 % 256);
		device_record_add_mac(rec, text);
	}
	capture_start(&cap);
	assert_int_equal(merge_records_stats(&list, &merged, &stats), 0);
	logged = capture_end(&cap);

	assert_int_equal(merged.count, 60);
	assert_int_equal(stats.conflicts, 30);
	assert_int_equal(count_occurrences(logged, "not merged"),
	    MERGE_MAX_LOGGED);
	assert_non_null(strstr(logged, "merge: 10 more conflicts between "
	    "devices not logged"));
	free(logged);
	merged_list_free(&merged);
	device_list_free(&list);
}

static void
newest_observation_wins(void **state)
{
	static const struct {
		enum observed	 a_value;
		time_t		 a_time;
		enum observed	 b_value;
		time_t		 b_time;
		char		 winner;	/* 'a' or 'b' */
	} cases[] = {
		{ OBSERVED_TRUE,	100, OBSERVED_FALSE,	200, 'b' },
		{ OBSERVED_FALSE,	200, OBSERVED_TRUE,	100, 'a' },
		{ OBSERVED_UNKNOWN,	200, OBSERVED_TRUE,	200, 'b' },
		{ OBSERVED_TRUE,	200, OBSERVED_UNKNOWN,	200, 'a' },
		{ OBSERVED_TRUE,	200, OBSERVED_FALSE,	200, 'a' },
		{ OBSERVED_FALSE,	200, OBSERVED_TRUE,	200, 'a' },
		{ OBSERVED_UNKNOWN,	300, OBSERVED_TRUE,	200, 'a' },
		{ OBSERVED_TRUE,	0,   OBSERVED_FALSE,	0,   'a' },
		{ OBSERVED_UNKNOWN,	0,   OBSERVED_FALSE,	0,   'b' },
		{ OBSERVED_TRUE,	0,   OBSERVED_FALSE,	1,   'b' },
	};
	struct device_list	 list = { NULL, 0, 0 };
	struct device_record	*a, *b;
	struct merged_list	 merged;
	const struct observation *obs;
	const struct spec	 spec_a = { "jamf", "C02XK1ZPJGH5", NULL, NULL,
				    NULL, NULL, { NULL }, 500 };
	const struct spec	 spec_b = { "landesk", "C02XK1ZPJGH5", NULL, NULL,
				    NULL, NULL, { NULL }, 100 };
	size_t			 i;

	(void)state;
	for (i = 0; i < COUNT(cases); i++) {
		a = add_spec(&list, &spec_a);
		device_record_add_observation(a, "encryption", cases[i].a_value,
		    "from a", cases[i].a_time);
		device_record_add_observation(a, "firewall", OBSERVED_TRUE, NULL,
		    10);
		b = add_spec(&list, &spec_b);
		device_record_add_observation(b, "autoupdate", OBSERVED_FALSE,
		    NULL, 10);
		device_record_add_observation(b, "encryption", cases[i].b_value,
		    "from b", cases[i].b_time);

		assert_int_equal(merge_records(&list, &merged), 0);
		assert_int_equal(merged.count, 1);
		obs = device_observation(&merged.items[0].record, "encryption");
		assert_non_null(obs);
		if (cases[i].winner == 'a') {
			assert_int_equal(obs->value, cases[i].a_value);
			assert_int_equal(obs->observed_at, cases[i].a_time);
			assert_string_equal(obs->details, "from a");
		} else {
			assert_int_equal(obs->value, cases[i].b_value);
			assert_int_equal(obs->observed_at, cases[i].b_time);
			assert_string_equal(obs->details, "from b");
		}

		/* Keys from both records, in order of first appearance. */
		assert_int_equal(merged.items[0].record.observation_count, 3);
		assert_string_equal(merged.items[0].record.observations[0].key,
		    "encryption");
		assert_string_equal(merged.items[0].record.observations[1].key,
		    "firewall");
		assert_string_equal(merged.items[0].record.observations[2].key,
		    "autoupdate");
		merged_list_free(&merged);
		device_list_free(&list);
	}
}

static void
set_text(char **field, const char *value)
{
	*field = value != NULL ? xstrdup(value) : NULL;
}

static void
fields_from_newest_sync(void **state)
{
	static const struct {
		const char	*name, *model, *os_name, *os_version, *email;
		enum platform	 platform;
		time_t		 last_sync;
	} records[] = {
		{ "old-name", "MacBookPro18,3", "macOS", "13.6.1",
		  "ada@example.com", PLATFORM_MAC, 100 },
		{ "new-name", NULL, "macOS", NULL, NULL, PLATFORM_UNKNOWN, 300 },
		{ "middle-name", NULL, NULL, "14.4.1", NULL, PLATFORM_MAC, 200 },
	};
	static const struct spec specs[] = {
		{ "jamf", "c02xk1zpjgh5", NULL, NULL, NULL, "41", { NULL }, 0 },
		{ "fleet", "C02XK1ZPJGH5", NULL, NULL, NULL, "host-9", { NULL }, 0 },
		{ "bitfit", "C02XK1ZPJGH5", NULL, NULL, NULL, NULL, { NULL }, 0 },
	};
	struct device_list	 list = { NULL, 0, 0 };
	struct device_record	*rec;
	struct merged_list	 merged;
	const struct device_record *m;
	size_t			 i;

	(void)state;
	for (i = 0; i < COUNT(records); i++) {
		rec = add_spec(&list, &specs[i]);
		set_text(&rec->name, records[i].name);
		set_text(&rec->model, records[i].model);
		set_text(&rec->os_name, records[i].os_name);
		set_text(&rec->os_version, records[i].os_version);
		set_text(&rec->email, records[i].email);
		rec->platform = records[i].platform;
		rec->last_sync = records[i].last_sync;
	}
	assert_int_equal(merge_records(&list, &merged), 0);
	assert_int_equal(merged.count, 1);
	m = &merged.items[0].record;

	assert_string_equal(m->name, "new-name");
	assert_string_equal(m->model, "MacBookPro18,3");
	assert_string_equal(m->os_name, "macOS");
	assert_string_equal(m->os_version, "14.4.1");
	assert_string_equal(m->email, "ada@example.com");
	assert_int_equal(m->platform, PLATFORM_MAC);
	assert_int_equal(m->last_sync, 300);
	assert_string_equal(m->source, "fleet");
	assert_string_equal(m->ids.source_id, "host-9");
	assert_string_equal(m->ids.serial, "C02XK1ZPJGH5");

	assert_int_equal(merged.items[0].source_count, 3);
	assert_string_equal(merged.items[0].sources[0], "jamf");
	assert_string_equal(merged.items[0].sources[1], "fleet");
	assert_string_equal(merged.items[0].sources[2], "bitfit");
	merged_list_free(&merged);
	device_list_free(&list);
}

static void
os_version_pairs_with_os(void **state)
{
	static const struct {
		const char	*a_os, *a_version;	/* synced at 200 */
		const char	*b_os, *b_version;	/* synced at 100 */
		const char	*os, *version;
	} cases[] = {
		{ "iOS", NULL,		"Android", "14",	"iOS", NULL },
		{ NULL, "10.0.22631",	"Windows", NULL,	"Windows", "10.0.22631" },
		{ "macOS", NULL,	"MACOS", "14.4.1",	"macOS", "14.4.1" },
		{ "macOS", "14.5",	"macOS", "14.4.1",	"macOS", "14.5" },
		{ NULL, NULL,		NULL, "17.2",		NULL, "17.2" },
	};
	static const struct spec specs[] = {
		{ "google", "R58M123ABC", NULL, NULL, NULL, NULL, { NULL }, 200 },
		{ "bitfit", "R58M123ABC", NULL, NULL, NULL, NULL, { NULL }, 100 },
	};
	struct device_list	 list = { NULL, 0, 0 };
	struct device_record	*a, *b;
	struct merged_list	 merged;
	const struct device_record *m;
	size_t			 i;

	(void)state;
	for (i = 0; i < COUNT(cases); i++) {
		a = add_spec(&list, &specs[0]);
		b = add_spec(&list, &specs[1]);
		set_text(&a->os_name, cases[i].a_os);
		set_text(&a->os_version, cases[i].a_version);
		set_text(&b->os_name, cases[i].b_os);
		set_text(&b->os_version, cases[i].b_version);
		assert_int_equal(merge_records(&list, &merged), 0);
		assert_int_equal(merged.count, 1);
		m = &merged.items[0].record;
		if (cases[i].os == NULL)
			assert_null(m->os_name);
		else
			assert_string_equal(m->os_name, cases[i].os);
		if (cases[i].version == NULL)
			assert_null(m->os_version);
		else
			assert_string_equal(m->os_version, cases[i].version);
		merged_list_free(&merged);
		device_list_free(&list);
	}
}

static void
sync_ties_keep_input_order(void **state)
{
	static const struct spec specs[] = {
		{ "landesk", "5CG1234XYZ", NULL, NULL, NULL, "guid-1", { NULL }, 500 },
		{ "bitfit", "5CG1234XYZ", NULL, NULL, NULL, "asset-2", { NULL }, 500 },
	};
	struct device_list	 list = { NULL, 0, 0 };
	struct merged_list	 merged;

	(void)state;
	set_text(&add_spec(&list, &specs[0])->name, "first");
	set_text(&add_spec(&list, &specs[1])->name, "second");
	assert_int_equal(merge_records(&list, &merged), 0);
	assert_string_equal(merged.items[0].record.name, "first");
	assert_string_equal(merged.items[0].record.source, "landesk");
	assert_string_equal(merged.items[0].record.ids.source_id, "guid-1");
	merged_list_free(&merged);
	device_list_free(&list);
}

static void
sets_unioned_without_duplicates(void **state)
{
	static const struct spec specs[] = {
		{ "jamf", "C02XK1ZPJGH5", NULL, NULL, NULL, NULL,
		    { "00:1C:42:00:00:01", "02:00:00:00:00:09" }, 0 },
		{ "fleet", NULL, NULL, NULL, NULL, NULL,
		    { "00:1c:42:00:00:01", "F0:18:98:00:00:02" }, 0 },
		{ "jamf", "C02XK1ZPJGH5", NULL, NULL, NULL, NULL,
		    { "f018.9800.0002", "001C42000001" }, 0 },
	};
	struct device_list	 list = { NULL, 0, 0 };
	struct device_record	*rec;
	struct merged_list	 merged;
	const struct merged_device *m;

	(void)state;
	rec = add_spec(&list, &specs[0]);
	device_record_add_software(rec, "Firefox", "128.0");
	device_record_add_software(rec, "Slack", NULL);
	device_record_add_service(rec, "sshd");
	rec = add_spec(&list, &specs[1]);
	device_record_add_software(rec, "Firefox", "128.0");
	device_record_add_software(rec, "Firefox", "129.0");
	device_record_add_software(rec, "Slack", "4.39");
	device_record_add_service(rec, "sshd");
	device_record_add_service(rec, "cupsd");
	rec = add_spec(&list, &specs[2]);
	device_record_add_software(rec, "Slack", NULL);
	device_record_add_service(rec, "cupsd");

	assert_int_equal(merge_records(&list, &merged), 0);
	assert_int_equal(merged.count, 1);
	m = &merged.items[0];

	assert_int_equal(m->record.ids.mac_count, 2);
	assert_string_equal(m->record.ids.macs[0], "00:1C:42:00:00:01");
	assert_string_equal(m->record.ids.macs[1], "F0:18:98:00:00:02");

	assert_int_equal(m->record.software_count, 4);
	assert_string_equal(m->record.software[0].name, "Firefox");
	assert_string_equal(m->record.software[0].version, "128.0");
	assert_string_equal(m->record.software[1].name, "Slack");
	assert_null(m->record.software[1].version);
	assert_string_equal(m->record.software[2].version, "129.0");
	assert_string_equal(m->record.software[3].version, "4.39");

	assert_int_equal(m->record.service_count, 2);
	assert_string_equal(m->record.services[0], "sshd");
	assert_string_equal(m->record.services[1], "cupsd");

	assert_int_equal(m->source_count, 2);
	assert_string_equal(m->sources[0], "jamf");
	assert_string_equal(m->sources[1], "fleet");
	assert_int_equal(m->member_count, 3);
	merged_list_free(&merged);
	device_list_free(&list);
}

static void
empty_input(void **state)
{
	struct device_list	 list = { NULL, 0, 0 };
	struct merged_list	 merged;
	struct merge_stats	 stats;

	(void)state;
	assert_int_equal(merge_records_stats(&list, &merged, &stats), 0);
	assert_int_equal(merged.count, 0);
	assert_null(merged.items);
	assert_int_equal(stats.records, 0);
	merged_list_free(&merged);
}

/* Serialize every merged device, its sources and members, as one text. */
static char *
merged_text(const struct merged_list *merged)
{
	struct json_object	*obj;
	struct buf		 text = BUF_INIT;
	size_t			 i, j;

	for (i = 0; i < merged->count; i++) {
		obj = device_record_to_json(&merged->items[i].record);
		buf_puts(&text, json_object_to_json_string_ext(obj,
		    JSON_C_TO_STRING_PLAIN));
		json_object_put(obj);
		for (j = 0; j < merged->items[i].source_count; j++)
			buf_printf(&text, " %s", merged->items[i].sources[j]);
		for (j = 0; j < merged->items[i].member_count; j++)
			buf_printf(&text, " %zu", merged->items[i].members[j]);
		buf_putc(&text, '\n');
	}
	return buf_detach(&text);
}

static void
output_deterministic(void **state)
{
	struct device_list	 list = { NULL, 0, 0 };
	struct merged_list	 first, second;
	struct capture		 cap;
	char			*a, *b, *logged;
	size_t			 i;

	(void)state;
	fleet_generate(3000, 7, &list);
	capture_start(&cap);
	assert_int_equal(merge_records(&list, &first), 0);
	assert_int_equal(merge_records(&list, &second), 0);
	logged = capture_end(&cap);
	a = merged_text(&first);
	b = merged_text(&second);
	assert_string_equal(a, b);

	/* Ordered by first record; members ascending. */
	for (i = 1; i < first.count; i++)
		assert_true(first.items[i - 1].members[0] <
		    first.items[i].members[0]);
	for (i = 0; i < first.count; i++)
		if (first.items[i].member_count > 1)
			assert_true(first.items[i].members[0] <
			    first.items[i].members[1]);
	free(a);
	free(b);
	free(logged);
	merged_list_free(&first);
	merged_list_free(&second);
	device_list_free(&list);
}

static void
generated_fleet_same_again(void **state)
{
	struct device_list	 a = { NULL, 0, 0 }, b = { NULL, 0, 0 };
	struct json_object	*ja, *jb;

	(void)state;
	fleet_generate(500, 3, &a);
	fleet_generate(500, 3, &b);
	assert_int_equal(a.count, 500);
	ja = device_list_to_json(&a);
	jb = device_list_to_json(&b);
	assert_string_equal(json_object_to_json_string(ja),
	    json_object_to_json_string(jb));
	json_object_put(ja);
	json_object_put(jb);
	device_list_free(&a);
	device_list_free(&b);
}

static void
fleet_of_ten_thousand(void **state)
{
	struct device_list	 list = { NULL, 0, 0 };
	struct fleet_truth	 truth;
	struct merged_list	 merged;
	struct merge_stats	 stats;
	struct capture		 cap;
	const struct merged_device *m;
	char			*logged;
	size_t			 i, j, sources = 0;

	(void)state;
	fleet_generate_truth(10000, 42, &list, &truth);
	assert_int_equal(list.count, 10000);
	assert_true(truth.devices > 3000 && truth.devices < 4500);
	assert_true(truth.conflicting > 5);
	assert_true(truth.isolated > 20);

	capture_start(&cap);
	assert_int_equal(merge_records_stats(&list, &merged, &stats), 0);
	logged = capture_end(&cap);

	/* Every group describes one device, and no device is split needlessly. */
	for (i = 0; i < merged.count; i++) {
		m = &merged.items[i];
		for (j = 1; j < m->member_count; j++)
			if (truth.device_of[m->members[j]] !=
			    truth.device_of[m->members[0]])
				fail_msg("group %zu mixes records %zu and %zu", i,
				    m->members[0], m->members[j]);
		sources += m->source_count;
	}
	assert_int_equal(merged.count, truth.expected_groups);
	assert_int_equal(stats.devices, truth.expected_groups);
	assert_int_equal(stats.conflicts, truth.conflicting);
	assert_int_equal(stats.shared_values, 1);
	assert_true(sources > 2 * merged.count);

	assert_non_null(strstr(logged, "MAC address 00:05:9A:3C:7A:00 is on "
	    "the records of more than 16 devices"));
	assert_true(count_occurrences(logged, "not merged") <= MERGE_MAX_LOGGED);

	free(logged);
	merged_list_free(&merged);
	fleet_truth_free(&truth);
	device_list_free(&list);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(merge_by_serial),
		cmocka_unit_test(merge_by_mac_spellings),
		cmocka_unit_test(merge_by_other_identifiers),
		cmocka_unit_test(no_merge_on_unusable_values),
		cmocka_unit_test(conflicts_refused_and_logged),
		cmocka_unit_test(conflict_log_hides_phone_identifiers),
		cmocka_unit_test(chains_with_conflicts),
		cmocka_unit_test(shared_value_ignored),
		cmocka_unit_test(conflict_logs_capped),
		cmocka_unit_test(newest_observation_wins),
		cmocka_unit_test(fields_from_newest_sync),
		cmocka_unit_test(os_version_pairs_with_os),
		cmocka_unit_test(sync_ties_keep_input_order),
		cmocka_unit_test(sets_unioned_without_duplicates),
		cmocka_unit_test(empty_input),
		cmocka_unit_test(output_deterministic),
		cmocka_unit_test(generated_fleet_same_again),
		cmocka_unit_test(fleet_of_ten_thousand),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
