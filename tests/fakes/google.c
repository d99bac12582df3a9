/*
 * A fake of the parts of Google's APIs that the Google source uses, for
 * the demo and the tests. It must never face a real network.
 *
 *   POST /token   the OAuth 2 token endpoint for service accounts: checks
 *                 the JWT assertion (RS256 signature against the test
 *                 key's public half, issuer, audience, times, subject and
 *                 scopes against delegation.json) and issues an access
 *                 token that lasts an hour
 *   GET  /admin/directory/v1/customer/my_customer/devices/mobile
 *   GET  /admin/directory/v1/customer/my_customer/devices/chromeos
 *                 the Directory API listings, with query=email:EMAIL or
 *                 query=recent_user:EMAIL, projection, maxResults and
 *                 pageToken, answered from the recordings under --data
 *                 (mobile/EMAIL.json, mobile/page-TOKEN.json, and the
 *                 same under chromeos/); no recording means no devices.
 *                 A bearer token that this fake issued is required.
 *   GET  /_fake/mode?set=MODE, /_fake/stats, /_fake/reset
 *                 misbehaviour and counters (fake_json.h)
 *   GET  /_fake/revoke
 *                 forget every issued token, as if they had expired
 *
 * The modes apply to the Directory API only: the token endpoint always
 * answers normally, so a test reaches the misbehaving listing.
 */

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <json-c/json.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include "buf.h"
#include "diag.h"
#include "fake_json.h"
#include "fake_jwt.h"
#include "http_server.h"
#include "json_file.h"
#include "log.h"
#include "xalloc.h"

#define FAKE_NAME		"google"
#define API_PREFIX		"/admin/directory/v1/customer/my_customer/"
#define TOKEN_PATH		"/token"
#define JWT_BEARER_GRANT	"urn:ietf:params:oauth:grant-type:jwt-bearer"
#define TOKEN_LIFETIME_S	3599
#define MAX_TOKENS		256
#define MAX_EMAIL_BYTES		254
#define MAX_PAGE_TOKEN_BYTES	64

struct issued_token {
	char		 value[64];
	char		 scopes[512];	/* space-separated, as granted */
	time_t		 expires;
};

struct fake {
	const char		*data;
	EVP_PKEY		*public_key;
	char			*client_email;
	struct json_object	*delegation;	/* subjects and scopes */
	struct issued_token	 tokens[MAX_TOKENS];
	size_t			 token_count;
	struct fake_json_mode	 mode;
	struct fake_json_stats	 stats;
	struct fake_json_pages	 pages;
	struct buf		 invalid_grant;
	struct buf		 unauthorized_client;
	struct buf		 forbidden;
	struct buf		 invalid_input;
};

/* The two listings, their recordings and their limits. */
static const struct collection {
	const char	*path;		/* after API_PREFIX */
	const char	*dir;		/* under --data */
	const char	*query;		/* the search operator */
	const char	*kind;		/* of the list answer */
	const char	*scope;		/* the token must grant it */
	long		 max_results;
} collections[] = {
	{ "devices/mobile", "mobile", "email:", "admin#directory#mobiledevices",
	  "https://www.googleapis.com/auth/admin.directory.device.mobile"
	  ".readonly", 100 },
	{ "devices/chromeos", "chromeos", "recent_user:",
	  "admin#directory#chromeosdevices",
	  "https://www.googleapis.com/auth/admin.directory.device.chromeos"
	  ".readonly", 300 },
};

/* ---- delegation ------------------------------------------------------------ */

/* Return 1 when every scope in the space-separated list is delegated. */
static int
scopes_delegated(struct fake *fk, const char *scopes)
{
	struct json_object	*list;
	const char		*p, *end;
	size_t			 i, n, len;
	int			 found, any = 0;

	if (!json_object_object_get_ex(fk->delegation, "scopes", &list))
		return 0;
	n = json_object_array_length(list);
	for (p = scopes; *p != '\0'; p = end) {
		p += strspn(p, " ");
		if (*p == '\0')
			break;
		end = p + strcspn(p, " ");
		len = (size_t)(end - p);
		found = 0;
		for (i = 0; i < n && !found; i++) {
			const char *s = json_object_get_string(
			    json_object_array_get_idx(list, i));
			found = s != NULL && strlen(s) == len &&
			    strncmp(s, p, len) == 0;
		}
		if (!found)
			return 0;
		any = 1;
	}
	return any;
}

