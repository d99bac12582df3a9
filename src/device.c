/* Device records: platform names, lookups, growth and freeing. */

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "device.h"
#include "log.h"
#include "xalloc.h"

static const char *const platform_names[PLATFORM__MAX] = {
	[PLATFORM_UNKNOWN]	= "unknown",
	[PLATFORM_MAC]		= "Mac",
	[PLATFORM_WINDOWS]	= "Windows",
	[PLATFORM_LINUX]	= "Linux",
	[PLATFORM_IOS]		= "iOS",
	[PLATFORM_ANDROID]	= "Android",
	[PLATFORM_CHROMEOS]	= "ChromeOS",
};

/*
 * Spellings that sources and people use, compared after folding to
 * lower-case letters and digits, so "Mac OS X", "macOS" and "mac-os-x"
 * are all one entry each. The Linux distribution names are what osquery
 * reports as a host's platform.
 */
static const struct {
	const char	*folded;
	enum platform	 platform;
} platform_aliases[] = {
	{ "mac",		PLATFORM_MAC },
	{ "macos",		PLATFORM_MAC },
	{ "macosx",		PLATFORM_MAC },
	{ "osx",		PLATFORM_MAC },
	{ "darwin",		PLATFORM_MAC },
	{ "windows",		PLATFORM_WINDOWS },
	{ "win",		PLATFORM_WINDOWS },
	{ "win32",		PLATFORM_WINDOWS },
	{ "win64",		PLATFORM_WINDOWS },
	{ "microsoftwindows",	PLATFORM_WINDOWS },
	{ "linux",		PLATFORM_LINUX },
	{ "ubuntu",		PLATFORM_LINUX },
	{ "debian",		PLATFORM_LINUX },
	{ "rhel",		PLATFORM_LINUX },
	{ "centos",		PLATFORM_LINUX },
	{ "fedora",		PLATFORM_LINUX },
	{ "ios",		PLATFORM_IOS },
	{ "ipados",		PLATFORM_IOS },
	{ "iphoneos",		PLATFORM_IOS },
	{ "android",		PLATFORM_ANDROID },
	{ "chromeos",		PLATFORM_CHROMEOS },
	{ "chromiumos",		PLATFORM_CHROMEOS },
	{ "cros",		PLATFORM_CHROMEOS },
};

/* Longer than every alias, so that a longer name cannot match. */
#define PLATFORM_FOLDED_MAX	32

const char *
platform_name(enum platform p)
{
	if ((int)p < 0 || p >= PLATFORM__MAX)
		return platform_names[PLATFORM_UNKNOWN];
	return platform_names[p];
}

int
platform_parse(const char *name, enum platform *out)
{
	char	 folded[PLATFORM_FOLDED_MAX];
	size_t	 len = 0, i;

	if (name == NULL)
		return -1;

	for (; *name != '\0'; name++) {
		if (!isalnum((unsigned char)*name))
			continue;
		if (len + 1 >= sizeof(folded))
			return -1;
		folded[len++] = (char)tolower((unsigned char)*name);
	}
	folded[len] = '\0';

	for (i = 0; i < sizeof(platform_aliases) / sizeof(platform_aliases[0]);
	    i++) {
		if (strcmp(folded, platform_aliases[i].folded) == 0) {
			*out = platform_aliases[i].platform;
			return 0;
		}
	}
	return -1;
}

const struct observation *
device_observation(const struct device_record *rec, const char *key)
{
	size_t	 i;

	for (i = 0; i < rec->observation_count; i++)
		if (strcmp(rec->observations[i].key, key) == 0)
			return &rec->observations[i];
	return NULL;
}

/*
 * Make room for one more element. An array built by hand may have a
 * capacity of 0 with a nonzero count. It is then reallocated with room
 * to spare, which is safe for any array from malloc.
 */
static void *
grow_for_append(void *items, size_t count, size_t *cap, size_t size)
{
	if (count < *cap)
		return items;
	if (count > SIZE_MAX / 2 / size) {
		log_error("alloc", "array of %zu elements cannot grow", count);
		abort();
	}
	*cap = count < 4 ? 4 : count * 2;
	return xrealloc(items, *cap * size);
}

struct device_record *
device_list_add(struct device_list *list)
{
	struct device_record	*rec;

	if (list->count == list->cap) {
		list->cap = list->cap ? list->cap * 2 : 16;
		list->items = xrealloc(list->items,
		    list->cap * sizeof(list->items[0]));
	}
	rec = &list->items[list->count++];
	memset(rec, 0, sizeof(*rec));
	return rec;
}

