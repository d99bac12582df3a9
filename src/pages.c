/* Page handlers and rendering through the layout template. */

#include <string.h>

#include <json-c/json.h>

#include "log.h"
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

/*
 * The site section of the config: title, organisation and contact. The
 * contact becomes a mailto: link unless it is an http(s) URL, which the
 * config loader checked.
 */
static void
add_site_fields(const struct config *cfg, struct json_object *view)
{
	struct json_object	*site;
	struct buf		 href = BUF_INIT;
	const char		*contact = cfg->site_contact;

	site = json_object_new_object();
	add_string(site, "title", cfg->site_title != NULL ?
	    cfg->site_title : "Stethoscope");
	if (cfg->site_name != NULL)
		add_string(site, "name", cfg->site_name);
	if (contact != NULL) {
		if (strncmp(contact, "https://", 8) != 0 &&
		    strncmp(contact, "http://", 7) != 0)
			buf_puts(&href, "mailto:");
		buf_puts(&href, contact);
		add_string(site, "contact", contact);
		add_string(site, "contact_href", href.data);
	}
	json_object_object_add(view, "site", site);
	buf_free(&href);
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
	add_site_fields(app->config, view);
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

void
page_faq(const struct app *app, struct request *req, struct response *resp)
{
	const struct config	*cfg = app->config;
	struct json_object	*view, *list, *item;
	size_t			 i;

	view = json_object_new_object();
	list = json_object_new_array();
	for (i = 0; i < cfg->faq_count; i++) {
		item = json_object_new_object();
		add_string(item, "question", cfg->faq[i].question);
		add_string(item, "answer", cfg->faq[i].answer);
		json_object_array_add(list, item);
	}
	json_object_object_add(view, "faq", list);
	if (cfg->faq_count > 0)
		json_object_object_add(view, "has_faq",
		    json_object_new_boolean(1));
	json_object_object_add(view, "nav_faq", json_object_new_boolean(1));

	page_render(app, req, "faq", "Questions and answers", view, resp);
	json_object_put(view);
}
