/*
 * The Google lookups: an access token (cached in the worker's fetcher per
 * account, admin and scopes), then the mobile devices and the Chromebooks
 * of one person, both listed in parallel and page by page. Every request
 * of one start() call belongs to a job, which is freed when its last
 * request has ended.
 */

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "buf.h"
#include "device.h"
#include "fetch.h"
#include "google_internal.h"
#include "html.h"
#include "json_answer.h"
#include "log.h"
#include "source.h"
#include "source_google.h"
#include "xalloc.h"

/*
 * Pages followed per listing. A person has a handful of devices, so this
 * only stops a response that hands out page tokens forever.
 */
#define MAX_PAGES		50

static const char grant_prefix[] =
    "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer"
    "&assertion=";

/* The two listings of a person's devices. */
static const struct listing {
	const char	*what;		/* for messages */
	const char	*path;		/* under the base URL */
	const char	*query;		/* search term before the email */
	const char	*list_key;	/* the array in the response */
	int		 max_results;	/* the documented maximum */
	int		(*belongs)(struct json_object *, const char *);
	int		(*to_record)(struct json_object *,
			    struct device_record *);
} listings[] = {
	{ "mobile devices", "devices/mobile", "email:", "mobiledevices", 100,
	  google_mobile_belongs, google_mobile_to_record },
	{ "Chromebooks", "devices/chromeos", "recent_user:",
	  "chromeosdevices", 300, google_chromeos_belongs,
	  google_chromeos_to_record },
};

struct google_call;

struct google_job {
	const struct google	*google;
	struct lookup		*lookup;
	char			*email;		/* lower-cased */
	char			*token;		/* access token in use; wiped */
	int			 generation;	/* counts tokens received */
	int			 pending;	/* calls not yet finished */
	int			 token_pending;
	int			 token_renewed;	/* after a 401; only once */
	struct google_call	**parked;	/* calls waiting for a token */
	size_t			 parked_count;
};

struct google_call {
	struct fetch_request	 req;
	struct google_job	*job;
	const struct listing	*listing;	/* NULL for the token request */
	int			 generation;	/* of the token it was sent with */
	int			 pages;		/* responses read so far */
	char			*page_token;	/* of the page requested, or NULL */
	char			*url;
	char			*authorization;	/* header line; wiped */
	const char		*headers[3];
	char			*body;		/* POST body; wiped */
};

static void	call_done(struct fetcher *f, struct fetch_request *req);
static void	send_token_request(struct google_job *job);

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
job_free(struct google_job *job)
{
	free(job->parked);
	wipe_free(job->token);
	free(job->email);
	free(job);
}

/* End a call that will not be sent again, and its job after the last. */
static void
call_finish(struct google_call *call)
{
	struct google_job	*job = call->job;

	fetch_request_clear(&call->req);
	wipe_free(call->authorization);
	wipe_free(call->body);
	free(call->page_token);
	free(call->url);
	free(call);
	if (--job->pending == 0)
		job_free(job);
}

static struct google_call *
call_new(struct google_job *job, const struct listing *listing)
{
	struct google_call	*call;

	call = xcalloc(1, sizeof(*call));
	call->job = job;
	call->listing = listing;
	fetch_request_init(&call->req);
	call->req.source = GOOGLE_SOURCE_NAME;
	call->req.method = FETCH_GET;
	call->req.timeout_ms = job->google->timeout_ms;
	call->req.max_response_bytes = job->google->max_response_bytes;
	call->req.done = call_done;
	call->req.arg = call;
	if (listing != NULL)
		call->req.retry_if = google_retry_if_quota;
	job->pending++;
	return call;
}

/* Record and log a failure once per lookup. Repeats are dropped. */
static void
report(struct google_job *job, const char *message)
{
	struct lookup	*lookup = job->lookup;
	size_t		 i;

	for (i = 0; i < lookup->error_count; i++)
		if (strcmp(lookup->errors[i].source, GOOGLE_SOURCE_NAME) == 0 &&
		    strcmp(lookup->errors[i].message, message) == 0)
			return;
	log_warn(GOOGLE_SOURCE_NAME, "lookup of %s: %s", job->email, message);
	lookup_add_error(lookup, GOOGLE_SOURCE_NAME, "%s", message);
}

/* Build the URL of the call's listing page. */
static void
set_listing_url(struct google_call *call)
{
	const struct listing	*l = call->listing;
	struct buf		 url = BUF_INIT, query = BUF_INIT;

	buf_printf(&query, "%s%s", l->query, call->job->email);
	buf_printf(&url, "%s/%s?query=", call->job->google->url, l->path);
	url_encode(&url, query.data, query.len);
	buf_printf(&url, "&projection=FULL&maxResults=%d", l->max_results);
	if (call->page_token != NULL) {
		buf_puts(&url, "&pageToken=");
		url_encode(&url, call->page_token, strlen(call->page_token));
	}
	free(call->url);
	call->url = buf_detach(&url);
	call->req.url = call->url;
	buf_free(&query);
}

