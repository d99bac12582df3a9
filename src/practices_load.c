/*
 * Loading practices.yaml: the top level, each practice's key and kind, and
 * the walk that hands every setting to the common table
 * (practices_common.c) or to the practice's rule kind.
 */

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "device.h"
#include "diag.h"
#include "practices.h"
#include "practices_internal.h"
#include "xalloc.h"
#include "yaml_tree.h"

#define PRACTICE_KEY_MAX	64

/* --- one practice -------------------------------------------------------- */

static const struct setting *
find_setting(const struct setting *table, size_t n, const struct ynode *key)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strlen(table[i].name) == key->len &&
		    memcmp(table[i].name, key->value, key->len) == 0)
			return &table[i];
	return NULL;
}

/* Return 1 when some rule kind has a setting with this name. */
static int
is_any_kind_setting(const struct ynode *key)
{
	int	 k;

	for (k = 0; k < RULE_KIND__MAX; k++)
		if (find_setting(rule_kinds[k]->settings,
		    rule_kinds[k]->setting_count, key) != NULL)
			return 1;
	return 0;
}

static void
report_unknown_setting(struct practices_loader *ld, const struct ynode *key,
    const struct rule_kind_def *kind)
{
	struct buf	 expected = BUF_INIT, quoted = BUF_INIT;
	size_t		 i;

	for (i = 0; i < common_setting_count; i++)
		buf_printf(&expected, "%s%s", i > 0 ? ", " : "",
		    common_settings[i].name);
	for (i = 0; kind != NULL && i < kind->setting_count; i++)
		buf_printf(&expected, ", %s", kind->settings[i].name);

	yaml_quote(&quoted, key->value, key->len);
	loader_report(ld, key, "unknown key %s; expected one of: %s",
	    quoted.data, expected.data);
	buf_free(&quoted);
	buf_free(&expected);
}

static void
report_missing(struct practices_loader *ld, const struct ynode *map,
    const struct setting *table, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (table[i].required && ynode_get(map, table[i].name) == NULL)
			loader_report(ld, map, "missing required key \"%s\"",
			    table[i].name);
}

