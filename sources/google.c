/*
 * The Google source: its settings, its entry in the source table, and the
 * words for its failures. The lookups are in google_lookup.c.
 */

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "buf.h"
#include "diag.h"
#include "fetch.h"
#include "google_internal.h"
#include "json_answer.h"
#include "source.h"
#include "source_google.h"
#include "source_settings.h"
#include "upstream_answer.h"
#include "xalloc.h"
#include "yaml_tree.h"

#define FIELD(f)	offsetof(struct google, f)
#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* OAuth error codes are short words. Longer text is not shown. */
#define OAUTH_ERROR_MAX		40

const struct upstream_labels google_labels = {
	"Google", "JSON", "the service account and domain-wide delegation",
};

static const struct source_setting google_settings[] = {
	{ .name = "url", .type = SOURCE_SETTING_URL, .offset = FIELD(url) },
	{ .name = "key_file", .type = SOURCE_SETTING_STRING,
	  .offset = FIELD(key_file) },
	{ .name = "subject", .type = SOURCE_SETTING_STRING,
	  .offset = FIELD(subject) },
	{ .name = "token_uri", .type = SOURCE_SETTING_URL,
	  .offset = FIELD(token_uri) },
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
google_free(void *state)
{
	struct google	*g = state;

	if (g == NULL)
		return;
	source_settings_free(google_settings, NELEM(google_settings), g);
	google_key_free(g->key);
	free(g->token_key);
	free(g);
}

/* Return path resolved against the directory of the config file. */
static char *
resolve_path(const char *config_file, const char *path)
{
	const char	*slash;
	struct buf	 b = BUF_INIT;

	if (path[0] == '/' || config_file == NULL ||
	    (slash = strrchr(config_file, '/')) == NULL)
		return xstrdup(path);
	buf_append(&b, config_file, (size_t)(slash - config_file) + 1);
	buf_puts(&b, path);
	return buf_detach(&b);
}

static int
plausible_email(const char *s)
{
	const char	*at = strchr(s, '@');

	return at != NULL && at != s && at[1] != '\0' &&
	    strchr(at + 1, '@') == NULL && strpbrk(s, " \t") == NULL;
}

/* Check the required settings and load the key file they name. */
static void
check_account(struct google *g, const char *file,
    const struct ynode *settings, struct diag_list *diags)
{
	struct buf	 why = BUF_INIT;
	char		*path;

	if (g->subject == NULL && ynode_get(settings, "subject") == NULL)
		source_settings_report(diags, file, GOOGLE_SOURCE_NAME, NULL,
		    settings, "missing subject, the email of the admin that "
		    "the service account acts as");
	else if (g->subject != NULL && !plausible_email(g->subject))
		source_settings_report(diags, file, GOOGLE_SOURCE_NAME,
		    "subject", ynode_get(settings, "subject"), "expected the "
		    "email address of an admin, such as it-admin@example.com");

	if (g->key_file == NULL) {
		if (ynode_get(settings, "key_file") == NULL)
			source_settings_report(diags, file, GOOGLE_SOURCE_NAME,
			    NULL, settings, "missing key_file, the service "
			    "account's JSON key from the Google console");
		return;
	}
	path = resolve_path(file, g->key_file);
	g->key = google_key_load(path, g->token_uri, &why);
	if (g->key == NULL)
		source_settings_report(diags, file, GOOGLE_SOURCE_NAME,
		    "key_file", ynode_get(settings, "key_file"), "%s",
		    why.data);
	buf_free(&why);
	free(path);
}

static void *
google_configure(const char *file, const struct ynode *settings,
    struct diag_list *diags)
{
	struct google	*g;
	struct buf	 key = BUF_INIT;
	size_t		 errors = diags->count;

	g = xcalloc(1, sizeof(*g));
	g->url = xstrdup(GOOGLE_DEFAULT_URL);
	g->timeout_ms = GOOGLE_DEFAULT_TIMEOUT_MS;
	g->max_connections = GOOGLE_DEFAULT_MAX_CONNECTIONS;
	(void)source_settings_apply(file, GOOGLE_SOURCE_NAME, settings,
	    google_settings, NELEM(google_settings), g, diags);
	if (settings != NULL && settings->kind == YNODE_MAPPING)
		check_account(g, file, settings, diags);
	if (diags->count > errors) {
		google_free(g);
		return NULL;
	}

	/* One token per account, admin and scopes. The key contains no secret. */
	buf_printf(&key, "google %s %s %s", google_key_client_email(g->key),
	    g->subject, GOOGLE_SCOPES);
	g->token_key = buf_detach(&key);
	return g;
}

const struct source_ops google_source = {
	.name = GOOGLE_SOURCE_NAME,
	.lookups = SOURCE_SUPPORTS(LOOKUP_EMAIL),
	.ownership = 0,
	.configure = google_configure,
	.free = google_free,
	.start = google_start,
};

/* ---- failures -------------------------------------------------------------- */

static const char *const quota_reasons[] = {
	"userRateLimitExceeded",
	"rateLimitExceeded",
	"quotaExceeded",
};

/* Return 1 when body is Google's JSON error naming a quota reason. */
static int
names_quota_reason(const struct fetch_request *req)
{
	struct json_object	*root, *error, *errors;
	struct buf		 why = BUF_INIT;
	char			*reason;
	size_t			 i, j, n;
	int			 found = 0;

	if (req->body.len == 0)
		return 0;
	root = json_answer_parse_text(req->body.data, req->body.len, &why);
	buf_free(&why);
	error = json_answer_object(root, "error");
	errors = json_answer_array(error, "errors");
	n = errors != NULL ? json_object_array_length(errors) : 0;
	for (i = 0; i < n && !found; i++) {
		reason = json_answer_string(json_object_array_get_idx(errors,
		    i), "reason");
		for (j = 0; reason != NULL && j < NELEM(quota_reasons); j++)
			if (strcmp(reason, quota_reasons[j]) == 0)
				found = 1;
		free(reason);
	}
	json_object_put(root);
	return found;
}

int
google_retry_if_quota(const struct fetch_request *req)
{
	return req->status == 403 && names_quota_reason(req);
}

/*
 * Return 1 when req ended over Google's quota: a 429, a 403 naming a
 * quota reason, or either one still waiting for its retry at the deadline
 * (the fetch layer empties the body then, but only retries quota errors).
 */
static int
over_quota(const struct fetch_request *req)
{
	if (req->status != 403 && req->status != 429)
		return 0;
	if (req->error == FETCH_ERR_DEADLINE)
		return strstr(req->error_message, "waiting to retry") != NULL;
	if (req->error != FETCH_ERR_HTTP_STATUS)
		return 0;
	return req->status == 429 || names_quota_reason(req);
}

/*
 * Append the OAuth error code of a token endpoint's JSON response, such as
 * "invalid_grant", when it is a short word. Returns 1 when one was added.
 */
static int
append_oauth_error(const struct fetch_request *req, struct buf *out)
{
	struct json_object	*root;
	struct buf		 why = BUF_INIT;
	char			*code;
	int			 added = 0;

	root = json_answer_parse_text(req->body.data != NULL ?
	    req->body.data : "", req->body.len, &why);
	buf_free(&why);
	code = json_answer_string(root, "error");
	if (code != NULL && strlen(code) <= OAUTH_ERROR_MAX &&
	    strspn(code, "abcdefghijklmnopqrstuvwxyz_") == strlen(code)) {
		buf_puts(out, code);
		added = 1;
	}
	free(code);
	json_object_put(root);
	return added;
}

int
google_failure_message(const struct fetch_request *req, int token,
    struct buf *out)
{
	if (req->error == FETCH_OK && req->status >= 200 &&
	    req->status <= 299 && !upstream_answer_is_html(req))
		return 0;

	if (!token && over_quota(req)) {
		if (req->error == FETCH_ERR_HTTP_STATUS &&
		    strstr(req->error_message, "gave up after") != NULL)
			buf_printf(out, "Google quota exceeded; gave up after "
			    "%d attempts", req->attempts);
		else
			buf_puts(out, "Google quota exceeded; retried until "
			    "the deadline");
		return 1;
	}

	if (token && req->error == FETCH_ERR_HTTP_STATUS &&
	    req->status == 400) {
		buf_puts(out, "Google refused the service-account token (");
		if (!append_oauth_error(req, out))
			buf_puts(out, "HTTP 400");
		buf_puts(out, "): check key_file, subject and the clock of "
		    "this server");
		return 1;
	}

	upstream_failure_message(req, &google_labels, out);
	if (req->error == FETCH_ERR_TOO_LARGE)
		buf_puts(out, "; raise max_response_bytes if Google's responses "
		    "are that large");
	return 1;
}
