/* Checking parsed JSON against tables of keys, with paths in every problem. */

#include <stdarg.h>
#include <string.h>

#include "json_walk.h"

void
json_walk_init(struct json_walk *walk, const char *name,
    struct diag_list *diags, size_t max_errors)
{
	struct buf	 empty = BUF_INIT;

	walk->name = name;
	walk->diags = diags;
	walk->path = empty;
	walk->errors = 0;
	walk->max_errors = max_errors;
	buf_puts(&walk->path, "");
}

int
json_walk_finish(struct json_walk *walk)
{
	if (walk->errors > walk->max_errors)
		diag_add(walk->diags, walk->name, 0, 0, "%zu more problems "
		    "not shown", walk->errors - walk->max_errors);
	buf_free(&walk->path);
	return walk->errors > 0 ? -1 : 0;
}

void
json_walk_error(struct json_walk *walk, const char *fmt, ...)
{
	struct buf	 msg = BUF_INIT;
	va_list		 ap;

	if (++walk->errors > walk->max_errors)
		return;
	va_start(ap, fmt);
	buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	diag_add(walk->diags, walk->name, 0, 0, "%s: %s",
	    walk->path.len ? walk->path.data : "(top level)", msg.data);
	buf_free(&msg);
}

size_t
json_walk_push_key(struct json_walk *walk, const char *key)
{
	size_t	 mark = walk->path.len;

	buf_printf(&walk->path, "%s%s", mark ? "." : "", key);
	return mark;
}

size_t
json_walk_push_index(struct json_walk *walk, size_t index)
{
	size_t	 mark = walk->path.len;

	buf_printf(&walk->path, "[%zu]", index);
	return mark;
}

void
json_walk_pop(struct json_walk *walk, size_t mark)
{
	walk->path.len = mark;
	walk->path.data[mark] = '\0';
}

const char *
json_walk_path(const struct json_walk *walk)
{
	return walk->path.data;
}

const char *
json_type_phrase(struct json_object *value)
{
	switch (json_object_get_type(value)) {
	case json_type_null:
		return "null";
	case json_type_boolean:
		return "a boolean";
	case json_type_double:
	case json_type_int:
		return "a number";
	case json_type_object:
		return "an object";
	case json_type_array:
		return "an array";
	case json_type_string:
		return "a string";
	}
	return "an unknown type";
}

int
json_walk_expect(struct json_walk *walk, struct json_object *value,
    enum json_type type, const char *phrase)
{
	if (json_object_is_type(value, type))
		return 0;
	json_walk_error(walk, "expected %s, not %s", phrase,
	    json_type_phrase(value));
	return -1;
}

int
json_walk_string(struct json_walk *walk, struct json_object *value,
    size_t max_len, const char **out)
{
	const char	*s;
	size_t		 len;

	if (json_walk_expect(walk, value, json_type_string, "a string") != 0)
		return -1;
	s = json_object_get_string(value);
	len = (size_t)json_object_get_string_len(value);
	if (len > max_len) {
		json_walk_error(walk, "string of %zu bytes; the maximum is %zu",
		    len, max_len);
		return -1;
	}
	if (strlen(s) != len) {
		json_walk_error(walk, "string contains a NUL character");
		return -1;
	}
	*out = s;
	return 0;
}

int
json_walk_array(struct json_walk *walk, struct json_object *value,
    size_t max, size_t *count)
{
	if (json_walk_expect(walk, value, json_type_array, "an array") != 0)
		return -1;
	*count = json_object_array_length(value);
	if (*count > max) {
		json_walk_error(walk, "%zu items; the maximum is %zu", *count,
		    max);
		return -1;
	}
	return 0;
}

static void
unknown_key(struct json_walk *walk, const struct json_object_spec *spec)
{
	struct buf	 known = BUF_INIT;
	size_t		 i;

	for (i = 0; i < spec->count; i++)
		buf_printf(&known, "%s%s", i ? ", " : "", spec->fields[i].key);
	json_walk_error(walk, "unknown key; the keys of %s are %s", spec->what,
	    known.data);
	buf_free(&known);
}

int
json_walk_object(struct json_walk *walk, struct json_object *value,
    const struct json_object_spec *spec, void *base)
{
	const struct json_field	*f;
	struct json_object	*child;
	size_t			 i, mark;
	int			 rc = 0;

	if (json_walk_expect(walk, value, json_type_object, "an object") != 0)
		return -1;

	json_object_object_foreach(value, key, item) {
		mark = json_walk_push_key(walk, key);
		for (i = 0, f = NULL; i < spec->count && f == NULL; i++)
			if (strcmp(spec->fields[i].key, key) == 0)
				f = &spec->fields[i];
		if (f == NULL) {
			unknown_key(walk, spec);
			rc = -1;
		} else if (item != NULL && f->parse(walk, item, base, f) != 0)
			rc = -1;
		json_walk_pop(walk, mark);
	}

	for (i = 0; i < spec->count; i++) {
		if (!spec->fields[i].required)
			continue;
		if (json_object_object_get_ex(value, spec->fields[i].key,
		    &child) && child != NULL)
			continue;
		mark = json_walk_push_key(walk, spec->fields[i].key);
		json_walk_error(walk, "missing; %s needs one", spec->what);
		json_walk_pop(walk, mark);
		rc = -1;
	}
	return rc;
}