void
device_record_add_mac(struct device_record *rec, const char *mac)
{
	rec->ids.macs = grow_for_append(rec->ids.macs, rec->ids.mac_count,
	    &rec->ids.mac_cap, sizeof(rec->ids.macs[0]));
	rec->ids.macs[rec->ids.mac_count++] = xstrdup(mac);
}

struct observation *
device_record_add_observation(struct device_record *rec, const char *key,
    enum observed value, const char *details, time_t observed_at)
{
	struct observation	*obs;

	rec->observations = grow_for_append(rec->observations,
	    rec->observation_count, &rec->observation_cap,
	    sizeof(rec->observations[0]));
	obs = &rec->observations[rec->observation_count++];
	obs->key = xstrdup(key);
	obs->value = value;
	obs->details = details != NULL ? xstrdup(details) : NULL;
	obs->observed_at = observed_at;
	return obs;
}

void
device_record_add_software(struct device_record *rec, const char *name,
    const char *version)
{
	struct software_item	*item;

	rec->software = grow_for_append(rec->software, rec->software_count,
	    &rec->software_cap, sizeof(rec->software[0]));
	item = &rec->software[rec->software_count++];
	item->name = xstrdup(name);
	item->version = version != NULL ? xstrdup(version) : NULL;
}

void
device_record_add_service(struct device_record *rec, const char *name)
{
	rec->services = grow_for_append(rec->services, rec->service_count,
	    &rec->service_cap, sizeof(rec->services[0]));
	rec->services[rec->service_count++] = xstrdup(name);
}

static char *
copy_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

void
device_record_copy(struct device_record *dst, const struct device_record *src)
{
	size_t	 i;

	memset(dst, 0, sizeof(*dst));
	dst->source = copy_or_null(src->source);
	dst->name = copy_or_null(src->name);
	dst->model = copy_or_null(src->model);
	dst->manufacturer = copy_or_null(src->manufacturer);
	dst->platform = src->platform;
	dst->os_name = copy_or_null(src->os_name);
	dst->os_version = copy_or_null(src->os_version);
	dst->email = copy_or_null(src->email);
	dst->last_sync = src->last_sync;

	dst->ids.serial = copy_or_null(src->ids.serial);
	dst->ids.udid = copy_or_null(src->ids.udid);
	dst->ids.imei = copy_or_null(src->ids.imei);
	dst->ids.meid = copy_or_null(src->ids.meid);
	dst->ids.source_id = copy_or_null(src->ids.source_id);
	for (i = 0; i < src->ids.mac_count; i++)
		device_record_add_mac(dst, src->ids.macs[i]);

	for (i = 0; i < src->observation_count; i++)
		device_record_add_observation(dst, src->observations[i].key,
		    src->observations[i].value, src->observations[i].details,
		    src->observations[i].observed_at);
	for (i = 0; i < src->software_count; i++)
		device_record_add_software(dst, src->software[i].name,
		    src->software[i].version);
	for (i = 0; i < src->service_count; i++)
		device_record_add_service(dst, src->services[i]);
}

void
device_record_free(struct device_record *rec)
{
	size_t	 i;

	if (rec == NULL)
		return;

	free(rec->source);
	free(rec->name);
	free(rec->model);
	free(rec->manufacturer);
	free(rec->os_name);
	free(rec->os_version);
	free(rec->email);

	free(rec->ids.serial);
	free(rec->ids.udid);
	free(rec->ids.imei);
	free(rec->ids.meid);
	free(rec->ids.source_id);
	for (i = 0; i < rec->ids.mac_count; i++)
		free(rec->ids.macs[i]);
	free(rec->ids.macs);

	for (i = 0; i < rec->observation_count; i++) {
		free(rec->observations[i].key);
		free(rec->observations[i].details);
	}
	free(rec->observations);

	for (i = 0; i < rec->software_count; i++) {
		free(rec->software[i].name);
		free(rec->software[i].version);
	}
	free(rec->software);

	for (i = 0; i < rec->service_count; i++)
		free(rec->services[i]);
	free(rec->services);

	memset(rec, 0, sizeof(*rec));
}

void
device_list_free(struct device_list *list)
{
	size_t	 i;

	if (list == NULL)
		return;
	for (i = 0; i < list->count; i++)
		device_record_free(&list->items[i]);
	free(list->items);
	memset(list, 0, sizeof(*list));
}

void
merged_list_free(struct merged_list *list)
{
	struct merged_device	*dev;
	size_t			 i, j;

	if (list == NULL)
		return;
	for (i = 0; i < list->count; i++) {
		dev = &list->items[i];
		device_record_free(&dev->record);
		for (j = 0; j < dev->source_count; j++)
			free(dev->sources[j]);
		free(dev->sources);
		free(dev->members);
	}
	free(list->items);
	memset(list, 0, sizeof(*list));
}
