/* Starting, stopping and steering a fake server in a child process. */

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "buf.h"
#include "fake_process.h"
#include "xalloc.h"

#define START_TIMEOUT_MS	5000
#define CONTROL_TIMEOUT_MS	5000

char *
fake_process_path(const char *argv0, const char *name)
{
	struct buf	 path = BUF_INIT;
	const char	*slash = strrchr(argv0, '/');

	/* argv0 is BUILD/tests/PROGRAM: go up from tests/ to BUILD. */
	if (slash != NULL)
		buf_append(&path, argv0, (size_t)(slash - argv0));
	else
		buf_puts(&path, ".");
	buf_printf(&path, "/../fakes/%s", name);
	return buf_detach(&path);
}

/* Read the "port N" line from fd within the start timeout, or return -1. */
static int
read_port(int fd)
{
	struct pollfd	 pfd = { fd, POLLIN, 0 };
	char		 line[64];
	size_t		 len = 0;
	ssize_t		 got;
	int		 port;

	while (len < sizeof(line) - 1) {
		if (poll(&pfd, 1, START_TIMEOUT_MS) <= 0)
			return -1;
		got = read(fd, line + len, 1);
		if (got <= 0)
			return -1;
		if (line[len] == '\n')
			break;
		len++;
	}
	line[len] = '\0';
	if (sscanf(line, "port %d", &port) != 1 || port <= 0 || port > 65535)
		return -1;
	return port;
}

int
fake_process_start(struct fake_process *fp, const char *program,
    const char *data, const char *mode, const char *log_path)
{
	int	 fds[2], log_fd;

	fp->pid = -1;
	fp->port = 0;
	if (pipe(fds) != 0)
		return -1;
	if ((fp->pid = fork()) < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (fp->pid == 0) {
		log_fd = open(log_path != NULL ? log_path : "/dev/null",
		    O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		if (dup2(fds[1], STDOUT_FILENO) < 0 ||
		    (log_fd >= 0 && dup2(log_fd, STDERR_FILENO) < 0))
			_exit(127);
		close(fds[0]);
		close(fds[1]);
		if (mode != NULL)
			execl(program, program, "--listen", "127.0.0.1:0",
			    "--data", data, "--mode", mode, (char *)NULL);
		else
			execl(program, program, "--listen", "127.0.0.1:0",
			    "--data", data, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	fp->port = read_port(fds[0]);
	close(fds[0]);
	if (fp->port <= 0) {
		fake_process_stop(fp);
		return -1;
	}
	return 0;
}

int
fake_process_stop(struct fake_process *fp)
{
	int	 status;

	if (fp->pid <= 0)
		return -1;
	kill(fp->pid, SIGTERM);
	while (waitpid(fp->pid, &status, 0) == -1)
		if (errno != EINTR)
			return -1;
	fp->pid = -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static size_t
collect(char *data, size_t size, size_t n, void *arg)
{
	struct buf	*body = arg;

	if (body != NULL)
		buf_append(body, data, size * n);
	return size * n;
}

long
fake_process_get(const struct fake_process *fp, const char *path_and_query,
    struct buf *body)
{
	struct buf	 url = BUF_INIT;
	CURL		*easy;
	long		 status = -1;

	if ((easy = curl_easy_init()) == NULL)
		return -1;
	buf_printf(&url, "http://127.0.0.1:%d%s", fp->port, path_and_query);
	curl_easy_setopt(easy, CURLOPT_URL, url.data);
	curl_easy_setopt(easy, CURLOPT_PROXY, "");
	curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, (long)CONTROL_TIMEOUT_MS);
	curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(easy, CURLOPT_WRITEDATA, body);
	if (curl_easy_perform(easy) == CURLE_OK)
		curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
	if (body != NULL)
		buf_puts(body, "");
	curl_easy_cleanup(easy);
	buf_free(&url);
	return status;
}
