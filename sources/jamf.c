/*
 * The JAMF lookups: a bearer token (cached in the worker's fetcher), the
 * listings that find a person's computers, then one request per computer.
 * Every request of one start() call belongs to a job, which is freed when
 * its last request has ended.
 */

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "buf.h"
#include "device.h"
#include "fetch.h"
#include "html.h"
#include "jamf_internal.h"
#include "log.h"
#include "rfc3339.h"
#include "source.h"
#include "source_jamf.h"
#include "upstream_answer.h"
#include "xalloc.h"

#define TOKEN_MAX_BYTES		8192
#define TOKEN_JSON_MAX_DEPTH	8

enum call_kind {
	CALL_TOKEN,
	CALL_LISTING,		/* /users/email or /computers/match */
	CALL_COMPUTER,		/* one computer document */
	CALL__MAX
};

struct jamf_call;

struct jamf_job {
	const struct jamf	*jamf;
	struct lookup		*lookup;
	enum lookup_kind	 kind;
	char			*value;
	char			*token;		/* bearer token in use; wiped */
	int			 generation;	/* counts tokens received */
	int			 pending;	/* calls not yet finished */
	int			 listings;	/* listing calls not yet finished */
	int			 token_pending;
	int			 token_renewed;	/* after a 401; only once */
	struct jamf_call	**parked;	/* 401 answers waiting for a token */
	size_t			 parked_count;
	char			**ids;		/* computers found by listings */
	size_t			 id_count;
};

struct jamf_call {
	struct fetch_request	 req;
	struct jamf_job		*job;
	enum call_kind		 kind;
	int			 generation;	/* of the token it was sent with */
	char			*url;
	char			*authorization;	/* header line; wiped */
	const char		*headers[3];
	char			*body;		/* POST body; wiped */
};

static const struct upstream_labels xml_labels = {
	"JAMF", "XML", "the API credentials",
};
static const struct upstream_labels token_labels = {
	"JAMF", "JSON", "the API credentials",
};

static void	call_done(struct fetcher *f, struct fetch_request *req);
static void	send_token_request(struct jamf_job *job);

/* ---- jobs and calls ------------------------------------------------------ */

