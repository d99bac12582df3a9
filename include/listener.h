/*
 * The FastCGI listening socket, shared by every worker.
 */
#ifndef STETHOSCOPE_LISTENER_H
#define STETHOSCOPE_LISTENER_H

#include <sys/types.h>

struct listener {
	int	 fd;
	int	 owns_path;	/* we created path and remove it at exit */
	char	*path;		/* the unix socket path, or NULL */
};

/*
 * Open the socket described by spec ("unix:/path" or "HOST:PORT", with
 * IPv6 hosts in brackets), or adopt the one systemd passed in LISTEN_FDS.
 * A unix socket gets the given mode; a path on which a live server already
 * answers is an error, a stale socket file is replaced, and any other file
 * is left alone. The descriptor is non-blocking so that a worker that
 * loses the race for a connection gets EAGAIN instead of hanging in
 * accept(). Returns 0, or -1 after logging why.
 */
int	listener_open(struct listener *l, const char *spec, mode_t mode);

/* Close the socket and remove the path when this process created it. */
void	listener_close(struct listener *l);

#endif
