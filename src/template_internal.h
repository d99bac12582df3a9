/*
 * The compiled form of a template, shared by the compiler
 * (template_compile.c), the renderer (template_render.c) and the set
 * (template_set.c). Nothing outside these files uses it.
 *
 * A template is a flat array of nodes in source order. A section node is
 * followed by its children, and its end field is the index of the first
 * node after the section, so a renderer walks a range [begin, end) and
 * skips a whole section in one step.
 */
#ifndef STETHOSCOPE_TEMPLATE_INTERNAL_H
#define STETHOSCOPE_TEMPLATE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "diag.h"

enum tnode_kind {
	TNODE_TEXT,		/* literal text, a slice of the source */
	TNODE_INDENT,		/* start of a source line: a partial's indentation goes here */
	TNODE_VARIABLE,		/* {{name}}, HTML-escaped */
	TNODE_RAW,		/* {{{name}}} or {{& name}} */
	TNODE_SECTION,		/* {{#name}} */
	TNODE_INVERTED,		/* {{^name}} */
	TNODE_PARTIAL,		/* {{> name}} */
	TNODE__MAX
};

/* A partial reference that template_set_link has not bound yet. */
#define TNODE_UNBOUND	SIZE_MAX

struct tnode {
	enum tnode_kind	 kind;

	/*
	 * TEXT: the text. PARTIAL: the indentation of a standalone partial
	 * tag, which is prepended to every line of the partial. Both are
	 * offsets into the template's source.
	 */
	size_t		 start;
	size_t		 len;

	/*
	 * VARIABLE, RAW, SECTION, INVERTED: offset into the template's names
	 * of the name's parts, each NUL-terminated, one after the other.
	 * name_parts is 0 for the implicit iterator ".". PARTIAL: offset of
	 * the partial's name as one NUL-terminated string.
	 */
	size_t		 name;
	size_t		 name_parts;

	size_t		 end;		/* SECTION, INVERTED: index after the last child */
	int		 standalone;	/* PARTIAL: the tag was alone on its line */
	size_t		 target;	/* PARTIAL: index in the set, or TNODE_UNBOUND */
	int		 line;		/* PARTIAL: position of the tag for link errors */
	int		 column;
};

struct template {
	char		*name;
	char		*filename;
	char		*source;	/* a private copy of the text, NUL-terminated */
	size_t		 source_len;
	struct buf	 names;		/* NUL-separated name parts of all nodes */
	struct tnode	*nodes;
	size_t		 node_count;
	size_t		 node_cap;
};

struct template_set {
	struct template	**templates;
	size_t		  count;
	size_t		  cap;
};

/*
 * Compile text into a new template called name. Returns the template,
 * owned by the caller and freed with template_free, or NULL with every
 * problem added to diags.
 */
struct template	*template_compile(const char *name, const char *filename,
		    const char *text, size_t len, struct diag_list *diags);

void		 template_free(struct template *t);

/* Return the index of the template called name in set, or -1. */
ptrdiff_t	 template_set_find(const struct template_set *set,
		    const char *name);

#endif
