/* The JSON API: the evaluate view of a person or a device, and JSON errors. */

#include <string.h>

#include <json-c/json.h>

#include "api.h"
#include "evaluate.h"
#include "log.h"
#include "lookup.h"
#include "validate.h"

static const struct {
	int		 status;
	const char	*message;
} api_messages[] = {
	{ 400, "invalid request" },
	{ 401, "sign-in required" },
	{ 403, "not allowed" },
	{ 404, "not found" },
	{ 405, "method not allowed" },
	{ 413, "request too large" },
	{ 414, "address too long" },
	{ 500, "internal error" },
	{ 503, "no sources configured" },
};

static void
send_json(struct response *resp, int status, struct json_object *obj)
{
	resp->status = status;
	resp->content_type = "application/json";
	response_header(resp, "Cache-Control", "no-store");
	buf_reset(&resp->body);
	buf_puts(&resp->body, json_object_to_json_string_ext(obj,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	buf_putc(&resp->body, '\n');
}

void
api_error(const struct request *req, int status, const char *message,
    struct response *resp)
{
	struct json_object	*obj;
	size_t			 i;

	(void)req;
	for (i = 0; message == NULL &&
	    i < sizeof(api_messages) / sizeof(api_messages[0]); i++)
		if (api_messages[i].status == status)
			message = api_messages[i].message;
	obj = json_object_new_object();
	json_object_object_add(obj, "error", json_object_new_string(
	    message != NULL ? message : http_reason(status)));
	send_json(resp, status, obj);
	json_object_put(obj);
}

/* Look the validated value up and respond with the evaluate view plus "errors". */
static void
answer_lookup(const struct app *app, struct request *req,
    enum lookup_kind kind, const char *value, struct response *resp)
{
	struct lookup		 lookup;
	struct json_object	*view, *errors, *item;
	size_t			 i;

	if (req->fetcher == NULL || app->config->source_count == 0) {
		api_error(req, 503, NULL, resp);
		return;
	}

	lookup_run(app->config, req->fetcher, kind, value, &lookup);
	view = evaluate_records(app->practices, &lookup.records);
	if (view == NULL) {
		log_error("api", "id=%s: %zu records could not be merged",
		    req->request_id, lookup.records.count);
		lookup_free(&lookup);
		api_error(req, 500, NULL, resp);
		return;
	}

	errors = json_object_new_array();
	for (i = 0; i < lookup.error_count; i++) {
		item = json_object_new_object();
		json_object_object_add(item, "source",
		    json_object_new_string(lookup.errors[i].source));
		json_object_object_add(item, "message",
		    json_object_new_string(lookup.errors[i].message));
		json_object_array_add(errors, item);
	}
	json_object_object_add(view, "errors", errors);

	send_json(resp, 200, view);
	json_object_put(view);
	lookup_free(&lookup);
}

/*
 * Validate the route's argument according to kind and respond with the
 * lookup. For an email, anyone but an admin may only ask for their own.
 */
static void
api_lookup(const struct app *app, struct request *req, enum lookup_kind kind,
    struct response *resp)
{
	struct buf	 value = BUF_INIT;
	const char	*problem;

	problem = validate_lookup_value(kind, req->route_arg, &value);
	if (kind == LOOKUP_EMAIL && !req->is_admin &&
	    (problem != NULL || strcmp(value.data, req->user) != 0)) {
		log_info("api", "id=%s: %s asked for another person's devices",
		    req->request_id, req->user);
		api_error(req, 403, "you may only look up your own devices",
		    resp);
		goto out;
	}
	if (problem != NULL) {
		api_error(req, 400, problem, resp);
		goto out;
	}
	if (req->is_admin)
		log_info("admin", "id=%s: %s looked up %s through the API",
		    req->request_id, req->user, value.data);
	answer_lookup(app, req, kind, value.data, resp);

out:
	buf_free(&value);
}

void
api_devices_merged(const struct app *app, struct request *req,
    struct response *resp)
{
	api_lookup(app, req, LOOKUP_EMAIL, resp);
}

void
api_devices_serial(const struct app *app, struct request *req,
    struct response *resp)
{
	api_lookup(app, req, LOOKUP_SERIAL, resp);
}

void
api_devices_macaddr(const struct app *app, struct request *req,
    struct response *resp)
{
	api_lookup(app, req, LOOKUP_MAC, resp);
}
