/* A poll()-based HTTP/1.1 server for fake services on loopback. */

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "html.h"
#include "http_server.h"
#include "log.h"
#include "xalloc.h"

#define READ_CHUNK		4096
#define LISTEN_BACKLOG		128
#define DRAIN_TIMEOUT_MS	1000

enum conn_state {
	CONN_READ_HEAD,		/* waiting for the blank line after the headers */
	CONN_READ_BODY,		/* waiting for Content-Length bytes of body */
	CONN_DELAY,		/* response ready, held back until the deadline */
	CONN_WRITE,		/* sending the response */
	CONN_DRAIN,		/* response sent and write side shut down */
	CONN_CLOSED,
};

struct conn {
	int			 fd;
	enum conn_state		 state;
	char			 peer[64];
	struct buf		 in;
	size_t			 head_len;	/* bytes up to and including the blank line */
	size_t			 body_len;	/* from Content-Length */
	struct http_request	 req;
	int			 drop;		/* close instead of writing, after the delay */
	struct buf		 out;
	size_t			 out_sent;
	long long		 deadline_ms;	/* meaning depends on state */
};

struct http_server {
	int			 fd;
	char			*unix_path;	/* NULL for TCP */
	int			 port;
	http_handler_fn		 handler;
	void			*arg;
	struct conn		*conns[HTTP_SERVER_MAX_CONNECTIONS];
	size_t			 conn_count;
};

/* Written by the signal handler so that poll() wakes up. */
static int			 stop_pipe[2] = { -1, -1 };
static volatile sig_atomic_t	 stop_requested;

static long long
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- status, headers and form values --------------------------------- */

static const struct {
	int		 status;
	const char	*reason;
} reasons[] = {
	{ 100, "Continue" },
	{ 200, "OK" },
	{ 201, "Created" },
	{ 202, "Accepted" },
	{ 204, "No Content" },
	{ 301, "Moved Permanently" },
	{ 302, "Found" },
	{ 303, "See Other" },
	{ 304, "Not Modified" },
	{ 307, "Temporary Redirect" },
	{ 400, "Bad Request" },
	{ 401, "Unauthorized" },
	{ 403, "Forbidden" },
	{ 404, "Not Found" },
	{ 405, "Method Not Allowed" },
	{ 408, "Request Timeout" },
	{ 409, "Conflict" },
	{ 413, "Content Too Large" },
	{ 414, "URI Too Long" },
	{ 429, "Too Many Requests" },
	{ 431, "Request Header Fields Too Large" },
	{ 500, "Internal Server Error" },
	{ 501, "Not Implemented" },
	{ 502, "Bad Gateway" },
	{ 503, "Service Unavailable" },
	{ 504, "Gateway Timeout" },
	{ 505, "HTTP Version Not Supported" },
};

const char *
http_status_reason(int status)
{
	size_t	 i;

	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (reasons[i].status == status)
			return reasons[i].reason;
	return "Unknown";
}

/* RFC 9110 token characters, used for methods and header names. */
static int
is_token_char(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static int
is_token(const char *s, size_t len)
{
	size_t	 i;

	if (len == 0)
		return 0;
	for (i = 0; i < len; i++)
		if (!is_token_char((unsigned char)s[i]))
			return 0;
	return 1;
}

/*
 * Header values may contain HTAB and bytes >= 0x80, but no other control
 * character.
 */
static int
is_field_value(const char *s, size_t len)
{
	size_t		 i;
	unsigned char	 c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return 0;
	}
	return 1;
}

const char *
http_request_header(const struct http_request *req, const char *name)
{
	size_t	 i;

	for (i = 0; i < req->header_count; i++)
		if (strcasecmp(req->headers[i].name, name) == 0)
			return req->headers[i].value;
	return NULL;
}

char *
http_form_value(const char *data, size_t len, const char *name)
{
	const char	*pair, *end, *eq;
	char		*key;
	int		 match;

	for (pair = data; pair < data + len; pair = end + 1) {
		end = memchr(pair, '&', (size_t)(data + len - pair));
		if (end == NULL)
			end = data + len;
		eq = memchr(pair, '=', (size_t)(end - pair));
		if (eq == NULL)
			eq = end;

		if ((key = url_decode(pair, (size_t)(eq - pair), 1)) == NULL)
			continue;
		match = strcmp(key, name) == 0;
		free(key);
		if (!match)
			continue;

		if (eq == end)
			return xstrdup("");
		return url_decode(eq + 1, (size_t)(end - eq - 1), 1);
	}
	return NULL;
}

