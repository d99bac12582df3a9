/*
 * The bitFit lookups: the users whose email is the person's, their assets,
 * then each asset's details. Every request of one start() call belongs to
 * a job, which is freed when its last request has ended.
 *
 * Each URL carries the API token in its query string. So URLs are wiped
 * when freed and never logged here, and the fetch layer logs them without
 * the query string.
 */

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "bitfit_internal.h"
#include "buf.h"
#include "device.h"
#include "fetch.h"
#include "html.h"
#include "json_answer.h"
#include "log.h"
#include "record_fill.h"
#include "source.h"
#include "source_bitfit.h"
#include "xalloc.h"

/*
 * Limits against a response that lists far more than a person owns.
 * NOTE: the assets of one user are read from one response. If bitFit pages
 * long lists, the later pages are not requested.
 */
#define MAX_USERS		10
#define MAX_ASSETS		200
#define MAX_ID_BYTES		64

enum call_kind {
	CALL_USERS,		/* users?search= */
	CALL_ASSETS,		/* users/{id}/assets */
	CALL_ASSET,		/* assets/{id} */
	CALL__MAX
};

struct bitfit_job {
	const struct bitfit	*bitfit;
	struct lookup		*lookup;
	char			*email;		/* lower-cased */
	int			 pending;	/* calls not yet finished */
};

struct bitfit_call {
	struct fetch_request	 req;
	struct bitfit_job	*job;
	enum call_kind		 kind;
	char			*id;		/* of the user or asset */
	char			*url;		/* contains the token; wiped */
	const char		*headers[2];
	struct device_record	 summary;	/* CALL_ASSET: from the list */
};

static void	call_done(struct fetcher *f, struct fetch_request *req);

/* ---- jobs and calls ------------------------------------------------------- */

