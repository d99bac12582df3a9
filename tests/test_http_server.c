/*
 * Tests for the HTTP server that the fake services share: request parsing,
 * form values, listen addresses, and a live server in a child process that
 * responds to a fast request while a delayed one waits.
 */

#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

/*
 * The server is linked into each fake, not into the library, so the test
 * includes its .c file.
 */
#include "fakes/common/http_server.c"

/* ---- parsing ------------------------------------------------------------ */

static const struct head_case {
	const char	*name;
	const char	*head;
	int		 status;
} head_cases[] = {
	{ "simple GET", "GET /a?b=c HTTP/1.1\r\nHost: x\r\n\r\n", 0 },
	{ "bare LF lines", "GET / HTTP/1.1\nHost: x\n\n", 0 },
	{ "HTTP/1.0 without Host", "GET / HTTP/1.0\r\n\r\n", 0 },
	{ "HTTP/1.1 without Host", "GET / HTTP/1.1\r\n\r\n", 400 },
	{ "HTTP/2.0", "GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505 },
	{ "not HTTP", "GET / FTP/1.1\r\nHost: x\r\n\r\n", 400 },
	{ "absolute target", "GET http://x/ HTTP/1.1\r\nHost: x\r\n\r\n", 400 },
	{ "missing target", "GET  HTTP/1.1\r\nHost: x\r\n\r\n", 400 },
	{ "space in method", "G T / HTTP/1.1\r\nHost: x\r\n\r\n", 400 },
	{ "space before colon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400 },
	{ "folded header", "GET / HTTP/1.1\r\nHost: x\r\n y\r\n\r\n", 400 },
	{ "control character", "GET / HTTP/1.1\r\nHost: \x01\r\n\r\n", 400 },
	{ "chunked body", "POST / HTTP/1.1\r\nHost: x\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n", 501 },
	{ "conflicting lengths", "POST / HTTP/1.1\r\nHost: x\r\n"
	    "Content-Length: 1\r\nContent-Length: 2\r\n\r\n", 400 },
	{ "negative length", "POST / HTTP/1.1\r\nHost: x\r\n"
	    "Content-Length: -1\r\n\r\n", 400 },
	{ "body over limit", "POST / HTTP/1.1\r\nHost: x\r\n"
	    "Content-Length: 2000000\r\n\r\n", 413 },
	{ "empty request", "\r\n", 400 },
};

static void
test_parse_head_cases(void **state)
{
	struct http_request	 req;
	const char		*reason;
	size_t			 i, body_len, len;
	int			 status;

	(void)state;
	for (i = 0; i < sizeof(head_cases) / sizeof(head_cases[0]); i++) {
		memset(&req, 0, sizeof(req));
		body_len = 0;
		reason = NULL;
		len = strlen(head_cases[i].head);
		status = parse_request_head(head_cases[i].head, len, &req,
		    &body_len, &reason);
		if (status != head_cases[i].status)
			fail_msg("%s: status %d, expected %d (%s)",
			    head_cases[i].name, status, head_cases[i].status,
			    reason != NULL ? reason : "no reason");
		if (status != 0 && reason == NULL)
			fail_msg("%s: rejected without a reason",
			    head_cases[i].name);
		request_clear(&req);
	}
}

static void
test_parse_head_fields(void **state)
{
	static const char head[] = "POST /oauth2/callback?rd=%2F HTTP/1.1\r\n"
	    "Host: example\r\nContent-Type:  text/plain \r\n"
	    "Content-Length: 12\r\n\r\n";
	struct http_request	 req;
	const char		*reason;
	size_t			 body_len = 0;

	(void)state;
	memset(&req, 0, sizeof(req));
	assert_int_equal(parse_request_head(head, strlen(head), &req,
	    &body_len, &reason), 0);
	assert_string_equal(req.method, "POST");
	assert_string_equal(req.target, "/oauth2/callback?rd=%2F");
	assert_string_equal(req.path, "/oauth2/callback");
	assert_string_equal(req.query, "rd=%2F");
	assert_string_equal(req.version, "HTTP/1.1");
	assert_int_equal(req.header_count, 3);
	assert_string_equal(http_request_header(&req, "content-type"),
	    "text/plain");
	assert_null(http_request_header(&req, "Cookie"));
	assert_int_equal(body_len, 12);
	request_clear(&req);
}

static void
test_find_head_end(void **state)
{
	(void)state;
	assert_int_equal(find_head_end("GET / HTTP/1.0\r\n\r\nbody", 22), 18);
	assert_int_equal(find_head_end("GET / HTTP/1.0\n\nbody", 20), 16);
	assert_int_equal(find_head_end("GET / HTTP/1.0\r\nHost: x\r\n", 25), 0);
	assert_int_equal(find_head_end("", 0), 0);
}

static void
test_form_value(void **state)
{
	static const struct {
		const char	*data;
		const char	*name;
		const char	*expected;	/* NULL: not found or invalid */
	} cases[] = {
		{ "a=1&b=2", "b", "2" },
		{ "rd=%2Fdevices%3Fx%3D1", "rd", "/devices?x=1" },
		{ "a+b=c+d", "a b", "c d" },
		{ "flag&x=1", "flag", "" },
		{ "x=1&x=2", "x", "1" },
		{ "x=%zz", "x", NULL },
		{ "x=%00", "x", NULL },
		{ "y=1", "x", NULL },
		{ "", "x", NULL },
	};
	char	*value;
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		value = http_form_value(cases[i].data, strlen(cases[i].data),
		    cases[i].name);
		if (cases[i].expected == NULL && value != NULL)
			fail_msg("\"%s\" [%s]: got \"%s\", expected nothing",
			    cases[i].data, cases[i].name, value);
		if (cases[i].expected != NULL && (value == NULL ||
		    strcmp(value, cases[i].expected) != 0))
			fail_msg("\"%s\" [%s]: got \"%s\", expected \"%s\"",
			    cases[i].data, cases[i].name,
			    value != NULL ? value : "(null)", cases[i].expected);
		free(value);
	}
}

static void
test_listen_address(void **state)
{
	static const struct {
		const char	*spec;
		int		 valid;
	} cases[] = {
		{ "127.0.0.1:0", 1 },
		{ "127.1.2.3:8080", 1 },
		{ "localhost:80", 1 },
		{ "[::1]:0", 1 },
		{ "0.0.0.0:80", 0 },
		{ "10.0.0.1:80", 0 },
		{ "[::]:80", 0 },
		{ "127.0.0.1:65536", 0 },
		{ "127.0.0.1:", 0 },
		{ "127.0.0.1:8o", 0 },
		{ "127.0.0.1", 0 },
		{ ":80", 0 },
	};
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if ((parse_tcp_address(cases[i].spec, &ss, &len) == 0) !=
		    cases[i].valid)
			fail_msg("%s: expected %s", cases[i].spec,
			    cases[i].valid ? "valid" : "invalid");
	}
}

