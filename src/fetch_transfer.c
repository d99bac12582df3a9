/*
 * One attempt of a fetch request over one libcurl easy handle: the options
 * every transfer gets, the size-limited body writer, and the one place
 * where libcurl's result codes become fetch errors and log lines.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "buf.h"
#include "fetch.h"
#include "fetch_internal.h"
#include "log.h"
#include "xalloc.h"

#define FETCH_ALLOWED_PROTOCOLS	"http,https"

static const char *const method_names[FETCH_METHOD__MAX] = {
	[FETCH_GET] = "GET",
	[FETCH_POST] = "POST",
};

/* The short name and the log level of each error kind. */
static const struct {
	const char	*name;
	enum log_level	 level;
} error_kinds[FETCH_ERR__MAX] = {
	[FETCH_OK] =		 { "ok",		LOG_LEVEL_DEBUG },
	[FETCH_ERR_TIMEOUT] =	 { "timeout",		LOG_LEVEL_WARN },
	[FETCH_ERR_DEADLINE] =	 { "deadline",		LOG_LEVEL_WARN },
	[FETCH_ERR_CONNECT] =	 { "connect",		LOG_LEVEL_ERROR },
	[FETCH_ERR_TOO_LARGE] =	 { "too_large",		LOG_LEVEL_ERROR },
	[FETCH_ERR_HTTP_STATUS] = { "http_status",	LOG_LEVEL_INFO },
	[FETCH_ERR_PROTOCOL] =	 { "protocol",		LOG_LEVEL_ERROR },
	[FETCH_ERR_TRANSFER] =	 { "transfer",		LOG_LEVEL_WARN },
};

/*
 * libcurl result codes and what they mean for a page. with_detail appends
 * libcurl's own error text, which names the failing step (for example
 * which certificate check failed). Codes missing here become
 * FETCH_ERR_TRANSFER with curl_easy_strerror's text.
 */
static const struct curl_failure {
	CURLcode	 code;
	enum fetch_error error;
	const char	*message;
	int		 with_detail;
} curl_failures[] = {
	{ CURLE_OPERATION_TIMEDOUT, FETCH_ERR_TIMEOUT, "timed out", 0 },
	{ CURLE_COULDNT_RESOLVE_HOST, FETCH_ERR_CONNECT,
	    "connection failed: host name not found", 1 },
	{ CURLE_COULDNT_RESOLVE_PROXY, FETCH_ERR_CONNECT,
	    "connection failed: proxy name not found", 1 },
	{ CURLE_COULDNT_CONNECT, FETCH_ERR_CONNECT, "connection failed", 1 },
	{ CURLE_SSL_CONNECT_ERROR, FETCH_ERR_CONNECT,
	    "connection failed: TLS handshake failed", 1 },
	{ CURLE_PEER_FAILED_VERIFICATION, FETCH_ERR_CONNECT,
	    "connection failed: TLS certificate not trusted", 1 },
	{ CURLE_SSL_CACERT_BADFILE, FETCH_ERR_CONNECT,
	    "connection failed: CA file cannot be read", 1 },
	{ CURLE_FILESIZE_EXCEEDED, FETCH_ERR_TOO_LARGE,
	    "response too large", 0 },
	{ CURLE_UNSUPPORTED_PROTOCOL, FETCH_ERR_PROTOCOL,
	    "protocol refused: only http and https are allowed", 1 },
	{ CURLE_TOO_MANY_REDIRECTS, FETCH_ERR_PROTOCOL,
	    "protocol refused: too many redirects", 1 },
	{ CURLE_URL_MALFORMAT, FETCH_ERR_TRANSFER, "invalid URL", 0 },
	{ CURLE_GOT_NOTHING, FETCH_ERR_TRANSFER,
	    "transfer failed: connection closed without a response", 0 },
	{ CURLE_SEND_ERROR, FETCH_ERR_TRANSFER,
	    "transfer failed: send error", 1 },
	{ CURLE_RECV_ERROR, FETCH_ERR_TRANSFER,
	    "transfer failed: receive error", 1 },
	{ CURLE_PARTIAL_FILE, FETCH_ERR_TRANSFER,
	    "transfer failed: response ended early", 0 },
	{ CURLE_WEIRD_SERVER_REPLY, FETCH_ERR_TRANSFER,
	    "transfer failed: invalid HTTP response", 1 },
	{ CURLE_BAD_CONTENT_ENCODING, FETCH_ERR_TRANSFER,
	    "transfer failed: invalid content encoding", 1 },
	{ CURLE_HTTP2, FETCH_ERR_TRANSFER, "transfer failed: HTTP/2 error", 1 },
	{ CURLE_HTTP2_STREAM, FETCH_ERR_TRANSFER,
	    "transfer failed: HTTP/2 stream error", 1 },
	{ CURLE_OUT_OF_MEMORY, FETCH_ERR_TRANSFER,
	    "transfer failed: out of memory", 0 },
};

