/*
 * The bitFit source: its settings, its entry in the source table, the
 * words for its failures, and one asset's JSON into a record. The lookups
 * are in bitfit_lookup.c.
 */

#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "bitfit_internal.h"
#include "buf.h"
#include "device.h"
#include "diag.h"
#include "fetch.h"
#include "json_answer.h"
#include "record_fill.h"
#include "source.h"
#include "source_bitfit.h"
#include "source_settings.h"
#include "upstream_answer.h"
#include "xalloc.h"
#include "yaml_tree.h"

#define FIELD(f)	offsetof(struct bitfit, f)
#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Longer base names are not among those looked for. */
#define BASE_NAME_MAX	64

static const struct upstream_labels bitfit_labels = {
	"bitFit", "JSON", "the API token (api_token_file or api_token_env)",
};

static const struct source_setting bitfit_settings[] = {
	{ .name = "url", .type = SOURCE_SETTING_URL, .offset = FIELD(url) },
	{ .name = "api_token_file", .type = SOURCE_SETTING_SECRET },
	{ .name = "api_token_env", .type = SOURCE_SETTING_SECRET },
	{ .name = "timeout_ms", .type = SOURCE_SETTING_LONG,
	  .offset = FIELD(timeout_ms), .min = 100, .max = 120000 },
	{ .name = "max_connections", .type = SOURCE_SETTING_LONG,
	  .offset = FIELD(max_connections), .min = 1, .max = 20 },
	{ .name = "max_response_bytes", .type = SOURCE_SETTING_SIZE,
	  .offset = FIELD(max_response_bytes), .min = 1024,
	  .max = 256 * 1024 * 1024 },
};

/* ---- settings ------------------------------------------------------------- */

static void
bitfit_free(void *state)
{
	struct bitfit	*b = state;

	if (b == NULL)
		return;
	source_settings_free(bitfit_settings, NELEM(bitfit_settings), b);
	source_secret_free(b->api_token);
	free(b);
}

static void *
bitfit_configure(const char *file, const struct ynode *settings,
    struct diag_list *diags)
{
	struct bitfit	*b;
	size_t		 errors = diags->count;

	b = xcalloc(1, sizeof(*b));
	b->timeout_ms = BITFIT_DEFAULT_TIMEOUT_MS;
	b->max_connections = BITFIT_DEFAULT_MAX_CONNECTIONS;
	(void)source_settings_apply(file, BITFIT_SOURCE_NAME, settings,
	    bitfit_settings, NELEM(bitfit_settings), b, diags);
	if (settings != NULL && settings->kind == YNODE_MAPPING) {
		if (b->url == NULL && ynode_get(settings, "url") == NULL)
			source_settings_report(diags, file, BITFIT_SOURCE_NAME,
			    NULL, settings, "missing url, such as "
			    "https://bitfit.example.com/api/v1");
		b->api_token = source_secret_read(file, BITFIT_SOURCE_NAME,
		    settings, "api_token_file", "api_token_env", 1, diags);
	}
	if (diags->count > errors) {
		bitfit_free(b);
		return NULL;
	}
	return b;
}

const struct source_ops bitfit_source = {
	.name = BITFIT_SOURCE_NAME,
	.lookups = SOURCE_SUPPORTS(LOOKUP_EMAIL),
	.ownership = 1,
	.configure = bitfit_configure,
	.free = bitfit_free,
	.start = bitfit_start,
};

/* ---- failures -------------------------------------------------------------- */

int
bitfit_failure_message(const struct fetch_request *req, struct buf *out)
{
	if (req->error == FETCH_OK && req->status >= 200 &&
	    req->status <= 299 && !upstream_answer_is_html(req))
		return 0;

	/* The fetch layer retried the 429 as long as the deadline allowed. */
	if (req->status == 429 && (req->error == FETCH_ERR_HTTP_STATUS ||
	    (req->error == FETCH_ERR_DEADLINE &&
	    strstr(req->error_message, "waiting to retry") != NULL))) {
		if (strstr(req->error_message, "gave up after") != NULL)
			buf_printf(out, "bitFit rate limit exceeded; gave up "
			    "after %d attempts", req->attempts);
		else
			buf_puts(out, "bitFit rate limit exceeded; retried "
			    "until the deadline");
		return 1;
	}
	upstream_failure_message(req, &bitfit_labels, out);
	if (req->error == FETCH_ERR_TOO_LARGE)
		buf_puts(out, "; raise max_response_bytes if bitFit's responses "
		    "are that large");
	return 1;
}

/* ---- one asset ------------------------------------------------------------ */

