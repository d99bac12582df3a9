/*
 * The demo sign-on stand-in. It implements the part of the oauth2-proxy
 * contract that nginx's auth_request uses, for a fixed list of made-up
 * people: the sign-in page lets anyone act as any of them, with no
 * password. It exists for the demo and the integration tests only and must
 * never face a real network.
 *
 *   GET  /oauth2/auth       202 with X-Auth-Request-* headers, or 401
 *   GET  /oauth2/start      302 to the sign-in page, keeping rd
 *   GET  /oauth2/sign_in    the page listing the people
 *   GET  /oauth2/callback   sign in as ?email=, then 302 to rd
 *   POST /oauth2/callback   the same with a form body
 *   GET  /oauth2/sign_out   clear the cookie, 302 to /
 *   GET  /oauth2/sign_in.css  the page's stylesheet
 */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "buf.h"
#include "diag.h"
#include "html.h"
#include "http_server.h"
#include "json_file.h"
#include "log.h"
#include "xalloc.h"

#define COOKIE_NAME		"stethoscope_demo_user"
#define PEOPLE_MAX_FILE_BYTES	(64 * 1024)
#define PEOPLE_MAX_DEPTH	8
#define PEOPLE_MAX		100
#define PERSON_MAX_GROUPS	32
#define NAME_MAX_BYTES		200
#define EMAIL_MAX_BYTES		254
#define GROUP_MAX_BYTES		64

struct person {
	char	*name;
	char	*email;
	char	*user;		/* the local part of the email */
	char	*groups;	/* comma-separated, possibly "" */
	int	 is_admin;
};

struct sso {
	struct person	*people;
	size_t		 people_count;
};

/* ---- the people file ---------------------------------------------------- */

/*
 * Email addresses end up in a cookie and in response headers unquoted, so
 * only a conservative character set is accepted: one '@', a non-empty
 * local part and a domain with a dot.
 */
