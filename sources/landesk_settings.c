/*
 * Checking the LANDESK settings, reading the password they name, and
 * building ListMachines filters from their templates.
 */

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "diag.h"
#include "fetch.h"
#include "landesk_internal.h"
#include "source_settings.h"
#include "xalloc.h"
#include "yaml_tree.h"

#define FIELD(f)	offsetof(struct landesk, f)
#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* The auth choices, in the order of the fetch_auth values they map to. */
static const char *const auth_names[] = { "ntlm", "basic", NULL };
static const int auth_values[] = { FETCH_AUTH_NTLM, FETCH_AUTH_BASIC };

#define COLUMN_SETTING(id, key, column) \
	{ .name = key, .type = SOURCE_SETTING_STRING, \
	  .offset = FIELD(parse.columns[LANDESK_COL_##id]) },
#define COLUMN_DEFAULT(id, key, column)	[LANDESK_COL_##id] = column,

static const struct source_setting column_settings[] = {
	LANDESK_COLUMNS(COLUMN_SETTING)
};

static const char *const default_columns[LANDESK_COL__MAX] = {
	LANDESK_COLUMNS(COLUMN_DEFAULT)
};

static const struct source_setting landesk_settings[] = {
	{ .name = "url", .type = SOURCE_SETTING_URL, .offset = FIELD(url) },
	{ .name = "auth", .type = SOURCE_SETTING_CHOICE, .offset = FIELD(auth),
	  .choices = auth_names },
	{ .name = "username", .type = SOURCE_SETTING_STRING,
	  .offset = FIELD(username) },
	{ .name = "password_file", .type = SOURCE_SETTING_SECRET },
	{ .name = "password_env", .type = SOURCE_SETTING_SECRET },
	{ .name = "column_set", .type = SOURCE_SETTING_STRING,
	  .offset = FIELD(column_set) },
	{ .name = "timeout_ms", .type = SOURCE_SETTING_LONG,
	  .offset = FIELD(timeout_ms), .min = 100, .max = 120000 },
	{ .name = "max_connections", .type = SOURCE_SETTING_LONG,
	  .offset = FIELD(max_connections), .min = 1, .max = 20 },
	{ .name = "max_response_bytes", .type = SOURCE_SETTING_SIZE,
	  .offset = FIELD(max_response_bytes), .min = 1024,
	  .max = 256 * 1024 * 1024 },
	{ .name = "timezone", .type = SOURCE_SETTING_STRING,
	  .offset = FIELD(timezone) },
	{ .name = "email_filter", .type = SOURCE_SETTING_STRING,
	  .offset = FIELD(filters[LANDESK_FILTER_EMAIL]) },
	{ .name = "serial_filter", .type = SOURCE_SETTING_STRING,
	  .offset = FIELD(filters[LANDESK_FILTER_SERIAL]) },
	{ .name = "mac_filter", .type = SOURCE_SETTING_STRING,
	  .offset = FIELD(filters[LANDESK_FILTER_MAC]) },
	{ .name = "system_drive", .type = SOURCE_SETTING_STRING,
	  .offset = FIELD(parse.system_drive) },
	{ .name = "screensaver_check", .type = SOURCE_SETTING_STRING,
	  .offset = FIELD(parse.screensaver_check) },
	{ .name = "autoupdate_check", .type = SOURCE_SETTING_STRING,
	  .offset = FIELD(parse.autoupdate_check) },
	{ .name = "patch_severities", .type = SOURCE_SETTING_STRING_LIST,
	  .offset = FIELD(parse.patch_severities),
	  .count_offset = FIELD(parse.patch_severity_count) },
	{ .name = "columns", .type = SOURCE_SETTING_MAPPING,
	  .sub = column_settings, .nsub = NELEM(column_settings) },
};

/* Each filter's settings key, default and the placeholders it may use. */
static const struct {
	const char	*key;
	const char	*template;
	const char	*placeholders[3];	/* the first: one is required */
} filter_rules[LANDESK_FILTER__MAX] = {
	[LANDESK_FILTER_EMAIL] = { "email_filter",
	    "Computer.Primary Owner Email = '{email}' OR "
	    "Computer.Login Name = '{login}'", { "{email}", "{login}", NULL } },
	[LANDESK_FILTER_SERIAL] = { "serial_filter",
	    "Computer.System.Serial Number = '{serial}'",
	    { "{serial}", NULL, NULL } },
	[LANDESK_FILTER_MAC] = { "mac_filter",
	    "Computer.Network.TCPIP.Bound Adapter.Physical Address = '{mac}'",
	    { "{mac}", NULL, NULL } },
};

static const char *const default_severities[] = { "Critical", "High" };
static const char asmx_suffix[] = "/MsgSDK.asmx";

static void
set_defaults(struct landesk *ld)
{
	size_t	 i;

	ld->auth = 0;
	ld->column_set = xstrdup("Stethoscope");
	ld->timezone = xstrdup("UTC");
	ld->timeout_ms = LANDESK_DEFAULT_TIMEOUT_MS;
	ld->max_connections = LANDESK_DEFAULT_MAX_CONNECTIONS;
	for (i = 0; i < LANDESK_FILTER__MAX; i++)
		ld->filters[i] = xstrdup(filter_rules[i].template);
	for (i = 0; i < LANDESK_COL__MAX; i++)
		ld->parse.columns[i] = xstrdup(default_columns[i]);
	ld->parse.system_drive = xstrdup("C:");
	ld->parse.screensaver_check = xstrdup("ST000202");
	ld->parse.autoupdate_check = xstrdup("ST000003v2");
	ld->parse.patch_severities = xcalloc(NELEM(default_severities),
	    sizeof(char *));
	for (i = 0; i < NELEM(default_severities); i++)
		ld->parse.patch_severities[i] = xstrdup(default_severities[i]);
	ld->parse.patch_severity_count = NELEM(default_severities);
}

void
landesk_free(void *state)
{
	struct landesk	*ld = state;

	if (ld == NULL)
		return;
	source_settings_free(landesk_settings, NELEM(landesk_settings), ld);
	source_secret_free(ld->password);
	free(ld->parse.zone.name);
	free(ld);
}

/*
 * Check that every {name} in the filter is one it may use, and that it
 * uses at least one.
 */
static void
check_filter(struct landesk *ld, enum landesk_filter kind, const char *file,
    const struct ynode *settings, struct diag_list *diags)
{
	const char	*p = ld->filters[kind], *close;
	const char	*const *allowed = filter_rules[kind].placeholders;
	size_t		 i, len;
	int		 known, used = 0;

	while ((p = strchr(p, '{')) != NULL) {
		if ((close = strchr(p, '}')) == NULL)
			break;
		len = (size_t)(close - p) + 1;
		for (i = 0, known = 0; i < 3 && allowed[i] != NULL; i++)
			if (strlen(allowed[i]) == len &&
			    strncmp(p, allowed[i], len) == 0)
				known = 1;
		if (!known) {
			source_settings_report(diags, file,
			    LANDESK_SOURCE_NAME, filter_rules[kind].key,
			    ynode_get(settings, filter_rules[kind].key),
			    "unknown placeholder %.*s; this filter may use %s%s%s",
			    (int)len, p, allowed[0],
			    allowed[1] != NULL ? " or " : "",
			    allowed[1] != NULL ? allowed[1] : "");
			return;
		}
		used = 1;
		p = close + 1;
	}
	if (!used)
		source_settings_report(diags, file, LANDESK_SOURCE_NAME,
		    filter_rules[kind].key,
		    ynode_get(settings, filter_rules[kind].key),
		    "must contain %s%s%s, which the lookup replaces",
		    allowed[0], allowed[1] != NULL ? " or " : "",
		    allowed[1] != NULL ? allowed[1] : "");
}

static void
check_settings(struct landesk *ld, const char *file,
    const struct ynode *settings, struct diag_list *diags)
{
	size_t	 len, suffix = sizeof(asmx_suffix) - 1, i;

	if (ld->url == NULL && ynode_get(settings, "url") == NULL)
		source_settings_report(diags, file, LANDESK_SOURCE_NAME, NULL,
		    settings, "missing url, such as "
		    "https://core.example.com/MBSDKService/MsgSDK.asmx");
	else if (ld->url != NULL && ((len = strlen(ld->url)) <= suffix ||
	    strcasecmp(ld->url + len - suffix, asmx_suffix) != 0))
		source_settings_report(diags, file, LANDESK_SOURCE_NAME, "url",
		    ynode_get(settings, "url"), "must end in "
		    "/MBSDKService/MsgSDK.asmx, as in "
		    "https://core.example.com/MBSDKService/MsgSDK.asmx");

	if (ynode_get(settings, "username") == NULL)
		source_settings_report(diags, file, LANDESK_SOURCE_NAME, NULL,
		    settings, "missing username");
	else if (ld->username != NULL && ld->auth == 1 &&
	    strchr(ld->username, ':') != NULL)
		source_settings_report(diags, file, LANDESK_SOURCE_NAME,
		    "username", ynode_get(settings, "username"),
		    "must not contain ':' with basic auth");
	ld->password = source_secret_read(file, LANDESK_SOURCE_NAME, settings,
	    "password_file", "password_env", 1, diags);

	if (landesk_zone_parse(ld->timezone, &ld->parse.zone) != 0)
		source_settings_report(diags, file, LANDESK_SOURCE_NAME,
		    "timezone", ynode_get(settings, "timezone"), "expected "
		    "UTC, an offset such as +01:00, or a time zone name that "
		    "exists under /usr/share/zoneinfo, such as Europe/Berlin");

	for (i = 0; i < LANDESK_FILTER__MAX; i++)
		check_filter(ld, (enum landesk_filter)i, file, settings, diags);
}

void *
landesk_configure(const char *file, const struct ynode *settings,
    struct diag_list *diags)
{
	struct landesk	*ld;
	size_t		 errors = diags->count;

	ld = xcalloc(1, sizeof(*ld));
	set_defaults(ld);
	(void)source_settings_apply(file, LANDESK_SOURCE_NAME, settings,
	    landesk_settings, NELEM(landesk_settings), ld, diags);
	if (settings != NULL && settings->kind == YNODE_MAPPING)
		check_settings(ld, file, settings, diags);
	if (diags->count > errors) {
		landesk_free(ld);
		return NULL;
	}
	ld->auth = auth_values[ld->auth];
	return ld;
}

/* Append value with single quotes doubled, as the query language wants. */
static void
append_quoted(struct buf *out, const char *value, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++) {
		if (value[i] == '\'')
			buf_putc(out, '\'');
		buf_putc(out, value[i]);
	}
}

/* Turn a canonical MAC address into LANDESK's twelve bare hex digits. */
static int
bare_mac(const char *mac, struct buf *out)
{
	for (; *mac != '\0'; mac++) {
		if (*mac == ':')
			continue;
		if (strchr("0123456789ABCDEF", *mac) == NULL)
			return -1;
		buf_putc(out, *mac);
	}
	return 0;
}

char *
landesk_filter_for(const struct landesk *ld, enum landesk_filter kind,
    const char *value)
{
	struct buf	 filter = BUF_INIT, mac = BUF_INIT;
	const char	*p = ld->filters[kind], *close, *at;
	const char	*text;
	size_t		 len;

	if (kind == LANDESK_FILTER_MAC) {
		if (bare_mac(value, &mac) != 0) {
			buf_free(&mac);
			return NULL;
		}
		value = mac.data;
	}
	while (*p != '\0') {
		if (*p != '{' || (close = strchr(p, '}')) == NULL) {
			buf_putc(&filter, *p++);
			continue;
		}
		text = value;
		len = strlen(value);
		if (strncmp(p, "{login}", 7) == 0 &&
		    (at = strchr(value, '@')) != NULL)
			len = (size_t)(at - value);
		append_quoted(&filter, text, len);
		p = close + 1;
	}
	buf_free(&mac);
	return buf_detach(&filter);
}
