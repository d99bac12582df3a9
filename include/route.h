/*
 * The routing table: method and path to handler. Handlers fill a response;
 * the worker writes it.
 */
#ifndef STETHOSCOPE_ROUTE_H
#define STETHOSCOPE_ROUTE_H

#include "app.h"
#include "request.h"

typedef void (*route_handler)(const struct app *app, struct request *req,
    struct response *resp);

enum route_flags {
	ROUTE_PUBLIC = 1 << 0,	/* served without a signed-in user */
	ROUTE_PREFIX = 1 << 1,	/* path is a prefix; the rest is route_arg */
	ROUTE_ADMIN = 1 << 2,	/* only admins; anyone else gets 403 */
	ROUTE_API = 1 << 3,	/* errors are JSON, not HTML pages */
};

struct route {
	const char	*method;	/* "GET" also answers HEAD */
	const char	*path;
	route_handler	 handler;
	unsigned	 flags;
};

/*
 * Find the route for req in table (terminated by an entry with a NULL
 * path). Returns the route, or NULL with *status set to 404 when no path
 * matches or 405 when the path matches under other methods; then allow
 * (when not NULL) receives the permitted methods, like "GET, HEAD".
 */
const struct route *route_match(const struct route *table,
	    struct request *req, int *status, struct buf *allow);

/* The application's routing table, terminated by a NULL path. */
extern const struct route app_routes[];

/*
 * Route req through the application's table, check identity and
 * authorization, and run the handler or fill an error page. Every
 * request ends with a complete response in resp.
 */
void	route_dispatch(const struct app *app, struct request *req,
	    struct response *resp);

#endif
