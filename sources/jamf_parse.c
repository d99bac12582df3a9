/*
 * Turning JAMF Classic API computer documents into device records, and
 * reading computer ids out of user and match listings. Independent of how
 * the document was requested, so bulk listings can reuse it.
 */

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/tree.h>
#include <libxml/xpath.h>

#include "buf.h"
#include "device.h"
#include "identifier.h"
#include "jamf_internal.h"
#include "record_fill.h"
#include "rfc3339.h"
#include "source_jamf.h"
#include "xalloc.h"
#include "xml_answer.h"

/* ---- small readers ------------------------------------------------------- */

/* Parse a JAMF epoch in milliseconds; 0 when missing, zero or invalid. */
static time_t
epoch_ms_to_time(const char *s)
{
	long long	 ms = 0;

	if (s == NULL)
		return 0;
	for (; *s != '\0'; s++) {
		if (!isdigit((unsigned char)*s) || ms > 99999999999999LL)
			return 0;
		ms = ms * 10 + (*s - '0');
	}
	return (time_t)(ms / 1000);
}

/*
 * Parse report_date_utc, which JAMF writes with an offset lacking the
 * colon ("2026-12-03T09:12:00.000+0000"); RFC 3339 forms also pass.
 */
static time_t
jamf_utc_to_time(const char *s)
{
	char	 fixed[64];
	size_t	 len;
	time_t	 t;

	if (s == NULL || (len = strlen(s)) >= sizeof(fixed) - 1)
		return 0;
	memcpy(fixed, s, len + 1);
	if (len > 5 && (fixed[len - 5] == '+' || fixed[len - 5] == '-') &&
	    isdigit((unsigned char)fixed[len - 1]) &&
	    strchr(fixed + len - 4, ':') == NULL) {
		memmove(fixed + len - 1, fixed + len - 2, 3);
		fixed[len - 2] = ':';
	}
	return rfc3339_parse(fixed, &t) == 0 ? t : 0;
}

/* ---- the record ---------------------------------------------------------- */

static void
read_software(struct device_record *rec, xmlXPathContextPtr ctx,
    xmlNodePtr computer)
{
	xmlXPathObjectPtr	 found;
	xmlNodePtr		 node;
	char			*name, *version;
	int			 i;

	found = xml_select(ctx, computer, "software/applications/application");
	for (i = 0; found != NULL && i < found->nodesetval->nodeNr; i++) {
		node = found->nodesetval->nodeTab[i];
		if ((name = xml_text(ctx, node, "name")) == NULL)
			continue;
		version = xml_text(ctx, node, "version");
		device_record_add_software(rec, name, version);
		free(version);
		free(name);
	}
	if (found != NULL)
		xmlXPathFreeObject(found);

	found = xml_select(ctx, computer, "software/running_services/name");
	for (i = 0; found != NULL && i < found->nodesetval->nodeNr; i++) {
		if ((name = xml_node_text(found->nodesetval->nodeTab[i])) ==
		    NULL)
			continue;
		device_record_add_service(rec, name);
		free(name);
	}
	if (found != NULL)
		xmlXPathFreeObject(found);
}

static void
read_identifiers(struct device_record *rec, xmlXPathContextPtr ctx,
    xmlNodePtr computer)
{
	static const struct {
		const char		*path;
		enum identifier_kind	 kind;
	} fields[] = {
		{ "general/serial_number",	IDENTIFIER_SERIAL },
		{ "general/udid",		IDENTIFIER_UDID },
		{ "general/id",			IDENTIFIER_SOURCE_ID },
		/* alt_mac_address is often locally administered: dropped. */
		{ "general/mac_address",	IDENTIFIER_MAC },
		{ "general/alt_mac_address",	IDENTIFIER_MAC },
	};
	char	*value;
	size_t	 i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		value = xml_text(ctx, computer, fields[i].path);
		if (fields[i].kind == IDENTIFIER_MAC)
			(void)record_add_mac_text(rec, value);
		else
			(void)record_set_identifier(rec, fields[i].kind, value);
		free(value);
	}
}

