/*
 * One Google device's JSON into a device record: mobile devices (Android,
 * iOS, Google Sync) and Chromebooks, as the Directory API lists them with
 * projection=FULL. The code here does not depend on how the devices were
 * requested.
 *
 * Observations that Google leaves empty or sends in an unknown form are
 * recorded as unknown, with details saying why, and with no observation
 * time, so that a known observation of the same practice from another
 * source always wins the merge.
 */

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <json-c/json.h>

#include "buf.h"
#include "device.h"
#include "json_answer.h"
#include "record_fill.h"
#include "rfc3339.h"
#include "source_google.h"
#include "xalloc.h"
#include "yaml_tree.h"

/* Android 8 made "unknown sources" a per-app permission. */
#define UNKNOWN_SOURCES_LAST_MAJOR	7

/* A status word Google sends, compared without regard to case or padding. */
struct status_word {
	const char	*text;
	enum observed	 value;
	const char	*details;	/* for a failing value, or NULL */
};

static const struct status_word encryption_words[] = {
	{ "encrypted", OBSERVED_TRUE, NULL },
	{ "unencrypted", OBSERVED_FALSE, "The device storage is not "
	    "encrypted." },
	{ "not encrypted", OBSERVED_FALSE, "The device storage is not "
	    "encrypted." },
	{ "encryption not supported", OBSERVED_FALSE, "The device cannot "
	    "encrypt its storage." },
	{ "not supported", OBSERVED_FALSE, "The device cannot encrypt its "
	    "storage." },
};

static const struct status_word password_words[] = {
	{ "on", OBSERVED_TRUE, NULL },
	{ "off", OBSERVED_FALSE, "No screen lock password, PIN or pattern "
	    "is set." },
};

static const struct status_word compromise_words[] = {
	{ "no compromise detected", OBSERVED_TRUE, NULL },
	{ "compromise detected", OBSERVED_FALSE, "Google detected that the "
	    "device is rooted or jailbroken." },
};

static const struct status_word boot_mode_words[] = {
	{ "verified", OBSERVED_TRUE, NULL },
	{ "dev", OBSERVED_FALSE, "The Chromebook is in developer mode, so "
	    "OS verification is off." },
};

#define WORDS(table)	(table), sizeof(table) / sizeof((table)[0])

/* Mobile device types and the platform each one means. */
static const struct {
	const char	*type;
	enum platform	 platform;
} mobile_types[] = {
	{ "ANDROID",	PLATFORM_ANDROID },
	{ "IOS_SYNC",	PLATFORM_IOS },
	/* Google Sync devices may run anything: the os field decides. */
	{ "GOOGLE_SYNC", PLATFORM_UNKNOWN },
};

/* Add an observation, timed by the last sync unless it is unknown. */
static void
observe(struct device_record *rec, const char *key, enum observed value,
    const char *details)
{
	device_record_add_observation(rec, key, value, details,
	    value == OBSERVED_UNKNOWN ? 0 : rec->last_sync);
}

/*
 * Observe key from the status word under field. missing explains an
 * absent or empty value.
 */
static void
observe_word(struct device_record *rec, struct json_object *device,
    const char *field, const char *key, const struct status_word *words,
    size_t n, const char *missing)
{
	struct buf	 details = BUF_INIT;
	char		*text;
	size_t		 i;

	if ((text = json_answer_string(device, field)) == NULL) {
		observe(rec, key, OBSERVED_UNKNOWN, missing);
		return;
	}
	for (i = 0; i < n; i++) {
		if (strcasecmp(text, words[i].text) == 0) {
			observe(rec, key, words[i].value, words[i].details);
			free(text);
			return;
		}
	}
	buf_printf(&details, "Google reported %s as ", field);
	yaml_quote(&details, text, strlen(text));
	buf_puts(&details, ", a value Stethoscope does not know.");
	observe(rec, key, OBSERVED_UNKNOWN, details.data);
	buf_free(&details);
	free(text);
}

static void
set_last_sync(struct device_record *rec, struct json_object *device)
{
	char	*text;
	time_t	 t;

	text = json_answer_string(device, "lastSync");
	if (text != NULL && rfc3339_parse(text, &t) == 0)
		rec->last_sync = t;
	free(text);
}

/*
 * Split "Android 8.0.0" or "iOS 9.3" into a name and a version: the
 * version is the last word when it starts with a digit.
 */
static void
split_os(const char *os, char **name, char **version)
{
	const char	*space;

	*name = *version = NULL;
	if (os == NULL)
		return;
	space = strrchr(os, ' ');
	if (space != NULL && isdigit((unsigned char)space[1])) {
		*version = xstrdup(space + 1);
		*name = xstrndup(os, (size_t)(space - os));
		/* Trim the spaces that may separate the two. */
		while (strlen(*name) > 0 && (*name)[strlen(*name) - 1] == ' ')
			(*name)[strlen(*name) - 1] = '\0';
	} else if (isdigit((unsigned char)os[0]))
		*version = xstrdup(os);
	else
		*name = xstrdup(os);
}

