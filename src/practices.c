/* Shape checks for the practices file. */

#include <string.h>

#include "practices.h"
#include "yaml_tree.h"

int
practices_check_file(const char *path, struct diag_list *diags)
{
	const struct yaml_limits limits = {
		PRACTICES_MAX_FILE_BYTES, PRACTICES_MAX_DEPTH,
	};
	const struct ynode	*list, *item, *key;
	struct ynode		*root = NULL;
	size_t			 before = diags->count, i;

	if (yaml_tree_load_file(path, &limits, &root, diags) != 0)
		return -1;

	if (root->kind != YNODE_MAPPING) {
		diag_add(diags, path, root->line, root->column, "the practices "
		    "file must be a mapping with a \"practices\" list, not %s",
		    ynode_kind_name(root->kind));
		goto out;
	}
	if ((list = ynode_get(root, "practices")) == NULL) {
		diag_add(diags, path, root->line, root->column, "missing "
		    "required key \"practices\"");
		goto out;
	}
	if (list->kind != YNODE_SEQUENCE) {
		diag_add(diags, path, list->line, list->column, "\"practices\" "
		    "must be a list, not %s", ynode_kind_name(list->kind));
		goto out;
	}
	for (i = 0; i < list->count; i++) {
		item = list->items[i];
		if (item->kind != YNODE_MAPPING) {
			diag_add(diags, path, item->line, item->column,
			    "each practice must be a mapping, not %s",
			    ynode_kind_name(item->kind));
			continue;
		}
		key = ynode_get(item, "key");
		if (key == NULL || key->kind != YNODE_SCALAR ||
		    key->value[0] == '\0')
			diag_add(diags, path, item->line, item->column,
			    "practice %zu has no \"key\"", i + 1);
	}
	/* TODO: validate every setting through the rules table; only the overall shape is checked so far. */
out:
	ynode_free(root);
	return diags->count == before ? 0 : -1;
}
