/*
 * Tests for the fetch layer against the fake HTTP server, which runs in a
 * child process on 127.0.0.1. They cover parallel transfers, timeouts, the
 * page deadline, retries, size and protocol limits and the per-source cap.
 * They also cover follow-up requests, the response and token caches,
 * connection reuse and what reaches the log.
 */

#include <sys/socket.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "buf.h"
#include "fetch.h"
#include "http_server.h"
#include "log.h"

#define URL_MAX		512

/* ---- the fake upstream -------------------------------------------------- */

/* The delay of the response to each /concurrent request. */
#define CONCURRENT_DELAY_MS	150

/*
 * A body of 65536 'a' bytes compressed with gzip (Python's gzip.compress
 * with mtime 0): small on the wire, large once decoded.
 */
static const unsigned char gzip_64k[] = {
	0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xed, 0xc1,
	0x81, 0x00, 0x00, 0x00, 0x00, 0x80, 0x20, 0xd6, 0xfd, 0x25, 0x16, 0xa9,
	0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x6a, 0xff, 0x91, 0x20, 0xc3, 0x00, 0x00, 0x01,
	0x00,
};

/* State of the server child: hits per key and /concurrent arrivals. */
static struct {
	struct {
		char	 key[64];
		int	 hits;
	}	 keys[256];
	size_t	 key_count;
	long	 arrivals[256];
	size_t	 arrival_count;
	int	 max_concurrent;
} upstream;

static char *
query_value(const struct http_request *req, const char *name)
{
	return http_form_value(req->query, strlen(req->query), name);
}

static long
query_long(const struct http_request *req, const char *name, long fallback)
{
	char	*value = query_value(req, name);
	long	 n = fallback;

	if (value != NULL)
		n = strtol(value, NULL, 10);
	free(value);
	return n;
}

/* Count a hit on the request's key= parameter and return the new count. */
static int
count_hit(const struct http_request *req)
{
	char	*key = query_value(req, "key");
	size_t	 i;
	int	 hits = 0;

	if (key == NULL)
		key = strdup("");
	for (i = 0; i < upstream.key_count; i++)
		if (strcmp(upstream.keys[i].key, key) == 0)
			break;
	if (i == upstream.key_count && i < 256) {
		snprintf(upstream.keys[i].key, sizeof(upstream.keys[i].key),
		    "%s", key);
		upstream.key_count++;
	}
	if (i < 256)
		hits = ++upstream.keys[i].hits;
	free(key);
	return hits;
}

static void
serve_fast(const struct http_request *req, struct http_response *resp)
{
	(void)req;
	http_response_text(resp, 200, "fast");
}

static void
serve_delay(const struct http_request *req, struct http_response *resp)
{
	resp->delay_ms = (int)query_long(req, "ms", 300);
	http_response_text(resp, 200, "delayed");
}

static void
serve_drop(const struct http_request *req, struct http_response *resp)
{
	(void)req;
	resp->drop = 1;
}

static void
serve_status(const struct http_request *req, struct http_response *resp)
{
	http_response_text(resp, (int)query_long(req, "code", 500),
	    "failure page");
}

/*
 * 429 with Retry-After for the first `times` hits of a key, then 200.
 * Retry-After is in seconds, or an HTTP date when date=1.
 */
static void
serve_limited(const struct http_request *req, struct http_response *resp)
{
	struct tm	 tm;
	time_t		 when;
	char		 after[64];

	if (count_hit(req) <= query_long(req, "times", 1)) {
		if (query_long(req, "date", 0)) {
			when = time(NULL) + query_long(req, "after", 1);
			gmtime_r(&when, &tm);
			strftime(after, sizeof(after),
			    "%a, %d %b %Y %H:%M:%S GMT", &tm);
		} else
			snprintf(after, sizeof(after), "%ld",
			    query_long(req, "after", 1));
		http_response_add_header(resp, "Retry-After", after);
		http_response_text(resp, 429, "slow down");
	} else
		http_response_text(resp, 200, "ok");
}

/* 503 without Retry-After on the first hit of a key, then 200. */
static void
serve_unavailable(const struct http_request *req, struct http_response *resp)
{
	if (count_hit(req) == 1)
		http_response_text(resp, 503, "busy");
	else
		http_response_text(resp, 200, "ok");
}

/* Google's way of saying "rate limited" on the first hit, then 200. */
static void
serve_quota(const struct http_request *req, struct http_response *resp)
{
	if (count_hit(req) == 1) {
		resp->status = 403;
		buf_puts(&resp->body, "{\"error\":{\"code\":403,\"errors\":"
		    "[{\"reason\":\"userRateLimitExceeded\"}]}}");
	} else
		http_response_text(resp, 200, "ok");
}

static void
serve_count(const struct http_request *req, struct http_response *resp)
{
	buf_printf(&resp->body, "%d", count_hit(req));
}

static void
serve_big(const struct http_request *req, struct http_response *resp)
{
	long	 i, n = query_long(req, "n", 1000);

	for (i = 0; i < n; i++)
		buf_putc(&resp->body, 'x');
}

static void
serve_gzip(const struct http_request *req, struct http_response *resp)
{
	(void)req;
	http_response_add_header(resp, "Content-Encoding", "gzip");
	buf_append(&resp->body, gzip_64k, sizeof(gzip_64k));
}

static void
serve_redirect(const struct http_request *req, struct http_response *resp)
{
	char	*to = query_value(req, "to");

	http_response_redirect(resp, to != NULL ? to : "/fast");
	free(to);
}

static void
serve_loop(const struct http_request *req, struct http_response *resp)
{
	(void)req;
	http_response_redirect(resp, "/loop");
}

static void
serve_echo_auth(const struct http_request *req, struct http_response *resp)
{
	const char	*auth = http_request_header(req, "Authorization");

	buf_puts(&resp->body, auth != NULL ? auth : "none");
}

/*
 * Record the arrival and the number of requests in flight. The client
 * cannot send a new request before an earlier one got its response, which
 * takes CONCURRENT_DELAY_MS, so arrivals within a shorter window were in
 * flight together.
 */
static void
serve_concurrent(const struct http_request *req, struct http_response *resp)
{
	long	 now = fetch_now_ms();
	size_t	 i;
	int	 in_flight = 1;

	(void)req;
	for (i = 0; i < upstream.arrival_count; i++)
		if (upstream.arrivals[i] > now - (CONCURRENT_DELAY_MS - 20))
			in_flight++;
	if (in_flight > upstream.max_concurrent)
		upstream.max_concurrent = in_flight;
	if (upstream.arrival_count < 256)
		upstream.arrivals[upstream.arrival_count++] = now;
	resp->delay_ms = CONCURRENT_DELAY_MS;
	http_response_text(resp, 200, "counted");
}

