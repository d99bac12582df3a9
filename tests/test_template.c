/* Unit tests for the Mustache template engine (include/template.h). */

#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "buf.h"
#include "diag.h"
#include "template.h"

struct partial_text {
	const char	*name;
	const char	*text;
};

/* A template called "main", its partials, the data as JSON, the page. */
struct render_case {
	const char		*template;
	const char		*data;		/* NULL renders with no data */
	const char		*expected;
	struct partial_text	 partials[3];
};

/* A template called "main" in main.mustache and every diagnostic it gets. */
struct error_case {
	const char	*template;
	const char	*expected;	/* diag_print output, one line each */
};

#define COUNT(a)	(sizeof(a) / sizeof((a)[0]))

/* Format the diagnostics exactly as diag_print writes them. */
static char *
diags_text(const struct diag_list *diags)
{
	char	*text = NULL;
	size_t	 len = 0;
	FILE	*f;

	f = open_memstream(&text, &len);
	assert_non_null(f);
	diag_print(diags, f);
	fclose(f);
	return text;
}

static struct json_object *
parse_json(const char *text)
{
	struct json_object	*data;

	if (text == NULL)
		return NULL;
	data = json_tokener_parse(text);
	if (data == NULL)
		print_message("invalid JSON in test data: %s\n", text);
	assert_non_null(data);
	return data;
}

static void
add_or_fail(struct template_set *set, const char *name, const char *text)
{
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct buf		 file = BUF_INIT;
	char			*problems;

	buf_printf(&file, "%s.mustache", name);
	if (template_set_add_string(set, name, file.data, text, strlen(text),
	    &diags) != 0) {
		problems = diags_text(&diags);
		print_message("template %s failed to compile:\n%s", name,
		    problems);
		free(problems);
		fail();
	}
	buf_free(&file);
	diag_clear(&diags);
}

/* Render the "main" template of set with data and return the page. */
static char *
render_or_fail(const struct template_set *set, struct json_object *data)
{
	struct buf	 out = BUF_INIT;

	assert_int_equal(template_render(set, "main", data, &out), 0);
	return buf_detach(&out);
}

static void
run_render_cases(const struct render_case *cases, size_t count)
{
	struct template_set	*set;
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct json_object	*data;
	const struct render_case *rc;
	size_t			 i, k;
	char			*page;

	for (i = 0; i < count; i++) {
		rc = &cases[i];
		set = template_set_new();
		add_or_fail(set, "main", rc->template);
		for (k = 0; k < COUNT(rc->partials) &&
		    rc->partials[k].name != NULL; k++)
			add_or_fail(set, rc->partials[k].name,
			    rc->partials[k].text);
		assert_int_equal(template_set_link(set, &diags), 0);

		data = parse_json(rc->data);
		page = render_or_fail(set, data);
		if (strcmp(page, rc->expected) != 0)
			print_message("case %zu, template \"%s\", data %s\n", i,
			    rc->template, rc->data ? rc->data : "(none)");
		assert_string_equal(page, rc->expected);

		free(page);
		json_object_put(data);
		template_set_free(set);
	}
}

static void
run_error_cases(const struct error_case *cases, size_t count)
{
	struct template_set	*set;
	struct diag_list	 diags = DIAG_LIST_INIT;
	const char		*text;
	size_t			 i;
	char			*problems;
	int			 rc;

	for (i = 0; i < count; i++) {
		set = template_set_new();
		text = cases[i].template;
		rc = template_set_add_string(set, "main", "main.mustache",
		    text, strlen(text), &diags);
		problems = diags_text(&diags);
		if (strcmp(problems, cases[i].expected) != 0)
			print_message("case %zu, template \"%s\"\n", i, text);
		assert_string_equal(problems, cases[i].expected);
		assert_int_equal(rc, -1);
		assert_false(template_set_has(set, "main"));

		free(problems);
		diag_clear(&diags);
		template_set_free(set);
	}
}

/* ---- interpolation ---------------------------------------------------- */

static void
test_escape_all_five(void **state)
{
	static const struct render_case cases[] = {
		{ "{{v}}", "{\"v\": \"& < > \\\" '\"}",
		    "&amp; &lt; &gt; &quot; &#39;", { { 0 } } },
		{ "[{{v}}]", "{\"v\": \"plain text\"}", "[plain text]",
		    { { 0 } } },
		{ "{{v}}", "{\"v\": \"&amp;\"}", "&amp;amp;", { { 0 } } },
	};

	(void)state;
	run_render_cases(cases, COUNT(cases));
}

static void
test_raw_triple_and_ampersand(void **state)
{
	static const struct render_case cases[] = {
		{ "{{{v}}}", "{\"v\": \"<b>&'\\\"</b>\"}", "<b>&'\"</b>",
		    { { 0 } } },
		{ "{{&v}}", "{\"v\": \"<b>&'\\\"</b>\"}", "<b>&'\"</b>",
		    { { 0 } } },
		{ "{{& v }}", "{\"v\": \"<i>\"}", "<i>", { { 0 } } },
		{ "{{{ v }}}", "{\"v\": \"<i>\"}", "<i>", { { 0 } } },
		{ "{{{a.b}}}", "{\"a\": {\"b\": \"<u>\"}}", "<u>", { { 0 } } },
		{ "{{{missing}}}|", "{}", "|", { { 0 } } },
	};

	(void)state;
	run_render_cases(cases, COUNT(cases));
}

static void
test_whitespace_inside_tags(void **state)
{
	static const struct render_case cases[] = {
		{ "{{ v }}", "{\"v\": \"x\"}", "x", { { 0 } } },
		{ "{{\tv\t}}", "{\"v\": \"x\"}", "x", { { 0 } } },
		{ "{{# s }}in{{/ s }}", "{\"s\": true}", "in", { { 0 } } },
		{ "{{^ s }}in{{/ s }}", "{\"s\": false}", "in", { { 0 } } },
		{ "{{> p }}", "{\"v\": 1}", "p1",
		    { { "p", "p{{v}}" } } },
	};

	(void)state;
	run_render_cases(cases, COUNT(cases));
}