/* Options that every transfer gets, whatever the request. */
static const struct {
	CURLoption	 option;
	long		 value;
} fixed_long_options[] = {
	{ CURLOPT_NOSIGNAL, 1L },
	{ CURLOPT_NOPROGRESS, 1L },
	{ CURLOPT_FOLLOWLOCATION, 1L },
	{ CURLOPT_MAXREDIRS, FETCH_MAX_REDIRECTS },
	{ CURLOPT_SSL_VERIFYPEER, 1L },
	{ CURLOPT_SSL_VERIFYHOST, 2L },
	{ CURLOPT_TCP_KEEPALIVE, 1L },
};

static const struct {
	CURLoption	 option;
	const char	*value;
} fixed_string_options[] = {
	{ CURLOPT_PROTOCOLS_STR, FETCH_ALLOWED_PROTOCOLS },
	{ CURLOPT_REDIR_PROTOCOLS_STR, FETCH_ALLOWED_PROTOCOLS },
	/* "" offers every encoding libcurl can decode. */
	{ CURLOPT_ACCEPT_ENCODING, "" },
};

static const long auth_masks[FETCH_AUTH__MAX] = {
	[FETCH_AUTH_NONE] = 0,
	[FETCH_AUTH_BASIC] = CURLAUTH_BASIC,
	[FETCH_AUTH_NTLM] = CURLAUTH_NTLM,
};

const char *
fetch_method_name(enum fetch_method method)
{
	if ((unsigned)method >= FETCH_METHOD__MAX)
		return "?";
	return method_names[method];
}

const char *
fetch_error_name(enum fetch_error error)
{
	if ((unsigned)error >= FETCH_ERR__MAX)
		return "unknown";
	return error_kinds[error].name;
}

void
transfer_fail(struct fetch_request *req, enum fetch_error error,
    const char *fmt, ...)
{
	va_list	 ap;

	req->error = error;
	va_start(ap, fmt);
	vsnprintf(req->error_message, sizeof(req->error_message), fmt, ap);
	va_end(ap);
}

void
url_for_log(struct buf *out, const char *url)
{
	const char	*authority, *host, *at, *end;
	size_t		 authority_len;

	if (url == NULL) {
		buf_puts(out, "(no URL)");
		return;
	}

	/* Keep the scheme, drop "user:password@" from the authority. */
	authority = strstr(url, "://");
	authority = authority != NULL ? authority + 3 : url;
	buf_append(out, url, (size_t)(authority - url));
	authority_len = strcspn(authority, "/?#");
	host = authority;
	while ((at = memchr(host, '@',
	    authority_len - (size_t)(host - authority))) != NULL)
		host = at + 1;

	/* Query strings may carry API tokens (bitFit's api_token). */
	end = host + strcspn(host, "?#");
	buf_append(out, host, (size_t)(end - host));
}

/*
 * Append libcurl's error text to out, leaving out anything from a '?' to
 * the next space in case the text quotes a URL with its query string.
 */
static void
append_curl_detail(struct buf *out, const char *detail)
{
	size_t	 len;

	while (*detail != '\0') {
		len = strcspn(detail, "?\r\n");
		buf_append(out, detail, len);
		detail += len;
		if (*detail == '?')
			detail += strcspn(detail, " ");
		else if (*detail != '\0')
			detail++;
	}
	while (out->len > 0 && out->data[out->len - 1] == ' ')
		out->data[--out->len] = '\0';
}

static const struct curl_failure *
find_curl_failure(CURLcode code)
{
	size_t	 i;

	for (i = 0; i < sizeof(curl_failures) / sizeof(curl_failures[0]); i++)
		if (curl_failures[i].code == code)
			return &curl_failures[i];
	return NULL;
}

