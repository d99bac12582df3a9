/*
 * The template renderer: walks a compiled node array with a stack of json-c
 * contexts and appends the page to a struct buf.
 *
 * The context stack and the indentation of nested partials are linked
 * lists of structs on the C stack, so a render allocates only the output.
 * Recursion is bounded by the compile-time section depth times the partial
 * depth: at most TEMPLATE_SECTION_DEPTH_MAX * (TEMPLATE_PARTIAL_DEPTH_MAX + 1)
 * nested sections, each a few small frames.
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "buf.h"
#include "html.h"
#include "log.h"
#include "template.h"
#include "template_internal.h"

/* One entry of the context stack. parent is the next outer context. */
struct context {
	struct json_object	*value;
	const struct context	*parent;
};

/* The indentation of a standalone partial, inside that of outer partials. */
struct indent {
	const char		*text;
	size_t			 len;
	const struct indent	*outer;
};

struct render {
	const struct template_set	*set;
	const char			*name;		/* the template requested */
	struct buf			*out;
	int				 partial_depth;
};

typedef int	render_node_fn(struct render *, const struct template *, size_t,
		    const struct context *, const struct indent *);

static render_node_fn render_text, render_indent, render_variable,
    render_section, render_inverted, render_partial;

static render_node_fn *const render_node[TNODE__MAX] = {
	[TNODE_TEXT] =		render_text,
	[TNODE_INDENT] =	render_indent,
	[TNODE_VARIABLE] =	render_variable,
	[TNODE_RAW] =		render_variable,
	[TNODE_SECTION] =	render_section,
	[TNODE_INVERTED] =	render_inverted,
	[TNODE_PARTIAL] =	render_partial,
};

static int
render_range(struct render *r, const struct template *t, size_t begin,
    size_t end, const struct context *ctx, const struct indent *indent)
{
	const struct tnode	*n;
	size_t			 i;

	for (i = begin; i < end; ) {
		n = &t->nodes[i];
		if (render_node[n->kind](r, t, i, ctx, indent) == -1)
			return -1;
		if (n->kind == TNODE_SECTION || n->kind == TNODE_INVERTED)
			i = n->end;
		else
			i++;
	}
	return 0;
}

static void
put_indent(struct buf *out, const struct indent *indent)
{
	if (indent == NULL)
		return;
	put_indent(out, indent->outer);
	buf_append(out, indent->text, indent->len);
}

static int
render_indent(struct render *r, const struct template *t, size_t i,
    const struct context *ctx, const struct indent *indent)
{
	(void)t;
	(void)i;
	(void)ctx;
	put_indent(r->out, indent);
	return 0;
}

/*
 * Copy the text, indenting every line that starts inside it. A newline at
 * the very end starts a line that the next node (an INDENT) takes care of.
 */
static int
render_text(struct render *r, const struct template *t, size_t i,
    const struct context *ctx, const struct indent *indent)
{
	const char	*s = t->source + t->nodes[i].start, *nl;
	size_t		 len = t->nodes[i].len, n;

	(void)ctx;
	while (indent != NULL && (nl = memchr(s, '\n', len)) != NULL &&
	    (size_t)(nl - s) + 1 < len) {
		n = (size_t)(nl - s) + 1;
		buf_append(r->out, s, n);
		put_indent(r->out, indent);
		s += n;
		len -= n;
	}
	buf_append(r->out, s, len);
	return 0;
}

/*
 * Resolve the node's name: the first part in the innermost context that
 * has it, the other parts only inside the value found. Returns NULL for a
 * missing name as well as for JSON null, since both render the same way.
 */
static struct json_object *
lookup(const struct template *t, const struct tnode *n,
    const struct context *ctx)
{
	struct json_object	*value = NULL;
	const char		*part = t->names.data + n->name;
	size_t			 i;

	if (n->name_parts == 0)
		return ctx->value;

	for (; ctx != NULL; ctx = ctx->parent)
		if (json_object_is_type(ctx->value, json_type_object) &&
		    json_object_object_get_ex(ctx->value, part, &value))
			break;
	if (ctx == NULL)
		return NULL;

	for (i = 1; i < n->name_parts; i++) {
		part += strlen(part) + 1;
		if (!json_object_is_type(value, json_type_object) ||
		    !json_object_object_get_ex(value, part, &value))
			return NULL;
	}
	return value;
}

static int
is_falsy(struct json_object *value)
{
	switch (json_object_get_type(value)) {
	case json_type_null:
		return 1;
	case json_type_boolean:
		return !json_object_get_boolean(value);
	case json_type_array:
		return json_object_array_length(value) == 0;
	case json_type_string:
		return json_object_get_string_len(value) == 0;
	default:
		return 0;
	}
}

/*
 * Format a double in the shortest of %.15g, %.16g and %.17g that reads back
 * as the same value, so 0.1 prints as "0.1" rather than json-c's
 * "0.10000000000000001" for a value built with json_object_new_double.
 */