static void
test_value_rendering(void **state)
{
	static const struct render_case cases[] = {
		{ "{{v}}", "{\"v\": \"text\"}", "text", { { 0 } } },
		{ "{{v}}", "{\"v\": 3}", "3", { { 0 } } },
		{ "{{v}}", "{\"v\": -42}", "-42", { { 0 } } },
		{ "{{v}}", "{\"v\": 18446744073709551615}",
		    "18446744073709551615", { { 0 } } },
		{ "{{v}}", "{\"v\": -9223372036854775808}",
		    "-9223372036854775808", { { 0 } } },
		{ "{{v}}", "{\"v\": 1.5}", "1.5", { { 0 } } },
		{ "{{v}}", "{\"v\": 0.1}", "0.1", { { 0 } } },
		{ "{{v}}", "{\"v\": 1.50}", "1.5", { { 0 } } },
		{ "{{v}}", "{\"v\": 2.0}", "2", { { 0 } } },
		{ "{{v}}", "{\"v\": 1e300}", "1e+300", { { 0 } } },
		{ "{{v}}", "{\"v\": true}", "true", { { 0 } } },
		{ "{{v}}", "{\"v\": false}", "false", { { 0 } } },
		{ "[{{v}}]", "{\"v\": null}", "[]", { { 0 } } },
		{ "[{{v}}]", "{}", "[]", { { 0 } } },
		{ "[{{v}}]", "{\"v\": {\"a\": 1}}", "[]", { { 0 } } },
		{ "[{{v}}]", "{\"v\": [1, 2]}", "[]", { { 0 } } },
		{ "[{{v}}]", "{\"v\": \"\"}", "[]", { { 0 } } },
	};

	(void)state;
	run_render_cases(cases, COUNT(cases));
}

/* Doubles built in C, not parsed, have no original text to fall back on. */
static void
test_value_rendering_built_doubles(void **state)
{
	static const struct {
		double		 value;
		const char	*expected;
	} cases[] = {
		{ 0.1, "0.1" },
		{ 1.5, "1.5" },
		{ 3.0, "3" },
		{ -0.25, "-0.25" },
		{ 1.0 / 3.0, "0.3333333333333333" },
		{ 123456.789, "123456.789" },
	};
	struct template_set	*set;
	struct json_object	*data;
	size_t			 i;
	char			*page;

	(void)state;
	set = template_set_new();
	add_or_fail(set, "main", "{{v}}");
	for (i = 0; i < COUNT(cases); i++) {
		data = json_object_new_object();
		json_object_object_add(data, "v",
		    json_object_new_double(cases[i].value));
		page = render_or_fail(set, data);
		assert_string_equal(page, cases[i].expected);
		free(page);
		json_object_put(data);
	}
	template_set_free(set);
}

static void
test_dotted_names(void **state)
{
	static const struct render_case cases[] = {
		{ "{{a.b.c}}", "{\"a\": {\"b\": {\"c\": \"deep\"}}}", "deep",
		    { { 0 } } },
		{ "{{a.b.c}}", "{\"a\": {\"b\": {\"c\": 7}}}", "7", { { 0 } } },
		/* Broken chain: a.b exists but has no c. */
		{ "[{{a.b.c}}]", "{\"a\": {\"b\": {}}, \"c\": \"root\"}", "[]",
		    { { 0 } } },
		/* Only the first part walks up the context stack. */
		{ "[{{a.b.c.name}}]",
		    "{\"a\": {\"b\": {}}, \"c\": {\"name\": \"Jim\"}}", "[]",
		    { { 0 } } },
		{ "[{{a.b}}]", "{\"a\": \"not an object\"}", "[]", { { 0 } } },
		{ "[{{a.b}}]", "{\"a\": null}", "[]", { { 0 } } },
		{ "[{{a.b}}]", "{}", "[]", { { 0 } } },
		{ "{{#o}}{{a.b}}{{/o}}", "{\"a\": {\"b\": \"outer\"}, \"o\": {}}",
		    "outer", { { 0 } } },
		{ "{{#a.b}}{{c}}{{/a.b}}", "{\"a\": {\"b\": {\"c\": \"in\"}}}",
		    "in", { { 0 } } },
		{ "{{^a.b}}none{{/a.b}}", "{\"a\": {\"b\": false}}", "none",
		    { { 0 } } },
		{ "{{user.first-name}}", "{\"user\": {\"first-name\": \"Ann\"}}",
		    "Ann", { { 0 } } },
	};

	(void)state;
	run_render_cases(cases, COUNT(cases));
}

static void
test_implicit_iterator(void **state)
{
	static const struct render_case cases[] = {
		{ "{{#l}}{{.}},{{/l}}", "{\"l\": [\"a\", \"b\", \"c\"]}",
		    "a,b,c,", { { 0 } } },
		{ "{{#l}}({{.}}){{/l}}", "{\"l\": [1, 2.5, true, null]}",
		    "(1)(2.5)(true)()", { { 0 } } },
		{ "{{#l}}{{.}}{{/l}}", "{\"l\": [\"<a>\"]}", "&lt;a&gt;",
		    { { 0 } } },
		{ "{{#l}}{{{.}}}{{/l}}", "{\"l\": [\"<a>\"]}", "<a>",
		    { { 0 } } },
		{ "{{.}}", "\"root string\"", "root string", { { 0 } } },
		{ "[{{.}}]", "{\"a\": 1}", "[]", { { 0 } } },
		{ "{{#l}}{{#.}}{{.}}{{/.}}|{{/l}}", "{\"l\": [[1, 2], [3]]}",
		    "12|3|", { { 0 } } },
	};

	(void)state;
	run_render_cases(cases, COUNT(cases));
}

/* ---- sections --------------------------------------------------------- */

static void
test_section_truthiness(void **state)
{
	static const struct render_case cases[] = {
		/* Falsy: the section is skipped. */
		{ "[{{#v}}yes{{/v}}]", "{\"v\": false}", "[]", { { 0 } } },
		{ "[{{#v}}yes{{/v}}]", "{\"v\": null}", "[]", { { 0 } } },
		{ "[{{#v}}yes{{/v}}]", "{}", "[]", { { 0 } } },
		{ "[{{#v}}yes{{/v}}]", "{\"v\": []}", "[]", { { 0 } } },
		{ "[{{#v}}yes{{/v}}]", "{\"v\": \"\"}", "[]", { { 0 } } },
		{ "[{{#v}}yes{{/v}}]", NULL, "[]", { { 0 } } },
		/* Truthy: rendered once. */
		{ "[{{#v}}yes{{/v}}]", "{\"v\": true}", "[yes]", { { 0 } } },
		{ "[{{#v}}yes{{/v}}]", "{\"v\": \"x\"}", "[yes]", { { 0 } } },
		{ "[{{#v}}yes{{/v}}]", "{\"v\": 0}", "[yes]", { { 0 } } },
		{ "[{{#v}}yes{{/v}}]", "{\"v\": 0.0}", "[yes]", { { 0 } } },
		{ "[{{#v}}yes{{/v}}]", "{\"v\": 12}", "[yes]", { { 0 } } },
		{ "[{{#v}}yes{{/v}}]", "{\"v\": {}}", "[yes]", { { 0 } } },
		{ "[{{#v}}yes{{/v}}]", "{\"v\": \" \"}", "[yes]", { { 0 } } },
	};

	(void)state;
	run_render_cases(cases, COUNT(cases));
}

