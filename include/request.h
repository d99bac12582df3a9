/*
 * One FastCGI request as the handlers see it: parsed, validated and with
 * the identity nginx established. Handlers never read raw parameters.
 */
#ifndef STETHOSCOPE_REQUEST_H
#define STETHOSCOPE_REQUEST_H

#include <stddef.h>
#include <time.h>

#include "buf.h"

struct fetcher;

#define REQUEST_MAX_PARAMS	64
#define REQUEST_MAX_USER_BYTES	254
#define REQUEST_MAX_GROUPS_BYTES 4096
#define REQUEST_MAX_PATH_BYTES	2048

struct query_param {
	char	*name;
	char	*value;
};

struct request {
	char		*method;
	char		*path;		/* percent-decoded, valid UTF-8 */
	char		*log_path;	/* raw path plus query names, no values */
	struct query_param *params;
	size_t		 param_count;
	char		*user;		/* signed-in email, lower-cased; NULL if none */
	char		*groups;	/* comma-separated SSO groups; "" if none */
	char		*request_id;	/* nginx's $request_id, or "-" */
	char		*content_type;
	size_t		 content_length;
	char		*body;		/* content_length bytes plus a NUL */
	int		 is_admin;
	const char	*route_arg;	/* the path after a route's prefix */
	struct fetcher	*fetcher;	/* the worker's, borrowed; NULL in tests */
	struct timespec	 started;
};

struct response {
	int		 status;
	const char	*content_type;	/* static string */
	struct buf	 headers;	/* extra "Name: value\r\n" lines */
	struct buf	 body;
};

/* The limits a request is held to; they come from the config. */
struct request_limits {
	size_t	max_query_bytes;
	size_t	max_body_bytes;
};

/*
 * Fill req from the FastCGI environment envp ("NAME=VALUE" strings, NULL
 * terminated). Identity is read only from STETHOSCOPE_USER and
 * STETHOSCOPE_GROUPS, which nginx sets; parameters starting with HTTP_ are
 * never consulted for it. Returns 0, or the HTTP status to respond with
 * (400 for malformed input, 413 for a body over the limit, 414 for a query
 * string or path over the limit); the reason is logged. The body is not
 * read here: see request_read_body. req must be released with
 * request_free in every case.
 */
int	request_parse(struct request *req, char *const *envp,
	    const struct request_limits *limits);

/*
 * Read the content_length bytes of the body through read_fn, which
 * returns the number of bytes read (0 at the end, negative on error).
 * Returns 0, or 400 when the body ends early or cannot be read.
 */
int	request_read_body(struct request *req,
	    int (*read_fn)(void *ctx, char *dst, size_t len), void *ctx);

/* Return the decoded value of the first query parameter name, or NULL. */
const char *request_param(const struct request *req, const char *name);

/* Return the value of NAME in envp, or NULL. */
const char *env_lookup(char *const *envp, const char *name);

void	request_free(struct request *req);

void	response_init(struct response *resp);
void	response_free(struct response *resp);

/* Add a header line; CR and LF in name or value are replaced by spaces. */
void	response_header(struct response *resp, const char *name,
	    const char *value);

/* Return the reason phrase of an HTTP status, "Unknown" if not listed. */
const char *http_reason(int status);

#endif
