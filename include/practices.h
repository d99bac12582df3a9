/*
 * The practices file. This first version checks that the file is a valid
 * YAML document within the loader's limits and has a list of practices;
 * the rules table that evaluates them is built on top of this.
 */
#ifndef STETHOSCOPE_PRACTICES_H
#define STETHOSCOPE_PRACTICES_H

#include "diag.h"

#define PRACTICES_MAX_FILE_BYTES	(1024 * 1024)
#define PRACTICES_MAX_DEPTH		16

/*
 * Load path and check its shape: a mapping whose "practices" key is a list
 * of mappings, each with a "key". Returns 0, or -1 with every problem in
 * diags.
 */
int	practices_check_file(const char *path, struct diag_list *diags);

#endif