static void
test_section_list_iteration(void **state)
{
	static const struct render_case cases[] = {
		{ "{{#items}}{{name}};{{/items}}",
		    "{\"items\": [{\"name\": \"a\"}, {\"name\": \"b\"}, "
		    "{\"name\": \"c\"}]}", "a;b;c;", { { 0 } } },
		{ "{{#l}}x{{/l}}", "{\"l\": [false, null, 0]}", "xxx",
		    { { 0 } } },
		{ "<ul>\n{{#l}}\n  <li>{{.}}</li>\n{{/l}}\n</ul>\n",
		    "{\"l\": [\"one\", \"two\"]}",
		    "<ul>\n  <li>one</li>\n  <li>two</li>\n</ul>\n", { { 0 } } },
		{ "{{#a}}{{#b}}{{x}}{{y}} {{/b}}{{/a}}",
		    "{\"a\": [{\"x\": 1, \"b\": [{\"y\": 2}, {\"y\": 3}]}, "
		    "{\"x\": 4, \"b\": [{\"y\": 5}]}]}", "12 13 45 ",
		    { { 0 } } },
	};

	(void)state;
	run_render_cases(cases, COUNT(cases));
}

static void
test_section_object_context(void **state)
{
	static const struct render_case cases[] = {
		{ "{{#o}}{{a}}-{{b}}{{/o}}", "{\"o\": {\"a\": 1, \"b\": \"two\"}}",
		    "1-two", { { 0 } } },
		{ "{{#o}}{{#p}}{{a}}{{/p}}{{/o}}",
		    "{\"o\": {\"p\": {\"a\": \"deep\"}}}", "deep", { { 0 } } },
		{ "{{#o}}[{{missing}}]{{/o}}", "{\"o\": {}}", "[]", { { 0 } } },
	};

	(void)state;
	run_render_cases(cases, COUNT(cases));
}

static void
test_section_scalar_context(void **state)
{
	static const struct render_case cases[] = {
		{ "{{#v}}<{{.}}>{{/v}}", "{\"v\": \"x&\"}", "<x&amp;>",
		    { { 0 } } },
		{ "{{#v}}{{.}}{{/v}}", "{\"v\": 5}", "5", { { 0 } } },
		{ "{{#v}}{{.}}{{/v}}", "{\"v\": true}", "true", { { 0 } } },
		/* A scalar context has no keys: lookups go to the parent. */
		{ "{{#v}}{{w}}{{/v}}", "{\"v\": \"x\", \"w\": \"outer\"}",
		    "outer", { { 0 } } },
	};

	(void)state;
	run_render_cases(cases, COUNT(cases));
}

static void
test_context_stack_lookup(void **state)
{
	static const struct render_case cases[] = {
		/* A name missing inside is found outside. */
		{ "{{#o}}{{title}}:{{a}}{{/o}}",
		    "{\"title\": \"T\", \"o\": {\"a\": \"A\"}}", "T:A",
		    { { 0 } } },
		/* The innermost context shadows outer ones. */
		{ "{{a}}{{#o}}{{a}}{{#p}}{{a}}{{/p}}{{/o}}",
		    "{\"a\": 1, \"o\": {\"a\": 2, \"p\": {\"a\": 3}}}", "123",
		    { { 0 } } },
		/* A key present with null stops the search. */
		{ "{{#o}}[{{a}}]{{/o}}", "{\"a\": \"outer\", \"o\": {\"a\": null}}",
		    "[]", { { 0 } } },
		/* List elements see the enclosing context. */
		{ "{{#l}}{{sep}}{{.}}{{/l}}", "{\"sep\": \"/\", \"l\": [1, 2]}",
		    "/1/2", { { 0 } } },
		/* A section name is looked up the stack as well. */
		{ "{{#o}}{{#flag}}on{{/flag}}{{/o}}",
		    "{\"flag\": true, \"o\": {}}", "on", { { 0 } } },
	};

	(void)state;
	run_render_cases(cases, COUNT(cases));
}

static void
test_inverted_sections(void **state)
{
	static const struct render_case cases[] = {
		{ "[{{^v}}no{{/v}}]", "{\"v\": false}", "[no]", { { 0 } } },
		{ "[{{^v}}no{{/v}}]", "{\"v\": null}", "[no]", { { 0 } } },
		{ "[{{^v}}no{{/v}}]", "{}", "[no]", { { 0 } } },
		{ "[{{^v}}no{{/v}}]", "{\"v\": []}", "[no]", { { 0 } } },
		{ "[{{^v}}no{{/v}}]", "{\"v\": \"\"}", "[no]", { { 0 } } },
		{ "[{{^v}}no{{/v}}]", "{\"v\": true}", "[]", { { 0 } } },
		{ "[{{^v}}no{{/v}}]", "{\"v\": [1]}", "[]", { { 0 } } },
		{ "[{{^v}}no{{/v}}]", "{\"v\": \"x\"}", "[]", { { 0 } } },
		{ "[{{^v}}no{{/v}}]", "{\"v\": 0}", "[]", { { 0 } } },
		{ "[{{^v}}no{{/v}}]", "{\"v\": {}}", "[]", { { 0 } } },
		/* An inverted section pushes no context. */
		{ "{{^v}}{{a}}{{/v}}", "{\"v\": false, \"a\": \"A\"}", "A",
		    { { 0 } } },
		{ "{{#l}}{{.}}{{/l}}{{^l}}empty{{/l}}", "{\"l\": []}", "empty",
		    { { 0 } } },
	};

	(void)state;
	run_render_cases(cases, COUNT(cases));
}

static void
test_comments(void **state)
{
	static const struct render_case cases[] = {
		{ "a{{! note }}b", "{}", "ab", { { 0 } } },
		{ "a{{!}}b", "{}", "ab", { { 0 } } },
		{ "a{{!\nline one\nline two\n}}b", "{}", "ab", { { 0 } } },
		{ "a\n{{!\n  multi-line\n}}\nb\n", "{}", "a\nb\n", { { 0 } } },
		{ "a\n  {{! standalone }}\nb", "{}", "a\nb", { { 0 } } },
		{ "a {{! inline }} b", "{}", "a  b", { { 0 } } },
		/* A comment ends at the first closing delimiter. */
		{ "{{! {{v}} }}x", "{\"v\": 1}", " }}x", { { 0 } } },
		/* A section tag inside a comment opens no section. */
		{ "{{! {{#a}}x", "{}", "x", { { 0 } } },
	};

	(void)state;
	run_render_cases(cases, COUNT(cases));
}