static enum platform
mobile_platform(struct json_object *device, const char *os_name)
{
	enum platform	 platform = PLATFORM_UNKNOWN;
	char		*type;
	size_t		 i;

	type = json_answer_string(device, "type");
	for (i = 0; type != NULL && i < sizeof(mobile_types) /
	    sizeof(mobile_types[0]); i++)
		if (strcasecmp(type, mobile_types[i].type) == 0)
			platform = mobile_types[i].platform;
	free(type);
	if (platform == PLATFORM_UNKNOWN && os_name != NULL &&
	    platform_parse(os_name, &platform) != 0)
		platform = PLATFORM_UNKNOWN;
	return platform;
}

/* Return the major version number, or -1 when version does not start with one. */
static long
major_version(const char *version)
{
	long	 major = 0;

	if (version == NULL || !isdigit((unsigned char)version[0]))
		return -1;
	for (; isdigit((unsigned char)*version) && major < 100000; version++)
		major = major * 10 + (*version - '0');
	return major;
}

/* Set the owner from the first usable entry of the "email" list. */
static void
set_mobile_email(struct device_record *rec, struct json_object *device)
{
	struct json_object	*list, *item;
	size_t			 i, n;

	if ((list = json_answer_array(device, "email")) == NULL)
		return;
	n = json_object_array_length(list);
	for (i = 0; i < n && rec->email == NULL; i++) {
		item = json_object_array_get_idx(list, i);
		if (json_object_is_type(item, json_type_string))
			record_set_email(rec, json_object_get_string(item));
	}
}

/* Observe adbstatus and developer options, for Android only. */
static void
observe_usb_debugging(struct device_record *rec, struct json_object *device)
{
	int	 adb, developer = 0, have_developer;

	have_developer = json_answer_bool(device, "developerOptionsStatus",
	    &developer) == 0;
	if (json_answer_bool(device, "adbStatus", &adb) != 0) {
		observe(rec, "adbstatus", OBSERVED_UNKNOWN, "Google did not "
		    "report whether USB debugging is on.");
		return;
	}
	if (adb)
		observe(rec, "adbstatus", OBSERVED_FALSE, have_developer &&
		    developer ? "USB debugging is on, and so are developer "
		    "options." : "USB debugging is on.");
	else
		observe(rec, "adbstatus", OBSERVED_TRUE, have_developer &&
		    developer ? "USB debugging is off, but developer options "
		    "are on." : NULL);
}

/* Observe unknownsources on Android before 8, where the switch exists. */
static void
observe_unknown_sources(struct device_record *rec, struct json_object *device)
{
	long	 major = major_version(rec->os_version);
	int	 allowed;

	if (major < 0 || major > UNKNOWN_SOURCES_LAST_MAJOR)
		return;
	if (json_answer_bool(device, "unknownSourcesStatus", &allowed) != 0)
		observe(rec, "unknownsources", OBSERVED_UNKNOWN, "Google did "
		    "not report whether apps from unknown sources are "
		    "allowed.");
	else if (allowed)
		observe(rec, "unknownsources", OBSERVED_FALSE, "Installing "
		    "apps from unknown sources is allowed.");
	else
		observe(rec, "unknownsources", OBSERVED_TRUE, NULL);
}

static void
set_identifier(struct device_record *rec, enum identifier_kind kind,
    struct json_object *device, const char *field)
{
	char	*text = json_answer_string(device, field);

	record_set_identifier(rec, kind, text);
	free(text);
}

static void
add_mac(struct device_record *rec, struct json_object *device,
    const char *field)
{
	char	*text = json_answer_string(device, field);

	record_add_mac_text(rec, text);
	free(text);
}

int
google_mobile_to_record(struct json_object *device, struct device_record *rec)
{
	char	*os;

	if (!json_object_is_type(device, json_type_object))
		return -1;
	rec->source = xstrdup(GOOGLE_SOURCE_NAME);
	set_last_sync(rec, device);

	os = json_answer_text(device, "os");
	split_os(os, &rec->os_name, &rec->os_version);
	free(os);
	rec->platform = mobile_platform(device, rec->os_name);
	if (rec->os_name == NULL && rec->platform != PLATFORM_UNKNOWN)
		rec->os_name = xstrdup(platform_name(rec->platform));
	rec->model = json_answer_text(device, "model");
	if (rec->model != NULL)
		rec->name = xstrdup(rec->model);
	rec->manufacturer = json_answer_text(device, "manufacturer");
	set_mobile_email(rec, device);

	set_identifier(rec, IDENTIFIER_SERIAL, device, "serialNumber");
	set_identifier(rec, IDENTIFIER_IMEI, device, "imei");
	set_identifier(rec, IDENTIFIER_MEID, device, "meid");
	/* devices/mobile/{id} takes the resourceId. deviceId may repeat. */
	set_identifier(rec, IDENTIFIER_SOURCE_ID, device, "resourceId");
	add_mac(rec, device, "wifiMacAddress");

	observe_word(rec, device, "encryptionStatus", "encryption",
	    WORDS(encryption_words), rec->platform == PLATFORM_ANDROID ?
	    "Google did not report the encryption status." :
	    "Google does not report encryption for iOS and Google Sync "
	    "devices.");
	observe_word(rec, device, "devicePasswordStatus", "screenlock",
	    WORDS(password_words), "Google did not report whether a screen "
	    "lock is set.");
	observe_word(rec, device, "deviceCompromisedStatus", "jailed",
	    WORDS(compromise_words), "Google did not report whether the "
	    "device is rooted or jailbroken.");
	if (rec->platform == PLATFORM_ANDROID) {
		observe_usb_debugging(rec, device);
		observe_unknown_sources(rec, device);
	}
	return 0;
}

