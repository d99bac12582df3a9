/* Loading one YAML document into a ynode tree with libyaml's event API. */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml.h>

#include "buf.h"
#include "diag.h"
#include "xalloc.h"
#include "yaml_tree.h"

/* Maximum bytes of a value that yaml_quote copies into a message. */
#define QUOTE_MAX_BYTES	64

/* An open list or mapping and the allocated capacity of its arrays. */
struct frame {
	struct ynode	*node;
	size_t		 cap;
};

struct tree_loader {
	const char		*file;
	const char		*data;
	size_t			 len;
	int			 max_depth;
	struct diag_list	*diags;
	struct frame		*stack;
	int			 depth;
	int			 stack_cap;
	struct ynode		*root;
	int			 documents;
	int			 stop;	/* set by an error that ends parsing */
};

static const char *const kind_names[YNODE__MAX] = {
	[YNODE_SCALAR] = "a scalar",
	[YNODE_SEQUENCE] = "a list",
	[YNODE_MAPPING] = "a mapping",
};

const char *
ynode_kind_name(enum ynode_kind kind)
{
	if ((unsigned)kind >= YNODE__MAX)
		return "an unknown node";
	return kind_names[kind];
}

void
yaml_quote(struct buf *out, const char *s, size_t len)
{
	size_t		 i, shown;
	unsigned char	 c;

	/* Cut before a UTF-8 continuation byte so no character is split. */
	shown = len;
	if (shown > QUOTE_MAX_BYTES) {
		shown = QUOTE_MAX_BYTES;
		while (shown > 0 && ((unsigned char)s[shown] & 0xc0) == 0x80)
			shown--;
	}

	buf_putc(out, '"');
	for (i = 0; i < shown; i++) {
		c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			buf_printf(out, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			buf_printf(out, "\\x%02x", c);
		else
			buf_putc(out, (char)c);
	}
	if (shown < len)
		buf_puts(out, "...");
	buf_putc(out, '"');
}

void
ynode_free(struct ynode *node)
{
	size_t	 i;

	if (node == NULL)
		return;
	for (i = 0; i < node->count; i++) {
		if (node->keys != NULL)
			ynode_free(node->keys[i]);
		ynode_free(node->items[i]);
	}
	free(node->keys);
	free(node->items);
	free(node->value);
	free(node);
}

const struct ynode *
ynode_get(const struct ynode *map, const char *key)
{
	size_t	 i, keylen;

	if (map == NULL || map->kind != YNODE_MAPPING)
		return NULL;
	keylen = strlen(key);
	for (i = 0; i < map->count; i++) {
		const struct ynode *k = map->keys[i];

		if (k->kind == YNODE_SCALAR && k->len == keylen &&
		    memcmp(k->value, key, keylen) == 0)
			return map->items[i];
	}
	return NULL;
}

int
ynode_is_null(const struct ynode *node)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };
	size_t	 i;

	if (node == NULL || node->kind != YNODE_SCALAR || !node->plain)
		return 0;
	for (i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
		if (strcmp(node->value, nulls[i]) == 0)
			return 1;
	return 0;
}

/* --- building the tree ------------------------------------------------- */