/* ---- partials --------------------------------------------------------- */

static void
test_partials(void **state)
{
	static const struct render_case cases[] = {
		{ "[{{>p}}]", "{\"v\": \"x\"}", "[x]",
		    { { "p", "{{v}}" } } },
		/* The partial renders with the whole context stack. */
		{ "{{#l}}{{>item}}{{/l}}",
		    "{\"sep\": \";\", \"l\": [{\"n\": 1}, {\"n\": 2}]}", "1;2;",
		    { { "item", "{{n}}{{sep}}" } } },
		/* Nested partials. */
		{ "<{{>a}}>", "{}", "<A[B]>",
		    { { "a", "A[{{>b}}]" }, { "b", "B" } } },
		/* A partial keeps its own default delimiters. */
		{ "{{=<% %>=}}<%> p %>", "{\"v\": \"x\"}", "x",
		    { { "p", "{{v}}" } } },
		/* A partial that recurses over the data ends with the data. */
		{ "{{>node}}",
		    "{\"name\": \"root\", \"kids\": [{\"name\": \"a\", "
		    "\"kids\": []}, {\"name\": \"b\", \"kids\": []}]}",
		    "root(a()b())",
		    { { "node", "{{name}}({{#kids}}{{>node}}{{/kids}})" } } },
	};

	(void)state;
	run_render_cases(cases, COUNT(cases));
}

static void
test_partial_indentation(void **state)
{
	static const struct render_case cases[] = {
		{ "a\n  {{>p}}\nb\n", "{}", "a\n  x\n  y\nb\n",
		    { { "p", "x\ny\n" } } },
		/* Newlines inside interpolated values are not indented. */
		{ "  {{>p}}\n", "{\"v\": \"1\\n2\"}", "  x\n  1\n2\n  y\n",
		    { { "p", "x\n{{{v}}}\ny\n" } } },
		/* Indentation adds up through nested standalone partials. */
		{ "  {{>p}}\n", "{}", "  p1\n    q1\n    q2\n",
		    { { "p", "p1\n  {{>q}}\n" }, { "q", "q1\nq2\n" } } },
		/* A partial that is not standalone is not indented. */
		{ "> {{>p}}\n", "{}", "> x\ny\n\n",
		    { { "p", "x\ny\n" } } },
		/* Sections inside an indented partial. */
		{ "\t{{>p}}\n", "{\"l\": [1, 2]}", "\t- 1\n\t- 2\n",
		    { { "p", "{{#l}}\n- {{.}}\n{{/l}}\n" } } },
		/* A closing tag that starts a line keeps its indentation. */
		{ "  {{>p}}\n", "{\"t\": true}", "  a\n  b\n",
		    { { "p", "{{#t}}a\n{{/t}}b\n" } } },
		{ "a\r\n  {{>p}}\r\nb", "{}", "a\r\n  x\r\n  yb",
		    { { "p", "x\r\ny" } } },
		/* Empty lines of the partial get the indentation too. */
		{ "  {{>p}}\n", "{}", "  x\n  \n  y\n",
		    { { "p", "x\n\ny\n" } } },
		/* A standalone partial at the end without a newline. */
		{ "a\n  {{>p}}", "{}", "a\n  x\n",
		    { { "p", "x\n" } } },
	};

	(void)state;
	run_render_cases(cases, COUNT(cases));
}

/* Without template_set_link, an unknown partial renders as nothing. */
static void
test_partial_missing_renders_empty(void **state)
{
	struct template_set	*set;
	char			*page;

	(void)state;
	set = template_set_new();
	add_or_fail(set, "main", "[{{>nope}}]");
	page = render_or_fail(set, NULL);
	assert_string_equal(page, "[]");
	free(page);
	template_set_free(set);
}

static void
test_link_unknown_partial(void **state)
{
	struct template_set	*set;
	struct diag_list	 diags = DIAG_LIST_INIT;
	char			*problems;

	(void)state;
	set = template_set_new();
	add_or_fail(set, "main", "a\n  {{> nope }}\n{{>known}}");
	add_or_fail(set, "known", "x {{#s}}{{>gone}}{{/s}}");
	assert_int_equal(template_set_link(set, &diags), -1);
	problems = diags_text(&diags);
	assert_string_equal(problems,
	    "main.mustache:2:3: unknown partial \"nope\"\n"
	    "known.mustache:1:9: unknown partial \"gone\"\n");
	free(problems);
	diag_clear(&diags);

	/* Adding the missing templates makes the set link. */
	add_or_fail(set, "nope", "N");
	add_or_fail(set, "gone", "G");
	assert_int_equal(template_set_link(set, &diags), 0);
	assert_int_equal(diags.count, 0);
	template_set_free(set);
}

/* Build {"c": {"c": ... {"c": false}}} with depth objects above the last. */
static struct json_object *
nested_data(int depth)
{
	struct json_object	*data, *outer;
	int			 i;

	data = json_object_new_object();
	json_object_object_add(data, "c", json_object_new_boolean(0));
	for (i = 0; i < depth; i++) {
		outer = json_object_new_object();
		json_object_object_add(outer, "c", data);
		data = outer;
	}
	return data;
}

static void
test_partial_recursion_limit(void **state)
{
	struct template_set	*set;
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct json_object	*data;
	struct buf		 out = BUF_INIT;
	char			 expected[2 * TEMPLATE_PARTIAL_DEPTH_MAX + 1];

	(void)state;
	set = template_set_new();
	add_or_fail(set, "main", "{{#c}}<{{>main}}>{{/c}}");
	add_or_fail(set, "self", "{{>self}}");
	assert_int_equal(template_set_link(set, &diags), 0);

	/* Exactly the limit of nested partials renders. */
	data = nested_data(TEMPLATE_PARTIAL_DEPTH_MAX);
	memset(expected, '<', TEMPLATE_PARTIAL_DEPTH_MAX);
	memset(expected + TEMPLATE_PARTIAL_DEPTH_MAX, '>',
	    TEMPLATE_PARTIAL_DEPTH_MAX);
	expected[2 * TEMPLATE_PARTIAL_DEPTH_MAX] = '\0';
	assert_int_equal(template_render(set, "main", data, &out), 0);
	assert_string_equal(out.data, expected);
	json_object_put(data);

	/* One more level fails. */
	buf_reset(&out);
	data = nested_data(TEMPLATE_PARTIAL_DEPTH_MAX + 1);
	assert_int_equal(template_render(set, "main", data, &out), -1);
	json_object_put(data);

	/* A partial that includes itself unconditionally fails. */
	buf_reset(&out);
	assert_int_equal(template_render(set, "self", NULL, &out), -1);

	buf_free(&out);
	template_set_free(set);
}

