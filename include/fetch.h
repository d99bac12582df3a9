/*
 * The fetch layer: HTTP requests to the upstream systems, run in parallel
 * over one libcurl multi handle per worker, all bounded by one deadline.
 *
 * A worker creates one fetcher after the fork and keeps it for its life, so
 * the multi handle's connection pool lets later pages reuse connections.
 * A source adapter fills in a struct fetch_request, adds it with fetch_add,
 * and the page calls fetch_run with its deadline. Each request's done
 * callback runs exactly once, from inside fetch_run (or fetcher_free, for
 * requests still pending there). A callback may add follow-up requests
 * (JAMF: token, then user, then each computer), which join the running
 * loop, so multi-stage lookups across all sources progress concurrently
 * towards the one page deadline.
 *
 * Policy applied to every transfer:
 * - only http and https, also for redirects; at most FETCH_MAX_REDIRECTS
 *   redirects are followed. libcurl 7.88 sends neither the credentials of
 *   a request nor a custom Authorization header to a redirect target on
 *   another host, port or scheme.
 * - TLS peer and host verification are always on.
 * - proxies from the environment (http_proxy, ...) are ignored; only
 *   fetch_options.proxy is used.
 * - the response body is limited in size, also after decompression.
 * - 429 and 503 (and whatever request.retry_if accepts) are retried with
 *   exponential back-off or after Retry-After, but only while the deadline
 *   leaves time for another attempt.
 * - each failure is logged once at the level its error kind maps to, with
 *   the URL cut before its query string. Credentials, header values and
 *   tokens are never logged.
 *
 * curl_global_init must have been called once in the process (the master
 * does it before forking).
 */
#ifndef STETHOSCOPE_FETCH_H
#define STETHOSCOPE_FETCH_H

#include <stddef.h>

#include "buf.h"

#define FETCH_MAX_REDIRECTS		3
#define FETCH_ERROR_MESSAGE_MAX		256

/* Defaults for the fetch_options fields left at 0. */
#define FETCH_DEFAULT_CONNECT_TIMEOUT_MS	5000
#define FETCH_DEFAULT_TIMEOUT_MS		15000
#define FETCH_DEFAULT_MAX_RESPONSE_BYTES	(8 * 1024 * 1024)
#define FETCH_DEFAULT_MAX_ATTEMPTS		3
#define FETCH_DEFAULT_IDLE_CONNECTIONS		16
#define FETCH_DEFAULT_CACHE_MAX_ENTRIES		256
#define FETCH_DEFAULT_CACHE_MAX_BYTES		(8 * 1024 * 1024)

/* A cached token stops being returned this long before it expires. */
#define FETCH_TOKEN_MARGIN_S		60

enum fetch_method {
	FETCH_GET,
	FETCH_POST,
	FETCH_METHOD__MAX
};

enum fetch_auth {
	FETCH_AUTH_NONE,
	FETCH_AUTH_BASIC,
	/* NOTE: untested, because no fake server speaks NTLM. */
	FETCH_AUTH_NTLM,
	FETCH_AUTH__MAX
};

/* The outcome of a request. Each kind has one message form and log level. */
enum fetch_error {
	FETCH_OK,
	FETCH_ERR_TIMEOUT,	/* the request's own timeout ran out */
	FETCH_ERR_DEADLINE,	/* the page deadline passed: dropped */
	FETCH_ERR_CONNECT,	/* refused, host not found, TLS failure */
	FETCH_ERR_TOO_LARGE,	/* body over the size limit */
	FETCH_ERR_HTTP_STATUS,	/* a final status outside 2xx */
	FETCH_ERR_PROTOCOL,	/* not http(s), or too many redirects */
	FETCH_ERR_TRANSFER,	/* reset, no response, invalid response, ... */
	FETCH_ERR__MAX
};

/*
 * Settings of one fetcher, copied by fetcher_new. A number left at 0 takes
 * the default FETCH_DEFAULT_<FIELD NAME>, except where noted.
 */
struct fetch_options {
	const char	*ca_file;	/* PEM CA bundle; NULL: system store */
	const char	*proxy;		/* NULL: no proxy at all */
	const char	*user_agent;	/* NULL: "stethoscope/VERSION" */
	long		 connect_timeout_ms;
	long		 timeout_ms;	/* per attempt */
	size_t		 max_response_bytes;
	int		 max_per_source; /* concurrent requests; 0: no cap */
	int		 max_attempts;
	long		 idle_connections; /* kept open for reuse */
	long		 cache_ttl_s;	/* 0 disables the response cache */
	size_t		 cache_max_entries;

	/* Keys, bodies and content types, plus about 100 bytes per entry. */
	size_t		 cache_max_bytes;
};

struct fetcher;
struct fetch_transfer;

/*
 * One HTTP request and, once done runs, its result. The caller owns the
 * struct. Every pointer in the first part is borrowed and must stay valid
 * until done has been called. Fields left at 0 take the fetcher's defaults.
 */
struct fetch_request {
	const char	*source;	/* "jamf": for the cap, logs, cache */
	enum fetch_method method;
	const char	*url;

	/* "Name: value" strings, NULL-terminated; may be NULL. */
	const char *const *headers;
	const char	*post_data;	/* POST body, may be NULL */
	size_t		 post_data_len;
	enum fetch_auth	 auth;
	const char	*auth_user;	/* never logged */
	const char	*auth_password;	/* never logged */
	long		 timeout_ms;	/* per attempt, connect included */
	long		 connect_timeout_ms;
	size_t		 max_response_bytes;
	int		 cacheable;	/* a 2xx response to GET may be kept */

