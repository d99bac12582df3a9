/* Normalizing raw upstream identifiers into device records. */

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "device.h"
#include "identifier.h"
#include "json_answer.h"
#include "log.h"
#include "record_fill.h"
#include "xalloc.h"

static char **
identifier_slot(struct device_record *rec, enum identifier_kind kind)
{
	switch (kind) {
	case IDENTIFIER_SERIAL:
		return &rec->ids.serial;
	case IDENTIFIER_UDID:
		return &rec->ids.udid;
	case IDENTIFIER_IMEI:
		return &rec->ids.imei;
	case IDENTIFIER_MEID:
		return &rec->ids.meid;
	case IDENTIFIER_SOURCE_ID:
		return &rec->ids.source_id;
	default:
		return NULL;
	}
}

static const char *
source_name(const struct device_record *rec)
{
	return rec->source != NULL ? rec->source : "source";
}

int
record_set_identifier(struct device_record *rec, enum identifier_kind kind,
    const char *raw)
{
	enum identifier_status	 status;
	char			 normalized[IDENTIFIER_MAX_LEN + 1];
	char			**slot;

	if (raw == NULL || (slot = identifier_slot(rec, kind)) == NULL ||
	    *slot != NULL)
		return -1;
	status = identifier_normalize(kind, raw, normalized,
	    sizeof(normalized));
	if (status != IDENTIFIER_OK) {
		/* The value itself may be long or hostile: name only its kind. */
		if (status != IDENTIFIER_EMPTY)
			log_debug(source_name(rec), "dropped %s %s",
			    identifier_status_text(status),
			    identifier_kind_name(kind));
		return -1;
	}
	*slot = xstrdup(normalized);
	return 0;
}

int
record_add_mac_text(struct device_record *rec, const char *raw)
{
	char		 mac[MAC_CANONICAL_SIZE];
	const char	*reason;
	size_t		 i;

	if (raw == NULL)
		return -1;
	if (mac_canonicalize(raw, mac, sizeof(mac)) != 0) {
		if (raw[strspn(raw, " \t")] != '\0')
			log_debug(source_name(rec), "dropped a MAC address "
			    "that is not in any known format");
		return -1;
	}
	if ((reason = mac_unusable_reason(mac)) != NULL) {
		log_debug(source_name(rec), "dropped MAC address %s: %s", mac,
		    reason);
		return -1;
	}
	for (i = 0; i < rec->ids.mac_count; i++)
		if (strcmp(rec->ids.macs[i], mac) == 0)
			return -1;
	device_record_add_mac(rec, mac);
	return 0;
}

int
record_set_email(struct device_record *rec, const char *raw)
{
	char	*email, *p;

	if (rec->email != NULL || (email = json_answer_trim(raw)) == NULL)
		return -1;
	for (p = email; *p != '\0'; p++) {
		if ((unsigned char)*p <= 0x20 || *p == 0x7f) {
			free(email);
			return -1;
		}
		*p = (char)tolower((unsigned char)*p);
	}
	if (strchr(email, '@') == NULL) {
		free(email);
		return -1;
	}
	rec->email = email;
	return 0;
}