/* ---- set delimiters and standalone lines ------------------------------ */

static void
test_set_delimiters(void **state)
{
	static const struct render_case cases[] = {
		{ "{{=<% %>=}}<% v %>{{v}}", "{\"v\": \"x\"}", "x{{v}}",
		    { { 0 } } },
		/* Switching back to the default delimiters. */
		{ "{{=<% %>=}}<%v%><%={{ }}=%>{{v}}", "{\"v\": \"x\"}", "xx",
		    { { 0 } } },
		{ "{{= | | =}}|#t|in|/t||{v}||&v|", "{\"t\": true, \"v\": \"<\"}",
		    "in<<", { { 0 } } },
		{ "{{=<<< >>=}}<<<v>><<<={{ }}=>>{{v}}", "{\"v\": \"y\"}", "yy",
		    { { 0 } } },
		{ "{{=[ ]=}}[#l][.][/l]", "{\"l\": [1, 2]}", "12", { { 0 } } },
		/* A standalone set-delimiter tag removes its line. */
		{ "a\n{{=<% %>=}}\n<%v%>\n", "{\"v\": \"x\"}", "a\nx\n",
		    { { 0 } } },
		/* New delimiters apply only after the tag. */
		{ "<%v%>{{=<% %>=}}<%v%>", "{\"v\": \"x\"}", "<%v%>x",
		    { { 0 } } },
	};

	(void)state;
	run_render_cases(cases, COUNT(cases));
}

static void
test_standalone_lines(void **state)
{
	static const struct render_case cases[] = {
		{ "a\n{{#t}}\nb\n{{/t}}\nc\n", "{\"t\": true}", "a\nb\nc\n",
		    { { 0 } } },
		{ "a\r\n{{#t}}\r\nb\r\n{{/t}}\r\nc\r\n", "{\"t\": true}",
		    "a\r\nb\r\nc\r\n", { { 0 } } },
		{ "a\n  {{^f}}  \nb\n\t{{/f}}\t\nc", "{\"f\": false}",
		    "a\nb\nc", { { 0 } } },
		/* At the start without a previous line, at the end without
		 * a newline. */
		{ "  {{#t}}\nb\n  {{/t}}", "{\"t\": true}", "b\n", { { 0 } } },
		{ "{{#t}}\r\nb{{/t}}", "{\"t\": true}", "b", { { 0 } } },
		{ "a\n {{! c }} \r\nb", "{}", "a\nb", { { 0 } } },
		{ "a\n {{> p }}\nb", "{}", "a\n P\nb", { { "p", "P\n" } } },
		/* Text on the line: not standalone. */
		{ "a {{#t}}\nb\n{{/t}}", "{\"t\": true}", "a \nb\n", { { 0 } } },
		{ "{{#t}}\nb\n{{/t}} c\n", "{\"t\": true}", "b\n c\n",
		    { { 0 } } },
		/* Two tags on one line: neither is standalone. */
		{ "{{#t}}{{/t}}\nx", "{\"t\": true}", "\nx", { { 0 } } },
		{ "{{! a }}{{! b }}\nx", "{}", "\nx", { { 0 } } },
		/* Variables never stand alone. */
		{ "  {{v}}\n", "{\"v\": \"x\"}", "  x\n", { { 0 } } },
		{ "  {{{v}}}\n", "{\"v\": \"\"}", "  \n", { { 0 } } },
		/* A lone carriage return does not end a line. */
		{ "{{#t}}\rb{{/t}}", "{\"t\": true}", "\rb", { { 0 } } },
		/* A falsy standalone section removes all of its lines. */
		{ "a\n{{#f}}\nhidden\n{{/f}}\nb\n", "{\"f\": false}", "a\nb\n",
		    { { 0 } } },
	};

	(void)state;
	run_render_cases(cases, COUNT(cases));
}

/* ---- behaviour across renders ----------------------------------------- */

static void
test_render_twice_one_compile(void **state)
{
	struct template_set	*set;
	struct json_object	*first, *second;
	char			*page;

	(void)state;
	set = template_set_new();
	add_or_fail(set, "main", "{{#devices}}{{name}}:{{status}} {{/devices}}"
	    "{{^devices}}no devices{{/devices}}");

	first = parse_json("{\"devices\": [{\"name\": \"mac\", "
	    "\"status\": \"ok\"}, {\"name\": \"pc\", \"status\": \"warn\"}]}");
	second = parse_json("{\"devices\": []}");

	page = render_or_fail(set, first);
	assert_string_equal(page, "mac:ok pc:warn ");
	free(page);
	page = render_or_fail(set, second);
	assert_string_equal(page, "no devices");
	free(page);
	page = render_or_fail(set, first);
	assert_string_equal(page, "mac:ok pc:warn ");
	free(page);

	json_object_put(first);
	json_object_put(second);
	template_set_free(set);
}

/* Rendering appends to out and leaves it a C string. */
static void
test_render_appends_to_buffer(void **state)
{
	struct template_set	*set;
	struct json_object	*data;
	struct buf		 out = BUF_INIT;

	(void)state;
	set = template_set_new();
	add_or_fail(set, "main", "{{v}}");
	add_or_fail(set, "empty", "");

	assert_int_equal(template_render(set, "empty", NULL, &out), 0);
	assert_non_null(out.data);
	assert_string_equal(out.data, "");

	buf_puts(&out, "head:");
	data = parse_json("{\"v\": \"tail\"}");
	assert_int_equal(template_render(set, "main", data, &out), 0);
	assert_string_equal(out.data, "head:tail");
	json_object_put(data);

	buf_free(&out);
	template_set_free(set);
}

static void
test_render_unknown_name(void **state)
{
	struct template_set	*set;
	struct buf		 out = BUF_INIT;

	(void)state;
	set = template_set_new();
	add_or_fail(set, "main", "x");
	assert_true(template_set_has(set, "main"));
	assert_false(template_set_has(set, "other"));
	assert_int_equal(template_render(set, "other", NULL, &out), -1);
	buf_free(&out);
	template_set_free(set);
}

