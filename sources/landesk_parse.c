/*
 * Turning MBSDK responses into device records: the Key/Value items of one
 * GetMachineDataEX response, and the GUIDs of a ListMachines response.
 * Independent of how the response was requested.
 */

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "buf.h"
#include "device.h"
#include "identifier.h"
#include "landesk_internal.h"
#include "record_fill.h"
#include "source_landesk.h"
#include "xalloc.h"
#include "xml_answer.h"

/* ---- items --------------------------------------------------------------- */

/*
 * Split "Computer.Network.TCPIP.Bound Adapter(1).Physical Address" into
 * the column without instance markers and the instance "1". Nested tables
 * give "1/2".
 */
static void
split_key(const char *key, struct landesk_item *item)
{
	struct buf	 column = BUF_INIT, instance = BUF_INIT;
	const char	*p = key, *close;

	while (*p != '\0') {
		if (*p == '(' && (close = strchr(p, ')')) != NULL &&
		    close > p + 1 &&
		    strspn(p + 1, "0123456789") == (size_t)(close - p - 1)) {
			if (instance.len > 0)
				buf_putc(&instance, '/');
			buf_append(&instance, p + 1, (size_t)(close - p - 1));
			p = close + 1;
			continue;
		}
		buf_putc(&column, *p++);
	}
	buf_puts(&instance, "");
	item->column = buf_detach(&column);
	item->instance = buf_detach(&instance);
}

static void
items_free(struct landesk_items *items)
{
	size_t	 i;

	for (i = 0; i < items->count; i++) {
		free(items->items[i].column);
		free(items->items[i].instance);
		free(items->items[i].value);
	}
	free(items->items);
	memset(items, 0, sizeof(*items));
}

static void
read_items(xmlXPathContextPtr ctx, xmlNodePtr root,
    struct landesk_items *items)
{
	xmlXPathObjectPtr	 found;
	xmlNodePtr		 node;
	char			*key;
	int			 i, n;

	found = xml_select(ctx, root, "m:Data/m:MachineData");
	n = found != NULL ? found->nodesetval->nodeNr : 0;
	items->items = xcalloc((size_t)n + 1, sizeof(items->items[0]));
	for (i = 0; i < n; i++) {
		node = found->nodesetval->nodeTab[i];
		if ((key = xml_text(ctx, node, "m:Key")) == NULL)
			continue;
		split_key(key, &items->items[items->count]);
		items->items[items->count++].value = xml_text(ctx, node,
		    "m:Value");
		free(key);
	}
	if (found != NULL)
		xmlXPathFreeObject(found);
}

const char *
landesk_value(const struct landesk_items *items, const char *column)
{
	size_t	 i;

	for (i = 0; column != NULL && i < items->count; i++)
		if (items->items[i].value != NULL &&
		    strcasecmp(items->items[i].column, column) == 0)
			return items->items[i].value;
	return NULL;
}

const char *
landesk_instance_value(const struct landesk_items *items, const char *column,
    const char *instance)
{
	size_t	 i;

	for (i = 0; column != NULL && i < items->count; i++)
		if (items->items[i].value != NULL &&
		    strcmp(items->items[i].instance, instance) == 0 &&
		    strcasecmp(items->items[i].column, column) == 0)
			return items->items[i].value;
	return NULL;
}

const char **
landesk_instances(const struct landesk_items *items,
    const char *const *columns, size_t count, size_t *found)
{
	const char	**list;
	size_t		  i, j, k;
	int		  requested, seen;

	list = xcalloc(items->count + 1, sizeof(*list));
	*found = 0;
	for (i = 0; i < items->count; i++) {
		for (j = 0, requested = 0; j < count && !requested; j++)
			requested = columns[j] != NULL &&
			    strcasecmp(items->items[i].column, columns[j]) == 0;
		if (!requested)
			continue;
		for (k = 0, seen = 0; k < *found && !seen; k++)
			seen = strcmp(list[k], items->items[i].instance) == 0;
		if (!seen)
			list[(*found)++] = items->items[i].instance;
	}
	return list;
}

/* ---- the record ---------------------------------------------------------- */

static const char *
column_value(const struct landesk_parse_settings *s,
    const struct landesk_items *items, enum landesk_column col)
{
	return landesk_value(items, s->columns[col]);
}

static char *
copy_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

/*
 * Windows keeps "6.3" as CurrentVersion for compatibility, also on
 * Windows 10 and 11, whose builds start at 10240: their kernel is 10.0.
 */