int
http_response_add_header(struct http_response *resp, const char *name,
    const char *value)
{
	static const char *const reserved[] = {
		"Content-Length", "Connection", "Transfer-Encoding",
	};
	size_t	 i;

	if (!is_token(name, strlen(name)) ||
	    !is_field_value(value, strlen(value))) {
		log_error("http", "handler set an invalid header \"%s\"", name);
		resp->invalid = 1;
		return -1;
	}
	for (i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
		if (strcasecmp(name, reserved[i]) == 0) {
			log_error("http", "handler set %s, which the server "
			    "sets itself", name);
			resp->invalid = 1;
			return -1;
		}
	}

	if (resp->header_count == resp->header_cap) {
		resp->header_cap = resp->header_cap ? resp->header_cap * 2 : 8;
		resp->headers = xrealloc(resp->headers,
		    resp->header_cap * sizeof(resp->headers[0]));
	}
	resp->headers[resp->header_count].name = xstrdup(name);
	resp->headers[resp->header_count].value = xstrdup(value);
	resp->header_count++;
	return 0;
}

void
http_response_text(struct http_response *resp, int status, const char *text)
{
	resp->status = status;
	http_response_add_header(resp, "Content-Type",
	    "text/plain; charset=utf-8");
	buf_reset(&resp->body);
	buf_puts(&resp->body, text);
	buf_putc(&resp->body, '\n');
}

void
http_response_redirect(struct http_response *resp, const char *location)
{
	http_response_text(resp, 302, "Found");
	http_response_add_header(resp, "Location", location);
}

static void
response_free(struct http_response *resp)
{
	size_t	 i;

	for (i = 0; i < resp->header_count; i++) {
		free(resp->headers[i].name);
		free(resp->headers[i].value);
	}
	free(resp->headers);
	buf_free(&resp->body);
}

/* ---- request parsing -------------------------------------------------- */

static void
request_clear(struct http_request *req)
{
	size_t	 i;

	free(req->method);
	free(req->target);
	free(req->path);
	free(req->query);
	free(req->version);
	for (i = 0; i < req->header_count; i++) {
		free(req->headers[i].name);
		free(req->headers[i].value);
	}
	free(req->headers);
	memset(req, 0, sizeof(*req));
}

/*
 * Return the length of the request head including the empty line that ends
 * it, or 0 when the empty line has not arrived yet. Lines may end in CRLF
 * or a bare LF.
 */
