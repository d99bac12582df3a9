/*
 * Benchmark of the fetch layer's fan-out. Four fake sources, each an HTTP
 * server in its own child process on 127.0.0.1, respond to every request
 * after SOURCE_DELAY_MS. One fetcher then times, best of RUNS runs per case:
 *
 * - one request to one source alone, for each source. The slowest of the
 *   four is the reference that every ratio divides by.
 * - one request to each source, all completed by one fetch_run.
 * - the same four requests one after another, one fetch_run each.
 * - two round trips per source, where each done callback adds a follow-up
 *   request to the same source, all four sources in one fetch_run.
 *
 * Parallel fan-out keeps a case near the time of its longest chain of round
 * trips, a ratio of about 1, or about 2 with follow-ups. Run one after
 * another, the same requests would give ratios of 4 and 8.
 *
 * Usage: bench_fanout
 */

#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "buf.h"
#include "fetch.h"
#include "http_server.h"

#define SOURCE_COUNT		4
#define SOURCE_DELAY_MS		300
#define RUNS			5
#define URL_MAX			64

/* Far above the slowest case (2 x SOURCE_DELAY_MS), so no run is dropped. */
#define RUN_DEADLINE_MS		5000

/* The fan-out target: 350 ms for four sources that each take 300 ms. */
#define FANOUT_TARGET_RATIO	(350.0 / 300.0)

/* One fake source: the name, its server process and its URL. */
struct fake_source {
	const char	*name;
	pid_t		 pid;		/* 0 when no child runs */
	char		 url[URL_MAX];
};

/*
 * Distinct names, because the per-source cap counts requests by name.
 * Under one shared name, the cap of 1 set in main would serialize them.
 */
static struct fake_source sources[SOURCE_COUNT] = {
	{ .name = "bench-a" },
	{ .name = "bench-b" },
	{ .name = "bench-c" },
	{ .name = "bench-d" },
};

/* One source's chain of round trips within a timed fetch_run. */
struct chain {
	struct fetch_request	 req;
	int			 round_trips;	/* requests to make in total */
	int			 completed;	/* requests that got a 200 */
	int			 failed;
};

static double
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Send a small JSON body SOURCE_DELAY_MS after the request arrived. */
static void
serve_late(const struct http_request *req, struct http_response *resp,
    void *arg)
{
	(void)req;
	(void)arg;
	resp->delay_ms = SOURCE_DELAY_MS;
	http_response_add_header(resp, "Content-Type", "application/json");
	buf_puts(&resp->body, "{\"devices\":[{\"serial\":\"C02BENCH0001\"}]}");
}

/* Run the server of one source in the child process. It never returns. */
static void
run_source_child(int port_fd, pid_t parent)
{
	struct http_server	*srv;
	int			 port = -1;

	/*
	 * Stop with the benchmark even when it dies before its cleanup. The
	 * getppid check covers a parent that died before prctl ran.
	 */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != parent)
		_exit(1);

	srv = http_server_new("127.0.0.1:0", serve_late, NULL);
	if (srv != NULL)
		port = http_server_port(srv);
	(void)!write(port_fd, &port, sizeof(port));
	close(port_fd);
	if (srv == NULL)
		_exit(1);

	http_server_run(srv);
	http_server_free(srv);
	_exit(0);
}

/*
 * Fork a child that serves s on an unused port of 127.0.0.1, and wait for
 * the port number through a pipe. Returns 0, or -1 (printed) on failure. s->pid is
 * set whenever a child was forked, so stop_sources also reaps a child that
 * failed to start its server.
 */
