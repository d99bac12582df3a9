/* Creating or adopting the FastCGI listening socket. */

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "listener.h"
#include "log.h"
#include "xalloc.h"

#define LISTEN_BACKLOG		1024
#define SYSTEMD_FIRST_FD	3

static int
set_nonblocking(int fd)
{
	int	 flags;

	if ((flags = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1) {
		log_error("listen", "cannot make socket non-blocking: %s",
		    strerror(errno));
		return -1;
	}
	return 0;
}

/* Adopt fd 3 when systemd's socket activation names this process. */
static int
adopt_systemd(struct listener *l)
{
	const char	*pid, *fds;
	int		 type;
	socklen_t	 len = sizeof(type);

	pid = getenv("LISTEN_PID");
	fds = getenv("LISTEN_FDS");
	if (pid == NULL || fds == NULL || atol(pid) != (long)getpid())
		return 0;
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");

	if (atoi(fds) < 1 || getsockopt(SYSTEMD_FIRST_FD, SOL_SOCKET, SO_TYPE,
	    &type, &len) == -1 || type != SOCK_STREAM) {
		log_error("listen", "LISTEN_FDS=%s does not hand over a stream "
		    "socket on fd %d", fds, SYSTEMD_FIRST_FD);
		return -1;
	}
	l->fd = SYSTEMD_FIRST_FD;
	log_info("listen", "using the socket passed by systemd on fd %d",
	    l->fd);
	return 1;
}

/*
 * Decide what to do with an existing file at path: 0 when it is a stale
 * socket that was removed or nothing is there, -1 otherwise.
 */
static int
clear_stale_socket(const char *path)
{
	struct sockaddr_un	 sun;
	struct stat		 st;
	int			 fd, rc;

	if (lstat(path, &st) == -1)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISSOCK(st.st_mode)) {
		log_error("listen", "%s exists and is not a socket; remove it "
		    "or choose another listen path", path);
		return -1;
	}

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	rc = connect(fd, (struct sockaddr *)&sun, sizeof(sun));
	close(fd);
	if (rc == 0) {
		log_error("listen", "another server is already listening on "
		    "%s; stop it first", path);
		return -1;
	}
	if (unlink(path) == -1) {
		log_error("listen", "cannot remove stale socket %s: %s", path,
		    strerror(errno));
		return -1;
	}
	log_info("listen", "removed stale socket %s", path);
	return 0;
}

static int
open_unix(struct listener *l, const char *path, mode_t mode)
{
	struct sockaddr_un	 sun;
	mode_t			 old_umask;
	int			 rc;

	if (path[0] != '/' || strlen(path) >= sizeof(sun.sun_path)) {
		log_error("listen", "unix socket path \"%s\" must be absolute "
		    "and shorter than %zu bytes", path, sizeof(sun.sun_path));
		return -1;
	}
	if (clear_stale_socket(path) != 0)
		return -1;

	if ((l->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		log_error("listen", "socket: %s", strerror(errno));
		return -1;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path) + 1);

	/* Create the file with the final mode so it is never wider. */
	old_umask = umask(~mode & 0777);
	rc = bind(l->fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old_umask);
	if (rc == -1) {
		log_error("listen", "cannot bind %s: %s", path, strerror(errno));
		return -1;
	}
	l->path = xstrdup(path);
	l->owns_path = 1;
	if (chmod(path, mode) == -1) {
		log_error("listen", "cannot set mode %04o on %s: %s",
		    (unsigned)mode, path, strerror(errno));
		return -1;
	}
	return 0;
}

static int
open_inet(struct listener *l, const char *spec)
{
	struct addrinfo	 hints, *res = NULL;
	char		*host, *port;
	int		 one = 1, rc = -1, err;

	host = xstrdup(spec);
	if ((port = strrchr(host, ':')) == NULL) {
		log_error("listen", "listen address \"%s\" needs a port, as in "
		    "127.0.0.1:9000", spec);
		goto out;
	}
	*port++ = '\0';
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = '\0';
	}

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((err = getaddrinfo(host, port, &hints, &res)) != 0) {
		log_error("listen", "cannot resolve listen address \"%s\": %s",
		    spec, gai_strerror(err));
		goto out;
	}

	l->fd = socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC,
	    res->ai_protocol);
	if (l->fd == -1) {
		log_error("listen", "socket: %s", strerror(errno));
		goto out;
	}
	setsockopt(l->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(l->fd, res->ai_addr, res->ai_addrlen) == -1) {
		log_error("listen", "cannot bind %s: %s", spec,
		    strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (res != NULL)
		freeaddrinfo(res);
	free(host);
	return rc;
}

int
listener_open(struct listener *l, const char *spec, mode_t mode)
{
	int	 rc;

	memset(l, 0, sizeof(*l));
	l->fd = -1;

	if ((rc = adopt_systemd(l)) == -1)
		return -1;
	if (rc == 0) {
		if (strncmp(spec, "unix:", 5) == 0)
			rc = open_unix(l, spec + 5, mode);
		else
			rc = open_inet(l, spec);
		if (rc != 0)
			goto fail;
		if (listen(l->fd, LISTEN_BACKLOG) == -1) {
			log_error("listen", "listen on %s: %s", spec,
			    strerror(errno));
			goto fail;
		}
		log_info("listen", "listening on %s", spec);
	}
	if (set_nonblocking(l->fd) != 0)
		goto fail;
	return 0;

fail:
	listener_close(l);
	return -1;
}

void
listener_close(struct listener *l)
{
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
	if (l->owns_path && l->path != NULL)
		unlink(l->path);
	free(l->path);
	l->path = NULL;
	l->owns_path = 0;
}