/* Add a listing call to the fetcher with the job's current token. */
static void
call_send(struct google_call *call)
{
	struct google_job	*job = call->job;
	struct buf		 header = BUF_INIT;

	wipe_free(call->authorization);
	buf_printf(&header, "Authorization: Bearer %s", job->token);
	call->authorization = buf_detach(&header);
	call->generation = job->generation;
	call->headers[0] = "Accept: application/json";
	call->headers[1] = call->authorization;
	call->headers[2] = NULL;
	call->req.headers = call->headers;
	if (fetch_add(job->lookup->fetcher, &call->req) != 0) {
		report(job, "cannot start a request to Google");
		call_finish(call);
	}
}

static void
park(struct google_job *job, struct google_call *call)
{
	job->parked = xrealloc(job->parked,
	    (job->parked_count + 1) * sizeof(job->parked[0]));
	job->parked[job->parked_count++] = call;
}

/* Send or end every parked call, depending on whether a token came. */
static void
release_parked(struct google_job *job, int send)
{
	struct google_call	**parked = job->parked;
	size_t			  i, n = job->parked_count;

	/* Sending may finish the job, so take the list out of it first. */
	job->parked = NULL;
	job->parked_count = 0;
	job->pending++;
	for (i = 0; i < n; i++) {
		if (send)
			call_send(parked[i]);
		else
			call_finish(parked[i]);
	}
	free(parked);
	if (--job->pending == 0)
		job_free(job);
}

/* ---- the token ------------------------------------------------------------ */

static void
send_token_request(struct google_job *job)
{
	const struct google	*g = job->google;
	struct google_call	*call;
	struct buf		 body = BUF_INIT;
	char			*jwt;

	if ((jwt = google_jwt_build(g->key, g->subject, GOOGLE_SCOPES,
	    time(NULL))) == NULL) {
		report(job, "cannot sign the token request with the service "
		    "account's key");
		release_parked(job, 0);
		return;
	}
	buf_puts(&body, grant_prefix);
	buf_puts(&body, jwt);
	wipe_free(jwt);

	call = call_new(job, NULL);
	call->body = buf_detach(&body);
	call->url = xstrdup(google_key_token_uri(g->key));
	call->req.url = call->url;
	call->req.method = FETCH_POST;
	call->req.post_data = call->body;
	call->req.post_data_len = strlen(call->body);
	call->headers[0] = "Content-Type: application/x-www-form-urlencoded";
	call->headers[1] = "Accept: application/json";
	call->headers[2] = NULL;
	call->req.headers = call->headers;
	job->token_pending = 1;
	if (fetch_add(job->lookup->fetcher, &call->req) != 0) {
		job->token_pending = 0;
		report(job, "cannot start the token request to Google");
		release_parked(job, 0);
		call_finish(call);
	}
}

static void
token_done(struct google_call *call)
{
	struct google_job	*job = call->job;
	struct fetch_request	*req = &call->req;
	struct buf		 why = BUF_INIT;
	char			*token = NULL;
	long			 lifetime_s = 0;

	job->token_pending = 0;
	if (google_failure_message(req, 1, &why) ||
	    google_token_parse(req->body.data, req->body.len, &token,
	    &lifetime_s, &why) != 0) {
		report(job, why.data);
		buf_free(&why);
		release_parked(job, 0);
		call_finish(call);
		return;
	}
	buf_free(&why);

	if (fetch_token_put(job->lookup->fetcher, job->google->token_key,
	    token, lifetime_s) != 0)
		log_info(GOOGLE_SOURCE_NAME, "the access token for %s lasts "
		    "%ld s, too short to cache; it serves this lookup only",
		    job->google->subject, lifetime_s);
	wipe_free(job->token);
	job->token = token;
	job->generation++;
	/* The token call keeps the job alive while the parked calls go out. */
	release_parked(job, 1);
	call_finish(call);
}

/*
 * A 401 on a listing usually means the cached token expired early or was
 * revoked. The call waits for one new token per job, and a call sent with
 * an older token than the job now has is simply sent again. Returns 1 when
 * the call was kept for another attempt.
 */
static int
retry_after_401(struct google_call *call)
{
	struct google_job	*job = call->job;

	if (call->generation < job->generation) {
		call_send(call);
		return 1;
	}
	if (job->token_renewed && !job->token_pending)
		return 0;
	park(job, call);
	if (!job->token_renewed) {
		job->token_renewed = 1;
		fetch_token_invalidate(job->lookup->fetcher,
		    job->google->token_key);
		send_token_request(job);
	}
	return 1;
}

/* ---- listings --------------------------------------------------------------- */