static void
report(struct tree_loader *tl, yaml_mark_t mark, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
report(struct tree_loader *tl, yaml_mark_t mark, const char *fmt, ...)
{
	struct buf	 msg = BUF_INIT;
	va_list		 ap;

	va_start(ap, fmt);
	buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	diag_add(tl->diags, tl->file, (int)mark.line + 1, (int)mark.column + 1,
	    "%s", msg.data);
	buf_free(&msg);
}

static struct ynode *
node_new(enum ynode_kind kind, yaml_mark_t mark)
{
	struct ynode	*node;

	node = xcalloc(1, sizeof(*node));
	node->kind = kind;
	node->line = (int)mark.line + 1;
	node->column = (int)mark.column + 1;
	return node;
}

/*
 * Report what this loader does not accept on a node: an anchor (aliases
 * are reported where they occur) or an explicit tag.
 */
static void
check_properties(struct tree_loader *tl, yaml_mark_t mark,
    const yaml_char_t *anchor, const yaml_char_t *tag)
{
	static const char core_prefix[] = "tag:yaml.org,2002:";
	struct buf	 written = BUF_INIT, quoted = BUF_INIT;
	const char	*text;

	if (anchor != NULL)
		report(tl, mark, "anchors and aliases are not supported");
	if (tag == NULL)
		return;

	/* libyaml expands "!!str" to a full tag, so shorten it back. */
	text = (const char *)tag;
	if (strncmp(text, core_prefix, sizeof(core_prefix) - 1) == 0)
		buf_printf(&written, "!!%s", text + sizeof(core_prefix) - 1);
	else
		buf_puts(&written, text);
	yaml_quote(&quoted, written.data, written.len);
	report(tl, mark, "tag %s is not supported; write the value without "
	    "a tag", quoted.data);
	buf_free(&quoted);
	buf_free(&written);
}

/*
 * Hang node under the innermost open list or mapping, or make it the root.
 * In a mapping, nodes alternate between key and value: a key is appended
 * with a NULL value, which the next node fills in.
 */
static void
attach(struct tree_loader *tl, struct ynode *node, yaml_mark_t mark)
{
	struct frame	*f;
	struct ynode	*parent;

	if (tl->depth == 0) {
		tl->root = node;
		return;
	}
	f = &tl->stack[tl->depth - 1];
	parent = f->node;

	if (parent->kind == YNODE_MAPPING && parent->count > 0 &&
	    parent->items[parent->count - 1] == NULL) {
		parent->items[parent->count - 1] = node;
		return;
	}

	if (parent->count == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 8;
		parent->items = xrealloc(parent->items,
		    f->cap * sizeof(parent->items[0]));
		if (parent->kind == YNODE_MAPPING)
			parent->keys = xrealloc(parent->keys,
			    f->cap * sizeof(parent->keys[0]));
	}
	if (parent->kind == YNODE_SEQUENCE) {
		parent->items[parent->count++] = node;
		return;
	}

	parent->keys[parent->count] = node;
	parent->items[parent->count] = NULL;
	parent->count++;
	if (node->kind != YNODE_SCALAR)
		report(tl, mark, "a mapping key must be a scalar, not %s",
		    ynode_kind_name(node->kind));
}

static void
open_collection(struct tree_loader *tl, enum ynode_kind kind,
    yaml_mark_t mark)
{
	struct ynode	*node;

	/*
	 * libyaml 0.2.5 has no depth limit, and the tree is freed and
	 * validated recursively, so a deep document stops here.
	 */
	if (tl->depth >= tl->max_depth) {
		report(tl, mark, "nesting deeper than %d levels",
		    tl->max_depth);
		tl->stop = 1;
		return;
	}

	node = node_new(kind, mark);
	attach(tl, node, mark);

	if (tl->depth == tl->stack_cap) {
		tl->stack_cap = tl->stack_cap ? tl->stack_cap * 2 : 8;
		tl->stack = xrealloc(tl->stack,
		    (size_t)tl->stack_cap * sizeof(tl->stack[0]));
	}
	tl->stack[tl->depth].node = node;
	tl->stack[tl->depth].cap = 0;
	tl->depth++;
}

struct key_ref {
	const struct ynode	*key;
	size_t			 index;
};

/* Order by key text, then by position, so a key's first use comes first. */
static int
compare_key_text(const void *a, const void *b)
{
	const struct key_ref *ra = a, *rb = b;
	size_t	 n;
	int	 c;

	n = ra->key->len < rb->key->len ? ra->key->len : rb->key->len;
	if ((c = memcmp(ra->key->value, rb->key->value, n)) != 0)
		return c;
	if (ra->key->len != rb->key->len)
		return ra->key->len < rb->key->len ? -1 : 1;
	return ra->index < rb->index ? -1 : ra->index > rb->index;
}

static int
compare_key_index(const void *a, const void *b)
{
	const struct key_ref *ra = a, *rb = b;

	return ra->index < rb->index ? -1 : ra->index > rb->index;
}

static int
same_text(const struct ynode *a, const struct ynode *b)
{
	return a->len == b->len && memcmp(a->value, b->value, a->len) == 0;
}

/*
 * Report each key that repeats an earlier one in the same mapping. Sorting
 * keeps this O(n log n), so a large generated file cannot make it slow.
 * Duplicates are then reported in file order.
 */
static void
check_duplicate_keys(struct tree_loader *tl, const struct ynode *map)
{
	struct key_ref	*refs, *dups;
	struct buf	 quoted = BUF_INIT;
	size_t		 i, n, ndups, first;
	const struct ynode *key, *orig;

	if (map->count < 2)
		return;
	refs = xcalloc(map->count, sizeof(refs[0]));
	dups = xcalloc(map->count, sizeof(dups[0]));

	n = 0;
	for (i = 0; i < map->count; i++) {
		if (map->keys[i]->kind != YNODE_SCALAR)
			continue;
		refs[n].key = map->keys[i];
		refs[n].index = i;
		n++;
	}
	qsort(refs, n, sizeof(refs[0]), compare_key_text);

	/* Each dups[].index is a repeat, and dups[].key its first definition. */
	ndups = 0;
	first = 0;
	for (i = 1; i < n; i++) {
		if (!same_text(refs[i].key, refs[first].key)) {
			first = i;
			continue;
		}
		dups[ndups].index = refs[i].index;
		dups[ndups].key = refs[first].key;
		ndups++;
	}
	qsort(dups, ndups, sizeof(dups[0]), compare_key_index);

	for (i = 0; i < ndups; i++) {
		key = map->keys[dups[i].index];
		orig = dups[i].key;
		buf_reset(&quoted);
		yaml_quote(&quoted, key->value, key->len);
		diag_add(tl->diags, tl->file, key->line, key->column,
		    "duplicate key %s (first defined at %d:%d)", quoted.data,
		    orig->line, orig->column);
	}

	buf_free(&quoted);
	free(dups);
	free(refs);
}

static void
close_collection(struct tree_loader *tl)
{
	struct ynode	*node;

	node = tl->stack[--tl->depth].node;
	if (node->kind == YNODE_MAPPING)
		check_duplicate_keys(tl, node);
}

static void
add_scalar(struct tree_loader *tl, const yaml_event_t *ev)
{
	struct ynode	*node;

	node = node_new(YNODE_SCALAR, ev->start_mark);
	node->len = ev->data.scalar.length;
	node->value = xstrndup((const char *)ev->data.scalar.value, node->len);
	node->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	attach(tl, node, ev->start_mark);
}

static void
handle_event(struct tree_loader *tl, const yaml_event_t *ev)
{
	struct buf	 text = BUF_INIT;
	struct ynode	*placeholder;

	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (++tl->documents > 1) {
			report(tl, ev->start_mark, "a second YAML document "
			    "starts here; the file must contain only one");
			tl->stop = 1;
		}
		break;
	case YAML_ALIAS_EVENT:
		/* A placeholder "*name" keeps keys and values paired. */
		report(tl, ev->start_mark,
		    "anchors and aliases are not supported");
		placeholder = node_new(YNODE_SCALAR, ev->start_mark);
		buf_printf(&text, "*%s", (const char *)ev->data.alias.anchor);
		placeholder->len = text.len;
		placeholder->value = buf_detach(&text);
		attach(tl, placeholder, ev->start_mark);
		break;
	case YAML_SCALAR_EVENT:
		check_properties(tl, ev->start_mark, ev->data.scalar.anchor,
		    ev->data.scalar.tag);
		add_scalar(tl, ev);
		break;
	case YAML_SEQUENCE_START_EVENT:
		check_properties(tl, ev->start_mark,
		    ev->data.sequence_start.anchor,
		    ev->data.sequence_start.tag);
		open_collection(tl, YNODE_SEQUENCE, ev->start_mark);
		break;
	case YAML_MAPPING_START_EVENT:
		check_properties(tl, ev->start_mark,
		    ev->data.mapping_start.anchor,
		    ev->data.mapping_start.tag);
		open_collection(tl, YNODE_MAPPING, ev->start_mark);
		break;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		close_collection(tl);
		break;
	default:
		break;
	}
}

