/*
 * libFuzzer target for the Google source's parsers: the input is parsed
 * as a Directory API listing whose mobile devices and Chromebooks become
 * records, and as a token endpoint's response.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <json-c/json.h>

#include "buf.h"
#include "device.h"
#include "json_answer.h"
#include "log.h"
#include "source_google.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
convert_all(struct json_object *root, const char *key,
    int (*belongs)(struct json_object *, const char *),
    int (*convert)(struct json_object *, struct device_record *))
{
	struct json_object	*list = json_answer_array(root, key), *item;
	struct device_record	 rec;
	size_t			 i, n;

	n = list != NULL ? json_object_array_length(list) : 0;
	for (i = 0; i < n; i++) {
		item = json_object_array_get_idx(list, i);
		(void)belongs(item, "dev.raman@example.com");
		rec = (struct device_record){ 0 };
		(void)convert(item, &rec);
		device_record_free(&rec);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_object	*root;
	struct buf		 why = BUF_INIT;
	char			*token = NULL;
	long			 expires_in;

	log_set_level(LOG_LEVEL_NONE);
	root = json_answer_parse_text((const char *)data, size, &why);
	convert_all(root, "mobiledevices", google_mobile_belongs,
	    google_mobile_to_record);
	convert_all(root, "chromeosdevices", google_chromeos_belongs,
	    google_chromeos_to_record);
	json_object_put(root);

	buf_reset(&why);
	if (google_token_parse((const char *)data, size, &token, &expires_in,
	    &why) == 0)
		free(token);
	buf_free(&why);
	return 0;
}