static void
wipe_free(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

static void
job_free(struct jamf_job *job)
{
	size_t	 i;

	for (i = 0; i < job->id_count; i++)
		free(job->ids[i]);
	free(job->ids);
	free(job->parked);
	wipe_free(job->token);
	free(job->value);
	free(job);
}

/* End a call that will not be sent again, and its job after the last. */
static void
call_finish(struct jamf_call *call)
{
	struct jamf_job	*job = call->job;

	fetch_request_clear(&call->req);
	wipe_free(call->authorization);
	wipe_free(call->body);
	free(call->url);
	free(call);
	if (--job->pending == 0)
		job_free(job);
}

static struct jamf_call *
call_new(struct jamf_job *job, enum call_kind kind, char *url)
{
	struct jamf_call	*call;

	call = xcalloc(1, sizeof(*call));
	call->job = job;
	call->kind = kind;
	call->url = url;
	fetch_request_init(&call->req);
	call->req.source = JAMF_SOURCE_NAME;
	call->req.method = FETCH_GET;
	call->req.url = url;
	call->req.timeout_ms = job->jamf->timeout_ms;
	call->req.max_response_bytes = job->jamf->max_response_bytes;
	call->req.done = call_done;
	call->req.arg = call;
	job->pending++;
	return call;
}

/* Record a failure once per lookup, and drop repeats of the same text. */
static void
report(struct jamf_job *job, const char *message)
{
	struct lookup	*lookup = job->lookup;
	size_t		 i;

	for (i = 0; i < lookup->error_count; i++)
		if (strcmp(lookup->errors[i].source, JAMF_SOURCE_NAME) == 0 &&
		    strcmp(lookup->errors[i].message, message) == 0)
			return;
	lookup_add_error(lookup, JAMF_SOURCE_NAME, "%s", message);
}

/* Add call to the fetcher, with the job's current token for API calls. */
static void
call_send(struct jamf_call *call)
{
	struct jamf_job	*job = call->job;
	struct buf	 header = BUF_INIT;
	size_t		 n = 0;

	if (call->kind != CALL_TOKEN) {
		wipe_free(call->authorization);
		buf_printf(&header, "Authorization: Bearer %s", job->token);
		call->authorization = buf_detach(&header);
		call->generation = job->generation;
		call->headers[n++] = "Accept: application/xml";
		call->headers[n++] = call->authorization;
		call->headers[n] = NULL;
		call->req.headers = call->headers;
	}
	if (fetch_add(job->lookup->fetcher, &call->req) != 0) {
		report(job, "cannot start a request to JAMF");
		call_finish(call);
	}
}

/* ---- data requests ------------------------------------------------------- */

static char *
resource_url(const struct jamf *j, const char *path, const char *value)
{
	struct buf	 url = BUF_INIT;

	buf_printf(&url, "%s%s", j->url, path);
	url_encode(&url, value, strlen(value));
	return buf_detach(&url);
}

static void
send_resource(struct jamf_job *job, enum call_kind kind, const char *path,
    const char *value)
{
	call_send(call_new(job, kind, resource_url(job->jamf, path, value)));
}

/* The first requests of a lookup, once a token is at hand. */
static void
send_lookup(struct jamf_job *job)
{
	int	 users, match;

	switch (job->kind) {
	case LOOKUP_EMAIL:
		users = job->jamf->email_lookup != JAMF_EMAIL_MATCH;
		/* The match resource reads '*' as a wildcard: never send one. */
		match = job->jamf->email_lookup != JAMF_EMAIL_USERS &&
		    strchr(job->value, '*') == NULL;
		job->listings = users + match;
		if (users)
			send_resource(job, CALL_LISTING, "/users/email/",
			    job->value);
		if (match)
			send_resource(job, CALL_LISTING, "/computers/match/",
			    job->value);
		break;
	case LOOKUP_SERIAL:
		send_resource(job, CALL_COMPUTER, "/computers/serialnumber/",
		    job->value);
		break;
	case LOOKUP_MAC:
		send_resource(job, CALL_COMPUTER, "/computers/macaddress/",
		    job->value);
		break;
	case LOOKUP__MAX:
		break;
	}
}

/* After the last listing: fetch every computer it found. */
static void
listing_ended(struct jamf_job *job)
{
	size_t	 i;

	if (--job->listings > 0)
		return;
	for (i = 0; i < job->id_count; i++)
		send_resource(job, CALL_COMPUTER, "/computers/id/",
		    job->ids[i]);
}

static void
fail_call(struct jamf_call *call, const char *message, int log_it)
{
	if (log_it)
		log_warn(JAMF_SOURCE_NAME, "lookup of %s: %s",
		    call->job->value, message);
	report(call->job, message);
}

static void
read_listing(struct jamf_call *call)
{
	struct jamf_job	*job = call->job;
	struct buf	 err = BUF_INIT;

	if (jamf_parse_computer_ids(call->req.body.data, call->req.body.len,
	    &job->ids, &job->id_count, &err) != 0)
		fail_call(call, err.data, 1);
	buf_free(&err);
}

static void
read_computer(struct jamf_call *call)
{
	struct jamf_job		*job = call->job;
	struct device_record	 rec;
	struct buf		 err = BUF_INIT;

	if (jamf_parse_computer(&job->jamf->names, call->req.body.data,
	    call->req.body.len, &rec, &err) != 0)
		fail_call(call, err.data, 1);
	else
		*device_list_add(&job->lookup->records) = rec;
	buf_free(&err);
}

/*
 * A 401 on an API call usually means the cached token expired early or
 * was revoked. The call then waits for a new token, which each job fetches
 * at most once. A call sent with an older token than the job now has is
 * sent again at once. Returns 1 when the call was kept for another attempt.
 */
static int
retry_after_401(struct jamf_call *call)
{
	struct jamf_job	*job = call->job;

	if (call->generation < job->generation) {
		call_send(call);
		return 1;
	}
	if (job->token_renewed && !job->token_pending)
		return 0;

	job->parked = xrealloc(job->parked,
	    (job->parked_count + 1) * sizeof(job->parked[0]));
	job->parked[job->parked_count++] = call;
	if (!job->token_renewed) {
		job->token_renewed = 1;
		fetch_token_invalidate(job->lookup->fetcher,
		    job->jamf->token_key);
		send_token_request(job);
	}
	return 1;
}

static void
data_done(struct jamf_call *call)
{
	struct fetch_request	*req = &call->req;
	struct buf		 message = BUF_INIT;
	int			 listing = call->kind == CALL_LISTING;

	if (req->error == FETCH_ERR_HTTP_STATUS && req->status == 401 &&
	    retry_after_401(call))
		return;

	if (req->error == FETCH_ERR_HTTP_STATUS && req->status == 404) {
		/*
		 * JAMF's "not found": no such user or computer.
		 * NOTE: a url setting that points at the wrong path also
		 * gets 404, so it looks like "no devices", not an error.
		 */
		if (!listing)
			log_debug(JAMF_SOURCE_NAME, "lookup of %s: a computer "
			    "was not found", call->job->value);
	} else if (upstream_answer_usable(req, &xml_labels, &message)) {
		if (listing)
			read_listing(call);
		else
			read_computer(call);
	} else
		fail_call(call, message.data, req->error == FETCH_OK);
	buf_free(&message);

	if (listing)
		listing_ended(call->job);
	call_finish(call);
}

/* ---- the token ----------------------------------------------------------- */

static int
token_usable(const char *token)
{
	size_t	 i, len = strlen(token);

	if (len == 0 || len > TOKEN_MAX_BYTES)
		return 0;
	for (i = 0; i < len; i++)
		if (token[i] <= 0x20 || token[i] >= 0x7f)
			return 0;
	return 1;
}

/*
 * Read the token and its lifetime in seconds from either response form:
 * {"token", "expires"} from /api/v1/auth/token or {"access_token",
 * "expires_in"} from /api/oauth/token. A lifetime that cannot be read is
 * 0, so the token serves this lookup without being cached.
 */
static char *
parse_token(const struct fetch_request *req, long *lifetime_s)
{
	struct json_tokener	*tok;
	json_object		*root, *value;
	const char		*token = NULL;
	char			*copy = NULL;
	time_t			 expires;

	*lifetime_s = 0;
	if ((tok = json_tokener_new_ex(TOKEN_JSON_MAX_DEPTH)) == NULL)
		return NULL;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
	    JSON_TOKENER_VALIDATE_UTF8);
	root = json_tokener_parse_ex(tok, req->body.data != NULL ?
	    req->body.data : "", (int)req->body.len);
	if (root == NULL || json_tokener_get_parse_end(tok) != req->body.len ||
	    !json_object_is_type(root, json_type_object))
		goto out;

	if (json_object_object_get_ex(root, "token", &value) &&
	    json_object_is_type(value, json_type_string)) {
		token = json_object_get_string(value);
		if (json_object_object_get_ex(root, "expires", &value) &&
		    json_object_is_type(value, json_type_string) &&
		    rfc3339_parse(json_object_get_string(value), &expires) == 0)
			*lifetime_s = (long)(expires - time(NULL));
	} else if (json_object_object_get_ex(root, "access_token", &value) &&
	    json_object_is_type(value, json_type_string)) {
		token = json_object_get_string(value);
		if (json_object_object_get_ex(root, "expires_in", &value) &&
		    json_object_is_type(value, json_type_int))
			*lifetime_s = (long)json_object_get_int64(value);
	}
	if (token != NULL && token_usable(token))
		copy = xstrdup(token);

out:
	json_object_put(root);
	json_tokener_free(tok);
	return copy;
}

