/* The routing table and the authorization check in front of every handler. */

#include <string.h>

#include "log.h"
#include "api.h"
#include "pages.h"
#include "route.h"

/*
 * Exact paths come before a prefix that starts them. Handlers of routes
 * that take an email check that it is the signed-in person's own unless
 * the person is an admin; routes by serial or MAC are for admins only.
 */
const struct route app_routes[] = {
	{ "GET", "/",			page_home,		0 },
	{ "GET", "/healthz",		page_healthz,		ROUTE_PUBLIC },
	{ "GET", "/devices",		page_devices,		0 },
	{ "GET", "/devices/",		page_device,		ROUTE_PREFIX },
	{ "GET", "/faq",		page_faq,		0 },
	{ "GET", "/admin/lookup",	page_admin_lookup,	ROUTE_ADMIN },
	{ "GET", "/admin/practices",	page_admin_practices,	ROUTE_ADMIN },
	{ "GET", "/api/v1/devices/merged/", api_devices_merged,
	  ROUTE_PREFIX | ROUTE_API },
	{ "GET", "/api/v1/devices/serial/", api_devices_serial,
	  ROUTE_PREFIX | ROUTE_API | ROUTE_ADMIN },
	{ "GET", "/api/v1/devices/macaddr/", api_devices_macaddr,
	  ROUTE_PREFIX | ROUTE_API | ROUTE_ADMIN },
	{ NULL,	 NULL,			NULL,			0 },
};

/* Paths under /api/ return errors as JSON even when no route matches. */
static int
is_api_path(const char *path)
{
	return path != NULL && strncmp(path, "/api/", 5) == 0;
}

static void
respond_error(const struct app *app, struct request *req, int status,
    struct response *resp)
{
	if (is_api_path(req->path))
		api_error(req, status, NULL, resp);
	else
		page_error(app, req, status, resp);
}

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
		respond_error(app, req, 401, resp);
		goto out;
	}

	if (req->user != NULL)
		req->is_admin = config_is_admin(app->config, req->user,
		    req->groups);

	if (r == NULL) {
		if (status == 405)
			response_header(resp, "Allow", allow.data);
		respond_error(app, req, status, resp);
		goto out;
	}

	if ((r->flags & ROUTE_ADMIN) && !req->is_admin) {
		log_info("route", "id=%s: %s is not an admin; %s rejected with 403",
		    req->request_id, req->user, req->log_path != NULL ?
		    req->log_path : "-");
		respond_error(app, req, 403, resp);
		goto out;
	}
	r->handler(app, req, resp);

out:
	buf_free(&allow);
}