static size_t
find_head_end(const char *data, size_t len)
{
	size_t	 i;

	for (i = 0; i + 1 < len; i++) {
		if (data[i] != '\n')
			continue;
		if (data[i + 1] == '\n')
			return i + 2;
		if (data[i + 1] == '\r' && i + 2 < len && data[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

static int
parse_request_line(const char *line, size_t len, struct http_request *req,
    const char **reason)
{
	const char	*sp1, *sp2, *version, *q;
	size_t		 i;

	*reason = "malformed request line";
	if ((sp1 = memchr(line, ' ', len)) == NULL)
		return 400;
	if ((sp2 = memchr(sp1 + 1, ' ', len - (size_t)(sp1 + 1 - line))) == NULL)
		return 400;
	if (!is_token(line, (size_t)(sp1 - line)))
		return 400;

	/* Only origin-form targets ("/path?query"), visible ASCII only. */
	*reason = "request target is not a path of visible ASCII characters";
	if (sp2 == sp1 + 1 || sp1[1] != '/')
		return 400;
	for (i = 1; sp1 + i < sp2; i++)
		if (sp1[i] <= 0x20 || sp1[i] >= 0x7f)
			return 400;

	*reason = "malformed HTTP version";
	version = sp2 + 1;
	if ((size_t)(line + len - version) != 8 ||
	    strncmp(version, "HTTP/", 5) != 0 || version[6] != '.' ||
	    version[5] < '0' || version[5] > '9' ||
	    version[7] < '0' || version[7] > '9')
		return 400;
	*reason = "only HTTP/1.0 and HTTP/1.1 are supported";
	if (strncmp(version, "HTTP/1.0", 8) != 0 &&
	    strncmp(version, "HTTP/1.1", 8) != 0)
		return 505;
	*reason = NULL;

	req->method = xstrndup(line, (size_t)(sp1 - line));
	req->target = xstrndup(sp1 + 1, (size_t)(sp2 - sp1 - 1));
	req->version = xstrndup(sp2 + 1, 8);
	if ((q = strchr(req->target, '?')) != NULL) {
		req->path = xstrndup(req->target, (size_t)(q - req->target));
		req->query = xstrdup(q + 1);
	} else {
		req->path = xstrdup(req->target);
		req->query = xstrdup("");
	}
	return 0;
}

static int
parse_header_line(const char *line, size_t len, struct http_request *req,
    const char **reason)
{
	const char	*colon, *value, *end;
	struct http_header *h;

	*reason = "too many header lines";
	if (req->header_count == HTTP_SERVER_MAX_HEADERS)
		return 431;

	/* The name must be a token right before the colon, with no space. */
	*reason = "malformed header line";
	if ((colon = memchr(line, ':', len)) == NULL)
		return 400;
	if (!is_token(line, (size_t)(colon - line)))
		return 400;

	value = colon + 1;
	end = line + len;
	while (value < end && (*value == ' ' || *value == '\t'))
		value++;
	while (end > value && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	*reason = "control character in a header value";
	if (!is_field_value(value, (size_t)(end - value)))
		return 400;
	*reason = NULL;

	req->headers = xrealloc(req->headers,
	    (req->header_count + 1) * sizeof(req->headers[0]));
	h = &req->headers[req->header_count++];
	h->name = xstrndup(line, (size_t)(colon - line));
	h->value = xstrndup(value, (size_t)(end - value));
	return 0;
}

/*
 * Find the announced body length. Several Content-Length headers must
 * agree. Return 0 or an HTTP error status.
 */
static int
parse_body_length(const struct http_request *req, size_t *body_len,
    const char **reason)
{
	const char	*v;
	size_t		 i, n, seen = 0;
	int		 found = 0;

	*reason = "Transfer-Encoding is not supported in requests";
	if (http_request_header(req, "Transfer-Encoding") != NULL)
		return 501;

	*reason = "invalid Content-Length";
	for (i = 0; i < req->header_count; i++) {
		if (strcasecmp(req->headers[i].name, "Content-Length") != 0)
			continue;
		v = req->headers[i].value;
		if (*v == '\0' || strspn(v, "0123456789") != strlen(v))
			return 400;
		if (strlen(v) > 9) {
			*reason = "body larger than the limit";
			return 413;
		}
		n = (size_t)strtoul(v, NULL, 10);
		if (found && n != seen)
			return 400;
		seen = n;
		found = 1;
	}
	*reason = "body larger than the limit";
	if (seen > HTTP_SERVER_MAX_BODY_BYTES)
		return 413;
	*reason = NULL;
	*body_len = seen;
	return 0;
}

/*
 * Parse the request head (request line, headers, blank line) into req and
 * the announced body length. Return 0, or the HTTP status to respond with
 * and the reason in *reason. On failure req may be partly filled, and the
 * caller clears it.
 */
static int
parse_request_head(const char *head, size_t len, struct http_request *req,
    size_t *body_len, const char **reason)
{
	const char	*line, *nl;
	size_t		 line_len;
	int		 status, first = 1;

	*reason = "NUL byte in the request head";
	if (memchr(head, '\0', len) != NULL)
		return 400;

	for (line = head; line < head + len; line = nl + 1) {
		*reason = "request head does not end with an empty line";
		if ((nl = memchr(line, '\n', (size_t)(head + len - line))) == NULL)
			return 400;
		line_len = (size_t)(nl - line);
		if (line_len > 0 && line[line_len - 1] == '\r')
			line_len--;
		if (line_len == 0)
			break;

		*reason = "line starts with white space (obsolete line folding)";
		if (line[0] == ' ' || line[0] == '\t')
			return 400;
		if (first)
			status = parse_request_line(line, line_len, req, reason);
		else
			status = parse_header_line(line, line_len, req, reason);
		if (status != 0)
			return status;
		first = 0;
	}
	*reason = "empty request";
	if (first)
		return 400;

	*reason = "HTTP/1.1 request without Host";
	if (strcmp(req->version, "HTTP/1.1") == 0 &&
	    http_request_header(req, "Host") == NULL)
		return 400;
	return parse_body_length(req, body_len, reason);
}

/* ---- connections ------------------------------------------------------- */

static void
conn_close(struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->state = CONN_CLOSED;
}

static void
conn_free(struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	buf_free(&c->in);
	buf_free(&c->out);
	request_clear(&c->req);
	free(c);
}

static void
conn_write(struct conn *c)
{
	ssize_t	 n;

	while (c->out_sent < c->out.len) {
		n = send(c->fd, c->out.data + c->out_sent,
		    c->out.len - c->out_sent, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n < 0) {
			log_debug("http", "send to %s failed: %s", c->peer,
			    strerror(errno));
			conn_close(c);
			return;
		}
		c->out_sent += (size_t)n;
	}

	/*
	 * Shut down only the write side and read until the client closes, so
	 * that unread request bytes do not make the kernel reset the
	 * connection before the client has read the response.
	 */
	shutdown(c->fd, SHUT_WR);
	c->state = CONN_DRAIN;
	c->deadline_ms = now_ms() + DRAIN_TIMEOUT_MS;
}

/* Serialize resp into c->out and start sending it, now or after its delay. */
static void
conn_respond(struct conn *c, struct http_response *resp)
{
	int	 no_body;
	size_t	 i;

	no_body = resp->status == 204 || resp->status == 304;

	buf_reset(&c->out);
	buf_printf(&c->out, "HTTP/1.1 %d %s\r\n", resp->status,
	    http_status_reason(resp->status));
	for (i = 0; i < resp->header_count; i++)
		buf_printf(&c->out, "%s: %s\r\n", resp->headers[i].name,
		    resp->headers[i].value);
	if (!no_body)
		buf_printf(&c->out, "Content-Length: %zu\r\n", resp->body.len);
	buf_puts(&c->out, "Connection: close\r\n\r\n");
	if (!no_body && resp->body.len > 0 &&
	    (c->req.method == NULL || strcmp(c->req.method, "HEAD") != 0))
		buf_append(&c->out, resp->body.data, resp->body.len);
	c->out_sent = 0;
	c->drop = resp->drop;

	if (resp->delay_ms > 0) {
		c->state = CONN_DELAY;
		c->deadline_ms = now_ms() + (resp->delay_ms > HTTP_SERVER_MAX_DELAY_MS ?
		    HTTP_SERVER_MAX_DELAY_MS : resp->delay_ms);
		return;
	}
	if (c->drop) {
		conn_close(c);
		return;
	}
	c->state = CONN_WRITE;
	c->deadline_ms = now_ms() + HTTP_SERVER_REQUEST_TIMEOUT_MS;
	conn_write(c);
}

/*
 * Send an error response. The body contains only the status reason, never
 * request data.
 */
static void
conn_reject(struct conn *c, int status, const char *reason)
{
	struct http_response	 resp = { .status = status };

	log_info("http", "rejected request from %s with %d: %s", c->peer,
	    status, reason);
	http_response_text(&resp, status, http_status_reason(status));
	conn_respond(c, &resp);
	response_free(&resp);
}

static void
conn_dispatch(struct http_server *srv, struct conn *c)
{
	struct http_response	 resp = { .status = 200 };

	c->req.body = c->in.data + c->head_len;
	c->req.body_len = c->body_len;
	c->req.body[c->body_len] = '\0';	/* the buffer keeps room for a NUL */
	c->req.peer = c->peer;

	srv->handler(&c->req, &resp, srv->arg);

	if (resp.invalid || resp.status < 200 || resp.status > 599) {
		log_error("http", "handler for %s %s returned an invalid "
		    "response (status %d)", c->req.method, c->req.path,
		    resp.status);
		response_free(&resp);
		resp = (struct http_response){ .status = 500 };
		http_response_text(&resp, 500, http_status_reason(500));
	}
	log_debug("http", "%s %s %s -> %d%s", c->peer, c->req.method,
	    c->req.target, resp.status, resp.drop ? " (dropped)" : "");
	conn_respond(c, &resp);
	response_free(&resp);
}

/*
 * Send "100 Continue" when the client expects it, so that curl sends its body
 * at once.
 */
static void
conn_send_continue(struct conn *c)
{
	static const char	 cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
	const char		*expect;

	expect = http_request_header(&c->req, "Expect");
	if (expect != NULL && strcasecmp(expect, "100-continue") == 0)
		(void)!send(c->fd, cont, sizeof(cont) - 1, MSG_NOSIGNAL);
}

/* Look at what has arrived so far and move on when a whole request is in. */
static void
conn_parse(struct http_server *srv, struct conn *c)
{
	const char	*reason;
	int		 status;

	if (c->state == CONN_READ_HEAD) {
		c->head_len = find_head_end(c->in.data, c->in.len);
		if (c->head_len == 0) {
			if (c->in.len > HTTP_SERVER_MAX_HEAD_BYTES)
				conn_reject(c, 431, "request head larger "
				    "than the limit");
			return;
		}
		if (c->head_len > HTTP_SERVER_MAX_HEAD_BYTES) {
			conn_reject(c, 431, "request head larger than the limit");
			return;
		}
		status = parse_request_head(c->in.data, c->head_len, &c->req,
		    &c->body_len, &reason);
		if (status != 0) {
			conn_reject(c, status, reason);
			return;
		}
		c->state = CONN_READ_BODY;
		if (c->in.len < c->head_len + c->body_len)
			conn_send_continue(c);
	}

	if (c->state == CONN_READ_BODY && c->in.len >= c->head_len + c->body_len)
		conn_dispatch(srv, c);
}

static void
conn_read(struct http_server *srv, struct conn *c)
{
	size_t	 want;
	ssize_t	 n;

	for (;;) {
		/* Read the head in chunks, then exactly the announced body. */
		want = READ_CHUNK;
		if (c->state == CONN_READ_BODY &&
		    c->head_len + c->body_len - c->in.len < want)
			want = c->head_len + c->body_len - c->in.len;
		buf_reserve(&c->in, want);

		n = recv(c->fd, c->in.data + c->in.len, want, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			/* The client left before sending a whole request. */
			conn_close(c);
			return;
		}
		c->in.len += (size_t)n;
		c->in.data[c->in.len] = '\0';

		conn_parse(srv, c);
		if (c->state != CONN_READ_HEAD && c->state != CONN_READ_BODY)
			return;
	}
}

static void
conn_drain(struct conn *c)
{
	char	 scratch[READ_CHUNK];
	ssize_t	 n;

	for (;;) {
		n = recv(c->fd, scratch, sizeof(scratch), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			conn_close(c);
			return;
		}
	}
}

/* Act on a connection whose deadline has passed. */
static void
conn_expire(struct conn *c)
{
	switch (c->state) {
	case CONN_READ_HEAD:
	case CONN_READ_BODY:
		conn_reject(c, 408, "request not complete in time");
		break;
	case CONN_DELAY:
		if (c->drop) {
			conn_close(c);
			break;
		}
		c->state = CONN_WRITE;
		c->deadline_ms = now_ms() + HTTP_SERVER_REQUEST_TIMEOUT_MS;
		conn_write(c);
		break;
	case CONN_WRITE:
	case CONN_DRAIN:
	case CONN_CLOSED:
		conn_close(c);
		break;
	}
}

static void
server_accept(struct http_server *srv)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	struct conn		*c;
	char			 addr[INET6_ADDRSTRLEN];
	int			 fd;

	while (srv->conn_count < HTTP_SERVER_MAX_CONNECTIONS) {
		len = sizeof(ss);
		fd = accept4(srv->fd, (struct sockaddr *)&ss, &len,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR && errno != ECONNABORTED)
				log_warn("http", "accept failed: %s",
				    strerror(errno));
			return;
		}

		c = xcalloc(1, sizeof(*c));
		c->fd = fd;
		c->state = CONN_READ_HEAD;
		c->deadline_ms = now_ms() + HTTP_SERVER_REQUEST_TIMEOUT_MS;
		if (ss.ss_family == AF_INET) {
			struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

			inet_ntop(AF_INET, &sin->sin_addr, addr, sizeof(addr));
			snprintf(c->peer, sizeof(c->peer), "%s:%d", addr,
			    ntohs(sin->sin_port));
		} else if (ss.ss_family == AF_INET6) {
			struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

			inet_ntop(AF_INET6, &sin6->sin6_addr, addr, sizeof(addr));
			snprintf(c->peer, sizeof(c->peer), "[%s]:%d", addr,
			    ntohs(sin6->sin6_port));
		} else
			snprintf(c->peer, sizeof(c->peer), "unix");
		srv->conns[srv->conn_count++] = c;
	}
}

/* ---- the loop ------------------------------------------------------------ */

static void
on_stop_signal(int signo)
{
	(void)signo;
	http_server_stop();
}

void
http_server_stop(void)
{
	int	 saved = errno;

	stop_requested = 1;
	if (stop_pipe[1] >= 0)
		(void)!write(stop_pipe[1], "x", 1);
	errno = saved;
}

static int
install_signals(void)
{
	struct sigaction	 sa;

	if (stop_pipe[0] < 0 && pipe2(stop_pipe, O_NONBLOCK | O_CLOEXEC) != 0) {
		log_error("http", "pipe failed: %s", strerror(errno));
		return -1;
	}

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	return 0;
}

/* Return the poll() timeout until the nearest connection deadline, or -1. */
static int
next_timeout(const struct http_server *srv, long long now)
{
	long long	 nearest = -1, left;
	size_t		 i;

	for (i = 0; i < srv->conn_count; i++) {
		left = srv->conns[i]->deadline_ms - now;
		if (left < 0)
			left = 0;
		if (nearest < 0 || left < nearest)
			nearest = left;
	}
	return (int)nearest;
}

static void
remove_closed(struct http_server *srv)
{
	size_t	 i, kept = 0;

	for (i = 0; i < srv->conn_count; i++) {
		if (srv->conns[i]->state == CONN_CLOSED)
			conn_free(srv->conns[i]);
		else
			srv->conns[kept++] = srv->conns[i];
	}
	srv->conn_count = kept;
}

int
http_server_run(struct http_server *srv)
{
	struct pollfd	 pfd[HTTP_SERVER_MAX_CONNECTIONS + 2];
	struct conn	*c;
	size_t		 i, polled;
	char		 scratch[64];
	long long	 now;
	int		 n, rc = 0;

	if (install_signals() != 0)
		return -1;

	while (!stop_requested) {
		/* Slot 0 is the stop pipe, slot 1 the listening socket. */
		pfd[0] = (struct pollfd){ .fd = stop_pipe[0], .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = srv->fd, .events = POLLIN };
		if (srv->conn_count == HTTP_SERVER_MAX_CONNECTIONS)
			pfd[1].fd = -1;
		polled = srv->conn_count;
		for (i = 0; i < polled; i++) {
			c = srv->conns[i];
			pfd[i + 2].fd = c->fd;
			pfd[i + 2].revents = 0;
			switch (c->state) {
			case CONN_WRITE:
				pfd[i + 2].events = POLLOUT;
				break;
			case CONN_DELAY:
				pfd[i + 2].fd = -1;
				pfd[i + 2].events = 0;
				break;
			default:
				pfd[i + 2].events = POLLIN;
				break;
			}
		}

		n = poll(pfd, polled + 2, next_timeout(srv, now_ms()));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			log_error("http", "poll failed: %s", strerror(errno));
			rc = -1;
			break;
		}
		if (pfd[0].revents & POLLIN) {
			while (read(stop_pipe[0], scratch, sizeof(scratch)) > 0)
				;
			continue;
		}

		for (i = 0; i < polled; i++) {
			c = srv->conns[i];
			if (pfd[i + 2].revents == 0)
				continue;
			if (c->state == CONN_READ_HEAD || c->state == CONN_READ_BODY)
				conn_read(srv, c);
			else if (c->state == CONN_WRITE)
				conn_write(c);
			else if (c->state == CONN_DRAIN)
				conn_drain(c);
		}
		now = now_ms();
		for (i = 0; i < polled; i++) {
			c = srv->conns[i];
			if (c->state != CONN_CLOSED && c->deadline_ms <= now)
				conn_expire(c);
		}
		remove_closed(srv);

		if (pfd[1].revents & POLLIN)
			server_accept(srv);
	}

	/* Stopping: close what is still open, without a response. */
	for (i = 0; i < srv->conn_count; i++)
		conn_close(srv->conns[i]);
	remove_closed(srv);
	return rc;
}

/* ---- listening sockets ------------------------------------------------- */

static int
listen_unix(struct http_server *srv, const char *path)
{
	struct sockaddr_un	 sun;
	struct stat		 st;
	int			 fd, probe;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		log_error("http", "unix socket path %s is too long (max %zu "
		    "bytes)", path, sizeof(sun.sun_path) - 1);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path));

	/*
	 * Replace a socket file only when no process accepts connections on it.
	 */
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			log_error("http", "%s exists and is not a socket; "
			    "remove it or choose another path", path);
			return -1;
		}
		probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (probe >= 0 && connect(probe, (struct sockaddr *)&sun,
		    sizeof(sun)) == 0) {
			close(probe);
			log_error("http", "another process is listening on %s",
			    path);
			return -1;
		}
		if (probe >= 0)
			close(probe);
		if (unlink(path) != 0 && errno != ENOENT) {
			log_error("http", "cannot remove stale socket %s: %s",
			    path, strerror(errno));
			return -1;
		}
	}

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		log_error("http", "socket failed: %s", strerror(errno));
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0 ||
	    listen(fd, LISTEN_BACKLOG) != 0) {
		log_error("http", "cannot listen on %s: %s", path,
		    strerror(errno));
		close(fd);
		return -1;
	}
	srv->fd = fd;
	srv->unix_path = xstrdup(path);
	return 0;
}

