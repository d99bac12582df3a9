/* Tests for parsing and comparing dotted versions. */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "version.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* --- parsing ------------------------------------------------------------- */

struct parse_case {
	const char	*text;
	size_t		 count;
	uint64_t	 parts[5];
	int		 prerelease;
	int		 has_suffix;
};

static const struct parse_case parse_cases[] = {
	{ "10", 1, { 10 }, 0, 0 },
	{ "9.3", 2, { 9, 3 }, 0, 0 },
	{ "10.0.19045.3803", 4, { 10, 0, 19045, 3803 }, 0, 0 },
	{ "101.0.4951.59", 4, { 101, 0, 4951, 59 }, 0, 0 },
	{ "14.4.1 (23E224)", 3, { 14, 4, 1 }, 0, 1 },
	{ "17.1.2 beta", 3, { 17, 1, 2 }, 1, 1 },
	{ "17.1.2beta2", 3, { 17, 1, 2 }, 1, 1 },
	{ "1.0.0-RC1", 3, { 1, 0, 0 }, 1, 1 },
	{ "1.0.0-beta.2", 3, { 1, 0, 0 }, 1, 1 },
	{ "11.0 (Insider Preview)", 2, { 11, 0 }, 1, 1 },
	{ "8.0.0_r1", 3, { 8, 0, 0 }, 0, 1 },
	{ "7.0.0-development", 3, { 7, 0, 0 }, 0, 1 },
	{ "5.1 release", 2, { 5, 1 }, 0, 1 },
	{ "v2.3", 2, { 2, 3 }, 0, 0 },
	{ "V2.3", 2, { 2, 3 }, 0, 0 },
	{ "  15.7.3  ", 3, { 15, 7, 3 }, 0, 0 },
	{ "\t26.2\n", 2, { 26, 2 }, 0, 0 },
	{ "10.", 1, { 10 }, 0, 1 },
	{ "10..2", 1, { 10 }, 0, 1 },
	{ "10.01", 2, { 10, 1 }, 0, 0 },
	{ "007", 1, { 7 }, 0, 0 },
	{ "18446744073709551615.1", 2, { UINT64_MAX, 1 }, 0, 0 },
	{ "1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16", 16,
	    { 1, 2, 3, 4, 5 }, 0, 0 },
};

static void
test_parse_cases(void **state)
{
	struct version	 v;
	size_t		 i, k;

	(void)state;
	for (i = 0; i < NELEM(parse_cases); i++) {
		const struct parse_case *c = &parse_cases[i];

		print_message("case: \"%s\"\n", c->text);
		assert_int_equal(version_parse(c->text, &v), 0);
		assert_int_equal(v.count, c->count);
		for (k = 0; k < c->count && k < NELEM(c->parts); k++)
			assert_true(v.parts[k] == c->parts[k]);
		assert_int_equal(v.prerelease, c->prerelease);
		assert_int_equal(v.has_suffix, c->has_suffix);
	}
}

static const char *const unparseable[] = {
	"", "   ", "beta", "unknown", "v", "vv1", "-1.2", ".5", "x10.1",
	"Windows 10", "version 1.2",
	"18446744073709551616",
	"99999999999999999999999999.1",
	"1.18446744073709551616",
	"1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.17",
};

static void
test_parse_unparseable(void **state)
{
	struct version	 v;
	size_t		 i;

	(void)state;
	for (i = 0; i < NELEM(unparseable); i++) {
		print_message("case: \"%s\"\n", unparseable[i]);
		memset(&v, 0xff, sizeof(v));
		assert_int_equal(version_parse(unparseable[i], &v), -1);
		assert_int_equal(v.count, 0);
		assert_int_equal(v.prerelease, 0);
	}
	assert_int_equal(version_parse(NULL, &v), -1);
	assert_int_equal(v.count, 0);
}

/* --- comparison ---------------------------------------------------------- */

struct compare_case {
	const char	*a;
	const char	*b;
	int		 expected;	/* -1, 0 or 1 */
};

