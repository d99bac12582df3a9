/*
 * A fake of the bitFit inventory API that the bitFit source uses, for the
 * demo and the tests. It must never face a real network.
 *
 *   GET /api/v1/users?search=TERM      users whose email or name contains
 *                                      TERM's part before the '@'
 *   GET /api/v1/users/{id}/assets      that user's assets, in short form
 *   GET /api/v1/assets/{id}            one asset with its fields[] and the
 *                                      embedded user
 *   GET /_fake/mode?set=MODE, /_fake/stats, /_fake/reset  (fake_json.h)
 *
 * Every API request needs the api_token query parameter that equals
 * api-token.txt under --data. Answers come from users.json and
 * assets/ID.json there (see the README beside them).
 */

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "buf.h"
#include "diag.h"
#include "fake_json.h"
#include "http_server.h"
#include "json_file.h"
#include "log.h"
#include "xalloc.h"

#define FAKE_NAME		"bitfit"
#define API_PREFIX		"/api/v1/"
#define MAX_ASSETS		1000
#define MAX_DATA_BYTES		(1024 * 1024)
#define MAX_DATA_DEPTH		16

struct asset {
	long			 id;
	long			 user_id;
	int			 detail_status;	/* 0: answer normally */
	char			*list_serial;	/* or NULL for the item's */
	struct json_object	*item;
};

struct fake {
	const char		*data;
	char			*api_token;
	struct json_object	*users;		/* the items array */
	struct json_object	*users_root;
	struct asset		*assets;
	size_t			 asset_count;
	struct fake_json_mode	 mode;
	struct fake_json_stats	 stats;
	struct fake_json_pages	 pages;
	struct buf		 not_found;	/* errors/404.json */
};

/* ---- responses ----------------------------------------------------------- */

static void
send_object(struct http_response *resp, struct json_object *obj)
{
	const char	*text;

	text = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PRETTY |
	    JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);
	fake_json_send(resp, 200, text, strlen(text));
	buf_puts(&resp->body, "\n");
}

static void
not_found(struct fake *fk, struct http_response *resp)
{
	fake_json_send(resp, 404, fk->not_found.data, fk->not_found.len);
}

