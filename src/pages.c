/* Page handlers and rendering through the layout template. */

#include <string.h>

#include <json-c/json.h>

#include "evaluate.h"
#include "log.h"
#include "lookup.h"
#include "pages.h"
#include "template.h"

static const struct {
	int		 status;
	const char	*title;
	const char	*message;
} error_texts[] = {
	{ 400, "Bad request",
	  "This address or form could not be read. Check the link and try "
	  "again." },
	{ 401, "Sign-in required",
	  "Sign in through your company's single sign-on to see your "
	  "devices." },
	{ 403, "Not allowed",
	  "Your account is not allowed to see this page." },
	{ 404, "Page not found",
	  "There is no page at this address." },
	{ 405, "Method not allowed",
	  "This page cannot be used that way." },
	{ 413, "Request too large",
	  "What was sent is larger than this service accepts." },
	{ 414, "Address too long",
	  "The address is longer than this service accepts." },
	{ 500, "Something went wrong",
	  "The page could not be built. Try again in a moment; if it keeps "
	  "happening, tell your security team." },
};

static void
add_string(struct json_object *obj, const char *key, const char *value)
{
	json_object_object_add(obj, key, json_object_new_string(value));
}

static void
plain_failure(const struct request *req, struct response *resp)
{
	log_error("pages", "id=%s: rendering %s failed; sending a plain 500 response",
	    req->request_id, req->path != NULL ? req->path : "-");
	resp->status = 500;
	resp->content_type = "text/plain; charset=utf-8";
	buf_reset(&resp->body);
	buf_puts(&resp->body, "500 Internal Server Error\n");
}

void
page_render(const struct app *app, const struct request *req,
    const char *page, const char *title, struct json_object *view,
    struct response *resp)
{
	struct buf		 content = BUF_INIT;
	struct json_object	*user;

	/* Fields the layout and the partials read on every page. */
	add_string(view, "title", title);
	add_string(view, "static", app->static_prefix);
	add_string(view, "version", STETHOSCOPE_VERSION);
	if (req->user != NULL) {
		user = json_object_new_object();
		add_string(user, "email", req->user);
		json_object_object_add(user, "is_admin",
		    json_object_new_boolean(req->is_admin));
		json_object_object_add(view, "user", user);
	}

	if (template_render(app->templates, page, view, &content) != 0)
		goto fail;
	json_object_object_add(view, "content",
	    json_object_new_string_len(content.data ? content.data : "",
	    (int)content.len));

	buf_reset(&resp->body);
	if (template_render(app->templates, "layout", view, &resp->body) != 0)
		goto fail;
	buf_free(&content);
	return;

fail:
	buf_free(&content);
	plain_failure(req, resp);
}

void
page_error(const struct app *app, const struct request *req, int status,
    struct response *resp)
{
	struct json_object	*view;
	const char		*title = "Error", *message = "";
	size_t			 i;

	for (i = 0; i < sizeof(error_texts) / sizeof(error_texts[0]); i++) {
		if (error_texts[i].status == status) {
			title = error_texts[i].title;
			message = error_texts[i].message;
			break;
		}
	}

	view = json_object_new_object();
	json_object_object_add(view, "status", json_object_new_int(status));
	add_string(view, "message", message);
	if (status == 401)
		json_object_object_add(view, "sign_in",
		    json_object_new_boolean(1));

	resp->status = status;
	if (app == NULL || app->templates == NULL)
		plain_failure(req, resp);
	else
		page_render(app, req, "error", title, view, resp);
	if (resp->status == 500 && status != 500)
		resp->status = status;
	json_object_put(view);
}

static const struct {
	const char	*status;
	const char	*label;
} status_labels[] = {
	{ "warn",	"Must fix" },
	{ "nudge",	"Should fix" },
	{ "unknown",	"No data" },
	{ "ok",		"OK" },
	{ "na",		"Does not apply" },
};

