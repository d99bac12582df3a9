/*
 * The observations a JAMF computer document supports: encryption from
 * FileVault, the firewall, automatic updates, screen lock, remote login
 * and pending software updates. Extension attributes fill in what JAMF
 * has no native field for.
 */

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libxml/tree.h>
#include <libxml/xpath.h>

#include "buf.h"
#include "device.h"
#include "jamf_internal.h"
#include "source_jamf.h"
#include "xml_answer.h"

int
jamf_switch_value(const char *s)
{
	static const char *const on[] = { "1", "true", "yes", "on", "enabled" };
	static const char *const off[] = { "0", "false", "no", "off",
	    "disabled" };
	size_t	 i;

	if (s == NULL)
		return -1;
	for (i = 0; i < sizeof(on) / sizeof(on[0]); i++)
		if (strcasecmp(s, on[i]) == 0)
			return 1;
	for (i = 0; i < sizeof(off) / sizeof(off[0]); i++)
		if (strcasecmp(s, off[i]) == 0)
			return 0;
	return -1;
}

/* ---- extension attributes ------------------------------------------------ */

/* Return the value of the extension attribute called name, or NULL. */
static char *
attribute_value(xmlXPathContextPtr ctx, xmlNodePtr computer, const char *name)
{
	xmlXPathObjectPtr	 found;
	xmlNodeSetPtr		 set;
	char			*attr_name, *value = NULL;
	int			 i;

	if (name == NULL)
		return NULL;
	found = xml_select(ctx, computer,
	    "extension_attributes/extension_attribute");
	if (found == NULL)
		return NULL;
	set = found->nodesetval;
	for (i = 0; i < set->nodeNr && value == NULL; i++) {
		attr_name = xml_text(ctx, set->nodeTab[i], "name");
		if (attr_name != NULL && strcmp(attr_name, name) == 0)
			value = xml_text(ctx, set->nodeTab[i], "value");
		free(attr_name);
	}
	xmlXPathFreeObject(found);
	return value;
}

/* Whether the extension attribute exists, even with an empty value. */
static int
attribute_exists(xmlXPathContextPtr ctx, xmlNodePtr computer, const char *name)
{
	xmlXPathObjectPtr	 found;
	xmlNodeSetPtr		 set;
	char			*attr_name;
	int			 i, exists = 0;

	found = xml_select(ctx, computer,
	    "extension_attributes/extension_attribute");
	if (found == NULL)
		return 0;
	set = found->nodesetval;
	for (i = 0; i < set->nodeNr && !exists; i++) {
		attr_name = xml_text(ctx, set->nodeTab[i], "name");
		exists = attr_name != NULL && strcmp(attr_name, name) == 0;
		free(attr_name);
	}
	xmlXPathFreeObject(found);
	return exists;
}

/*
 * One switch-like extension attribute becomes an observation. inverted
 * is set for settings where "on" is the unsafe state (Remote Login). An
 * attribute that is absent adds nothing; an unreadable value adds an
 * unknown observation with observed_at 0, so that any other source wins.
 */
static void
observe_switch(struct device_record *rec, xmlXPathContextPtr ctx,
    xmlNodePtr computer, const char *key, const char *attribute,
    int inverted, const char *on_text, const char *off_text, time_t when)
{
	struct buf	 details = BUF_INIT;
	char		*value;
	int		 on;

	if (attribute == NULL || !attribute_exists(ctx, computer, attribute))
		return;
	value = attribute_value(ctx, computer, attribute);
	on = jamf_switch_value(value);
	if (on == -1) {
		buf_printf(&details, "JAMF reported \"%s\" for the extension "
		    "attribute %s", value != NULL ? value : "", attribute);
		device_record_add_observation(rec, key, OBSERVED_UNKNOWN,
		    details.data, 0);
	} else {
		device_record_add_observation(rec, key,
		    on != inverted ? OBSERVED_TRUE : OBSERVED_FALSE,
		    on ? on_text : off_text, when);
	}
	buf_free(&details);
	free(value);
}

/* ---- practices ----------------------------------------------------------- */

/* FileVault 2 states as JAMF words them, and what each means. */
static const struct {
	const char	*status;
	enum observed	 value;
	const char	*before, *after;	/* around the partition name */
} filevault_states[] = {
	{ "Encrypted",		OBSERVED_TRUE,	"FileVault is on for ", "" },
	{ "Encrypting",		OBSERVED_FALSE,	"FileVault is still encrypting ",
	  "" },
	{ "Not Encrypted",	OBSERVED_FALSE,	"FileVault is off for ", "" },
	{ "Decrypting",		OBSERVED_FALSE,	"FileVault is decrypting ", "" },
	{ "Not Supported",	OBSERVED_FALSE,	"FileVault is not supported for ",
	  ", so it is not encrypted" },
};

/* Judge one boot partition; details are appended for a person. */
static enum observed
partition_encryption(xmlXPathContextPtr ctx, xmlNodePtr partition,
    struct buf *details)
{
	char		*name, *status, *percent;
	enum observed	 value = OBSERVED_UNKNOWN;
	size_t		 i;

