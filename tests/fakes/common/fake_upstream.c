/* Misbehaviour modes, control endpoints and file loading for the fakes. */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "buf.h"
#include "fake_upstream.h"
#include "http_server.h"
#include "log.h"
#include "xalloc.h"

static const char *const mode_names[FAKE_MODE__MAX] = {
	[FAKE_NORMAL] = "normal",
	[FAKE_SLOW] = "slow",
	[FAKE_HANG] = "hang",
	[FAKE_401] = "401",
	[FAKE_429] = "429",
	[FAKE_500] = "500",
	[FAKE_HTML200] = "html200",
	[FAKE_TRUNCATED] = "truncated",
	[FAKE_OVERSIZE] = "oversize",
	[FAKE_DOCTYPE] = "doctype",
};

/* Modes that take ":NUMBER", and its range. */
static const struct {
	enum fake_mode_kind	 kind;
	long			 min, max;
} mode_args[] = {
	{ FAKE_SLOW, 0, HTTP_SERVER_MAX_DELAY_MS },
	{ FAKE_429, 0, 86400 },
};

int
fake_mode_parse(const char *text, struct fake_mode *out)
{
	const char	*colon;
	char		*end;
	size_t		 len, i;
	long		 arg;
	int		 k;

	colon = strchr(text, ':');
	len = colon != NULL ? (size_t)(colon - text) : strlen(text);
	for (k = 0; k < FAKE_MODE__MAX; k++)
		if (strlen(mode_names[k]) == len &&
		    strncmp(mode_names[k], text, len) == 0)
			break;
	if (k == FAKE_MODE__MAX)
		return -1;

	for (i = 0; i < sizeof(mode_args) / sizeof(mode_args[0]); i++) {
		if (mode_args[i].kind != (enum fake_mode_kind)k)
			continue;
		if (colon == NULL || colon[1] == '\0')
			return -1;
		errno = 0;
		arg = strtol(colon + 1, &end, 10);
		if (errno != 0 || *end != '\0' || arg < mode_args[i].min ||
		    arg > mode_args[i].max)
			return -1;
		out->kind = (enum fake_mode_kind)k;
		out->arg = arg;
		return 0;
	}
	if (colon != NULL)
		return -1;
	out->kind = (enum fake_mode_kind)k;
	out->arg = 0;
	return 0;
}

int
fake_peer_is_local(const struct http_request *req)
{
	return strncmp(req->peer, "127.", 4) == 0 ||
	    strncmp(req->peer, "[::1]", 5) == 0 ||
	    strcmp(req->peer, "unix") == 0;
}

int
fake_control(const struct http_request *req, struct http_response *resp,
    struct fake_mode *mode, struct fake_stats *stats)
{
	struct fake_mode	 next;
	char			*text;

	if (strncmp(req->path, "/_fake/", 7) != 0)
		return 0;
	if (!fake_peer_is_local(req)) {
		http_response_text(resp, 403, "control endpoints are for "
		    "loopback peers only");
		return 1;
	}

	if (strcmp(req->path, "/_fake/mode") == 0) {
		text = http_form_value(req->query, strlen(req->query), "set");
		if (text == NULL || fake_mode_parse(text, &next) != 0) {
			http_response_text(resp, 400, "expected ?set=MODE");
		} else {
			*mode = next;
			log_info("fake", "mode set to %s", text);
			http_response_text(resp, 200, text);
		}
		free(text);
	} else if (strcmp(req->path, "/_fake/stats") == 0) {
		http_response_add_header(resp, "Content-Type", "text/plain");
		buf_printf(&resp->body, "token_requests %ld\napi_requests %ld\n"
		    "rejected_auth %ld\n", stats->token_requests,
		    stats->api_requests, stats->rejected_auth);
	} else if (strcmp(req->path, "/_fake/reset") == 0) {
		memset(stats, 0, sizeof(*stats));
		http_response_text(resp, 200, "counters reset");
	} else
		http_response_text(resp, 404, "no such control endpoint");
	return 1;
}

void
fake_html_error(const struct fake_pages *pages, int status,
    struct http_response *resp)
{
	const struct buf	*page;
	size_t			 i;

	page = status == 401 ? &pages->error_401 : status == 404 ?
	    &pages->error_404 : &pages->error_500;
	resp->status = status;
	buf_reset(&resp->body);
	buf_append(&resp->body, page->data, page->len);
	http_response_add_header(resp, "Content-Type",
	    "text/html;charset=UTF-8");
	for (i = 0; status == 401 && pages->authenticate != NULL &&
	    pages->authenticate[i] != NULL; i++)
		http_response_add_header(resp, "WWW-Authenticate",
		    pages->authenticate[i]);
}