static void
token_failed(struct jamf_job *job, const char *message)
{
	size_t	 i;

	report(job, message);
	for (i = 0; i < job->parked_count; i++) {
		if (job->parked[i]->kind == CALL_LISTING)
			job->listings--;
		call_finish(job->parked[i]);
	}
	job->parked_count = 0;
}

static void
token_done(struct jamf_call *call)
{
	struct jamf_job		*job = call->job;
	struct jamf_call	**parked;
	struct buf		 message = BUF_INIT;
	size_t			 i, count;
	long			 lifetime;
	char			*token = NULL;

	job->token_pending = 0;
	if (!upstream_answer_usable(&call->req, &token_labels, &message)) {
		token_failed(job, message.data);
		goto out;
	}
	if ((token = parse_token(&call->req, &lifetime)) == NULL) {
		log_warn(JAMF_SOURCE_NAME, "the token response contains no "
		    "usable token");
		token_failed(job, "the JAMF token response contains no usable "
		    "token");
		goto out;
	}

	/* fetch_token_put refuses lifetimes within the renewal margin. */
	(void)fetch_token_put(job->lookup->fetcher, job->jamf->token_key,
	    token, lifetime);
	wipe_free(job->token);
	job->token = token;
	job->generation++;

	parked = job->parked;
	count = job->parked_count;
	job->parked = NULL;
	job->parked_count = 0;
	if (count == 0)
		send_lookup(job);
	for (i = 0; i < count; i++)
		call_send(parked[i]);
	free(parked);

out:
	buf_free(&message);
	call_finish(call);
}