int
google_mobile_belongs(struct json_object *device, const char *email)
{
	struct json_object	*list, *item;
	size_t			 i, n;
	char			*entry;
	int			 listed = 0, match = 0;

	if ((list = json_answer_array(device, "email")) == NULL)
		return 1;
	n = json_object_array_length(list);
	for (i = 0; i < n && !match; i++) {
		item = json_object_array_get_idx(list, i);
		if (!json_object_is_type(item, json_type_string))
			continue;
		if ((entry = json_answer_trim(json_object_get_string(item))) ==
		    NULL)
			continue;
		listed = 1;
		match = strcasecmp(entry, email) == 0;
		free(entry);
	}
	return match || !listed;
}

/* ---- Chromebooks ----------------------------------------------------------- */

/* Return the most recent user's entry of recentUsers, or NULL. */
static struct json_object *
most_recent_user(struct json_object *device)
{
	struct json_object	*list, *first;

	if ((list = json_answer_array(device, "recentUsers")) == NULL ||
	    json_object_array_length(list) == 0)
		return NULL;
	first = json_object_array_get_idx(list, 0);
	return json_object_is_type(first, json_type_object) ? first : NULL;
}

int
google_chromeos_belongs(struct json_object *device, const char *email)
{
	char	*user;
	int	 match;

	if ((user = json_answer_string(most_recent_user(device), "email")) ==
	    NULL)
		return 0;
	match = strcasecmp(user, email) == 0;
	free(user);
	return match;
}

/*
 * Read autoUpdateExpiration: milliseconds since the epoch, as a number or
 * a string of digits (the Directory API's int64 form), or an RFC 3339
 * time. Returns 0 with the time in *out, else -1.
 */
static int
auto_update_expiration(struct json_object *device, time_t *out)
{
	struct json_object	*value;
	char			*text;
	int64_t			 ms = -1;
	int			 rc = -1;

	if (!json_object_object_get_ex(device, "autoUpdateExpiration", &value))
		return -1;
	if (json_object_is_type(value, json_type_int))
		ms = json_object_get_int64(value);
	else if ((text = json_answer_string(device,
	    "autoUpdateExpiration")) != NULL) {
		if (strspn(text, "0123456789") == strlen(text) &&
		    strlen(text) <= 15)
			ms = strtoll(text, NULL, 10);
		else if (rfc3339_parse(text, out) == 0)
			rc = 0;
		free(text);
	}
	if (ms > 0) {
		*out = (time_t)(ms / 1000);
		rc = 0;
	}
	return rc;
}

/* Note an expired automatic-update date, the end of the model's support. */
static void
observe_update_expiration(struct device_record *rec,
    struct json_object *device)
{
	struct buf	 details = BUF_INIT;
	char		 date[RFC3339_SIZE];
	time_t		 expiration;

	if (auto_update_expiration(device, &expiration) != 0 ||
	    expiration > time(NULL) ||
	    rfc3339_format(expiration, date, sizeof(date)) != 0)
		return;
	buf_printf(&details, "This Chromebook model stopped getting ChromeOS "
	    "updates on %.10s (its Auto Update Expiration date).", date);
	observe(rec, "uptodate", OBSERVED_FALSE, details.data);
	buf_free(&details);
}

int
google_chromeos_to_record(struct json_object *device,
    struct device_record *rec)
{
	char	*user;

	if (!json_object_is_type(device, json_type_object))
		return -1;
	rec->source = xstrdup(GOOGLE_SOURCE_NAME);
	set_last_sync(rec, device);

	rec->platform = PLATFORM_CHROMEOS;
	rec->os_name = xstrdup(platform_name(PLATFORM_CHROMEOS));
	rec->os_version = json_answer_text(device, "osVersion");
	rec->model = json_answer_text(device, "model");
	rec->name = json_answer_text(device, "annotatedAssetId");
	if (rec->name == NULL && rec->model != NULL)
		rec->name = xstrdup(rec->model);
	user = json_answer_string(most_recent_user(device), "email");
	record_set_email(rec, user);
	free(user);

	set_identifier(rec, IDENTIFIER_SERIAL, device, "serialNumber");
	set_identifier(rec, IDENTIFIER_SOURCE_ID, device, "deviceId");
	add_mac(rec, device, "macAddress");
	add_mac(rec, device, "ethernetMacAddress");

	observe_word(rec, device, "bootMode", "jailed",
	    WORDS(boot_mode_words), "Google did not report whether the "
	    "Chromebook is in developer mode.");
	observe_update_expiration(rec, device);
	return 0;
}