/* Parse "HOST:PORT" with HOST "localhost", a 127.x.y.z address or "[::1]". */
static int
parse_tcp_address(const char *spec, struct sockaddr_storage *ss,
    socklen_t *len)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)ss;
	const char		*colon, *port_str;
	char			 host[INET6_ADDRSTRLEN + 2];
	size_t			 host_len;
	unsigned long		 port;

	if ((colon = strrchr(spec, ':')) == NULL)
		return -1;
	host_len = (size_t)(colon - spec);
	if (host_len == 0 || host_len >= sizeof(host))
		return -1;
	memcpy(host, spec, host_len);
	host[host_len] = '\0';

	port_str = colon + 1;
	if (*port_str == '\0' || strspn(port_str, "0123456789") != strlen(port_str))
		return -1;
	port = strtoul(port_str, NULL, 10);
	if (port > 65535)
		return -1;

	memset(ss, 0, sizeof(*ss));
	if (strcmp(host, "localhost") == 0)
		strcpy(host, "127.0.0.1");
	if (host[0] == '[' && host[host_len - 1] == ']') {
		host[host_len - 1] = '\0';
		if (inet_pton(AF_INET6, host + 1, &sin6->sin6_addr) != 1 ||
		    !IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr))
			return -1;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*sin6);
		return 0;
	}
	if (inet_pton(AF_INET, host, &sin->sin_addr) != 1 ||
	    (ntohl(sin->sin_addr.s_addr) >> 24) != 127)
		return -1;
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)port);
	*len = sizeof(*sin);
	return 0;
}

