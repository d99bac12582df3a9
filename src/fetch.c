/*
 * The fetcher and its requests: creating and freeing it, per-source caps,
 * and checking and queueing requests. fetch_run.c runs them.
 */

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "buf.h"
#include "fetch.h"
#include "fetch_internal.h"
#include "log.h"
#include "xalloc.h"

#ifndef STETHOSCOPE_VERSION
#define STETHOSCOPE_VERSION "dev"
#endif

long
fetch_now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- sources ------------------------------------------------------------ */

static struct fetch_source *
find_source(struct fetcher *f, const char *name)
{
	struct fetch_source	*s;

	for (s = f->sources; s != NULL; s = s->next)
		if (strcmp(s->name, name) == 0)
			return s;

	s = xcalloc(1, sizeof(*s));
	s->name = xstrdup(name);
	s->limit = f->max_per_source;
	s->next = f->sources;
	f->sources = s;
	return s;
}

void
fetcher_set_source_limit(struct fetcher *f, const char *source, int max)
{
	find_source(f, source)->limit = max > 0 ? max : 0;
}

/* ---- requests ----------------------------------------------------------- */

void
fetch_request_init(struct fetch_request *req)
{
	memset(req, 0, sizeof(*req));
}

void
fetch_request_clear(struct fetch_request *req)
{
	if (req->transfer != NULL) {
		log_error(FETCH_LOG, "%s: request cleared while in a fetcher",
		    req->source != NULL ? req->source : "?");
		return;
	}
	buf_free(&req->body);
	free(req->content_type);
	req->content_type = NULL;
}

/* Whether s contains a control character other than tab. */
static int
has_control(const char *s)
{
	unsigned char	 c;

	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return 1;
	}
	return 0;
}

/* Return why req cannot be added, or NULL when it can. */
static const char *
request_problem(const struct fetch_request *req)
{
	size_t	 i;

	if (req->transfer != NULL)
		return "the request is already in a fetcher";
	if (req->source == NULL)
		return "the source is missing";
	if (req->url == NULL)
		return "the URL is missing";
	if (req->done == NULL)
		return "the done callback is missing";
	if ((unsigned)req->method >= FETCH_METHOD__MAX)
		return "the method is unknown";
	if ((unsigned)req->auth >= FETCH_AUTH__MAX)
		return "the authentication scheme is unknown";
	if (has_control(req->url))
		return "the URL contains a control character";
	for (i = 0; req->headers != NULL && req->headers[i] != NULL; i++)
		if (has_control(req->headers[i]))
			return "a header contains a control character";
	return NULL;
}

static void
reset_results(struct fetch_request *req)
{
	req->error = FETCH_OK;
	req->error_message[0] = '\0';
	req->status = 0;
	buf_reset(&req->body);
	free(req->content_type);
	req->content_type = NULL;
	req->retry_after_s = 0;
	req->elapsed_ms = 0;
	req->attempts = 0;
	req->new_connections = 0;
	req->from_cache = 0;
}

int
fetch_add(struct fetcher *f, struct fetch_request *req)
{
	struct fetch_transfer	*t;
	struct buf		 url = BUF_INIT;
	const char		*problem;
	long			 now = fetch_now_ms();

	if ((problem = request_problem(req)) != NULL) {
		url_for_log(&url, req->url);
		log_error(FETCH_LOG, "%s: cannot add the request for %s: %s",
		    req->source != NULL ? req->source : "(no source)",
		    url.data, problem);
		buf_free(&url);
		return -1;
	}
	reset_results(req);

	t = xcalloc(1, sizeof(*t));
	t->req = req;
	t->source = find_source(f, req->source);
	t->added_ms = now;
	t->max_bytes = req->max_response_bytes > 0 ?
	    req->max_response_bytes : f->max_response_bytes;
	req->transfer = t;

	if (f->cache != NULL && req->cacheable && req->method == FETCH_GET &&
	    response_cache_lookup(f->cache, req, now))
		transfer_list_append(&f->ready, t);
	else
		transfer_list_append(&f->queued, t);
	return 0;
}