void
jamf_computer_to_record(const struct jamf_attribute_names *names,
    xmlXPathContextPtr ctx, xmlNodePtr computer, struct device_record *rec)
{
	char	*value;
	time_t	 reported, contacted;

	rec->source = xstrdup(JAMF_SOURCE_NAME);
	rec->platform = PLATFORM_MAC;
	rec->os_name = xstrdup("macOS");
	rec->manufacturer = xstrdup("Apple");
	rec->name = xml_text(ctx, computer, "general/name");
	rec->model = xml_text(ctx, computer, "hardware/model");
	if (rec->model == NULL)
		rec->model = xml_text(ctx, computer,
		    "hardware/model_identifier");
	rec->os_version = xml_text(ctx, computer, "hardware/os_version");
	value = xml_text(ctx, computer, "location/email_address");
	(void)record_set_email(rec, value);
	free(value);

	/* The inventory report dates the facts; the last check-in, the sync. */
	value = xml_text(ctx, computer, "general/report_date_epoch");
	reported = epoch_ms_to_time(value);
	free(value);
	if (reported == 0) {
		value = xml_text(ctx, computer, "general/report_date_utc");
		reported = jamf_utc_to_time(value);
		free(value);
	}
	value = xml_text(ctx, computer, "general/last_contact_time_epoch");
	contacted = epoch_ms_to_time(value);
	free(value);
	rec->last_sync = contacted > reported ? contacted : reported;

	read_identifiers(rec, ctx, computer);
	jamf_observe_practices(rec, names, ctx, computer, reported);
	read_software(rec, ctx, computer);
}

int
jamf_parse_computer(const struct jamf_attribute_names *names,
    const char *xml, size_t len, struct device_record *rec, struct buf *err)
{
	xmlDocPtr		 doc;
	xmlNodePtr		 root;
	xmlXPathContextPtr	 ctx;

	memset(rec, 0, sizeof(*rec));
	if ((doc = xml_answer_parse(xml, len, err)) == NULL)
		return -1;
	root = xmlDocGetRootElement(doc);
	if (root == NULL || xmlStrcmp(root->name, BAD_CAST "computer") != 0) {
		buf_puts(err, "expected a <computer> document");
		xmlFreeDoc(doc);
		return -1;
	}
	if ((ctx = xmlXPathNewContext(doc)) == NULL) {
		buf_puts(err, "cannot create an XPath context");
		xmlFreeDoc(doc);
		return -1;
	}
	jamf_computer_to_record(names, ctx, root, rec);
	xmlXPathFreeContext(ctx);
	xmlFreeDoc(doc);
	return 0;
}

int
jamf_parse_computer_ids(const char *xml, size_t len, char ***ids,
    size_t *count, struct buf *err)
{
	xmlDocPtr		 doc;
	xmlNodePtr		 root;
	xmlXPathContextPtr	 ctx;
	xmlXPathObjectPtr	 found;
	char			*id;
	size_t			 j;
	int			 i, duplicate;

	if ((doc = xml_answer_parse(xml, len, err)) == NULL)
		return -1;
	root = xmlDocGetRootElement(doc);
	if (root == NULL || (xmlStrcmp(root->name, BAD_CAST "users") != 0 &&
	    xmlStrcmp(root->name, BAD_CAST "user") != 0 &&
	    xmlStrcmp(root->name, BAD_CAST "computers") != 0)) {
		buf_puts(err, "expected a <users>, <user> or <computers> "
		    "document");
		xmlFreeDoc(doc);
		return -1;
	}
	if ((ctx = xmlXPathNewContext(doc)) == NULL) {
		buf_puts(err, "cannot create an XPath context");
		xmlFreeDoc(doc);
		return -1;
	}

	found = xml_select(ctx, root, "/users/user/links/computers/computer/id"
	    " | /user/links/computers/computer/id | /computers/computer/id");
	for (i = 0; found != NULL && i < found->nodesetval->nodeNr; i++) {
		if ((id = xml_node_text(found->nodesetval->nodeTab[i])) ==
		    NULL)
			continue;
		for (j = 0, duplicate = 0; j < *count && !duplicate; j++)
			duplicate = strcmp((*ids)[j], id) == 0;
		if (duplicate) {
			free(id);
			continue;
		}
		*ids = xrealloc(*ids, (*count + 1) * sizeof(**ids));
		(*ids)[(*count)++] = id;
	}
	if (found != NULL)
		xmlXPathFreeObject(found);
	xmlXPathFreeContext(ctx);
	xmlFreeDoc(doc);
	return 0;
}