static char *
lower_copy(const char *s)
{
	char	*copy = xstrdup(s), *p;

	for (p = copy; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return copy;
}

/* Whether the user's email or name contains term, ignoring case. */
static int
user_found(struct json_object *user, const char *term)
{
	static const char *const keys[] = { "email", "name" };
	struct json_object	*v;
	char			*text;
	size_t			 i;
	int			 found = 0;

	for (i = 0; i < 2 && !found; i++) {
		if (!json_object_object_get_ex(user, keys[i], &v) ||
		    !json_object_is_type(v, json_type_string))
			continue;
		text = lower_copy(json_object_get_string(v));
		found = strstr(text, term) != NULL;
		free(text);
	}
	return found;
}

static void
answer_users(struct fake *fk, const struct http_request *req,
    struct http_response *resp)
{
	struct json_object	*answer, *items, *user;
	char			*search, *term, *at;
	size_t			 i, n;

	search = http_form_value(req->query, strlen(req->query), "search");
	term = lower_copy(search != NULL ? search : "");
	if ((at = strchr(term, '@')) != NULL)
		*at = '\0';

	answer = json_object_new_object();
	items = json_object_new_array();
	n = json_object_array_length(fk->users);
	for (i = 0; i < n; i++) {
		user = json_object_array_get_idx(fk->users, i);
		if (user_found(user, term))
			json_object_array_add(items, json_object_get(user));
	}
	json_object_object_add(answer, "total",
	    json_object_new_int64((int64_t)json_object_array_length(items)));
	json_object_object_add(answer, "items", items);
	send_object(resp, answer);
	json_object_put(answer);
	free(search);
	free(term);
}

static int
user_exists(struct fake *fk, long id)
{
	struct json_object	*v;
	size_t			 i, n = json_object_array_length(fk->users);

	for (i = 0; i < n; i++)
		if (json_object_object_get_ex(json_object_array_get_idx(
		    fk->users, i), "id", &v) && json_object_get_int64(v) == id)
			return 1;
	return 0;
}

/* Copy key from the asset's item into the short form, or null. */
static void
copy_member(struct json_object *to, struct json_object *item, const char *key)
{
	struct json_object	*v = NULL;

	json_object_object_get_ex(item, key, &v);
	json_object_object_add(to, key, json_object_get(v));
}

static void
answer_user_assets(struct fake *fk, long user_id, struct http_response *resp)
{
	struct json_object	*answer, *items, *entry;
	struct asset		*a;
	size_t			 i;

	if (!user_exists(fk, user_id)) {
		not_found(fk, resp);
		return;
	}
	answer = json_object_new_object();
	items = json_object_new_array();
	for (i = 0; i < fk->asset_count; i++) {
		a = &fk->assets[i];
		if (a->user_id != user_id)
			continue;
		entry = json_object_new_object();
		json_object_object_add(entry, "id", json_object_new_int64(a->id));
		if (a->list_serial != NULL)
			json_object_object_add(entry, "serial_number",
			    json_object_new_string(a->list_serial));
		else
			copy_member(entry, a->item, "serial_number");
		copy_member(entry, a->item, "name");
		copy_member(entry, a->item, "model");
		json_object_array_add(items, entry);
	}
	json_object_object_add(answer, "total",
	    json_object_new_int64((int64_t)json_object_array_length(items)));
	json_object_object_add(answer, "items", items);
	send_object(resp, answer);
	json_object_put(answer);
}

static void
answer_asset(struct fake *fk, long id, struct http_response *resp)
{
	struct json_object	*answer;
	size_t			 i;

	for (i = 0; i < fk->asset_count; i++) {
		if (fk->assets[i].id != id)
			continue;
		if (fk->assets[i].detail_status != 0) {
			fake_json_send(resp, fk->assets[i].detail_status,
			    fk->not_found.data, fk->not_found.len);
			return;
		}
		answer = json_object_new_object();
		json_object_object_add(answer, "item",
		    json_object_get(fk->assets[i].item));
		send_object(resp, answer);
		json_object_put(answer);
		return;
	}
	not_found(fk, resp);
}

/* Parse a decimal id that ends at end (a '/' or the end of the path). */
static int
parse_id(const char *s, const char **end, long *out)
{
	long	 v = 0;

	if (!isdigit((unsigned char)*s))
		return -1;
	for (; isdigit((unsigned char)*s) && v < 100000000; s++)
		v = v * 10 + (*s - '0');
	*end = s;
	*out = v;
	return 0;
}

/* Route an authenticated API request. Returns 1 for a 200 response. */
static int
route_api(struct fake *fk, const struct http_request *req, const char *rest,
    struct http_response *resp)
{
	const char	*end;
	long		 id;

	if (strcmp(rest, "users") == 0)
		answer_users(fk, req, resp);
	else if (strncmp(rest, "users/", 6) == 0 &&
	    parse_id(rest + 6, &end, &id) == 0 && strcmp(end, "/assets") == 0)
		answer_user_assets(fk, id, resp);
	else if (strncmp(rest, "assets/", 7) == 0 &&
	    parse_id(rest + 7, &end, &id) == 0 && *end == '\0')
		answer_asset(fk, id, resp);
	else
		fake_json_send_html(resp, 404, &fk->pages.not_found);
	return resp->status == 200;
}

static void
handle_api(struct fake *fk, const struct http_request *req,
    struct http_response *resp)
{
	char	*token;
	int	 authorized;

	fk->stats.api_requests++;
	if (fake_json_before(&fk->mode, &fk->pages, resp))
		return;
	token = http_form_value(req->query, strlen(req->query), "api_token");
	authorized = token != NULL && strcmp(token, fk->api_token) == 0;
	free(token);
	if (!authorized) {
		fk->stats.rejected_auth++;
		fake_json_send(resp, 401, fk->pages.unauthorized.data,
		    fk->pages.unauthorized.len);
		return;
	}
	if (strcmp(req->method, "GET") != 0) {
		http_response_text(resp, 405, "Method Not Allowed");
		http_response_add_header(resp, "Allow", "GET");
		return;
	}
	if (route_api(fk, req, req->path + strlen(API_PREFIX), resp))
		fake_json_body(&fk->mode, &fk->pages, resp);
}

static void
handle_request(const struct http_request *req, struct http_response *resp,
    void *arg)
{
	struct fake	*fk = arg;

	if (fake_json_control(req, resp, &fk->mode, &fk->stats))
		return;
	if (strncmp(req->path, API_PREFIX, strlen(API_PREFIX)) == 0)
		handle_api(fk, req, resp);
	else
		fake_json_send_html(resp, 404, &fk->pages.not_found);
}

/* ---- loading the recordings ----------------------------------------------- */

static struct json_object *
load_json(const char *dir, const char *name)
{
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct buf		 path = BUF_INIT;
	struct json_object	*root;

	buf_printf(&path, "%s/%s", dir, name);
	root = json_parse_file(path.data, MAX_DATA_BYTES, MAX_DATA_DEPTH,
	    &diags);
	if (root == NULL)
		diag_log(&diags, FAKE_NAME);
	else if (!json_object_is_type(root, json_type_object)) {
		log_error(FAKE_NAME, "%s: expected a JSON object", path.data);
		json_object_put(root);
		root = NULL;
	}
	diag_clear(&diags);
	buf_free(&path);
	return root;
}

static long
member_long(struct json_object *obj, const char *key)
{
	struct json_object	*v;

	if (!json_object_object_get_ex(obj, key, &v) ||
	    !json_object_is_type(v, json_type_int))
		return 0;
	return (long)json_object_get_int64(v);
}

/* Load assets/NAME: {"_fake": {...}, "item": {...}}. */
static int
load_asset(struct fake *fk, const char *name)
{
	struct json_object	*root, *fake, *item, *v;
	struct buf		 rel = BUF_INIT;
	struct asset		*a;

	buf_printf(&rel, "assets/%s", name);
	root = load_json(fk->data, rel.data);
	buf_free(&rel);
	if (root == NULL)
		return -1;
	if (!json_object_object_get_ex(root, "_fake", &fake) ||
	    !json_object_object_get_ex(root, "item", &item) ||
	    fk->asset_count == MAX_ASSETS) {
		log_error(FAKE_NAME, "assets/%s: expected _fake and item",
		    name);
		json_object_put(root);
		return -1;
	}
	a = &fk->assets[fk->asset_count++];
	a->id = member_long(item, "id");
	a->user_id = member_long(fake, "user_id");
	a->detail_status = (int)member_long(fake, "detail_status");
	if (json_object_object_get_ex(fake, "list_serial_number", &v))
		a->list_serial = xstrdup(json_object_get_string(v));
	a->item = json_object_get(item);
	json_object_put(root);
	return 0;
}

static int
compare_assets(const void *a, const void *b)
{
	long	 x = ((const struct asset *)a)->id;
	long	 y = ((const struct asset *)b)->id;

	return (x > y) - (x < y);
}

/* Load every assets/ID.json, in id order whatever readdir returns. */
static int
load_assets(struct fake *fk)
{
	struct buf	 dir = BUF_INIT;
	struct dirent	*e;
	DIR		*d;
	size_t		 len;
	int		 rc = 0;

	buf_printf(&dir, "%s/assets", fk->data);
	if ((d = opendir(dir.data)) == NULL) {
		log_error(FAKE_NAME, "cannot open %s", dir.data);
		buf_free(&dir);
		return -1;
	}
	fk->assets = xcalloc(MAX_ASSETS, sizeof(fk->assets[0]));
	while (rc == 0 && (e = readdir(d)) != NULL) {
		len = strlen(e->d_name);
		if (len > 5 && strcmp(e->d_name + len - 5, ".json") == 0)
			rc = load_asset(fk, e->d_name);
	}
	closedir(d);
	buf_free(&dir);
	qsort(fk->assets, fk->asset_count, sizeof(fk->assets[0]),
	    compare_assets);
	return rc;
}

static int
load_data(struct fake *fk, const char *dir)
{
	struct buf	 token = BUF_INIT;

	fk->data = dir;
	if (fake_json_pages_load(&fk->pages, dir) != 0 ||
	    fake_json_read_file(dir, "errors/404.json", &fk->not_found) != 0 ||
	    fake_json_read_file(dir, "api-token.txt", &token) != 0) {
		log_error(FAKE_NAME, "a file under %s is missing", dir);
		buf_free(&token);
		return -1;
	}
	while (token.len > 0 && isspace((unsigned char)token.data[token.len -
	    1]))
		token.data[--token.len] = '\0';
	fk->api_token = buf_detach(&token);

	if ((fk->users_root = load_json(dir, "users.json")) == NULL ||
	    !json_object_object_get_ex(fk->users_root, "items", &fk->users) ||
	    !json_object_is_type(fk->users, json_type_array)) {
		log_error(FAKE_NAME, "%s/users.json: expected {\"items\": "
		    "[...]}", dir);
		return -1;
	}
	return load_assets(fk);
}

static void
fake_free(struct fake *fk)
{
	size_t	 i;

	for (i = 0; i < fk->asset_count; i++) {
		json_object_put(fk->assets[i].item);
		free(fk->assets[i].list_serial);
	}
	free(fk->assets);
	json_object_put(fk->users_root);
	free(fk->api_token);
	buf_free(&fk->not_found);
	fake_json_pages_free(&fk->pages);
}

int
main(int argc, char **argv)
{
	static struct fake	 fk;
	struct http_server	*srv;
	const char		*listen, *data;
	int			 rc;

	fake_json_options(argc, argv, FAKE_NAME, "A fake of the bitFit "
	    "inventory API (users, their assets, asset details), answering\n"
	    "from recorded answers. For tests and the demo only.", &listen,
	    &data, &fk.mode);
	if (load_data(&fk, data) != 0) {
		log_error(FAKE_NAME, "not started: fix the data directory %s",
		    data);
		fake_free(&fk);
		return 1;
	}
	if ((srv = http_server_new(listen, handle_request, &fk)) == NULL) {
		log_error(FAKE_NAME, "not started: cannot listen on %s",
		    listen);
		fake_free(&fk);
		return 1;
	}
	fake_json_announce(FAKE_NAME, srv, listen, data);

	rc = http_server_run(srv);
	log_info(FAKE_NAME, "stopped");
	http_server_free(srv);
	fake_free(&fk);
	return rc == 0 ? 0 : 1;
}
