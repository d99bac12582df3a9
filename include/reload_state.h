/*
 * The problems of the last failed reload, kept in a small file next to
 * the pid file (PID_FILE.reload-errors) so that every worker, including
 * those forked before the reload, can show them on /admin/practices. The
 * master writes the file when a reload fails and removes it when a load
 * succeeds. Without a pid_file in the config nothing is recorded.
 *
 * Format: the first line is the time of the failed reload in RFC 3339,
 * then one problem per line as FILE:LINE:COLUMN: message.
 */
#ifndef STETHOSCOPE_RELOAD_STATE_H
#define STETHOSCOPE_RELOAD_STATE_H

#include <time.h>

#include "buf.h"
#include "diag.h"

/* The largest state file read back; longer files are cut at this size. */
#define RELOAD_STATE_MAX_BYTES	(64 * 1024)

/*
 * Return the state file's path for pid_file, owned by the caller, or NULL
 * when pid_file is NULL.
 */
char	*reload_state_path(const char *pid_file);

/*
 * Replace the state file at path with when and the problems in diags,
 * through a temporary file and rename so that readers never see half of
 * it. Returns 0, or -1 with the reason logged (component "master").
 */
int	reload_state_write(const char *path, const struct diag_list *diags,
	    time_t when);

/* Remove the state file at path; a missing file is not an error. */
void	reload_state_clear(const char *path);

/*
 * Read the state file at path: *when receives the time of the failed
 * reload and problems the problem lines. Returns 1 when a state file was
 * read, 0 when there is none, -1 when it cannot be read or parsed (logged).
 */
int	reload_state_read(const char *path, time_t *when, struct buf *problems);

#endif
