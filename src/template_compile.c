/*
 * The template compiler: one forward pass over Mustache source that builds
 * the flat node array described in template_internal.h and reports every
 * problem with its FILE:LINE:COLUMN.
 */

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diag.h"
#include "template.h"
#include "template_internal.h"
#include "xalloc.h"

/* Maximum length of a name quoted in an error message. Longer names are cut. */
#define QUOTE_MAX	80

enum tag_kind {
	TAG_VARIABLE,
	TAG_AMPERSAND,
	TAG_TRIPLE,
	TAG_SECTION,
	TAG_INVERTED,
	TAG_CLOSE,
	TAG_COMMENT,
	TAG_PARTIAL,
	TAG_DELIMITER,
	TAG__MAX
};

struct tag {
	enum tag_kind	 kind;
	size_t		 start;		/* offset of the opening delimiter */
	size_t		 end;		/* offset just after the closing delimiter */
	size_t		 body;		/* offset of the content after the sigil */
	size_t		 body_len;
	int		 line;
	int		 column;
	int		 standalone;	/* alone on its line, which is removed */
	size_t		 line_start;	/* offset where a standalone tag's line starts */
};

struct open_section {
	size_t		 node;		/* index of the SECTION or INVERTED node */
	size_t		 name;		/* the name as written, trimmed */
	size_t		 name_len;
	int		 line;
	int		 column;
};

struct compiler {
	struct template		*t;
	const char		*src;
	size_t			 len;
	struct diag_list	*diags;
	int			 failed;

	/* The current delimiters, either static strings or slices of src. */
	const char		*open;
	size_t			 open_len;
	const char		*close;
	size_t			 close_len;

	/* Position of the last tag, so that lines are counted in one pass. */
	size_t			 scan_offset;
	size_t			 scan_line_start;
	int			 scan_line;

	struct open_section	 sections[TEMPLATE_SECTION_DEPTH_MAX];
	size_t			 depth;
};

typedef int	compile_tag_fn(struct compiler *, const struct tag *);

static compile_tag_fn compile_variable, compile_section, compile_close,
    compile_comment, compile_partial, compile_delimiter;

static const struct tag_type {
	char		 sigil;		/* first byte after the opening delimiter */
	int		 can_be_standalone;
	enum tnode_kind	 node_kind;	/* for tags that become a node */
	compile_tag_fn	*compile;
} tag_types[TAG__MAX] = {
	[TAG_VARIABLE] =	{ '\0', 0, TNODE_VARIABLE, compile_variable },
	[TAG_AMPERSAND] =	{ '&', 0, TNODE_RAW, compile_variable },
	[TAG_TRIPLE] =		{ '{', 0, TNODE_RAW, compile_variable },
	[TAG_SECTION] =		{ '#', 1, TNODE_SECTION, compile_section },
	[TAG_INVERTED] =	{ '^', 1, TNODE_INVERTED, compile_section },
	[TAG_CLOSE] =		{ '/', 1, TNODE__MAX, compile_close },
	[TAG_COMMENT] =		{ '!', 1, TNODE__MAX, compile_comment },
	[TAG_PARTIAL] =		{ '>', 1, TNODE_PARTIAL, compile_partial },
	[TAG_DELIMITER] =	{ '=', 1, TNODE__MAX, compile_delimiter },
};

/* Blank bytes may surround a standalone tag on its line. */
static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	    c == '\f';
}

static int
is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static int
quote_len(size_t len)
{
	return len > QUOTE_MAX ? QUOTE_MAX : (int)len;
}

static int
clamp_int(size_t n)
{
	return n > (size_t)INT32_MAX ? INT32_MAX : (int)n;
}