	name = xml_text(ctx, partition, "name");
	status = xml_text(ctx, partition, "filevault2_status");
	percent = xml_text(ctx, partition, "filevault2_percent");
	for (i = 0; status != NULL &&
	    i < sizeof(filevault_states) / sizeof(filevault_states[0]); i++) {
		if (strcasecmp(status, filevault_states[i].status) != 0)
			continue;
		value = filevault_states[i].value;
		buf_printf(details, "%s%s%s", filevault_states[i].before,
		    name != NULL ? name : "the boot volume",
		    filevault_states[i].after);
		if (value == OBSERVED_FALSE && percent != NULL &&
		    strcmp(percent, "0") != 0 && strcmp(percent, "100") != 0)
			buf_printf(details, " (%s%% done)", percent);
		break;
	}
	if (value == OBSERVED_UNKNOWN && status == NULL && percent != NULL &&
	    strcmp(percent, "100") == 0) {
		value = OBSERVED_TRUE;
		buf_printf(details, "FileVault is on for %s",
		    name != NULL ? name : "the boot volume");
	} else if (value == OBSERVED_UNKNOWN && status != NULL)
		buf_printf(details, "JAMF reported FileVault status \"%s\"",
		    status);
	free(name);
	free(status);
	free(percent);
	return value;
}

static int
is_recovery(xmlXPathContextPtr ctx, xmlNodePtr partition)
{
	char	*name, *type;
	int	 recovery;

	name = xml_text(ctx, partition, "name");
	type = xml_text(ctx, partition, "type");
	recovery = (name != NULL && strcasestr(name, "recovery") != NULL) ||
	    (type != NULL && strcasecmp(type, "recovery") == 0);
	free(name);
	free(type);
	return recovery;
}

/* Not encrypted outranks unknown, which outranks encrypted. */
static int
encryption_rank(enum observed value)
{
	switch (value) {
	case OBSERVED_FALSE:
		return 2;
	case OBSERVED_UNKNOWN:
		return 1;
	default:
		return 0;
	}
}

/* Judge the boot partitions of one drive into *value and details. */
static void
drive_encryption(xmlXPathContextPtr ctx, xmlNodePtr drive,
    enum observed *value, struct buf *details, int *found)
{
	xmlXPathObjectPtr	 parts;
	xmlNodePtr		 part;
	struct buf		 one = BUF_INIT;
	enum observed		 v;
	char			*type;
	int			 i, boot;

	parts = xml_select(ctx, drive, "partition | partitions/partition");
	for (i = 0; parts != NULL && i < parts->nodesetval->nodeNr; i++) {
		part = parts->nodesetval->nodeTab[i];
		type = xml_text(ctx, part, "type");
		boot = type != NULL && strcasecmp(type, "boot") == 0;
		free(type);
		if (!boot || is_recovery(ctx, part))
			continue;

		buf_reset(&one);
		v = partition_encryption(ctx, part, &one);
		/* The worst partition explains the state. */
		if (!*found || encryption_rank(v) > encryption_rank(*value)) {
			*value = v;
			buf_reset(details);
			buf_append(details, one.data, one.len);
		}
		*found = 1;
	}
	if (parts != NULL)
		xmlXPathFreeObject(parts);
	buf_free(&one);
}

/*
 * Encryption is decided by the boot partitions of drives with a capacity:
 * all must be encrypted. Recovery partitions and zero-capacity drives (card
 * readers, disk images) are left out. No boot partition: nothing is added.
 */
static void
observe_encryption(struct device_record *rec, xmlXPathContextPtr ctx,
    xmlNodePtr computer, time_t when)
{
	xmlXPathObjectPtr	 drives;
	struct buf		 details = BUF_INIT;
	enum observed		 value = OBSERVED_UNKNOWN;
	char			*capacity;
	int			 i, found = 0, empty;

	if ((drives = xml_select(ctx, computer, "hardware/storage/device")) ==
	    NULL)
		return;
	for (i = 0; i < drives->nodesetval->nodeNr; i++) {
		capacity = xml_text(ctx, drives->nodesetval->nodeTab[i],
		    "drive_capacity_mb");
		empty = capacity != NULL && strcmp(capacity, "0") == 0;
		free(capacity);
		if (!empty)
			drive_encryption(ctx, drives->nodesetval->nodeTab[i],
			    &value, &details, &found);
	}
	xmlXPathFreeObject(drives);

	if (found)
		device_record_add_observation(rec, "encryption", value,
		    details.len > 0 ? details.data : NULL,
		    value == OBSERVED_UNKNOWN ? 0 : when);
	buf_free(&details);
}

/* The firewall attribute's global states: 0 off, 1 on, 2 block all. */
static const char *const firewall_states[] = {
	"The firewall is off",
	"The firewall is on",
	"The firewall is on and blocks all incoming connections",
};

