/*
 * Checking a parsed JSON document against tables of expected keys and
 * types, as a loader of a file format needs. Each problem is reported
 * with its path ("records[3].identifiers.serial: expected a string, not
 * a number"). Unknown keys are errors, and every problem is collected
 * before the document is rejected.
 */
#ifndef STETHOSCOPE_JSON_WALK_H
#define STETHOSCOPE_JSON_WALK_H

#include <stddef.h>

#include <json-c/json.h>

#include "buf.h"
#include "diag.h"

/* One pass over a document, with the current path and the problem count. */
struct json_walk {
	const char		*name;		/* file name for diagnostics */
	struct diag_list	*diags;
	struct buf		 path;		/* such as "records[3].identifiers" */
	size_t			 errors;	/* reported or not */
	size_t			 max_errors;	/* reported one by one */
};

struct json_field;

/*
 * Parse value (never JSON null) into the field's place in base. Returns
 * 0, or -1 after reporting the problem with json_walk_error.
 */
typedef int	(*json_field_parser)(struct json_walk *walk,
		    struct json_object *value, void *base,
		    const struct json_field *field);

struct json_field {
	const char		*key;
	json_field_parser	 parse;
	size_t			 offset;	/* of the target inside base */
	int			 arg;		/* for the parser's own use */
	int			 required;	/* 1: missing or null is an error */
};

/* The keys of one kind of object. */
struct json_object_spec {
	const char		*what;		/* for messages: "a record" */
	const struct json_field	*fields;
	size_t			 count;
};

#define JSON_FIELDS(table)	(table), sizeof(table) / sizeof((table)[0])

/* Start a walk over the document called name, adding problems to diags. */
void	json_walk_init(struct json_walk *walk, const char *name,
	    struct diag_list *diags, size_t max_errors);

/*
 * Finish the walk: add one line counting the problems past max_errors
 * and free the path. Returns 0 if the walk found no problem, else -1.
 */
int	json_walk_finish(struct json_walk *walk);

/* Report a problem at the current path. */
void	json_walk_error(struct json_walk *walk, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/*
 * Extend the path with ".key" (just "key" at the top) or "[index]".
 * Each returns the previous length, for json_walk_pop.
 */
size_t	json_walk_push_key(struct json_walk *walk, const char *key);
size_t	json_walk_push_index(struct json_walk *walk, size_t index);
void	json_walk_pop(struct json_walk *walk, size_t mark);

/* Return the current path, "" at the top; valid until the next push. */
const char *json_walk_path(const struct json_walk *walk);

/* Return "a string", "a number", "null", ... for messages. */
const char *json_type_phrase(struct json_object *value);

/*
 * Check that value has the type; otherwise report "expected PHRASE, not
 * <its type>". Returns 0 or -1.
 */
int	json_walk_expect(struct json_walk *walk, struct json_object *value,
	    enum json_type type, const char *phrase);

/*
 * Lend the string in value after checking that it is a string of at most
 * max_len bytes without NUL characters. Returns 0 or -1.
 */
int	json_walk_string(struct json_walk *walk, struct json_object *value,
	    size_t max_len, const char **out);

/* Check that value is an array of at most max items. Returns 0 or -1. */
int	json_walk_array(struct json_walk *walk, struct json_object *value,
	    size_t max, size_t *count);

/*
 * Parse every key of the object value with the spec's fields into base.
 * Null values are skipped as unknown; unknown keys and missing required
 * keys are problems. Returns 0, or -1 after reporting every problem.
 */
int	json_walk_object(struct json_walk *walk, struct json_object *value,
	    const struct json_object_spec *spec, void *base);

#endif