/* Add the status's label for people, and a flag the template can test. */
static void
add_status_fields(struct json_object *obj)
{
	struct json_object	*status;
	const char		*name;
	size_t			 i;

	if (!json_object_object_get_ex(obj, "status", &status))
		return;
	name = json_object_get_string(status);
	for (i = 0; i < sizeof(status_labels) / sizeof(status_labels[0]); i++) {
		if (strcmp(name, status_labels[i].status) != 0)
			continue;
		add_string(obj, "status_label", status_labels[i].label);
		json_object_object_add(obj, status_labels[i].status,
		    json_object_new_boolean(1));
	}
}

/*
 * Reshape a device of the evaluate view for templates, which cannot walk
 * the keys of an object: the practices become a list, and each status
 * gets a flag the template can test.
 */
static void
shape_device(struct json_object *device)
{
	struct json_object	*practices, *list, *status;
	const char		*name;
	int			 attention = 0;

	list = json_object_new_array();
	if (json_object_object_get_ex(device, "practices", &practices)) {
		json_object_object_foreach(practices, key, result) {
			if (!json_object_object_get_ex(result, "status",
			    &status))
				continue;
			name = json_object_get_string(status);
			/* Practices that do not apply are left off the page. */
			if (strcmp(name, "na") == 0)
				continue;
			if (strcmp(name, "warn") == 0 ||
			    strcmp(name, "nudge") == 0)
				attention++;
			add_string(result, "key", key);
			add_status_fields(result);
			json_object_array_add(list, json_object_get(result));
		}
	}
	json_object_object_add(device, "practice_list", list);
	json_object_object_add(device, "attention",
	    json_object_new_int(attention));
	add_status_fields(device);
}

/* Look the person's devices up and add them, and any source errors, to view. */
static void
add_devices(const struct app *app, const struct request *req,
    struct json_object *view)
{
	struct lookup		 lookup;
	struct json_object	*result, *devices, *errors, *item;
	size_t			 i, n;

	lookup_run(app->config, req->fetcher, LOOKUP_EMAIL, req->user,
	    &lookup);
	result = evaluate_records(app->practices, &lookup.records);
	if (result == NULL) {
		log_error("pages", "id=%s: %zu records could not be merged",
		    req->request_id, lookup.records.count);
		lookup_free(&lookup);
		return;
	}

	json_object_object_get_ex(result, "devices", &devices);
	n = json_object_array_length(devices);
	for (i = 0; i < n; i++)
		shape_device(json_object_array_get_idx(devices, i));
	json_object_object_add(view, "devices", json_object_get(devices));
	json_object_object_add(view, "device_count", json_object_new_int(
	    (int)n));
	json_object_object_get_ex(result, "critical", &item);
	if (json_object_array_length(item) > 0) {
		json_object_object_add(view, "critical", json_object_get(item));
		json_object_object_add(view, "has_critical",
		    json_object_new_boolean(1));
	}

	if (lookup.error_count > 0) {
		errors = json_object_new_array();
		for (i = 0; i < lookup.error_count; i++) {
			item = json_object_new_object();
			add_string(item, "source", lookup.errors[i].source);
			add_string(item, "message", lookup.errors[i].message);
			json_object_array_add(errors, item);
		}
		json_object_object_add(view, "source_errors", errors);
		json_object_object_add(view, "has_source_errors",
		    json_object_new_boolean(1));
	}
	json_object_put(result);
	lookup_free(&lookup);
}

void
page_home(const struct app *app, struct request *req, struct response *resp)
{
	struct json_object	*view;

	view = json_object_new_object();
	add_string(view, "email", req->user);
	json_object_object_add(view, "is_admin",
	    json_object_new_boolean(req->is_admin));
	if (req->fetcher != NULL && app->config->source_count > 0) {
		json_object_object_add(view, "sources_configured",
		    json_object_new_boolean(1));
		add_devices(app, req, view);
	}

	/* Personal data: no cache may keep a copy. */
	response_header(resp, "Cache-Control", "no-store");
	page_render(app, req, "index", "Your devices", view, resp);
	json_object_put(view);
}

void
page_healthz(const struct app *app, struct request *req,
    struct response *resp)
{
	(void)app;
	(void)req;
	resp->content_type = "text/plain; charset=utf-8";
	response_header(resp, "Cache-Control", "no-store");
	buf_puts(&resp->body, "ok\n");
}
