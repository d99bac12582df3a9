/*
 * The rule kind table, the "observed" kind, and helpers that the kinds
 * share. The os_version and software kinds live in their own files.
 */

#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "device.h"
#include "practices.h"
#include "practices_internal.h"
#include "version.h"
#include "xalloc.h"

/* --- observed: the merged observation with the practice's key ------------ */

static void *
observed_new(void)
{
	return NULL;
}

static void
observed_check(struct practices_loader *ld, const void *settings,
    const struct ynode *map)
{
	(void)ld;
	(void)settings;
	(void)map;
}

static void
observed_evaluate(const struct practice *pr,
    const struct device_record *device, struct rule_outcome *out)
{
	const struct observation	*obs;

	obs = device_observation(device, pr->key);
	if (obs == NULL) {
		out->status = pr->status_if_missing;
		out->details = xstrdup("No source reported this for the "
		    "device.");
		return;
	}

	switch (obs->value) {
	case OBSERVED_TRUE:
		out->status = STATUS_OK;
		break;
	case OBSERVED_FALSE:
		out->status = pr->status_if_false;
		break;
	default:
		out->status = pr->status_if_missing;
		break;
	}
	if (obs->details != NULL)
		out->details = xstrdup(obs->details);
	out->last_updated = obs->observed_at;
}

static void
observed_free(void *settings)
{
	(void)settings;
}

/* --- the table ----------------------------------------------------------- */

const struct rule_kind_def observed_kind = {
	.name = "observed",
	.settings = NULL,
	.setting_count = 0,
	.new_settings = observed_new,
	.check = observed_check,
	.evaluate = observed_evaluate,
	.free_settings = observed_free,
};

const struct rule_kind_def *const rule_kinds[RULE_KIND__MAX] = {
	[RULE_OBSERVED] = &observed_kind,
	[RULE_OS_VERSION] = &os_version_kind,
	[RULE_SOFTWARE] = &software_kind,
};

/* --- helpers ------------------------------------------------------------- */

const struct version_floor *
rule_pick_floor(const struct version_list *list, const struct version *v)
{
	const struct version_floor	*best = NULL;
	size_t				 i, shared, best_shared = 0;

	for (i = 0; i < list->count; i++) {
		const struct version_floor *f = &list->items[i];

		shared = version_common_prefix(&f->version, v);
		if (best == NULL || shared > best_shared ||
		    (shared == best_shared &&
		    version_compare(&f->version, &best->version) < 0)) {
			best = f;
			best_shared = shared;
		}
	}
	return best;
}

const char *
rule_os_label(const struct device_record *device)
{
	if (device->os_name != NULL && device->os_name[0] != '\0')
		return device->os_name;
	return platform_name(device->platform);
}

char *
rule_trimmed(const char *s)
{
	size_t	 len;

	while (isspace((unsigned char)*s))
		s++;
	len = strlen(s);
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	return xstrndup(s, len);
}
