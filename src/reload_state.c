/* The state file that records the problems of the last failed reload. */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "reload_state.h"
#include "rfc3339.h"
#include "xalloc.h"

char *
reload_state_path(const char *pid_file)
{
	struct buf	 b = BUF_INIT;

	if (pid_file == NULL)
		return NULL;
	buf_printf(&b, "%s.reload-errors", pid_file);
	return buf_detach(&b);
}

int
reload_state_write(const char *path, const struct diag_list *diags,
    time_t when)
{
	struct buf	 text = BUF_INIT, tmp = BUF_INIT;
	char		 stamp[RFC3339_SIZE];
	size_t		 i;
	int		 fd, rc = -1;

	if (rfc3339_format(when, stamp, sizeof(stamp)) != 0)
		stamp[0] = '\0';
	buf_printf(&text, "%s\n", stamp);
	for (i = 0; i < diags->count; i++) {
		diag_format(&diags->items[i], &text);
		buf_putc(&text, '\n');
	}

	buf_printf(&tmp, "%s.tmp", path);
	fd = open(tmp.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd == -1) {
		log_error("master", "cannot write %s: %s", tmp.data,
		    strerror(errno));
		goto out;
	}
	if (write(fd, text.data, text.len) != (ssize_t)text.len) {
		log_error("master", "cannot write %s: %s", tmp.data,
		    strerror(errno));
		close(fd);
		unlink(tmp.data);
		goto out;
	}
	close(fd);
	if (rename(tmp.data, path) != 0) {
		log_error("master", "cannot rename %s to %s: %s", tmp.data,
		    path, strerror(errno));
		unlink(tmp.data);
		goto out;
	}
	rc = 0;

out:
	buf_free(&tmp);
	buf_free(&text);
	return rc;
}

void
reload_state_clear(const char *path)
{
	if (unlink(path) != 0 && errno != ENOENT)
		log_warn("master", "cannot remove %s: %s", path,
		    strerror(errno));
}

int
reload_state_read(const char *path, time_t *when, struct buf *problems)
{
	char		 chunk[4096], *newline;
	struct buf	 text = BUF_INIT;
	ssize_t		 n;
	int		 fd, rc = -1;

	*when = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return 0;
		log_error("admin", "cannot read %s: %s", path,
		    strerror(errno));
		return -1;
	}
	while (text.len < RELOAD_STATE_MAX_BYTES &&
	    (n = read(fd, chunk, sizeof(chunk))) > 0)
		buf_append(&text, chunk, (size_t)n);
	close(fd);

	if (text.len == 0 || (newline = strchr(text.data, '\n')) == NULL) {
		log_error("admin", "%s is not a reload state file", path);
		goto out;
	}
	*newline = '\0';
	if (rfc3339_parse(text.data, when) != 0)
		*when = 0;
	buf_puts(problems, newline + 1);
	rc = 1;

out:
	buf_free(&text);
	return rc;
}