static void
test_response_header_checks(void **state)
{
	struct http_response	 resp = { .status = 200 };

	(void)state;
	assert_int_equal(http_response_add_header(&resp, "X-Ok", "a\tb"), 0);
	assert_int_equal(resp.invalid, 0);
	assert_int_equal(http_response_add_header(&resp, "X-Bad",
	    "a\r\nSet-Cookie: x=y"), -1);
	assert_int_equal(resp.invalid, 1);
	resp.invalid = 0;
	assert_int_equal(http_response_add_header(&resp, "Bad Name", "a"), -1);
	assert_int_equal(http_response_add_header(&resp, "content-length",
	    "3"), -1);
	assert_int_equal(resp.header_count, 1);
	response_free(&resp);
}

/* ---- a live server ------------------------------------------------------- */

static void
live_handler(const struct http_request *req, struct http_response *resp,
    void *arg)
{
	(void)arg;
	if (strcmp(req->path, "/slow") == 0) {
		resp->delay_ms = 800;
		buf_puts(&resp->body, "slow");
	} else if (strcmp(req->path, "/drop") == 0) {
		resp->drop = 1;
	} else if (strcmp(req->path, "/bad-header") == 0) {
		http_response_add_header(resp, "X-Bad", "a\nb");
	} else if (strcmp(req->path, "/echo") == 0) {
		http_response_add_header(resp, "X-Method", req->method);
		buf_append(&resp->body, req->body, req->body_len);
	} else
		buf_puts(&resp->body, "fast");
}

struct live {
	pid_t	 pid;
	int	 port;
};

/* Start a server on listen (a port 0 or a unix socket) in a child process. */
static void
live_start(struct live *live, const char *listen)
{
	struct http_server	*srv;
	int			 fds[2], port = -1, rc;

	assert_int_equal(pipe(fds), 0);
	live->pid = fork();
	assert_true(live->pid >= 0);
	if (live->pid == 0) {
		close(fds[0]);
		srv = http_server_new(listen, live_handler, NULL);
		if (srv != NULL)
			port = http_server_port(srv);
		(void)!write(fds[1], &port, sizeof(port));
		close(fds[1]);
		if (srv == NULL)
			_exit(3);
		rc = http_server_run(srv);
		http_server_free(srv);
		_exit(rc == 0 ? 0 : 1);
	}
	close(fds[1]);
	assert_int_equal(read(fds[0], &port, sizeof(port)), sizeof(port));
	close(fds[0]);
	assert_true(port >= 0);
	live->port = port;
}

