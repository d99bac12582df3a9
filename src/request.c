/* Parsing and validating one FastCGI request before any handler runs. */

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "log.h"
#include "request.h"
#include "xalloc.h"

static const struct {
	int		 status;
	const char	*reason;
} reasons[] = {
	{ 200, "OK" },
	{ 204, "No Content" },
	{ 302, "Found" },
	{ 303, "See Other" },
	{ 304, "Not Modified" },
	{ 400, "Bad Request" },
	{ 401, "Unauthorized" },
	{ 403, "Forbidden" },
	{ 404, "Not Found" },
	{ 405, "Method Not Allowed" },
	{ 413, "Content Too Large" },
	{ 414, "URI Too Long" },
	{ 500, "Internal Server Error" },
	{ 502, "Bad Gateway" },
	{ 503, "Service Unavailable" },
	{ 504, "Gateway Timeout" },
};

const char *
http_reason(int status)
{
	size_t	 i;

	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (reasons[i].status == status)
			return reasons[i].reason;
	return "Unknown";
}

const char *
env_lookup(char *const *envp, const char *name)
{
	size_t	 len;

	if (envp == NULL)
		return NULL;
	len = strlen(name);
	for (; *envp != NULL; envp++)
		if (strncmp(*envp, name, len) == 0 && (*envp)[len] == '=')
			return *envp + len + 1;
	return NULL;
}

static int
has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/*
 * Accept an email as nginx passes it from the sign-on response: one "@",
 * no spaces or control characters, within the length of an address.
 */
static int
email_plausible(const char *s)
{
	const char	*at;

	if (*s == '\0' || strlen(s) > REQUEST_MAX_USER_BYTES || has_control(s))
		return 0;
	if (strchr(s, ' ') != NULL || strchr(s, ',') != NULL)
		return 0;
	at = strchr(s, '@');
	return at != NULL && at != s && at[1] != '\0' &&
	    strchr(at + 1, '@') == NULL;
}

static int
parse_identity(struct request *req, char *const *envp)
{
	const char	*user, *groups;
	char		*p;

	user = env_lookup(envp, "STETHOSCOPE_USER");
	groups = env_lookup(envp, "STETHOSCOPE_GROUPS");

	if (user != NULL && *user != '\0') {
		if (!email_plausible(user)) {
			log_warn("request", "id=%s: ignoring invalid identity "
			    "\"%.64s\" from the sign-on answer",
			    req->request_id, user);
			user = NULL;
		}
	} else
		user = NULL;

	if (user != NULL) {
		req->user = xstrdup(user);
		for (p = req->user; *p != '\0'; p++)
			*p = (char)tolower((unsigned char)*p);
	}

	if (groups == NULL || has_control(groups) ||
	    strlen(groups) > REQUEST_MAX_GROUPS_BYTES)
		groups = "";
	req->groups = xstrdup(groups);
	return 0;
}

static void
add_param(struct request *req, char *name, char *value)
{
	if (req->params == NULL)
		req->params = xcalloc(REQUEST_MAX_PARAMS,
		    sizeof(req->params[0]));
	req->params[req->param_count].name = name;
	req->params[req->param_count].value = value;
	req->param_count++;
}

/*
 * Split "a=1&b=2" into decoded pairs and build the loggable form of the
 * path, which keeps parameter names but drops their values.
 */
static int
parse_query(struct request *req, const char *query, struct buf *log_path)
{
	const char	*p, *end, *eq;
	char		*name, *value;
	int		 first = 1;

	for (p = query; *p != '\0'; p = *end ? end + 1 : end) {
		end = strchr(p, '&');
		if (end == NULL)
			end = p + strlen(p);
		if (end == p)
			continue;
		if (req->param_count == REQUEST_MAX_PARAMS) {
			log_warn("request", "id=%s: more than %d query "
			    "parameters", req->request_id, REQUEST_MAX_PARAMS);
			return 400;
		}

		eq = memchr(p, '=', (size_t)(end - p));
		if (eq == NULL)
			eq = end;
		name = url_decode(p, (size_t)(eq - p), 1);
		value = url_decode(eq < end ? eq + 1 : end,
		    eq < end ? (size_t)(end - eq - 1) : 0, 1);
		if (name == NULL || value == NULL) {
			free(name);
			free(value);
			log_warn("request", "id=%s: malformed percent-encoding "
			    "in the query string", req->request_id);
			return 400;
		}
		add_param(req, name, value);

		buf_putc(log_path, first ? '?' : '&');
		buf_append(log_path, p, (size_t)(eq - p));
		first = 0;
	}
	return 0;
}