static void
wipe_free(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

static void
call_finish(struct bitfit_call *call)
{
	struct bitfit_job	*job = call->job;

	fetch_request_clear(&call->req);
	device_record_free(&call->summary);
	wipe_free(call->url);
	free(call->id);
	free(call);
	if (--job->pending == 0) {
		free(job->email);
		free(job);
	}
}

/*
 * Record a failure once per lookup and log it. A message that somehow
 * contains the API token is replaced, so the token can never reach a page.
 */
static void
report(struct bitfit_job *job, const char *message)
{
	struct lookup	*lookup = job->lookup;
	size_t		 i;

	if (strstr(message, job->bitfit->api_token) != NULL)
		message = "a request to bitFit failed (details withheld: they "
		    "contained the API token)";
	for (i = 0; i < lookup->error_count; i++)
		if (strcmp(lookup->errors[i].source, BITFIT_SOURCE_NAME) == 0 &&
		    strcmp(lookup->errors[i].message, message) == 0)
			return;
	log_warn(BITFIT_SOURCE_NAME, "lookup of %s: %s", job->email, message);
	lookup_add_error(lookup, BITFIT_SOURCE_NAME, "%s", message);
}

/* Append a finished record, owned by the person looked up. */
static void
add_record(struct bitfit_job *job, struct device_record *rec)
{
	struct device_record	*added;

	record_set_email(rec, job->email);
	added = device_list_add(&job->lookup->records);
	*added = *rec;
	memset(rec, 0, sizeof(*rec));
	if (job->lookup->owned != NULL)
		job->lookup->owned(job->lookup, added);
}

/*
 * Start a call for path, with query (which may be NULL) before the token.
 * The call takes id. Returns the call, or NULL when it could not be added.
 */
static struct bitfit_call *
call_send(struct bitfit_job *job, enum call_kind kind, char *id,
    const char *path, const char *query)
{
	const struct bitfit	*b = job->bitfit;
	struct bitfit_call	*call;
	struct buf		 url = BUF_INIT;

	buf_printf(&url, "%s/%s?", b->url, path);
	if (query != NULL)
		buf_printf(&url, "%s&", query);
	buf_puts(&url, "api_token=");
	url_encode(&url, b->api_token, strlen(b->api_token));

	call = xcalloc(1, sizeof(*call));
	call->job = job;
	call->kind = kind;
	call->id = id;
	call->url = buf_detach(&url);
	fetch_request_init(&call->req);
	call->req.source = BITFIT_SOURCE_NAME;
	call->req.method = FETCH_GET;
	call->req.url = call->url;
	call->headers[0] = "Accept: application/json";
	call->headers[1] = NULL;
	call->req.headers = call->headers;
	call->req.timeout_ms = b->timeout_ms;
	call->req.max_response_bytes = b->max_response_bytes;
	call->req.done = call_done;
	call->req.arg = call;
	job->pending++;
	if (fetch_add(job->lookup->fetcher, &call->req) != 0) {
		report(job, "cannot start a request to bitFit");
		call_finish(call);
		return NULL;
	}
	return call;
}

/* The id of a user or asset as text for a path, or NULL when unusable. */
static char *
id_text(struct json_object *obj)
{
	struct json_object	*id;
	struct buf		 text = BUF_INIT;
	char			*s;

	if (json_object_object_get_ex(obj, "id", &id) &&
	    json_object_is_type(id, json_type_int)) {
		buf_printf(&text, "%lld", (long long)json_object_get_int64(id));
		return buf_detach(&text);
	}
	if ((s = json_answer_string(obj, "id")) == NULL)
		return NULL;
	if (strlen(s) > MAX_ID_BYTES || strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != strlen(s)) {
		free(s);
		return NULL;
	}
	return s;
}

/*
 * Parse a usable response and return its member key of type type, lent by
 * *root. Returns NULL after reporting why not. *root may need a put even
 * then.
 */
static struct json_object *
answer_member(struct bitfit_call *call, struct json_object **root,
    const char *key, enum json_type type)
{
	struct json_object	*value = NULL;
	struct buf		 why = BUF_INIT;

	*root = NULL;
	if (bitfit_failure_message(&call->req, &why) == 0 &&
	    (*root = json_answer_parse_text(call->req.body.data,
	    call->req.body.len, &why)) != NULL) {
		if (!json_object_is_type(*root, json_type_object)) {
			report(call->job, "unexpected JSON from bitFit: "
			    "expected an object");
			buf_free(&why);
			return NULL;
		}
		if (json_object_object_get_ex(*root, key, &value) &&
		    json_object_is_type(value, type))
			return value;
		if (value == NULL && type == json_type_array)
			return NULL;	/* no list: nothing found */
		buf_printf(&why, "unexpected JSON from bitFit: expected %s "
		    "\"%s\"", type == json_type_array ? "a list" :
		    "an object", key);
	}
	report(call->job, why.data);
	buf_free(&why);
	return NULL;
}

/* ---- the three stages ----------------------------------------------------- */

static void
users_done(struct bitfit_call *call)
{
	struct bitfit_job	*job = call->job;
	struct json_object	*root, *items, *user;
	struct buf		 path = BUF_INIT;
	size_t			 i, n, matched = 0;
	char			*id;

	if ((items = answer_member(call, &root, "items", json_type_array)) ==
	    NULL)
		goto out;
	n = json_object_array_length(items);
	for (i = 0; i < n && matched < MAX_USERS; i++) {
		user = json_object_array_get_idx(items, i);
		if (!bitfit_user_matches(user, job->email))
			continue;
		if ((id = id_text(user)) == NULL) {
			log_info(BITFIT_SOURCE_NAME, "lookup of %s: a matching "
			    "user has no usable id", job->email);
			continue;
		}
		matched++;
		buf_reset(&path);
		buf_puts(&path, "users/");
		url_encode(&path, id, strlen(id));
		buf_puts(&path, "/assets");
		call_send(job, CALL_ASSETS, id, path.data, NULL);
	}
	log_debug(BITFIT_SOURCE_NAME, "lookup of %s: %zu of %zu users found "
	    "by the search have that email", job->email, matched, n);
out:
	json_object_put(root);
	buf_free(&path);
}

static void
assets_done(struct bitfit_call *call)
{
	struct bitfit_job	*job = call->job;
	struct bitfit_call	*detail;
	struct json_object	*root, *items, *asset;
	struct device_record	 summary;
	struct buf		 path = BUF_INIT;
	size_t			 i, n;
	char			*id;

	if ((items = answer_member(call, &root, "items", json_type_array)) ==
	    NULL)
		goto out;
	n = json_object_array_length(items);
	if (n > MAX_ASSETS) {
		log_warn(BITFIT_SOURCE_NAME, "lookup of %s: user %s lists %zu "
		    "assets; only the first %d are read", job->email, call->id,
		    n, MAX_ASSETS);
		n = MAX_ASSETS;
	}
	for (i = 0; i < n; i++) {
		asset = json_object_array_get_idx(items, i);
		memset(&summary, 0, sizeof(summary));
		if (bitfit_asset_to_record(asset, &summary) != 0)
			continue;
		if ((id = id_text(asset)) == NULL) {
			/* No id to ask about: the list entry is all there is. */
			add_record(job, &summary);
			continue;
		}
		buf_reset(&path);
		buf_puts(&path, "assets/");
		url_encode(&path, id, strlen(id));
		if ((detail = call_send(job, CALL_ASSET, id, path.data,
		    NULL)) != NULL)
			detail->summary = summary;
		else
			device_record_free(&summary);
	}
out:
	json_object_put(root);
	buf_free(&path);
}

static void
asset_done(struct bitfit_call *call)
{
	struct bitfit_job	*job = call->job;
	struct json_object	*root, *item;
	struct device_record	 rec = { 0 };

	if (call->req.error == FETCH_ERR_HTTP_STATUS &&
	    call->req.status == 404) {
		log_info(BITFIT_SOURCE_NAME, "lookup of %s: asset %s is listed "
		    "but no longer exists", job->email, call->id);
		return;
	}
	item = answer_member(call, &root, "item", json_type_object);
	if (item != NULL && bitfit_asset_to_record(item, &rec) == 0)
		add_record(job, &rec);
	else
		/* The list entry still shows that the person owns the asset. */
		add_record(job, &call->summary);
	json_object_put(root);
}

static void
call_done(struct fetcher *f, struct fetch_request *req)
{
	struct bitfit_call	*call = req->arg;

	(void)f;
	switch (call->kind) {
	case CALL_USERS:
		users_done(call);
		break;
	case CALL_ASSETS:
		assets_done(call);
		break;
	case CALL_ASSET:
		asset_done(call);
		break;
	case CALL__MAX:
		break;
	}
	call_finish(call);
}

void
bitfit_start(void *state, struct lookup *lookup, enum lookup_kind kind,
    const char *value)
{
	const struct bitfit	*b = state;
	struct bitfit_job	*job;
	struct buf		 query = BUF_INIT;
	char			*p;

	if (kind != LOOKUP_EMAIL || value == NULL || value[0] == '\0')
		return;
	fetcher_set_source_limit(lookup->fetcher, BITFIT_SOURCE_NAME,
	    (int)b->max_connections);

	job = xcalloc(1, sizeof(*job));
	job->bitfit = b;
	job->lookup = lookup;
	job->email = xstrdup(value);
	for (p = job->email; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);

	/* One reference for this function, so the job outlives a failed add. */
	job->pending++;
	buf_puts(&query, "search=");
	url_encode(&query, job->email, strlen(job->email));
	call_send(job, CALL_USERS, NULL, "users", query.data);
	buf_free(&query);
	if (--job->pending == 0) {
		free(job->email);
		free(job);
	}
}
