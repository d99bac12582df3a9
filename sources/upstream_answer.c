/* The one table that maps failed upstream responses to messages for people. */

#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "fetch.h"
#include "upstream_answer.h"

enum status_text {
	TEXT_CREDENTIALS,	/* "HTTP 401 from JAMF: check ..." */
	TEXT_RATE_LIMITED,
	TEXT_SERVER_FAILED,
	TEXT_NOT_FOUND,
	TEXT__MAX
};

/*
 * Rows that apply before the HTML check win even when the body is an HTML
 * page, because the status alone tells what to do (upstreams send their
 * 401 and 500 responses as HTML). The others apply only to non-HTML bodies.
 */
static const struct status_row {
	long		 min, max;
	int		 before_html;
	enum status_text text;
} status_rows[] = {
	{ 401, 401, 1, TEXT_CREDENTIALS },
	{ 403, 403, 1, TEXT_CREDENTIALS },
	{ 429, 429, 1, TEXT_RATE_LIMITED },
	{ 500, 599, 1, TEXT_SERVER_FAILED },
	{ 404, 404, 0, TEXT_NOT_FOUND },
};

static void
append_status_text(const struct fetch_request *req,
    const struct upstream_labels *labels, enum status_text text,
    struct buf *out)
{
	buf_printf(out, "HTTP %ld from %s", req->status, labels->system);
	switch (text) {
	case TEXT_CREDENTIALS:
		buf_printf(out, ": check %s", labels->credentials);
		break;
	case TEXT_RATE_LIMITED:
		buf_puts(out, ": too many requests");
		if (req->retry_after_s > 0)
			buf_printf(out, " (it asked to retry after %ld s)",
			    req->retry_after_s);
		break;
	case TEXT_SERVER_FAILED:
		buf_puts(out, ": the server failed");
		break;
	case TEXT_NOT_FOUND:
		buf_puts(out, ": not found; check the url setting");
		break;
	case TEXT__MAX:
		break;
	}
}

static int
starts_with_ci(const char *s, size_t len, const char *prefix)
{
	size_t	 n = strlen(prefix);

	return len >= n && strncasecmp(s, prefix, n) == 0;
}

int
upstream_answer_is_html(const struct fetch_request *req)
{
	const char	*p = req->body.data;
	size_t		 len = req->body.len;

	if (req->content_type != NULL &&
	    starts_with_ci(req->content_type, strlen(req->content_type),
	    "text/html"))
		return 1;
	if (p == NULL)
		return 0;
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
		p += 3;
		len -= 3;
	}
	while (len > 0 && strchr(" \t\r\n", *p) != NULL) {
		p++;
		len--;
	}
	return starts_with_ci(p, len, "<html") ||
	    starts_with_ci(p, len, "<!doctype html");
}

static const struct status_row *
find_row(long status, int before_html)
{
	size_t	 i;

	for (i = 0; i < sizeof(status_rows) / sizeof(status_rows[0]); i++)
		if (status >= status_rows[i].min &&
		    status <= status_rows[i].max &&
		    status_rows[i].before_html == before_html)
			return &status_rows[i];
	return NULL;
}

void
upstream_failure_message(const struct fetch_request *req,
    const struct upstream_labels *labels, struct buf *out)
{
	const struct status_row	*row;

	/* Without an HTTP status, the fetch layer has the words. */
	if (req->error != FETCH_OK && req->error != FETCH_ERR_HTTP_STATUS) {
		buf_puts(out, req->error_message[0] != '\0' ?
		    req->error_message : fetch_error_name(req->error));
		return;
	}

	if ((row = find_row(req->status, 1)) != NULL) {
		append_status_text(req, labels, row->text, out);
		return;
	}
	if (upstream_answer_is_html(req)) {
		buf_printf(out, "%s answered an HTML page instead of %s "
		    "(HTTP %ld)", labels->system, labels->format, req->status);
		return;
	}
	if ((row = find_row(req->status, 0)) != NULL) {
		append_status_text(req, labels, row->text, out);
		return;
	}
	buf_printf(out, "HTTP %ld from %s", req->status, labels->system);
}

int
upstream_answer_usable(const struct fetch_request *req,
    const struct upstream_labels *labels, struct buf *out)
{
	if (req->error == FETCH_OK && req->status >= 200 &&
	    req->status <= 299 && !upstream_answer_is_html(req))
		return 1;
	upstream_failure_message(req, labels, out);
	return 0;
}
