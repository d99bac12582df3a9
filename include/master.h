/*
 * The master process: owns the listening socket, keeps the configured
 * number of workers running, reloads on SIGHUP and drains on SIGTERM.
 */
#ifndef STETHOSCOPE_MASTER_H
#define STETHOSCOPE_MASTER_H

/*
 * Load config_path, open the socket, and supervise workers until SIGTERM
 * or SIGINT. Unless foreground is set the process detaches from the
 * terminal first. Returns the process exit status: 0 after a clean stop,
 * 1 when start-up failed (every reason is logged).
 */
int	master_run(const char *config_path, int foreground);

#endif