/* Turn a libcurl failure of t's attempt into the request's error. */
static void
map_curl_failure(struct fetch_transfer *t, CURLcode code, long attempt_ms)
{
	struct fetch_request		*req = t->req;
	const struct curl_failure	*failure;
	struct buf			 message = BUF_INIT;
	enum fetch_error		 error;

	failure = find_curl_failure(code);
	error = failure != NULL ? failure->error : FETCH_ERR_TRANSFER;
	if (t->too_large)
		error = FETCH_ERR_TOO_LARGE;

	/* Two kinds put a number in the message. The table has the rest. */
	if (error == FETCH_ERR_TIMEOUT)
		buf_printf(&message, "timed out after %ld ms", attempt_ms);
	else if (error == FETCH_ERR_TOO_LARGE)
		buf_printf(&message, "response larger than %zu bytes",
		    t->max_bytes);
	else if (failure != NULL)
		buf_puts(&message, failure->message);
	else
		buf_printf(&message, "transfer failed: %s",
		    curl_easy_strerror(code));

	if (failure != NULL && failure->with_detail && !t->too_large &&
	    t->errbuf[0] != '\0') {
		buf_puts(&message, " (");
		append_curl_detail(&message, t->errbuf);
		buf_puts(&message, ")");
	}

	transfer_fail(req, error, "%s", message.data);
	buf_free(&message);
}

static size_t
write_body(char *data, size_t size, size_t count, void *arg)
{
	struct fetch_transfer	*t = arg;
	struct buf		*body = &t->req->body;
	size_t			 len = size * count;

	/* Returning less than len aborts the transfer (CURLE_WRITE_ERROR). */
	if (len > t->max_bytes - body->len) {
		t->too_large = 1;
		return 0;
	}
	buf_append(body, data, len);
	return len;
}

/* Build the header list: the request's headers, plus "Expect:" for POST. */
static int
build_headers(struct fetch_transfer *t)
{
	const struct fetch_request	*req = t->req;
	struct curl_slist		*list;
	size_t				 i;

	for (i = 0; req->headers != NULL && req->headers[i] != NULL; i++) {
		list = curl_slist_append(t->headers, req->headers[i]);
		if (list == NULL)
			return -1;
		t->headers = list;
	}

	/* An empty Expect stops libcurl from waiting for "100 Continue". */
	if (req->method == FETCH_POST) {
		list = curl_slist_append(t->headers, "Expect:");
		if (list == NULL)
			return -1;
		t->headers = list;
	}
	return 0;
}

/* Set the options that depend on the request and the fetcher. */
static CURLcode
set_request_options(struct fetcher *f, struct fetch_transfer *t)
{
	const struct fetch_request	*req = t->req;
	CURL				*easy = t->easy;
	CURLcode			 rc;
	long				 timeout, connect_timeout;

	timeout = req->timeout_ms > 0 ? req->timeout_ms : f->timeout_ms;
	connect_timeout = req->connect_timeout_ms > 0 ?
	    req->connect_timeout_ms : f->connect_timeout_ms;

	if ((rc = curl_easy_setopt(easy, CURLOPT_URL, req->url)) ||
	    (rc = curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, timeout)) ||
	    (rc = curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
	    connect_timeout)) ||
	    (rc = curl_easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)t->max_bytes)) ||
	    (rc = curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, write_body)) ||
	    (rc = curl_easy_setopt(easy, CURLOPT_WRITEDATA, t)) ||
	    (rc = curl_easy_setopt(easy, CURLOPT_PRIVATE, t)) ||
	    (rc = curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, t->errbuf)) ||
	    (rc = curl_easy_setopt(easy, CURLOPT_HTTPHEADER, t->headers)) ||
	    (rc = curl_easy_setopt(easy, CURLOPT_USERAGENT, f->user_agent)) ||
	    (rc = curl_easy_setopt(easy, CURLOPT_SHARE, f->share)))
		return rc;

	/* An empty proxy also overrides http_proxy and friends. */
	rc = curl_easy_setopt(easy, CURLOPT_PROXY,
	    f->proxy != NULL ? f->proxy : "");
	if (rc != CURLE_OK)
		return rc;
	if (f->ca_file != NULL &&
	    (rc = curl_easy_setopt(easy, CURLOPT_CAINFO, f->ca_file)))
		return rc;

	if (req->method == FETCH_POST) {
		if ((rc = curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)req->post_data_len)) ||
		    (rc = curl_easy_setopt(easy, CURLOPT_POSTFIELDS,
		    req->post_data != NULL ? req->post_data : "")))
			return rc;
	} else if ((rc = curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L)))
		return rc;

	if (req->auth != FETCH_AUTH_NONE) {
		if ((rc = curl_easy_setopt(easy, CURLOPT_HTTPAUTH,
		    auth_masks[req->auth])) ||
		    (rc = curl_easy_setopt(easy, CURLOPT_USERNAME,
		    req->auth_user != NULL ? req->auth_user : "")) ||
		    (rc = curl_easy_setopt(easy, CURLOPT_PASSWORD,
		    req->auth_password != NULL ? req->auth_password : "")))
			return rc;
	}
	return CURLE_OK;
}

