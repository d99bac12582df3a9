/*
 * libFuzzer target for the practices loader: the input is loaded as a
 * practices file and, when it loads, one device is evaluated against it.
 */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "device.h"
#include "diag.h"
#include "log.h"
#include "practices.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct practices	*table = NULL;
	struct device_record	 device;
	struct observation	 seen;
	struct verdict		 verdict;

	log_set_level(LOG_LEVEL_NONE);
	if (practices_load_buffer("fuzz.yaml", (const char *)data, size,
	    &table, &diags) == 0) {
		memset(&device, 0, sizeof(device));
		memset(&seen, 0, sizeof(seen));
		seen.key = "encryption";
		seen.value = OBSERVED_FALSE;
		device.platform = PLATFORM_MAC;
		device.os_name = "macOS";
		device.os_version = "15.1 (24B83)";
		device.observations = &seen;
		device.observation_count = 1;
		practices_evaluate(table, &device, &verdict);
		verdict_free(&verdict);
		practices_free(table);
	}
	diag_clear(&diags);
	return 0;
}
