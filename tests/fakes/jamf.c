/*
 * A fake JAMF Pro server for tests and the demo. It serves the Classic
 * API from recorded computer and user documents, hands out bearer tokens
 * like the Jamf Pro API, and misbehaves on demand (fake_upstream.h).
 *
 *   POST /api/v1/auth/token              Basic auth: {"token", "expires"}
 *   POST /api/oauth/token                client_credentials form:
 *                                        {"access_token", "expires_in", ...}
 *   GET  /JSSResource/computers          every computer (id, name)
 *   GET  /JSSResource/computers/id/{id}  and udid/, serialnumber/,
 *                                        macaddress/: one computer
 *   GET  /JSSResource/computers/match/{term}  computers whose name, serial,
 *                                        MAC, user name, real name or
 *                                        email matches (* is a wildcard)
 *   GET  /JSSResource/users/email/{email}  every user with that email
 *   GET  /JSSResource/users/id/{id}, /users/name/{name}  one user
 *
 * Classic API requests need "Authorization: Bearer TOKEN" with a token it
 * issued in the last 30 minutes, or they get its HTML 401 page. Unknown
 * resources get the HTML 404 page, as the real server does. Besides the
 * control endpoints of fake_upstream.h, GET /_fake/revoke forgets every
 * token issued so far.
 *
 * Test credentials (made up, accepted by this fake only):
 *   user account:  stethoscope-api / jamf-test-password
 *   API client:    stethoscope-client / jamf-test-client-secret
 *
 * The data directory holds the subdirectories computers (one <computer>
 * document per .xml file), users (one <user> document per .xml file) and
 * errors (401.html, 404.html and 500.html).
 */

#include <dirent.h>
#include <fnmatch.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libxml/parser.h>
#include <openssl/rand.h>

#include "buf.h"
#include "fake_upstream.h"
#include "html.h"
#include "http_server.h"
#include "identifier.h"
#include "log.h"
#include "xalloc.h"
#include "xml_answer.h"

#define FAKE_USERNAME		"stethoscope-api"
#define FAKE_PASSWORD		"jamf-test-password"
#define FAKE_CLIENT_ID		"stethoscope-client"
#define FAKE_CLIENT_SECRET	"jamf-test-client-secret"
#define TOKEN_LIFETIME_S	1800
#define MAX_TOKENS		64

/* Fields of one recorded computer that the lookups match on. */
enum computer_field {
	C_ID, C_NAME, C_UDID, C_SERIAL, C_MAC, C_ALT_MAC, C_USERNAME,
	C_REALNAME, C_EMAIL, C__MAX
};

static const char *const computer_paths[C__MAX] = {
	[C_ID] = "general/id",
	[C_NAME] = "general/name",
	[C_UDID] = "general/udid",
	[C_SERIAL] = "general/serial_number",
	[C_MAC] = "general/mac_address",
	[C_ALT_MAC] = "general/alt_mac_address",
	[C_USERNAME] = "location/username",
	[C_REALNAME] = "location/realname",
	[C_EMAIL] = "location/email_address",
};

enum user_field { U_ID, U_NAME, U_EMAIL, U__MAX };

static const char *const user_paths[U__MAX] = {
	[U_ID] = "id",
	[U_NAME] = "name",
	[U_EMAIL] = "email_address",
};

struct record {
	char		*field[C__MAX];	/* C_* or U_*; NULL when empty */
	struct buf	 xml;		/* the document without its XML declaration */
};

struct record_set {
	struct record	*items;
	size_t		 count;
};

struct fake {
	struct record_set	 computers;
	struct record_set	 users;
	struct fake_pages	 pages;
	struct fake_mode	 mode;
	struct fake_stats	 stats;
	char			*basic_expected;	/* "Basic BASE64" */
	struct {
		char	 value[48];
		time_t	 expires;
	}			 tokens[MAX_TOKENS];
	size_t			 next_token;
};