static int
parse_target(struct request *req, char *const *envp,
    const struct request_limits *limits)
{
	const char	*uri, *query, *mark;
	struct buf	 log_path = BUF_INIT;
	size_t		 path_len;
	int		 status = 0;

	uri = env_lookup(envp, "REQUEST_URI");
	if (uri == NULL || uri[0] != '/') {
		log_warn("request", "id=%s: missing or relative REQUEST_URI",
		    req->request_id);
		return 400;
	}

	mark = strchr(uri, '?');
	path_len = mark != NULL ? (size_t)(mark - uri) : strlen(uri);
	query = mark != NULL ? mark + 1 : "";

	if (path_len > REQUEST_MAX_PATH_BYTES) {
		log_warn("request", "id=%s: path of %zu bytes is over the "
		    "limit of %d", req->request_id, path_len,
		    REQUEST_MAX_PATH_BYTES);
		return 414;
	}
	if (strlen(query) > limits->max_query_bytes) {
		log_warn("request", "id=%s: query string of %zu bytes is over "
		    "the limit of %zu", req->request_id, strlen(query),
		    limits->max_query_bytes);
		return 414;
	}

	if ((req->path = url_decode(uri, path_len, 0)) == NULL) {
		log_warn("request", "id=%s: malformed percent-encoding in the "
		    "path", req->request_id);
		return 400;
	}

	buf_append(&log_path, uri, path_len);
	status = parse_query(req, query, &log_path);
	req->log_path = buf_detach(&log_path);
	return status;
}

static int
parse_body_headers(struct request *req, char *const *envp,
    const struct request_limits *limits)
{
	const char		*length, *type;
	char			*end;
	unsigned long long	 n;

	type = env_lookup(envp, "CONTENT_TYPE");
	req->content_type = xstrdup(type != NULL ? type : "");

	length = env_lookup(envp, "CONTENT_LENGTH");
	if (length == NULL || *length == '\0')
		return 0;

	errno = 0;
	n = strtoull(length, &end, 10);
	if (errno != 0 || *end != '\0' || !isdigit((unsigned char)*length)) {
		log_warn("request", "id=%s: invalid CONTENT_LENGTH \"%.32s\"",
		    req->request_id, length);
		return 400;
	}
	if (n > limits->max_body_bytes) {
		log_warn("request", "id=%s: body of %llu bytes is over the "
		    "limit of %zu", req->request_id, n, limits->max_body_bytes);
		return 413;
	}
	req->content_length = (size_t)n;
	return 0;
}

int
request_parse(struct request *req, char *const *envp,
    const struct request_limits *limits)
{
	const char	*method, *id;
	int		 status;

	memset(req, 0, sizeof(*req));
	clock_gettime(CLOCK_MONOTONIC, &req->started);

	id = env_lookup(envp, "STETHOSCOPE_REQUEST_ID");
	req->request_id = xstrdup(id != NULL && *id != '\0' &&
	    strlen(id) <= 64 && !has_control(id) ? id : "-");

	method = env_lookup(envp, "REQUEST_METHOD");
	req->method = xstrdup(method != NULL && *method != '\0' &&
	    strlen(method) <= 16 && !has_control(method) ? method : "GET");
	if (method == NULL || strcmp(req->method, method) != 0) {
		log_warn("request", "id=%s: missing or invalid REQUEST_METHOD",
		    req->request_id);
		return 400;
	}

	parse_identity(req, envp);

	if ((status = parse_target(req, envp, limits)) != 0)
		return status;
	return parse_body_headers(req, envp, limits);
}

int
request_read_body(struct request *req,
    int (*read_fn)(void *ctx, char *dst, size_t len), void *ctx)
{
	size_t	 got = 0;
	int	 n;

	req->body = xmalloc(req->content_length + 1);
	while (got < req->content_length) {
		n = read_fn(ctx, req->body + got, req->content_length - got);
		if (n <= 0) {
			log_warn("request", "id=%s: body ended after %zu of %zu "
			    "bytes", req->request_id, got, req->content_length);
			req->body[got] = '\0';
			return 400;
		}
		got += (size_t)n;
	}
	req->body[got] = '\0';
	return 0;
}

const char *
request_param(const struct request *req, const char *name)
{
	size_t	 i;

	for (i = 0; i < req->param_count; i++)
		if (strcmp(req->params[i].name, name) == 0)
			return req->params[i].value;
	return NULL;
}

void
request_free(struct request *req)
{
	size_t	 i;

	for (i = 0; i < req->param_count; i++) {
		free(req->params[i].name);
		free(req->params[i].value);
	}
	free(req->params);
	free(req->method);
	free(req->path);
	free(req->log_path);
	free(req->user);
	free(req->groups);
	free(req->request_id);
	free(req->content_type);
	free(req->body);
	memset(req, 0, sizeof(*req));
}

void
response_init(struct response *resp)
{
	memset(resp, 0, sizeof(*resp));
	resp->status = 200;
	resp->content_type = "text/html; charset=utf-8";
}

void
response_free(struct response *resp)
{
	buf_free(&resp->headers);
	buf_free(&resp->body);
}

static void
append_header_text(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++)
		buf_putc(b, *s == '\r' || *s == '\n' ? ' ' : *s);
}

void
response_header(struct response *resp, const char *name, const char *value)
{
	append_header_text(&resp->headers, name);
	buf_puts(&resp->headers, ": ");
	append_header_text(&resp->headers, value);
	buf_puts(&resp->headers, "\r\n");
}
