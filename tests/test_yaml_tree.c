/* Tests for the YAML tree loader: accepted documents and every rejection. */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "diag.h"
#include "yaml_tree.h"

#define MAX_EXPECTED	4

/* Load text with a small limit set and the file name "t.yaml". */
static int
load_text(const char *text, int max_depth, struct ynode **root,
    struct diag_list *diags)
{
	struct yaml_limits limits = { 4096, max_depth };

	return yaml_tree_load_buffer("t.yaml", text, strlen(text), &limits,
	    root, diags);
}

/* Format one diagnostic as "FILE:LINE:COLUMN: message" for comparison. */
static char *
format_diag(const struct diag *d)
{
	struct buf	 b = BUF_INIT;

	buf_printf(&b, "%s:%d:%d: %s", d->file, d->line, d->column,
	    d->message);
	return buf_detach(&b);
}

static void
assert_diags(const struct diag_list *diags, const char *const *expected)
{
	size_t	 i, n;
	char	*got;

	for (n = 0; n < MAX_EXPECTED && expected[n] != NULL; n++)
		;
	for (i = 0; diags->count != n && i < diags->count; i++) {
		got = format_diag(&diags->items[i]);
		print_message("got: %s\n", got);
		free(got);
	}
	assert_int_equal(diags->count, n);
	for (i = 0; i < n; i++) {
		got = format_diag(&diags->items[i]);
		assert_string_equal(got, expected[i]);
		free(got);
	}
}

/* --- rejections ----------------------------------------------------------- */

struct reject_case {
	const char	*name;
	const char	*text;
	int		 max_depth;
	const char	*expected[MAX_EXPECTED + 1];
};

static const struct reject_case reject_cases[] = {
	{ "anchor on scalar", "a: &x 1\n", 8,
	    { "t.yaml:1:4: anchors and aliases are not supported" } },
	{ "anchor on mapping", "a: &x\n  b: 1\n", 8,
	    { "t.yaml:1:4: anchors and aliases are not supported" } },
	{ "anchor and alias", "a: &x [1]\nb: *x\n", 8,
	    { "t.yaml:1:4: anchors and aliases are not supported",
	      "t.yaml:2:4: anchors and aliases are not supported" } },
	{ "alias as keys", "? *x\n: 1\n? *y\n: 2\n", 8,
	    { "t.yaml:1:3: anchors and aliases are not supported",
	      "t.yaml:3:3: anchors and aliases are not supported" } },
	{ "alias at root", "*x\n", 8,
	    { "t.yaml:1:1: anchors and aliases are not supported" } },
	{ "core tag", "a: !!str 4\n", 8,
	    { "t.yaml:1:4: tag \"!!str\" is not supported; "
	      "write the value without a tag" } },
	{ "local tag on list", "a: !list [1]\n", 8,
	    { "t.yaml:1:4: tag \"!list\" is not supported; "
	      "write the value without a tag" } },
	{ "non-specific tag", "a: ! x\n", 8,
	    { "t.yaml:1:4: tag \"!\" is not supported; "
	      "write the value without a tag" } },
	{ "duplicate key", "a: 1\nb: 2\na: 3\n", 8,
	    { "t.yaml:3:1: duplicate key \"a\" (first defined at 1:1)" } },
	{ "duplicate quoted key", "a: 1\n'a': 2\n", 8,
	    { "t.yaml:2:1: duplicate key \"a\" (first defined at 1:1)" } },
	{ "duplicate keys in file order", "b: 1\na: 1\nb: 2\na: 2\nb: 3\n", 8,
	    { "t.yaml:3:1: duplicate key \"b\" (first defined at 1:1)",
	      "t.yaml:4:1: duplicate key \"a\" (first defined at 2:1)",
	      "t.yaml:5:1: duplicate key \"b\" (first defined at 1:1)" } },
	{ "duplicate key nested", "top:\n  x: 1\n  x: 2\n", 8,
	    { "t.yaml:3:3: duplicate key \"x\" (first defined at 2:3)" } },
	{ "duplicate key flow", "{a: 1, a: 2}\n", 8,
	    { "t.yaml:1:8: duplicate key \"a\" (first defined at 1:2)" } },
	{ "list as key", "? [k]\n: v\n", 8,
	    { "t.yaml:1:3: a mapping key must be a scalar, not a list" } },
	{ "mapping as key", "? {k: 1}\n: v\n", 8,
	    { "t.yaml:1:3: a mapping key must be a scalar, not a mapping" } },
	{ "too deep lists", "a: [[[1]]]\n", 3,
	    { "t.yaml:1:6: nesting deeper than 3 levels" } },
	{ "too deep mappings", "a:\n  b:\n    c: 1\n", 2,
	    { "t.yaml:3:5: nesting deeper than 2 levels" } },
	{ "second document", "a: 1\n---\nb: 2\n", 8,
	    { "t.yaml:2:1: a second YAML document starts here; "
	      "the file must contain only one" } },
	{ "second document after end", "---\na: 1\n...\n---\nb: 2\n", 8,
	    { "t.yaml:4:1: a second YAML document starts here; "
	      "the file must contain only one" } },
	{ "syntax mapping in value", "a: b: c\n", 8,
	    { "t.yaml:1:5: mapping values are not allowed in this context" } },
	{ "syntax bad indent", "a:\n  - 1\n b: 2\n", 8,
	    { "t.yaml:3:2: did not find expected key "
	      "(while parsing a block mapping at 1:1)" } },
	{ "syntax unclosed quote", "a: \"x\n", 8,
	    { "t.yaml:2:1: found unexpected end of stream "
	      "(while scanning a quoted scalar at 1:4)" } },
	{ "invalid utf-8", "a: 1\nb: \"\xff\"\n", 8,
	    { "t.yaml:2:5: invalid leading UTF-8 octet (#xFF)" } },
	{ "control character", "a: 1\n\x01\n", 8,
	    { "t.yaml:2:1: control characters are not allowed (#x01)" } },
	{ "errors collected", "a: &x 1\nb: !!int 2\na: 3\n", 8,
	    { "t.yaml:1:4: anchors and aliases are not supported",
	      "t.yaml:2:4: tag \"!!int\" is not supported; "
	      "write the value without a tag",
	      "t.yaml:3:1: duplicate key \"a\" (first defined at 1:1)" } },
	{ "long key quoted", "? \"0123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789\"\n: 1\n"
	    "? \"0123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789\"\n: 2\n", 8,
	    { "t.yaml:3:3: duplicate key \"0123456789012345678901234567890"
	      "123456789012345678901234567890123...\" (first defined at 1:3)" } },
};

