/* Checking the JAMF settings and reading the credentials they name. */

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "diag.h"
#include "jamf_internal.h"
#include "source_settings.h"
#include "xalloc.h"
#include "yaml_tree.h"

#define FIELD(f)	offsetof(struct jamf, f)
#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const char *const email_lookups[JAMF_EMAIL__MAX + 1] = {
	[JAMF_EMAIL_BOTH] = "both",
	[JAMF_EMAIL_USERS] = "users",
	[JAMF_EMAIL_MATCH] = "match",
	[JAMF_EMAIL__MAX] = NULL,
};

static const struct source_setting jamf_settings[] = {
	{ .name = "url", .type = SOURCE_SETTING_URL, .offset = FIELD(url) },
	{ .name = "username", .type = SOURCE_SETTING_STRING,
	  .offset = FIELD(username) },
	{ .name = "password_file", .type = SOURCE_SETTING_SECRET },
	{ .name = "password_env", .type = SOURCE_SETTING_SECRET },
	{ .name = "client_id", .type = SOURCE_SETTING_STRING,
	  .offset = FIELD(client_id) },
	{ .name = "client_secret_file", .type = SOURCE_SETTING_SECRET },
	{ .name = "client_secret_env", .type = SOURCE_SETTING_SECRET },
	{ .name = "timeout_ms", .type = SOURCE_SETTING_LONG,
	  .offset = FIELD(timeout_ms), .min = 100, .max = 120000 },
	{ .name = "max_connections", .type = SOURCE_SETTING_LONG,
	  .offset = FIELD(max_connections), .min = 1, .max = 20 },
	{ .name = "max_response_bytes", .type = SOURCE_SETTING_SIZE,
	  .offset = FIELD(max_response_bytes), .min = 1024,
	  .max = 256 * 1024 * 1024 },
	{ .name = "email_lookup", .type = SOURCE_SETTING_CHOICE,
	  .offset = FIELD(email_lookup), .choices = email_lookups },
	{ .name = "firewall_attribute", .type = SOURCE_SETTING_STRING,
	  .offset = FIELD(names.firewall) },
	{ .name = "screenlock_attribute", .type = SOURCE_SETTING_STRING,
	  .offset = FIELD(names.screenlock) },
	{ .name = "remotelogin_attribute", .type = SOURCE_SETTING_STRING,
	  .offset = FIELD(names.remotelogin) },
	{ .name = "autoupdate_attributes", .type = SOURCE_SETTING_STRING_LIST,
	  .offset = FIELD(names.autoupdate),
	  .count_offset = FIELD(names.autoupdate_count) },
};

/* One attribute per macOS Software Update switch that matters. */
static const char *const default_autoupdate_attributes[] = {
	"Automatic Check Enabled",
	"Automatic Download Enabled",
	"Critical Updates Enabled",
	"Automatic macOS Updates Enabled",
};

static const char jss_suffix[] = "/JSSResource";

static void
set_defaults(struct jamf *j)
{
	size_t	 i, n = NELEM(default_autoupdate_attributes);

	j->timeout_ms = JAMF_DEFAULT_TIMEOUT_MS;
	j->max_connections = JAMF_DEFAULT_MAX_CONNECTIONS;
	j->email_lookup = JAMF_EMAIL_BOTH;
	j->names.firewall = xstrdup(JAMF_DEFAULT_FIREWALL_ATTRIBUTE);
	j->names.screenlock = xstrdup(JAMF_DEFAULT_SCREENLOCK_ATTRIBUTE);
	j->names.remotelogin = xstrdup(JAMF_DEFAULT_REMOTELOGIN_ATTRIBUTE);
	j->names.autoupdate = xcalloc(n, sizeof(char *));
	for (i = 0; i < n; i++)
		j->names.autoupdate[i] = xstrdup(default_autoupdate_attributes[i]);
	j->names.autoupdate_count = n;
}