static const struct compare_case compare_cases[] = {
	{ "10.10", "10.9", 1 },
	{ "10.9", "10.10", -1 },
	{ "9.3", "9.3.0", 0 },
	{ "9.3.0.0", "9.3", 0 },
	{ "9.3.1", "9.3", 1 },
	{ "10.0.19045.3803", "10.0.19045.3802", 1 },
	{ "10.0.19045.3803", "10.0.22631", -1 },
	{ "14.4.1 (23E224)", "14.4.1", 0 },
	{ "14.4.1 (23E224)", "14.4.1 (23E300)", 0 },
	{ "8.0.0_r1", "8.0", 0 },
	{ "101.0.4951.59", "101.0.4951.64", -1 },
	{ "v2.3", "2.3", 0 },
	{ " 2.3 ", "2.3.0", 0 },
	{ "10.01", "10.1", 0 },
	{ "17.1.2 beta", "17.1.2", -1 },
	{ "17.1.2", "17.1.2 beta", 1 },
	{ "17.1.2 beta", "17.1.1", 1 },
	{ "17.1.3 beta", "17.1.2", 1 },
	{ "17.1.2 beta", "17.1.2 rc1", 0 },
	{ "17.1.2 beta", "17.1.2 (21C62)", -1 },
	{ "18446744073709551615", "18446744073709551614", 1 },
	{ "18446744073709551615", "1.0", 1 },
	{ "0", "0.0.0", 0 },
};

/* Reduce a comparison result to -1, 0 or 1. */
static int
sign(int cmp)
{
	if (cmp < 0)
		return -1;
	return cmp > 0;
}

static void
test_compare_cases(void **state)
{
	size_t	 i;
	int	 cmp;

	(void)state;
	for (i = 0; i < NELEM(compare_cases); i++) {
		const struct compare_case *c = &compare_cases[i];

		print_message("case: \"%s\" vs \"%s\"\n", c->a, c->b);
		cmp = 42;
		assert_int_equal(version_compare_text(c->a, c->b, &cmp), 0);
		assert_int_equal(sign(cmp), c->expected);
		assert_int_equal(version_compare_text(c->b, c->a, &cmp), 0);
		assert_int_equal(sign(cmp), -c->expected);
	}
}

static void
test_compare_unparseable(void **state)
{
	int	 cmp = 42;

	(void)state;
	assert_int_equal(version_compare_text("unknown", "1.0", &cmp), -1);
	assert_int_equal(version_compare_text("1.0", "", &cmp), -1);
	assert_int_equal(version_compare_text(NULL, "1.0", &cmp), -1);
	assert_int_equal(version_compare_text("1.0",
	    "18446744073709551616", &cmp), -1);
	assert_int_equal(cmp, 42);
}

/* --- common prefix ------------------------------------------------------- */

struct prefix_case {
	const char	*a;
	const char	*b;
	size_t		 expected;
};

static const struct prefix_case prefix_cases[] = {
	{ "15.7.3", "15.0", 1 },
	{ "10.0.26100", "10.0.26100.7000", 3 },
	{ "10.0.26100", "10.0.26200.7000", 2 },
	{ "14.1", "15.1", 0 },
	{ "26.2", "26.2", 2 },
	{ "26", "26.2.1", 1 },
};

static void
test_common_prefix(void **state)
{
	struct version	 a, b;
	size_t		 i;

	(void)state;
	for (i = 0; i < NELEM(prefix_cases); i++) {
		const struct prefix_case *c = &prefix_cases[i];

		print_message("case: \"%s\" and \"%s\"\n", c->a, c->b);
		assert_int_equal(version_parse(c->a, &a), 0);
		assert_int_equal(version_parse(c->b, &b), 0);
		assert_int_equal(version_common_prefix(&a, &b), c->expected);
		assert_int_equal(version_common_prefix(&b, &a), c->expected);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_cases),
		cmocka_unit_test(test_parse_unparseable),
		cmocka_unit_test(test_compare_cases),
		cmocka_unit_test(test_compare_unparseable),
		cmocka_unit_test(test_common_prefix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
