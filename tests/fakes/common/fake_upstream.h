/*
 * Shared parts of the fake upstream APIs (JAMF, LANDESK): misbehaviour
 * modes that tests switch on, the control endpoints under /_fake/, and
 * reading recorded responses from the data directory.
 *
 * Modes, given as --mode MODE or at runtime with GET /_fake/mode?set=MODE
 * (accepted from loopback peers only):
 *   normal        answer from the recordings
 *   slow:MS       answer normally, MS milliseconds late
 *   hang          accept the request and never answer (until the fake
 *                 stops or HTTP_SERVER_MAX_DELAY_MS passes)
 *   401           every request gets the HTML 401 page
 *   429:SECONDS   every request gets 429 with Retry-After: SECONDS
 *   500           every request gets the HTML 500 page
 *   html200       data requests get an HTML error page with status 200
 *   truncated     data responses are cut in the middle
 *   oversize      data requests get about FAKE_OVERSIZE_BYTES of XML
 *   doctype       data requests get XML with a DOCTYPE and an external
 *                 entity
 * "Data requests" are those whose normal response is XML. Token
 * endpoints and the control endpoints only see the status and timing
 * modes.
 */
#ifndef STETHOSCOPE_FAKE_UPSTREAM_H
#define STETHOSCOPE_FAKE_UPSTREAM_H

#include <stddef.h>

#include "buf.h"
#include "http_server.h"

#define FAKE_OVERSIZE_BYTES	(20 * 1024 * 1024)
#define FAKE_MAX_FILE_BYTES	(4 * 1024 * 1024)

enum fake_mode_kind {
	FAKE_NORMAL,
	FAKE_SLOW,
	FAKE_HANG,
	FAKE_401,
	FAKE_429,
	FAKE_500,
	FAKE_HTML200,
	FAKE_TRUNCATED,
	FAKE_OVERSIZE,
	FAKE_DOCTYPE,
	FAKE_MODE__MAX
};

struct fake_mode {
	enum fake_mode_kind	 kind;
	long			 arg;	/* SLOW: ms; 429: seconds */
};

/* The error pages and headers of one fake. */
struct fake_pages {
	struct buf		 error_401;	/* HTML */
	struct buf		 error_404;	/* HTML */
	struct buf		 error_500;	/* HTML */
	const char		*doctype_xml;	/* for the doctype mode */
	const char *const	*authenticate;	/* WWW-Authenticate values, NULL-terminated */
};

/* Counters a fake keeps, served by GET /_fake/stats. */
struct fake_stats {
	long	 token_requests;
	long	 api_requests;
	long	 rejected_auth;		/* answered 401 for missing or wrong credentials */
};

/* Parse MODE as described above. Returns 0, or -1 when invalid. */
int	fake_mode_parse(const char *text, struct fake_mode *out);

/*
 * Serve the control endpoints: GET /_fake/mode?set=MODE, GET /_fake/stats
 * and GET /_fake/reset (zero the counters). Returns 1 when req was one of
 * them (served, or rejected with 403 for a peer that is not loopback),
 * 0 otherwise.
 */
int	fake_control(const struct http_request *req,
	    struct http_response *resp, struct fake_mode *mode,
	    struct fake_stats *stats);

/*
 * Apply the status and timing modes to resp before the request is routed.
 * Returns 1 when the response is complete (401, 429, 500, hang), 0 when
 * the route should answer (normal, or slow with the delay already set).
 */
int	fake_mode_before(const struct fake_mode *mode,
	    const struct fake_pages *pages, struct http_response *resp);

/*
 * Apply the body modes to a data response that the route built (html200,
 * truncated, oversize, doctype). Call it only for responses with status 200.
 */
void	fake_mode_body(const struct fake_mode *mode,
	    const struct fake_pages *pages, struct http_response *resp);

/* Answer with status and an HTML page, adding WWW-Authenticate for 401. */
void	fake_html_error(const struct fake_pages *pages, int status,
	    struct http_response *resp);

/*
 * Read dir/name (at most FAKE_MAX_FILE_BYTES) into out. Returns 0, or -1
 * with the reason logged.
 */
int	fake_read_file(const char *dir, const char *name, struct buf *out);

/*
 * Load errors/401.html, errors/404.html and errors/500.html from dir into
 * pages. Returns 0, or -1 with the reason logged.
 */
int	fake_pages_load(struct fake_pages *pages, const char *dir);

void	fake_pages_free(struct fake_pages *pages);

/*
 * Return the Authorization header value that Basic auth with user and
 * password produces ("Basic BASE64"), for comparing with a request's.
 * The caller frees it.
 */
char	*fake_basic_authorization(const char *user, const char *password);

/* Return 1 for a loopback or unix socket peer. */
int	fake_peer_is_local(const struct http_request *req);

#endif
