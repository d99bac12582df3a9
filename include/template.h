/*
 * Mustache templates over json-c values. Each template is compiled once,
 * when it is loaded, into a tree of nodes, and rendered many times into a
 * struct buf. Templates live in a named set, and a partial {{> name}}
 * refers to another template of the same set.
 *
 * Syntax: {{name}} (HTML-escaped), {{{name}}} and {{& name}} (raw),
 * {{#name}}...{{/name}} sections, {{^name}}...{{/name}} inverted sections,
 * {{! comment }}, {{> partial}}, {{=<% %>=}} to change the delimiters, dotted
 * names (a.b.c) and the implicit iterator {{.}}. A line that contains only
 * whitespace and one section, inverted, closing, comment, partial or
 * set-delimiter tag is removed from the output together with its newline.
 * The whitespace before such a standalone partial tag is prepended to every
 * line of the partial. New delimiters apply to the rest of their template
 * only, not to the partials it includes.
 *
 * Choices where the Mustache specification leaves room:
 *   - Names of variables and sections contain only letters, digits, '_' and
 *     '-', with '.' between parts. Partial names contain letters, digits,
 *     '_', '-' and '.'. Anything else is a compile error.
 *   - A string renders as is and an integer in decimal. A double renders in
 *     the shortest form that reads back as the same value (1.5, 0.1, 3).
 *     true and false render as "true" and "false". Null, a missing name, an
 *     object and an array render as nothing.
 *   - A section is skipped for a missing name, null, false, an empty array
 *     and an empty string. Every other value is truthy, including 0 and an
 *     empty object. An array repeats the section once per element, with the
 *     element as the innermost context. Any other truthy value renders the
 *     section once with the value as the innermost context, so {{.}} works.
 *   - A name is looked up from the innermost context outwards, and the first
 *     object that has the key wins, even when the value there is null. The
 *     parts after the first dot are looked up only inside that value.
 *   - A partial that is not in the set renders as nothing, but
 *     template_set_link reports it as an error, so a server that links its
 *     set at load time never renders one.
 */
#ifndef STETHOSCOPE_TEMPLATE_H
#define STETHOSCOPE_TEMPLATE_H

#include <stddef.h>

#include <json-c/json.h>

#include "buf.h"
#include "diag.h"

/* Maximum nesting of sections within one template, checked at compile time. */
#define TEMPLATE_SECTION_DEPTH_MAX	64

/* Maximum nesting of partials while rendering, so recursion always ends. */
#define TEMPLATE_PARTIAL_DEPTH_MAX	32

/* Maximum size in bytes of a template file. */
#define TEMPLATE_FILE_SIZE_MAX		(1024 * 1024)

/* The file name suffix that template_set_load_dir picks up. */
#define TEMPLATE_FILE_SUFFIX		".mustache"

struct template_set;

/*
 * Create an empty set. The caller owns it and frees it with
 * template_set_free. Never returns NULL.
 */
struct template_set *template_set_new(void);

/* Free the set and every template in it. NULL is allowed. */
void	template_set_free(struct template_set *set);

/*
 * Compile len bytes of text as the template called name. filename is only
 * used in error messages. The set keeps its own copies of all three
 * strings. Returns 0, or -1 with every problem found added to diags as
 * FILE:LINE:COLUMN, in which case nothing is added to the set. A name that
 * is already in the set is an error naming both files.
 */
int	template_set_add_string(struct template_set *set, const char *name,
	    const char *filename, const char *text, size_t len,
	    struct diag_list *diags);

/*
 * Read the file at path and compile it as the template called name.
 * Returns 0, or -1 with the reason added to diags: the file cannot be read,
 * is not a regular file, is larger than TEMPLATE_FILE_SIZE_MAX, or fails to
 * compile.
 */
int	template_set_add_file(struct template_set *set, const char *name,
	    const char *path, struct diag_list *diags);

/*
 * Compile every regular file DIR/NAME.mustache as the template NAME, in
 * sorted order. Other files, subdirectories and names starting with '.'
 * are skipped, so the directory is not searched recursively. Every file is
 * tried even after one fails. Returns 0, or -1 with every problem added to
 * diags. A directory that cannot be opened is reported under its path.
 */
int	template_set_load_dir(struct template_set *set, const char *dir,
	    struct diag_list *diags);

/*
 * Check that every partial referenced by any template of the set names a
 * template in the set, and bind each reference to its template so that
 * rendering needs no lookup. Call it again after adding templates. Returns
 * 0, or -1 with one "FILE:LINE:COLUMN: unknown partial" diagnostic per
 * unknown reference, positioned at the tag.
 */
int	template_set_link(struct template_set *set, struct diag_list *diags);

/* Return 1 when the set has a template called name, 0 otherwise. */
int	template_set_has(const struct template_set *set, const char *name);

/*
 * Render the template called name with data as the root context and append
 * the result to out. data may be NULL, which renders like JSON null.
 * Returns 0, or -1 when name is not in the set or when partials nest deeper
 * than TEMPLATE_PARTIAL_DEPTH_MAX (logged here with the template names).
 * After -1, out may contain part of the page. Rendering cannot fail in any
 * other way. The context stack lives on the C stack, so apart from the
 * growth of out and that log line, a render does not allocate.
 */
int	template_render(const struct template_set *set, const char *name,
	    struct json_object *data, struct buf *out);

#endif