static void
test_reject_cases(void **state)
{
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct ynode		*root;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(reject_cases) / sizeof(reject_cases[0]); i++) {
		const struct reject_case *c = &reject_cases[i];

		print_message("case: %s\n", c->name);
		root = (struct ynode *)1;
		assert_int_equal(load_text(c->text, c->max_depth, &root,
		    &diags), -1);
		assert_null(root);
		assert_diags(&diags, c->expected);
		diag_clear(&diags);
	}
}

/* --- accepted documents --------------------------------------------------- */

static void
assert_scalar(const struct ynode *node, const char *value, int line,
    int column, int plain)
{
	assert_non_null(node);
	assert_int_equal(node->kind, YNODE_SCALAR);
	assert_string_equal(node->value, value);
	assert_int_equal(node->len, strlen(value));
	assert_int_equal(node->line, line);
	assert_int_equal(node->column, column);
	assert_int_equal(node->plain, plain);
}

static void
test_nested_document(void **state)
{
	static const char text[] =
	    "# leading comment\n"
	    "name: demo\n"
	    "server:\n"
	    "  listen: '127.0.0.1:9000'\n"
	    "  ports: [80, \"443\"]\n"
	    "  items:\n"
	    "    - one\n"
	    "    - two: 2\n"
	    "empty:\n";
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct ynode		*root = NULL;
	const struct ynode	*server, *ports, *items, *inner;

	(void)state;
	assert_int_equal(load_text(text, 8, &root, &diags), 0);
	assert_int_equal(diags.count, 0);
	assert_non_null(root);
	assert_int_equal(root->kind, YNODE_MAPPING);
	assert_int_equal(root->line, 2);
	assert_int_equal(root->column, 1);
	assert_int_equal(root->count, 3);
	assert_scalar(root->keys[0], "name", 2, 1, 1);
	assert_scalar(root->items[0], "demo", 2, 7, 1);
	assert_scalar(root->keys[1], "server", 3, 1, 1);
	assert_scalar(root->keys[2], "empty", 9, 1, 1);

	server = ynode_get(root, "server");
	assert_ptr_equal(server, root->items[1]);
	assert_int_equal(server->kind, YNODE_MAPPING);
	assert_int_equal(server->line, 4);
	assert_int_equal(server->column, 3);
	assert_scalar(ynode_get(server, "listen"), "127.0.0.1:9000", 4, 11, 0);

	ports = ynode_get(server, "ports");
	assert_int_equal(ports->kind, YNODE_SEQUENCE);
	assert_null(ports->keys);
	assert_int_equal(ports->count, 2);
	assert_int_equal(ports->line, 5);
	assert_int_equal(ports->column, 10);
	assert_scalar(ports->items[0], "80", 5, 11, 1);
	assert_scalar(ports->items[1], "443", 5, 15, 0);

	items = ynode_get(server, "items");
	assert_int_equal(items->kind, YNODE_SEQUENCE);
	assert_int_equal(items->count, 2);
	assert_int_equal(items->line, 7);
	assert_int_equal(items->column, 5);
	assert_scalar(items->items[0], "one", 7, 7, 1);
	inner = items->items[1];
	assert_int_equal(inner->kind, YNODE_MAPPING);
	assert_scalar(ynode_get(inner, "two"), "2", 8, 12, 1);

	assert_scalar(ynode_get(root, "empty"), "", 9, 7, 1);
	assert_true(ynode_is_null(ynode_get(root, "empty")));

	ynode_free(root);
}