static void
compile_error(struct compiler *c, int line, int column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
compile_error(struct compiler *c, int line, int column, const char *fmt, ...)
{
	struct buf	 msg = BUF_INIT;
	va_list		 ap;

	va_start(ap, fmt);
	buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	diag_add(c->diags, c->t->filename, line, column, "%s", msg.data);
	buf_free(&msg);
	c->failed = 1;
}

/*
 * Find the line and column of offset. Offsets only grow during the pass,
 * so counting newlines from the previous call keeps the total linear.
 */
static void
locate(struct compiler *c, size_t offset, int *line, int *column)
{
	const char	*nl;

	while ((nl = memchr(c->src + c->scan_offset, '\n',
	    offset - c->scan_offset)) != NULL) {
		c->scan_line++;
		c->scan_line_start = (size_t)(nl - c->src) + 1;
		c->scan_offset = c->scan_line_start;
	}
	c->scan_offset = offset;
	*line = c->scan_line;
	*column = clamp_int(offset - c->scan_line_start + 1);
}

static int
at_line_start(const struct compiler *c, size_t offset)
{
	return offset == 0 || c->src[offset - 1] == '\n';
}

static struct tnode *
add_node(struct compiler *c, enum tnode_kind kind)
{
	struct template	*t = c->t;
	struct tnode	*n;

	if (t->node_count == t->node_cap) {
		t->node_cap = t->node_cap ? t->node_cap * 2 : 32;
		t->nodes = xrealloc(t->nodes, t->node_cap * sizeof(t->nodes[0]));
	}
	n = &t->nodes[t->node_count++];
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->target = TNODE_UNBOUND;
	return n;
}

/*
 * Add the text [start, end). Text that begins a source line gets an INDENT
 * node first. The renderer handles the line starts inside the text.
 */
static void
add_text(struct compiler *c, size_t start, size_t end)
{
	struct tnode	*n;

	if (start == end)
		return;
	if (at_line_start(c, start))
		add_node(c, TNODE_INDENT);
	n = add_node(c, TNODE_TEXT);
	n->start = start;
	n->len = end - start;
}

/* Trim whitespace from both ends of the tag's content. */
static void
tag_content(const struct compiler *c, const struct tag *tag, size_t *start,
    size_t *len)
{
	size_t	 s = tag->body, e = tag->body + tag->body_len;

	while (s < e && is_space(c->src[s]))
		s++;
	while (e > s && is_space(c->src[e - 1]))
		e--;
	*start = s;
	*len = e - s;
}

/*
 * Validate a variable or section name and store it in the template's
 * names as NUL-terminated parts. "." is the implicit iterator with no
 * parts. Returns 0, or -1 after reporting the problem.
 */
static int
add_dotted_name(struct compiler *c, const struct tag *tag, size_t start,
    size_t len, struct tnode *n)
{
	const char	*s = c->src + start;
	size_t		 i, part_len = 0, parts = 1;

	n->name = c->t->names.len;
	if (len == 0) {
		compile_error(c, tag->line, tag->column, "empty tag name");
		return -1;
	}
	if (len == 1 && s[0] == '.') {
		n->name_parts = 0;
		buf_putc(&c->t->names, '\0');
		return 0;
	}

	for (i = 0; i < len; i++) {
		if (s[i] == '.' && part_len > 0 && i + 1 < len) {
			parts++;
			part_len = 0;
		} else if (is_name_char(s[i]))
			part_len++;
		else
			goto invalid;
	}

	for (i = 0; i < len; i++)
		buf_putc(&c->t->names, s[i] == '.' ? '\0' : s[i]);
	buf_putc(&c->t->names, '\0');
	n->name_parts = parts;
	return 0;

invalid:
	compile_error(c, tag->line, tag->column, "invalid name \"%.*s\": use "
	    "letters, digits, '_' and '-', with '.' between parts",
	    quote_len(len), s);
	return -1;
}

static int
compile_variable(struct compiler *c, const struct tag *tag)
{
	struct tnode	*n;
	size_t		 start, len;

	tag_content(c, tag, &start, &len);
	n = add_node(c, tag_types[tag->kind].node_kind);
	add_dotted_name(c, tag, start, len, n);
	return 0;
}

static int
compile_section(struct compiler *c, const struct tag *tag)
{
	struct open_section	*open;
	struct tnode		*n;
	size_t			 start, len;

	/* The renderer recurses once per level, so stop compiling here. */
	if (c->depth == TEMPLATE_SECTION_DEPTH_MAX) {
		compile_error(c, tag->line, tag->column,
		    "sections nested deeper than %d levels",
		    TEMPLATE_SECTION_DEPTH_MAX);
		return -1;
	}

	tag_content(c, tag, &start, &len);
	n = add_node(c, tag_types[tag->kind].node_kind);
	add_dotted_name(c, tag, start, len, n);

	open = &c->sections[c->depth++];
	open->node = c->t->node_count - 1;
	open->name = start;
	open->name_len = len;
	open->line = tag->line;
	open->column = tag->column;
	return 0;
}

static int
compile_close(struct compiler *c, const struct tag *tag)
{
	struct open_section	*open;
	size_t			 start, len;

	tag_content(c, tag, &start, &len);
	if (len == 0)
		compile_error(c, tag->line, tag->column, "empty tag name");
	if (c->depth == 0) {
		if (len > 0)
			compile_error(c, tag->line, tag->column,
			    "closing tag \"%.*s\" has no open section",
			    quote_len(len), c->src + start);
		return 0;
	}

	/*
	 * A wrong or empty name still closes the innermost section, so one
	 * typo does not turn every later closing tag into an error.
	 */
	open = &c->sections[c->depth - 1];
	if (len > 0 && (len != open->name_len ||
	    memcmp(c->src + start, c->src + open->name, len) != 0))
		compile_error(c, tag->line, tag->column, "closing tag \"%.*s\" "
		    "does not match open section \"%.*s\" at %d:%d",
		    quote_len(len), c->src + start,
		    quote_len(open->name_len), c->src + open->name,
		    open->line, open->column);
	c->t->nodes[open->node].end = c->t->node_count;
	c->depth--;
	return 0;
}

static int
compile_comment(struct compiler *c, const struct tag *tag)
{
	(void)c;
	(void)tag;
	return 0;
}

static int
compile_partial(struct compiler *c, const struct tag *tag)
{
	struct tnode	*n;
	size_t		 start, len, i;

	tag_content(c, tag, &start, &len);
	if (len == 0) {
		compile_error(c, tag->line, tag->column, "empty tag name");
		return 0;
	}
	for (i = 0; i < len; i++) {
		if (!is_name_char(c->src[start + i]) && c->src[start + i] != '.') {
			compile_error(c, tag->line, tag->column,
			    "invalid partial name \"%.*s\": use letters, "
			    "digits, '_', '-' and '.'",
			    quote_len(len), c->src + start);
			return 0;
		}
	}

	n = add_node(c, TNODE_PARTIAL);
	n->name = c->t->names.len;
	buf_append(&c->t->names, c->src + start, len);
	buf_putc(&c->t->names, '\0');
	n->line = tag->line;
	n->column = tag->column;

	/* A standalone partial indents each of its lines like the tag. */
	if (tag->standalone) {
		n->standalone = 1;
		n->start = tag->line_start;
		n->len = tag->start - tag->line_start;
	}
	return 0;
}

/*
 * {{=OPEN CLOSE=}}: two delimiters separated by whitespace, neither
 * containing whitespace or '='. A bad tag keeps the current delimiters.
 */
static int
compile_delimiter(struct compiler *c, const struct tag *tag)
{
	const char	*s = c->src + tag->body;
	size_t		 len = tag->body_len, i, open_start, open_end;
	size_t		 close_start, close_end;

	if (len == 0 || s[len - 1] != '=') {
		compile_error(c, tag->line, tag->column, "invalid set-delimiter "
		    "tag: missing '=' before the closing delimiter");
		return 0;
	}
	len--;

	for (i = 0; i < len && is_space(s[i]); i++)
		continue;
	open_start = i;
	for (; i < len && !is_space(s[i]); i++)
		continue;
	open_end = i;
	for (; i < len && is_space(s[i]); i++)
		continue;
	close_start = i;
	for (; i < len && !is_space(s[i]); i++)
		continue;
	close_end = i;
	for (; i < len && is_space(s[i]); i++)
		continue;

	if (open_start == open_end || close_start == close_end || i != len) {
		compile_error(c, tag->line, tag->column, "invalid set-delimiter "
		    "tag: expected two delimiters separated by whitespace, as "
		    "in {{=<%% %%>=}}");
		return 0;
	}
	if (memchr(s + open_start, '=', open_end - open_start) != NULL ||
	    memchr(s + close_start, '=', close_end - close_start) != NULL) {
		compile_error(c, tag->line, tag->column, "invalid set-delimiter "
		    "tag: a delimiter must not contain '='");
		return 0;
	}

	c->open = s + open_start;
	c->open_len = open_end - open_start;
	c->close = s + close_start;
	c->close_len = close_end - close_start;
	return 0;
}

static enum tag_kind
tag_kind_of(char sigil)
{
	enum tag_kind	 k;

	for (k = TAG_VARIABLE + 1; k < TAG__MAX; k++)
		if (tag_types[k].sigil == sigil)
			return k;
	return TAG_VARIABLE;
}

/*
 * Find the closing delimiter after the tag's body starts. A triple mustache closes
 * with '}' right before the delimiter, so "{{{a}}}" ends at the last two
 * braces, not the first two.
 */
static const char *
find_close(const struct compiler *c, size_t body, int brace)
{
	const char	*q;
	size_t		 from = body;

	for (;;) {
		q = memmem(c->src + from, c->len - from, c->close, c->close_len);
		if (q == NULL || !brace)
			return q;
		if (q > c->src + body && q[-1] == '}')
			return q;
		from = (size_t)(q - c->src) + 1;
	}
}

/*
 * Find the next tag at or after from. Returns 1 with tag filled in, 0 when
 * no tag is left, and -1 after reporting a tag without its closing
 * delimiter, since the rest of the source cannot be read then.
 */
static int
next_tag(struct compiler *c, size_t from, struct tag *tag)
{
	const char	*p, *q;
	int		 brace;

	p = memmem(c->src + from, c->len - from, c->open, c->open_len);
	if (p == NULL)
		return 0;

	memset(tag, 0, sizeof(*tag));
	tag->start = (size_t)(p - c->src);
	locate(c, tag->start, &tag->line, &tag->column);
	tag->body = tag->start + c->open_len;
	tag->kind = TAG_VARIABLE;
	if (tag->body < c->len)
		tag->kind = tag_kind_of(c->src[tag->body]);
	if (tag->kind != TAG_VARIABLE)
		tag->body++;

	brace = tag->kind == TAG_TRIPLE;
	if ((q = find_close(c, tag->body, brace)) == NULL) {
		compile_error(c, tag->line, tag->column, "unclosed tag: missing "
		    "closing delimiter \"%s%.*s\"", brace ? "}" : "",
		    (int)c->close_len, c->close);
		return -1;
	}
	tag->body_len = (size_t)(q - c->src) - tag->body - (brace ? 1 : 0);
	tag->end = (size_t)(q - c->src) + c->close_len;
	return 1;
}

/*
 * Decide whether the tag is standalone. Only blanks may precede it on its
 * line, and that line must start after the previous tag. Only blanks may
 * follow it up to a newline or the end of the source. If so, record where
 * the line starts and set next to the offset after the line.
 */
static int
find_standalone(const struct compiler *c, size_t text_start,
    struct tag *tag, size_t *next)
{
	const char	*nl;
	size_t		 begin, i;

	nl = memrchr(c->src + text_start, '\n', tag->start - text_start);
	if (nl != NULL)
		begin = (size_t)(nl - c->src) + 1;
	else if (at_line_start(c, text_start))
		begin = text_start;
	else
		return 0;
	for (i = begin; i < tag->start; i++)
		if (!is_blank(c->src[i]))
			return 0;

	for (i = tag->end; i < c->len && is_blank(c->src[i]); i++)
		continue;
	if (i < c->len && c->src[i] == '\n')
		i++;
	else if (i + 1 < c->len && c->src[i] == '\r' && c->src[i + 1] == '\n')
		i += 2;
	else if (i < c->len)
		return 0;

	tag->standalone = 1;
	tag->line_start = begin;
	*next = i;
	return 1;
}

static struct template *
template_new(const char *name, const char *filename, const char *text,
    size_t len)
{
	struct template	*t;

	t = xcalloc(1, sizeof(*t));
	t->name = xstrdup(name);
	t->filename = xstrdup(filename);
	t->source = xmalloc(len + 1);
	if (len > 0)
		memcpy(t->source, text, len);
	t->source[len] = '\0';
	t->source_len = len;
	return t;
}

void
template_free(struct template *t)
{
	if (t == NULL)
		return;
	free(t->name);
	free(t->filename);
	free(t->source);
	buf_free(&t->names);
	free(t->nodes);
	free(t);
}

struct template *
template_compile(const char *name, const char *filename, const char *text,
    size_t len, struct diag_list *diags)
{
	struct compiler		 c;
	struct tag		 tag;
	struct open_section	*open;
	size_t			 text_start = 0, next, i;
	int			 found;

	memset(&c, 0, sizeof(c));
	c.t = template_new(name, filename, text, len);
	c.src = c.t->source;
	c.len = len;
	c.diags = diags;
	c.open = "{{";
	c.open_len = 2;
	c.close = "}}";
	c.close_len = 2;
	c.scan_line = 1;

	/* Each step adds the text before a tag, then the tag itself. */
	while ((found = next_tag(&c, text_start, &tag)) == 1) {
		if (tag_types[tag.kind].can_be_standalone &&
		    find_standalone(&c, text_start, &tag, &next)) {
			add_text(&c, text_start, tag.line_start);
		} else {
			add_text(&c, text_start, tag.start);

			/* A closing tag's INDENT lands inside its section. */
			if (at_line_start(&c, tag.start))
				add_node(&c, TNODE_INDENT);
			next = tag.end;
		}
		if (tag_types[tag.kind].compile(&c, &tag) == -1)
			goto fail;
		text_start = next;
	}
	if (found == 0)
		add_text(&c, text_start, len);

	/* Report outer sections first, in the order they were opened. */
	for (i = 0; i < c.depth; i++) {
		open = &c.sections[i];
		compile_error(&c, open->line, open->column,
		    "unclosed section \"%.*s\" opened here",
		    quote_len(open->name_len), c.src + open->name);
	}
	if (c.failed)
		goto fail;
	return c.t;

fail:
	template_free(c.t);
	return NULL;
}
