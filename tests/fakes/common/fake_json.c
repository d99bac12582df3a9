/* Misbehaviour modes, control endpoints and recordings for the JSON fakes. */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "fake_json.h"
#include "http_server.h"
#include "log.h"

static const char *const mode_names[FAKE_JSON_MODE__MAX] = {
	[FAKE_JSON_NORMAL] = "normal",
	[FAKE_JSON_SLOW] = "slow",
	[FAKE_JSON_HANG] = "hang",
	[FAKE_JSON_401] = "401",
	[FAKE_JSON_429] = "429",
	[FAKE_JSON_403QUOTA] = "403quota",
	[FAKE_JSON_500] = "500",
	[FAKE_JSON_HTML200] = "html200",
	[FAKE_JSON_TRUNCATED] = "truncated",
	[FAKE_JSON_OVERSIZE] = "oversize",
	[FAKE_JSON_MALFORMED] = "malformed",
};

/* Modes that take ":NUMBER", and its range. */
static const struct {
	enum fake_json_mode_kind kind;
	long			 min, max;
} mode_args[] = {
	{ FAKE_JSON_SLOW, 0, HTTP_SERVER_MAX_DELAY_MS },
	{ FAKE_JSON_429, 0, 86400 },
};

int
fake_json_mode_parse(const char *text, struct fake_json_mode *out)
{
	const char	*colon;
	char		*end;
	size_t		 len, i;
	long		 arg;
	int		 k;

	colon = strchr(text, ':');
	len = colon != NULL ? (size_t)(colon - text) : strlen(text);
	for (k = 0; k < FAKE_JSON_MODE__MAX; k++)
		if (strlen(mode_names[k]) == len &&
		    strncmp(mode_names[k], text, len) == 0)
			break;
	if (k == FAKE_JSON_MODE__MAX)
		return -1;

	for (i = 0; i < sizeof(mode_args) / sizeof(mode_args[0]); i++) {
		if (mode_args[i].kind != (enum fake_json_mode_kind)k)
			continue;
		if (colon == NULL || colon[1] == '\0')
			return -1;
		errno = 0;
		arg = strtol(colon + 1, &end, 10);
		if (errno != 0 || *end != '\0' || arg < mode_args[i].min ||
		    arg > mode_args[i].max)
			return -1;
		out->kind = (enum fake_json_mode_kind)k;
		out->arg = arg;
		return 0;
	}
	if (colon != NULL)
		return -1;
	out->kind = (enum fake_json_mode_kind)k;
	out->arg = 0;
	return 0;
}

int
fake_json_peer_is_local(const struct http_request *req)
{
	return strncmp(req->peer, "127.", 4) == 0 ||
	    strncmp(req->peer, "[::1]", 5) == 0 ||
	    strcmp(req->peer, "unix") == 0;
}

int
fake_json_control(const struct http_request *req, struct http_response *resp,
    struct fake_json_mode *mode, struct fake_json_stats *stats)
{
	struct fake_json_mode	 next;
	char			*text;

	if (strncmp(req->path, "/_fake/", 7) != 0)
		return 0;
	if (!fake_json_peer_is_local(req)) {
		http_response_text(resp, 403, "control endpoints are for "
		    "loopback peers only");
		return 1;
	}

	if (strcmp(req->path, "/_fake/mode") == 0) {
		text = http_form_value(req->query, strlen(req->query), "set");
		if (text == NULL || fake_json_mode_parse(text, &next) != 0) {
			http_response_text(resp, 400, "expected ?set=MODE");
		} else {
			*mode = next;
			log_info("fake", "mode set to %s", text);
			http_response_text(resp, 200, text);
		}
		free(text);
	} else if (strcmp(req->path, "/_fake/stats") == 0) {
		http_response_add_header(resp, "Content-Type",
		    "application/json");
		buf_printf(&resp->body, "{\"token_requests\": %ld, "
		    "\"tokens_issued\": %ld, \"api_requests\": %ld, "
		    "\"rejected_auth\": %ld}\n", stats->token_requests,
		    stats->tokens_issued, stats->api_requests,
		    stats->rejected_auth);
	} else if (strcmp(req->path, "/_fake/reset") == 0) {
		memset(stats, 0, sizeof(*stats));
		http_response_text(resp, 200, "counters reset");
	} else
		return 0;
	return 1;
}