int
transfer_setup(struct fetcher *f, struct fetch_transfer *t)
{
	CURLcode	 rc = CURLE_OK;
	size_t		 i;

	t->errbuf[0] = '\0';
	t->too_large = 0;
	t->easy = curl_easy_init();
	if (t->easy == NULL) {
		transfer_fail(t->req, FETCH_ERR_TRANSFER,
		    "transfer failed: cannot create a libcurl handle");
		return -1;
	}
	if (build_headers(t) == -1) {
		rc = CURLE_OUT_OF_MEMORY;
		goto fail;
	}

	for (i = 0; i < sizeof(fixed_long_options) /
	    sizeof(fixed_long_options[0]); i++) {
		rc = curl_easy_setopt(t->easy, fixed_long_options[i].option,
		    fixed_long_options[i].value);
		if (rc != CURLE_OK)
			goto fail;
	}
	for (i = 0; i < sizeof(fixed_string_options) /
	    sizeof(fixed_string_options[0]); i++) {
		rc = curl_easy_setopt(t->easy, fixed_string_options[i].option,
		    fixed_string_options[i].value);
		if (rc != CURLE_OK)
			goto fail;
	}
	if ((rc = set_request_options(f, t)) != CURLE_OK)
		goto fail;
	return 0;

fail:
	transfer_fail(t->req, FETCH_ERR_TRANSFER,
	    "transfer failed: libcurl rejected an option: %s",
	    curl_easy_strerror(rc));
	transfer_release(t);
	return -1;
}

void
transfer_collect(struct fetch_transfer *t, CURLcode code)
{
	struct fetch_request	*req = t->req;
	curl_off_t		 retry_after = 0;
	const char		*content_type = NULL;
	long			 status = 0, connects = 0, attempt_ms;

	attempt_ms = fetch_now_ms() - t->attempt_started_ms;
	curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(t->easy, CURLINFO_NUM_CONNECTS, &connects);
	curl_easy_getinfo(t->easy, CURLINFO_CONTENT_TYPE, &content_type);

	/*
	 * libcurl turns an HTTP date into seconds from now and reports 0 when
	 * the header is missing.
	 */
	curl_easy_getinfo(t->easy, CURLINFO_RETRY_AFTER, &retry_after);

	req->status = status;
	req->new_connections += connects;
	req->retry_after_s = retry_after > 0 ? (long)retry_after : 0;
	free(req->content_type);
	req->content_type = content_type != NULL ? xstrdup(content_type) : NULL;

	if (code != CURLE_OK) {
		map_curl_failure(t, code, attempt_ms);
		buf_reset(&req->body);
	} else if (status < 200 || status > 299)
		transfer_fail(req, FETCH_ERR_HTTP_STATUS, "HTTP status %ld",
		    status);
	else {
		req->error = FETCH_OK;
		req->error_message[0] = '\0';
	}
	transfer_release(t);
}

void
transfer_release(struct fetch_transfer *t)
{
	if (t->easy != NULL)
		curl_easy_cleanup(t->easy);
	t->easy = NULL;
	curl_slist_free_all(t->headers);
	t->headers = NULL;
}

void
transfer_log_failure(const struct fetch_request *req)
{
	struct buf	 url = BUF_INIT;
	enum log_level	 level;

	level = error_kinds[req->error].level;

	/* A 404 may be a normal response, but a failing upstream is not. */
	if (req->error == FETCH_ERR_HTTP_STATUS &&
	    (req->status >= 500 || req->status == 429))
		level = LOG_LEVEL_WARN;

	url_for_log(&url, req->url);
	log_msg(level, FETCH_LOG, "%s: %s %s failed: %s (%d attempt%s, %ld ms)",
	    req->source, fetch_method_name(req->method), url.data,
	    req->error_message, req->attempts, req->attempts == 1 ? "" : "s",
	    req->elapsed_ms);
	buf_free(&url);
}