/*
 * Find the 1-based line and column of a byte offset, counting columns in
 * characters the way libyaml marks do. Reader errors (bad encoding,
 * control characters) come with an offset only.
 */
static void
offset_position(const char *data, size_t len, size_t offset, int *line,
    int *column)
{
	size_t	 i;

	*line = 1;
	*column = 1;
	if (offset > len)
		offset = len;
	for (i = 0; i < offset; i++) {
		if (data[i] == '\n') {
			(*line)++;
			*column = 1;
		} else if (((unsigned char)data[i] & 0xc0) != 0x80) {
			(*column)++;
		}
	}
}

static void
report_parser_error(struct tree_loader *tl, const yaml_parser_t *parser)
{
	const char	*problem;
	int		 line, column;

	problem = parser->problem != NULL ? parser->problem : "invalid YAML";
	switch (parser->error) {
	case YAML_MEMORY_ERROR:
		diag_add(tl->diags, tl->file, 0, 0,
		    "out of memory while parsing YAML");
		break;
	case YAML_READER_ERROR:
		offset_position(tl->data, tl->len, parser->problem_offset,
		    &line, &column);
		if (parser->problem_value != -1)
			diag_add(tl->diags, tl->file, line, column,
			    "%s (#x%02X)", problem, parser->problem_value);
		else
			diag_add(tl->diags, tl->file, line, column, "%s",
			    problem);
		break;
	default:
		if (parser->context != NULL)
			diag_add(tl->diags, tl->file,
			    (int)parser->problem_mark.line + 1,
			    (int)parser->problem_mark.column + 1,
			    "%s (%s at %d:%d)", problem, parser->context,
			    (int)parser->context_mark.line + 1,
			    (int)parser->context_mark.column + 1);
		else
			diag_add(tl->diags, tl->file,
			    (int)parser->problem_mark.line + 1,
			    (int)parser->problem_mark.column + 1, "%s",
			    problem);
		break;
	}
}

