/* The admin pages: looking anyone up, and the practices currently loaded. */

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "log.h"
#include "pages.h"
#include "practices.h"
#include "reload_state.h"
#include "rfc3339.h"
#include "validate.h"
#include "xalloc.h"

static const struct {
	const char		*param;
	const char		*label;
	enum lookup_kind	 kind;
} lookup_fields[] = {
	{ "email",	"email",	LOOKUP_EMAIL },
	{ "serial",	"serial",	LOOKUP_SERIAL },
	{ "mac",	"MAC address",	LOOKUP_MAC },
};

#define NFIELDS	(sizeof(lookup_fields) / sizeof(lookup_fields[0]))

static void
add_string(struct json_object *obj, const char *key, const char *value)
{
	json_object_object_add(obj, key, json_object_new_string(value));
}

/*
 * Pick the one filled-in field of the form. Returns its index, NFIELDS when
 * none is filled in, or -1 when more than one is.
 */
static int
pick_field(const struct request *req)
{
	const char	*value;
	size_t		 i;
	int		 found = (int)NFIELDS;

	for (i = 0; i < NFIELDS; i++) {
		value = request_param(req, lookup_fields[i].param);
		if (value == NULL || value[0] == '\0')
			continue;
		if (found != (int)NFIELDS)
			return -1;
		found = (int)i;
	}
	return found;
}

/*
 * Remove the links to /devices/<id> from an admin's results: those pages
 * list only the signed-in person's own devices, and the results already
 * show every device in full.
 */
static void
drop_device_links(struct json_object *view)
{
	struct json_object	*list;
	size_t			 i, n;

	if (json_object_object_get_ex(view, "devices", &list)) {
		n = json_object_array_length(list);
		for (i = 0; i < n; i++)
			json_object_object_del(json_object_array_get_idx(list,
			    i), "href");
	}
	if (json_object_object_get_ex(view, "critical", &list)) {
		n = json_object_array_length(list);
		for (i = 0; i < n; i++)
			json_object_object_del(json_object_array_get_idx(list,
			    i), "device_href");
	}
}

void
page_admin_lookup(const struct app *app, struct request *req,
    struct response *resp)
{
	struct json_object	*view = NULL, *form;
	struct buf		 value = BUF_INIT;
	const char		*problem = NULL, *raw;
	int			 field;
	size_t			 i;

	response_header(resp, "Cache-Control", "no-store");
	form = json_object_new_object();
	for (i = 0; i < NFIELDS; i++) {
		raw = request_param(req, lookup_fields[i].param);
		if (raw != NULL)
			add_string(form, lookup_fields[i].param, raw);
	}

	field = pick_field(req);
	if (field < 0) {
		problem = "Fill in only one of email, serial and MAC address.";
	} else if (field < (int)NFIELDS) {
		problem = validate_lookup_value(lookup_fields[field].kind,
		    request_param(req, lookup_fields[field].param), &value);
	}

	if (problem != NULL) {
		log_info("admin", "id=%s: %s sent an invalid lookup form",
		    req->request_id, req->user);
		view = json_object_new_object();
		add_string(view, "problem", problem);
		resp->status = 400;
	} else if (field < (int)NFIELDS) {
		log_info("admin", "id=%s: %s looked up %s %s",
		    req->request_id, req->user, lookup_fields[field].label,
		    value.data);
		view = pages_device_view(app, req, lookup_fields[field].kind,
		    value.data);
		drop_device_links(view);
		json_object_object_add(view, "searched",
		    json_object_new_boolean(1));
		add_string(view, "searched_kind", lookup_fields[field].label);
		add_string(view, "searched_value", value.data);
	} else {
		view = json_object_new_object();
	}

	json_object_object_add(view, "form", form);
	json_object_object_add(view, "nav_admin", json_object_new_boolean(1));
	page_render(app, req, "admin_lookup", "Look up devices", view, resp);
	json_object_put(view);
	buf_free(&value);
}

static void
add_time(struct json_object *obj, const char *key, time_t when)
{
	char	 stamp[RFC3339_SIZE];

	if (when > 0 && rfc3339_format(when, stamp, sizeof(stamp)) == 0)
		add_string(obj, key, stamp);
}

/* Add the problems of the last failed reload, when the master recorded any. */
static void
add_reload_state(const struct config *cfg, struct json_object *view)
{
	struct buf	 problems = BUF_INIT;
	char		*path;
	time_t		 when;

	if ((path = reload_state_path(cfg->pid_file)) == NULL) {
		json_object_object_add(view, "reload_state_off",
		    json_object_new_boolean(1));
		return;
	}
	if (reload_state_read(path, &when, &problems) == 1) {
		json_object_object_add(view, "reload_failed",
		    json_object_new_boolean(1));
		add_time(view, "reload_failed_at", when);
		add_string(view, "reload_problems",
		    problems.data != NULL ? problems.data : "");
	}
	buf_free(&problems);
	free(path);
}

void
page_admin_practices(const struct app *app, struct request *req,
    struct response *resp)
{
	struct practice_summary	 summary;
	struct json_object	*view, *list, *item;
	size_t			 i;

	view = json_object_new_object();
	list = json_object_new_array();
	for (i = 0; practices_summary(app->practices, i, &summary) == 0;
	    i++) {
		item = json_object_new_object();
		add_string(item, "key", summary.key);
		add_string(item, "kind", summary.kind);
		add_string(item, "rating", summary.rating);
		add_string(item, "title", summary.title);
		json_object_array_add(list, item);
	}
	json_object_object_add(view, "practices", list);
	json_object_object_add(view, "practice_count",
	    json_object_new_int((int)i));
	if (app->config->practices_path != NULL)
		add_string(view, "practices_path",
		    app->config->practices_path);
	add_time(view, "loaded_at", app->loaded_at);
	add_reload_state(app->config, view);
	json_object_object_add(view, "nav_admin", json_object_new_boolean(1));

	response_header(resp, "Cache-Control", "no-store");
	page_render(app, req, "admin_practices", "Practices", view, resp);
	json_object_put(view);
}