static int
subject_delegated(struct fake *fk, const char *subject)
{
	struct json_object	*list;
	const char		*s;
	size_t			 i, n;

	if (subject == NULL ||
	    !json_object_object_get_ex(fk->delegation, "subjects", &list))
		return 0;
	n = json_object_array_length(list);
	for (i = 0; i < n; i++) {
		s = json_object_get_string(json_object_array_get_idx(list, i));
		if (s != NULL && strcasecmp(s, subject) == 0)
			return 1;
	}
	return 0;
}

/* ---- the token endpoint ---------------------------------------------------- */

static const char *
issue_token(struct fake *fk, const char *scopes)
{
	struct issued_token	*t;
	unsigned char		 random[20];
	size_t			 i;

	if (fk->token_count == MAX_TOKENS) {
		memmove(&fk->tokens[0], &fk->tokens[1],
		    (MAX_TOKENS - 1) * sizeof(fk->tokens[0]));
		fk->token_count--;
	}
	t = &fk->tokens[fk->token_count++];
	if (RAND_bytes(random, sizeof(random)) != 1)
		abort();
	snprintf(t->value, sizeof(t->value), "ya29.fake-");
	for (i = 0; i < sizeof(random); i++)
		snprintf(t->value + strlen(t->value), 3, "%02x", random[i]);
	snprintf(t->scopes, sizeof(t->scopes), "%s", scopes);
	t->expires = time(NULL) + TOKEN_LIFETIME_S;
	fk->stats.tokens_issued++;
	return t->value;
}

static void
handle_token(struct fake *fk, const struct http_request *req,
    struct http_response *resp)
{
	static const char not_a_form[] = "{\"error\": \"invalid_request\", "
	    "\"error_description\": \"expected a form body\"}";
	struct json_object	*claims = NULL;
	struct buf		 audience = BUF_INIT, answer = BUF_INIT;
	const char		*type, *host, *problem, *scopes;
	char			*grant = NULL, *assertion = NULL;

	fk->stats.token_requests++;
	type = http_request_header(req, "Content-Type");
	host = http_request_header(req, "Host");
	if (strcmp(req->method, "POST") != 0) {
		http_response_text(resp, 405, "Method Not Allowed");
		http_response_add_header(resp, "Allow", "POST");
		return;
	}
	if (type == NULL || strncasecmp(type,
	    "application/x-www-form-urlencoded", 33) != 0) {
		fake_json_send(resp, 400, not_a_form, sizeof(not_a_form) - 1);
		return;
	}
	grant = http_form_value(req->body, req->body_len, "grant_type");
	assertion = http_form_value(req->body, req->body_len, "assertion");
	if (grant == NULL || strcmp(grant, JWT_BEARER_GRANT) != 0) {
		buf_puts(&answer, "{\"error\": \"unsupported_grant_type\", "
		    "\"error_description\": \"expected the jwt-bearer grant "
		    "type\"}");
		fake_json_send(resp, 400, answer.data, answer.len);
		goto out;
	}

	buf_printf(&audience, "http://%s%s", host != NULL ? host : "",
	    TOKEN_PATH);
	if (assertion == NULL) {
		problem = "the assertion is missing";
	} else
		problem = fake_jwt_check(fk->public_key, fk->client_email,
		    audience.data, assertion, &claims);
	if (problem != NULL) {
		log_info(FAKE_NAME, "token request rejected: %s", problem);
		fake_json_send(resp, 400, fk->invalid_grant.data,
		    fk->invalid_grant.len);
		goto out;
	}
	scopes = fake_jwt_string(claims, "scope");
	if (!subject_delegated(fk, fake_jwt_string(claims, "sub")) ||
	    scopes == NULL || !scopes_delegated(fk, scopes)) {
		log_info(FAKE_NAME, "token request rejected: subject or scopes "
		    "not delegated to the service account");
		fake_json_send(resp, 401, fk->unauthorized_client.data,
		    fk->unauthorized_client.len);
		goto out;
	}

	buf_printf(&answer, "{\n  \"access_token\": \"%s\",\n"
	    "  \"expires_in\": %d,\n  \"token_type\": \"Bearer\"\n}\n",
	    issue_token(fk, scopes), TOKEN_LIFETIME_S);
	fake_json_send(resp, 200, answer.data, answer.len);
	http_response_add_header(resp, "Cache-Control", "no-store");
out:
	json_object_put(claims);
	buf_free(&audience);
	buf_free(&answer);
	free(grant);
	free(assertion);
}

/* ---- the Directory API ------------------------------------------------------ */

/* Return the token the request carries, if this fake issued it and it lives. */
static const struct issued_token *
bearer_token(struct fake *fk, const struct http_request *req)
{
	const char	*auth = http_request_header(req, "Authorization");
	size_t		 i;

	if (auth == NULL || strncasecmp(auth, "Bearer ", 7) != 0)
		return NULL;
	auth += 7;
	for (i = 0; i < fk->token_count; i++)
		if (strcmp(fk->tokens[i].value, auth) == 0 &&
		    fk->tokens[i].expires > time(NULL))
			return &fk->tokens[i];
	return NULL;
}

