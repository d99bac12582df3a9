/*
 * The "os_version" rule kind: the device's OS version against required
 * and recommended versions per platform, and a list of releases that are
 * out of support.
 */

#include <fnmatch.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "device.h"
#include "practices.h"
#include "practices_internal.h"
#include "version.h"
#include "xalloc.h"
#include "yaml_tree.h"

/*
 * An out-of-support release: every condition that is set must hold. A
 * condition on the version never holds when the version is missing or
 * cannot be parsed.
 */
struct unsupported_release {
	enum platform		 platform;
	char			*os_name;	/* glob, or NULL */
	struct version_floor	 version;	/* prefix, or text NULL */
	struct version_floor	 below;		/* or text NULL */
	char			*release;	/* name shown in details */
};

struct os_version_settings {
	struct version_list		 required[PLATFORM__MAX];
	struct version_list		 recommended[PLATFORM__MAX];
	struct unsupported_release	*unsupported;
	size_t				 unsupported_count;
};

/* --- settings ------------------------------------------------------------ */

static void
store_required(struct practices_loader *ld, void *arg,
    enum platform platform, const char *dotted, const struct ynode *value)
{
	struct os_version_settings	*s = arg;

	setting_version_list(ld, dotted, value, &s->required[platform]);
}

static void
store_recommended(struct practices_loader *ld, void *arg,
    enum platform platform, const char *dotted, const struct ynode *value)
{
	struct os_version_settings	*s = arg;

	setting_version_list(ld, dotted, value, &s->recommended[platform]);
}

static void
parse_required(struct practices_loader *ld, void *target, const char *name,
    const struct ynode *value)
{
	setting_platform_map(ld, name, value, store_required, target);
}

static void
parse_recommended(struct practices_loader *ld, void *target,
    const char *name, const struct ynode *value)
{
	setting_platform_map(ld, name, value, store_recommended, target);
}

static const char *const entry_keys[] = {
	"platform", "release", "version", "below", "os_name",
};

#define ENTRY_KEY_COUNT	(sizeof(entry_keys) / sizeof(entry_keys[0]))

/* Read one entry of "unsupported"; name is "unsupported[N]". */
static void
parse_entry(struct practices_loader *ld, struct unsupported_release *r,
    const char *name, const struct ynode *map)
{
	struct buf	 dotted = BUF_INIT, quoted = BUF_INIT;
	const char	*text;
	size_t		 i, k;

	for (i = 0; i < map->count; i++) {
		const struct ynode *key = map->keys[i], *value = map->items[i];

		for (k = 0; k < ENTRY_KEY_COUNT; k++)
			if (strcmp(key->value, entry_keys[k]) == 0)
				break;
		if (k == ENTRY_KEY_COUNT) {
			buf_reset(&quoted);
			yaml_quote(&quoted, key->value, key->len);
			loader_report(ld, key, "unknown key %s in \"%s\"; "
			    "expected one of: platform, release, version, "
			    "below, os_name", quoted.data, name);
			continue;
		}

		buf_reset(&dotted);
		buf_printf(&dotted, "%s.%s", name, entry_keys[k]);
		if (strcmp(entry_keys[k], "platform") == 0)
			setting_platform(ld, dotted.data, value, &r->platform);
		else if (strcmp(entry_keys[k], "version") == 0)
			setting_version(ld, dotted.data, value, &r->version);
		else if (strcmp(entry_keys[k], "below") == 0)
			setting_version(ld, dotted.data, value, &r->below);
		else if ((text = setting_text(ld, dotted.data, value,
		    "a string")) == NULL)
			continue;
		else if (strcmp(entry_keys[k], "release") == 0)
			r->release = xstrdup(text);
		else
			r->os_name = xstrdup(text);
	}

	if (ynode_get(map, "platform") == NULL)
		loader_report(ld, map, "\"%s\" has no \"platform\"", name);
	if (ynode_get(map, "release") == NULL)
		loader_report(ld, map, "\"%s\" has no \"release\"; expected "
		    "the name people know the release by, such as "
		    "\"Windows 10\"", name);
	if (ynode_get(map, "version") == NULL &&
	    ynode_get(map, "below") == NULL &&
	    ynode_get(map, "os_name") == NULL)
		loader_report(ld, map, "\"%s\" matches every %s device; add "
		    "\"version\", \"below\" or \"os_name\"", name,
		    platform_name(r->platform));
	buf_free(&quoted);
	buf_free(&dotted);
}