static int
valid_email(const char *s)
{
	const char	*at;
	size_t		 len = strlen(s);

	if (len == 0 || len > EMAIL_MAX_BYTES)
		return 0;
	if (strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789.+-_@") != len)
		return 0;
	if ((at = strchr(s, '@')) == NULL || at == s || strchr(at + 1, '@'))
		return 0;
	return strchr(at + 1, '.') != NULL && at[1] != '.' &&
	    s[len - 1] != '.';
}

/*
 * Group names go into a comma-separated header, so they contain no commas or
 * spaces.
 */
static int
valid_group(const char *s)
{
	size_t	 len = strlen(s);

	return len > 0 && len <= GROUP_MAX_BYTES &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789._-") == len;
}

static int
valid_name(const char *s)
{
	size_t	 i, len = strlen(s);

	if (len == 0 || len > NAME_MAX_BYTES)
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

/*
 * Check each group and return them joined with commas, or NULL when one is
 * invalid.
 */
static char *
join_groups(const char *path, size_t index, json_object *groups,
    const char *admin_group, int *is_admin, struct diag_list *diags)
{
	struct buf	 joined = BUF_INIT;
	json_object	*g;
	const char	*name;
	size_t		 i, n;
	int		 ok = 1;

	n = json_object_array_length(groups);
	if (n > PERSON_MAX_GROUPS) {
		diag_add(diags, path, 0, 0, "people[%zu].groups: more than "
		    "%d groups", index, PERSON_MAX_GROUPS);
		return NULL;
	}
	buf_puts(&joined, "");
	for (i = 0; i < n; i++) {
		g = json_object_array_get_idx(groups, i);
		if (!json_object_is_type(g, json_type_string) ||
		    !valid_group(name = json_object_get_string(g))) {
			diag_add(diags, path, 0, 0, "people[%zu].groups[%zu]: "
			    "expected a group name of 1 to %d letters, digits, "
			    "'.', '_' or '-'", index, i, GROUP_MAX_BYTES);
			ok = 0;
			continue;
		}
		if (joined.len > 0)
			buf_putc(&joined, ',');
		buf_puts(&joined, name);
		if (strcmp(name, admin_group) == 0)
			*is_admin = 1;
	}
	if (!ok) {
		buf_free(&joined);
		return NULL;
	}
	return buf_detach(&joined);
}

static const char *
string_member(const char *path, size_t index, json_object *obj,
    const char *key, int (*valid)(const char *), const char *expected,
    struct diag_list *diags)
{
	json_object	*v;

	if (!json_object_object_get_ex(obj, key, &v)) {
		diag_add(diags, path, 0, 0, "people[%zu]: missing \"%s\"",
		    index, key);
		return NULL;
	}
	if (!json_object_is_type(v, json_type_string) ||
	    !valid(json_object_get_string(v))) {
		diag_add(diags, path, 0, 0, "people[%zu].%s: expected %s",
		    index, key, expected);
		return NULL;
	}
	return json_object_get_string(v);
}

/*
 * Check one entry of "people" and append it to sso, or add its problems to
 * diags.
 */
static void
load_person(struct sso *sso, const char *path, size_t index, json_object *obj,
    const char *admin_group, struct diag_list *diags)
{
	struct person	 p = { 0 };
	json_object	*groups = NULL;
	const char	*name, *email;
	size_t		 i;

	if (!json_object_is_type(obj, json_type_object)) {
		diag_add(diags, path, 0, 0, "people[%zu]: expected an object",
		    index);
		return;
	}
	json_object_object_foreach(obj, key, value) {
		(void)value;
		if (strcmp(key, "name") != 0 && strcmp(key, "email") != 0 &&
		    strcmp(key, "groups") != 0)
			diag_add(diags, path, 0, 0, "people[%zu]: unknown key "
			    "\"%s\" (expected name, email, groups)", index, key);
	}

	name = string_member(path, index, obj, "name", valid_name,
	    "a name of 1 to 200 bytes without control characters", diags);
	email = string_member(path, index, obj, "email", valid_email,
	    "an email address such as ada@example.com", diags);
	if (!json_object_object_get_ex(obj, "groups", &groups))
		p.groups = xstrdup("");
	else if (json_object_is_type(groups, json_type_array))
		p.groups = join_groups(path, index, groups, admin_group,
		    &p.is_admin, diags);
	else
		diag_add(diags, path, 0, 0, "people[%zu].groups: expected an "
		    "array of group names", index);

	for (i = 0; email != NULL && i < sso->people_count; i++) {
		if (strcasecmp(sso->people[i].email, email) == 0) {
			diag_add(diags, path, 0, 0, "people[%zu].email: %s is "
			    "already used by an earlier person", index, email);
			email = NULL;
		}
	}
	if (name == NULL || email == NULL || p.groups == NULL) {
		free(p.groups);
		return;
	}
	p.name = xstrdup(name);
	p.email = xstrdup(email);
	p.user = xstrndup(email, (size_t)(strchr(email, '@') - email));
	sso->people[sso->people_count++] = p;
}

static void
people_free(struct sso *sso)
{
	size_t	 i;

	for (i = 0; i < sso->people_count; i++) {
		free(sso->people[i].name);
		free(sso->people[i].email);
		free(sso->people[i].user);
		free(sso->people[i].groups);
	}
	free(sso->people);
	sso->people = NULL;
	sso->people_count = 0;
}

/*
 * Load and check the people file: {"people": [{"name", "email", "groups"}]}.
 * Return 0, or -1 with every problem found added to diags.
 */
static int
people_load(struct sso *sso, const char *path, const char *admin_group,
    struct diag_list *diags)
{
	json_object	*root, *people;
	size_t		 i, n;
	size_t		 errors_before = diags->count;

	root = json_parse_file(path, PEOPLE_MAX_FILE_BYTES, PEOPLE_MAX_DEPTH,
	    diags);
	if (root == NULL)
		return -1;

	if (!json_object_is_type(root, json_type_object)) {
		diag_add(diags, path, 0, 0, "expected an object with a "
		    "\"people\" array at the top level");
		goto out;
	}
	json_object_object_foreach(root, key, value) {
		(void)value;
		if (strcmp(key, "people") != 0)
			diag_add(diags, path, 0, 0, "unknown top-level key "
			    "\"%s\" (expected people)", key);
	}
	if (!json_object_object_get_ex(root, "people", &people) ||
	    !json_object_is_type(people, json_type_array) ||
	    (n = json_object_array_length(people)) == 0) {
		diag_add(diags, path, 0, 0, "people: expected a non-empty "
		    "array of people");
		goto out;
	}
	if (n > PEOPLE_MAX) {
		diag_add(diags, path, 0, 0, "people: more than %d people",
		    PEOPLE_MAX);
		goto out;
	}

	sso->people = xcalloc(n, sizeof(sso->people[0]));
	for (i = 0; i < n; i++)
		load_person(sso, path, i, json_object_array_get_idx(people, i),
		    admin_group, diags);

out:
	json_object_put(root);
	if (diags->count > errors_before) {
		people_free(sso);
		return -1;
	}
	return 0;
}

static const struct person *
person_find(const struct sso *sso, const char *email)
{
	size_t	 i;

	for (i = 0; i < sso->people_count; i++)
		if (strcasecmp(sso->people[i].email, email) == 0)
			return &sso->people[i];
	return NULL;
}

/* ---- requests ------------------------------------------------------------ */

/* Return the person named by the sign-in cookie, or NULL. */
static const struct person *
cookie_person(const struct sso *sso, const struct http_request *req)
{
	const char	*p, *end, *eq, *value;
	struct buf	 email = BUF_INIT;
	const struct person *found = NULL;
	size_t		 i, name_len = strlen(COOKIE_NAME), len;

	for (i = 0; i < req->header_count && found == NULL; i++) {
		if (strcasecmp(req->headers[i].name, "Cookie") != 0)
			continue;
		for (p = req->headers[i].value; *p != '\0'; p = end) {
			p += strspn(p, " \t;");
			end = p + strcspn(p, ";");
			eq = memchr(p, '=', (size_t)(end - p));
			if (eq == NULL || (size_t)(eq - p) != name_len ||
			    strncmp(p, COOKIE_NAME, name_len) != 0)
				continue;

			value = eq + 1;
			len = (size_t)(end - value);
			while (len > 0 && (value[len - 1] == ' ' ||
			    value[len - 1] == '\t'))
				len--;
			if (len >= 2 && value[0] == '"' && value[len - 1] == '"') {
				value++;
				len -= 2;
			}
			buf_reset(&email);
			buf_append(&email, value, len);
			found = person_find(sso, email.data);
			break;
		}
	}
	buf_free(&email);
	return found;
}

/*
 * Return 1 when rd is a path on this site: it starts with one '/', the next
 * character is neither '/' nor '\' (browsers read both as the start of
 * another host), and it has only visible ASCII characters.
 */
static int
local_redirect(const char *rd)
{
	size_t	 i;

	if (rd == NULL || rd[0] != '/' || rd[1] == '/' || rd[1] == '\\')
		return 0;
	for (i = 0; rd[i] != '\0'; i++)
		if (rd[i] <= 0x20 || rd[i] >= 0x7f)
			return 0;
	return 1;
}

/*
 * Return a local redirect target from the rd parameter, "/" when it is absent
 * or unsafe.
 */
static char *
redirect_target(const char *params, size_t len)
{
	char	*rd;

	rd = http_form_value(params, len, "rd");
	if (!local_redirect(rd)) {
		free(rd);
		return xstrdup("/");
	}
	return rd;
}

static void
handle_auth(struct sso *sso, const struct http_request *req,
    struct http_response *resp)
{
	const struct person *p;

	if ((p = cookie_person(sso, req)) == NULL) {
		http_response_text(resp, 401, "Unauthorized");
		return;
	}
	resp->status = 202;
	http_response_add_header(resp, "X-Auth-Request-Email", p->email);
	http_response_add_header(resp, "X-Auth-Request-User", p->user);
	http_response_add_header(resp, "X-Auth-Request-Groups", p->groups);
}

static void
handle_start(struct sso *sso, const struct http_request *req,
    struct http_response *resp)
{
	struct buf	 location = BUF_INIT;
	char		*rd;

	(void)sso;
	rd = redirect_target(req->query, strlen(req->query));
	buf_puts(&location, "/oauth2/sign_in?rd=");
	url_encode(&location, rd, strlen(rd));
	http_response_redirect(resp, location.data);
	buf_free(&location);
	free(rd);
}

static void
put_escaped(struct buf *b, const char *s)
{
	html_escape(b, s, strlen(s));
}

static void
handle_sign_in(struct sso *sso, const struct http_request *req,
    struct http_response *resp)
{
	struct buf		*b = &resp->body;
	const struct person	*p;
	char			*rd;
	size_t			 i;

	rd = redirect_target(req->query, strlen(req->query));
	http_response_add_header(resp, "Content-Type", "text/html; charset=utf-8");
	http_response_add_header(resp, "Cache-Control", "no-store");

	buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n"
	    "<title>Sign in · Stethoscope demo</title>\n"
	    "<link rel=\"stylesheet\" href=\"/oauth2/sign_in.css\">\n"
	    "</head>\n<body>\n<main>\n"
	    "<p class=\"notice\"><strong>Demo sign-in stand-in.</strong> "
	    "It replaces the company's single sign-on for this demo: anyone "
	    "can act as any person below, without a password. It is never "
	    "part of a production installation.</p>\n"
	    "<h1>Sign in to Stethoscope</h1>\n"
	    "<p>Choose the person to act as. People marked admin also get "
	    "the admin pages.</p>\n<ul class=\"people\">\n");

	for (i = 0; i < sso->people_count; i++) {
		p = &sso->people[i];
		buf_puts(b, "<li><form method=\"post\" "
		    "action=\"/oauth2/callback\">\n"
		    "<input type=\"hidden\" name=\"email\" value=\"");
		put_escaped(b, p->email);
		buf_puts(b, "\">\n<input type=\"hidden\" name=\"rd\" value=\"");
		put_escaped(b, rd);
		buf_puts(b, "\">\n<button type=\"submit\">"
		    "<span class=\"name\">");
		put_escaped(b, p->name);
		buf_puts(b, "</span>");
		if (p->is_admin)
			buf_puts(b, " <span class=\"badge\">admin</span>");
		buf_puts(b, "\n<span class=\"email\">");
		put_escaped(b, p->email);
		buf_puts(b, "</span></button>\n</form></li>\n");
	}

	buf_puts(b, "</ul>\n</main>\n</body>\n</html>\n");
	free(rd);
}

static void
handle_callback(struct sso *sso, const struct http_request *req,
    struct http_response *resp)
{
	const struct person	*p;
	const char		*params, *type;
	struct buf		 cookie = BUF_INIT;
	char			*email, *rd;
	size_t			 len;

	params = req->query;
	len = strlen(req->query);
	if (strcmp(req->method, "POST") == 0) {
		type = http_request_header(req, "Content-Type");
		if (type == NULL || strncasecmp(type,
		    "application/x-www-form-urlencoded", 33) != 0) {
			http_response_text(resp, 400, "Expected a form body");
			return;
		}
		params = req->body;
		len = req->body_len;
	}

	email = http_form_value(params, len, "email");
	if (email == NULL) {
		log_info("sso", "sign-in rejected: missing or invalid email "
		    "parameter");
		http_response_text(resp, 400, "Missing email");
		return;
	}
	if ((p = person_find(sso, email)) == NULL) {
		log_info("sso", "sign-in rejected: unknown email \"%s\"",
		    email);
		http_response_text(resp, 400, "Unknown person");
		free(email);
		return;
	}
	free(email);

	rd = redirect_target(params, len);
	buf_printf(&cookie, "%s=%s; Path=/; HttpOnly; SameSite=Lax",
	    COOKIE_NAME, p->email);
	http_response_redirect(resp, rd);
	http_response_add_header(resp, "Set-Cookie", cookie.data);
	http_response_add_header(resp, "Cache-Control", "no-store");
	log_info("sso", "signed in %s%s, redirecting to %s", p->email,
	    p->is_admin ? " (admin)" : "", rd);
	buf_free(&cookie);
	free(rd);
}

static void
handle_sign_out(struct sso *sso, const struct http_request *req,
    struct http_response *resp)
{
	const struct person *p;

	if ((p = cookie_person(sso, req)) != NULL)
		log_info("sso", "signed out %s", p->email);
	http_response_redirect(resp, "/");
	http_response_add_header(resp, "Set-Cookie", COOKIE_NAME "=; Path=/; "
	    "Max-Age=0; HttpOnly; SameSite=Lax");
	http_response_add_header(resp, "Cache-Control", "no-store");
}

/*
 * The page's stylesheet, served by the stand-in so that it needs no inline
 * style.
 */
static const char stylesheet[] =
    "body { margin: 0; background: #f4f5f7; color: #1d2330;\n"
    "  font: 16px/1.5 system-ui, -apple-system, \"Segoe UI\", sans-serif; }\n"
    "main { max-width: 34rem; margin: 3rem auto; padding: 0 1rem; }\n"
    "h1 { font-size: 1.6rem; margin: 1.5rem 0 0.5rem; }\n"
    ".notice { background: #fff4d6; border: 1px solid #e8c865;\n"
    "  border-radius: 6px; padding: 0.75rem 1rem; font-size: 0.95rem; }\n"
    ".people { list-style: none; padding: 0; margin: 1.5rem 0; }\n"
    ".people li { margin: 0 0 0.75rem; }\n"
    ".people form { margin: 0; }\n"
    ".people button { display: block; width: 100%; text-align: left;\n"
    "  font: inherit; color: inherit; cursor: pointer; background: #fff;\n"
    "  border: 1px solid #cfd4dc; border-radius: 6px;\n"
    "  padding: 0.75rem 1rem; }\n"
    ".people button:hover, .people button:focus { border-color: #3366cc;\n"
    "  outline: 2px solid #3366cc33; }\n"
    ".name { font-weight: 600; }\n"
    ".email { display: block; color: #5a6272; font-size: 0.9rem; }\n"
    ".badge { background: #3366cc; color: #fff; border-radius: 4px;\n"
    "  padding: 0 0.4rem; font-size: 0.8rem; margin-left: 0.4rem; }\n";

static void
handle_stylesheet(struct sso *sso, const struct http_request *req,
    struct http_response *resp)
{
	(void)sso;
	(void)req;
	http_response_add_header(resp, "Content-Type", "text/css; charset=utf-8");
	http_response_add_header(resp, "Cache-Control", "public, max-age=300");
	buf_puts(&resp->body, stylesheet);
}

static const struct route {
	const char	*method;	/* NULL matches any method */
	const char	*path;
	void		(*handle)(struct sso *, const struct http_request *,
			    struct http_response *);
} routes[] = {
	/*
	 * nginx's auth subrequest may carry the method of the original request.
	 */
	{ NULL,		"/oauth2/auth",		handle_auth },
	{ "GET",	"/oauth2/start",	handle_start },
	{ "GET",	"/oauth2/sign_in",	handle_sign_in },
	{ "GET",	"/oauth2/callback",	handle_callback },
	{ "POST",	"/oauth2/callback",	handle_callback },
	{ "GET",	"/oauth2/sign_out",	handle_sign_out },
	{ "GET",	"/oauth2/sign_in.css",	handle_stylesheet },
};

static void
handle_request(const struct http_request *req, struct http_response *resp,
    void *arg)
{
	const char	*method;
	size_t		 i;
	int		 path_known = 0;

	/*
	 * A HEAD request runs the GET handler, and the server leaves out the
	 * body.
	 */
	method = strcmp(req->method, "HEAD") == 0 ? "GET" : req->method;
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		if (strcmp(req->path, routes[i].path) != 0)
			continue;
		path_known = 1;
		if (routes[i].method == NULL ||
		    strcmp(routes[i].method, method) == 0) {
			routes[i].handle(arg, req, resp);
			return;
		}
	}
	if (path_known) {
		http_response_text(resp, 405, "Method Not Allowed");
		http_response_add_header(resp, "Allow",
		    strcmp(req->path, "/oauth2/callback") == 0 ?
		    "GET, HEAD, POST" : "GET, HEAD");
		return;
	}
	http_response_text(resp, 404, "Not Found");
}