/* Stop the child with SIGTERM and require a clean exit. */
static void
live_stop(struct live *live)
{
	int	 status;

	assert_int_equal(kill(live->pid, SIGTERM), 0);
	assert_int_equal(waitpid(live->pid, &status, 0), live->pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static int
live_connect(const struct live *live, const char *request)
{
	struct sockaddr_in	 sin = { .sin_family = AF_INET };
	struct timeval		 tv = { .tv_sec = 5 };
	int			 fd;

	sin.sin_port = htons((uint16_t)live->port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(write(fd, request, strlen(request)),
	    (ssize_t)strlen(request));
	return fd;
}

/*
 * Read until the server closes the connection and return the response, owned by
 * the caller.
 */
static char *
live_read(int fd)
{
	struct buf	 b = BUF_INIT;
	char		 chunk[1024];
	ssize_t		 n;

	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		buf_append(&b, chunk, (size_t)n);
	close(fd);
	buf_puts(&b, "");
	return buf_detach(&b);
}

static void
test_live_delay_does_not_block(void **state)
{
	struct live	 live;
	long long	 start, fast_done, slow_done;
	char		*fast, *slow;
	int		 slow_fd, fast_fd;

	(void)state;
	live_start(&live, "127.0.0.1:0");

	start = now_ms();
	slow_fd = live_connect(&live, "GET /slow HTTP/1.1\r\nHost: t\r\n\r\n");
	fast_fd = live_connect(&live, "GET /fast HTTP/1.1\r\nHost: t\r\n\r\n");
	fast = live_read(fast_fd);
	fast_done = now_ms();
	slow = live_read(slow_fd);
	slow_done = now_ms();

	assert_non_null(strstr(fast, "HTTP/1.1 200 OK\r\n"));
	assert_non_null(strstr(fast, "\r\n\r\nfast"));
	assert_non_null(strstr(slow, "\r\n\r\nslow"));
	assert_true(fast_done - start < 700);
	assert_true(slow_done - start >= 790);
	free(fast);
	free(slow);
	live_stop(&live);
}

static void
test_live_responses(void **state)
{
	struct live	 live;
	char		*resp;

	(void)state;
	live_start(&live, "127.0.0.1:0");

	resp = live_read(live_connect(&live, "POST /echo HTTP/1.1\r\n"
	    "Host: t\r\nContent-Length: 5\r\n\r\nhello"));
	assert_non_null(strstr(resp, "X-Method: POST\r\n"));
	assert_non_null(strstr(resp, "Content-Length: 5\r\n"));
	assert_non_null(strstr(resp, "Connection: close\r\n"));
	assert_non_null(strstr(resp, "\r\n\r\nhello"));
	free(resp);

	resp = live_read(live_connect(&live, "HEAD /fast HTTP/1.1\r\n"
	    "Host: t\r\n\r\n"));
	assert_non_null(strstr(resp, "Content-Length: 4\r\n"));
	assert_null(strstr(resp, "fast"));
	free(resp);

	resp = live_read(live_connect(&live, "GET /drop HTTP/1.1\r\n"
	    "Host: t\r\n\r\n"));
	assert_string_equal(resp, "");
	free(resp);

	resp = live_read(live_connect(&live, "GET /bad-header HTTP/1.1\r\n"
	    "Host: t\r\n\r\n"));
	assert_non_null(strstr(resp, "HTTP/1.1 500 "));
	assert_null(strstr(resp, "X-Bad"));
	free(resp);

	resp = live_read(live_connect(&live, "GET /fast HTTP/1.1\r\n\r\n"));
	assert_non_null(strstr(resp, "HTTP/1.1 400 "));
	free(resp);

	live_stop(&live);
}

static void
test_live_unix_socket(void **state)
{
	struct sockaddr_un	 sun = { .sun_family = AF_UNIX };
	struct live		 live;
	static const char	 request[] = "GET /fast HTTP/1.0\r\n\r\n";
	char			 dir[] = "/tmp/test_http_server.XXXXXX";
	char			 path[128], spec[140];
	char			*resp;
	int			 fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/s.sock", dir);
	snprintf(spec, sizeof(spec), "unix:%s", path);
	live_start(&live, spec);
	assert_int_equal(live.port, 0);

	/* A second server must not take over a socket that is in use. */
	assert_null(http_server_new(spec, live_handler, NULL));

	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	memcpy(sun.sun_path, path, strlen(path) + 1);
	assert_int_equal(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(write(fd, request, strlen(request)),
	    (ssize_t)strlen(request));
	resp = live_read(fd);
	assert_non_null(strstr(resp, "\r\n\r\nfast"));
	free(resp);

	live_stop(&live);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(rmdir(dir), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_head_cases),
		cmocka_unit_test(test_parse_head_fields),
		cmocka_unit_test(test_find_head_end),
		cmocka_unit_test(test_form_value),
		cmocka_unit_test(test_listen_address),
		cmocka_unit_test(test_response_header_checks),
		cmocka_unit_test(test_live_delay_does_not_block),
		cmocka_unit_test(test_live_responses),
		cmocka_unit_test(test_live_unix_socket),
	};

	log_set_level(LOG_LEVEL_WARN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