/* Read and check "key". When valid, it names the practice in messages. */
static void
read_key(struct practices_loader *ld, struct practice *pr,
    const struct ynode *map)
{
	const struct ynode	*value = ynode_get(map, "key");
	struct buf		 quoted = BUF_INIT;
	const char		*text, *p;

	if (value == NULL ||
	    (text = setting_text(ld, "key", value, "a practice key")) == NULL)
		return;
	for (p = text; (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
	    *p == '_' || *p == '-'; p++)
		;
	if (*p != '\0' || text[0] < 'a' || text[0] > 'z' ||
	    p - text > PRACTICE_KEY_MAX) {
		yaml_quote(&quoted, value->value, value->len);
		loader_report(ld, value, "invalid practice key %s; expected "
		    "up to %d lower-case letters, digits, \"_\" or \"-\", "
		    "starting with a letter", quoted.data, PRACTICE_KEY_MAX);
		buf_free(&quoted);
		return;
	}
	pr->key = xstrdup(text);
	buf_reset(&ld->subject);
	buf_printf(&ld->subject, "practice \"%s\"", text);
}

/* Read "kind" and return its table row, or NULL after reporting why not. */
static const struct rule_kind_def *
read_kind(struct practices_loader *ld, struct practice *pr,
    const struct ynode *map)
{
	const struct ynode	*value = ynode_get(map, "kind");
	struct buf		 quoted = BUF_INIT, expected = BUF_INIT;
	const char		*text;
	int			 k;

	if (value == NULL ||
	    (text = setting_text(ld, "kind", value, "a rule kind")) == NULL)
		return NULL;
	for (k = 0; k < RULE_KIND__MAX; k++)
		if (strcmp(rule_kinds[k]->name, text) == 0) {
			pr->kind = (enum rule_kind)k;
			return rule_kinds[k];
		}

	for (k = 0; k < RULE_KIND__MAX; k++)
		buf_printf(&expected, "%s%s", k > 0 ? ", " : "",
		    rule_kinds[k]->name);
	yaml_quote(&quoted, value->value, value->len);
	loader_report(ld, value, "unknown rule kind %s; expected one of: %s",
	    quoted.data, expected.data);
	buf_free(&quoted);
	buf_free(&expected);
	return NULL;
}

static void
check_platform_sets(struct practices_loader *ld, const struct practice *pr,
    const struct ynode *map)
{
	const struct ynode	*node = ynode_get(map, "always_ok");
	int			 p;

	for (p = 0; p < PLATFORM__MAX; p++)
		if (pr->not_applicable[p] && pr->always_ok[p])
			loader_report(ld, node, "platform %s is in both "
			    "\"not_applicable\" and \"always_ok\"",
			    platform_name((enum platform)p));
}

/* Report a key used by an earlier practice, naming where that one is. */
static void
check_duplicate(struct practices_loader *ld, const struct practices *table,
    const struct ynode *list, size_t index)
{
	const struct practice	*pr = &table->items[index];
	const struct ynode	*first;
	size_t			 i;

	if (pr->key == NULL)
		return;
	for (i = 0; i < index; i++) {
		if (table->items[i].key == NULL ||
		    strcmp(table->items[i].key, pr->key) != 0)
			continue;
		first = ynode_get(list->items[i], "key");
		loader_report(ld, ynode_get(list->items[index], "key"),
		    "duplicate practice key \"%s\" (first defined at %d:%d)",
		    pr->key, first->line, first->column);
		return;
	}
}

/*
 * Fill table->items[index] from list->items[index]. Problems go to the
 * diagnostics; the practice keeps whatever was valid so it can be freed.
 */
static void
load_practice(struct practices_loader *ld, struct practices *table,
    const struct ynode *list, size_t index)
{
	struct practice			*pr = &table->items[index];
	const struct ynode		*map = list->items[index];
	const struct rule_kind_def	*kind;
	const struct setting		*setting;
	size_t				 i;

	pr->line = map->line;
	pr->column = map->column;
	pr->status_if_missing = STATUS_NUDGE;
	pr->status_if_false = STATUS_WARN;
	buf_reset(&ld->subject);
	buf_printf(&ld->subject, "practice %zu", index + 1);

	read_key(ld, pr, map);
	check_duplicate(ld, table, list, index);
	kind = read_kind(ld, pr, map);
	if (kind != NULL)
		pr->settings = kind->new_settings();

	for (i = 0; i < map->count; i++) {
		const struct ynode *key = map->keys[i];
		const struct ynode *value = map->items[i];

		setting = find_setting(common_settings, common_setting_count,
		    key);
		if (setting != NULL) {
			setting->parse(ld, pr, setting->name, value);
			continue;
		}
		if (kind != NULL) {
			setting = find_setting(kind->settings,
			    kind->setting_count, key);
			if (setting != NULL) {
				setting->parse(ld, pr->settings, setting->name,
				    value);
				continue;
			}
		}

		/* The unknown kind was reported, so its settings pass. */
		if (kind == NULL && is_any_kind_setting(key))
			continue;
		report_unknown_setting(ld, key, kind);
	}

	report_missing(ld, map, common_settings, common_setting_count);
	check_platform_sets(ld, pr, map);
	if (kind != NULL) {
		report_missing(ld, map, kind->settings, kind->setting_count);
		kind->check(ld, pr->settings, map);
	}
}

static void
free_practice(struct practice *pr)
{
	int	 i;

	free(pr->key);
	for (i = 0; i < STATUS__MAX; i++)
		free(pr->titles[i]);
	free(pr->description);
	for (i = 0; i < PLATFORM__MAX; i++) {
		free(pr->directions[i]);
		version_floor_free(&pr->na_from[i]);
	}
	free(pr->link);
	if (pr->settings != NULL)
		rule_kinds[pr->kind]->free_settings(pr->settings);
}

/* --- the file ------------------------------------------------------------ */

static void
load_list(struct practices_loader *ld, struct practices *table,
    const struct ynode *list)
{
	const struct ynode	*item;
	size_t			 i;

	if (list->kind != YNODE_SEQUENCE) {
		loader_report(ld, list, "\"practices\" must be a list, not %s",
		    ynode_is_null(list) ? "empty" :
		    ynode_kind_name(list->kind));
		return;
	}
	if (list->count == 0) {
		loader_report(ld, list, "\"practices\" is an empty list; "
		    "expected at least one practice");
		return;
	}

	table->items = xcalloc(list->count, sizeof(table->items[0]));
	for (i = 0; i < list->count; i++) {
		item = list->items[i];
		table->count++;
		if (item->kind != YNODE_MAPPING) {
			buf_reset(&ld->subject);
			loader_report(ld, item, "practice %zu must be a "
			    "mapping, not %s", i + 1,
			    ynode_kind_name(item->kind));
			continue;
		}
		load_practice(ld, table, list, i);
	}
	buf_reset(&ld->subject);
}

static void
load_root(struct practices_loader *ld, struct practices *table,
    const struct ynode *root)
{
	struct buf		 quoted = BUF_INIT;
	const struct ynode	*list = NULL;
	size_t			 i;

	if (root == NULL) {
		diag_add(ld->diags, ld->file, 1, 1, "empty file; expected a "
		    "mapping with a \"practices\" list");
		return;
	}
	if (root->kind != YNODE_MAPPING) {
		loader_report(ld, root, "the top level must be a mapping with "
		    "a \"practices\" list, not %s",
		    ynode_kind_name(root->kind));
		return;
	}

	for (i = 0; i < root->count; i++) {
		if (root->keys[i]->len == strlen("practices") &&
		    strcmp(root->keys[i]->value, "practices") == 0) {
			list = root->items[i];
			load_list(ld, table, list);
			continue;
		}
		buf_reset(&quoted);
		yaml_quote(&quoted, root->keys[i]->value, root->keys[i]->len);
		loader_report(ld, root->keys[i], "unknown key %s; expected one "
		    "of: practices", quoted.data);
	}
	buf_free(&quoted);

	if (list == NULL)
		loader_report(ld, root, "missing required key \"practices\"");
}

/* Check the parsed tree, which may be NULL, and build the table. */
static int
load_tree(const char *filename, struct ynode *root, struct practices **out,
    struct diag_list *diags)
{
	struct practices_loader	 ld = { filename, diags, BUF_INIT };
	struct practices	*table;
	size_t			 before = diags->count;

	table = xcalloc(1, sizeof(*table));
	load_root(&ld, table, root);
	buf_free(&ld.subject);
	ynode_free(root);

	if (diags->count > before) {
		practices_free(table);
		return -1;
	}
	*out = table;
	return 0;
}

int
practices_load(const char *path, struct practices **out,
    struct diag_list *diags)
{
	const struct yaml_limits limits = {
		PRACTICES_MAX_FILE_BYTES, PRACTICES_MAX_DEPTH,
	};
	struct ynode	*root = NULL;

	*out = NULL;
	if (yaml_tree_load_file(path, &limits, &root, diags) != 0)
		return -1;
	return load_tree(path, root, out, diags);
}

int
practices_load_buffer(const char *filename, const char *text, size_t len,
    struct practices **out, struct diag_list *diags)
{
	const struct yaml_limits limits = {
		PRACTICES_MAX_FILE_BYTES, PRACTICES_MAX_DEPTH,
	};
	struct ynode	*root = NULL;

	*out = NULL;
	if (yaml_tree_load_buffer(filename, text, len, &limits, &root,
	    diags) != 0)
		return -1;
	return load_tree(filename, root, out, diags);
}

int
practices_check_file(const char *path, struct diag_list *diags)
{
	struct practices	*table;

	if (practices_load(path, &table, diags) != 0)
		return -1;
	practices_free(table);
	return 0;
}

void
practices_free(struct practices *p)
{
	size_t	 i;

	if (p == NULL)
		return;
	for (i = 0; i < p->count; i++)
		free_practice(&p->items[i]);
	free(p->items);
	free(p);
}

size_t
practices_count(const struct practices *p)
{
	return p->count;
}

const char *
practices_key(const struct practices *p, size_t i)
{
	return i < p->count ? p->items[i].key : NULL;
}

int
practices_summary(const struct practices *p, size_t i,
    struct practice_summary *out)
{
	const struct practice	*pr;

	if (p == NULL || i >= p->count)
		return -1;
	pr = &p->items[i];
	out->key = pr->key;
	out->kind = rule_kinds[pr->kind]->name;
	out->rating = rating_name(pr->rating);
	out->title = pr->titles[STATUS_WARN];
	return 0;
}
