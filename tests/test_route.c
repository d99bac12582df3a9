/* Routing: matching, 404 and 405, HEAD, prefixes and the identity gate. */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app.h"
#include "config.h"
#include "log.h"
#include "route.h"
#include "template.h"
#include "xalloc.h"

static void
handler_a(const struct app *app, struct request *req, struct response *resp)
{
	(void)app;
	(void)req;
	buf_puts(&resp->body, "a");
}

static void
handler_b(const struct app *app, struct request *req, struct response *resp)
{
	(void)app;
	(void)req;
	buf_puts(&resp->body, "b");
}

static const struct route table[] = {
	{ "GET",	"/",		handler_a,	0 },
	{ "GET",	"/item",	handler_a,	0 },
	{ "POST",	"/item",	handler_b,	0 },
	{ "GET",	"/people/",	handler_b,	ROUTE_PREFIX },
	{ NULL,		NULL,		NULL,		0 },
};

static void
fake_request(struct request *req, const char *method, const char *path)
{
	memset(req, 0, sizeof(*req));
	req->method = xstrdup(method);
	req->path = xstrdup(path);
}

static void
match_cases(void **state)
{
	static const struct {
		const char	*method;
		const char	*path;
		int		 index;		/* -1: no match */
		int		 status;
		const char	*allow;
	} cases[] = {
		{ "GET",	"/",		0,	0,	"" },
		{ "HEAD",	"/",		0,	0,	"" },
		{ "GET",	"/item",	1,	0,	"" },
		{ "POST",	"/item",	2,	0,	"" },
		{ "DELETE",	"/item",	-1,	405,	"GET, HEAD, POST" },
		{ "POST",	"/",		-1,	405,	"GET, HEAD" },
		{ "GET",	"/missing",	-1,	404,	"" },
		{ "GET",	"/item/",	-1,	404,	"" },
		{ "GET",	"/people/ada",	3,	0,	"" },
		{ "GET",	"/people",	-1,	404,	"" },
	};
	const struct route	*r;
	struct request		 req;
	struct buf		 allow = BUF_INIT;
	size_t			 i;
	int			 status;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fake_request(&req, cases[i].method, cases[i].path);
		buf_reset(&allow);
		status = 0;
		r = route_match(table, &req, &status, &allow);
		if (cases[i].index < 0) {
			assert_null(r);
			assert_int_equal(status, cases[i].status);
			assert_string_equal(allow.data ? allow.data : "",
			    cases[i].allow);
		} else {
			assert_ptr_equal(r, &table[cases[i].index]);
		}
		request_free(&req);
	}
	buf_free(&allow);
}

static void
prefix_sets_route_arg(void **state)
{
	const struct route	*r;
	struct request		 req;
	int			 status = 0;

	(void)state;
	fake_request(&req, "GET", "/people/ada@example.com");
	r = route_match(table, &req, &status, NULL);
	assert_non_null(r);
	assert_string_equal(req.route_arg, "ada@example.com");
	request_free(&req);
}

/* An app with in-memory templates and a config built by hand. */
static struct app *
make_app(void)
{
	static const struct {
		const char	*name;
		const char	*text;
	} pages[] = {
		{ "layout",	"[{{title}}|{{#user}}{{email}}{{/user}}]{{{content}}}" },
		{ "index",	"home of {{email}}" },
		{ "error",	"error {{status}}: {{message}}" },
		{ "devices",	"devices of {{email}}" },
		{ "device",	"device" },
		{ "faq",	"faq" },
		{ "admin_lookup", "lookup {{problem}}" },
		{ "admin_practices", "practices" },
	};
	struct diag_list	 d = DIAG_LIST_INIT;
	struct app		*app;
	size_t			 i;

	app = xcalloc(1, sizeof(*app));
	app->config = xcalloc(1, sizeof(*app->config));
	app->config->admin_groups = xcalloc(1, sizeof(char *));
	app->config->admin_groups[0] = xstrdup("security-admins");
	app->config->admin_group_count = 1;
	app->templates = template_set_new();
	for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++)
		assert_int_equal(template_set_add_string(app->templates,
		    pages[i].name, pages[i].name, pages[i].text,
		    strlen(pages[i].text), &d), 0);
	assert_int_equal(template_set_link(app->templates, &d), 0);
	snprintf(app->static_prefix, sizeof(app->static_prefix), "/static/x");
	return app;
}

static void
dispatch_groups(const struct app *app, const char *method, const char *path,
    const char *user, const char *groups, struct response *resp)
{
	struct request	 req;

	fake_request(&req, method, path);
	req.request_id = xstrdup("test");
	req.groups = xstrdup(groups);
	if (user != NULL)
		req.user = xstrdup(user);
	response_init(resp);
	route_dispatch(app, &req, resp);
	request_free(&req);
}

static void
dispatch(const struct app *app, const char *method, const char *path,
    const char *user, struct response *resp)
{
	dispatch_groups(app, method, path, user, "", resp);
}

