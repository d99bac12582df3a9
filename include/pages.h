/*
 * Page handlers and the helpers that render a view through the layout.
 */
#ifndef STETHOSCOPE_PAGES_H
#define STETHOSCOPE_PAGES_H

#include <json-c/json.h>

#include "app.h"
#include "request.h"

#include "source.h"

void	page_home(const struct app *app, struct request *req,
	    struct response *resp);
void	page_healthz(const struct app *app, struct request *req,
	    struct response *resp);
void	page_devices(const struct app *app, struct request *req,
	    struct response *resp);
void	page_device(const struct app *app, struct request *req,
	    struct response *resp);
void	page_faq(const struct app *app, struct request *req,
	    struct response *resp);
void	page_admin_lookup(const struct app *app, struct request *req,
	    struct response *resp);
void	page_admin_practices(const struct app *app, struct request *req,
	    struct response *resp);

/*
 * Look value up (as kind says; already validated) and return the device
 * view of view.h for the templates, with "sources_configured" set when
 * the worker has sources to ask. The caller frees the view. Without
 * sources (or a fetcher, as in unit tests) the view has no devices.
 */
struct json_object *pages_device_view(const struct app *app,
	    const struct request *req, enum lookup_kind kind,
	    const char *value);

/*
 * Render the template page with view as its data, then the layout around
 * it, into resp->body. view is borrowed; fields for the layout (user,
 * static prefix, version) are added to it. On a template failure the
 * response becomes a plain 500.
 */
void	page_render(const struct app *app, const struct request *req,
	    const char *page, const char *title, struct json_object *view,
	    struct response *resp);

/*
 * Fill resp with the error page for status. The message is fixed text
 * chosen by the program; request data never reaches it.
 */
void	page_error(const struct app *app, const struct request *req,
	    int status, struct response *resp);

#endif
