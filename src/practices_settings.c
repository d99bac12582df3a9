/*
 * Parsers for the values that practice settings share: text, booleans,
 * statuses, platform names, versions, and lists and mappings of them.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "device.h"
#include "diag.h"
#include "practices.h"
#include "practices_internal.h"
#include "version.h"
#include "xalloc.h"
#include "yaml_tree.h"

#define STATUS_NAMES	"warn, nudge, unknown, ok, na"
#define PLATFORM_NAMES	"Mac, Windows, Linux, iOS, Android, ChromeOS"

void
loader_report(struct practices_loader *ld, const struct ynode *node,
    const char *fmt, ...)
{
	struct buf	 msg = BUF_INIT;
	va_list		 ap;

	if (ld->subject.len > 0)
		buf_printf(&msg, "%s: ", ld->subject.data);
	va_start(ap, fmt);
	buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	diag_add(ld->diags, ld->file, node->line, node->column, "%s",
	    msg.data);
	buf_free(&msg);
}

/* Report a scalar value that is not one of a fixed set of names. */
static void
report_unknown_name(struct practices_loader *ld, const struct ynode *node,
    const char *what, const char *name, const char *expected)
{
	struct buf	 quoted = BUF_INIT;

	yaml_quote(&quoted, node->value, node->len);
	loader_report(ld, node, "unknown %s %s in \"%s\"; expected one of: %s",
	    what, quoted.data, name, expected);
	buf_free(&quoted);
}

const char *
setting_text(struct practices_loader *ld, const char *name,
    const struct ynode *value, const char *expected)
{
	if (value->kind != YNODE_SCALAR) {
		loader_report(ld, value, "\"%s\" must be %s, not %s", name,
		    expected, ynode_kind_name(value->kind));
		return NULL;
	}
	if (value->len == 0 || ynode_is_null(value)) {
		loader_report(ld, value, "\"%s\" is empty; expected %s", name,
		    expected);
		return NULL;
	}
	if (strlen(value->value) != value->len) {
		loader_report(ld, value, "\"%s\" contains a NUL character",
		    name);
		return NULL;
	}
	return value->value;
}

