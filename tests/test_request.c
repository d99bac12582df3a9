/* Request parsing: targets, query strings, limits, identity and bodies. */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "log.h"
#include "request.h"

static const struct request_limits limits = { 64, 16 };

static int
parse(struct request *req, const char *uri, const char *user,
    const char *extra)
{
	char	 uri_var[512], user_var[512];
	char	*envp[8];
	int	 n = 0;

	snprintf(uri_var, sizeof(uri_var), "REQUEST_URI=%s", uri);
	envp[n++] = "REQUEST_METHOD=GET";
	envp[n++] = uri_var;
	if (user != NULL) {
		snprintf(user_var, sizeof(user_var), "STETHOSCOPE_USER=%s",
		    user);
		envp[n++] = user_var;
	}
	if (extra != NULL)
		envp[n++] = (char *)extra;
	envp[n] = NULL;
	return request_parse(req, envp, &limits);
}

static void
target_statuses(void **state)
{
	static const struct {
		const char	*uri;
		int		 status;
		const char	*path;
	} cases[] = {
		{ "/",				0,	"/" },
		{ "/devices%2Fone",		0,	"/devices/one" },
		{ "/caf%C3%A9",			0,	"/caf\xc3\xa9" },
		{ "/a+b",			0,	"/a+b" },
		{ "/bad%zz",			400,	NULL },
		{ "/cut%4",			400,	NULL },
		{ "/nul%00byte",		400,	NULL },
		{ "/latin1%E9",			400,	NULL },
		{ "/overlong%C0%AF",		400,	NULL },
		{ "/?q=%",			400,	NULL },
		{ "/?q=%G1",			400,	NULL },
		{ "/?q=" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
						414,	NULL },
		{ "relative",			400,	NULL },
	};
	struct request	 req;
	size_t		 i;
	int		 status;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		status = parse(&req, cases[i].uri, "a@example.com", NULL);
		assert_int_equal(status, cases[i].status);
		if (cases[i].path != NULL)
			assert_string_equal(req.path, cases[i].path);
		request_free(&req);
	}
}

static void
query_params_decoded(void **state)
{
	struct request	 req;

	(void)state;
	assert_int_equal(parse(&req, "/find?q=a+b%26c&empty=&flag&q=second",
	    "a@example.com", NULL), 0);
	assert_int_equal(req.param_count, 4);
	assert_string_equal(request_param(&req, "q"), "a b&c");
	assert_string_equal(request_param(&req, "empty"), "");
	assert_string_equal(request_param(&req, "flag"), "");
	assert_null(request_param(&req, "missing"));
	request_free(&req);
}

static void
log_path_drops_values(void **state)
{
	struct request	 req;

	(void)state;
	assert_int_equal(parse(&req, "/find?email=secret%40x.com&page=2",
	    "a@example.com", NULL), 0);
	assert_string_equal(req.log_path, "/find?email&page");
	assert_null(strstr(req.log_path, "secret"));
	request_free(&req);
}

static void
too_many_params_rejected(void **state)
{
	static const struct request_limits wide = { 4096, 16 };
	char		 uri[1024], var[1100];
	char		*envp[3];
	struct request	 req;
	int		 i, n;

	(void)state;
	n = snprintf(uri, sizeof(uri), "/?");
	for (i = 0; i <= REQUEST_MAX_PARAMS; i++)
		n += snprintf(uri + n, sizeof(uri) - (size_t)n, "p%d=1&", i);
	snprintf(var, sizeof(var), "REQUEST_URI=%s", uri);
	envp[0] = "REQUEST_METHOD=GET";
	envp[1] = var;
	envp[2] = NULL;
	assert_int_equal(request_parse(&req, envp, &wide), 400);
	request_free(&req);
}

static void
identity_from_nginx_params(void **state)
{
	struct request	 req;

	(void)state;
	assert_int_equal(parse(&req, "/", "Ada.Admin@Example.COM",
	    "STETHOSCOPE_GROUPS=security-admins,staff"), 0);
	assert_string_equal(req.user, "ada.admin@example.com");
	assert_string_equal(req.groups, "security-admins,staff");
	request_free(&req);
}