static void
serve_concurrent_max(const struct http_request *req,
    struct http_response *resp)
{
	(void)req;
	buf_printf(&resp->body, "%d", upstream.max_concurrent);
	upstream.max_concurrent = 0;
	upstream.arrival_count = 0;
}

static const struct route {
	const char	*path;
	void		(*serve)(const struct http_request *,
			    struct http_response *);
} routes[] = {
	{ "/fast", serve_fast },
	{ "/delay", serve_delay },
	{ "/drop", serve_drop },
	{ "/status", serve_status },
	{ "/limited", serve_limited },
	{ "/unavailable", serve_unavailable },
	{ "/quota", serve_quota },
	{ "/count", serve_count },
	{ "/big", serve_big },
	{ "/gzip", serve_gzip },
	{ "/redirect", serve_redirect },
	{ "/loop", serve_loop },
	{ "/echo-auth", serve_echo_auth },
	{ "/concurrent", serve_concurrent },
	{ "/concurrent-max", serve_concurrent_max },
};

static void
upstream_handler(const struct http_request *req, struct http_response *resp,
    void *arg)
{
	size_t	 i;

	(void)arg;
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		if (strcmp(req->path, routes[i].path) == 0) {
			routes[i].serve(req, resp);
			return;
		}
	}
	http_response_text(resp, 404, "no such route");
}

static pid_t	 server_pid;
static int	 server_port;

static int
start_upstream(void **state)
{
	struct http_server	*srv;
	int			 fds[2], port = -1;

	(void)state;
	if (pipe(fds) != 0)
		return -1;
	server_pid = fork();
	if (server_pid < 0)
		return -1;
	if (server_pid == 0) {
		close(fds[0]);
		srv = http_server_new("127.0.0.1:0", upstream_handler, NULL);
		if (srv != NULL)
			port = http_server_port(srv);
		(void)!write(fds[1], &port, sizeof(port));
		close(fds[1]);
		if (srv == NULL)
			_exit(3);
		http_server_run(srv);
		http_server_free(srv);
		_exit(0);
	}
	close(fds[1]);
	if (read(fds[0], &port, sizeof(port)) != sizeof(port) || port <= 0)
		return -1;
	close(fds[0]);
	server_port = port;
	return 0;
}

static int
stop_upstream(void **state)
{
	int	 status;

	(void)state;
	kill(server_pid, SIGTERM);
	waitpid(server_pid, &status, 0);
	return 0;
}

/* ---- a keep-alive server ------------------------------------------------ */

/*
 * The fake server closes every connection after one response, so reuse is
 * tested against this one: it keeps connections open, counts the ones it
 * accepted and responds with "accepted=N authorization=VALUE".
 */
#define KEEPALIVE_CONNECTIONS	8

static void
keepalive_answer(int fd, const char *head, int accepted)
{
	struct buf	 body = BUF_INIT, resp = BUF_INIT;
	const char	*auth;
	size_t		 len;

	auth = strcasestr(head, "\r\nAuthorization: ");
	buf_printf(&body, "accepted=%d authorization=", accepted);
	if (auth != NULL) {
		auth += strlen("\r\nAuthorization: ");
		len = strcspn(auth, "\r");
		buf_append(&body, auth, len);
	} else
		buf_puts(&body, "none");
	buf_printf(&resp, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
	    "Content-Length: %zu\r\n\r\n%s", body.len, body.data);
	(void)!write(fd, resp.data, resp.len);
	buf_free(&body);
	buf_free(&resp);
}

static void
keepalive_serve(int listen_fd)
{
	struct pollfd	 fds[KEEPALIVE_CONNECTIONS + 1];
	struct buf	 in[KEEPALIVE_CONNECTIONS + 1];
	char		 chunk[4096], *end;
	ssize_t		 n;
	nfds_t		 count = 1, i;
	int		 fd, accepted = 0;

	memset(in, 0, sizeof(in));
	fds[0].fd = listen_fd;
	fds[0].events = POLLIN;
	for (;;) {
		if (poll(fds, count, -1) < 0)
			continue;
		if ((fds[0].revents & POLLIN) &&
		    (fd = accept(listen_fd, NULL, NULL)) >= 0) {
			accepted++;
			if (count > KEEPALIVE_CONNECTIONS)
				close(fd);
			else {
				fds[count].fd = fd;
				fds[count].events = POLLIN;
				fds[count].revents = 0;
				buf_reset(&in[count]);
				count++;
			}
		}
		for (i = 1; i < count; i++) {
			if (fds[i].revents == 0)
				continue;
			n = read(fds[i].fd, chunk, sizeof(chunk));
			if (n <= 0) {
				close(fds[i].fd);
				fds[i] = fds[count - 1];
				buf_free(&in[i]);
				in[i] = in[count - 1];
				memset(&in[count - 1], 0, sizeof(in[0]));
				count--;
				i--;
				continue;
			}
			buf_append(&in[i], chunk, (size_t)n);
			while ((end = strstr(in[i].data, "\r\n\r\n")) != NULL) {
				*end = '\0';
				keepalive_answer(fds[i].fd, in[i].data,
				    accepted);
				n = (ssize_t)(end + 4 - in[i].data);
				memmove(in[i].data, in[i].data + n,
				    in[i].len - (size_t)n + 1);
				in[i].len -= (size_t)n;
			}
		}
	}
}

struct keepalive {
	pid_t	 pid;
	int	 port;
};

static void
keepalive_start(struct keepalive *ka)
{
	struct sockaddr_in	 sin = { .sin_family = AF_INET };
	socklen_t		 len = sizeof(sin);
	int			 fd;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(fd, 16), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	ka->port = ntohs(sin.sin_port);
	ka->pid = fork();
	assert_true(ka->pid >= 0);
	if (ka->pid == 0) {
		keepalive_serve(fd);
		_exit(0);
	}
	close(fd);
}

static void
keepalive_stop(struct keepalive *ka)
{
	int	 status;

	kill(ka->pid, SIGTERM);
	waitpid(ka->pid, &status, 0);
}

/* ---- helpers ------------------------------------------------------------ */