/* Append the records of one page that belong to the person. */
static void
read_devices(struct google_call *call, struct json_object *list)
{
	struct google_job	*job = call->job;
	struct json_object	*device;
	size_t			 i, n = json_object_array_length(list);
	size_t			 skipped = 0, others = 0;

	for (i = 0; i < n; i++) {
		device = json_object_array_get_idx(list, i);
		if (!json_object_is_type(device, json_type_object))
			skipped++;
		else if (!call->listing->belongs(device, job->email))
			others++;
		else
			call->listing->to_record(device,
			    device_list_add(&job->lookup->records));
	}
	if (skipped > 0)
		log_info(GOOGLE_SOURCE_NAME, "lookup of %s: skipped %zu %s "
		    "list entries that are not JSON objects", job->email,
		    skipped, call->listing->list_key);
	if (others > 0)
		log_debug(GOOGLE_SOURCE_NAME, "lookup of %s: left out %zu of "
		    "the %s that belong to someone else", job->email, others,
		    call->listing->what);
}

/*
 * Read one page. Returns 1 when the call was sent again for the next
 * page, 0 when the listing has ended.
 */
static int
read_page(struct google_call *call)
{
	struct google_job	*job = call->job;
	struct json_object	*root, *list, *value;
	struct buf		 why = BUF_INIT;
	char			*next;
	int			 again = 0;

	if ((root = json_answer_parse(&call->req, &google_labels, &why)) ==
	    NULL) {
		report(job, why.data);
		buf_free(&why);
		return 0;
	}
	call->pages++;

	/* Google leaves the list out when nothing matched. */
	list = json_answer_array(root, call->listing->list_key);
	if (list == NULL && json_object_object_get_ex(root,
	    call->listing->list_key, &value) && value != NULL) {
		buf_printf(&why, "unexpected JSON from Google: %s is not a "
		    "list", call->listing->list_key);
		report(job, why.data);
		goto out;
	}
	if (list != NULL)
		read_devices(call, list);

	next = json_answer_string(root, "nextPageToken");
	if (next == NULL)
		goto out;
	if (call->pages >= MAX_PAGES || (call->page_token != NULL &&
	    strcmp(next, call->page_token) == 0)) {
		buf_printf(&why, "Google kept listing %s after %d pages; the "
		    "rest was left out", call->listing->what, call->pages);
		report(job, why.data);
		free(next);
		goto out;
	}
	free(call->page_token);
	call->page_token = next;
	set_listing_url(call);
	call_send(call);
	again = 1;
out:
	json_object_put(root);
	buf_free(&why);
	return again;
}

static void
listing_done(struct google_call *call)
{
	struct fetch_request	*req = &call->req;
	struct buf		 why = BUF_INIT;

	if (req->error == FETCH_ERR_HTTP_STATUS && req->status == 401 &&
	    retry_after_401(call))
		return;
	if (google_failure_message(req, 0, &why)) {
		report(call->job, why.data);
		buf_free(&why);
		call_finish(call);
		return;
	}
	buf_free(&why);
	if (!read_page(call))
		call_finish(call);
}

static void
call_done(struct fetcher *f, struct fetch_request *req)
{
	struct google_call	*call = req->arg;

	(void)f;
	if (call->listing == NULL)
		token_done(call);
	else
		listing_done(call);
}

/* ---- start -------------------------------------------------------------- */

static char *
lower_copy(const char *s)
{
	char	*copy = xstrdup(s), *p;

	for (p = copy; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return copy;
}

void
google_start(void *state, struct lookup *lookup, enum lookup_kind kind,
    const char *value)
{
	const struct google	*g = state;
	struct google_job	*job;
	struct google_call	*calls[sizeof(listings) / sizeof(listings[0])];
	const char		*token;
	size_t			 i, n = sizeof(listings) / sizeof(listings[0]);

	if (kind != LOOKUP_EMAIL || value == NULL || value[0] == '\0')
		return;
	fetcher_set_source_limit(lookup->fetcher, GOOGLE_SOURCE_NAME,
	    (int)g->max_connections);

	job = xcalloc(1, sizeof(*job));
	job->google = g;
	job->lookup = lookup;
	job->email = lower_copy(value);

	/* The calls keep the job alive, and one more reference covers this call. */
	job->pending++;
	for (i = 0; i < n; i++) {
		calls[i] = call_new(job, &listings[i]);
		set_listing_url(calls[i]);
	}
	token = fetch_token_get(lookup->fetcher, g->token_key);
	if (token != NULL) {
		job->token = xstrdup(token);
		job->generation = 1;
		for (i = 0; i < n; i++)
			call_send(calls[i]);
	} else {
		for (i = 0; i < n; i++)
			park(job, calls[i]);
		send_token_request(job);
	}
	if (--job->pending == 0)
		job_free(job);
}
