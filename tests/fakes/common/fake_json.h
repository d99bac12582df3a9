/*
 * Shared parts of the fake JSON APIs (Google, bitFit): misbehaviour modes
 * that tests switch on, the control endpoints under /_fake/, request
 * counters, and reading recorded answers from the data directory.
 *
 * Modes, given as --mode MODE or at runtime with GET /_fake/mode?set=MODE
 * (accepted from loopback peers only). They apply to the API's data
 * requests; each fake says which of its endpoints count as such.
 *   normal        answer from the recordings
 *   slow:MS       answer normally, MS milliseconds late
 *   hang          accept the request and never answer (until the fake
 *                 stops or HTTP_SERVER_MAX_DELAY_MS passes)
 *   401           the API's JSON 401 answer
 *   429:SECONDS   the API's JSON 429 answer with Retry-After: SECONDS
 *   403quota      Google's 403 answer with reason userRateLimitExceeded
 *   500           an HTML 500 page
 *   html200       an HTML page with status 200
 *   truncated     the normal answer cut in the middle
 *   oversize      FAKE_JSON_OVERSIZE_BYTES of valid JSON
 *   malformed     JSON with a syntax error (errors/malformed.txt)
 */
#ifndef STETHOSCOPE_FAKE_JSON_H
#define STETHOSCOPE_FAKE_JSON_H

#include <stddef.h>

#include "buf.h"
#include "http_server.h"

/* Larger than the fetch layer's default limit of 8 MiB. */
#define FAKE_JSON_OVERSIZE_BYTES	(10 * 1024 * 1024)
#define FAKE_JSON_MAX_FILE_BYTES	(1024 * 1024)

enum fake_json_mode_kind {
	FAKE_JSON_NORMAL,
	FAKE_JSON_SLOW,
	FAKE_JSON_HANG,
	FAKE_JSON_401,
	FAKE_JSON_429,
	FAKE_JSON_403QUOTA,
	FAKE_JSON_500,
	FAKE_JSON_HTML200,
	FAKE_JSON_TRUNCATED,
	FAKE_JSON_OVERSIZE,
	FAKE_JSON_MALFORMED,
	FAKE_JSON_MODE__MAX
};

struct fake_json_mode {
	enum fake_json_mode_kind kind;
	long			 arg;	/* SLOW: ms; 429: seconds */
};

/* The recorded error answers of one fake, from its errors/ directory. */
struct fake_json_pages {
	struct buf	 unauthorized;	/* errors/401.json */
	struct buf	 rate_limited;	/* errors/429.json */
	struct buf	 quota;		/* errors/403-quota.json, or empty */
	struct buf	 not_found;	/* errors/404.html */
	struct buf	 server_error;	/* errors/500.html */
	struct buf	 html200;	/* errors/html200.html */
	struct buf	 malformed;	/* errors/malformed.txt */
};

/* Counters served by GET /_fake/stats as a JSON object. */
struct fake_json_stats {
	long	 token_requests;
	long	 tokens_issued;
	long	 api_requests;
	long	 rejected_auth;	/* 401 for missing or wrong credentials */
};

/* Parse MODE as described above. Returns 0, or -1 when invalid. */
int	fake_json_mode_parse(const char *text, struct fake_json_mode *out);

/*
 * Serve GET /_fake/mode?set=MODE, /_fake/stats and /_fake/reset (zero the
 * counters), and answer 403 to any /_fake/ path from a peer that is not
 * loopback. Returns 1 when the response is complete, 0 for every other
 * path, which the fake routes itself (its own /_fake/ endpoints too).
 */
int	fake_json_control(const struct http_request *req,
	    struct http_response *resp, struct fake_json_mode *mode,
	    struct fake_json_stats *stats);

/*
 * Apply the status and timing modes to a data request before it is
 * routed. Returns 1 when the response is complete (hang, 401, 429,
 * 403quota, 500), 0 when the route should answer (slow has set the
 * delay).
 */
int	fake_json_before(const struct fake_json_mode *mode,
	    const struct fake_json_pages *pages, struct http_response *resp);

/*
 * Apply the body modes (html200, truncated, oversize, malformed) to a
 * data answer with status 200 that the route built.
 */
void	fake_json_body(const struct fake_json_mode *mode,
	    const struct fake_json_pages *pages, struct http_response *resp);

/* Answer with status and a JSON body. */
void	fake_json_send(struct http_response *resp, int status,
	    const char *json, size_t len);

/* Answer with status and an HTML page. */
void	fake_json_send_html(struct http_response *resp, int status,
	    const struct buf *page);

/*
 * Read dir/name (at most FAKE_JSON_MAX_FILE_BYTES) into out. Returns 0,
 * 1 when the file does not exist (not logged: a missing recording means
 * an empty answer), or -1 with the reason logged.
 */
int	fake_json_read_file(const char *dir, const char *name,
	    struct buf *out);

/*
 * Load the error answers listed in struct fake_json_pages from dir. Only
 * errors/403-quota.json may be missing. Returns 0, or -1 (logged).
 */
int	fake_json_pages_load(struct fake_json_pages *pages, const char *dir);

void	fake_json_pages_free(struct fake_json_pages *pages);

/* Return 1 for a loopback or unix socket peer. */
int	fake_json_peer_is_local(const struct http_request *req);

/*
 * Parse the command line shared by the JSON fakes: --listen ADDRESS,
 * --data DIR, --mode MODE and --help. name and what describe the fake in
 * the usage text. Exits with the usage on invalid arguments.
 */
void	fake_json_options(int argc, char **argv, const char *name,
	    const char *what, const char **listen, const char **data,
	    struct fake_json_mode *mode);

/*
 * Log the start. When the server listens on TCP, also print "port N" on
 * stdout and flush it, so that a test that requested port 0 learns the
 * port.
 */
void	fake_json_announce(const char *name, const struct http_server *srv,
	    const char *listen, const char *data);

#endif