static void
parse_unsupported(struct practices_loader *ld, void *target,
    const char *name, const struct ynode *value)
{
	struct os_version_settings	*s = target;
	struct buf			 entry_name = BUF_INIT;
	size_t				 i;

	if (value->kind != YNODE_SEQUENCE) {
		loader_report(ld, value, "\"%s\" must be a list of releases, "
		    "not %s", name, ynode_kind_name(value->kind));
		return;
	}
	s->unsupported = xcalloc(value->count, sizeof(s->unsupported[0]));
	for (i = 0; i < value->count; i++) {
		buf_reset(&entry_name);
		buf_printf(&entry_name, "%s[%zu]", name, i + 1);
		if (value->items[i]->kind != YNODE_MAPPING) {
			loader_report(ld, value->items[i], "\"%s\" must be a "
			    "mapping with platform, release and version, below "
			    "or os_name, not %s", entry_name.data,
			    ynode_kind_name(value->items[i]->kind));
			continue;
		}
		parse_entry(ld, &s->unsupported[s->unsupported_count++],
		    entry_name.data, value->items[i]);
	}
	buf_free(&entry_name);
}

static const struct setting os_version_settings[] = {
	{ "required", 0, parse_required },
	{ "recommended", 0, parse_recommended },
	{ "unsupported", 0, parse_unsupported },
};

static void *
os_version_new(void)
{
	return xcalloc(1, sizeof(struct os_version_settings));
}

static void
os_version_check(struct practices_loader *ld, const void *settings,
    const struct ynode *map)
{
	(void)settings;
	if (ynode_get(map, "required") == NULL &&
	    ynode_get(map, "recommended") == NULL &&
	    ynode_get(map, "unsupported") == NULL)
		loader_report(ld, map, "an os_version practice needs at least "
		    "one of \"required\", \"recommended\" or \"unsupported\"");
}

static void
os_version_free(void *settings)
{
	struct os_version_settings	*s = settings;
	size_t				 i;

	for (i = 0; i < PLATFORM__MAX; i++) {
		version_list_free(&s->required[i]);
		version_list_free(&s->recommended[i]);
	}
	for (i = 0; i < s->unsupported_count; i++) {
		free(s->unsupported[i].os_name);
		version_floor_free(&s->unsupported[i].version);
		version_floor_free(&s->unsupported[i].below);
		free(s->unsupported[i].release);
	}
	free(s->unsupported);
	free(s);
}

/* --- evaluation ---------------------------------------------------------- */

/* v is NULL when the device's version is missing or cannot be parsed. */
static int
release_matches(const struct unsupported_release *r,
    const struct device_record *device, const struct version *v)
{
	struct version	 numbers;
	size_t		 i;
	uint64_t	 part;

	if (r->platform != device->platform)
		return 0;
	if (r->os_name != NULL && (device->os_name == NULL ||
	    fnmatch(r->os_name, device->os_name, FNM_CASEFOLD) != 0))
		return 0;
	if ((r->version.text != NULL || r->below.text != NULL) && v == NULL)
		return 0;

	if (r->version.text != NULL)
		for (i = 0; i < r->version.version.count; i++) {
			part = i < v->count ? v->parts[i] : 0;
			if (part != r->version.version.parts[i])
				return 0;
		}

	/* A beta of the first supported release is not out of support. */
	if (r->below.text != NULL) {
		numbers = *v;
		numbers.prerelease = 0;
		if (version_compare(&numbers, &r->below.version) >= 0)
			return 0;
	}
	return 1;
}