static int
listen_tcp(struct http_server *srv, const char *spec)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	int			 fd, one = 1;

	if (parse_tcp_address(spec, &ss, &len) != 0) {
		log_error("http", "invalid listen address \"%s\": expected "
		    "127.0.0.1:PORT, [::1]:PORT or unix:PATH (loopback only, "
		    "PORT 0 picks a free port)", spec);
		return -1;
	}

	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		log_error("http", "socket failed: %s", strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) != 0 ||
	    listen(fd, LISTEN_BACKLOG) != 0) {
		log_error("http", "cannot listen on %s: %s", spec,
		    strerror(errno));
		close(fd);
		return -1;
	}

	len = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0) {
		log_error("http", "getsockname failed: %s", strerror(errno));
		close(fd);
		return -1;
	}
	srv->port = ntohs(ss.ss_family == AF_INET6 ?
	    ((struct sockaddr_in6 *)&ss)->sin6_port :
	    ((struct sockaddr_in *)&ss)->sin_port);
	srv->fd = fd;
	return 0;
}

struct http_server *
http_server_new(const char *listen, http_handler_fn handler, void *arg)
{
	struct http_server	*srv;
	int			 rc;

	srv = xcalloc(1, sizeof(*srv));
	srv->fd = -1;
	srv->handler = handler;
	srv->arg = arg;

	if (strncmp(listen, "unix:", 5) == 0)
		rc = listen_unix(srv, listen + 5);
	else
		rc = listen_tcp(srv, listen);
	if (rc != 0) {
		free(srv);
		return NULL;
	}
	return srv;
}

int
http_server_port(const struct http_server *srv)
{
	return srv->port;
}

void
http_server_free(struct http_server *srv)
{
	size_t	 i;

	if (srv == NULL)
		return;
	for (i = 0; i < srv->conn_count; i++)
		conn_free(srv->conns[i]);
	if (srv->fd >= 0)
		close(srv->fd);
	if (srv->unix_path != NULL) {
		unlink(srv->unix_path);
		free(srv->unix_path);
	}
	free(srv);
}