static void
dispatch_statuses(void **state)
{
	static const struct {
		const char	*method;
		const char	*path;
		const char	*user;
		int		 status;
		const char	*body;
	} cases[] = {
		{ "GET",  "/",		"ada@example.com", 200,
		  "[Your devices|ada@example.com]home of ada@example.com" },
		{ "GET",  "/",		NULL,	401,	"error 401" },
		{ "GET",  "/nowhere",	NULL,	401,	"error 401" },
		{ "GET",  "/nowhere",	"ada@example.com", 404, "error 404" },
		{ "POST", "/",		"ada@example.com", 405, "error 405" },
		{ "GET",  "/healthz",	NULL,	200,	"ok\n" },
		{ "HEAD", "/healthz",	NULL,	200,	"ok\n" },
	};
	struct response	 resp;
	struct app	*app;
	size_t		 i;

	(void)state;
	app = make_app();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		dispatch(app, cases[i].method, cases[i].path, cases[i].user,
		    &resp);
		assert_int_equal(resp.status, cases[i].status);
		assert_non_null(strstr(resp.body.data, cases[i].body));
		response_free(&resp);
	}
	app_free(app);
}

static void
dispatch_405_lists_allow(void **state)
{
	struct response	 resp;
	struct app	*app;

	(void)state;
	app = make_app();
	dispatch(app, "DELETE", "/", "ada@example.com", &resp);
	assert_int_equal(resp.status, 405);
	assert_non_null(strstr(resp.headers.data, "Allow: GET, HEAD\r\n"));
	response_free(&resp);
	app_free(app);
}

static void
home_not_cached(void **state)
{
	struct response	 resp;
	struct app	*app;

	(void)state;
	app = make_app();
	dispatch(app, "GET", "/", "ada@example.com", &resp);
	assert_non_null(strstr(resp.headers.data, "Cache-Control: no-store"));
	response_free(&resp);
	app_free(app);
}

/*
 * Who reaches which route. Bruno is no admin, Ada is one through her
 * group. The app has no sources, so lookups an admin may make answer 503
 * in the API and an empty result on the pages.
 */
static void
authorization_cases(void **state)
{
	static const struct {
		const char	*path;
		const char	*user;
		const char	*groups;
		int		 status;
		const char	*body;
	} cases[] = {
		{ "/devices", "bruno@example.com", "", 200, "devices of bruno" },
		{ "/faq", "bruno@example.com", "", 200, "faq" },
		{ "/devices/0123456789ab", "bruno@example.com", "", 404, "error 404" },
		{ "/admin/lookup", "bruno@example.com", "", 403, "error 403" },
		{ "/admin/lookup", "bruno@example.com", "engineering", 403,
		  "error 403" },
		{ "/admin/practices", "bruno@example.com", "", 403, "error 403" },
		{ "/admin/lookup", "ada@example.com", "security-admins", 200,
		  "lookup" },
		{ "/admin/practices", "ada@example.com", "security-admins", 200,
		  "practices" },
		{ "/api/v1/devices/merged/ada@example.com", "bruno@example.com",
		  "", 403, "{\"error\":" },
		{ "/api/v1/devices/merged/not-an-email", "bruno@example.com",
		  "", 403, "{\"error\":" },
		{ "/api/v1/devices/serial/C02X", "bruno@example.com", "", 403,
		  "{\"error\":" },
		{ "/api/v1/devices/macaddr/00:1a:2b:3c:4d:5e",
		  "bruno@example.com", "", 403, "{\"error\":" },
		{ "/api/v1/devices/merged/bruno@example.com", "bruno@example.com",
		  "", 503, "{\"error\":" },
		{ "/api/v1/devices/merged/bruno@example.com", "ada@example.com",
		  "security-admins", 503, "{\"error\":" },
		{ "/api/v1/devices/macaddr/zz", "ada@example.com",
		  "security-admins", 400, "{\"error\":" },
		{ "/api/v1/devices/merged/a@b.c", NULL, "", 401,
		  "{\"error\":\"sign-in required\"}" },
		{ "/api/v1/nothing", "ada@example.com", "", 404,
		  "{\"error\":\"not found\"}" },
	};
	struct response	 resp;
	struct app	*app;
	size_t		 i;

	(void)state;
	app = make_app();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		print_message("case: %s as %s\n", cases[i].path,
		    cases[i].user ? cases[i].user : "nobody");
		dispatch_groups(app, "GET", cases[i].path, cases[i].user,
		    cases[i].groups, &resp);
		assert_int_equal(resp.status, cases[i].status);
		assert_non_null(strstr(resp.body.data, cases[i].body));
		if (strncmp(cases[i].path, "/api/", 5) == 0) {
			assert_string_equal(resp.content_type,
			    "application/json");
			assert_non_null(strstr(resp.headers.data,
			    "Cache-Control: no-store"));
		}
		response_free(&resp);
	}
	app_free(app);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(match_cases),
		cmocka_unit_test(prefix_sets_route_arg),
		cmocka_unit_test(dispatch_statuses),
		cmocka_unit_test(dispatch_405_lists_allow),
		cmocka_unit_test(home_not_cached),
		cmocka_unit_test(authorization_cases),
	};

	log_set_level(LOG_LEVEL_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