/* ---- main ---------------------------------------------------------------- */

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: sso --listen ADDRESS --people FILE [--admin-group NAME]\n"
	    "\n"
	    "The demo sign-on stand-in: answers nginx's auth_request like\n"
	    "oauth2-proxy and lets anyone sign in as a person from FILE.\n"
	    "\n"
	    "  --listen ADDRESS    127.0.0.1:PORT, [::1]:PORT or unix:PATH;\n"
	    "                      PORT 0 picks a free port and logs it\n"
	    "  --people FILE       JSON: {\"people\": [{\"name\", \"email\", "
	    "\"groups\"}]}\n"
	    "  --admin-group NAME  group whose members the sign-in page marks\n"
	    "                      as admins (default: security-admins)\n");
}

int
main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "listen",	 required_argument, NULL, 'l' },
		{ "people",	 required_argument, NULL, 'p' },
		{ "admin-group", required_argument, NULL, 'a' },
		{ "help",	 no_argument,	    NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct http_server	*srv;
	struct sso		 sso = { 0 };
	const char		*listen = NULL, *people = NULL;
	const char		*admin_group = "security-admins";
	int			 ch, rc;

	while ((ch = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (ch) {
		case 'l': listen = optarg; break;
		case 'p': people = optarg; break;
		case 'a': admin_group = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || listen == NULL || people == NULL) {
		fprintf(stderr, "sso: --listen and --people are required\n");
		usage(stderr);
		return 2;
	}

	if (people_load(&sso, people, admin_group, &diags) != 0) {
		diag_log(&diags, "sso");
		log_error("sso", "not started: fix the people file %s", people);
		diag_clear(&diags);
		return 1;
	}
	if ((srv = http_server_new(listen, handle_request, &sso)) == NULL) {
		log_error("sso", "not started: cannot listen on %s", listen);
		people_free(&sso);
		return 1;
	}
	if (http_server_port(srv) != 0)
		log_info("sso", "started on %s, port %d, with %zu people from "
		    "%s", listen, http_server_port(srv), sso.people_count,
		    people);
	else
		log_info("sso", "started on %s with %zu people from %s",
		    listen, sso.people_count, people);

	rc = http_server_run(srv);
	log_info("sso", "stopped");

	http_server_free(srv);
	people_free(&sso);
	return rc == 0 ? 0 : 1;
}