int
yaml_tree_load_buffer(const char *filename, const char *data, size_t len,
    const struct yaml_limits *limits, struct ynode **root,
    struct diag_list *diags)
{
	struct tree_loader	 tl;
	yaml_parser_t		 parser;
	yaml_event_t		 event;
	yaml_event_type_t	 type;
	size_t			 max_bytes, errors_before;

	*root = NULL;
	errors_before = diags->count;
	memset(&tl, 0, sizeof(tl));
	tl.file = filename;
	tl.data = data;
	tl.len = len;
	tl.diags = diags;
	tl.max_depth = limits != NULL ? limits->max_depth :
	    YAML_TREE_DEFAULT_MAX_DEPTH;
	max_bytes = limits != NULL ? limits->max_bytes :
	    YAML_TREE_DEFAULT_MAX_BYTES;

	if (len > max_bytes) {
		diag_add(diags, filename, 0, 0,
		    "file is %zu bytes; the limit is %zu", len, max_bytes);
		return -1;
	}
	if (!yaml_parser_initialize(&parser)) {
		diag_add(diags, filename, 0, 0,
		    "out of memory while parsing YAML");
		return -1;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)data,
	    len);

	/* Every event is deleted right after it is handled. */
	for (;;) {
		if (!yaml_parser_parse(&parser, &event)) {
			report_parser_error(&tl, &parser);
			break;
		}
		type = event.type;
		handle_event(&tl, &event);
		yaml_event_delete(&event);
		if (tl.stop || type == YAML_STREAM_END_EVENT)
			break;
	}
	yaml_parser_delete(&parser);
	free(tl.stack);

	if (diags->count > errors_before) {
		ynode_free(tl.root);
		return -1;
	}
	*root = tl.root;
	return 0;
}

int
yaml_tree_load_file(const char *path, const struct yaml_limits *limits,
    struct ynode **root, struct diag_list *diags)
{
	struct buf	 data = BUF_INIT;
	struct stat	 st;
	size_t		 max_bytes;
	ssize_t		 n;
	int		 fd, rc = -1;

	*root = NULL;
	max_bytes = limits != NULL ? limits->max_bytes :
	    YAML_TREE_DEFAULT_MAX_BYTES;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		diag_add(diags, path, 0, 0, "cannot read: %s", strerror(errno));
		return -1;
	}

	/* Refuse a large regular file before reading any of it. */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (uintmax_t)st.st_size > max_bytes) {
		diag_add(diags, path, 0, 0,
		    "file is %jd bytes; the limit is %zu",
		    (intmax_t)st.st_size, max_bytes);
		goto out;
	}

	/* Read one byte past the limit to notice a file that grew. */
	for (;;) {
		buf_reserve(&data, 65536);
		n = read(fd, data.data + data.len, data.cap - data.len - 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			diag_add(diags, path, 0, 0, "cannot read: %s",
			    strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		data.len += (size_t)n;
		data.data[data.len] = '\0';
		if (data.len > max_bytes) {
			diag_add(diags, path, 0, 0, "file is more than %zu "
			    "bytes; the limit is %zu", max_bytes, max_bytes);
			goto out;
		}
	}

	rc = yaml_tree_load_buffer(path, data.data != NULL ? data.data : "",
	    data.len, limits, root, diags);

out:
	buf_free(&data);
	close(fd);
	return rc;
}
