/*
 * Running a fake server in a child process for a test: start the fake's
 * program on 127.0.0.1:0, learn the port it printed, send it control
 * requests, and stop it again.
 */
#ifndef STETHOSCOPE_FAKE_PROCESS_H
#define STETHOSCOPE_FAKE_PROCESS_H

#include <sys/types.h>

#include "buf.h"

struct fake_process {
	pid_t	 pid;
	int	 port;
};

/*
 * Return the path of the fake program name built next to the test
 * program argv0: "BUILD/tests/test_x" gives "BUILD/fakes/NAME". The
 * caller frees it.
 */
char	*fake_process_path(const char *argv0, const char *name);

/*
 * Start program with --listen 127.0.0.1:0 --data data (and --mode mode
 * unless it is NULL), its standard error going to log_path (or
 * /dev/null when it is NULL), and wait up to 5 s for its "port N" line.
 * Returns 0 with the child's pid and port in fp, or -1 (the child, if
 * any, is stopped).
 */
int	fake_process_start(struct fake_process *fp, const char *program,
	    const char *data, const char *mode, const char *log_path);

/* Send SIGTERM and wait for the child. Returns its exit status or -1. */
int	fake_process_stop(struct fake_process *fp);

/*
 * GET http://127.0.0.1:PORT/PATH_AND_QUERY from the fake, with body (may
 * be NULL) receiving the response body. Returns the HTTP status, or -1
 * when the request failed.
 */
long	fake_process_get(const struct fake_process *fp,
	    const char *path_and_query, struct buf *body);

#endif