/* ---- the fetcher -------------------------------------------------------- */

struct fetcher *
fetcher_new(const struct fetch_options *opts)
{
	static const struct fetch_options defaults;
	struct fetcher	*f;
	long		 idle;

	if (opts == NULL)
		opts = &defaults;
	f = xcalloc(1, sizeof(*f));

	f->multi = curl_multi_init();
	f->share = curl_share_init();
	if (f->multi == NULL || f->share == NULL) {
		log_error(FETCH_LOG, "cannot create the libcurl multi handle");
		goto fail;
	}

	/* Idle connections stay open between pages for reuse. */
	idle = opts->idle_connections > 0 ? opts->idle_connections :
	    FETCH_DEFAULT_IDLE_CONNECTIONS;
	if (curl_multi_setopt(f->multi, CURLMOPT_MAXCONNECTS, idle) !=
	    CURLM_OK ||
	    curl_share_setopt(f->share, CURLSHOPT_SHARE,
	    CURL_LOCK_DATA_SSL_SESSION) != CURLSHE_OK) {
		log_error(FETCH_LOG,
		    "cannot configure the libcurl multi handle");
		goto fail;
	}

	f->ca_file = opts->ca_file != NULL ? xstrdup(opts->ca_file) : NULL;
	f->proxy = opts->proxy != NULL ? xstrdup(opts->proxy) : NULL;
	f->user_agent = xstrdup(opts->user_agent != NULL ? opts->user_agent :
	    "stethoscope/" STETHOSCOPE_VERSION);
	f->connect_timeout_ms = opts->connect_timeout_ms > 0 ?
	    opts->connect_timeout_ms : FETCH_DEFAULT_CONNECT_TIMEOUT_MS;
	f->timeout_ms = opts->timeout_ms > 0 ? opts->timeout_ms :
	    FETCH_DEFAULT_TIMEOUT_MS;
	f->max_response_bytes = opts->max_response_bytes > 0 ?
	    opts->max_response_bytes : FETCH_DEFAULT_MAX_RESPONSE_BYTES;
	f->max_per_source = opts->max_per_source > 0 ? opts->max_per_source : 0;
	f->max_attempts = opts->max_attempts > 0 ? opts->max_attempts :
	    FETCH_DEFAULT_MAX_ATTEMPTS;
	f->jitter_state = (unsigned int)getpid() ^ (unsigned int)fetch_now_ms();
	if (f->jitter_state == 0)
		f->jitter_state = 1;

	if (opts->cache_ttl_s > 0)
		f->cache = response_cache_new(opts->cache_ttl_s * 1000,
		    opts->cache_max_entries > 0 ? opts->cache_max_entries :
		    FETCH_DEFAULT_CACHE_MAX_ENTRIES,
		    opts->cache_max_bytes > 0 ? opts->cache_max_bytes :
		    FETCH_DEFAULT_CACHE_MAX_BYTES);
	f->tokens = token_cache_new();
	return f;

fail:
	fetcher_free(f);
	return NULL;
}

void
fetcher_free(struct fetcher *f)
{
	struct fetch_source	*s, *next;

	if (f == NULL)
		return;

	f->in_run = 1;
	fetch_drop_all(f, FETCH_ERR_DEADLINE, "fetcher freed");

	/* The multi handle keeps connections that use the share handle. */
	if (f->multi != NULL)
		curl_multi_cleanup(f->multi);
	if (f->share != NULL)
		curl_share_cleanup(f->share);

	for (s = f->sources; s != NULL; s = next) {
		next = s->next;
		free(s->name);
		free(s);
	}
	response_cache_free(f->cache);
	token_cache_free(f->tokens);
	free(f->ca_file);
	free(f->proxy);
	free(f->user_agent);
	free(f);
}

void
fetch_cache_clear(struct fetcher *f)
{
	if (f->cache != NULL)
		response_cache_clear(f->cache);
}