static void
test_depth_at_limit(void **state)
{
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct ynode		*root = NULL;

	(void)state;
	assert_int_equal(load_text("a: [[1]]\n", 3, &root, &diags), 0);
	assert_int_equal(diags.count, 0);
	assert_int_equal(root->items[0]->items[0]->kind, YNODE_SEQUENCE);
	assert_scalar(root->items[0]->items[0]->items[0], "1", 1, 6, 1);
	ynode_free(root);
}

static void
test_empty_stream(void **state)
{
	static const char *const texts[] = {
		"", "\n\n", "# only a comment\n", "   \n# another\n",
	};
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct ynode		*root;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		root = (struct ynode *)1;
		assert_int_equal(load_text(texts[i], 8, &root, &diags), 0);
		assert_null(root);
		assert_int_equal(diags.count, 0);
	}
}

static void
test_empty_document_is_null_scalar(void **state)
{
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct ynode		*root = NULL;

	(void)state;
	assert_int_equal(load_text("---\n", 8, &root, &diags), 0);
	assert_scalar(root, "", 2, 1, 1);
	assert_true(ynode_is_null(root));
	ynode_free(root);
}

static void
test_scalar_styles(void **state)
{
	static const char text[] =
	    "a: ~\nb: null\nc: 'null'\nd: \"~\"\ne: NULL\nf: nil\n"
	    "g: |\n  line\nh: \"x\\0y\"\n";
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct ynode		*root = NULL;
	const struct ynode	*h;

	(void)state;
	assert_int_equal(load_text(text, 8, &root, &diags), 0);
	assert_true(ynode_is_null(ynode_get(root, "a")));
	assert_true(ynode_is_null(ynode_get(root, "b")));
	assert_false(ynode_is_null(ynode_get(root, "c")));
	assert_false(ynode_is_null(ynode_get(root, "d")));
	assert_true(ynode_is_null(ynode_get(root, "e")));
	assert_false(ynode_is_null(ynode_get(root, "f")));
	assert_false(ynode_is_null(root));
	assert_false(ynode_is_null(NULL));
	assert_scalar(ynode_get(root, "g"), "line\n", 7, 4, 0);

	/* An escaped NUL stays in the value, and len counts it. */
	h = ynode_get(root, "h");
	assert_int_equal(h->len, 3);
	assert_memory_equal(h->value, "x\0y", 4);
	ynode_free(root);
}

static void
test_get(void **state)
{
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct ynode		*root = NULL;

	(void)state;
	assert_int_equal(load_text("a: [1]\nab: 2\n", 8, &root, &diags), 0);
	assert_ptr_equal(ynode_get(root, "a"), root->items[0]);
	assert_ptr_equal(ynode_get(root, "ab"), root->items[1]);
	assert_null(ynode_get(root, "b"));
	assert_null(ynode_get(root, ""));
	assert_null(ynode_get(root->items[0], "1"));
	assert_null(ynode_get(NULL, "a"));
	ynode_free(root);
	ynode_free(NULL);
}

