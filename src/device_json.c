/* Reading device records from their JSON form, strictly and within limits. */

#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "device_json.h"
#include "identifier.h"
#include "json_walk.h"
#include "log.h"
#include "rfc3339.h"
#include "xalloc.h"

static char **
field_string(void *base, const struct json_field *f)
{
	return (char **)(void *)((char *)base + f->offset);
}

/* Any string; empty means unknown. */
static int
parse_text(struct json_walk *walk, struct json_object *value, void *base,
    const struct json_field *f)
{
	const char	*s;

	if (json_walk_string(walk, value, DEVICE_JSON_MAX_STRING, &s) != 0)
		return -1;
	if (*s != '\0')
		*field_string(base, f) = xstrdup(s);
	return 0;
}

/* A string that must not be empty. */
static int
parse_name(struct json_walk *walk, struct json_object *value, void *base,
    const struct json_field *f)
{
	const char	*s;

	if (json_walk_string(walk, value, DEVICE_JSON_MAX_STRING, &s) != 0)
		return -1;
	if (*s == '\0') {
		json_walk_error(walk, "must not be empty");
		return -1;
	}
	*field_string(base, f) = xstrdup(s);
	return 0;
}

static int
parse_email(struct json_walk *walk, struct json_object *value, void *base,
    const struct json_field *f)
{
	const char	*s, *end;
	char		*email, *p;

	if (json_walk_string(walk, value, DEVICE_JSON_MAX_STRING, &s) != 0)
		return -1;
	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	if (end == s)
		return 0;

	/* Only ASCII letters change case. UTF-8 bytes stay as they are. */
	email = xstrndup(s, (size_t)(end - s));
	for (p = email; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	*field_string(base, f) = email;
	return 0;
}

static int
parse_platform(struct json_walk *walk, struct json_object *value, void *base,
    const struct json_field *f)
{
	enum platform	*platform = (enum platform *)(void *)
			    ((char *)base + f->offset);
	const char	*s;

	if (json_walk_string(walk, value, DEVICE_JSON_MAX_STRING, &s) != 0)
		return -1;
	if (platform_parse(s, platform) != 0) {
		json_walk_error(walk, "unknown platform \"%.64s\"; expected "
		    "Mac, Windows, Linux, iOS, Android or ChromeOS", s);
		return -1;
	}
	return 0;
}

static int
parse_time(struct json_walk *walk, struct json_object *value, void *base,
    const struct json_field *f)
{
	time_t		*target = (time_t *)(void *)((char *)base + f->offset);
	const char	*s;
	time_t		 t;

	if (json_walk_string(walk, value, DEVICE_JSON_MAX_STRING, &s) != 0)
		return -1;
	if (rfc3339_parse(s, &t) != 0) {
		json_walk_error(walk, "invalid RFC 3339 timestamp \"%.64s\"; "
		    "expected a form such as 2026-11-30T10:00:00Z", s);
		return -1;
	}
	*target = t > 0 ? t : 0;
	return 0;
}

static int
parse_observed(struct json_walk *walk, struct json_object *value, void *base,
    const struct json_field *f)
{
	enum observed	*target = (enum observed *)(void *)
			    ((char *)base + f->offset);

	if (json_walk_expect(walk, value, json_type_boolean, "a boolean") != 0)
		return -1;
	*target = json_object_get_boolean(value) ? OBSERVED_TRUE :
	    OBSERVED_FALSE;
	return 0;
}

/*
 * Serial numbers, MAC addresses and the UDID, IMEI and MEID are
 * identifiers of a device rather than secrets, but only serials and MAC
 * addresses are written to the debug log.
 */
static void
log_dropped(struct json_walk *walk, enum identifier_kind kind,
    enum identifier_status status, const char *reason, const char *value)
{
	if (kind == IDENTIFIER_SERIAL || kind == IDENTIFIER_MAC)
		log_debug("device_json", "%s: %s: dropped %s %s \"%.64s\"",
		    walk->name, json_walk_path(walk), reason != NULL ? reason :
		    identifier_status_text(status), identifier_kind_name(kind),
		    value);
	else
		log_debug("device_json", "%s: %s: dropped %s %s", walk->name,
		    json_walk_path(walk), identifier_status_text(status),
		    identifier_kind_name(kind));
}

static int
parse_identifier(struct json_walk *walk, struct json_object *value,
    void *base, const struct json_field *f)
{
	enum identifier_kind	 kind = (enum identifier_kind)f->arg;
	enum identifier_status	 status;
	char			 normalized[IDENTIFIER_MAX_LEN + 1];
	const char		*s;

	if (json_walk_string(walk, value, DEVICE_JSON_MAX_STRING, &s) != 0)
		return -1;
	status = identifier_normalize(kind, s, normalized, sizeof(normalized));
	if (status == IDENTIFIER_OK)
		*field_string(base, f) = xstrdup(normalized);
	else if (status != IDENTIFIER_EMPTY)
		log_dropped(walk, kind, status, NULL, s);
	return 0;
}

static int
record_has_mac(const struct device_record *rec, const char *mac)
{
	size_t	 i;

	for (i = 0; i < rec->ids.mac_count; i++)
		if (strcmp(rec->ids.macs[i], mac) == 0)
			return 1;
	return 0;
}

/* The list is short (DEVICE_JSON_MAX_MACS), so a scan finds duplicates. */
static int
parse_macs(struct json_walk *walk, struct json_object *value, void *base,
    const struct json_field *f)
{
	struct device_record	*rec = base;
	char			 mac[MAC_CANONICAL_SIZE];
	const char		*s, *reason;
	size_t			 count, i, mark;
	int			 rc = 0;

	(void)f;
	if (json_walk_array(walk, value, DEVICE_JSON_MAX_MACS, &count) != 0)
		return -1;

	for (i = 0; i < count; i++) {
		mark = json_walk_push_index(walk, i);
		if (json_walk_string(walk, json_object_array_get_idx(value, i),
		    DEVICE_JSON_MAX_STRING, &s) != 0) {
			rc = -1;
		} else if (mac_canonicalize(s, mac, sizeof(mac)) != 0) {
			if (*s != '\0')
				log_dropped(walk, IDENTIFIER_MAC,
				    IDENTIFIER_INVALID, NULL, s);
		} else if ((reason = mac_unusable_reason(mac)) != NULL) {
			log_dropped(walk, IDENTIFIER_MAC, IDENTIFIER_NOT_UNIQUE,
			    reason, s);
		} else if (!record_has_mac(rec, mac)) {
			device_record_add_mac(rec, mac);
		}
		json_walk_pop(walk, mark);
	}
	return rc;
}

static const struct json_field observation_fields[] = {
	{ "value",	 parse_observed,
	    offsetof(struct observation, value), 0, 0 },
	{ "details",	 parse_text,
	    offsetof(struct observation, details), 0, 0 },
	{ "observed_at", parse_time,
	    offsetof(struct observation, observed_at), 0, 0 },
};

static const struct json_object_spec observation_spec = {
	"an observation", JSON_FIELDS(observation_fields),
};

static int
parse_observations(struct json_walk *walk, struct json_object *value,
    void *base, const struct json_field *f)
{
	struct device_record	*rec = base;
	struct observation	 obs, *added;
	size_t			 count, mark;
	int			 rc = 0;

	(void)f;
	if (json_walk_expect(walk, value, json_type_object, "an object") != 0)
		return -1;
	count = (size_t)json_object_object_length(value);
	if (count > DEVICE_JSON_MAX_OBSERVATIONS) {
		json_walk_error(walk, "%zu observations; the maximum is %d",
		    count, DEVICE_JSON_MAX_OBSERVATIONS);
		return -1;
	}

	json_object_object_foreach(value, key, item) {
		mark = json_walk_push_key(walk, key);
		if (*key == '\0' || strlen(key) > DEVICE_JSON_MAX_STRING) {
			json_walk_error(walk, "a practice key must have 1 to "
			    "%d bytes", DEVICE_JSON_MAX_STRING);
			rc = -1;
		} else if (item != NULL) {
			memset(&obs, 0, sizeof(obs));
			if (json_walk_object(walk, item, &observation_spec,
			    &obs) != 0)
				rc = -1;
			added = device_record_add_observation(rec, key,
			    obs.value, NULL, obs.observed_at);
			added->details = obs.details;
		}
		json_walk_pop(walk, mark);
	}
	return rc;
}

static const struct json_field software_item_fields[] = {
	{ "name",	parse_name,
	    offsetof(struct software_item, name), 0, 1 },
	{ "version",	parse_text,
	    offsetof(struct software_item, version), 0, 0 },
};

static const struct json_object_spec software_item_spec = {
	"an installed application", JSON_FIELDS(software_item_fields),
};

static const struct json_field service_fields[] = {
	{ "name",	parse_name, 0, 0, 1 },
};

static const struct json_object_spec service_spec = {
	"a service", JSON_FIELDS(service_fields),
};

static int
parse_installed(struct json_walk *walk, struct json_object *value, void *base,
    const struct json_field *f)
{
	struct device_record	*rec = base;
	struct software_item	 item;
	size_t			 count, i, mark;
	int			 rc = 0;

	(void)f;
	if (json_walk_array(walk, value, DEVICE_JSON_MAX_SOFTWARE,
	    &count) != 0)
		return -1;
	for (i = 0; i < count; i++) {
		mark = json_walk_push_index(walk, i);
		memset(&item, 0, sizeof(item));
		if (json_walk_object(walk, json_object_array_get_idx(value, i),
		    &software_item_spec, &item) == 0) {
			device_record_add_software(rec, item.name,
			    item.version);
		} else
			rc = -1;
		free(item.name);
		free(item.version);
		json_walk_pop(walk, mark);
	}
	return rc;
}

static int
parse_services(struct json_walk *walk, struct json_object *value, void *base,
    const struct json_field *f)
{
	struct device_record	*rec = base;
	char			*name;
	size_t			 count, i, mark;
	int			 rc = 0;

	(void)f;
	if (json_walk_array(walk, value, DEVICE_JSON_MAX_SOFTWARE,
	    &count) != 0)
		return -1;
	for (i = 0; i < count; i++) {
		mark = json_walk_push_index(walk, i);
		name = NULL;
		if (json_walk_object(walk, json_object_array_get_idx(value, i),
		    &service_spec, &name) == 0)
			device_record_add_service(rec, name);
		else
			rc = -1;
		free(name);
		json_walk_pop(walk, mark);
	}
	return rc;
}

static const struct json_field software_fields[] = {
	{ "installed",	parse_installed, 0, 0, 0 },
	{ "services",	parse_services, 0, 0, 0 },
};

static const struct json_object_spec software_spec = {
	"the software object", JSON_FIELDS(software_fields),
};

#define ID_FIELD(key, member, kind) \
	{ (key), parse_identifier, offsetof(struct device_record, ids.member), \
	    (kind), 0 }

static const struct json_field identifier_fields[] = {
	ID_FIELD("serial",	serial,		IDENTIFIER_SERIAL),
	ID_FIELD("udid",	udid,		IDENTIFIER_UDID),
	ID_FIELD("imei",	imei,		IDENTIFIER_IMEI),
	ID_FIELD("meid",	meid,		IDENTIFIER_MEID),
	ID_FIELD("id",		source_id,	IDENTIFIER_SOURCE_ID),
	{ "mac_addresses",	parse_macs, 0, 0, 0 },
};

static const struct json_object_spec identifier_spec = {
	"the identifiers object", JSON_FIELDS(identifier_fields),
};

static int
parse_identifiers(struct json_walk *walk, struct json_object *value,
    void *base, const struct json_field *f)
{
	(void)f;
	return json_walk_object(walk, value, &identifier_spec, base);
}

static int
parse_software(struct json_walk *walk, struct json_object *value, void *base,
    const struct json_field *f)
{
	(void)f;
	return json_walk_object(walk, value, &software_spec, base);
}

#define RECORD_FIELD(key, parse, member, required) \
	{ (key), (parse), offsetof(struct device_record, member), 0, \
	    (required) }

static const struct json_field record_fields[] = {
	RECORD_FIELD("source",		parse_name,	source,		1),
	RECORD_FIELD("name",		parse_text,	name,		0),
	RECORD_FIELD("model",		parse_text,	model,		0),
	RECORD_FIELD("manufacturer",	parse_text,	manufacturer,	0),
	RECORD_FIELD("platform",	parse_platform,	platform,	0),
	RECORD_FIELD("os",		parse_text,	os_name,	0),
	RECORD_FIELD("os_version",	parse_text,	os_version,	0),
	RECORD_FIELD("email",		parse_email,	email,		0),
	RECORD_FIELD("last_sync",	parse_time,	last_sync,	0),
	{ "identifiers",	parse_identifiers, 0, 0, 0 },
	{ "observations",	parse_observations, 0, 0, 0 },
	{ "software",		parse_software, 0, 0, 0 },
};

static const struct json_object_spec record_spec = {
	"a record", JSON_FIELDS(record_fields),
};

/* Move every record of from to the end of to, leaving from empty. */
static void
device_list_move(struct device_list *from, struct device_list *to)
{
	size_t	 i;

	for (i = 0; i < from->count; i++)
		*device_list_add(to) = from->items[i];
	free(from->items);
	memset(from, 0, sizeof(*from));
}

int
device_json_parse(const char *name, struct json_object *root,
    struct device_list *out, struct diag_list *diags)
{
	struct json_walk	 walk;
	struct device_list	 parsed = { NULL, 0, 0 };
	struct json_object	*records = NULL;
	size_t			 count, i, mark;

	json_walk_init(&walk, name, diags, DEVICE_JSON_MAX_ERRORS);
	if (json_walk_expect(&walk, root, json_type_object, "an object with "
	    "a \"records\" list") != 0)
		goto out;
	json_object_object_foreach(root, key, unused) {
		(void)unused;
		if (strcmp(key, "records") == 0)
			continue;
		mark = json_walk_push_key(&walk, key);
		json_walk_error(&walk, "unknown key; the top level has only "
		    "\"records\"");
		json_walk_pop(&walk, mark);
	}

	json_walk_push_key(&walk, "records");
	if (!json_object_object_get_ex(root, "records", &records) ||
	    records == NULL) {
		json_walk_error(&walk, "missing; the top level needs a list of "
		    "records");
		goto out;
	}
	if (json_walk_array(&walk, records, DEVICE_JSON_MAX_RECORDS,
	    &count) != 0)
		goto out;

	for (i = 0; i < count; i++) {
		mark = json_walk_push_index(&walk, i);
		json_walk_object(&walk, json_object_array_get_idx(records, i),
		    &record_spec, device_list_add(&parsed));
		json_walk_pop(&walk, mark);
	}

out:
	if (json_walk_finish(&walk) != 0) {
		device_list_free(&parsed);
		return -1;
	}
	device_list_move(&parsed, out);
	return 0;
}