void
fake_json_send(struct http_response *resp, int status, const char *json,
    size_t len)
{
	resp->status = status;
	buf_reset(&resp->body);
	buf_append(&resp->body, json, len);
	http_response_add_header(resp, "Content-Type",
	    "application/json; charset=UTF-8");
}

void
fake_json_send_html(struct http_response *resp, int status,
    const struct buf *page)
{
	resp->status = status;
	buf_reset(&resp->body);
	buf_append(&resp->body, page->data, page->len);
	http_response_add_header(resp, "Content-Type",
	    "text/html; charset=UTF-8");
}

int
fake_json_before(const struct fake_json_mode *mode,
    const struct fake_json_pages *pages, struct http_response *resp)
{
	static const char generic_quota[] = "{\"error\": {\"code\": 403, "
	    "\"message\": \"Quota exceeded\", \"errors\": [{\"reason\": "
	    "\"quotaExceeded\"}]}}";
	char	 seconds[32];

	switch (mode->kind) {
	case FAKE_JSON_SLOW:
		resp->delay_ms = (int)mode->arg;
		return 0;
	case FAKE_JSON_HANG:
		resp->delay_ms = HTTP_SERVER_MAX_DELAY_MS;
		resp->drop = 1;
		return 1;
	case FAKE_JSON_401:
		fake_json_send(resp, 401, pages->unauthorized.data,
		    pages->unauthorized.len);
		return 1;
	case FAKE_JSON_429:
		fake_json_send(resp, 429, pages->rate_limited.data,
		    pages->rate_limited.len);
		snprintf(seconds, sizeof(seconds), "%ld", mode->arg);
		http_response_add_header(resp, "Retry-After", seconds);
		return 1;
	case FAKE_JSON_403QUOTA:
		if (pages->quota.len > 0)
			fake_json_send(resp, 403, pages->quota.data,
			    pages->quota.len);
		else
			fake_json_send(resp, 403, generic_quota,
			    sizeof(generic_quota) - 1);
		return 1;
	case FAKE_JSON_500:
		fake_json_send_html(resp, 500, &pages->server_error);
		return 1;
	default:
		return 0;
	}
}

/* FAKE_JSON_OVERSIZE_BYTES of valid JSON: one object with a long string. */
static void
oversize_body(struct buf *body)
{
	static const char chunk[] = "0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789abcdef";

	buf_reset(body);
	buf_reserve(body, FAKE_JSON_OVERSIZE_BYTES + 64);
	buf_puts(body, "{\"padding\": \"");
	while (body->len < FAKE_JSON_OVERSIZE_BYTES)
		buf_append(body, chunk, sizeof(chunk) - 1);
	buf_puts(body, "\"}\n");
}

void
fake_json_body(const struct fake_json_mode *mode,
    const struct fake_json_pages *pages, struct http_response *resp)
{
	switch (mode->kind) {
	case FAKE_JSON_HTML200:
		fake_json_send_html(resp, 200, &pages->html200);
		break;
	case FAKE_JSON_TRUNCATED:
		resp->body.len /= 2;
		resp->body.data[resp->body.len] = '\0';
		break;
	case FAKE_JSON_OVERSIZE:
		oversize_body(&resp->body);
		break;
	case FAKE_JSON_MALFORMED:
		fake_json_send(resp, 200, pages->malformed.data,
		    pages->malformed.len);
		break;
	default:
		break;
	}
}