static char *
windows_version(const char *version, const char *build)
{
	struct buf	 out = BUF_INIT;

	if (build == NULL)
		return copy_or_null(version);
	if (version != NULL && strncmp(build, version, strlen(version)) == 0 &&
	    build[strlen(version)] == '.')
		return xstrdup(build);
	if (atol(build) >= 10240 && (version == NULL ||
	    strcmp(version, "6.3") == 0))
		version = "10.0";
	else if (version == NULL)
		return NULL;
	buf_printf(&out, "%s.%s", version, build);
	return buf_detach(&out);
}

/* Makers whose readable model name is in the system version column. */
static const char *const model_in_version[] = { "LENOVO" };

static char *
readable_model(const struct landesk_parse_settings *s,
    const struct landesk_items *items)
{
	const char	*maker, *version;
	size_t		 i;

	maker = column_value(s, items, LANDESK_COL_MANUFACTURER);
	version = column_value(s, items, LANDESK_COL_SYSTEM_VERSION);
	for (i = 0; maker != NULL && version != NULL &&
	    i < sizeof(model_in_version) / sizeof(model_in_version[0]); i++)
		if (strcasecmp(maker, model_in_version[i]) == 0)
			return xstrdup(version);
	return copy_or_null(column_value(s, items, LANDESK_COL_MODEL));
}

static void
read_identity(const struct landesk_parse_settings *s,
    const struct landesk_items *items, struct device_record *rec)
{
	const char	*os, *release;
	struct buf	 name = BUF_INIT;

	rec->source = xstrdup(LANDESK_SOURCE_NAME);
	rec->platform = PLATFORM_WINDOWS;
	rec->name = copy_or_null(column_value(s, items,
	    LANDESK_COL_DEVICE_NAME));
	rec->manufacturer = copy_or_null(column_value(s, items,
	    LANDESK_COL_MANUFACTURER));
	rec->model = readable_model(s, items);

	/* The release ("24H2") shows people which Windows 11 they have. */
	os = column_value(s, items, LANDESK_COL_OS_NAME);
	release = column_value(s, items, LANDESK_COL_OS_RELEASE_ID);
	buf_puts(&name, os != NULL ? os : "Windows");
	if (release != NULL)
		buf_printf(&name, " (%s)", release);
	rec->os_name = buf_detach(&name);
	rec->os_version = windows_version(
	    column_value(s, items, LANDESK_COL_OS_VERSION),
	    column_value(s, items, LANDESK_COL_OS_BUILD));
}

static time_t
column_date(const struct landesk_parse_settings *s,
    const struct landesk_items *items, enum landesk_column col)
{
	time_t	 t;

	if (landesk_parse_date(&s->zone, column_value(s, items, col), &t) != 0)
		return 0;
	return t;
}

static void
read_software(const struct landesk_parse_settings *s,
    const struct landesk_items *items, struct device_record *rec)
{
	const char	*columns[2], **instances, *name, *state;
	size_t		 i, n;

	columns[0] = s->columns[LANDESK_COL_SOFTWARE_NAME];
	columns[1] = s->columns[LANDESK_COL_SOFTWARE_VERSION];
	instances = landesk_instances(items, columns, 2, &n);
	for (i = 0; i < n; i++)
		if ((name = landesk_instance_value(items, columns[0],
		    instances[i])) != NULL)
			device_record_add_software(rec, name,
			    landesk_instance_value(items, columns[1],
			    instances[i]));
	free(instances);

	/* Only running services count; without a state column, all do. */
	columns[0] = s->columns[LANDESK_COL_SERVICE_NAME];
	columns[1] = s->columns[LANDESK_COL_SERVICE_STATE];
	instances = landesk_instances(items, columns, 2, &n);
	for (i = 0; i < n; i++) {
		name = landesk_instance_value(items, columns[0], instances[i]);
		state = landesk_instance_value(items, columns[1], instances[i]);
		if (name != NULL && (state == NULL ||
		    strcasecmp(state, "Running") == 0))
			device_record_add_service(rec, name);
	}
	free(instances);
}

/* Adapters whose firewall is "Not Installed" are virtual: no identifier. */
static void
read_macs(const struct landesk_parse_settings *s,
    const struct landesk_items *items, struct device_record *rec)
{
	const char	*columns[2], **instances, *firewall;
	size_t		 i, n;

	columns[0] = s->columns[LANDESK_COL_ADAPTER_ADDRESS];
	columns[1] = s->columns[LANDESK_COL_ADAPTER_FIREWALL];
	instances = landesk_instances(items, columns, 2, &n);
	for (i = 0; i < n; i++) {
		firewall = landesk_instance_value(items, columns[1],
		    instances[i]);
		if (firewall != NULL && strcasecmp(firewall,
		    "Not Installed") == 0)
			continue;
		(void)record_add_mac_text(rec, landesk_instance_value(items,
		    columns[0], instances[i]));
	}
	free(instances);
}