static void
observe_firewall(struct device_record *rec, const struct jamf_attribute_names
    *names, xmlXPathContextPtr ctx, xmlNodePtr computer, time_t when)
{
	char	*value;
	int	 on;

	value = attribute_value(ctx, computer, names->firewall);
	if (value != NULL && strlen(value) == 1 && value[0] >= '0' &&
	    value[0] <= '2') {
		device_record_add_observation(rec, "firewall",
		    value[0] == '0' ? OBSERVED_FALSE : OBSERVED_TRUE,
		    firewall_states[value[0] - '0'], when);
		free(value);
		return;
	}
	free(value);

	value = xml_text(ctx, computer, "security/firewall_enabled");
	if ((on = jamf_switch_value(value)) != -1)
		device_record_add_observation(rec, "firewall",
		    on ? OBSERVED_TRUE : OBSERVED_FALSE,
		    firewall_states[on], when);
	free(value);
}

/*
 * Automatic updates are on when every configured attribute is on. One
 * that is off makes the practice fail and is named; when none is off but
 * some are missing or unreadable, the state is unknown.
 */
static void
observe_autoupdate(struct device_record *rec,
    const struct jamf_attribute_names *names, xmlXPathContextPtr ctx,
    xmlNodePtr computer, time_t when)
{
	struct buf	 off = BUF_INIT, unread = BUF_INIT, details = BUF_INIT;
	char		*value;
	size_t		 i, present = 0;

	for (i = 0; i < names->autoupdate_count; i++) {
		if (!attribute_exists(ctx, computer, names->autoupdate[i])) {
			buf_printf(&unread, "%s%s", unread.len ? ", " : "",
			    names->autoupdate[i]);
			continue;
		}
		present++;
		value = attribute_value(ctx, computer, names->autoupdate[i]);
		switch (jamf_switch_value(value)) {
		case 0:
			buf_printf(&off, "%s%s", off.len ? ", " : "",
			    names->autoupdate[i]);
			break;
		case -1:
			buf_printf(&unread, "%s%s", unread.len ? ", " : "",
			    names->autoupdate[i]);
			break;
		default:
			break;
		}
		free(value);
	}

	if (off.len > 0) {
		buf_printf(&details, "Turned off: %s", off.data);
		device_record_add_observation(rec, "autoupdate", OBSERVED_FALSE,
		    details.data, when);
	} else if (present == 0) {
		/* Nothing collected: leave the practice to other sources. */
	} else if (unread.len > 0) {
		buf_printf(&details, "Not reported by JAMF: %s", unread.data);
		device_record_add_observation(rec, "autoupdate",
		    OBSERVED_UNKNOWN, details.data, 0);
	} else {
		device_record_add_observation(rec, "autoupdate", OBSERVED_TRUE,
		    "Every automatic update setting is on", when);
	}
	buf_free(&details);
	buf_free(&unread);
	buf_free(&off);
}

/*
 * Pending software updates: an empty list means none are waiting, a
 * missing one that JAMF did not collect them.
 */
static void
observe_updates(struct device_record *rec, xmlXPathContextPtr ctx,
    xmlNodePtr computer, time_t when)
{
	xmlXPathObjectPtr	 list, names;
	struct buf		 pending = BUF_INIT, details = BUF_INIT;
	char			*name;
	int			 i;

	if ((list = xml_select(ctx, computer,
	    "software/available_software_updates")) == NULL)
		return;
	xmlXPathFreeObject(list);

	names = xml_select(ctx, computer,
	    "software/available_software_updates/name");
	for (i = 0; names != NULL && i < names->nodesetval->nodeNr; i++) {
		if ((name = xml_node_text(names->nodesetval->nodeTab[i])) ==
		    NULL)
			continue;
		buf_printf(&pending, "%s%s", pending.len ? ", " : "", name);
		free(name);
	}
	if (names != NULL)
		xmlXPathFreeObject(names);

	if (pending.len > 0) {
		buf_printf(&details, "Updates waiting to be installed: %s",
		    pending.data);
		device_record_add_observation(rec, "uptodate", OBSERVED_FALSE,
		    details.data, when);
	} else
		device_record_add_observation(rec, "uptodate", OBSERVED_TRUE,
		    "No software updates are waiting", when);
	buf_free(&details);
	buf_free(&pending);
}

void
jamf_observe_practices(struct device_record *rec,
    const struct jamf_attribute_names *names, xmlXPathContextPtr ctx,
    xmlNodePtr computer, time_t reported)
{
	observe_encryption(rec, ctx, computer, reported);
	observe_firewall(rec, names, ctx, computer, reported);
	observe_autoupdate(rec, names, ctx, computer, reported);
	observe_switch(rec, ctx, computer, "screenlock", names->screenlock, 0,
	    "The screen saver asks for a password", "The screen saver does "
	    "not ask for a password", reported);
	observe_switch(rec, ctx, computer, "remotelogin", names->remotelogin,
	    1, "Remote Login is on", "Remote Login is off", reported);
	observe_updates(rec, ctx, computer, reported);
}
