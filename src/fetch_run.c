/*
 * The fetch loop: queued requests started as their source's cap allows,
 * run in parallel over the multi handle, retried from a timer queue inside
 * the same loop, and dropped at the page deadline.
 */

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "buf.h"
#include "fetch.h"
#include "fetch_internal.h"
#include "log.h"

/* Back-off without Retry-After: 250 ms, 500 ms, 1 s, ... up to 8 s. */
#define BACKOFF_BASE_MS		250
#define BACKOFF_MAX_MS		8000

/* A retry must leave at least this much time before the deadline. */
#define RETRY_MIN_BUDGET_MS	100

/* Retry-After values are capped here so that milliseconds fit in a long. */
#define RETRY_AFTER_MAX_S	86400

/* ---- transfer lists ----------------------------------------------------- */

void
transfer_list_append(struct transfer_list *list, struct fetch_transfer *t)
{
	t->list = list;
	t->next = NULL;
	t->prev = list->tail;
	if (list->tail != NULL)
		list->tail->next = t;
	else
		list->head = t;
	list->tail = t;
	list->count++;
}

static void
list_remove(struct fetch_transfer *t)
{
	struct transfer_list	*list = t->list;

	if (t->prev != NULL)
		t->prev->next = t->next;
	else
		list->head = t->next;
	if (t->next != NULL)
		t->next->prev = t->prev;
	else
		list->tail = t->prev;
	list->count--;
	t->list = NULL;
	t->prev = t->next = NULL;
}

static void
list_move(struct fetch_transfer *t, struct transfer_list *to)
{
	list_remove(t);
	transfer_list_append(to, t);
}

/* ---- ending requests ---------------------------------------------------- */

