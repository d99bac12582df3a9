/* Strict JSON parsing with positions in error messages. */

#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "json_file.h"

/* Turn a byte offset into a 1-based line and column. */
static void
offset_position(const char *data, size_t offset, int *line, int *column)
{
	size_t	 i;

	*line = 1;
	*column = 1;
	for (i = 0; i < offset; i++) {
		if (data[i] == '\n') {
			(*line)++;
			*column = 1;
		} else
			(*column)++;
	}
}

struct json_object *
json_parse_buffer(const char *name, const char *data, size_t len,
    int max_depth, struct diag_list *diags)
{
	struct json_tokener	*tok;
	struct json_object	*value;
	enum json_tokener_error	 err;
	size_t			 used, rest;
	int			 line, column;

	if (len > (size_t)INT32_MAX) {
		diag_add(diags, name, 0, 0, "document of %zu bytes is too "
		    "large to parse", len);
		return NULL;
	}

	tok = json_tokener_new_ex(max_depth);
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
	    JSON_TOKENER_VALIDATE_UTF8);
	value = json_tokener_parse_ex(tok, data, (int)len);
	err = json_tokener_get_error(tok);
	used = json_tokener_get_parse_end(tok);

	if (value == NULL && err == json_tokener_continue) {
		offset_position(data, len, &line, &column);
		diag_add(diags, name, line, column, "unexpected end of JSON "
		    "input; the document is incomplete");
		goto fail;
	}
	if (value == NULL) {
		offset_position(data, used, &line, &column);
		diag_add(diags, name, line, column, "invalid JSON: %s",
		    json_tokener_error_desc(err));
		goto fail;
	}

	/* Only whitespace may follow the value. */
	for (rest = used; rest < len; rest++) {
		if (strchr(" \t\r\n", data[rest]) == NULL) {
			offset_position(data, rest, &line, &column);
			diag_add(diags, name, line, column, "unexpected data "
			    "after the JSON value");
			json_object_put(value);
			value = NULL;
			goto fail;
		}
	}
	json_tokener_free(tok);
	return value;

fail:
	json_tokener_free(tok);
	return NULL;
}

struct json_object *
json_parse_file(const char *path, size_t max_bytes, int max_depth,
    struct diag_list *diags)
{
	struct json_object	*value = NULL;
	struct buf		 text = BUF_INIT;
	struct stat		 st;
	char			 chunk[8192];
	ssize_t			 n;
	int			 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &st) == -1) {
		diag_add(diags, path, 0, 0, "cannot read: %s", strerror(errno));
		goto out;
	}
	if (st.st_size > 0 && (size_t)st.st_size > max_bytes) {
		diag_add(diags, path, 0, 0, "file is %lld bytes; the limit is "
		    "%zu", (long long)st.st_size, max_bytes);
		goto out;
	}
	while ((n = read(fd, chunk, sizeof(chunk))) > 0) {
		if (text.len + (size_t)n > max_bytes) {
			diag_add(diags, path, 0, 0, "file is over the limit of "
			    "%zu bytes", max_bytes);
			goto out;
		}
		buf_append(&text, chunk, (size_t)n);
	}
	if (n == -1) {
		diag_add(diags, path, 0, 0, "cannot read: %s", strerror(errno));
		goto out;
	}
	value = json_parse_buffer(path, text.data ? text.data : "", text.len,
	    max_depth, diags);
out:
	if (fd >= 0)
		close(fd);
	buf_free(&text);
	return value;
}