int
fake_json_read_file(const char *dir, const char *name, struct buf *out)
{
	struct buf	 path = BUF_INIT;
	struct stat	 st;
	char		 chunk[8192];
	ssize_t		 got;
	int		 fd, rc = -1;

	buf_printf(&path, "%s/%s", dir, name);
	if ((fd = open(path.data, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			rc = 1;
		else
			log_error("fake", "cannot open %s: %s", path.data,
			    strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > FAKE_JSON_MAX_FILE_BYTES) {
		log_error("fake", "%s is not a file of at most %d bytes",
		    path.data, FAKE_JSON_MAX_FILE_BYTES);
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
fake_json_pages_load(struct fake_json_pages *pages, const char *dir)
{
	static const struct {
		const char	*name;
		size_t		 offset;
		int		 optional;
	} files[] = {
		{ "errors/401.json", offsetof(struct fake_json_pages,
		    unauthorized), 0 },
		{ "errors/429.json", offsetof(struct fake_json_pages,
		    rate_limited), 0 },
		{ "errors/403-quota.json", offsetof(struct fake_json_pages,
		    quota), 1 },
		{ "errors/404.html", offsetof(struct fake_json_pages,
		    not_found), 0 },
		{ "errors/500.html", offsetof(struct fake_json_pages,
		    server_error), 0 },
		{ "errors/html200.html", offsetof(struct fake_json_pages,
		    html200), 0 },
		{ "errors/malformed.txt", offsetof(struct fake_json_pages,
		    malformed), 0 },
	};
	struct buf	*b;
	size_t		 i;
	int		 rc;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		b = (struct buf *)((char *)pages + files[i].offset);
		rc = fake_json_read_file(dir, files[i].name, b);
		if (rc == 1 && files[i].optional)
			continue;
		if (rc != 0) {
			if (rc == 1)
				log_error("fake", "%s/%s is missing", dir,
				    files[i].name);
			return -1;
		}
	}
	return 0;
}

void
fake_json_pages_free(struct fake_json_pages *pages)
{
	buf_free(&pages->unauthorized);
	buf_free(&pages->rate_limited);
	buf_free(&pages->quota);
	buf_free(&pages->not_found);
	buf_free(&pages->server_error);
	buf_free(&pages->html200);
	buf_free(&pages->malformed);
}

static void
usage(FILE *out, const char *name, const char *what)
{
	fprintf(out,
	    "usage: %s --listen ADDRESS --data DIR [--mode MODE]\n"
	    "\n"
	    "%s\n"
	    "\n"
	    "  --listen ADDRESS  127.0.0.1:PORT, [::1]:PORT or unix:PATH; with\n"
	    "                    PORT 0 a free port is picked and printed as\n"
	    "                    \"port N\" on standard output\n"
	    "  --data DIR        the recorded answers (tests/upstreams/%s)\n"
	    "  --mode MODE       misbehaviour at start: normal, slow:MS, hang,\n"
	    "                    401, 429:SECONDS, 403quota, 500, html200,\n"
	    "                    truncated, oversize or malformed (default\n"
	    "                    normal); GET /_fake/mode?set=MODE changes it\n",
	    name, what, name);
}

void
fake_json_options(int argc, char **argv, const char *name, const char *what,
    const char **listen, const char **data, struct fake_json_mode *mode)
{
	static const struct option options[] = {
		{ "listen",	required_argument, NULL, 'l' },
		{ "data",	required_argument, NULL, 'd' },
		{ "mode",	required_argument, NULL, 'm' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int	 ch;

	*listen = *data = NULL;
	mode->kind = FAKE_JSON_NORMAL;
	mode->arg = 0;
	while ((ch = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (ch) {
		case 'l':
			*listen = optarg;
			break;
		case 'd':
			*data = optarg;
			break;
		case 'm':
			if (fake_json_mode_parse(optarg, mode) != 0) {
				fprintf(stderr, "%s: invalid mode \"%s\"\n",
				    name, optarg);
				usage(stderr, name, what);
				exit(2);
			}
			break;
		case 'h':
			usage(stdout, name, what);
			exit(0);
		default:
			usage(stderr, name, what);
			exit(2);
		}
	}
	if (optind != argc || *listen == NULL || *data == NULL) {
		fprintf(stderr, "%s: --listen and --data are required\n", name);
		usage(stderr, name, what);
		exit(2);
	}
}

void
fake_json_announce(const char *name, const struct http_server *srv,
    const char *listen, const char *data)
{
	int	 port = http_server_port(srv);

	if (port != 0) {
		printf("port %d\n", port);
		fflush(stdout);
		log_info(name, "started on %s, port %d, answering from %s",
		    listen, port, data);
	} else
		log_info(name, "started on %s, answering from %s", listen,
		    data);
}
