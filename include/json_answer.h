/*
 * Reading JSON responses from upstream systems defensively. Any key may be
 * missing, null, of another type than documented, empty or padded with
 * spaces. Every getter here treats all of those as "no value", so that an
 * adapter cannot mistake them for a real one.
 */
#ifndef STETHOSCOPE_JSON_ANSWER_H
#define STETHOSCOPE_JSON_ANSWER_H

#include <stddef.h>

#include <json-c/json.h>

#include "buf.h"
#include "fetch.h"
#include "upstream_answer.h"

/* Deeper nesting is rejected. The APIs read here nest about 5 levels. */
#define JSON_ANSWER_MAX_DEPTH	32

/*
 * Parse the body of req as a JSON object. Returns the object, owned by the
 * caller (json_object_put), or NULL with the reason appended to why:
 * the request's failure as upstream_failure_message words it, "malformed
 * JSON at line L column C", "empty response instead of JSON" or "unexpected
 * JSON from SYSTEM: expected an object". The reason never quotes the body.
 */
struct json_object *json_answer_parse(const struct fetch_request *req,
	    const struct upstream_labels *labels, struct buf *why);

/*
 * Parse len bytes of data as one JSON value. Returns it (the caller puts
 * it), or NULL with "malformed JSON at line L column C" or "empty response
 * instead of JSON" appended to why.
 */
struct json_object *json_answer_parse_text(const char *data, size_t len,
	    struct buf *why);

/*
 * Return the string under key in obj without surrounding white space, as
 * a new string the caller frees. Returns NULL when obj is not an object,
 * the key is missing, the value is not a string or contains a NUL
 * character, or nothing is left after trimming. Other control characters
 * are kept (json_answer_text replaces them).
 */
char	*json_answer_string(struct json_object *obj, const char *key);

/*
 * Return json_answer_string with every control character replaced by a
 * space, for text that a person reads (names, models).
 */
char	*json_answer_text(struct json_object *obj, const char *key);

/*
 * Store the boolean under key in *out and return 0, or return -1 when it
 * is missing or not a JSON boolean ("true" as a string does not count).
 */
int	 json_answer_bool(struct json_object *obj, const char *key, int *out);

/*
 * Return the array or object under key, lent by obj, or NULL when it is
 * missing or of another type.
 */
struct json_object *json_answer_array(struct json_object *obj,
	    const char *key);
struct json_object *json_answer_object(struct json_object *obj,
	    const char *key);

/*
 * Return a copy of s without surrounding white space, or NULL when s is
 * NULL or only white space.
 */
char	*json_answer_trim(const char *s);

#endif