static void
send_token_request(struct jamf_job *job)
{
	const struct jamf	*j = job->jamf;
	struct jamf_call	*call;
	struct buf		 url = BUF_INIT, body = BUF_INIT;

	job->token_pending = 1;
	if (j->username != NULL) {
		buf_printf(&url, "%s/api/v1/auth/token", j->api_url);
		call = call_new(job, CALL_TOKEN, buf_detach(&url));
		call->req.auth = FETCH_AUTH_BASIC;
		call->req.auth_user = j->username;
		call->req.auth_password = j->password;
		call->headers[0] = "Accept: application/json";
	} else {
		buf_printf(&url, "%s/api/oauth/token", j->api_url);
		call = call_new(job, CALL_TOKEN, buf_detach(&url));
		buf_puts(&body, "grant_type=client_credentials&client_id=");
		url_encode(&body, j->client_id, strlen(j->client_id));
		buf_puts(&body, "&client_secret=");
		url_encode(&body, j->client_secret, strlen(j->client_secret));
		call->req.post_data_len = body.len;
		call->body = buf_detach(&body);
		call->req.post_data = call->body;
		call->headers[0] = "Accept: application/json";
		call->headers[1] =
		    "Content-Type: application/x-www-form-urlencoded";
	}
	call->req.method = FETCH_POST;
	call->req.headers = call->headers;
	call_send(call);
}

static void
call_done(struct fetcher *f, struct fetch_request *req)
{
	struct jamf_call	*call = req->arg;

	(void)f;
	if (call->kind == CALL_TOKEN)
		token_done(call);
	else
		data_done(call);
}

/* ---- the source ---------------------------------------------------------- */

static void
jamf_start(void *state, struct lookup *lookup, enum lookup_kind kind,
    const char *value)
{
	const struct jamf	*j = state;
	struct jamf_job		*job;
	const char		*token;

	if (value == NULL || value[0] == '\0' || (unsigned)kind >= LOOKUP__MAX)
		return;
	fetcher_set_source_limit(lookup->fetcher, JAMF_SOURCE_NAME,
	    (int)j->max_connections);

	job = xcalloc(1, sizeof(*job));
	job->jamf = j;
	job->lookup = lookup;
	job->kind = kind;
	job->value = xstrdup(value);

	/*
	 * The job lives while it has calls. One placeholder reference keeps
	 * it alive until the first calls are added.
	 */
	job->pending = 1;
	if ((token = fetch_token_get(lookup->fetcher, j->token_key)) != NULL) {
		job->token = xstrdup(token);
		job->generation = 1;
		send_lookup(job);
	} else
		send_token_request(job);
	if (--job->pending == 0)
		job_free(job);
}

const struct source_ops jamf_source = {
	.name = JAMF_SOURCE_NAME,
	.lookups = SOURCE_SUPPORTS(LOOKUP_EMAIL) |
	    SOURCE_SUPPORTS(LOOKUP_SERIAL) | SOURCE_SUPPORTS(LOOKUP_MAC),
	.ownership = 0,
	.configure = jamf_configure,
	.free = jamf_free,
	.start = jamf_start,
};
