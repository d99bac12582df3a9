/*
 * libFuzzer target for the JSON form of device records: the input is
 * parsed as JSON, read as records, merged, and written back as JSON.
 */

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "device.h"
#include "device_json.h"
#include "diag.h"
#include "json_file.h"
#include "log.h"
#include "merge.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct device_list	 records = { NULL, 0, 0 };
	struct merged_list	 merged = { NULL, 0 };
	struct json_object	*root, *out;

	log_set_level(LOG_LEVEL_NONE);
	root = json_parse_buffer("fuzz.json", (const char *)data, size,
	    JSON_FILE_MAX_DEPTH, &diags);
	if (root != NULL && device_json_parse("fuzz.json", root, &records,
	    &diags) == 0) {
		if (merge_records(&records, &merged) == 0)
			merged_list_free(&merged);
		out = device_list_to_json(&records);
		json_object_put(out);
	}
	json_object_put(root);
	device_list_free(&records);
	diag_clear(&diags);
	return 0;
}