void
jamf_free(void *state)
{
	struct jamf	*j = state;

	if (j == NULL)
		return;
	source_settings_free(jamf_settings, NELEM(jamf_settings), j);
	source_secret_free(j->password);
	source_secret_free(j->client_secret);
	free(j->api_url);
	free(j->token_key);
	free(j);
}

/* Check that url ends in /JSSResource and derive the Jamf Pro API base. */
static void
check_url(struct jamf *j, const char *file, const struct ynode *settings,
    struct diag_list *diags)
{
	size_t	 len, suffix = sizeof(jss_suffix) - 1;

	if (j->url == NULL) {
		if (ynode_get(settings, "url") == NULL)
			source_settings_report(diags, file, JAMF_SOURCE_NAME,
			    NULL, settings, "missing url, such as "
			    "https://jamf.example.com/JSSResource");
		return;
	}
	len = strlen(j->url);
	if (len <= suffix || strcasecmp(j->url + len - suffix, jss_suffix) != 0) {
		source_settings_report(diags, file, JAMF_SOURCE_NAME, "url",
		    ynode_get(settings, "url"), "must end in /JSSResource, as "
		    "in https://jamf.example.com/JSSResource");
		return;
	}
	j->api_url = xstrndup(j->url, len - suffix);
}

/*
 * Exactly one kind of credentials: a user account with a password, or an
 * API client with a secret. Settings of the other kind are mistakes.
 */
static void
read_credentials(struct jamf *j, const char *file,
    const struct ynode *settings, struct diag_list *diags)
{
	static const char *const user_keys[] = { "password_file",
	    "password_env" };
	static const char *const client_keys[] = { "client_secret_file",
	    "client_secret_env" };
	const char *const	*other;
	const struct ynode	*user, *client, *node;
	size_t			 i;

	user = ynode_get(settings, "username");
	client = ynode_get(settings, "client_id");
	if (user != NULL && client != NULL) {
		source_settings_report(diags, file, JAMF_SOURCE_NAME,
		    "client_id", client, "set either username or client_id, "
		    "not both");
		return;
	}
	if (user == NULL && client == NULL) {
		source_settings_report(diags, file, JAMF_SOURCE_NAME, NULL,
		    settings, "missing username (with password_file or "
		    "password_env) or client_id (with client_secret_file or "
		    "client_secret_env)");
		return;
	}

	other = user != NULL ? client_keys : user_keys;
	for (i = 0; i < 2; i++)
		if ((node = ynode_get(settings, other[i])) != NULL)
			source_settings_report(diags, file, JAMF_SOURCE_NAME,
			    other[i], node, "belongs to %s, which is not set",
			    user != NULL ? "client_id" : "username");

	if (user != NULL) {
		if (j->username != NULL && strchr(j->username, ':') != NULL)
			source_settings_report(diags, file, JAMF_SOURCE_NAME,
			    "username", user, "must not contain ':'");
		j->password = source_secret_read(file, JAMF_SOURCE_NAME,
		    settings, "password_file", "password_env", 1, diags);
	} else
		j->client_secret = source_secret_read(file, JAMF_SOURCE_NAME,
		    settings, "client_secret_file", "client_secret_env", 1,
		    diags);
}

void *
jamf_configure(const char *file, const struct ynode *settings,
    struct diag_list *diags)
{
	struct jamf	*j;
	struct buf	 key = BUF_INIT;
	size_t		 errors = diags->count;

	j = xcalloc(1, sizeof(*j));
	set_defaults(j);
	(void)source_settings_apply(file, JAMF_SOURCE_NAME, settings,
	    jamf_settings, NELEM(jamf_settings), j, diags);
	if (settings != NULL && settings->kind == YNODE_MAPPING) {
		check_url(j, file, settings, diags);
		read_credentials(j, file, settings, diags);
	}
	if (diags->count > errors) {
		jamf_free(j);
		return NULL;
	}

	/* One token per server and account. The key contains no secret. */
	buf_printf(&key, "jamf %s %s", j->api_url,
	    j->username != NULL ? j->username : j->client_id);
	j->token_key = buf_detach(&key);
	return j;
}
