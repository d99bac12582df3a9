/*
 * libFuzzer target for the template compiler and renderer: the input is
 * compiled as a template and, when it compiles, rendered with a fixed
 * context that exercises sections, lists and partials.
 */

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "diag.h"
#include "log.h"
#include "template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char context_json[] =
    "{\"name\": \"<b>\", \"list\": [1, \"two\", {\"name\": \"x\"}], "
    "\"flag\": true, \"none\": null, \"obj\": {\"a\": {\"b\": \"c\"}}}";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct template_set	*set;
	struct json_object	*context;
	struct buf		 out = BUF_INIT;
	static const char	 partial[] = "[{{name}}{{> self}}]";

	log_set_level(LOG_LEVEL_NONE);
	set = template_set_new();
	template_set_add_string(set, "self", "self", partial,
	    sizeof(partial) - 1, &diags);
	if (template_set_add_string(set, "main", "main", (const char *)data,
	    size, &diags) == 0 && template_set_link(set, &diags) == 0) {
		context = json_tokener_parse(context_json);
		template_render(set, "main", context, &out);
		json_object_put(context);
	}
	buf_free(&out);
	template_set_free(set);
	diag_clear(&diags);
	return 0;
}
