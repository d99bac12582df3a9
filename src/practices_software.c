/*
 * The "software" rule kind: one of the listed applications is installed
 * or one of the listed services runs, optionally with a version floor per
 * platform for the applications.
 */

#include <stddef.h>
#include <stdlib.h>
#include <strings.h>

#include "buf.h"
#include "device.h"
#include "practices.h"
#include "practices_internal.h"
#include "version.h"
#include "xalloc.h"
#include "yaml_tree.h"

struct software_settings {
	char			**applications;
	size_t			  application_count;
	char			**services;
	size_t			  service_count;
	struct version_floor	  minimum[PLATFORM__MAX]; /* text NULL: none */
};

/* --- settings ------------------------------------------------------------ */

static void
parse_applications(struct practices_loader *ld, void *target,
    const char *name, const struct ynode *value)
{
	struct software_settings	*s = target;

	setting_string_list(ld, name, value, &s->applications,
	    &s->application_count);
}

static void
parse_services(struct practices_loader *ld, void *target, const char *name,
    const struct ynode *value)
{
	struct software_settings	*s = target;

	setting_string_list(ld, name, value, &s->services, &s->service_count);
}

static void
store_minimum(struct practices_loader *ld, void *arg, enum platform platform,
    const char *dotted, const struct ynode *value)
{
	struct software_settings	*s = arg;

	setting_version(ld, dotted, value, &s->minimum[platform]);
}

static void
parse_minimum_version(struct practices_loader *ld, void *target,
    const char *name, const struct ynode *value)
{
	setting_platform_map(ld, name, value, store_minimum, target);
}

static const struct setting software_settings[] = {
	{ "applications", 0, parse_applications },
	{ "services", 0, parse_services },
	{ "minimum_version", 0, parse_minimum_version },
};

static void *
software_new(void)
{
	return xcalloc(1, sizeof(struct software_settings));
}

static int
is_empty_list(const struct ynode *node)
{
	return node == NULL ||
	    (node->kind == YNODE_SEQUENCE && node->count == 0);
}

static void
software_check(struct practices_loader *ld, const void *settings,
    const struct ynode *map)
{
	const struct software_settings	*s = settings;
	const struct ynode		*apps, *services;

	/* A list with an invalid name was reported when it was read. */
	if (s->application_count > 0 || s->service_count > 0)
		return;
	apps = ynode_get(map, "applications");
	services = ynode_get(map, "services");
	if (apps == NULL && services == NULL)
		loader_report(ld, map, "a software practice needs "
		    "\"applications\" or \"services\"");
	else if (is_empty_list(apps) && is_empty_list(services))
		loader_report(ld, apps != NULL ? apps : services,
		    "\"applications\" and \"services\" name no software; "
		    "expected at least one name");
}

static void
software_free(void *settings)
{
	struct software_settings	*s = settings;
	size_t				 i;

	string_list_free(s->applications, s->application_count);
	string_list_free(s->services, s->service_count);
	for (i = 0; i < PLATFORM__MAX; i++)
		version_floor_free(&s->minimum[i]);
	free(s);
}

/* --- evaluation ---------------------------------------------------------- */

static int
name_listed(char *const *names, size_t count, const char *name)
{
	size_t	 i;

	if (name == NULL)
		return 0;
	for (i = 0; i < count; i++)
		if (strcasecmp(names[i], name) == 0)
			return 1;
	return 0;
}

/* Matches of the listed software on the device, from best to worst. */
struct software_findings {
	const struct software_item	*current;	/* meets any floor */
	const struct software_item	*outdated;	/* below the floor */
	const struct software_item	*unversioned;	/* version unknown */
	const char			*service;
};

static void
find_software(const struct software_settings *s,
    const struct device_record *device, const struct version_floor *floor,
    struct software_findings *found)
{
	const struct software_item	*item;
	struct version			 v;
	size_t				 i;

	for (i = 0; i < device->software_count; i++) {
		item = &device->software[i];
		if (!name_listed(s->applications, s->application_count,
		    item->name))
			continue;
		if (floor == NULL) {
			found->current = item;
			return;
		}
		if (version_parse(item->version, &v) != 0) {
			if (found->unversioned == NULL)
				found->unversioned = item;
			continue;
		}
		if (version_compare(&v, &floor->version) >= 0) {
			found->current = item;
			return;
		}
		if (found->outdated == NULL)
			found->outdated = item;
	}

	for (i = 0; i < device->service_count; i++)
		if (name_listed(s->services, s->service_count,
		    device->services[i])) {
			found->service = device->services[i];
			return;
		}
}

static void
describe_missing(const struct software_settings *s, struct buf *details)
{
	size_t	 i;

	buf_puts(details, "None of the listed software was found.");
	for (i = 0; i < s->application_count; i++)
		buf_printf(details, "%s%s", i == 0 ? " Applications: " : ", ",
		    s->applications[i]);
	if (s->application_count > 0)
		buf_putc(details, '.');
	for (i = 0; i < s->service_count; i++)
		buf_printf(details, "%s%s", i == 0 ? " Services: " : ", ",
		    s->services[i]);
	if (s->service_count > 0)
		buf_putc(details, '.');
}

static void
software_evaluate(const struct practice *pr,
    const struct device_record *device, struct rule_outcome *out)
{
	const struct software_settings	*s = pr->settings;
	const struct version_floor	*floor = NULL;
	struct software_findings	 found = { NULL, NULL, NULL, NULL };
	struct buf			 details = BUF_INIT;

	if (device->software_count == 0 && device->service_count == 0) {
		out->status = pr->status_if_missing;
		out->details = xstrdup("No source reported the installed "
		    "software or running services.");
		return;
	}
	if (device->platform < PLATFORM__MAX &&
	    s->minimum[device->platform].text != NULL)
		floor = &s->minimum[device->platform];
	find_software(s, device, floor, &found);

	out->status = STATUS_OK;
	if (found.current != NULL) {
		buf_puts(&details, found.current->name);
		if (found.current->version != NULL)
			buf_printf(&details, " %s", found.current->version);
		buf_puts(&details, " is installed.");
	} else if (found.outdated != NULL) {
		out->status = STATUS_NUDGE;
		buf_printf(&details, "%s %s is installed. Version %s or later "
		    "is suggested.", found.outdated->name,
		    found.outdated->version, floor->text);
	} else if (found.unversioned != NULL) {
		buf_printf(&details, "%s is installed. Its version was not "
		    "reported, so it was not compared with %s.",
		    found.unversioned->name, floor->text);
	} else if (found.service != NULL) {
		buf_printf(&details, "The service %s is running.",
		    found.service);
	} else {
		out->status = pr->status_if_false;
		describe_missing(s, &details);
	}
	out->details = buf_detach(&details);
}

const struct rule_kind_def software_kind = {
	.name = "software",
	.settings = software_settings,
	.setting_count = sizeof(software_settings) /
	    sizeof(software_settings[0]),
	.new_settings = software_new,
	.check = software_check,
	.evaluate = software_evaluate,
	.free_settings = software_free,
};
