/*
 * Reading JSON documents from files with json-c, strictly and within
 * limits, with errors that name the file, line and column.
 */
#ifndef STETHOSCOPE_JSON_FILE_H
#define STETHOSCOPE_JSON_FILE_H

#include <stddef.h>

#include <json-c/json.h>

#include "diag.h"

#define JSON_FILE_MAX_BYTES	(16 * 1024 * 1024)
#define JSON_FILE_MAX_DEPTH	64

/*
 * Parse data as one strict JSON value (no trailing bytes, valid UTF-8,
 * at most max_depth levels deep). Returns the value, owned by the caller
 * (json_object_put), or NULL with one problem in diags naming name and
 * the position.
 */
struct json_object *json_parse_buffer(const char *name, const char *data,
	    size_t len, int max_depth, struct diag_list *diags);

/*
 * Read path (at most max_bytes) and parse it as json_parse_buffer does.
 */
struct json_object *json_parse_file(const char *path, size_t max_bytes,
	    int max_depth, struct diag_list *diags);

#endif