static const char doctype_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<!DOCTYPE computer [\n"
    "  <!ENTITY leak SYSTEM \"file:///etc/passwd\">\n"
    "]>\n"
    "<computer><general><id>999</id><name>&leak;</name></general>"
    "</computer>\n";

static const char *const authenticate[] = {
	"Bearer realm=\"Jamf Pro\"", NULL,
};

/* ---- the recordings ------------------------------------------------------ */

/* Skip the XML declaration so the document can be embedded in a list. */
static void
store_body(struct buf *out, const struct buf *file)
{
	const char	*p = file->data, *end;

	if (strncmp(p, "<?xml", 5) == 0 && (end = strstr(p, "?>")) != NULL)
		p = end + 2;
	p += strspn(p, " \t\r\n");
	buf_puts(out, p);
}

static int
load_record(const char *dir, const char *name, const char *root_name,
    const char *const *paths, size_t npaths, struct record *rec)
{
	struct buf		 file = BUF_INIT, err = BUF_INIT;
	xmlDocPtr		 doc;
	xmlXPathContextPtr	 ctx;
	xmlNodePtr		 root;
	size_t			 i;
	int			 rc = -1;

	if (fake_read_file(dir, name, &file) != 0)
		goto out;
	if ((doc = xml_answer_parse(file.data, file.len, &err)) == NULL) {
		log_error("fake", "%s/%s: %s", dir, name, err.data);
		goto out;
	}
	root = xmlDocGetRootElement(doc);
	if (xmlStrcmp(root->name, BAD_CAST root_name) != 0) {
		log_error("fake", "%s/%s: expected a <%s> document", dir, name,
		    root_name);
		xmlFreeDoc(doc);
		goto out;
	}
	ctx = xmlXPathNewContext(doc);
	for (i = 0; i < npaths; i++)
		rec->field[i] = xml_text(ctx, root, paths[i]);
	xmlXPathFreeContext(ctx);
	xmlFreeDoc(doc);
	store_body(&rec->xml, &file);
	rc = rec->field[0] != NULL ? 0 : -1;
	if (rc != 0)
		log_error("fake", "%s/%s: the record has no id", dir, name);

out:
	buf_free(&err);
	buf_free(&file);
	return rc;
}

static int
by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int
has_xml_suffix(const struct dirent *d)
{
	size_t	 len = strlen(d->d_name);

	return len > 4 && strcmp(d->d_name + len - 4, ".xml") == 0;
}

/* Load every *.xml file of data/subdir, in name order. */
static int
load_set(const char *data, const char *subdir, const char *root_name,
    const char *const *paths, size_t npaths, struct record_set *set)
{
	struct dirent	**names;
	struct buf	  dir = BUF_INIT;
	int		  n, i, rc = 0;

	buf_printf(&dir, "%s/%s", data, subdir);
	if ((n = scandir(dir.data, &names, has_xml_suffix, by_name)) < 0) {
		log_error("fake", "cannot list %s", dir.data);
		buf_free(&dir);
		return -1;
	}
	set->items = xcalloc((size_t)n + 1, sizeof(set->items[0]));
	for (i = 0; i < n; i++) {
		if (rc == 0 && load_record(dir.data, names[i]->d_name,
		    root_name, paths, npaths, &set->items[set->count]) == 0)
			set->count++;
		else
			rc = -1;
		free(names[i]);
	}
	free(names);
	buf_free(&dir);
	return rc;
}

static void
free_set(struct record_set *set)
{
	size_t	 i, j;

	for (i = 0; i <= set->count && set->items != NULL; i++) {
		for (j = 0; j < C__MAX; j++)
			free(set->items[i].field[j]);
		buf_free(&set->items[i].xml);
	}
	free(set->items);
}

/* ---- tokens and credentials ---------------------------------------------- */

static void
issue_token(struct fake *fk, char *out, size_t outlen, time_t *expires)
{
	unsigned char	 random[16];
	size_t		 i, slot = fk->next_token++ % MAX_TOKENS;

	if (RAND_bytes(random, sizeof(random)) != 1)
		memset(random, (int)fk->next_token, sizeof(random));
	snprintf(out, outlen, "fake-jamf-");
	for (i = 0; i < sizeof(random); i++)
		snprintf(out + strlen(out), outlen - strlen(out), "%02x",
		    random[i]);
	*expires = time(NULL) + TOKEN_LIFETIME_S;
	snprintf(fk->tokens[slot].value, sizeof(fk->tokens[slot].value), "%s",
	    out);
	fk->tokens[slot].expires = *expires;
}

static int
bearer_valid(const struct fake *fk, const struct http_request *req)
{
	const char	*auth = http_request_header(req, "Authorization");
	time_t		 now = time(NULL);
	size_t		 i;

	if (auth == NULL || strncmp(auth, "Bearer ", 7) != 0)
		return 0;
	for (i = 0; i < MAX_TOKENS; i++)
		if (fk->tokens[i].value[0] != '\0' &&
		    fk->tokens[i].expires > now &&
		    strcmp(fk->tokens[i].value, auth + 7) == 0)
			return 1;
	return 0;
}

static void
json_unauthorized(struct http_response *resp)
{
	resp->status = 401;
	http_response_add_header(resp, "Content-Type", "application/json");
	buf_puts(&resp->body, "{\n  \"httpStatus\" : 401,\n  \"errors\" : [ ]\n"
	    "}");
}

static void
handle_auth_token(struct fake *fk, const struct http_request *req,
    struct http_response *resp)
{
	const char	*auth = http_request_header(req, "Authorization");
	char		 token[48], expires[64];
	time_t		 until;
	struct tm	 tm;

	fk->stats.token_requests++;
	if (auth == NULL || strcmp(auth, fk->basic_expected) != 0) {
		fk->stats.rejected_auth++;
		json_unauthorized(resp);
		return;
	}
	issue_token(fk, token, sizeof(token), &until);
	gmtime_r(&until, &tm);
	strftime(expires, sizeof(expires), "%Y-%m-%dT%H:%M:%S.000Z", &tm);
	http_response_add_header(resp, "Content-Type", "application/json");
	buf_printf(&resp->body, "{\n  \"token\" : \"%s\",\n  \"expires\" : "
	    "\"%s\"\n}", token, expires);
}

static int
form_equals(const struct http_request *req, const char *name,
    const char *expected)
{
	char	*value;
	int	 equal;

	value = http_form_value(req->body, req->body_len, name);
	equal = value != NULL && strcmp(value, expected) == 0;
	free(value);
	return equal;
}

static void
handle_oauth_token(struct fake *fk, const struct http_request *req,
    struct http_response *resp)
{
	char	 token[48];
	time_t	 until;

	fk->stats.token_requests++;
	http_response_add_header(resp, "Content-Type", "application/json");
	if (!form_equals(req, "grant_type", "client_credentials")) {
		resp->status = 400;
		buf_puts(&resp->body, "{\"error\":\"unsupported_grant_type\"}");
		return;
	}
	if (!form_equals(req, "client_id", FAKE_CLIENT_ID) ||
	    !form_equals(req, "client_secret", FAKE_CLIENT_SECRET)) {
		fk->stats.rejected_auth++;
		resp->status = 401;
		buf_puts(&resp->body, "{\"error\":\"invalid_client\"}");
		return;
	}
	issue_token(fk, token, sizeof(token), &until);
	buf_printf(&resp->body, "{\"access_token\":\"%s\",\"scope\":"
	    "\"api-role:1\",\"token_type\":\"Bearer\",\"expires_in\":%d}",
	    token, TOKEN_LIFETIME_S - 1);
}

/* ---- the Classic API ----------------------------------------------------- */

/* Compare two MAC addresses in any format. */
static int
mac_equal(const char *a, const char *b)
{
	char	 ca[MAC_CANONICAL_SIZE], cb[MAC_CANONICAL_SIZE];

	return a != NULL && b != NULL &&
	    mac_canonicalize(a, ca, sizeof(ca)) == 0 &&
	    mac_canonicalize(b, cb, sizeof(cb)) == 0 && strcmp(ca, cb) == 0;
}

static int
field_equal(const char *value, const char *wanted)
{
	return value != NULL && strcasecmp(value, wanted) == 0;
}

static void
answer_xml(struct http_response *resp, const char *prolog,
    const struct buf *body, const char *epilog)
{
	http_response_add_header(resp, "Content-Type",
	    "application/xml;charset=UTF-8");
	buf_puts(&resp->body, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
	buf_puts(&resp->body, prolog);
	if (body != NULL)
		buf_append(&resp->body, body->data, body->len);
	buf_puts(&resp->body, epilog);
}

/* One computer by a field: id, udid, serialnumber or macaddress. */
static void
answer_computer(struct fake *fk, enum computer_field by, const char *value,
    struct http_response *resp)
{
	const struct record	*c;
	size_t			 i;

	for (i = 0; i < fk->computers.count; i++) {
		c = &fk->computers.items[i];
		if (by == C_MAC ? mac_equal(c->field[C_MAC], value) ||
		    mac_equal(c->field[C_ALT_MAC], value) :
		    field_equal(c->field[by], value)) {
			answer_xml(resp, "", &c->xml, "");
			return;
		}
	}
	fake_html_error(&fk->pages, 404, resp);
}

static void
append_field(struct buf *b, const char *name, const char *value)
{
	if (value == NULL || value[0] == '\0') {
		buf_printf(b, "<%s/>", name);
		return;
	}
	buf_printf(b, "<%s>", name);
	html_escape(b, value, strlen(value));
	buf_printf(b, "</%s>", name);
}

static int
computer_matches(const struct record *c, const char *term)
{
	static const enum computer_field searched[] = {
		C_NAME, C_SERIAL, C_UDID, C_MAC, C_ALT_MAC, C_USERNAME,
		C_REALNAME, C_EMAIL,
	};
	size_t	 i;

	for (i = 0; i < sizeof(searched) / sizeof(searched[0]); i++)
		if (c->field[searched[i]] != NULL &&
		    fnmatch(term, c->field[searched[i]], FNM_CASEFOLD) == 0)
			return 1;
	return 0;
}

/* The short form of each computer that /computers and match list. */
static void
answer_computer_list(struct fake *fk, const char *term,
    struct http_response *resp)
{
	const struct record	*c;
	struct buf		 list = BUF_INIT;
	size_t			 i, n = 0;

	for (i = 0; i < fk->computers.count; i++) {
		c = &fk->computers.items[i];
		if (term != NULL && !computer_matches(c, term))
			continue;
		n++;
		buf_puts(&list, "<computer>");
		append_field(&list, "id", c->field[C_ID]);
		append_field(&list, "name", c->field[C_NAME]);
		if (term != NULL) {
			append_field(&list, "udid", c->field[C_UDID]);
			append_field(&list, "serial_number", c->field[C_SERIAL]);
			append_field(&list, "mac_address", c->field[C_MAC]);
			append_field(&list, "alt_mac_address",
			    c->field[C_ALT_MAC]);
			append_field(&list, "username", c->field[C_USERNAME]);
			append_field(&list, "realname", c->field[C_REALNAME]);
			append_field(&list, "email_address", c->field[C_EMAIL]);
		}
		buf_puts(&list, "</computer>");
	}
	answer_xml(resp, "<computers>", NULL, "");
	buf_printf(&resp->body, "<size>%zu</size>", n);
	buf_append(&resp->body, list.data, list.len);
	buf_puts(&resp->body, "</computers>");
	buf_free(&list);
}

static void
answer_users(struct fake *fk, enum user_field by, const char *value,
    int as_list, struct http_response *resp)
{
	struct buf		 list = BUF_INIT;
	const struct record	*u;
	size_t			 i, n = 0;

	for (i = 0; i < fk->users.count; i++) {
		u = &fk->users.items[i];
		if (!field_equal(u->field[by], value))
			continue;
		if (!as_list) {
			answer_xml(resp, "", &u->xml, "");
			buf_free(&list);
			return;
		}
		buf_append(&list, u->xml.data, u->xml.len);
		n++;
	}
	if (n == 0)
		fake_html_error(&fk->pages, 404, resp);
	else {
		answer_xml(resp, "<users>", NULL, "");
		buf_printf(&resp->body, "<size>%zu</size>", n);
		buf_append(&resp->body, list.data, list.len);
		buf_puts(&resp->body, "</users>");
	}
	buf_free(&list);
}

/* Resources below /JSSResource/ that take one value. */
static const struct resource {
	const char	*prefix;
	int		 computers;	/* else users */
	int		 field;
} resources[] = {
	{ "computers/id/",		1, C_ID },
	{ "computers/udid/",		1, C_UDID },
	{ "computers/serialnumber/",	1, C_SERIAL },
	{ "computers/macaddress/",	1, C_MAC },
	{ "computers/match/",		1, C__MAX },
	{ "users/id/",			0, U_ID },
	{ "users/name/",		0, U_NAME },
	{ "users/email/",		0, U_EMAIL },
};

static void
handle_classic(struct fake *fk, const struct http_request *req,
    struct http_response *resp)
{
	const char	*rest = req->path + strlen("/JSSResource/");
	char		*value;
	size_t		 i, len;

	fk->stats.api_requests++;
	if (!bearer_valid(fk, req)) {
		fk->stats.rejected_auth++;
		fake_html_error(&fk->pages, 401, resp);
		return;
	}
	if (strcmp(rest, "computers") == 0) {
		answer_computer_list(fk, NULL, resp);
		goto body_modes;
	}
	for (i = 0; i < sizeof(resources) / sizeof(resources[0]); i++) {
		len = strlen(resources[i].prefix);
		if (strncmp(rest, resources[i].prefix, len) != 0 ||
		    rest[len] == '\0' || strchr(rest + len, '/') != NULL)
			continue;
		if ((value = url_decode(rest + len, strlen(rest + len), 0)) ==
		    NULL)
			break;
		if (resources[i].computers && resources[i].field == C__MAX)
			answer_computer_list(fk, value, resp);
		else if (resources[i].computers)
			answer_computer(fk, resources[i].field, value, resp);
		else
			answer_users(fk, resources[i].field, value,
			    resources[i].field == U_EMAIL, resp);
		free(value);
		goto body_modes;
	}
	fake_html_error(&fk->pages, 404, resp);
	return;

body_modes:
	if (resp->status == 200)
		fake_mode_body(&fk->mode, &fk->pages, resp);
}

static void
handle_request(const struct http_request *req, struct http_response *resp,
    void *arg)
{
	struct fake	*fk = arg;

	/* Forgetting the tokens lets tests see the adapter renew one. */
	if (strcmp(req->path, "/_fake/revoke") == 0 && fake_peer_is_local(req)) {
		memset(fk->tokens, 0, sizeof(fk->tokens));
		http_response_text(resp, 200, "every token revoked");
		return;
	}
	if (fake_control(req, resp, &fk->mode, &fk->stats))
		return;
	if (fake_mode_before(&fk->mode, &fk->pages, resp))
		return;

	if (strcmp(req->path, "/api/v1/auth/token") == 0 ||
	    strcmp(req->path, "/api/oauth/token") == 0) {
		if (strcmp(req->method, "POST") != 0) {
			http_response_text(resp, 405, "Method Not Allowed");
			http_response_add_header(resp, "Allow", "POST");
		} else if (req->path[5] == 'v')
			handle_auth_token(fk, req, resp);
		else
			handle_oauth_token(fk, req, resp);
		return;
	}
	if (strncmp(req->path, "/JSSResource/", 13) == 0) {
		if (strcmp(req->method, "GET") != 0) {
			http_response_text(resp, 405, "Method Not Allowed");
			http_response_add_header(resp, "Allow", "GET");
			return;
		}
		handle_classic(fk, req, resp);
		return;
	}
	fake_html_error(&fk->pages, 404, resp);
}

/* ---- main ---------------------------------------------------------------- */

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: jamf --listen ADDRESS --data DIR [--mode MODE]\n"
	    "\n"
	    "A fake JAMF Pro server answering from the recordings in DIR.\n"
	    "\n"
	    "  --listen ADDRESS  127.0.0.1:PORT, [::1]:PORT or unix:PATH; the\n"
	    "                    bound port is printed as \"port N\"\n"
	    "  --data DIR        computers/*.xml, users/*.xml, errors/*.html\n"
	    "  --mode MODE       normal, slow:MS, hang, 401, 429:SECONDS, 500,\n"
	    "                    html200, truncated, oversize or doctype\n"
	    "\n"
	    "Credentials (test values): user " FAKE_USERNAME " with password "
	    FAKE_PASSWORD ",\nor API client " FAKE_CLIENT_ID " with secret "
	    FAKE_CLIENT_SECRET ".\n");
}