static void
make_url(char *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Write "http://127.0.0.1:PORT" followed by the formatted path to out. */
static void
make_url(char *out, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	n = snprintf(out, URL_MAX, "http://127.0.0.1:%d", server_port);
	va_start(ap, fmt);
	vsnprintf(out + n, URL_MAX - (size_t)n, fmt, ap);
	va_end(ap);
}

/* Count the calls in the int that req->arg points to. */
static void
count_done(struct fetcher *f, struct fetch_request *req)
{
	(void)f;
	(*(int *)req->arg)++;
}

static void
setup_request(struct fetch_request *req, const char *source, const char *url,
    int *calls)
{
	fetch_request_init(req);
	req->source = source;
	req->url = url;
	req->done = count_done;
	req->arg = calls;
}

/* Add req, run with a 5 s deadline and require that done ran once. */
static void
run_one(struct fetcher *f, struct fetch_request *req)
{
	int	*calls = req->arg;
	int	 before = *calls;

	assert_int_equal(fetch_add(f, req), 0);
	assert_int_equal(fetch_run(f, fetch_now_ms() + 5000), 0);
	assert_int_equal(*calls, before + 1);
}

static void
sleep_ms(long ms)
{
	struct timespec	 ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* ---- transfers ---------------------------------------------------------- */

static void
test_get_ok(void **state)
{
	struct fetcher		*f = fetcher_new(NULL);
	struct fetch_request	 req;
	char			 url[URL_MAX];
	int			 calls = 0;

	(void)state;
	make_url(url, "/fast");
	setup_request(&req, "test", url, &calls);
	assert_int_equal(fetch_add(f, &req), 0);
	assert_int_equal(calls, 0);
	assert_int_equal(fetch_run(f, fetch_now_ms() + 5000), 0);
	assert_int_equal(calls, 1);
	assert_int_equal(req.error, FETCH_OK);
	assert_string_equal(req.error_message, "");
	assert_int_equal(req.status, 200);
	assert_string_equal(req.body.data, "fast\n");
	assert_non_null(req.content_type);
	assert_non_null(strstr(req.content_type, "text/plain"));
	assert_int_equal(req.attempts, 1);
	assert_int_equal(req.from_cache, 0);
	assert_null(req.transfer);

	/* Nothing left: a second run returns at once. */
	assert_int_equal(fetch_run(f, fetch_now_ms() + 5000), 0);
	assert_int_equal(calls, 1);
	fetch_request_clear(&req);
	fetcher_free(f);
}

static void
test_parallel_requests(void **state)
{
	enum { COUNT = 5 };
	struct fetcher		*f = fetcher_new(NULL);
	struct fetch_request	 reqs[COUNT];
	char			 url[URL_MAX];
	long			 start, took;
	int			 calls = 0, i;

	(void)state;
	make_url(url, "/delay?ms=300");
	for (i = 0; i < COUNT; i++) {
		setup_request(&reqs[i], "test", url, &calls);
		assert_int_equal(fetch_add(f, &reqs[i]), 0);
	}
	start = fetch_now_ms();
	assert_int_equal(fetch_run(f, start + 5000), 0);
	took = fetch_now_ms() - start;
	assert_int_equal(calls, COUNT);
	for (i = 0; i < COUNT; i++) {
		assert_int_equal(reqs[i].error, FETCH_OK);
		assert_string_equal(reqs[i].body.data, "delayed\n");
		fetch_request_clear(&reqs[i]);
	}

	/* In series they would take COUNT * 300 ms. */
	if (took >= 600)
		fail_msg("%d requests of 300 ms took %ld ms together", COUNT,
		    took);
	fetcher_free(f);
}

static void
test_request_timeout(void **state)
{
	struct fetcher		*f = fetcher_new(NULL);
	struct fetch_request	 req;
	char			 url[URL_MAX];
	int			 calls = 0;

	(void)state;
	make_url(url, "/delay?ms=3000");
	setup_request(&req, "test", url, &calls);
	req.timeout_ms = 300;
	run_one(f, &req);
	assert_int_equal(req.error, FETCH_ERR_TIMEOUT);
	assert_string_equal(fetch_error_name(req.error), "timeout");
	assert_non_null(strstr(req.error_message, "timed out after"));
	assert_true(req.elapsed_ms < 2000);
	assert_int_equal(req.attempts, 1);
	fetch_request_clear(&req);
	fetcher_free(f);
}

static void
test_deadline_drops_unfinished(void **state)
{
	struct fetcher		*f = fetcher_new(NULL);
	struct fetch_request	 fast, slow;
	char			 fast_url[URL_MAX], slow_url[URL_MAX];
	long			 start;
	int			 calls = 0;

	(void)state;
	make_url(fast_url, "/fast");
	make_url(slow_url, "/delay?ms=5000");
	setup_request(&fast, "test", fast_url, &calls);
	setup_request(&slow, "test", slow_url, &calls);
	assert_int_equal(fetch_add(f, &fast), 0);
	assert_int_equal(fetch_add(f, &slow), 0);

	start = fetch_now_ms();
	assert_int_equal(fetch_run(f, start + 500), 1);
	assert_true(fetch_now_ms() - start < 2000);
	assert_int_equal(calls, 2);
	assert_int_equal(fast.error, FETCH_OK);
	assert_int_equal(slow.error, FETCH_ERR_DEADLINE);
	assert_non_null(strstr(slow.error_message, "timed out at the page deadline"));
	assert_null(slow.transfer);
	fetch_request_clear(&fast);
	fetch_request_clear(&slow);
	fetcher_free(f);
}

static void
test_dropped_connection(void **state)
{
	struct fetcher		*f = fetcher_new(NULL);
	struct fetch_request	 req;
	char			 url[URL_MAX];
	int			 calls = 0;

	(void)state;
	make_url(url, "/drop");
	setup_request(&req, "test", url, &calls);
	run_one(f, &req);
	assert_int_equal(req.error, FETCH_ERR_TRANSFER);
	assert_non_null(strstr(req.error_message, "without a response"));
	fetch_request_clear(&req);
	fetcher_free(f);
}

static void
test_connection_refused(void **state)
{
	struct sockaddr_in	 sin = { .sin_family = AF_INET };
	socklen_t		 len = sizeof(sin);
	struct fetcher		*f = fetcher_new(NULL);
	struct fetch_request	 req;
	char			 url[URL_MAX];
	int			 calls = 0, fd;

	(void)state;

	/* A port that was just free and has no listener. */
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", ntohs(sin.sin_port));
	close(fd);

	setup_request(&req, "test", url, &calls);
	run_one(f, &req);
	assert_int_equal(req.error, FETCH_ERR_CONNECT);
	assert_non_null(strstr(req.error_message, "connection failed"));
	fetch_request_clear(&req);
	fetcher_free(f);
}

static void
test_http_error_status(void **state)
{
	static const long codes[] = { 401, 404, 500 };
	struct fetcher		*f = fetcher_new(NULL);
	struct fetch_request	 req;
	char			 url[URL_MAX], expected[64];
	size_t			 i;
	int			 calls = 0;

	(void)state;
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		make_url(url, "/status?code=%ld", codes[i]);
		setup_request(&req, "test", url, &calls);
		run_one(f, &req);
		assert_int_equal(req.error, FETCH_ERR_HTTP_STATUS);
		assert_int_equal(req.status, codes[i]);
		snprintf(expected, sizeof(expected), "HTTP status %ld",
		    codes[i]);
		assert_string_equal(req.error_message, expected);
		assert_int_equal(req.attempts, 1);
		assert_string_equal(req.body.data, "failure page\n");
		fetch_request_clear(&req);
	}
	fetcher_free(f);
}

/* ---- retries ------------------------------------------------------------ */

static void
test_retry_503_then_ok(void **state)
{
	struct fetcher		*f = fetcher_new(NULL);
	struct fetch_request	 req;
	char			 url[URL_MAX];
	int			 calls = 0;

	(void)state;
	make_url(url, "/unavailable?key=retry503");
	setup_request(&req, "test", url, &calls);
	run_one(f, &req);
	assert_int_equal(req.error, FETCH_OK);
	assert_int_equal(req.status, 200);
	assert_int_equal(req.attempts, 2);
	assert_string_equal(req.body.data, "ok\n");
	fetch_request_clear(&req);
	fetcher_free(f);
}

static void
test_retry_after_429(void **state)
{
	struct fetcher		*f = fetcher_new(NULL);
	struct fetch_request	 req, other;
	char			 url[URL_MAX], other_url[URL_MAX];
	int			 calls = 0;

	(void)state;
	make_url(url, "/limited?key=retry429&after=1");
	make_url(other_url, "/fast");
	setup_request(&req, "test", url, &calls);
	setup_request(&other, "test", other_url, &calls);
	assert_int_equal(fetch_add(f, &req), 0);
	assert_int_equal(fetch_add(f, &other), 0);
	assert_int_equal(fetch_run(f, fetch_now_ms() + 5000), 0);
	assert_int_equal(calls, 2);

	assert_int_equal(req.error, FETCH_OK);
	assert_int_equal(req.attempts, 2);
	assert_true(req.elapsed_ms >= 950);

	/* The wait for the retry did not hold up the other transfer. */
	assert_int_equal(other.error, FETCH_OK);
	assert_true(other.elapsed_ms < 900);
	fetch_request_clear(&req);
	fetch_request_clear(&other);
	fetcher_free(f);
}

static void
test_retry_after_http_date(void **state)
{
	struct fetcher		*f = fetcher_new(NULL);
	struct fetch_request	 req;
	char			 url[URL_MAX];
	int			 calls = 0;

	(void)state;

	/* Whole seconds: a date 2 s ahead is 1 to 2 s away. */
	make_url(url, "/limited?key=date429&after=2&date=1");
	setup_request(&req, "test", url, &calls);
	run_one(f, &req);
	assert_int_equal(req.error, FETCH_OK);
	assert_int_equal(req.attempts, 2);
	assert_true(req.elapsed_ms >= 900);
	fetch_request_clear(&req);
	fetcher_free(f);
}

static void
test_retry_stops_at_deadline(void **state)
{
	struct fetcher		*f = fetcher_new(NULL);
	struct fetch_request	 req;
	char			 url[URL_MAX];
	long			 deadline;
	int			 calls = 0;

	(void)state;
	make_url(url, "/limited?key=always429&after=1&times=100");
	setup_request(&req, "test", url, &calls);
	assert_int_equal(fetch_add(f, &req), 0);
	deadline = fetch_now_ms() + 1600;

	/* One retry fits before the deadline, a second one would not. */
	assert_int_equal(fetch_run(f, deadline), 0);
	assert_true(fetch_now_ms() < deadline);
	assert_int_equal(calls, 1);
	assert_int_equal(req.error, FETCH_ERR_HTTP_STATUS);
	assert_int_equal(req.status, 429);
	assert_int_equal(req.retry_after_s, 1);
	assert_int_equal(req.attempts, 2);
	assert_non_null(strstr(req.error_message, "not retried"));
	fetch_request_clear(&req);
	fetcher_free(f);
}

static void
test_retry_after_past_deadline(void **state)
{
	struct fetcher		*f = fetcher_new(NULL);
	struct fetch_request	 req;
	char			 url[URL_MAX];
	int			 calls = 0;

	(void)state;
	make_url(url, "/limited?key=long429&after=30");
	setup_request(&req, "test", url, &calls);
	assert_int_equal(fetch_add(f, &req), 0);
	assert_int_equal(fetch_run(f, fetch_now_ms() + 2000), 0);
	assert_int_equal(req.error, FETCH_ERR_HTTP_STATUS);
	assert_int_equal(req.status, 429);
	assert_int_equal(req.retry_after_s, 30);
	assert_int_equal(req.attempts, 1);
	assert_true(req.elapsed_ms < 1000);
	fetch_request_clear(&req);
	fetcher_free(f);
}

static void
test_retry_max_attempts(void **state)
{
	struct fetch_options	 opts = { .max_attempts = 2 };
	struct fetcher		*f = fetcher_new(&opts);
	struct fetch_request	 req;
	char			 url[URL_MAX];
	int			 calls = 0;

	(void)state;
	make_url(url, "/status?code=503");
	setup_request(&req, "test", url, &calls);
	run_one(f, &req);
	assert_int_equal(req.error, FETCH_ERR_HTTP_STATUS);
	assert_int_equal(req.status, 503);
	assert_int_equal(req.attempts, 2);
	assert_non_null(strstr(req.error_message, "gave up after 2 attempts"));
	fetch_request_clear(&req);
	fetcher_free(f);
}

static int
is_rate_limited(const struct fetch_request *req)
{
	return req->status == 403 &&
	    strstr(req->body.data, "userRateLimitExceeded") != NULL;
}

static void
test_retry_predicate(void **state)
{
	struct fetcher		*f = fetcher_new(NULL);
	struct fetch_request	 req;
	char			 url[URL_MAX];
	int			 calls = 0;

	(void)state;
	make_url(url, "/quota?key=quota-retried");
	setup_request(&req, "google", url, &calls);
	req.retry_if = is_rate_limited;
	run_one(f, &req);
	assert_int_equal(req.error, FETCH_OK);
	assert_int_equal(req.attempts, 2);
	fetch_request_clear(&req);

	/* Without the predicate a 403 is final. */
	make_url(url, "/quota?key=quota-final");
	setup_request(&req, "google", url, &calls);
	run_one(f, &req);
	assert_int_equal(req.error, FETCH_ERR_HTTP_STATUS);
	assert_int_equal(req.status, 403);
	assert_int_equal(req.attempts, 1);
	assert_non_null(strstr(req.body.data, "userRateLimitExceeded"));
	fetch_request_clear(&req);
	fetcher_free(f);
}

/* ---- limits ------------------------------------------------------------- */

static void
test_size_limit(void **state)
{
	struct fetcher		*f = fetcher_new(NULL);
	struct fetch_request	 req;
	char			 url[URL_MAX];
	int			 calls = 0;

	(void)state;
	make_url(url, "/big?n=100000");
	setup_request(&req, "test", url, &calls);
	req.max_response_bytes = 10000;
	run_one(f, &req);
	assert_int_equal(req.error, FETCH_ERR_TOO_LARGE);
	assert_string_equal(req.error_message,
	    "response larger than 10000 bytes");
	assert_int_equal(req.body.len, 0);
	fetch_request_clear(&req);

	/* Exactly at the limit is fine. */
	make_url(url, "/big?n=10000");
	setup_request(&req, "test", url, &calls);
	req.max_response_bytes = 10000;
	run_one(f, &req);
	assert_int_equal(req.error, FETCH_OK);
	assert_int_equal(req.body.len, 10000);
	fetch_request_clear(&req);
	fetcher_free(f);
}

static void
test_size_limit_after_decoding(void **state)
{
	struct fetcher		*f = fetcher_new(NULL);
	struct fetch_request	 req;
	char			 url[URL_MAX];
	int			 calls = 0;

	(void)state;
	make_url(url, "/gzip");
	setup_request(&req, "test", url, &calls);
	req.max_response_bytes = 10000;
	run_one(f, &req);
	assert_int_equal(req.error, FETCH_ERR_TOO_LARGE);
	assert_int_equal(req.body.len, 0);
	fetch_request_clear(&req);

	/* With room for it, the decoded body arrives whole. */
	setup_request(&req, "test", url, &calls);
	req.max_response_bytes = 65536;
	run_one(f, &req);
	assert_int_equal(req.error, FETCH_OK);
	assert_int_equal(req.body.len, 65536);
	assert_int_equal(req.body.data[65535], 'a');
	fetch_request_clear(&req);
	fetcher_free(f);
}

static void
test_protocol_refused(void **state)
{
	struct fetcher		*f = fetcher_new(NULL);
	struct fetch_request	 req;
	char			 url[URL_MAX];
	size_t			 i;
	int			 calls = 0;

	(void)state;
	for (i = 0; i < 3; i++) {
		if (i == 0)
			snprintf(url, sizeof(url), "file:///etc/hostname");
		else if (i == 1)
			make_url(url, "/redirect?to=file:///etc/hostname");
		else
			make_url(url, "/redirect?to=ftp://127.0.0.1/file");
		setup_request(&req, "test", url, &calls);
		run_one(f, &req);
		if (req.error != FETCH_ERR_PROTOCOL)
			fail_msg("%s: error %s (%s), expected protocol", url,
			    fetch_error_name(req.error), req.error_message);
		assert_int_equal(req.body.len, 0);
		fetch_request_clear(&req);
	}
	fetcher_free(f);
}

static void
test_redirects(void **state)
{
	struct fetcher		*f = fetcher_new(NULL);
	struct fetch_request	 req;
	char			 url[URL_MAX];
	int			 calls = 0;

	(void)state;
	make_url(url, "/redirect?to=/fast");
	setup_request(&req, "test", url, &calls);
	run_one(f, &req);
	assert_int_equal(req.error, FETCH_OK);
	assert_string_equal(req.body.data, "fast\n");
	fetch_request_clear(&req);

	make_url(url, "/loop");
	setup_request(&req, "test", url, &calls);
	run_one(f, &req);
	assert_int_equal(req.error, FETCH_ERR_PROTOCOL);
	assert_non_null(strstr(req.error_message, "too many redirects"));
	fetch_request_clear(&req);
	fetcher_free(f);
}

static void
test_redirect_drops_credentials(void **state)
{
	static const char *const bearer[] = {
		"Authorization: Bearer secret-token", NULL
	};
	struct keepalive	 ka;
	struct fetcher		*f = fetcher_new(NULL);
	struct fetch_request	 req;
	char			 url[URL_MAX], target[URL_MAX];
	int			 calls = 0;

	(void)state;
	keepalive_start(&ka);
	snprintf(target, sizeof(target), "http://127.0.0.1:%d/other", ka.port);

	/* A direct request carries the header. */
	setup_request(&req, "test", target, &calls);
	req.headers = bearer;
	run_one(f, &req);
	assert_int_equal(req.error, FETCH_OK);
	assert_non_null(strstr(req.body.data,
	    "authorization=Bearer secret-token"));
	fetch_request_clear(&req);

	/* A redirect to another port carries neither header nor password. */
	make_url(url, "/redirect?to=%s", target);
	setup_request(&req, "test", url, &calls);
	req.headers = bearer;
	run_one(f, &req);
	assert_int_equal(req.error, FETCH_OK);
	assert_non_null(strstr(req.body.data, "authorization=none"));
	fetch_request_clear(&req);

	setup_request(&req, "test", url, &calls);
	req.auth = FETCH_AUTH_BASIC;
	req.auth_user = "user";
	req.auth_password = "pass";
	run_one(f, &req);
	assert_int_equal(req.error, FETCH_OK);
	assert_non_null(strstr(req.body.data, "authorization=none"));
	fetch_request_clear(&req);

	fetcher_free(f);
	keepalive_stop(&ka);
}

static void
test_source_cap(void **state)
{
	enum { COUNT = 8 };
	struct fetcher		*f = fetcher_new(NULL);
	struct fetch_request	 reqs[COUNT], max;
	char			 url[URL_MAX], max_url[URL_MAX];
	int			 calls = 0, i;

	(void)state;
	make_url(url, "/concurrent");
	make_url(max_url, "/concurrent-max");
	fetcher_set_source_limit(f, "jamf", 2);

	/* Clear what earlier tests left on the server. */
	setup_request(&max, "stats", max_url, &calls);
	run_one(f, &max);
	fetch_request_clear(&max);

	for (i = 0; i < COUNT; i++) {
		setup_request(&reqs[i], "jamf", url, &calls);
		assert_int_equal(fetch_add(f, &reqs[i]), 0);
	}
	assert_int_equal(fetch_run(f, fetch_now_ms() + 5000), 0);
	for (i = 0; i < COUNT; i++) {
		assert_int_equal(reqs[i].error, FETCH_OK);
		fetch_request_clear(&reqs[i]);
	}
	setup_request(&max, "stats", max_url, &calls);
	run_one(f, &max);
	assert_true(atoi(max.body.data) >= 1);
	if (atoi(max.body.data) > 2)
		fail_msg("the server saw %s concurrent requests, cap 2",
		    max.body.data);
	fetch_request_clear(&max);

	/* Another source has no cap, so the server gets more at once. */
	for (i = 0; i < COUNT; i++) {
		setup_request(&reqs[i], "bitfit", url, &calls);
		assert_int_equal(fetch_add(f, &reqs[i]), 0);
	}
	assert_int_equal(fetch_run(f, fetch_now_ms() + 5000), 0);
	for (i = 0; i < COUNT; i++)
		fetch_request_clear(&reqs[i]);
	setup_request(&max, "stats", max_url, &calls);
	run_one(f, &max);
	if (atoi(max.body.data) <= 2)
		fail_msg("without a cap the server saw only %s concurrent "
		    "requests", max.body.data);
	fetch_request_clear(&max);
	fetcher_free(f);
}

/* ---- follow-up requests and the loop ------------------------------------ */

struct chain {
	struct fetch_request	 reqs[3];
	char			 urls[3][URL_MAX];
	int			 next;
	int			 calls;
	int			 nested_run;
};

/* Add the next request of the chain from the done callback of the last. */
static void
chain_done(struct fetcher *f, struct fetch_request *req)
{
	struct chain	*c = req->arg;

	c->calls++;
	assert_int_equal(req->error, FETCH_OK);
	c->nested_run = fetch_run(f, fetch_now_ms() + 1000);
	if (c->next < 3)
		assert_int_equal(fetch_add(f, &c->reqs[c->next++]), 0);
}

static void
test_follow_up_requests(void **state)
{
	struct fetcher	*f = fetcher_new(NULL);
	struct chain	*c = calloc(1, sizeof(*c));
	int		 i;

	(void)state;
	for (i = 0; i < 3; i++) {
		make_url(c->urls[i], "/count?key=chain-%d", i);
		fetch_request_init(&c->reqs[i]);
		c->reqs[i].source = "jamf";
		c->reqs[i].url = c->urls[i];
		c->reqs[i].done = chain_done;
		c->reqs[i].arg = c;
	}
	assert_int_equal(fetch_add(f, &c->reqs[0]), 0);
	c->next = 1;
	assert_int_equal(fetch_run(f, fetch_now_ms() + 5000), 0);
	assert_int_equal(c->calls, 3);
	assert_int_equal(c->nested_run, -1);
	for (i = 0; i < 3; i++) {
		assert_int_equal(c->reqs[i].error, FETCH_OK);
		assert_string_equal(c->reqs[i].body.data, "1");
		fetch_request_clear(&c->reqs[i]);
	}
	free(c);
	fetcher_free(f);
}

static void
test_free_ends_pending(void **state)
{
	struct fetcher		*f = fetcher_new(NULL);
	struct fetch_request	 req;
	char			 url[URL_MAX];
	int			 calls = 0;

	(void)state;
	make_url(url, "/fast");
	setup_request(&req, "test", url, &calls);
	assert_int_equal(fetch_add(f, &req), 0);
	fetcher_free(f);
	assert_int_equal(calls, 1);
	assert_int_equal(req.error, FETCH_ERR_DEADLINE);
	assert_null(req.transfer);
	fetch_request_clear(&req);
}

static void
test_add_rejects_invalid(void **state)
{
	static const char *const bad_header[] = {
		"X-Test: a\r\nX-Injected: b", NULL
	};
	struct fetcher		*f = fetcher_new(NULL);
	struct fetch_request	 req;
	char			 url[URL_MAX];
	int			 calls = 0;

	(void)state;
	make_url(url, "/fast");

	setup_request(&req, "test", NULL, &calls);
	assert_int_equal(fetch_add(f, &req), -1);
	setup_request(&req, NULL, url, &calls);
	assert_int_equal(fetch_add(f, &req), -1);
	setup_request(&req, "test", url, &calls);
	req.done = NULL;
	assert_int_equal(fetch_add(f, &req), -1);
	setup_request(&req, "test", "http://127.0.0.1/a\nb", &calls);
	assert_int_equal(fetch_add(f, &req), -1);
	setup_request(&req, "test", url, &calls);
	req.headers = bad_header;
	assert_int_equal(fetch_add(f, &req), -1);
	setup_request(&req, "test", url, &calls);
	req.method = FETCH_METHOD__MAX;
	assert_int_equal(fetch_add(f, &req), -1);

	/* A request can be in a fetcher only once at a time. */
	setup_request(&req, "test", url, &calls);
	assert_int_equal(fetch_add(f, &req), 0);
	assert_int_equal(fetch_add(f, &req), -1);
	assert_int_equal(fetch_run(f, fetch_now_ms() + 5000), 0);
	assert_int_equal(calls, 1);
	fetch_request_clear(&req);
	fetcher_free(f);
}

static void
test_post_and_basic_auth(void **state)
{
	struct fetcher		*f = fetcher_new(NULL);
	struct fetch_request	 req;
	char			 url[URL_MAX];
	int			 calls = 0;

	(void)state;
	make_url(url, "/echo-auth");
	setup_request(&req, "jamf", url, &calls);
	req.method = FETCH_POST;
	req.post_data = "grant_type=client_credentials";
	req.post_data_len = strlen(req.post_data);
	req.auth = FETCH_AUTH_BASIC;
	req.auth_user = "user";
	req.auth_password = "pass";
	run_one(f, &req);
	assert_int_equal(req.error, FETCH_OK);
	assert_string_equal(req.body.data, "Basic dXNlcjpwYXNz");
	fetch_request_clear(&req);
	fetcher_free(f);
}

static void
test_environment_proxy_ignored(void **state)
{
	struct fetcher		*f = fetcher_new(NULL);
	struct fetch_request	 req;
	char			 url[URL_MAX];
	int			 calls = 0;

	(void)state;

	/* Nothing listens on port 9 (discard), so using it would fail. */
	setenv("http_proxy", "http://127.0.0.1:9", 1);
	setenv("no_proxy", "", 1);
	make_url(url, "/fast");
	setup_request(&req, "test", url, &calls);
	run_one(f, &req);
	unsetenv("http_proxy");
	unsetenv("no_proxy");
	assert_int_equal(req.error, FETCH_OK);
	fetch_request_clear(&req);
	fetcher_free(f);
}

static void
test_connection_reuse(void **state)
{
	struct keepalive	 ka;
	struct fetcher		*f = fetcher_new(NULL);
	struct fetch_request	 req;
	char			 url[URL_MAX];
	int			 calls = 0;

	(void)state;
	keepalive_start(&ka);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/reuse", ka.port);

	setup_request(&req, "test", url, &calls);
	run_one(f, &req);
	assert_int_equal(req.error, FETCH_OK);
	assert_int_equal(req.new_connections, 1);
	assert_non_null(strstr(req.body.data, "accepted=1 "));
	fetch_request_clear(&req);

	/* The next page's fetch_run finds the connection in the pool. */
	setup_request(&req, "test", url, &calls);
	run_one(f, &req);
	assert_int_equal(req.error, FETCH_OK);
	assert_int_equal(req.new_connections, 0);
	assert_non_null(strstr(req.body.data, "accepted=1 "));
	fetch_request_clear(&req);

	fetcher_free(f);
	keepalive_stop(&ka);
}

/* Run a failing request while fd 2 goes to a file; return what was logged. */
static char *
capture_failure_log(struct fetcher *f, struct fetch_request *req)
{
	struct buf	 out = BUF_INIT;
	FILE		*tmp = tmpfile();
	char		 chunk[1024];
	size_t		 n;
	int		 saved;

	assert_non_null(tmp);
	saved = dup(STDERR_FILENO);
	assert_true(saved >= 0);
	assert_true(dup2(fileno(tmp), STDERR_FILENO) >= 0);
	run_one(f, req);
	assert_true(dup2(saved, STDERR_FILENO) >= 0);
	close(saved);

	rewind(tmp);
	while ((n = fread(chunk, 1, sizeof(chunk), tmp)) > 0)
		buf_append(&out, chunk, n);
	fclose(tmp);
	buf_puts(&out, "");
	return buf_detach(&out);
}

static void
test_log_hides_secrets(void **state)
{
	static const char *const headers[] = {
		"X-Api-Key: header-secret", NULL
	};
	struct fetcher		*f = fetcher_new(NULL);
	struct fetch_request	 req;
	char			 url[URL_MAX], *logged;
	int			 calls = 0;

	(void)state;
	snprintf(url, sizeof(url), "http://user:url-secret@127.0.0.1:%d"
	    "/status?code=500&api_token=query-secret", server_port);
	setup_request(&req, "bitfit", url, &calls);
	req.headers = headers;
	req.auth = FETCH_AUTH_BASIC;
	req.auth_user = "user";
	req.auth_password = "password-secret";
	logged = capture_failure_log(f, &req);
	assert_int_equal(req.error, FETCH_ERR_HTTP_STATUS);

	assert_non_null(strstr(logged, "bitfit: GET http://127.0.0.1:"));
	assert_non_null(strstr(logged, "/status failed: HTTP status 500"));
	assert_null(strstr(logged, "secret"));
	assert_null(strstr(logged, "api_token"));
	free(logged);
	fetch_request_clear(&req);
	fetcher_free(f);
}

/* ---- the response cache ------------------------------------------------- */

/* Fetch a /count URL and return whether the response came from the cache. */
static int
fetch_count(struct fetcher *f, const char *url, const char *cache_key,
    char *body, size_t body_size)
{
	struct fetch_request	 req;
	int			 calls = 0, from_cache;

	setup_request(&req, "test", url, &calls);
	req.cacheable = 1;
	req.cache_key = cache_key;
	run_one(f, &req);
	assert_int_equal(req.error, FETCH_OK);
	snprintf(body, body_size, "%s", req.body.data);
	from_cache = req.from_cache;
	if (from_cache)
		assert_int_equal(req.attempts, 0);
	fetch_request_clear(&req);
	return from_cache;
}

static void
test_cache_hit_and_miss(void **state)
{
	struct fetch_options	 opts = { .cache_ttl_s = 60 };
	struct fetcher		*f = fetcher_new(&opts);
	struct fetch_request	 req;
	char			 url[URL_MAX], body[64];
	int			 calls = 0;

	(void)state;
	make_url(url, "/count?key=cache-basic");
	assert_false(fetch_count(f, url, NULL, body, sizeof(body)));
	assert_string_equal(body, "1");
	assert_true(fetch_count(f, url, NULL, body, sizeof(body)));
	assert_string_equal(body, "1");

	/* The caller's key is part of the cache key. */
	assert_false(fetch_count(f, url, "alice", body, sizeof(body)));
	assert_string_equal(body, "2");
	assert_true(fetch_count(f, url, "alice", body, sizeof(body)));

	/* A hit still ends inside fetch_run, not inside fetch_add. */
	setup_request(&req, "test", url, &calls);
	req.cacheable = 1;
	assert_int_equal(fetch_add(f, &req), 0);
	assert_int_equal(calls, 0);
	assert_int_equal(fetch_run(f, fetch_now_ms() + 5000), 0);
	assert_int_equal(calls, 1);
	assert_true(req.from_cache);
	assert_string_equal(req.body.data, "1");
	fetch_request_clear(&req);

	/* Requests that are not cacheable GETs always go to the network. */
	setup_request(&req, "test", url, &calls);
	run_one(f, &req);
	assert_false(req.from_cache);
	assert_string_equal(req.body.data, "3");
	fetch_request_clear(&req);
	setup_request(&req, "test", url, &calls);
	req.cacheable = 1;
	req.method = FETCH_POST;
	run_one(f, &req);
	assert_false(req.from_cache);
	assert_string_equal(req.body.data, "4");
	fetch_request_clear(&req);

	/* Failures are not kept. */
	make_url(url, "/status?code=500");
	setup_request(&req, "test", url, &calls);
	req.cacheable = 1;
	run_one(f, &req);
	fetch_request_clear(&req);
	setup_request(&req, "test", url, &calls);
	req.cacheable = 1;
	run_one(f, &req);
	assert_false(req.from_cache);
	assert_int_equal(req.attempts, 1);
	fetch_request_clear(&req);

	/* fetch_cache_clear removes every entry. */
	make_url(url, "/count?key=cache-basic");
	fetch_cache_clear(f);
	assert_false(fetch_count(f, url, NULL, body, sizeof(body)));
	assert_string_equal(body, "5");
	fetcher_free(f);
}

static void
test_cache_disabled(void **state)
{
	struct fetcher	*f = fetcher_new(NULL);
	char		 url[URL_MAX], body[64];

	(void)state;
	make_url(url, "/count?key=cache-off");
	assert_false(fetch_count(f, url, NULL, body, sizeof(body)));
	assert_false(fetch_count(f, url, NULL, body, sizeof(body)));
	assert_string_equal(body, "2");
	fetcher_free(f);
}

static void
test_cache_ttl(void **state)
{
	struct fetch_options	 opts = { .cache_ttl_s = 1 };
	struct fetcher		*f = fetcher_new(&opts);
	char			 url[URL_MAX], body[64];

	(void)state;
	make_url(url, "/count?key=cache-ttl");
	assert_false(fetch_count(f, url, NULL, body, sizeof(body)));
	assert_true(fetch_count(f, url, NULL, body, sizeof(body)));
	sleep_ms(1100);
	assert_false(fetch_count(f, url, NULL, body, sizeof(body)));
	assert_string_equal(body, "2");
	fetcher_free(f);
}

static void
test_cache_eviction_by_entries(void **state)
{
	struct fetch_options	 opts = { .cache_ttl_s = 60,
	    .cache_max_entries = 2 };
	struct fetcher		*f = fetcher_new(&opts);
	char			 a[URL_MAX], b[URL_MAX], c[URL_MAX], body[64];

	(void)state;
	make_url(a, "/count?key=evict-a");
	make_url(b, "/count?key=evict-b");
	make_url(c, "/count?key=evict-c");
	assert_false(fetch_count(f, a, NULL, body, sizeof(body)));
	assert_false(fetch_count(f, b, NULL, body, sizeof(body)));

	/* Using a makes b the least recently used entry. */
	assert_true(fetch_count(f, a, NULL, body, sizeof(body)));
	assert_false(fetch_count(f, c, NULL, body, sizeof(body)));
	assert_true(fetch_count(f, a, NULL, body, sizeof(body)));
	assert_true(fetch_count(f, c, NULL, body, sizeof(body)));
	assert_false(fetch_count(f, b, NULL, body, sizeof(body)));
	fetcher_free(f);
}

/* Fetch a cacheable /big URL and return whether it came from the cache. */
static int
fetch_big(struct fetcher *f, const char *url)
{
	struct fetch_request	 req;
	int			 calls = 0, from_cache;

	setup_request(&req, "test", url, &calls);
	req.cacheable = 1;
	run_one(f, &req);
	assert_int_equal(req.error, FETCH_OK);
	from_cache = req.from_cache;
	fetch_request_clear(&req);
	return from_cache;
}

static void
test_cache_eviction_by_bytes(void **state)
{
	struct fetch_options	 opts = { .cache_ttl_s = 60,
	    .cache_max_bytes = 3000 };
	struct fetcher		*f = fetcher_new(&opts);
	char			 a[URL_MAX], b[URL_MAX], c[URL_MAX];
	char			 huge[URL_MAX];

	(void)state;

	/* Each entry costs a little more than its 1200-byte body. */
	make_url(a, "/big?n=1200&k=a");
	make_url(b, "/big?n=1200&k=b");
	make_url(c, "/big?n=1200&k=c");
	make_url(huge, "/big?n=5000");
	assert_false(fetch_big(f, a));
	assert_false(fetch_big(f, b));
	assert_true(fetch_big(f, a));
	assert_true(fetch_big(f, b));
	assert_false(fetch_big(f, c));
	assert_false(fetch_big(f, a));

	/* A response larger than the whole cache is never kept. */
	assert_false(fetch_big(f, huge));
	assert_false(fetch_big(f, huge));
	assert_true(fetch_big(f, a));
	fetcher_free(f);
}

/* ---- the token cache ---------------------------------------------------- */

static void
test_token_cache(void **state)
{
	struct fetcher	*f = fetcher_new(NULL);

	(void)state;
	assert_null(fetch_token_get(f, "jamf"));
	assert_int_equal(fetch_token_put(f, "jamf", "token-1", 3600), 0);
	assert_string_equal(fetch_token_get(f, "jamf"), "token-1");
	assert_null(fetch_token_get(f, "google"));

	assert_int_equal(fetch_token_put(f, "jamf", "token-2", 3600), 0);
	assert_string_equal(fetch_token_get(f, "jamf"), "token-2");
	fetch_token_invalidate(f, "jamf");
	assert_null(fetch_token_get(f, "jamf"));
	fetch_token_invalidate(f, "jamf");

	/* A token inside the margin would never be returned. */
	assert_int_equal(fetch_token_put(f, "short", "t", FETCH_TOKEN_MARGIN_S),
	    -1);
	assert_null(fetch_token_get(f, "short"));

	/* One second before the margin starts, then gone. */
	assert_int_equal(fetch_token_put(f, "google", "token-3",
	    FETCH_TOKEN_MARGIN_S + 1), 0);
	assert_string_equal(fetch_token_get(f, "google"), "token-3");
	sleep_ms(1100);
	assert_null(fetch_token_get(f, "google"));
	fetcher_free(f);
}

static void
test_token_cache_bounded(void **state)
{
	struct fetcher	*f = fetcher_new(NULL);
	char		 key[32];
	int		 i;

	(void)state;

	/* The token that expires first makes room for new ones. */
	assert_int_equal(fetch_token_put(f, "first", "t", 120), 0);
	for (i = 0; i < 100; i++) {
		snprintf(key, sizeof(key), "key-%d", i);
		assert_int_equal(fetch_token_put(f, key, "t", 3600 + i), 0);
	}
	assert_null(fetch_token_get(f, "first"));
	assert_string_equal(fetch_token_get(f, "key-99"), "t");
	fetcher_free(f);
}

/* ---- error names -------------------------------------------------------- */

static void
test_error_names(void **state)
{
	int	 e;

	(void)state;
	for (e = 0; e < FETCH_ERR__MAX; e++)
		assert_non_null(fetch_error_name((enum fetch_error)e));
	assert_string_equal(fetch_error_name(FETCH_OK), "ok");
	assert_string_equal(fetch_error_name(FETCH_ERR_DEADLINE), "deadline");
	assert_string_equal(fetch_error_name(FETCH_ERR__MAX), "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get_ok),
		cmocka_unit_test(test_parallel_requests),
		cmocka_unit_test(test_request_timeout),
		cmocka_unit_test(test_deadline_drops_unfinished),
		cmocka_unit_test(test_dropped_connection),
		cmocka_unit_test(test_connection_refused),
		cmocka_unit_test(test_http_error_status),
		cmocka_unit_test(test_retry_503_then_ok),
		cmocka_unit_test(test_retry_after_429),
		cmocka_unit_test(test_retry_after_http_date),
		cmocka_unit_test(test_retry_stops_at_deadline),
		cmocka_unit_test(test_retry_after_past_deadline),
		cmocka_unit_test(test_retry_max_attempts),
		cmocka_unit_test(test_retry_predicate),
		cmocka_unit_test(test_size_limit),
		cmocka_unit_test(test_size_limit_after_decoding),
		cmocka_unit_test(test_protocol_refused),
		cmocka_unit_test(test_redirects),
		cmocka_unit_test(test_redirect_drops_credentials),
		cmocka_unit_test(test_source_cap),
		cmocka_unit_test(test_follow_up_requests),
		cmocka_unit_test(test_free_ends_pending),
		cmocka_unit_test(test_add_rejects_invalid),
		cmocka_unit_test(test_post_and_basic_auth),
		cmocka_unit_test(test_environment_proxy_ignored),
		cmocka_unit_test(test_connection_reuse),
		cmocka_unit_test(test_log_hides_secrets),
		cmocka_unit_test(test_cache_hit_and_miss),
		cmocka_unit_test(test_cache_disabled),
		cmocka_unit_test(test_cache_ttl),
		cmocka_unit_test(test_cache_eviction_by_entries),
		cmocka_unit_test(test_cache_eviction_by_bytes),
		cmocka_unit_test(test_token_cache),
		cmocka_unit_test(test_token_cache_bounded),
		cmocka_unit_test(test_error_names),
	};
	int	 rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, start_upstream, stop_upstream);
	curl_global_cleanup();
	return rc;
}