/* Where each custom field's value goes, by its folded base name. */
static const struct {
	const char		*folded;
	enum identifier_kind	 kind;
} asset_fields[] = {
	{ "macaddress",	IDENTIFIER_MAC },
	{ "udid",	IDENTIFIER_UDID },
	{ "imei",	IDENTIFIER_IMEI },
};

/* Model names that tell the platform when the type label does not. */
static const struct {
	const char	*prefix;
	enum platform	 platform;
} model_platforms[] = {
	{ "MacBook",	PLATFORM_MAC },
	{ "iMac",	PLATFORM_MAC },
	{ "Mac mini",	PLATFORM_MAC },
	{ "Mac Studio",	PLATFORM_MAC },
	{ "Mac Pro",	PLATFORM_MAC },
	{ "iPhone",	PLATFORM_IOS },
	{ "iPad",	PLATFORM_IOS },
	{ "Chromebook",	PLATFORM_CHROMEOS },
};

/*
 * Fold a base name for comparison: lower case without spaces, dashes and
 * underscores, so "MAC Address", "mac_address" and "U_D_I_D" all match.
 */
static void
fold_base_name(const char *name, char *out, size_t outlen)
{
	size_t	 n = 0;

	for (; *name != '\0' && n + 1 < outlen; name++)
		if (*name != ' ' && *name != '_' && *name != '-' &&
		    *name != '\t')
			out[n++] = (char)tolower((unsigned char)*name);
	out[n] = '\0';
}

static void
read_fields(struct device_record *rec, struct json_object *asset)
{
	struct json_object	*fields, *field;
	char			 folded[BASE_NAME_MAX];
	char			*name, *value;
	size_t			 i, j, n;

	if ((fields = json_answer_array(asset, "fields")) == NULL)
		return;
	n = json_object_array_length(fields);
	for (i = 0; i < n; i++) {
		field = json_object_array_get_idx(fields, i);
		if ((name = json_answer_string(field, "base_name")) == NULL)
			continue;
		fold_base_name(name, folded, sizeof(folded));
		free(name);
		for (j = 0; j < NELEM(asset_fields); j++) {
			if (strcmp(folded, asset_fields[j].folded) != 0)
				continue;
			value = json_answer_string(field, "value");
			if (asset_fields[j].kind == IDENTIFIER_MAC)
				record_add_mac_text(rec, value);
			else
				record_set_identifier(rec,
				    asset_fields[j].kind, value);
			free(value);
		}
	}
}

/* The asset id as text: a JSON integer or a non-empty string. */
static void
set_source_id(struct device_record *rec, struct json_object *asset)
{
	struct json_object	*id;
	struct buf		 text = BUF_INIT;
	char			*s;

	if (json_object_object_get_ex(asset, "id", &id) &&
	    json_object_is_type(id, json_type_int)) {
		buf_printf(&text, "%lld", (long long)json_object_get_int64(id));
		record_set_identifier(rec, IDENTIFIER_SOURCE_ID, text.data);
		buf_free(&text);
		return;
	}
	s = json_answer_string(asset, "id");
	record_set_identifier(rec, IDENTIFIER_SOURCE_ID, s);
	free(s);
}

static enum platform
asset_platform(struct json_object *asset, const char *model)
{
	enum platform	 platform;
	char		*label;
	size_t		 i;

	label = json_answer_string(json_answer_object(asset, "type"),
	    "label_single");
	if (label != NULL && platform_parse(label, &platform) == 0) {
		free(label);
		return platform;
	}
	free(label);
	for (i = 0; model != NULL && i < NELEM(model_platforms); i++)
		if (strncasecmp(model, model_platforms[i].prefix,
		    strlen(model_platforms[i].prefix)) == 0)
			return model_platforms[i].platform;
	return PLATFORM_UNKNOWN;
}

int
bitfit_asset_to_record(struct json_object *asset, struct device_record *rec)
{
	char	*serial;

	if (!json_object_is_type(asset, json_type_object))
		return -1;
	rec->source = xstrdup(BITFIT_SOURCE_NAME);
	rec->name = json_answer_text(asset, "name");
	rec->model = json_answer_text(asset, "model");
	rec->platform = asset_platform(asset, rec->model);

	serial = json_answer_string(asset, "serial_number");
	record_set_identifier(rec, IDENTIFIER_SERIAL, serial);
	free(serial);
	set_source_id(rec, asset);
	read_fields(rec, asset);
	return 0;
}

int
bitfit_user_matches(struct json_object *user, const char *email)
{
	char	*found;
	int	 match;

	if ((found = json_answer_string(user, "email")) == NULL)
		return 0;
	match = strcasecmp(found, email) == 0;
	free(found);
	return match;
}
