/* Defensive reading of JSON responses from upstream systems. */

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diag.h"
#include "json_answer.h"
#include "json_file.h"
#include "upstream_answer.h"
#include "xalloc.h"

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
	    c == '\f' || c == '\v';
}

char *
json_answer_trim(const char *s)
{
	size_t	 len;

	if (s == NULL)
		return NULL;
	while (is_space(*s))
		s++;
	len = strlen(s);
	while (len > 0 && is_space(s[len - 1]))
		len--;
	return len > 0 ? xstrndup(s, len) : NULL;
}

struct json_object *
json_answer_parse_text(const char *data, size_t len, struct buf *why)
{
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct json_object	*value;
	size_t			 i;

	for (i = 0; i < len && is_space(data[i]); i++)
		continue;
	if (i == len) {
		buf_puts(why, "empty response instead of JSON");
		return NULL;
	}
	value = json_parse_buffer("response", data, len, JSON_ANSWER_MAX_DEPTH,
	    &diags);
	if (value == NULL) {
		/* json_parse_buffer reports exactly one problem. */
		if (diags.count > 0 && diags.items[0].line > 0)
			buf_printf(why, "malformed JSON at line %d column %d",
			    diags.items[0].line, diags.items[0].column);
		else
			buf_puts(why, "malformed JSON");
	}
	diag_clear(&diags);
	return value;
}

struct json_object *
json_answer_parse(const struct fetch_request *req,
    const struct upstream_labels *labels, struct buf *why)
{
	struct json_object	*value;

	if (!upstream_answer_usable(req, labels, why))
		return NULL;
	value = json_answer_parse_text(req->body.data != NULL ?
	    req->body.data : "", req->body.len, why);
	if (value == NULL)
		return NULL;
	if (!json_object_is_type(value, json_type_object)) {
		buf_printf(why, "unexpected JSON from %s: expected an object",
		    labels->system);
		json_object_put(value);
		return NULL;
	}
	return value;
}

char *
json_answer_string(struct json_object *obj, const char *key)
{
	struct json_object	*value;

	const char		*s;

	if (!json_object_is_type(obj, json_type_object) ||
	    !json_object_object_get_ex(obj, key, &value) ||
	    !json_object_is_type(value, json_type_string))
		return NULL;
	/* A NUL inside would cut the text short: "On\u0000x" is not "On". */
	s = json_object_get_string(value);
	if (strlen(s) != (size_t)json_object_get_string_len(value))
		return NULL;
	return json_answer_trim(s);
}

char *
json_answer_text(struct json_object *obj, const char *key)
{
	char	*s, *p;

	if ((s = json_answer_string(obj, key)) == NULL)
		return NULL;
	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return s;
}

int
json_answer_bool(struct json_object *obj, const char *key, int *out)
{
	struct json_object	*value;

	if (!json_object_is_type(obj, json_type_object) ||
	    !json_object_object_get_ex(obj, key, &value) ||
	    !json_object_is_type(value, json_type_boolean))
		return -1;
	*out = json_object_get_boolean(value) ? 1 : 0;
	return 0;
}

static struct json_object *
member_of_type(struct json_object *obj, const char *key, enum json_type type)
{
	struct json_object	*value;

	if (!json_object_is_type(obj, json_type_object) ||
	    !json_object_object_get_ex(obj, key, &value) ||
	    !json_object_is_type(value, type))
		return NULL;
	return value;
}

struct json_object *
json_answer_array(struct json_object *obj, const char *key)
{
	return member_of_type(obj, key, json_type_array);
}

struct json_object *
json_answer_object(struct json_object *obj, const char *key)
{
	return member_of_type(obj, key, json_type_object);
}