/* Device names are chosen by their owners: they must come out inert. */
static void
test_hostile_data_escaped(void **state)
{
	static const struct render_case cases[] = {
		{ "<td>{{name}}</td>",
		    "{\"name\": \"<script>alert(\\\"x\\\")</script>\"}",
		    "<td>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</td>",
		    { { 0 } } },
		{ "<input value='{{name}}'>",
		    "{\"name\": \"' onmouseover='alert(1)\"}",
		    "<input value='&#39; onmouseover=&#39;alert(1)'>",
		    { { 0 } } },
		{ "<a title=\"{{name}}\">",
		    "{\"name\": \"\\\" onclick=\\\"evil()\"}",
		    "<a title=\"&quot; onclick=&quot;evil()\">", { { 0 } } },
		/* Through a list, a dotted name, the iterator and a partial. */
		{ "{{#devices}}{{>row}}{{/devices}}",
		    "{\"devices\": [{\"os\": {\"name\": \"<b>&\"}, "
		    "\"tags\": [\"<i>\"]}]}", "&lt;b&gt;&amp;|&lt;i&gt;",
		    { { "row", "{{os.name}}|{{#tags}}{{.}}{{/tags}}" } } },
		/* Mustache syntax in data is not interpreted. */
		{ "{{name}}", "{\"name\": \"{{secret}}\"}", "{{secret}}",
		    { { 0 } } },
	};

	(void)state;
	run_render_cases(cases, COUNT(cases));
}

/* ---- compile errors --------------------------------------------------- */

static void
test_error_unclosed_section(void **state)
{
	static const struct error_case cases[] = {
		{ "ab\n  {{#sec}}\nx",
		    "main.mustache:2:3: unclosed section \"sec\" opened here\n" },
		{ "{{#a}}{{^b}}",
		    "main.mustache:1:1: unclosed section \"a\" opened here\n"
		    "main.mustache:1:7: unclosed section \"b\" opened here\n" },
	};

	(void)state;
	run_error_cases(cases, COUNT(cases));
}

static void
test_error_mismatched_close(void **state)
{
	static const struct error_case cases[] = {
		{ "{{#a}}\n{{#b}}\n {{/a}}",
		    "main.mustache:3:2: closing tag \"a\" does not match open "
		    "section \"b\" at 2:1\n"
		    "main.mustache:1:1: unclosed section \"a\" opened here\n" },
		{ "{{#a}}x{{/ b }}",
		    "main.mustache:1:8: closing tag \"b\" does not match open "
		    "section \"a\" at 1:1\n" },
	};

	(void)state;
	run_error_cases(cases, COUNT(cases));
}

static void
test_error_close_without_open(void **state)
{
	static const struct error_case cases[] = {
		{ "x\n{{/a}}",
		    "main.mustache:2:1: closing tag \"a\" has no open section\n" },
		{ "{{#a}}{{/a}}{{/a}}",
		    "main.mustache:1:13: closing tag \"a\" has no open section\n" },
	};

	(void)state;
	run_error_cases(cases, COUNT(cases));
}

static void
test_error_unclosed_tag(void **state)
{
	static const struct error_case cases[] = {
		{ "ok {{v}}\nbad {{v",
		    "main.mustache:2:5: unclosed tag: missing closing "
		    "delimiter \"}}\"\n" },
		{ "{{{v}}",
		    "main.mustache:1:1: unclosed tag: missing closing "
		    "delimiter \"}}}\"\n" },
		{ "{{=<% %>=}}\n<%v",
		    "main.mustache:2:1: unclosed tag: missing closing "
		    "delimiter \"%>\"\n" },
		{ "{{",
		    "main.mustache:1:1: unclosed tag: missing closing "
		    "delimiter \"}}\"\n" },
		/* Sections still open when the source ends are reported too. */
		{ "{{#a}}{{!",
		    "main.mustache:1:7: unclosed tag: missing closing "
		    "delimiter \"}}\"\n"
		    "main.mustache:1:1: unclosed section \"a\" opened here\n" },
	};

	(void)state;
	run_error_cases(cases, COUNT(cases));
}

static void
test_error_empty_name(void **state)
{
	static const struct error_case cases[] = {
		{ "{{}}", "main.mustache:1:1: empty tag name\n" },
		{ "a {{ }}", "main.mustache:1:3: empty tag name\n" },
		{ "{{{ }}}", "main.mustache:1:1: empty tag name\n" },
		{ "{{&}}", "main.mustache:1:1: empty tag name\n" },
		{ "{{>}}", "main.mustache:1:1: empty tag name\n" },
		{ "{{#}}x{{/}}",
		    "main.mustache:1:1: empty tag name\n"
		    "main.mustache:1:7: empty tag name\n" },
	};

	(void)state;
	run_error_cases(cases, COUNT(cases));
}

static void
test_error_invalid_name(void **state)
{
	static const struct error_case cases[] = {
		{ "{{a b}}", "main.mustache:1:1: invalid name \"a b\": use "
		    "letters, digits, '_' and '-', with '.' between parts\n" },
		{ "{{a..b}}", "main.mustache:1:1: invalid name \"a..b\": use "
		    "letters, digits, '_' and '-', with '.' between parts\n" },
		{ "{{.a}}", "main.mustache:1:1: invalid name \".a\": use "
		    "letters, digits, '_' and '-', with '.' between parts\n" },
		{ "{{a.}}", "main.mustache:1:1: invalid name \"a.\": use "
		    "letters, digits, '_' and '-', with '.' between parts\n" },
		/* The sigil must follow the delimiter directly. */
		{ "{{ #a }}", "main.mustache:1:1: invalid name \"#a\": use "
		    "letters, digits, '_' and '-', with '.' between parts\n" },
		{ "{{>a/b}}", "main.mustache:1:1: invalid partial name "
		    "\"a/b\": use letters, digits, '_', '-' and '.'\n" },
	};

	(void)state;
	run_error_cases(cases, COUNT(cases));
}

static void
test_error_set_delimiter(void **state)
{
	static const struct error_case cases[] = {
		{ "{{=<% =}}", "main.mustache:1:1: invalid set-delimiter tag: "
		    "expected two delimiters separated by whitespace, as in "
		    "{{=<% %>=}}\n" },
		{ "{{=<% x %>=}}", "main.mustache:1:1: invalid set-delimiter "
		    "tag: expected two delimiters separated by whitespace, as "
		    "in {{=<% %>=}}\n" },
		{ "{{==}}", "main.mustache:1:1: invalid set-delimiter tag: "
		    "expected two delimiters separated by whitespace, as in "
		    "{{=<% %>=}}\n" },
		{ "x\n {{=<% %>}}", "main.mustache:2:2: invalid set-delimiter "
		    "tag: missing '=' before the closing delimiter\n" },
		{ "{{=<=% %>=}}", "main.mustache:1:1: invalid set-delimiter "
		    "tag: a delimiter must not contain '='\n" },
		/* A bad tag keeps the old delimiters, so {{/a}} still closes. */
		{ "{{#a}}{{=<% =}}{{/a}}{{/b}}",
		    "main.mustache:1:7: invalid set-delimiter tag: expected two "
		    "delimiters separated by whitespace, as in {{=<% %>=}}\n"
		    "main.mustache:1:22: closing tag \"b\" has no open "
		    "section\n" },
	};

	(void)state;
	run_error_cases(cases, COUNT(cases));
}

