/*
 * Turning the outcome of one upstream request into the message shown to
 * people when it failed: one table maps HTTP statuses, HTML error pages and
 * transport failures to text such as "HTTP 401 from JAMF: check the API
 * credentials", so every adapter words the same failure the same way.
 * Messages never contain the URL, a header or the request body, so they
 * cannot leak a credential.
 */
#ifndef STETHOSCOPE_UPSTREAM_ANSWER_H
#define STETHOSCOPE_UPSTREAM_ANSWER_H

#include "buf.h"
#include "fetch.h"

/* The names of one upstream system in messages. */
struct upstream_labels {
	const char	*system;	/* "JAMF", "LANDESK" */
	const char	*format;	/* what a good answer is: "XML", "JSON" */
	const char	*credentials;	/* what to check on 401 and 403 */
};

/*
 * Return 1 when the response is an HTML page: a Content-Type of text/html,
 * or a body that starts (after white space and a byte order mark) with
 * "<html" or "<!DOCTYPE html", in any case.
 */
int	upstream_answer_is_html(const struct fetch_request *req);

/*
 * Append to out why req did not bring a usable response, for a request that
 * failed (req->error is not FETCH_OK) or that brought an HTML page:
 * - 401, 403: "HTTP 401 from JAMF: check the API credentials"
 * - 429: "HTTP 429 from JAMF: too many requests", with the Retry-After
 * - 5xx: "HTTP 500 from JAMF: the server failed"
 * - an HTML page otherwise: "JAMF answered an HTML page instead of XML
 *   (HTTP 200)"
 * - other statuses: "HTTP 404 from JAMF"
 * - no HTTP answer: the fetch layer's message ("timed out after 2000 ms").
 */
void	upstream_failure_message(const struct fetch_request *req,
	    const struct upstream_labels *labels, struct buf *out);

/*
 * Return 1 when req brought a 2xx response that is not an HTML page, else
 * append the reason to out with upstream_failure_message and return 0.
 */
int	upstream_answer_usable(const struct fetch_request *req,
	    const struct upstream_labels *labels, struct buf *out);

#endif
