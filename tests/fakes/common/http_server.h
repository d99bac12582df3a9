/*
 * A small HTTP/1.1 server for the fake services that the demo and the
 * integration tests run on loopback: the sign-on stand-in and fake upstream
 * APIs. One process and one poll() loop serve many connections at once.
 * Each connection carries one request: the server reads the request line,
 * the headers and a body announced by Content-Length, calls the route
 * handler, sends the response (optionally after a delay) and closes the
 * connection.
 *
 * Limits: HTTP_SERVER_MAX_HEAD_BYTES for the request line and headers
 * together (431 beyond), HTTP_SERVER_MAX_HEADERS header lines (431),
 * HTTP_SERVER_MAX_BODY_BYTES of body (413). A malformed request gets 400,
 * a chunked request body 501, and a request that does not arrive within
 * HTTP_SERVER_REQUEST_TIMEOUT_MS gets 408.
 */
#ifndef STETHOSCOPE_HTTP_SERVER_H
#define STETHOSCOPE_HTTP_SERVER_H

#include <stddef.h>

#include "buf.h"

#define HTTP_SERVER_MAX_HEAD_BYTES	(16 * 1024)
#define HTTP_SERVER_MAX_HEADERS		100
#define HTTP_SERVER_MAX_BODY_BYTES	(1024 * 1024)
#define HTTP_SERVER_MAX_CONNECTIONS	256
#define HTTP_SERVER_REQUEST_TIMEOUT_MS	10000
#define HTTP_SERVER_MAX_DELAY_MS	(10 * 60 * 1000)

struct http_header {
	char	*name;
	char	*value;
};

/*
 * A parsed request. Every string is NUL-terminated and owned by the server,
 * and lives until the handler returns. path and query are the request
 * target split at the first '?', still percent-encoded.
 */
struct http_request {
	char			*method;
	char			*target;
	char			*path;
	char			*query;		/* "" when the target has no '?' */
	char			*version;	/* "HTTP/1.0" or "HTTP/1.1" */
	struct http_header	*headers;
	size_t			 header_count;
	char			*body;		/* NUL-terminated; body_len excludes the NUL */
	size_t			 body_len;
	const char		*peer;		/* "127.0.0.1:PORT", "[::1]:PORT" or "unix" */
};

/*
 * The response a handler fills in. The server adds Content-Length and
 * Connection: close itself. status starts at 200 and the body empty.
 */
struct http_response {
	int			 status;
	struct http_header	*headers;
	size_t			 header_count;
	size_t			 header_cap;
	struct buf		 body;
	int			 delay_ms;	/* send the response this long after the handler returns */
	int			 drop;		/* close the connection without sending anything */
	int			 invalid;	/* set by http_response_add_header on a bad header */
};

/*
 * A route handler, called once per complete request with the arg given to
 * http_server_new.
 */
typedef void	(*http_handler_fn)(const struct http_request *req,
		    struct http_response *resp, void *arg);

struct http_server;

/*
 * Open a listening socket and return a server that routes every request to
 * handler. listen is "HOST:PORT" where HOST is a loopback address
 * (127.0.0.0/8, or [::1]) and PORT may be 0 to pick a free port, or
 * "unix:PATH". An existing socket file at PATH is replaced only when no
 * process accepts connections on it. On failure return NULL and log why.
 * The caller frees the server with http_server_free.
 */
struct http_server *http_server_new(const char *listen, http_handler_fn handler,
		    void *arg);

/*
 * Return the bound TCP port (useful after asking for port 0), or 0 for a unix
 * socket.
 */
int		 http_server_port(const struct http_server *srv);

/*
 * Serve until SIGTERM or SIGINT arrives or http_server_stop is called.
 * Installs handlers for those two signals and ignores SIGPIPE. Connections
 * still open at the stop are closed without a response. Return 0 after a
 * clean stop, -1 when poll() fails. The stop signal is process-wide, so run
 * one server per process at a time.
 */
int		 http_server_run(struct http_server *srv);

/*
 * Ask the server running in this process to stop. It is safe to call from a
 * signal handler.
 */
void		 http_server_stop(void);

/*
 * Close the socket, remove the unix socket file this server created, free srv.
 */
void		 http_server_free(struct http_server *srv);

/*
 * Return the value of the first header named name (case-insensitive), or NULL.
 */
const char	*http_request_header(const struct http_request *req,
		    const char *name);

/*
 * Find name in an application/x-www-form-urlencoded string (a query string
 * or a form body) and return its decoded value, owned by the caller. Return
 * NULL when the name is missing or its value is not valid percent-encoded
 * UTF-8.
 */
char		*http_form_value(const char *data, size_t len, const char *name);

/*
 * Add a response header and return 0. Return -1 when the name is not an
 * HTTP token, the value contains a control character, or the header is one
 * that the server sets itself. The response is then marked invalid, and the
 * server sends 500 in its place.
 */
int		 http_response_add_header(struct http_response *resp,
		    const char *name, const char *value);

/*
 * Set the status, add a text/plain Content-Type header and replace the body
 * with text and a newline.
 */
void		 http_response_text(struct http_response *resp, int status,
		    const char *text);

/* Set 302 with a Location header and a short text body. */
void		 http_response_redirect(struct http_response *resp,
		    const char *location);

/* Return the standard reason phrase for status, "Unknown" if none. */
const char	*http_status_reason(int status);

#endif
