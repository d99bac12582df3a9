/* The pages of a person's own devices: the overview, the list and one device. */

#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "evaluate.h"
#include "log.h"
#include "lookup.h"
#include "pages.h"
#include "view.h"

struct json_object *
pages_device_view(const struct app *app, const struct request *req,
    enum lookup_kind kind, const char *value)
{
	struct view_options	 options;
	struct lookup		 lookup;
	struct json_object	*result, *view;

	options.now = time(NULL);
	options.stale_days = app->config->stale_days;

	if (req->fetcher == NULL || app->config->source_count == 0)
		return view_build(NULL, NULL, 0, &options);

	lookup_run(app->config, req->fetcher, kind, value, &lookup);
	result = evaluate_records(app->practices, &lookup.records);
	if (result == NULL)
		log_error("pages", "id=%s: %zu records could not be merged",
		    req->request_id, lookup.records.count);
	view = view_build(result, lookup.errors, lookup.error_count,
	    &options);
	json_object_object_add(view, "sources_configured",
	    json_object_new_boolean(1));

	json_object_put(result);
	lookup_free(&lookup);
	return view;
}

/* Mark the navigation entry of the current page. */
static void
set_current(struct json_object *view, const char *entry)
{
	json_object_object_add(view, entry, json_object_new_boolean(1));
}

static struct json_object *
own_view(const struct app *app, const struct request *req)
{
	struct json_object	*view;

	view = pages_device_view(app, req, LOOKUP_EMAIL, req->user);
	json_object_object_add(view, "email",
	    json_object_new_string(req->user));
	return view;
}

void
page_home(const struct app *app, struct request *req, struct response *resp)
{
	struct json_object	*view;

	view = own_view(app, req);
	set_current(view, "nav_overview");

	/* Personal data: no cache may keep a copy. */
	response_header(resp, "Cache-Control", "no-store");
	page_render(app, req, "index", "Your devices", view, resp);
	json_object_put(view);
}

void
page_devices(const struct app *app, struct request *req,
    struct response *resp)
{
	struct json_object	*view;

	view = own_view(app, req);
	set_current(view, "nav_devices");

	response_header(resp, "Cache-Control", "no-store");
	page_render(app, req, "devices", "Device details", view, resp);
	json_object_put(view);
}

/* Return 1 when id has the form of a device id, so it can be looked up. */
static int
is_device_id(const char *id)
{
	size_t	 i;

	for (i = 0; id[i] != '\0'; i++)
		if (!((id[i] >= '0' && id[i] <= '9') ||
		    (id[i] >= 'a' && id[i] <= 'f')))
			return 0;
	return i == VIEW_DEVICE_ID_LEN;
}

void
page_device(const struct app *app, struct request *req,
    struct response *resp)
{
	struct json_object	*view, *device, *name;
	const char		*title = "Unnamed device";

	response_header(resp, "Cache-Control", "no-store");
	if (req->route_arg == NULL || !is_device_id(req->route_arg)) {
		page_error(app, req, 404, resp);
		return;
	}

	/*
	 * Only the person's own devices are searched, so an id of somebody
	 * else's device is simply not found.
	 */
	view = own_view(app, req);
	device = view_find_device(view, req->route_arg);
	if (device == NULL) {
		json_object_put(view);
		page_error(app, req, 404, resp);
		return;
	}
	if (json_object_object_get_ex(device, "name", &name))
		title = json_object_get_string(name);
	json_object_object_add(view, "device", json_object_get(device));
	set_current(view, "nav_devices");
	page_render(app, req, "device", title, view, resp);
	json_object_put(view);
}