	/* Extra part of the cache key, such as an identity; may be NULL. */
	const char	*cache_key;

	/*
	 * Whether a failed response should be retried besides 429 and 503,
	 * such as Google's 403 with userRateLimitExceeded in the body. Called
	 * with status and body set. Return nonzero to retry. May be NULL.
	 */
	int		(*retry_if)(const struct fetch_request *req);

	/*
	 * Called once when the request has ended, from inside fetch_run. The
	 * request is no longer in the fetcher, so the callback may free it,
	 * add it again or add other requests.
	 */
	void		(*done)(struct fetcher *f, struct fetch_request *req);
	void		*arg;		/* for the caller */

	/* Results, reset by fetch_add. Freed by fetch_request_clear. */
	enum fetch_error error;
	char		 error_message[FETCH_ERROR_MESSAGE_MAX]; /* or "" */
	long		 status;	/* of the last attempt; 0 when none */
	/* The response body. Errors other than HTTP status empty it. */
	struct buf	 body;
	char		*content_type;	/* or NULL */
	long		 retry_after_s;	/* from Retry-After; 0 when none */
	long		 elapsed_ms;	/* from fetch_add to the end */
	int		 attempts;	/* transfers made; 0 for a cache hit */
	long		 new_connections; /* 0 when every attempt reused one */
	int		 from_cache;

	/* Private to the fetcher; NULL when the request is not in one. */
	struct fetch_transfer *transfer;
};

/* Return the monotonic clock in milliseconds that deadlines use. */
long		 fetch_now_ms(void);

/*
 * Create a fetcher with its own multi handle, response cache and token
 * cache. opts may be NULL for all defaults. Create it in the worker, never
 * before a fork. Returns NULL (logged) when libcurl cannot set up the multi
 * handle. Free it with fetcher_free.
 */
struct fetcher	*fetcher_new(const struct fetch_options *opts);

/*
 * Free the fetcher, its connections and both caches. Requests still in it
 * are first ended with FETCH_ERR_DEADLINE and their done callbacks called,
 * as fetch_run does at its deadline. f may be NULL.
 */
void		 fetcher_free(struct fetcher *f);

/*
 * Allow at most max concurrent requests for source (the JAMF vendor
 * requests at most 5); 0 removes the cap. Requests beyond the cap wait in
 * the fetcher, in the order they were added.
 */
void		 fetcher_set_source_limit(struct fetcher *f, const char *source,
		    int max);

/* Zero every field of req, ready to be filled in. */
void		 fetch_request_init(struct fetch_request *req);

/*
 * Free the results that req owns (body, content type). req must not be in
 * a fetcher. The input fields are left alone; the caller owns their memory.
 */
void		 fetch_request_clear(struct fetch_request *req);

/*
 * Add req to the fetcher and reset its results. The transfer starts in the
 * next fetch_run (or the running one, when called from a done callback).
 * A cacheable GET found in the response cache completes without network,
 * but its done callback also runs from inside fetch_run, never from here.
 * Returns 0, or -1 (logged, done not called) when source, url or done is
 * missing, the method or auth is unknown, the URL or a header contains a
 * control character, or req is already in a fetcher.
 */
int		 fetch_add(struct fetcher *f, struct fetch_request *req);

/*
 * Run every added request, and those that done callbacks add, until none
 * is left or deadline_ms (on the fetch_now_ms clock) passes. At the
 * deadline every unfinished request is dropped with FETCH_ERR_DEADLINE and
 * its done callback called. So on return every request has ended. Retry
 * waits never reach past the deadline and never hold up other transfers.
 * Returns the number of requests dropped at the deadline (0 when all
 * finished), or -1 when called from inside a done callback or when the
 * multi handle fails (then all requests are ended with FETCH_ERR_TRANSFER).
 * A callback that adds a request whenever it gets FETCH_ERR_DEADLINE makes
 * this loop forever.
 */
int		 fetch_run(struct fetcher *f, long deadline_ms);

/* Return a short name for error: "ok", "timeout", "deadline", ... */
const char	*fetch_error_name(enum fetch_error error);

/* Empty the response cache, for example after a configuration reload. */
void		 fetch_cache_clear(struct fetcher *f);

/*
 * Return the token cached under key, or NULL when there is none or it
 * expires within FETCH_TOKEN_MARGIN_S seconds. The string belongs to the
 * fetcher. It stays valid until the next fetch_token_put for any key, the
 * next token call for the same key, or fetcher_free, so copy it to keep
 * it. Tokens are never logged.
 */
const char	*fetch_token_get(struct fetcher *f, const char *key);

/*
 * Store a copy of token under key, replacing any older one. It expires
 * lifetime_s seconds from now (on the monotonic clock, so wall clock jumps
 * do not matter). At most 64 keys are kept, so a new key may push out the
 * token closest to expiry. Returns 0, or -1 when lifetime_s is not above
 * FETCH_TOKEN_MARGIN_S, because such a token would never be returned.
 */
int		 fetch_token_put(struct fetcher *f, const char *key,
		    const char *token, long lifetime_s);

/* Remove the token under key, for example after the upstream returned 401. */
void		 fetch_token_invalidate(struct fetcher *f, const char *key);

#endif