/* Every problem is reported at its tag. Unclosed sections come last. */
static void
test_error_collects_all(void **state)
{
	static const struct error_case cases[] = {
		{ "{{/x}}\n  {{}}\n{{#a}}\n{{a b}}\n",
		    "main.mustache:1:1: closing tag \"x\" has no open section\n"
		    "main.mustache:2:3: empty tag name\n"
		    "main.mustache:4:1: invalid name \"a b\": use letters, "
		    "digits, '_' and '-', with '.' between parts\n"
		    "main.mustache:3:1: unclosed section \"a\" opened here\n" },
		/* Columns count bytes: "é" is two. */
		{ "\xc3\xa9 {{/x}}",
		    "main.mustache:1:4: closing tag \"x\" has no open section\n" },
		/* Positions follow changed delimiters. */
		{ "{{=[ ]=}}\n  [#a]",
		    "main.mustache:2:3: unclosed section \"a\" opened here\n" },
		/* Lines count across multi-line tags. */
		{ "{{!\n\n}}\r\n{{/x}}",
		    "main.mustache:4:1: closing tag \"x\" has no open section\n" },
	};

	(void)state;
	run_error_cases(cases, COUNT(cases));
}

static void
test_section_depth_limit(void **state)
{
	struct template_set	*set;
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct json_object	*data;
	struct buf		 text = BUF_INIT, expected = BUF_INIT;
	char			*problems, *page;
	int			 i;

	(void)state;

	/* Exactly the limit compiles and renders. */
	for (i = 0; i < TEMPLATE_SECTION_DEPTH_MAX; i++)
		buf_puts(&text, "{{#a}}");
	buf_puts(&text, "x");
	for (i = 0; i < TEMPLATE_SECTION_DEPTH_MAX; i++)
		buf_puts(&text, "{{/a}}");
	set = template_set_new();
	add_or_fail(set, "main", text.data);
	data = parse_json("{\"a\": true}");
	page = render_or_fail(set, data);
	assert_string_equal(page, "x");
	free(page);
	json_object_put(data);
	template_set_free(set);

	/* One more level is an error at the tag that goes too deep. */
	buf_reset(&text);
	for (i = 0; i <= TEMPLATE_SECTION_DEPTH_MAX; i++)
		buf_puts(&text, "{{#a}}");
	set = template_set_new();
	assert_int_equal(template_set_add_string(set, "main", "main.mustache",
	    text.data, text.len, &diags), -1);
	buf_printf(&expected, "main.mustache:1:%d: sections nested deeper "
	    "than %d levels\n", TEMPLATE_SECTION_DEPTH_MAX * 6 + 1,
	    TEMPLATE_SECTION_DEPTH_MAX);
	problems = diags_text(&diags);
	assert_string_equal(problems, expected.data);

	free(problems);
	diag_clear(&diags);
	buf_free(&text);
	buf_free(&expected);
	template_set_free(set);
}

static void
test_duplicate_name(void **state)
{
	struct template_set	*set;
	struct diag_list	 diags = DIAG_LIST_INIT;
	char			*problems;

	(void)state;
	set = template_set_new();
	assert_int_equal(template_set_add_string(set, "page", "a/page.mustache",
	    "one", 3, &diags), 0);
	assert_int_equal(template_set_add_string(set, "page", "b/page.mustache",
	    "two {{/x}}", 10, &diags), -1);
	problems = diags_text(&diags);
	assert_string_equal(problems,
	    "b/page.mustache: template \"page\" is already defined by "
	    "a/page.mustache\n"
	    "b/page.mustache:1:5: closing tag \"x\" has no open section\n");
	free(problems);
	diag_clear(&diags);
	template_set_free(set);
}

/* ---- files and directories -------------------------------------------- */