int
fake_mode_before(const struct fake_mode *mode, const struct fake_pages *pages,
    struct http_response *resp)
{
	char	 seconds[32];

	switch (mode->kind) {
	case FAKE_SLOW:
		resp->delay_ms = (int)mode->arg;
		return 0;
	case FAKE_HANG:
		resp->delay_ms = HTTP_SERVER_MAX_DELAY_MS;
		resp->drop = 1;
		return 1;
	case FAKE_401:
		fake_html_error(pages, 401, resp);
		return 1;
	case FAKE_429:
		snprintf(seconds, sizeof(seconds), "%ld", mode->arg);
		http_response_text(resp, 429, "Too Many Requests");
		http_response_add_header(resp, "Retry-After", seconds);
		return 1;
	case FAKE_500:
		fake_html_error(pages, 500, resp);
		return 1;
	default:
		return 0;
	}
}

/* About FAKE_OVERSIZE_BYTES of well-formed XML. */
static void
oversize_body(struct buf *body)
{
	static const char line[] = "<padding>0123456789abcdef0123456789"
	    "abcdef0123456789abcdef0123456789abcdef</padding>\n";

	buf_reset(body);
	buf_reserve(body, FAKE_OVERSIZE_BYTES + 64);
	buf_puts(body, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<padded>\n");
	while (body->len < FAKE_OVERSIZE_BYTES)
		buf_append(body, line, sizeof(line) - 1);
	buf_puts(body, "</padded>\n");
}

void
fake_mode_body(const struct fake_mode *mode, const struct fake_pages *pages,
    struct http_response *resp)
{
	switch (mode->kind) {
	case FAKE_HTML200:
		fake_html_error(pages, 500, resp);
		resp->status = 200;
		break;
	case FAKE_TRUNCATED:
		resp->body.len /= 2;
		resp->body.data[resp->body.len] = '\0';
		break;
	case FAKE_OVERSIZE:
		oversize_body(&resp->body);
		break;
	case FAKE_DOCTYPE:
		buf_reset(&resp->body);
		buf_puts(&resp->body, pages->doctype_xml);
		break;
	default:
		break;
	}
}

int
fake_read_file(const char *dir, const char *name, struct buf *out)
{
	struct buf	 path = BUF_INIT;
	struct stat	 st;
	char		 chunk[8192];
	ssize_t		 got;
	int		 fd, rc = -1;

	buf_printf(&path, "%s/%s", dir, name);
	if ((fd = open(path.data, O_RDONLY | O_CLOEXEC)) == -1) {
		log_error("fake", "cannot open %s: %s", path.data,
		    strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) == -1 || st.st_size > FAKE_MAX_FILE_BYTES) {
		log_error("fake", "%s is not a file of at most %d bytes",
		    path.data, FAKE_MAX_FILE_BYTES);
		goto out;
	}
	buf_reset(out);
	while ((got = read(fd, chunk, sizeof(chunk))) > 0)
		buf_append(out, chunk, (size_t)got);
	if (got < 0) {
		log_error("fake", "cannot read %s: %s", path.data,
		    strerror(errno));
		goto out;
	}
	buf_puts(out, "");
	rc = 0;

out:
	if (fd != -1)
		close(fd);
	buf_free(&path);
	return rc;
}

int
fake_pages_load(struct fake_pages *pages, const char *dir)
{
	if (fake_read_file(dir, "errors/401.html", &pages->error_401) != 0 ||
	    fake_read_file(dir, "errors/404.html", &pages->error_404) != 0 ||
	    fake_read_file(dir, "errors/500.html", &pages->error_500) != 0)
		return -1;
	return 0;
}

void
fake_pages_free(struct fake_pages *pages)
{
	buf_free(&pages->error_401);
	buf_free(&pages->error_404);
	buf_free(&pages->error_500);
}

char *
fake_basic_authorization(const char *user, const char *password)
{
	struct buf	 plain = BUF_INIT, header = BUF_INIT;
	unsigned char	*encoded;

	buf_printf(&plain, "%s:%s", user, password);
	encoded = xmalloc(4 * (plain.len / 3 + 1) + 1);
	EVP_EncodeBlock(encoded, (const unsigned char *)plain.data,
	    (int)plain.len);
	buf_printf(&header, "Basic %s", (char *)encoded);
	free(encoded);
	buf_free(&plain);
	return buf_detach(&header);
}
