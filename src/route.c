/* The routing table and the authorization check in front of every handler. */

#include <string.h>

#include "log.h"
#include "pages.h"
#include "route.h"

static const struct route app_routes[] = {
	{ "GET",	"/",		page_home,	0 },
	{ "GET",	"/healthz",	page_healthz,	ROUTE_PUBLIC },
	{ NULL,		NULL,		NULL,		0 },
};

static int
path_matches(const struct route *r, const char *path, const char **arg)
{
	size_t	 len;

	if (r->flags & ROUTE_PREFIX) {
		len = strlen(r->path);
		if (strncmp(path, r->path, len) != 0)
			return 0;
		*arg = path + len;
		return 1;
	}
	*arg = NULL;
	return strcmp(path, r->path) == 0;
}

static int
method_matches(const struct route *r, const char *method)
{
	if (strcmp(r->method, method) == 0)
		return 1;
	return strcmp(r->method, "GET") == 0 && strcmp(method, "HEAD") == 0;
}

const struct route *
route_match(const struct route *table, struct request *req, int *status,
    struct buf *allow)
{
	const struct route	*r;
	const char		*arg;
	int			 path_found = 0;

	for (r = table; r->path != NULL; r++) {
		if (!path_matches(r, req->path, &arg))
			continue;
		if (method_matches(r, req->method)) {
			req->route_arg = arg;
			return r;
		}
		if (allow != NULL) {
			if (path_found)
				buf_puts(allow, ", ");
			buf_puts(allow, r->method);
			if (strcmp(r->method, "GET") == 0)
				buf_puts(allow, ", HEAD");
		}
		path_found = 1;
	}
	*status = path_found ? 405 : 404;
	return NULL;
}

void
route_dispatch(const struct app *app, struct request *req,
    struct response *resp)
{
	const struct route	*r;
	struct buf		 allow = BUF_INIT;
	int			 status = 0;

	r = route_match(app_routes, req, &status, &allow);

	/*
	 * Without a signed-in user only public routes respond; everything
	 * else, unknown paths included, is 401 so that nothing about the
	 * application leaks before sign-in.
	 */
	if (req->user == NULL && (r == NULL || !(r->flags & ROUTE_PUBLIC))) {
		page_error(app, req, 401, resp);
		goto out;
	}

	if (r == NULL) {
		if (status == 405)
			response_header(resp, "Allow", allow.data);
		page_error(app, req, status, resp);
		goto out;
	}

	if (req->user != NULL)
		req->is_admin = config_is_admin(app->config, req->user,
		    req->groups);
	r->handler(app, req, resp);

out:
	buf_free(&allow);
}