static size_t
format_double(double d, char *tmp, size_t size)
{
	int	 precision, n = 0;

	for (precision = 15; precision <= 17; precision++) {
		n = snprintf(tmp, size, "%.*g", precision, d);
		if (strtod(tmp, NULL) == d)
			break;
	}
	return n > 0 ? (size_t)n : 0;
}

/*
 * Find the text of a scalar value: tmp serves numbers, which need
 * formatting. Objects, arrays and null have no text.
 */
static void
value_text(struct json_object *value, char *tmp, size_t size,
    const char **text, size_t *len)
{
	int64_t	 i;
	int	 n;

	*text = tmp;
	*len = 0;
	switch (json_object_get_type(value)) {
	case json_type_string:
		*text = json_object_get_string(value);
		*len = (size_t)json_object_get_string_len(value);
		break;
	case json_type_int:
		i = json_object_get_int64(value);
		if (i == INT64_MAX)
			n = snprintf(tmp, size, "%" PRIu64,
			    json_object_get_uint64(value));
		else
			n = snprintf(tmp, size, "%" PRId64, i);
		*len = n > 0 ? (size_t)n : 0;
		break;
	case json_type_double:
		*len = format_double(json_object_get_double(value), tmp, size);
		break;
	case json_type_boolean:
		*text = json_object_get_boolean(value) ? "true" : "false";
		*len = strlen(*text);
		break;
	default:
		break;
	}
}

static int
render_variable(struct render *r, const struct template *t, size_t i,
    const struct context *ctx, const struct indent *indent)
{
	const struct tnode	*n = &t->nodes[i];
	const char		*text;
	char			 tmp[64];
	size_t			 len;

	(void)indent;
	value_text(lookup(t, n, ctx), tmp, sizeof(tmp), &text, &len);
	if (n->kind == TNODE_RAW)
		buf_append(r->out, text, len);
	else
		html_escape(r->out, text, len);
	return 0;
}

static int
render_section(struct render *r, const struct template *t, size_t i,
    const struct context *ctx, const struct indent *indent)
{
	const struct tnode	*n = &t->nodes[i];
	struct json_object	*value;
	struct context		 inner;
	size_t			 k, count;

	value = lookup(t, n, ctx);
	if (is_falsy(value))
		return 0;

	inner.parent = ctx;
	if (!json_object_is_type(value, json_type_array)) {
		inner.value = value;
		return render_range(r, t, i + 1, n->end, &inner, indent);
	}

	count = json_object_array_length(value);
	for (k = 0; k < count; k++) {
		inner.value = json_object_array_get_idx(value, k);
		if (render_range(r, t, i + 1, n->end, &inner, indent) == -1)
			return -1;
	}
	return 0;
}

static int
render_inverted(struct render *r, const struct template *t, size_t i,
    const struct context *ctx, const struct indent *indent)
{
	const struct tnode	*n = &t->nodes[i];

	if (!is_falsy(lookup(t, n, ctx)))
		return 0;
	return render_range(r, t, i + 1, n->end, ctx, indent);
}

/*
 * Render a partial with the current context stack. A partial that is not
 * in the set renders as nothing, because template_set_link reports it.
 */
static int
render_partial(struct render *r, const struct template *t, size_t i,
    const struct context *ctx, const struct indent *indent)
{
	const struct tnode	*n = &t->nodes[i];
	const char		*name = t->names.data + n->name;
	const struct template	*partial;
	const struct indent	*inner = NULL;
	struct indent		 own;
	ptrdiff_t		 index;
	int			 rc;

	index = n->target != TNODE_UNBOUND ? (ptrdiff_t)n->target :
	    template_set_find(r->set, name);
	if (index < 0)
		return 0;
	partial = r->set->templates[index];

	if (r->partial_depth == TEMPLATE_PARTIAL_DEPTH_MAX) {
		log_error("template", "rendering \"%s\" failed: partial "
		    "\"%s\" at %s:%d:%d is nested deeper than %d levels",
		    r->name, name, t->filename, n->line, n->column,
		    TEMPLATE_PARTIAL_DEPTH_MAX);
		return -1;
	}

	/* Only a standalone tag passes indentation on, its own and outer. */
	if (n->standalone && n->len > 0) {
		own.text = t->source + n->start;
		own.len = n->len;
		own.outer = indent;
		inner = &own;
	} else if (n->standalone)
		inner = indent;

	r->partial_depth++;
	rc = render_range(r, partial, 0, partial->node_count, ctx, inner);
	r->partial_depth--;
	return rc;
}

int
template_render(const struct template_set *set, const char *name,
    struct json_object *data, struct buf *out)
{
	const struct template	*t;
	struct context		 root;
	struct render		 r;
	ptrdiff_t		 index;

	/* Leave out a valid C string even when nothing is rendered. */
	buf_reserve(out, 0);
	out->data[out->len] = '\0';

	if ((index = template_set_find(set, name)) < 0)
		return -1;
	t = set->templates[index];

	root.value = data;
	root.parent = NULL;
	r.set = set;
	r.name = name;
	r.out = out;
	r.partial_depth = 0;
	return render_range(&r, t, 0, t->node_count, &root, NULL);
}
