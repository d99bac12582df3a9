/*
 * The LANDESK lookups: ListMachines with an inventory filter finds the
 * devices, then GetMachineDataEX reads each one with the configured column
 * set. Every request of one start() call belongs to a job, which is freed
 * when its last request has ended.
 */

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "device.h"
#include "fetch.h"
#include "html.h"
#include "landesk_internal.h"
#include "log.h"
#include "source.h"
#include "source_landesk.h"
#include "upstream_answer.h"
#include "xalloc.h"

struct landesk_job {
	const struct landesk	*landesk;
	struct lookup		*lookup;
	enum lookup_kind	 kind;
	char			*value;
	int			 pending;	/* calls not yet finished */
};

struct landesk_call {
	struct fetch_request	 req;
	struct landesk_job	*job;
	int			 listing;	/* ListMachines, else one machine */
	char			*url;
};

static const struct upstream_labels labels = {
	"LANDESK", "XML", "the username and password",
};

static const char *const request_headers[] = {
	"Accept: text/xml",
	NULL,
};

static void	call_done(struct fetcher *f, struct fetch_request *req);

static void
job_release(struct landesk_job *job)
{
	if (--job->pending > 0)
		return;
	free(job->value);
	free(job);
}

static void
call_finish(struct landesk_call *call)
{
	struct landesk_job	*job = call->job;

	fetch_request_clear(&call->req);
	free(call->url);
	free(call);
	job_release(job);
}

/* Record a failure once per lookup; repeats of the same text are dropped. */
static void
report(struct landesk_job *job, const char *message)
{
	struct lookup	*lookup = job->lookup;
	size_t		 i;

	for (i = 0; i < lookup->error_count; i++)
		if (strcmp(lookup->errors[i].source, LANDESK_SOURCE_NAME) ==
		    0 && strcmp(lookup->errors[i].message, message) == 0)
			return;
	lookup_add_error(lookup, LANDESK_SOURCE_NAME, "%s", message);
}

static void
send_call(struct landesk_job *job, int listing, char *url)
{
	const struct landesk	*ld = job->landesk;
	struct landesk_call	*call;

	call = xcalloc(1, sizeof(*call));
	call->job = job;
	call->listing = listing;
	call->url = url;
	fetch_request_init(&call->req);
	call->req.source = LANDESK_SOURCE_NAME;
	call->req.method = FETCH_GET;
	call->req.url = url;
	call->req.headers = request_headers;
	call->req.auth = (enum fetch_auth)ld->auth;
	call->req.auth_user = ld->username;
	call->req.auth_password = ld->password;
	call->req.timeout_ms = ld->timeout_ms;
	call->req.max_response_bytes = ld->max_response_bytes;
	call->req.done = call_done;
	call->req.arg = call;
	job->pending++;
	if (fetch_add(job->lookup->fetcher, &call->req) != 0) {
		report(job, "cannot start a request to LANDESK");
		call_finish(call);
	}
}

static void
send_machine(struct landesk_job *job, const char *guid)
{
	const struct landesk	*ld = job->landesk;
	struct buf		 url = BUF_INIT;

	buf_printf(&url, "%s/GetMachineDataEX?GUID=", ld->url);
	url_encode(&url, guid, strlen(guid));
	buf_puts(&url, "&ColumnSetName=");
	url_encode(&url, ld->column_set, strlen(ld->column_set));
	send_call(job, 0, buf_detach(&url));
}

static void
fail_call(struct landesk_call *call, const char *message, int log_it)
{
	if (log_it)
		log_warn(LANDESK_SOURCE_NAME, "lookup of %s: %s",
		    call->job->value, message);
	report(call->job, message);
}

static void
read_listing(struct landesk_call *call)
{
	struct buf	 err = BUF_INIT;
	char		**guids = NULL;
	size_t		 count = 0, i;

	if (landesk_parse_machine_list(call->req.body.data, call->req.body.len,
	    &guids, &count, &err) != 0)
		fail_call(call, err.data, 1);
	for (i = 0; i < count; i++) {
		send_machine(call->job, guids[i]);
		free(guids[i]);
	}
	free(guids);
	buf_free(&err);
}

static void
read_machine(struct landesk_call *call)
{
	struct landesk_job	*job = call->job;
	struct device_record	 rec;
	struct buf		 err = BUF_INIT;

	if (landesk_parse_machine(&job->landesk->parse, call->req.body.data,
	    call->req.body.len, job->kind == LOOKUP_EMAIL ? job->value : NULL,
	    &rec, &err) != 0)
		fail_call(call, err.data, 1);
	else
		*device_list_add(&job->lookup->records) = rec;
	buf_free(&err);
}

static void
call_done(struct fetcher *f, struct fetch_request *req)
{
	struct landesk_call	*call = req->arg;
	struct buf		 message = BUF_INIT;

	(void)f;
	if (upstream_answer_usable(req, &labels, &message)) {
		if (call->listing)
			read_listing(call);
		else
			read_machine(call);
	} else
		fail_call(call, message.data, req->error == FETCH_OK);
	buf_free(&message);
	call_finish(call);
}

static void
landesk_start(void *state, struct lookup *lookup, enum lookup_kind kind,
    const char *value)
{
	static const enum landesk_filter filters[LOOKUP__MAX] = {
		[LOOKUP_EMAIL] = LANDESK_FILTER_EMAIL,
		[LOOKUP_SERIAL] = LANDESK_FILTER_SERIAL,
		[LOOKUP_MAC] = LANDESK_FILTER_MAC,
	};
	const struct landesk	*ld = state;
	struct landesk_job	*job;
	struct buf		 url = BUF_INIT;
	char			*filter;

	if (value == NULL || value[0] == '\0' || (unsigned)kind >= LOOKUP__MAX)
		return;
	if ((filter = landesk_filter_for(ld, filters[kind], value)) == NULL) {
		log_debug(LANDESK_SOURCE_NAME, "no lookup for the value %s",
		    value);
		return;
	}
	fetcher_set_source_limit(lookup->fetcher, LANDESK_SOURCE_NAME,
	    (int)ld->max_connections);

	job = xcalloc(1, sizeof(*job));
	job->landesk = ld;
	job->lookup = lookup;
	job->kind = kind;
	job->value = xstrdup(value);

	buf_printf(&url, "%s/ListMachines?Filter=", ld->url);
	url_encode(&url, filter, strlen(filter));
	free(filter);

	/* A placeholder reference keeps the job while the first call starts. */
	job->pending = 1;
	send_call(job, 1, buf_detach(&url));
	job_release(job);
}

const struct source_ops landesk_source = {
	.name = LANDESK_SOURCE_NAME,
	.lookups = SOURCE_SUPPORTS(LOOKUP_EMAIL) |
	    SOURCE_SUPPORTS(LOOKUP_SERIAL) | SOURCE_SUPPORTS(LOOKUP_MAC),
	.ownership = 0,
	.configure = landesk_configure,
	.free = landesk_free,
	.start = landesk_start,
};