static int
grants_scope(const struct issued_token *t, const char *scope)
{
	const char	*p = t->scopes;
	size_t		 len = strlen(scope);

	while ((p = strstr(p, scope)) != NULL) {
		if ((p == t->scopes || p[-1] == ' ') &&
		    (p[len] == '\0' || p[len] == ' '))
			return 1;
		p += len;
	}
	return 0;
}

/* An email that is safe as a file name: lower-case, one '@'. */
static int
recordable_email(const char *s)
{
	size_t	 len = strlen(s);

	return len > 0 && len <= MAX_EMAIL_BYTES &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789.+-_@") == len &&
	    strchr(s, '@') != NULL && s[0] != '.';
}

static int
valid_page_token(const char *s)
{
	size_t	 len = strlen(s);

	return len > 0 && len <= MAX_PAGE_TOKEN_BYTES &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789-_") == len;
}

static void
bad_request(struct fake *fk, struct http_response *resp, const char *why)
{
	log_info(FAKE_NAME, "bad request: %s", why);
	fake_json_send(resp, 400, fk->invalid_input.data,
	    fk->invalid_input.len);
}

/*
 * Answer one page of a listing from the recordings. Returns 0, or -1 after
 * answering 400 for invalid parameters.
 */
static int
answer_listing(struct fake *fk, const struct collection *c,
    const struct http_request *req, struct http_response *resp)
{
	struct buf	 name = BUF_INIT, body = BUF_INIT;
	char		*query, *projection, *max, *page, *email, *p;
	long		 max_results;
	int		 rc = -1, found;

	query = http_form_value(req->query, strlen(req->query), "query");
	projection = http_form_value(req->query, strlen(req->query),
	    "projection");
	max = http_form_value(req->query, strlen(req->query), "maxResults");
	page = http_form_value(req->query, strlen(req->query), "pageToken");

	if (query == NULL || strncmp(query, c->query, strlen(c->query)) != 0) {
		bad_request(fk, resp, "query must start with the search "
		    "operator of this listing");
		goto out;
	}
	if (projection != NULL && strcmp(projection, "FULL") != 0 &&
	    strcmp(projection, "BASIC") != 0) {
		bad_request(fk, resp, "projection must be FULL or BASIC");
		goto out;
	}
	max_results = max != NULL ? strtol(max, &p, 10) : c->max_results;
	if (max != NULL && (*p != '\0' || max_results < 1 ||
	    max_results > c->max_results)) {
		bad_request(fk, resp, "maxResults is out of range");
		goto out;
	}
	if (page != NULL && !valid_page_token(page)) {
		bad_request(fk, resp, "invalid pageToken");
		goto out;
	}

	email = query + strlen(c->query);
	for (p = email; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	if (page != NULL)
		buf_printf(&name, "%s/page-%s.json", c->dir, page);
	else
		buf_printf(&name, "%s/%s.json", c->dir, email);

	found = (page != NULL || recordable_email(email)) &&
	    fake_json_read_file(fk->data, name.data, &body) == 0;
	if (!found && page != NULL) {
		bad_request(fk, resp, "unknown pageToken");
		goto out;
	}
	if (!found) {
		buf_reset(&body);
		buf_printf(&body, "{\n  \"kind\": \"%s\",\n  \"etag\": "
		    "\"\\\"fake-etag-nothing-found\\\"\"\n}\n", c->kind);
	}
	fake_json_send(resp, 200, body.data, body.len);
	rc = 0;
out:
	buf_free(&name);
	buf_free(&body);
	free(query);
	free(projection);
	free(max);
	free(page);
	return rc;
}

static void
handle_api(struct fake *fk, const struct http_request *req,
    struct http_response *resp)
{
	const struct collection		*c = NULL;
	const struct issued_token	*token;
	const char			*rest = req->path + strlen(API_PREFIX);
	size_t				 i;

	fk->stats.api_requests++;
	if (fake_json_before(&fk->mode, &fk->pages, resp))
		return;
	if ((token = bearer_token(fk, req)) == NULL) {
		fk->stats.rejected_auth++;
		fake_json_send(resp, 401, fk->pages.unauthorized.data,
		    fk->pages.unauthorized.len);
		http_response_add_header(resp, "WWW-Authenticate",
		    "Bearer realm=\"https://accounts.google.com/\"");
		return;
	}
	for (i = 0; i < sizeof(collections) / sizeof(collections[0]); i++)
		if (strcmp(rest, collections[i].path) == 0)
			c = &collections[i];
	if (c == NULL) {
		fake_json_send_html(resp, 404, &fk->pages.not_found);
		return;
	}
	if (strcmp(req->method, "GET") != 0) {
		http_response_text(resp, 405, "Method Not Allowed");
		http_response_add_header(resp, "Allow", "GET");
		return;
	}
	if (!grants_scope(token, c->scope)) {
		fake_json_send(resp, 403, fk->forbidden.data,
		    fk->forbidden.len);
		return;
	}
	if (answer_listing(fk, c, req, resp) == 0)
		fake_json_body(&fk->mode, &fk->pages, resp);
}

static void
handle_request(const struct http_request *req, struct http_response *resp,
    void *arg)
{
	struct fake	*fk = arg;

	if (fake_json_control(req, resp, &fk->mode, &fk->stats))
		return;
	if (strcmp(req->path, "/_fake/revoke") == 0) {
		fk->token_count = 0;
		log_info(FAKE_NAME, "every issued token revoked");
		http_response_text(resp, 200, "tokens revoked");
	} else if (strcmp(req->path, TOKEN_PATH) == 0)
		handle_token(fk, req, resp);
	else if (strncmp(req->path, API_PREFIX, strlen(API_PREFIX)) == 0)
		handle_api(fk, req, resp);
	else
		fake_json_send_html(resp, 404, &fk->pages.not_found);
}

/* ---- start and stop ------------------------------------------------------- */

static int
load_public_key(struct fake *fk, const char *dir)
{
	struct buf	 pem = BUF_INIT;
	BIO		*bio;

	if (fake_json_read_file(dir, "test-service-account.pub.pem", &pem) !=
	    0) {
		log_error(FAKE_NAME, "cannot read %s/test-service-account."
		    "pub.pem", dir);
		buf_free(&pem);
		return -1;
	}
	bio = BIO_new_mem_buf(pem.data, (int)pem.len);
	fk->public_key = bio != NULL ? PEM_read_bio_PUBKEY(bio, NULL, NULL,
	    NULL) : NULL;
	BIO_free(bio);
	buf_free(&pem);
	if (fk->public_key == NULL) {
		log_error(FAKE_NAME, "%s/test-service-account.pub.pem is not a "
		    "PEM public key", dir);
		return -1;
	}
	return 0;
}

static int
load_delegation(struct fake *fk, const char *dir)
{
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct buf		 path = BUF_INIT;
	const char		*email;

	buf_printf(&path, "%s/delegation.json", dir);
	fk->delegation = json_parse_file(path.data, 64 * 1024, 8, &diags);
	buf_free(&path);
	if (fk->delegation == NULL) {
		diag_log(&diags, FAKE_NAME);
		diag_clear(&diags);
		return -1;
	}
	if ((email = fake_jwt_string(fk->delegation, "client_email")) == NULL) {
		log_error(FAKE_NAME, "%s/delegation.json has no client_email",
		    dir);
		return -1;
	}
	fk->client_email = xstrdup(email);
	return 0;
}

static int
load_data(struct fake *fk, const char *dir)
{
	fk->data = dir;
	if (fake_json_pages_load(&fk->pages, dir) != 0 ||
	    load_public_key(fk, dir) != 0 || load_delegation(fk, dir) != 0)
		return -1;
	if (fake_json_read_file(dir, "errors/token-invalid-grant.json",
	    &fk->invalid_grant) != 0 ||
	    fake_json_read_file(dir, "errors/token-unauthorized-client.json",
	    &fk->unauthorized_client) != 0 ||
	    fake_json_read_file(dir, "errors/403-forbidden.json",
	    &fk->forbidden) != 0 ||
	    fake_json_read_file(dir, "errors/400-invalid.json",
	    &fk->invalid_input) != 0) {
		log_error(FAKE_NAME, "an error answer under %s/errors is "
		    "missing", dir);
		return -1;
	}
	return 0;
}

static void
fake_free(struct fake *fk)
{
	fake_json_pages_free(&fk->pages);
	EVP_PKEY_free(fk->public_key);
	json_object_put(fk->delegation);
	free(fk->client_email);
	buf_free(&fk->invalid_grant);
	buf_free(&fk->unauthorized_client);
	buf_free(&fk->forbidden);
	buf_free(&fk->invalid_input);
}

int
main(int argc, char **argv)
{
	static struct fake	 fk;
	struct http_server	*srv;
	const char		*listen, *data;
	int			 rc;

	fake_json_options(argc, argv, FAKE_NAME, "A fake of Google's token "
	    "endpoint and the Directory API's device listings, answering\n"
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