/* Compare the parsed version v with the floors for the device's platform. */
static void
compare_floors(const struct os_version_settings *s,
    const struct device_record *device, const struct version *v,
    const char *shown, struct rule_outcome *out)
{
	const struct version_floor	*req, *rec;
	struct buf			 details = BUF_INIT;

	req = rule_pick_floor(&s->required[device->platform], v);
	rec = rule_pick_floor(&s->recommended[device->platform], v);
	if (req == NULL && rec == NULL) {
		out->status = STATUS_UNKNOWN;
		buf_printf(&details, "No version requirement is set for %s.",
		    platform_name(device->platform));
		goto done;
	}

	buf_printf(&details, "This device runs %s %s.", rule_os_label(device),
	    shown);
	if (req != NULL && version_compare(v, &req->version) < 0) {
		out->status = STATUS_WARN;
		buf_printf(&details, " Version %s or later is required",
		    req->text);
		if (rec != NULL &&
		    version_compare(&rec->version, &req->version) > 0)
			buf_printf(&details, ", and %s is recommended",
			    rec->text);
		buf_putc(&details, '.');
	} else if (rec != NULL && version_compare(v, &rec->version) < 0) {
		out->status = STATUS_NUDGE;
		buf_printf(&details, " Version %s or later is recommended.",
		    rec->text);
	} else {
		out->status = STATUS_OK;
	}

done:
	out->details = buf_detach(&details);
}

/*
 * Fold in what a source observed under the practice's key: JAMF's pending
 * software updates and LANDESK's missing critical patches mean the device
 * is not up to date whatever its version number says.
 */
static void
add_pending_updates(const struct practice *pr,
    const struct device_record *device, struct rule_outcome *out)
{
	const struct observation	*obs;
	struct buf			 details = BUF_INIT;

	obs = device_observation(device, pr->key);
	if (obs == NULL || obs->value != OBSERVED_FALSE)
		return;
	if (pr->status_if_false < out->status)
		out->status = pr->status_if_false;
	if (obs->observed_at > out->last_updated)
		out->last_updated = obs->observed_at;
	if (obs->details == NULL || obs->details[0] == '\0')
		return;

	if (out->details != NULL) {
		buf_puts(&details, out->details);
		buf_putc(&details, ' ');
		free(out->details);
	}
	buf_puts(&details, obs->details);
	out->details = buf_detach(&details);
}

static void
os_version_evaluate(const struct practice *pr,
    const struct device_record *device, struct rule_outcome *out)
{
	const struct os_version_settings	*s = pr->settings;
	struct buf				 details = BUF_INIT;
	struct version				 v;
	char					*shown = NULL;
	int					 parsed = 0;
	size_t					 i;

	if (device->os_version != NULL) {
		shown = rule_trimmed(device->os_version);
		parsed = version_parse(shown, &v) == 0;
	}

	/* An out-of-support release is a warning, even above every floor. */
	for (i = 0; i < s->unsupported_count; i++) {
		const struct unsupported_release *r = &s->unsupported[i];

		if (!release_matches(r, device, parsed ? &v : NULL))
			continue;
		out->status = STATUS_WARN;
		buf_printf(&details, "%s is out of support and no longer gets "
		    "security updates. This device runs %s", r->release,
		    rule_os_label(device));
		if (shown != NULL && shown[0] != '\0')
			buf_printf(&details, " %s", shown);
		buf_putc(&details, '.');
		out->details = buf_detach(&details);
		goto done;
	}

	if (shown == NULL || shown[0] == '\0') {
		out->status = pr->status_if_missing;
		out->details = xstrdup("No source reported the OS version.");
	} else if (!parsed) {
		out->status = STATUS_UNKNOWN;
		buf_puts(&details, "The OS version ");
		yaml_quote(&details, shown, strlen(shown));
		buf_puts(&details, " could not be read, so it was not "
		    "compared.");
		out->details = buf_detach(&details);
	} else if (device->platform <= PLATFORM_UNKNOWN ||
	    device->platform >= PLATFORM__MAX) {
		out->status = STATUS_UNKNOWN;
		out->details = xstrdup("The device's platform is not known, so "
		    "no version requirement applies.");
	} else {
		compare_floors(s, device, &v, shown, out);
	}

done:
	add_pending_updates(pr, device, out);
	buf_free(&details);
	free(shown);
}

const struct rule_kind_def os_version_kind = {
	.name = "os_version",
	.settings = os_version_settings,
	.setting_count = sizeof(os_version_settings) /
	    sizeof(os_version_settings[0]),
	.new_settings = os_version_new,
	.check = os_version_check,
	.evaluate = os_version_evaluate,
	.free_settings = os_version_free,
};
