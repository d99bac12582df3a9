/*
 * libFuzzer target for the bitFit source's parsers: the input is parsed
 * as a users or assets listing and as one asset's details, and each entry
 * becomes a record.
 */

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "buf.h"
#include "device.h"
#include "json_answer.h"
#include "log.h"
#include "source_bitfit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
convert(struct json_object *asset)
{
	struct device_record	 rec = { 0 };

	(void)bitfit_user_matches(asset, "ada.okafor@example.com");
	(void)bitfit_asset_to_record(asset, &rec);
	device_record_free(&rec);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_object	*root, *items;
	struct buf		 why = BUF_INIT;
	size_t			 i, n;

	log_set_level(LOG_LEVEL_NONE);
	root = json_answer_parse_text((const char *)data, size, &why);
	items = json_answer_array(root, "items");
	n = items != NULL ? json_object_array_length(items) : 0;
	for (i = 0; i < n; i++)
		convert(json_object_array_get_idx(items, i));
	convert(json_answer_object(root, "item"));
	json_object_put(root);
	buf_free(&why);
	return 0;
}