static void
test_many_keys_one_duplicate(void **state)
{
	struct buf		 text = BUF_INIT;
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct ynode		*root = NULL;
	struct yaml_limits	 limits = { 1 << 20, 4 };
	int			 i;

	(void)state;
	for (i = 0; i < 2000; i++)
		buf_printf(&text, "key%d: %d\n", i, i);
	buf_puts(&text, "key1234: again\n");
	assert_int_equal(yaml_tree_load_buffer("t.yaml", text.data, text.len,
	    &limits, &root, &diags), -1);
	assert_int_equal(diags.count, 1);
	assert_int_equal(diags.items[0].line, 2001);
	assert_int_equal(diags.items[0].column, 1);
	assert_string_equal(diags.items[0].message,
	    "duplicate key \"key1234\" (first defined at 1235:1)");
	diag_clear(&diags);
	buf_free(&text);
}

static void
test_earlier_diags_kept(void **state)
{
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct ynode		*root = NULL;

	(void)state;
	diag_add(&diags, "other.yaml", 1, 1, "earlier problem");
	assert_int_equal(load_text("a: 1\n", 8, &root, &diags), 0);
	assert_non_null(root);
	assert_int_equal(diags.count, 1);
	ynode_free(root);
	diag_clear(&diags);
}

static void
test_buffer_over_limit(void **state)
{
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct ynode		*root = NULL;
	struct yaml_limits	 limits = { 8, 4 };

	(void)state;
	assert_int_equal(yaml_tree_load_buffer("t.yaml", "a: 12345\n", 9,
	    &limits, &root, &diags), -1);
	assert_null(root);
	assert_int_equal(diags.count, 1);
	assert_int_equal(diags.items[0].line, 0);
	assert_string_equal(diags.items[0].message,
	    "file is 9 bytes; the limit is 8");
	diag_clear(&diags);
}

static void
test_default_limits(void **state)
{
	struct buf		 text = BUF_INIT;
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct ynode		*root = NULL;
	int			 i;

	(void)state;
	for (i = 0; i < YAML_TREE_DEFAULT_MAX_DEPTH + 1; i++)
		buf_putc(&text, '[');
	assert_int_equal(yaml_tree_load_buffer("t.yaml", text.data, text.len,
	    NULL, &root, &diags), -1);
	assert_int_equal(diags.count, 1);
	assert_int_equal(diags.items[0].column,
	    YAML_TREE_DEFAULT_MAX_DEPTH + 1);
	assert_string_equal(diags.items[0].message,
	    "nesting deeper than 32 levels");
	diag_clear(&diags);
	buf_free(&text);
}

/* --- files -------------------------------------------------------------- */

struct file_fixture {
	char	 dir[64];
	char	 path[128];
};

static int
file_setup(void **state)
{
	struct file_fixture *fx;

	fx = calloc(1, sizeof(*fx));
	if (fx == NULL)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/test_yaml_tree.XXXXXX");
	if (mkdtemp(fx->dir) == NULL) {
		free(fx);
		return -1;
	}
	snprintf(fx->path, sizeof(fx->path), "%s/doc.yaml", fx->dir);
	*state = fx;
	return 0;
}

static int
file_teardown(void **state)
{
	struct file_fixture *fx = *state;

	unlink(fx->path);
	rmdir(fx->dir);
	free(fx);
	return 0;
}

static void
write_file(const char *path, const char *text)
{
	FILE	*f;

	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
}

static void
test_file_ok(void **state)
{
	struct file_fixture	*fx = *state;
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct ynode		*root = NULL;

	write_file(fx->path, "a: 1\n");
	assert_int_equal(yaml_tree_load_file(fx->path, NULL, &root, &diags), 0);
	assert_scalar(ynode_get(root, "a"), "1", 1, 4, 1);
	ynode_free(root);
}

static void
test_file_errors_name_path(void **state)
{
	struct file_fixture	*fx = *state;
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct ynode		*root = NULL;

	write_file(fx->path, "a: 1\na: 2\n");
	assert_int_equal(yaml_tree_load_file(fx->path, NULL, &root, &diags),
	    -1);
	assert_int_equal(diags.count, 1);
	assert_string_equal(diags.items[0].file, fx->path);
	assert_int_equal(diags.items[0].line, 2);
	diag_clear(&diags);
}

static void
test_file_missing(void **state)
{
	struct file_fixture	*fx = *state;
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct ynode		*root = NULL;

	assert_int_equal(yaml_tree_load_file(fx->path, NULL, &root, &diags),
	    -1);
	assert_null(root);
	assert_int_equal(diags.count, 1);
	assert_string_equal(diags.items[0].file, fx->path);
	assert_int_equal(diags.items[0].line, 0);
	assert_string_equal(diags.items[0].message,
	    "cannot read: No such file or directory");
	diag_clear(&diags);
}

