/* The worker's accept loop and the writing of responses. */

#include <sys/prctl.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "log.h"
#include "lookup.h"
#include "pages.h"
#include "request.h"
#include "route.h"
#include "worker.h"

static volatile sig_atomic_t stop_requested;

static void
on_stop_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
	FCGX_ShutdownPending();
}

static int
read_from_fcgx(void *ctx, char *dst, size_t len)
{
	return FCGX_GetStr(dst, len > 65536 ? 65536 : (int)len,
	    (FCGX_Stream *)ctx);
}

static long
elapsed_ms(const struct timespec *start)
{
	struct timespec	 now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) * 1000 +
	    (now.tv_nsec - start->tv_nsec) / 1000000;
}

static void
write_response(FCGX_Request *fr, const struct request *req,
    const struct response *resp)
{
	struct buf	 head = BUF_INIT;
	int		 head_only;

	head_only = req->method != NULL && strcmp(req->method, "HEAD") == 0;

	buf_printf(&head, "Status: %d %s\r\n", resp->status,
	    http_reason(resp->status));
	buf_printf(&head, "Content-Type: %s\r\n", resp->content_type);
	buf_printf(&head, "Content-Length: %zu\r\n", resp->body.len);
	buf_append(&head, resp->headers.data, resp->headers.len);
	buf_puts(&head, "\r\n");

	FCGX_PutStr(head.data, (int)head.len, fr->out);
	if (!head_only && resp->body.len > 0)
		FCGX_PutStr(resp->body.data, (int)resp->body.len, fr->out);
	buf_free(&head);
}

static void
handle(const struct app *app, struct fetcher *fetcher, FCGX_Request *fr)
{
	struct request_limits	 limits;
	struct request		 req;
	struct response		 resp;
	int			 status;

	limits.max_query_bytes = app->config->max_query_bytes;
	limits.max_body_bytes = app->config->max_body_bytes;
	response_init(&resp);

	status = request_parse(&req, fr->envp, &limits);
	req.fetcher = fetcher;
	if (status == 0 && req.content_length > 0)
		status = request_read_body(&req, read_from_fcgx, fr->in);
	if (status != 0)
		page_error(app, &req, status, &resp);
	else
		route_dispatch(app, &req, &resp);

	write_response(fr, &req, &resp);

	log_info("access", "%s %s %d %zu %ldms user=%s id=%s",
	    req.method != NULL ? req.method : "-",
	    req.log_path != NULL ? req.log_path : "-", resp.status,
	    resp.body.len, elapsed_ms(&req.started),
	    req.user != NULL ? req.user : "-",
	    req.request_id != NULL ? req.request_id : "-");

	response_free(&resp);
	request_free(&req);
}

int
worker_run(const struct app *app, int listen_fd, unsigned generation)
{
	struct sigaction	 sa;
	sigset_t		 blocked, waiting;
	struct pollfd		 pfd;
	FCGX_Request		 fr;
	struct fetcher		*fetcher;
	unsigned long		 served = 0;
	int			 rc;

	/* Exit when the master dies, so that no worker runs unsupervised. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() == 1)
		return 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	/*
	 * Stop signals stay blocked except inside ppoll(), which unblocks
	 * them atomically: a signal that arrives while a request is being
	 * served waits until the response is out, and one that arrives
	 * between two requests ends the wait at once.
	 */
	sigemptyset(&blocked);
	sigaddset(&blocked, SIGTERM);
	sigaddset(&blocked, SIGINT);
	sigprocmask(SIG_BLOCK, &blocked, &waiting);
	sigdelset(&waiting, SIGTERM);
	sigdelset(&waiting, SIGINT);

	if (FCGX_InitRequest(&fr, listen_fd, 0) != 0) {
		log_error("worker", "cannot set up the FastCGI request");
		return 1;
	}
	/* Created after the fork and kept: its connections are reused. */
	if ((fetcher = lookup_fetcher_new(app->config)) == NULL) {
		log_error("worker", "cannot create the fetcher");
		return 1;
	}
	log_info("worker", "started (generation %u)", generation);

	pfd.fd = listen_fd;
	pfd.events = POLLIN;
	while (!stop_requested) {
		rc = ppoll(&pfd, 1, NULL, &waiting);
		if (rc == -1) {
			if (errno == EINTR)
				continue;
			log_error("worker", "poll on the listening socket: %s",
			    strerror(errno));
			return 1;
		}

		rc = FCGX_Accept_r(&fr);
		if (rc == -EAGAIN || rc == -EWOULDBLOCK || rc == -EINTR)
			continue;	/* another worker took the connection */
		if (rc < 0) {
			log_error("worker", "accept failed: %s", strerror(-rc));
			return 1;
		}
		handle(app, fetcher, &fr);
		FCGX_Finish_r(&fr);
		served++;
	}

	FCGX_Free(&fr, 1);
	fetcher_free(fetcher);
	log_info("worker", "stopping after serving %lu request(s)", served);
	return 0;
}
