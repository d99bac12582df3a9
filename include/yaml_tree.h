/*
 * A YAML document loaded into a small tree of scalars, lists and mappings,
 * for loaders that validate it against their own table of keys
 * (stethoscope.yaml, practices.yaml).
 *
 * Only the part of YAML that a configuration file needs is accepted:
 * one document, no anchors or aliases, no explicit tags, scalar mapping
 * keys without duplicates, and a bounded size and nesting depth. Scalars
 * stay text; the loaders decide what a value means.
 */
#ifndef STETHOSCOPE_YAML_TREE_H
#define STETHOSCOPE_YAML_TREE_H

#include <stddef.h>

#include "buf.h"
#include "diag.h"

enum ynode_kind {
	YNODE_SCALAR,
	YNODE_SEQUENCE,
	YNODE_MAPPING,
	YNODE__MAX
};

struct ynode {
	enum ynode_kind	  kind;
	int		  line;		/* 1-based start of the node */
	int		  column;	/* 1-based, in characters */
	char		 *value;	/* scalars: NUL-terminated text */
	size_t		  len;		/* scalars: bytes, NULs included */
	int		  plain;	/* scalars: 1 when not quoted */
	struct ynode	**keys;		/* mappings: keys in file order */
	struct ynode	**items;	/* list items, or each key's value */
	size_t		  count;	/* items (and keys for a mapping) */
};

struct yaml_limits {
	size_t		 max_bytes;	/* larger input is rejected unparsed */
	int		 max_depth;	/* nested lists and mappings */
};

#define YAML_TREE_DEFAULT_MAX_BYTES	(1024 * 1024)
#define YAML_TREE_DEFAULT_MAX_DEPTH	32

/*
 * Read the file at path and load it with yaml_tree_load_buffer, using
 * path as the file name in diagnostics. A missing or unreadable file and
 * a file over limits->max_bytes are reported without line and column.
 */
int	yaml_tree_load_file(const char *path, const struct yaml_limits *limits,
	    struct ynode **root, struct diag_list *diags);

/*
 * Parse len bytes of YAML into a tree. limits may be NULL for the
 * YAML_TREE_DEFAULT_* values. On success return 0 and store the root in
 * *root, which the caller frees with ynode_free. A stream with no document
 * (an empty file, or only comments) is not an error: *root is then NULL
 * and the caller decides what that means.
 *
 * On failure return -1, leave *root NULL and add every problem found to
 * diags as FILE:LINE:COLUMN: message, with filename as FILE. Problems that
 * leave the rest of the file readable (anchors, aliases, tags, duplicate or
 * non-scalar keys) are all collected. A syntax error, nesting deeper than
 * limits->max_depth or a second document ends parsing at that point.
 */
int	yaml_tree_load_buffer(const char *filename, const char *data,
	    size_t len, const struct yaml_limits *limits, struct ynode **root,
	    struct diag_list *diags);

/* Free node and everything below it. NULL is allowed. */
void	ynode_free(struct ynode *node);

/*
 * Return the value stored under key in a mapping, or NULL when the key is
 * absent or map is NULL or not a mapping. The node stays owned by the tree.
 */
const struct ynode *ynode_get(const struct ynode *map, const char *key);

/*
 * Return 1 for a plain scalar that YAML reads as null: empty, "~", "null",
 * "Null" or "NULL". A quoted "null" is a string and returns 0.
 */
int	ynode_is_null(const struct ynode *node);

/* Return "a scalar", "a list" or "a mapping", for use in messages. */
const char *ynode_kind_name(enum ynode_kind kind);

/*
 * Append s in double quotes for use in a message. Quotes, backslashes and
 * control characters are escaped, and text past 64 bytes is cut at a
 * character boundary and marked with "...", so a hostile or huge value
 * cannot garble a diagnostic line.
 */
void	yaml_quote(struct buf *out, const char *s, size_t len);

#endif
