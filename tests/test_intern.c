/* String interning: dense indexes, lookups, keys with NUL bytes, growth. */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "intern.h"

static void
indexes_dense_in_order(void **state)
{
	static const char *const keys[] = {
		"serial", "mac", "", "serial", "udid", "mac", "imei",
	};
	static const uint32_t expected[] = { 0, 1, 2, 0, 3, 1, 4 };
	static const int added[] = { 1, 1, 1, 0, 1, 0, 1 };
	struct intern	 table = INTERN_INIT;
	size_t		 i, len;
	int		 was_added;

	(void)state;
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		assert_int_equal(intern_add(&table, keys[i], strlen(keys[i]),
		    &was_added), expected[i]);
		assert_int_equal(was_added, added[i]);
	}
	assert_int_equal(table.count, 5);
	assert_string_equal(intern_key(&table, 3, &len), "udid");
	assert_int_equal(len, 4);
	assert_string_equal(intern_key(&table, 2, &len), "");
	assert_int_equal(len, 0);
	assert_int_equal(intern_find(&table, "imei", 4), 4);
	assert_int_equal(intern_find(&table, "meid", 4), INTERN_NONE);
	assert_int_equal(intern_find(&table, "seria", 5), INTERN_NONE);
	intern_free(&table);
	assert_int_equal(table.count, 0);
	assert_int_equal(intern_find(&table, "imei", 4), INTERN_NONE);
}

static void
keys_with_nul_bytes(void **state)
{
	static const char a[] = { 'j', 'a', 'm', 'f', '\0', '4', '1' };
	static const char b[] = { 'j', 'a', 'm', 'f', '\0', '4', '2' };
	struct intern	 table = INTERN_INIT;
	size_t		 len;

	(void)state;
	assert_int_equal(intern_add(&table, a, sizeof(a), NULL), 0);
	assert_int_equal(intern_add(&table, b, sizeof(b), NULL), 1);
	assert_int_equal(intern_add(&table, "jamf", 4, NULL), 2);
	assert_int_equal(intern_find(&table, a, sizeof(a)), 0);
	assert_memory_equal(intern_key(&table, 1, &len), b, sizeof(b));
	assert_int_equal(len, sizeof(b));
	intern_free(&table);
}

/* Many keys force several rehashes; every index must survive them. */
static void
growth_keeps_indexes(void **state)
{
	struct intern	 table = INTERN_INIT;
	char		 key[32];
	uint32_t	 i;
	int		 was_added;

	(void)state;
	for (i = 0; i < 50000; i++) {
		snprintf(key, sizeof(key), "00:1C:42:%02X:%02X:%02X",
		    (unsigned)(i >> 16), (unsigned)((i >> 8) & 0xff),
		    (unsigned)(i & 0xff));
		assert_int_equal(intern_add(&table, key, strlen(key), NULL), i);
	}
	for (i = 0; i < 50000; i += 997) {
		snprintf(key, sizeof(key), "00:1C:42:%02X:%02X:%02X",
		    (unsigned)(i >> 16), (unsigned)((i >> 8) & 0xff),
		    (unsigned)(i & 0xff));
		assert_int_equal(intern_find(&table, key, strlen(key)), i);
		assert_int_equal(intern_add(&table, key, strlen(key),
		    &was_added), i);
		assert_int_equal(was_added, 0);
		assert_string_equal(intern_key(&table, i, NULL), key);
	}
	assert_int_equal(table.count, 50000);
	assert_true(table.slot_count >= 2 * (size_t)table.count);
	intern_free(&table);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(indexes_dense_in_order),
		cmocka_unit_test(keys_with_nul_bytes),
		cmocka_unit_test(growth_keeps_indexes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