static void
test_file_is_directory(void **state)
{
	struct file_fixture	*fx = *state;
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct ynode		*root = NULL;

	assert_int_equal(yaml_tree_load_file(fx->dir, NULL, &root, &diags),
	    -1);
	assert_int_equal(diags.count, 1);
	assert_string_equal(diags.items[0].message,
	    "cannot read: Is a directory");
	diag_clear(&diags);
}

static void
test_file_over_limit(void **state)
{
	struct file_fixture	*fx = *state;
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct ynode		*root = NULL;
	struct yaml_limits	 limits = { 10, 4 };

	write_file(fx->path, "a: 1234567890\n");
	assert_int_equal(yaml_tree_load_file(fx->path, &limits, &root,
	    &diags), -1);
	assert_int_equal(diags.count, 1);
	assert_int_equal(diags.items[0].line, 0);
	assert_string_equal(diags.items[0].message,
	    "file is 14 bytes; the limit is 10");
	diag_clear(&diags);

	/* Exactly at the limit is accepted. */
	limits.max_bytes = 14;
	assert_int_equal(yaml_tree_load_file(fx->path, &limits, &root,
	    &diags), 0);
	ynode_free(root);
}

static void
test_file_empty(void **state)
{
	struct file_fixture	*fx = *state;
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct ynode		*root = (struct ynode *)1;

	write_file(fx->path, "");
	assert_int_equal(yaml_tree_load_file(fx->path, NULL, &root, &diags), 0);
	assert_null(root);
	assert_int_equal(diags.count, 0);
}

/* --- helpers for messages ------------------------------------------------- */

static void
test_kind_names(void **state)
{
	(void)state;
	assert_string_equal(ynode_kind_name(YNODE_SCALAR), "a scalar");
	assert_string_equal(ynode_kind_name(YNODE_SEQUENCE), "a list");
	assert_string_equal(ynode_kind_name(YNODE_MAPPING), "a mapping");
	assert_string_equal(ynode_kind_name(YNODE__MAX), "an unknown node");
}

static void
test_quote(void **state)
{
	static const struct {
		const char	*in;
		size_t		 len;
		const char	*out;
	} cases[] = {
		{ "plain", 5, "\"plain\"" },
		{ "", 0, "\"\"" },
		{ "a\"b\\c", 5, "\"a\\\"b\\\\c\"" },
		{ "tab\there\n", 9, "\"tab\\x09here\\x0a\"" },
		{ "nul\0x", 5, "\"nul\\x00x\"" },
		/* 63 ASCII bytes, then a two-byte character across byte 64. */
		{ "012345678901234567890123456789012345678901234567890123456789"
		  "012\xc3\xa9zz", 67,
		  "\"012345678901234567890123456789012345678901234567890123456789"
		  "012...\"" },
	};
	struct buf	 b = BUF_INIT;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_reset(&b);
		yaml_quote(&b, cases[i].in, cases[i].len);
		assert_string_equal(b.data, cases[i].out);
	}
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reject_cases),
		cmocka_unit_test(test_nested_document),
		cmocka_unit_test(test_depth_at_limit),
		cmocka_unit_test(test_empty_stream),
		cmocka_unit_test(test_empty_document_is_null_scalar),
		cmocka_unit_test(test_scalar_styles),
		cmocka_unit_test(test_get),
		cmocka_unit_test(test_many_keys_one_duplicate),
		cmocka_unit_test(test_earlier_diags_kept),
		cmocka_unit_test(test_buffer_over_limit),
		cmocka_unit_test(test_default_limits),
		cmocka_unit_test_setup_teardown(test_file_ok, file_setup,
		    file_teardown),
		cmocka_unit_test_setup_teardown(test_file_errors_name_path,
		    file_setup, file_teardown),
		cmocka_unit_test_setup_teardown(test_file_missing, file_setup,
		    file_teardown),
		cmocka_unit_test_setup_teardown(test_file_is_directory,
		    file_setup, file_teardown),
		cmocka_unit_test_setup_teardown(test_file_over_limit,
		    file_setup, file_teardown),
		cmocka_unit_test_setup_teardown(test_file_empty, file_setup,
		    file_teardown),
		cmocka_unit_test(test_kind_names),
		cmocka_unit_test(test_quote),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
