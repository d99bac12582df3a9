/*
 * Declarations shared by the fetch files: the fetcher, the state of one
 * transfer, and the response and token caches. Only src/fetch*.c include
 * this header.
 */
#ifndef STETHOSCOPE_FETCH_INTERNAL_H
#define STETHOSCOPE_FETCH_INTERNAL_H

#include <stddef.h>

#include <curl/curl.h>

#include "fetch.h"

#define FETCH_LOG		"fetch"

/* A list of transfers in one phase, oldest first. */
struct transfer_list {
	struct fetch_transfer	*head;
	struct fetch_transfer	*tail;
	size_t			 count;
};

/* The requests of one source: its cap and how many run now. */
struct fetch_source {
	struct fetch_source	*next;
	char			*name;
	int			 limit;		/* 0: no cap */
	int			 active;
};

/*
 * The fetcher's state for one request, from fetch_add until just before
 * done is called. It sits in exactly one of the fetcher's four lists.
 */
struct fetch_transfer {
	struct fetch_transfer	*prev;
	struct fetch_transfer	*next;
	struct transfer_list	*list;
	struct fetch_request	*req;
	struct fetch_source	*source;
	CURL			*easy;		/* while running */
	struct curl_slist	*headers;	/* while running */
	char			 errbuf[CURL_ERROR_SIZE];
	size_t			 max_bytes;
	int			 too_large;	/* set by the write callback */
	long			 added_ms;
	long			 attempt_started_ms;
	long			 due_ms;	/* when waiting to retry */
};

struct response_cache;
struct token_cache;

struct fetcher {
	CURLM			*multi;
	CURLSH			*share;		/* TLS session cache */
	char			*ca_file;
	char			*proxy;
	char			*user_agent;
	long			 connect_timeout_ms;
	long			 timeout_ms;
	size_t			 max_response_bytes;
	int			 max_per_source;
	int			 max_attempts;

	struct fetch_source	*sources;
	struct transfer_list	 queued;	/* waiting for a source slot */
	struct transfer_list	 running;	/* in the multi handle */
	struct transfer_list	 waiting;	/* waiting for a retry */
	struct transfer_list	 ready;		/* ended, done not yet called */

	long			 deadline_ms;
	int			 in_run;
	unsigned int		 jitter_state;

	struct response_cache	*cache;		/* NULL when disabled */
	struct token_cache	*tokens;
};

/* fetch_run.c: the loop. */

void	transfer_list_append(struct transfer_list *list,
	    struct fetch_transfer *t);

/*
 * End every request still in the fetcher with error, calling done for
 * each, until none is left (callbacks may add more). Returns how many
 * were dropped.
 */
int	fetch_drop_all(struct fetcher *f, enum fetch_error error,
	    const char *cause);

/* fetch_transfer.c: one attempt over one easy handle. */

/*
 * Create and configure t's easy handle for its next attempt. Returns 0, or
 * -1 with the request's error set when libcurl rejects an option.
 */
int	transfer_setup(struct fetcher *f, struct fetch_transfer *t);

/*
 * Read the outcome of t's finished attempt into its request (status, body,
 * error and message), then free the easy handle.
 */
void	transfer_collect(struct fetch_transfer *t, CURLcode code);

/* Free t's easy handle and header list if it has them. */
void	transfer_release(struct fetch_transfer *t);

/* Set req's error and its message from a printf format. */
void	transfer_fail(struct fetch_request *req, enum fetch_error error,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Log the failure of req once, at the level of its error kind. */
void	transfer_log_failure(const struct fetch_request *req);

/* Append url to out without userinfo, query string or fragment. */
void	url_for_log(struct buf *out, const char *url);

/* Return "GET" or "POST". */
const char *fetch_method_name(enum fetch_method method);

/* fetch_cache.c: the response cache. */

struct response_cache *response_cache_new(long ttl_ms, size_t max_entries,
	    size_t max_bytes);
void	response_cache_free(struct response_cache *c);
void	response_cache_clear(struct response_cache *c);

/*
 * Fill req's results from a fresh entry for its key and return 1, or
 * return 0 when there is none. Expired entries are removed on the way.
 */
int	response_cache_lookup(struct response_cache *c,
	    struct fetch_request *req, long now_ms);

/*
 * Keep a copy of req's successful response. Entries are evicted, least
 * recently used first, until the new one fits; one larger than the byte
 * bound is not kept.
 */
void	response_cache_store(struct response_cache *c,
	    const struct fetch_request *req, long now_ms);

/* fetch_token.c: the token cache. */

struct token_cache *token_cache_new(void);
void	token_cache_free(struct token_cache *c);

#endif