int
main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "listen",	required_argument, NULL, 'l' },
		{ "data",	required_argument, NULL, 'd' },
		{ "mode",	required_argument, NULL, 'm' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct fake	 fk;
	struct http_server	*srv = NULL;
	const char		*listen = NULL, *data = NULL, *mode = "normal";
	int			 ch, rc = 1;

	while ((ch = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (ch) {
		case 'l': listen = optarg; break;
		case 'd': data = optarg; break;
		case 'm': mode = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || listen == NULL || data == NULL) {
		fprintf(stderr, "jamf: --listen and --data are required\n");
		usage(stderr);
		return 2;
	}
	if (fake_mode_parse(mode, &fk.mode) != 0) {
		fprintf(stderr, "jamf: invalid --mode %s\n", mode);
		usage(stderr);
		return 2;
	}

	xmlInitParser();
	fk.pages.doctype_xml = doctype_xml;
	fk.pages.authenticate = authenticate;
	fk.basic_expected = fake_basic_authorization(FAKE_USERNAME,
	    FAKE_PASSWORD);
	if (fake_pages_load(&fk.pages, data) != 0 ||
	    load_set(data, "computers", "computer", computer_paths, C__MAX,
	    &fk.computers) != 0 ||
	    load_set(data, "users", "user", user_paths, U__MAX,
	    &fk.users) != 0) {
		log_error("jamf", "not started: fix the recordings in %s", data);
		goto out;
	}
	if ((srv = http_server_new(listen, handle_request, &fk)) == NULL) {
		log_error("jamf", "not started: cannot listen on %s", listen);
		goto out;
	}
	if (http_server_port(srv) != 0) {
		printf("port %d\n", http_server_port(srv));
		fflush(stdout);
	}
	log_info("jamf", "started on %s with %zu computers and %zu users, "
	    "mode %s", listen, fk.computers.count, fk.users.count, mode);

	rc = http_server_run(srv) == 0 ? 0 : 1;
	log_info("jamf", "stopped");

out:
	http_server_free(srv);
	free_set(&fk.computers);
	free_set(&fk.users);
	fake_pages_free(&fk.pages);
	free(fk.basic_expected);
	return rc;
}
