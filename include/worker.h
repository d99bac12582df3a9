/*
 * A worker process: accepts FastCGI requests on the shared socket and
 * answers them until told to stop.
 */
#ifndef STETHOSCOPE_WORKER_H
#define STETHOSCOPE_WORKER_H

#include "app.h"

/*
 * Serve requests on listen_fd (non-blocking, shared with the other
 * workers) with app until SIGTERM or SIGINT arrives or the master dies.
 * A stop signal that arrives during a request takes effect after the
 * response is sent, so no accepted request is dropped. Returns the exit
 * status for the process: 0 after a requested stop, 1 on an error.
 */
int	worker_run(const struct app *app, int listen_fd, unsigned generation);

#endif