static void
items_to_record(const struct landesk_parse_settings *s,
    const struct landesk_items *items, const char *guid,
    const char *owner_email, struct device_record *rec)
{
	time_t	 hardware, software;

	read_identity(s, items, rec);
	(void)record_set_email(rec, column_value(s, items,
	    LANDESK_COL_OWNER_EMAIL));
	(void)record_set_email(rec, owner_email);
	(void)record_set_identifier(rec, IDENTIFIER_SERIAL,
	    column_value(s, items, LANDESK_COL_SERIAL));
	(void)record_set_identifier(rec, IDENTIFIER_SOURCE_ID, guid);
	read_macs(s, items, rec);

	hardware = column_date(s, items, LANDESK_COL_HARDWARE_SCAN_DATE);
	software = column_date(s, items, LANDESK_COL_SOFTWARE_SCAN_DATE);
	rec->last_sync = hardware > software ? hardware : software;
	landesk_observe_practices(s, items, rec, hardware, software);
	read_software(s, items, rec);
}

/* ---- documents ----------------------------------------------------------- */

/*
 * Parse xml and check that its root is root_name in the MBSDK namespace.
 * Returns the document with an XPath context with the prefix "m".
 */
static xmlDocPtr
open_response(const char *xml, size_t len, const char *root_name,
    xmlXPathContextPtr *ctx, struct buf *err)
{
	xmlDocPtr	 doc;
	xmlNodePtr	 root;

	*ctx = NULL;
	if ((doc = xml_answer_parse(xml, len, err)) == NULL)
		return NULL;
	root = xmlDocGetRootElement(doc);
	if (root == NULL || xmlStrcmp(root->name, BAD_CAST root_name) != 0 ||
	    root->ns == NULL || xmlStrcmp(root->ns->href,
	    BAD_CAST LANDESK_NAMESPACE) != 0) {
		buf_printf(err, "expected a %s response in the MBSDK namespace",
		    root_name);
		xmlFreeDoc(doc);
		return NULL;
	}
	if ((*ctx = xmlXPathNewContext(doc)) == NULL ||
	    xmlXPathRegisterNs(*ctx, BAD_CAST "m",
	    BAD_CAST LANDESK_NAMESPACE) != 0) {
		buf_puts(err, "cannot create an XPath context");
		xmlXPathFreeContext(*ctx);
		*ctx = NULL;
		xmlFreeDoc(doc);
		return NULL;
	}
	return doc;
}

int
landesk_parse_machine(const struct landesk_parse_settings *settings,
    const char *xml, size_t len, const char *owner_email,
    struct device_record *rec, struct buf *err)
{
	struct landesk_items	 items = { NULL, 0 };
	xmlXPathContextPtr	 ctx;
	xmlDocPtr		 doc;
	xmlNodePtr		 root;
	char			*guid, *name;

	memset(rec, 0, sizeof(*rec));
	if ((doc = open_response(xml, len, "MachineDataEX", &ctx, err)) == NULL)
		return -1;
	root = xmlDocGetRootElement(doc);
	read_items(ctx, root, &items);
	guid = xml_text(ctx, root, "m:GUID");
	items_to_record(settings, &items, guid, owner_email, rec);
	if (rec->name == NULL && (name = xml_text(ctx, root, "m:DeviceName")) !=
	    NULL)
		rec->name = name;

	free(guid);
	items_free(&items);
	xmlXPathFreeContext(ctx);
	xmlFreeDoc(doc);
	return 0;
}

int
landesk_parse_machine_list(const char *xml, size_t len, char ***guids,
    size_t *count, struct buf *err)
{
	xmlXPathContextPtr	 ctx;
	xmlXPathObjectPtr	 found;
	xmlDocPtr		 doc;
	char			*guid;
	size_t			 j;
	int			 i, duplicate;

	if ((doc = open_response(xml, len, "DeviceList", &ctx, err)) == NULL)
		return -1;
	found = xml_select(ctx, xmlDocGetRootElement(doc),
	    "m:Devices/m:Device/m:GUID");
	for (i = 0; found != NULL && i < found->nodesetval->nodeNr; i++) {
		if ((guid = xml_node_text(found->nodesetval->nodeTab[i])) ==
		    NULL)
			continue;
		for (j = 0, duplicate = 0; j < *count && !duplicate; j++)
			duplicate = strcasecmp((*guids)[j], guid) == 0;
		if (duplicate) {
			free(guid);
			continue;
		}
		*guids = xrealloc(*guids, (*count + 1) * sizeof(**guids));
		(*guids)[(*count)++] = guid;
	}
	if (found != NULL)
		xmlXPathFreeObject(found);
	xmlXPathFreeContext(ctx);
	xmlFreeDoc(doc);
	return 0;
}
