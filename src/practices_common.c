/*
 * The settings every practice has, whatever its rule kind: their parsers
 * and the table that the loader walks.
 */

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "device.h"
#include "practices.h"
#include "practices_internal.h"
#include "xalloc.h"
#include "yaml_tree.h"

/* key and kind are read before the walk, which only skips them. */
static void
parse_nothing(struct practices_loader *ld, void *target, const char *name,
    const struct ynode *value)
{
	(void)ld;
	(void)target;
	(void)name;
	(void)value;
}

static void
parse_description(struct practices_loader *ld, void *target,
    const char *name, const struct ynode *value)
{
	struct practice	*pr = target;
	const char	*text;

	if ((text = setting_text(ld, name, value, "a string")) != NULL)
		pr->description = xstrdup(text);
}

static void
parse_link(struct practices_loader *ld, void *target, const char *name,
    const struct ynode *value)
{
	struct practice	*pr = target;
	struct buf	 quoted = BUF_INIT;
	const char	*text, *p;

	if ((text = setting_text(ld, name, value, "a URL")) == NULL)
		return;
	for (p = text; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f)
			break;
	if (*p != '\0' || (strncmp(text, "https://", 8) != 0 &&
	    strncmp(text, "http://", 7) != 0)) {
		yaml_quote(&quoted, value->value, value->len);
		loader_report(ld, value, "\"%s\" must be an http:// or "
		    "https:// URL without spaces, not %s", name, quoted.data);
		buf_free(&quoted);
		return;
	}
	pr->link = xstrdup(text);
}

static void
parse_rating(struct practices_loader *ld, void *target, const char *name,
    const struct ynode *value)
{
	struct practice	*pr = target;
	struct buf	 quoted = BUF_INIT;
	const char	*text;

	if ((text = setting_text(ld, name, value, "a rating")) == NULL)
		return;
	if (rating_parse(text, &pr->rating) != 0) {
		yaml_quote(&quoted, value->value, value->len);
		loader_report(ld, value, "unknown rating %s in \"%s\"; "
		    "expected one of: critical, high, medium, low", quoted.data,
		    name);
		buf_free(&quoted);
	}
}

static void
parse_platform_required(struct practices_loader *ld, void *target,
    const char *name, const struct ynode *value)
{
	struct practice	*pr = target;

	setting_bool(ld, name, value, &pr->platform_required);
}

static void
parse_status_if_missing(struct practices_loader *ld, void *target,
    const char *name, const struct ynode *value)
{
	struct practice	*pr = target;

	setting_status(ld, name, value, &pr->status_if_missing);
}

static void
parse_status_if_false(struct practices_loader *ld, void *target,
    const char *name, const struct ynode *value)
{
	struct practice	*pr = target;

	setting_status(ld, name, value, &pr->status_if_false);
}

static void
parse_not_applicable(struct practices_loader *ld, void *target,
    const char *name, const struct ynode *value)
{
	struct practice	*pr = target;

	setting_platform_set(ld, name, value, pr->not_applicable);
}

static void
parse_always_ok(struct practices_loader *ld, void *target, const char *name,
    const struct ynode *value)
{
	struct practice	*pr = target;

	setting_platform_set(ld, name, value, pr->always_ok);
}

static void
store_directions(struct practices_loader *ld, void *arg,
    enum platform platform, const char *dotted, const struct ynode *value)
{
	struct practice	*pr = arg;
	const char	*text;

	if ((text = setting_text(ld, dotted, value, "a string")) != NULL)
		pr->directions[platform] = xstrdup(text);
}

static void
parse_directions(struct practices_loader *ld, void *target,
    const char *name, const struct ynode *value)
{
	setting_platform_map(ld, name, value, store_directions, target);
}

static void
store_na_from(struct practices_loader *ld, void *arg, enum platform platform,
    const char *dotted, const struct ynode *value)
{
	struct practice	*pr = arg;

	setting_version(ld, dotted, value, &pr->na_from[platform]);
}

static void
parse_not_applicable_from(struct practices_loader *ld, void *target,
    const char *name, const struct ynode *value)
{
	setting_platform_map(ld, name, value, store_na_from, target);
}

/* "title" is one string, or a mapping of status names and "default". */
static void
parse_title(struct practices_loader *ld, void *target, const char *name,
    const struct ynode *value)
{
	struct practice	*pr = target;
	struct buf	 missing = BUF_INIT, dotted = BUF_INIT;
	const char	*text, *fallback = NULL, *given[STATUS__MAX] = { NULL };
	enum status	 status = STATUS_OK;
	size_t		 i;
	int		 s;

	if (value->kind == YNODE_SEQUENCE) {
		loader_report(ld, value, "\"%s\" must be a string or a mapping "
		    "of status to title, not a list", name);
		return;
	}
	if (value->kind == YNODE_SCALAR) {
		if ((text = setting_text(ld, name, value, "a string")) == NULL)
			return;
		for (s = 0; s < STATUS__MAX; s++)
			pr->titles[s] = xstrdup(text);
		return;
	}

	for (i = 0; i < value->count; i++) {
		const struct ynode *key = value->keys[i];
		int is_default = strcmp(key->value, "default") == 0;

		if (!is_default && status_parse(key->value, &status) != 0) {
			struct buf quoted = BUF_INIT;

			yaml_quote(&quoted, key->value, key->len);
			loader_report(ld, key, "unknown status %s in \"%s\"; "
			    "expected one of: warn, nudge, unknown, ok, na, "
			    "default", quoted.data, name);
			buf_free(&quoted);
			continue;
		}

		buf_reset(&dotted);
		buf_printf(&dotted, "%s.%s", name, key->value);
		text = setting_text(ld, dotted.data, value->items[i],
		    "a string");
		if (is_default)
			fallback = text;
		else
			given[status] = text;
	}

	/* Every status needs a title: its own or the default. */
	for (s = 0; s < STATUS__MAX; s++) {
		if (ynode_get(value, "default") != NULL ||
		    ynode_get(value, status_name(s)) != NULL)
			continue;
		buf_printf(&missing, "%s%s", missing.len > 0 ? ", " : "",
		    status_name(s));
	}
	if (missing.len > 0)
		loader_report(ld, value, "\"%s\" has no title for %s; add them "
		    "or a \"default\"", name, missing.data);

	for (s = 0; s < STATUS__MAX; s++) {
		text = given[s] != NULL ? given[s] : fallback;
		if (text != NULL)
			pr->titles[s] = xstrdup(text);
	}
	buf_free(&missing);
	buf_free(&dotted);
}

const struct setting common_settings[] = {
	{ "key", 1, parse_nothing },
	{ "kind", 1, parse_nothing },
	{ "title", 1, parse_title },
	{ "description", 1, parse_description },
	{ "directions", 0, parse_directions },
	{ "link", 0, parse_link },
	{ "rating", 1, parse_rating },
	{ "not_applicable", 0, parse_not_applicable },
	{ "not_applicable_from", 0, parse_not_applicable_from },
	{ "always_ok", 0, parse_always_ok },
	{ "platform_required", 0, parse_platform_required },
	{ "status_if_missing", 0, parse_status_if_missing },
	{ "status_if_false", 0, parse_status_if_false },
};

const size_t common_setting_count =
    sizeof(common_settings) / sizeof(common_settings[0]);