/* Add text to the end of req's error message, cut at its size. */
static void
append_message(struct fetch_request *req, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
append_message(struct fetch_request *req, const char *fmt, ...)
{
	size_t	 len = strlen(req->error_message);
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(req->error_message + len, sizeof(req->error_message) - len,
	    fmt, ap);
	va_end(ap);
}

/*
 * Move t to the ready list after its last attempt: log a failure, keep a
 * cacheable success.
 */
static void
end_transfer(struct fetcher *f, struct fetch_transfer *t)
{
	struct fetch_request	*req = t->req;
	struct buf		 url = BUF_INIT;

	req->elapsed_ms = fetch_now_ms() - t->added_ms;
	if (req->error != FETCH_OK)
		transfer_log_failure(req);
	else {
		if (log_get_level() >= LOG_LEVEL_DEBUG) {
			url_for_log(&url, req->url);
			log_debug(FETCH_LOG,
			    "%s: %s %s: HTTP status %ld in %ld ms",
			    req->source, fetch_method_name(req->method),
			    url.data, req->status, req->elapsed_ms);
			buf_free(&url);
		}
		if (f->cache != NULL && req->cacheable &&
		    req->method == FETCH_GET)
			response_cache_store(f->cache, req, fetch_now_ms());
	}
	list_move(t, &f->ready);
}

/* Call done for every ended request, including those ended meanwhile. */
static void
deliver_ready(struct fetcher *f)
{
	struct fetch_transfer	*t;
	struct fetch_request	*req;

	while ((t = f->ready.head) != NULL) {
		req = t->req;
		list_remove(t);
		req->transfer = NULL;
		free(t);
		req->done(f, req);
	}
}

/* Take a running transfer out of the multi handle. */
static void
detach_running(struct fetcher *f, struct fetch_transfer *t)
{
	curl_multi_remove_handle(f->multi, t->easy);
	t->source->active--;
}

int
fetch_drop_all(struct fetcher *f, enum fetch_error error, const char *cause)
{
	struct {
		struct transfer_list	*list;
		const char		*where;
	} phases[] = {
		{ &f->running, "while running" },
		{ &f->waiting, "while waiting to retry" },
		{ &f->queued, "before it started" },
	};
	struct transfer_list	*list;
	struct fetch_transfer	*t;
	struct fetch_request	*req;
	size_t			 i;
	int			 dropped = 0;

	while (f->running.count + f->waiting.count + f->queued.count +
	    f->ready.count > 0) {
		for (i = 0; i < sizeof(phases) / sizeof(phases[0]); i++) {
			list = phases[i].list;
			while ((t = list->head) != NULL) {
				req = t->req;
				if (list == &f->running) {
					detach_running(f, t);
					transfer_release(t);
				}
				req->elapsed_ms = fetch_now_ms() - t->added_ms;
				transfer_fail(req, error, "%s after %ld ms, "
				    "dropped %s", cause, req->elapsed_ms,
				    phases[i].where);
				if (list == &f->waiting)
					append_message(req,
					    " after HTTP status %ld",
					    req->status);
				buf_reset(&req->body);
				transfer_log_failure(req);
				list_move(t, &f->ready);
				dropped++;
			}
		}
		deliver_ready(f);
	}
	return dropped;
}

/* ---- retries ------------------------------------------------------------ */

static long
backoff_ms(struct fetcher *f, int attempts)
{
	long	 delay = BACKOFF_BASE_MS;
	int	 i;

	for (i = 1; i < attempts && delay < BACKOFF_MAX_MS; i++)
		delay *= 2;
	if (delay > BACKOFF_MAX_MS)
		delay = BACKOFF_MAX_MS;

	/* Up to a quarter more, so that workers hit by one limit spread out. */
	f->jitter_state ^= f->jitter_state << 13;
	f->jitter_state ^= f->jitter_state >> 17;
	f->jitter_state ^= f->jitter_state << 5;
	return delay + (long)(f->jitter_state % (unsigned int)(delay / 4 + 1));
}

static int
is_retryable(const struct fetch_request *req)
{
	if (req->error != FETCH_ERR_HTTP_STATUS)
		return 0;
	if (req->status == 429 || req->status == 503)
		return 1;
	return req->retry_if != NULL && req->retry_if(req);
}

/*
 * Put t on the timer queue when its response requests a retry and the
 * deadline leaves time for one. Returns 1 when it was queued, 0 when the
 * request ends now (the message then explains why it was not retried).
 */
static int
schedule_retry(struct fetcher *f, struct fetch_transfer *t)
{
	struct fetch_request	*req = t->req;
	struct buf		 url = BUF_INIT;
	long			 delay, now;

	if (!is_retryable(req))
		return 0;
	if (req->attempts >= f->max_attempts) {
		append_message(req, "; gave up after %d attempts",
		    req->attempts);
		return 0;
	}

	if (req->retry_after_s > 0)
		delay = 1000 * (req->retry_after_s < RETRY_AFTER_MAX_S ?
		    req->retry_after_s : RETRY_AFTER_MAX_S);
	else
		delay = backoff_ms(f, req->attempts);
	now = fetch_now_ms();
	if (now + delay + RETRY_MIN_BUDGET_MS > f->deadline_ms) {
		append_message(req, "; not retried: a retry in %ld ms would "
		    "pass the deadline", delay);
		return 0;
	}

	url_for_log(&url, req->url);
	log_info(FETCH_LOG, "%s: %s %s: HTTP status %ld, retrying in %ld ms "
	    "(attempt %d of %d)", req->source, fetch_method_name(req->method),
	    url.data, req->status, delay, req->attempts + 1, f->max_attempts);
	buf_free(&url);

	buf_reset(&req->body);
	t->due_ms = now + delay;
	list_move(t, &f->waiting);
	return 1;
}

/* Queue the waiting transfers whose retry time has come. */
static void
wake_due(struct fetcher *f, long now)
{
	struct fetch_transfer	*t, *next;

	for (t = f->waiting.head; t != NULL; t = next) {
		next = t->next;
		if (t->due_ms <= now)
			list_move(t, &f->queued);
	}
}

/* ---- the loop ----------------------------------------------------------- */

static void
start_attempt(struct fetcher *f, struct fetch_transfer *t)
{
	struct fetch_request	*req = t->req;
	CURLMcode		 mc;

	req->attempts++;
	t->attempt_started_ms = fetch_now_ms();
	if (transfer_setup(f, t) == -1) {
		end_transfer(f, t);
		return;
	}
	mc = curl_multi_add_handle(f->multi, t->easy);
	if (mc != CURLM_OK) {
		transfer_fail(req, FETCH_ERR_TRANSFER,
		    "transfer failed: cannot add it to the multi handle: %s",
		    curl_multi_strerror(mc));
		transfer_release(t);
		end_transfer(f, t);
		return;
	}
	t->source->active++;
	list_move(t, &f->running);
}

/* Start queued transfers, oldest first, as far as their source's cap allows. */
static void
start_queued(struct fetcher *f)
{
	struct fetch_transfer	*t, *next;
	struct fetch_source	*s;

	for (t = f->queued.head; t != NULL; t = next) {
		next = t->next;
		s = t->source;
		if (s->limit > 0 && s->active >= s->limit)
			continue;
		start_attempt(f, t);
	}
}

/* Collect every finished transfer. Returns how many finished. */
static int
read_messages(struct fetcher *f)
{
	struct fetch_transfer	*t;
	CURLMsg			*msg;
	CURLcode		 code;
	char			*priv;
	int			 left, finished = 0;

	while ((msg = curl_multi_info_read(f->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;

		/* msg is invalid once its handle leaves the multi handle. */
		code = msg->data.result;
		priv = NULL;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &priv);
		t = (struct fetch_transfer *)(void *)priv;

		detach_running(f, t);
		transfer_collect(t, code);
		if (!schedule_retry(f, t))
			end_transfer(f, t);
		finished++;
	}
	return finished;
}

/* Return how long the loop may sleep: until the deadline or the next retry. */
static int
poll_timeout_ms(const struct fetcher *f, long now)
{
	const struct fetch_transfer	*t;
	long				 wake = f->deadline_ms;

	for (t = f->waiting.head; t != NULL; t = t->next)
		if (t->due_ms < wake)
			wake = t->due_ms;
	if (wake <= now)
		return 0;
	return wake - now > INT_MAX ? INT_MAX : (int)(wake - now);
}

int
fetch_run(struct fetcher *f, long deadline_ms)
{
	CURLMcode	 mc = CURLM_OK;
	long		 now;
	int		 still_running, result;

	if (f->in_run) {
		log_error(FETCH_LOG, "fetch_run called from a done callback");
		return -1;
	}
	f->in_run = 1;
	f->deadline_ms = deadline_ms;

	for (;;) {
		deliver_ready(f);
		now = fetch_now_ms();
		if (now >= deadline_ms)
			break;

		wake_due(f, now);
		start_queued(f);
		if (f->ready.count > 0)
			continue;
		if (f->queued.count + f->running.count +
		    f->waiting.count == 0) {
			result = 0;
			goto out;
		}

		mc = curl_multi_perform(f->multi, &still_running);
		if (mc != CURLM_OK)
			goto multi_failed;
		if (read_messages(f) > 0)
			continue;

		/* libcurl shortens the wait when its own timers need it. */
		mc = curl_multi_poll(f->multi, NULL, 0,
		    poll_timeout_ms(f, fetch_now_ms()), NULL);
		if (mc != CURLM_OK)
			goto multi_failed;
	}

	result = fetch_drop_all(f, FETCH_ERR_DEADLINE,
	    "timed out at the page deadline");
	goto out;

multi_failed:
	log_error(FETCH_LOG, "the multi handle failed: %s",
	    curl_multi_strerror(mc));
	fetch_drop_all(f, FETCH_ERR_TRANSFER, "the multi handle failed");
	result = -1;
out:
	f->in_run = 0;
	return result;
}

