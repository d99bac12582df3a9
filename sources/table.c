/*
 * The compiled-in sources. Each adapter defines its struct source_ops in
 * its own file; adding one means one declaration and one table row here,
 * one line each.
 */

#include <stddef.h>
#include <string.h>

#include "source.h"

extern const struct source_ops jamf_source;
extern const struct source_ops landesk_source;
extern const struct source_ops google_source;
extern const struct source_ops bitfit_source;

const struct source_ops *const source_table[] = {
	&jamf_source,
	&landesk_source,
	&google_source,
	&bitfit_source,
	NULL
};

const struct source_ops *
source_find(const char *name)
{
	size_t	 i;

	for (i = 0; source_table[i] != NULL; i++)
		if (strcmp(source_table[i]->name, name) == 0)
			return source_table[i];
	return NULL;
}