static int
start_source(struct fake_source *s)
{
	pid_t	 parent = getpid();
	ssize_t	 n;
	int	 fds[2], port = -1;

	if (pipe(fds) != 0) {
		perror("bench_fanout: pipe");
		return -1;
	}
	s->pid = fork();
	if (s->pid < 0) {
		perror("bench_fanout: fork");
		s->pid = 0;
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (s->pid == 0) {
		close(fds[0]);
		run_source_child(fds[1], parent);
	}

	close(fds[1]);
	n = read(fds[0], &port, sizeof(port));
	close(fds[0]);
	if (n != (ssize_t)sizeof(port) || port <= 0) {
		fprintf(stderr, "bench_fanout: fake source %s failed to "
		    "listen on 127.0.0.1\n", s->name);
		return -1;
	}
	snprintf(s->url, sizeof(s->url), "http://127.0.0.1:%d/devices", port);
	return 0;
}

/* Send SIGTERM to every started child, then reap each one. */
static void
stop_sources(void)
{
	size_t	 i;
	int	 status;

	for (i = 0; i < SOURCE_COUNT; i++)
		if (sources[i].pid > 0)
			kill(sources[i].pid, SIGTERM);
	for (i = 0; i < SOURCE_COUNT; i++) {
		if (sources[i].pid > 0)
			waitpid(sources[i].pid, &status, 0);
		sources[i].pid = 0;
	}
}

/*
 * Record the outcome and, while the chain has round trips left, add the
 * same request again as the follow-up, as a multi-stage lookup does.
 */
static void
chain_done(struct fetcher *f, struct fetch_request *req)
{
	struct chain	*c = req->arg;

	if (req->error != FETCH_OK || req->status != 200) {
		fprintf(stderr, "bench_fanout: %s: %s (HTTP status %ld) %s\n",
		    req->source, fetch_error_name(req->error), req->status,
		    req->error_message);
		c->failed = 1;
		return;
	}
	c->completed++;
	if (c->completed < c->round_trips) {
		fetch_request_clear(req);
		if (fetch_add(f, req) != 0)
			c->failed = 1;
	}
}

/*
 * Time one fetch_run over count sources starting at sources[first], with
 * round_trips requests in a row to each. Returns the elapsed milliseconds
 * from the first fetch_add to the return of fetch_run, or -1 (printed) when
 * any request failed or was dropped.
 */
static double
time_fetch_run(struct fetcher *f, size_t first, size_t count,
    int round_trips)
{
	struct chain	 chains[SOURCE_COUNT];
	double		 start, elapsed;
	size_t		 i;
	int		 dropped, ok = 1;

	start = now_ms();
	for (i = 0; i < count; i++) {
		memset(&chains[i], 0, sizeof(chains[i]));
		fetch_request_init(&chains[i].req);
		chains[i].req.source = sources[first + i].name;
		chains[i].req.url = sources[first + i].url;
		chains[i].req.done = chain_done;
		chains[i].req.arg = &chains[i];
		chains[i].round_trips = round_trips;

		/*
		 * On failure keep going, because the requests added so far
		 * point into chains and fetch_run must end them first.
		 */
		if (fetch_add(f, &chains[i].req) != 0)
			chains[i].failed = 1;
	}
	dropped = fetch_run(f, fetch_now_ms() + RUN_DEADLINE_MS);
	elapsed = now_ms() - start;

	if (dropped < 0) {
		fprintf(stderr, "bench_fanout: fetch_run failed\n");
		ok = 0;
	} else if (dropped > 0) {
		fprintf(stderr, "bench_fanout: requests dropped at the %d ms "
		    "deadline: %d\n", RUN_DEADLINE_MS, dropped);
		ok = 0;
	}
	for (i = 0; i < count; i++) {
		if (chains[i].failed || chains[i].completed != round_trips)
			ok = 0;
		fetch_request_clear(&chains[i].req);
	}
	return ok ? elapsed : -1;
}

/* Keep the lower of *best and ms. A negative *best means none yet. */
static void
keep_best(double *best, double ms)
{
	if (*best < 0 || ms < *best)
		*best = ms;
}

/* The best time of each case in milliseconds, or -1 until measured. */
struct results {
	double	 single[SOURCE_COUNT];
	double	 parallel;
	double	 sequential;
	double	 two_stage;
};

/*
 * Measure every case RUNS times. The cases take turns within each run, so
 * a slow spell on the machine hits all of them alike. Returns 0, or -1
 * (printed) when a run failed.
 */
static int
measure(struct fetcher *f, struct results *best)
{
	double	 ms, start;
	size_t	 i;
	int	 run;

	for (run = 0; run < RUNS; run++) {
		/* One after another. Each fetch_run is also a single case. */
		start = now_ms();
		for (i = 0; i < SOURCE_COUNT; i++) {
			if ((ms = time_fetch_run(f, i, 1, 1)) < 0)
				return -1;
			keep_best(&best->single[i], ms);
		}
		keep_best(&best->sequential, now_ms() - start);

		if ((ms = time_fetch_run(f, 0, SOURCE_COUNT, 1)) < 0)
			return -1;
		keep_best(&best->parallel, ms);

		if ((ms = time_fetch_run(f, 0, SOURCE_COUNT, 2)) < 0)
			return -1;
		keep_best(&best->two_stage, ms);
	}
	return 0;
}

static void
print_row(const char *label, int round_trips, double ms, double slowest)
{
	printf("%-40s %11d %10.1f %8.2f\n", label, round_trips, ms,
	    ms / slowest);
}

static void
print_results(const struct results *best)
{
	double	 slowest = 0;
	size_t	 i;

	printf("fan-out over %d fake sources on 127.0.0.1, each responding "
	    "after %d ms; best of %d runs\n", SOURCE_COUNT, SOURCE_DELAY_MS,
	    RUNS);
	printf("single source best (ms):");
	for (i = 0; i < SOURCE_COUNT; i++) {
		printf(" %s %.1f", sources[i].name, best->single[i]);
		if (best->single[i] > slowest)
			slowest = best->single[i];
	}
	printf("\n");

	printf("%-40s %11s %10s %8s\n", "case", "round trips", "best (ms)",
	    "ratio");
	print_row("1 source alone (slowest)", 1, slowest, slowest);
	print_row("4 sources, one fetch_run", 4, best->parallel, slowest);
	print_row("4 sources, one after another", 4, best->sequential,
	    slowest);
	print_row("4 sources x 2 stages, one fetch_run", 8, best->two_stage,
	    slowest);
	printf("ratio is best time / slowest single source. Targets: at most "
	    "%.2f for 4 sources in one fetch_run (4 if sequential), about 2 "
	    "for 2 stages (8 if sequential)\n", FANOUT_TARGET_RATIO);
}

int
main(void)
{
	struct results	 best;
	struct fetcher	*f = NULL;
	size_t		 i;
	int		 status = 1;

	/* The children inherit unwritten stdio buffers, so flush first. */
	fflush(stdout);
	fflush(stderr);
	for (i = 0; i < SOURCE_COUNT; i++)
		if (start_source(&sources[i]) != 0)
			goto out;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "bench_fanout: curl_global_init failed\n");
		goto out;
	}
	if ((f = fetcher_new(NULL)) == NULL)
		goto out_curl;

	/*
	 * The strictest per-source cap, one request at a time, so fan-out
	 * comes only from requests to different sources.
	 */
	for (i = 0; i < SOURCE_COUNT; i++)
		fetcher_set_source_limit(f, sources[i].name, 1);

	best.parallel = best.sequential = best.two_stage = -1;
	for (i = 0; i < SOURCE_COUNT; i++)
		best.single[i] = -1;
	if (measure(f, &best) != 0)
		goto out_fetcher;
	print_results(&best);
	status = 0;

out_fetcher:
	fetcher_free(f);
out_curl:
	curl_global_cleanup();
out:
	stop_sources();
	return status;
}
