/*
 * libFuzzer target for the YAML tree loader and the config validator
 * behind it: the input is loaded as a document within small limits.
 */

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "log.h"
#include "yaml_tree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct yaml_limits limits = { 64 * 1024, 16 };
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct ynode		*root = NULL;

	log_set_level(LOG_LEVEL_NONE);
	if (yaml_tree_load_buffer("fuzz.yaml", (const char *)data, size,
	    &limits, &root, &diags) == 0)
		ynode_free(root);
	diag_clear(&diags);
	return 0;
}