static void
identity_ignores_client_headers(void **state)
{
	struct request	 req;

	(void)state;
	assert_int_equal(parse(&req, "/", NULL,
	    "HTTP_X_AUTH_REQUEST_EMAIL=mallory@example.com"), 0);
	assert_null(req.user);
	request_free(&req);

	assert_int_equal(parse(&req, "/", NULL,
	    "HTTP_STETHOSCOPE_USER=mallory@example.com"), 0);
	assert_null(req.user);
	request_free(&req);
}

static void
identity_invalid_values(void **state)
{
	static const char *const bad[] = {
		"", "no-at-sign", "two@at@signs", "@example.com", "user@",
		"line\nbreak@example.com", "space @example.com",
		"a@example.com,b@example.com",
	};
	struct request	 req;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(&req, "/", bad[i], NULL), 0);
		assert_null(req.user);
		request_free(&req);
	}
}

static void
body_limits(void **state)
{
	struct request	 req;

	(void)state;
	assert_int_equal(parse(&req, "/", "a@example.com",
	    "CONTENT_LENGTH=16"), 0);
	assert_int_equal(req.content_length, 16);
	request_free(&req);

	assert_int_equal(parse(&req, "/", "a@example.com",
	    "CONTENT_LENGTH=17"), 413);
	request_free(&req);

	assert_int_equal(parse(&req, "/", "a@example.com",
	    "CONTENT_LENGTH=-1"), 400);
	request_free(&req);

	assert_int_equal(parse(&req, "/", "a@example.com",
	    "CONTENT_LENGTH=12abc"), 400);
	request_free(&req);
}

struct chunks {
	const char	*data;
	size_t		 left;
};

static int
read_chunk(void *ctx, char *dst, size_t len)
{
	struct chunks	*c = ctx;
	size_t		 n;

	/* Hand out at most three bytes at a time, like a slow stream. */
	n = len < c->left ? len : c->left;
	if (n > 3)
		n = 3;
	memcpy(dst, c->data, n);
	c->data += n;
	c->left -= n;
	return (int)n;
}

static void
body_read_whole_and_short(void **state)
{
	struct chunks	 c = { "name=value", 10 };
	struct request	 req;

	(void)state;
	assert_int_equal(parse(&req, "/", "a@example.com",
	    "CONTENT_LENGTH=10"), 0);
	assert_int_equal(request_read_body(&req, read_chunk, &c), 0);
	assert_string_equal(req.body, "name=value");
	request_free(&req);

	c.data = "short";
	c.left = 5;
	assert_int_equal(parse(&req, "/", "a@example.com",
	    "CONTENT_LENGTH=10"), 0);
	assert_int_equal(request_read_body(&req, read_chunk, &c), 400);
	request_free(&req);
}

static void
missing_method_rejected(void **state)
{
	char		*envp[] = { "REQUEST_URI=/", NULL };
	struct request	 req;

	(void)state;
	assert_int_equal(request_parse(&req, envp, &limits), 400);
	request_free(&req);
}

static void
response_headers_strip_newlines(void **state)
{
	struct response	 resp;

	(void)state;
	response_init(&resp);
	response_header(&resp, "X-Test", "a\r\nSet-Cookie: x=1");
	assert_string_equal(resp.headers.data,
	    "X-Test: a  Set-Cookie: x=1\r\n");
	response_free(&resp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(target_statuses),
		cmocka_unit_test(query_params_decoded),
		cmocka_unit_test(log_path_drops_values),
		cmocka_unit_test(too_many_params_rejected),
		cmocka_unit_test(identity_from_nginx_params),
		cmocka_unit_test(identity_ignores_client_headers),
		cmocka_unit_test(identity_invalid_values),
		cmocka_unit_test(body_limits),
		cmocka_unit_test(body_read_whole_and_short),
		cmocka_unit_test(missing_method_rejected),
		cmocka_unit_test(response_headers_strip_newlines),
	};

	log_set_level(LOG_LEVEL_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