int
setting_bool(struct practices_loader *ld, const char *name,
    const struct ynode *value, int *out)
{
	static const char *const yes[] = { "true", "True", "TRUE" };
	static const char *const no[] = { "false", "False", "FALSE" };
	const char	*text;
	size_t		 i;

	if ((text = setting_text(ld, name, value, "true or false")) == NULL)
		return -1;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]) && value->plain; i++) {
		if (strcmp(text, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcmp(text, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	loader_report(ld, value, "\"%s\" must be true or false", name);
	return -1;
}

int
setting_status(struct practices_loader *ld, const char *name,
    const struct ynode *value, enum status *out)
{
	const char	*text;

	if ((text = setting_text(ld, name, value, "a status")) == NULL)
		return -1;
	if (status_parse(text, out) != 0) {
		report_unknown_name(ld, value, "status", name, STATUS_NAMES);
		return -1;
	}
	return 0;
}

int
setting_platform(struct practices_loader *ld, const char *name,
    const struct ynode *node, enum platform *out)
{
	const char	*text;
	int		 p;

	if ((text = setting_text(ld, name, node, "a platform name")) == NULL)
		return -1;

	/*
	 * Only the names themselves, in any case. The aliases that
	 * platform_parse accepts from sources would suggest that a setting
	 * for "ubuntu" applies to Ubuntu alone.
	 */
	for (p = PLATFORM_UNKNOWN + 1; p < PLATFORM__MAX; p++)
		if (strcasecmp(text, platform_name((enum platform)p)) == 0) {
			*out = (enum platform)p;
			return 0;
		}
	report_unknown_name(ld, node, "platform", name, PLATFORM_NAMES);
	return -1;
}

int
setting_version(struct practices_loader *ld, const char *name,
    const struct ynode *value, struct version_floor *out)
{
	struct buf	 quoted = BUF_INIT;
	const char	*text;
	size_t		 i;

	if ((text = setting_text(ld, name, value, "a version")) == NULL)
		return -1;

	/* Only digits and dots: a floor has no suffix such as "beta". */
	for (i = 0; text[i] != '\0'; i++)
		if ((text[i] < '0' || text[i] > '9') && text[i] != '.')
			break;
	if (text[i] != '\0' || version_parse(text, &out->version) != 0 ||
	    out->version.has_suffix) {
		yaml_quote(&quoted, value->value, value->len);
		loader_report(ld, value, "invalid version %s in \"%s\"; "
		    "expected numbers separated by dots, such as \"15.7.3\"",
		    quoted.data, name);
		buf_free(&quoted);
		return -1;
	}
	out->text = xstrdup(text);
	return 0;
}

int
setting_version_list(struct practices_loader *ld, const char *name,
    const struct ynode *value, struct version_list *out)
{
	struct version_floor	 floor;
	size_t			 i, n;
	int			 rc = 0;

	if (value->kind == YNODE_MAPPING) {
		loader_report(ld, value, "\"%s\" must be a version or a list "
		    "of versions, not a mapping", name);
		return -1;
	}
	n = value->kind == YNODE_SCALAR ? 1 : value->count;
	if (n == 0) {
		loader_report(ld, value, "\"%s\" is an empty list; expected a "
		    "version or a list of versions", name);
		return -1;
	}
	for (i = 0; i < n; i++) {
		const struct ynode *item = value->kind == YNODE_SCALAR ?
		    value : value->items[i];

		if (setting_version(ld, name, item, &floor) != 0) {
			rc = -1;
			continue;
		}
		out->items = xrealloc(out->items,
		    (out->count + 1) * sizeof(out->items[0]));
		out->items[out->count++] = floor;
	}
	return rc;
}

int
setting_platform_set(struct practices_loader *ld, const char *name,
    const struct ynode *value, unsigned char set[PLATFORM__MAX])
{
	enum platform	 platform;
	size_t		 i;
	int		 rc = 0;

	if (value->kind != YNODE_SEQUENCE) {
		loader_report(ld, value, "\"%s\" must be a list of platform "
		    "names, not %s", name, ynode_kind_name(value->kind));
		return -1;
	}
	for (i = 0; i < value->count; i++) {
		if (setting_platform(ld, name, value->items[i],
		    &platform) != 0) {
			rc = -1;
			continue;
		}
		if (set[platform]) {
			loader_report(ld, value->items[i], "platform %s is "
			    "listed twice in \"%s\"", platform_name(platform),
			    name);
			rc = -1;
		}
		set[platform] = 1;
	}
	return rc;
}

int
setting_string_list(struct practices_loader *ld, const char *name,
    const struct ynode *value, char ***out, size_t *count)
{
	const struct ynode	*item;
	struct buf		 entry = BUF_INIT;
	const char		*text;
	size_t			 i, n;
	int			 rc = 0;

	if (value->kind == YNODE_MAPPING) {
		loader_report(ld, value, "\"%s\" must be a list of names, not "
		    "a mapping", name);
		return -1;
	}
	n = value->kind == YNODE_SCALAR ? 1 : value->count;
	for (i = 0; i < n; i++) {
		item = value->kind == YNODE_SCALAR ? value : value->items[i];
		buf_reset(&entry);
		if (value->kind == YNODE_SCALAR)
			buf_puts(&entry, name);
		else
			buf_printf(&entry, "%s[%zu]", name, i + 1);
		if ((text = setting_text(ld, entry.data, item, "a name")) ==
		    NULL) {
			rc = -1;
			continue;
		}
		*out = xrealloc(*out, (*count + 1) * sizeof(**out));
		(*out)[(*count)++] = xstrdup(text);
	}
	buf_free(&entry);
	return rc;
}

int
setting_platform_map(struct practices_loader *ld, const char *name,
    const struct ynode *value, platform_entry *each, void *arg)
{
	unsigned char	 seen[PLATFORM__MAX] = { 0 };
	struct buf	 dotted = BUF_INIT;
	enum platform	 platform;
	size_t		 i;
	int		 rc = 0;

	if (value->kind != YNODE_MAPPING) {
		loader_report(ld, value, "\"%s\" must be a mapping of platform "
		    "names such as Mac or Windows, not %s", name,
		    ynode_kind_name(value->kind));
		return -1;
	}
	for (i = 0; i < value->count; i++) {
		if (setting_platform(ld, name, value->keys[i],
		    &platform) != 0) {
			rc = -1;
			continue;
		}

		/* "Mac" and "mac" are different YAML keys but one platform. */
		if (seen[platform]) {
			loader_report(ld, value->keys[i], "platform %s appears "
			    "twice in \"%s\"", platform_name(platform), name);
			rc = -1;
			continue;
		}
		seen[platform] = 1;

		buf_reset(&dotted);
		buf_printf(&dotted, "%s.%s", name, platform_name(platform));
		each(ld, arg, platform, dotted.data, value->items[i]);
	}
	buf_free(&dotted);
	return rc;
}

void
version_floor_free(struct version_floor *floor)
{
	free(floor->text);
	floor->text = NULL;
}

void
version_list_free(struct version_list *list)
{
	size_t	 i;

	for (i = 0; i < list->count; i++)
		version_floor_free(&list->items[i]);
	free(list->items);
	list->items = NULL;
	list->count = 0;
}

void
string_list_free(char **list, size_t count)
{
	size_t	 i;

	for (i = 0; i < count; i++)
		free(list[i]);
	free(list);
}