static void
write_file(const char *dir, const char *name, const char *text, size_t len)
{
	struct buf	 path = BUF_INIT;
	FILE		*f;

	buf_printf(&path, "%s/%s", dir, name);
	f = fopen(path.data, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	buf_free(&path);
}

static void
remove_path(const char *dir, const char *name)
{
	struct buf	 path = BUF_INIT;

	buf_printf(&path, "%s/%s", dir, name);
	assert_int_equal(remove(path.data), 0);
	buf_free(&path);
}

static void
test_load_dir(void **state)
{
	char			 top[] = "/tmp/test_template.XXXXXX";
	struct template_set	*set;
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct json_object	*data;
	struct buf		 partials = BUF_INIT, out = BUF_INIT;
	struct buf		 expected = BUF_INIT;
	char			*problems;

	(void)state;
	assert_non_null(mkdtemp(top));
	buf_printf(&partials, "%s/partials", top);
	assert_int_equal(mkdir(partials.data, 0700), 0);

	write_file(top, "page.mustache", "<{{>row}}>\n", 11);
	write_file(top, "about.mustache", "about", 5);
	write_file(top, "notes.txt", "{{/not a template", 17);
	write_file(top, ".hidden.mustache", "{{/broken", 9);
	write_file(top, "page.mustache~", "{{/backup", 9);
	write_file(partials.data, "row.mustache", "row {{v}}", 9);

	/* The partials subdirectory is not entered by the first load. */
	set = template_set_new();
	assert_int_equal(template_set_load_dir(set, top, &diags), 0);
	assert_true(template_set_has(set, "page"));
	assert_true(template_set_has(set, "about"));
	assert_false(template_set_has(set, "row"));
	assert_false(template_set_has(set, "notes"));
	assert_false(template_set_has(set, ".hidden"));
	assert_int_equal(template_set_link(set, &diags), -1);
	diag_clear(&diags);

	assert_int_equal(template_set_load_dir(set, partials.data, &diags), 0);
	assert_int_equal(template_set_link(set, &diags), 0);
	data = parse_json("{\"v\": 1}");
	assert_int_equal(template_render(set, "page", data, &out), 0);
	assert_string_equal(out.data, "<row 1>\n");
	json_object_put(data);
	template_set_free(set);

	/* A name in both directories is an error naming both files. */
	write_file(partials.data, "about.mustache", "other", 5);
	set = template_set_new();
	assert_int_equal(template_set_load_dir(set, top, &diags), 0);
	assert_int_equal(template_set_load_dir(set, partials.data, &diags), -1);
	assert_true(template_set_has(set, "row"));
	buf_printf(&expected, "%s/about.mustache: template \"about\" is "
	    "already defined by %s/about.mustache\n", partials.data, top);
	problems = diags_text(&diags);
	assert_string_equal(problems, expected.data);
	free(problems);
	diag_clear(&diags);
	template_set_free(set);

	remove_path(partials.data, "about.mustache");
	remove_path(partials.data, "row.mustache");
	remove_path(top, "partials");
	remove_path(top, "page.mustache");
	remove_path(top, "about.mustache");
	remove_path(top, "notes.txt");
	remove_path(top, ".hidden.mustache");
	remove_path(top, "page.mustache~");
	assert_int_equal(rmdir(top), 0);
	buf_free(&partials);
	buf_free(&out);
	buf_free(&expected);
}

/* Every broken file of a directory is reported, not only the first. */
static void
test_load_dir_reports_every_file(void **state)
{
	char			 top[] = "/tmp/test_template.XXXXXX";
	struct template_set	*set;
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct buf		 expected = BUF_INIT;
	char			*problems;

	(void)state;
	assert_non_null(mkdtemp(top));
	write_file(top, "b.mustache", "\n{{/x}}", 7);
	write_file(top, "a.mustache", "{{#y}}", 6);
	write_file(top, "c.mustache", "fine", 4);

	set = template_set_new();
	assert_int_equal(template_set_load_dir(set, top, &diags), -1);
	assert_true(template_set_has(set, "c"));
	assert_false(template_set_has(set, "a"));
	buf_printf(&expected,
	    "%s/a.mustache:1:1: unclosed section \"y\" opened here\n"
	    "%s/b.mustache:2:1: closing tag \"x\" has no open section\n",
	    top, top);
	problems = diags_text(&diags);
	assert_string_equal(problems, expected.data);

	free(problems);
	diag_clear(&diags);
	template_set_free(set);
	remove_path(top, "a.mustache");
	remove_path(top, "b.mustache");
	remove_path(top, "c.mustache");
	assert_int_equal(rmdir(top), 0);
	buf_free(&expected);
}

static void
test_load_dir_missing(void **state)
{
	struct template_set	*set;
	struct diag_list	 diags = DIAG_LIST_INIT;
	char			*problems;

	(void)state;
	set = template_set_new();
	assert_int_equal(template_set_load_dir(set,
	    "/nonexistent/templates", &diags), -1);
	problems = diags_text(&diags);
	assert_string_equal(problems, "/nonexistent/templates: failed to "
	    "open template directory: No such file or directory\n");
	free(problems);
	diag_clear(&diags);
	template_set_free(set);
}

static void
test_add_file_errors(void **state)
{
	char			 top[] = "/tmp/test_template.XXXXXX";
	struct template_set	*set;
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct buf		 path = BUF_INIT, expected = BUF_INIT;
	char			*big, *problems;

	(void)state;
	assert_non_null(mkdtemp(top));
	big = malloc(TEMPLATE_FILE_SIZE_MAX + 1);
	assert_non_null(big);
	memset(big, 'x', TEMPLATE_FILE_SIZE_MAX + 1);
	write_file(top, "limit.mustache", big, TEMPLATE_FILE_SIZE_MAX);
	write_file(top, "big.mustache", big, TEMPLATE_FILE_SIZE_MAX + 1);
	free(big);
	set = template_set_new();

	/* Exactly 1 MiB loads. */
	buf_printf(&path, "%s/limit.mustache", top);
	assert_int_equal(template_set_add_file(set, "limit", path.data,
	    &diags), 0);
	assert_int_equal(diags.count, 0);

	/* One byte more does not. */
	buf_reset(&path);
	buf_printf(&path, "%s/big.mustache", top);
	assert_int_equal(template_set_add_file(set, "big", path.data,
	    &diags), -1);
	buf_printf(&expected, "%s: template is %d bytes, larger than the "
	    "limit of %d bytes (1 MiB)\n", path.data,
	    TEMPLATE_FILE_SIZE_MAX + 1, TEMPLATE_FILE_SIZE_MAX);

	/* A missing file and a directory. */
	buf_reset(&path);
	buf_printf(&path, "%s/none.mustache", top);
	assert_int_equal(template_set_add_file(set, "none", path.data,
	    &diags), -1);
	buf_printf(&expected, "%s: failed to open template: No such file or "
	    "directory\n", path.data);
	assert_int_equal(template_set_add_file(set, "dir", top, &diags), -1);
	buf_printf(&expected, "%s: template is not a regular file\n", top);

	problems = diags_text(&diags);
	assert_string_equal(problems, expected.data);
	assert_false(template_set_has(set, "big"));

	free(problems);
	diag_clear(&diags);
	template_set_free(set);
	remove_path(top, "limit.mustache");
	remove_path(top, "big.mustache");
	assert_int_equal(rmdir(top), 0);
	buf_free(&path);
	buf_free(&expected);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_all_five),
		cmocka_unit_test(test_raw_triple_and_ampersand),
		cmocka_unit_test(test_whitespace_inside_tags),
		cmocka_unit_test(test_value_rendering),
		cmocka_unit_test(test_value_rendering_built_doubles),
		cmocka_unit_test(test_dotted_names),
		cmocka_unit_test(test_implicit_iterator),
		cmocka_unit_test(test_section_truthiness),
		cmocka_unit_test(test_section_list_iteration),
		cmocka_unit_test(test_section_object_context),
		cmocka_unit_test(test_section_scalar_context),
		cmocka_unit_test(test_context_stack_lookup),
		cmocka_unit_test(test_inverted_sections),
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_partials),
		cmocka_unit_test(test_partial_indentation),
		cmocka_unit_test(test_partial_missing_renders_empty),
		cmocka_unit_test(test_link_unknown_partial),
		cmocka_unit_test(test_partial_recursion_limit),
		cmocka_unit_test(test_set_delimiters),
		cmocka_unit_test(test_standalone_lines),
		cmocka_unit_test(test_render_twice_one_compile),
		cmocka_unit_test(test_render_appends_to_buffer),
		cmocka_unit_test(test_render_unknown_name),
		cmocka_unit_test(test_hostile_data_escaped),
		cmocka_unit_test(test_error_unclosed_section),
		cmocka_unit_test(test_error_mismatched_close),
		cmocka_unit_test(test_error_close_without_open),
		cmocka_unit_test(test_error_unclosed_tag),
		cmocka_unit_test(test_error_empty_name),
		cmocka_unit_test(test_error_invalid_name),
		cmocka_unit_test(test_error_set_delimiter),
		cmocka_unit_test(test_error_collects_all),
		cmocka_unit_test(test_section_depth_limit),
		cmocka_unit_test(test_duplicate_name),
		cmocka_unit_test(test_load_dir),
		cmocka_unit_test(test_load_dir_reports_every_file),
		cmocka_unit_test(test_load_dir_missing),
		cmocka_unit_test(test_add_file_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
