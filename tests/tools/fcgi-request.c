/*
 * A minimal FastCGI client for the integration tests: sends one responder
 * request to a unix socket and prints the application's output.
 *
 *   fcgi-request [-p MS] [-m FILE] SOCKET NAME=VALUE...
 *
 * -p MS pauses for MS milliseconds in the middle of the parameters, after
 * creating FILE when -m is given, so that a test can signal the server
 * while the request is in flight.
 */

#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"

enum {
	FCGI_BEGIN_REQUEST = 1,
	FCGI_END_REQUEST = 3,
	FCGI_PARAMS = 4,
	FCGI_STDIN = 5,
	FCGI_STDOUT = 6,
	FCGI_STDERR = 7,
};

static void
add_record(struct buf *out, int type, const void *data, size_t len)
{
	unsigned char	 head[8] = { 1, (unsigned char)type, 0, 1,
	    (unsigned char)(len >> 8), (unsigned char)len, 0, 0 };

	buf_append(out, head, sizeof(head));
	buf_append(out, data, len);
}

static void
add_length(struct buf *b, size_t len)
{
	unsigned char	 four[4];

	if (len < 128) {
		buf_putc(b, (char)len);
		return;
	}
	four[0] = (unsigned char)(0x80 | (len >> 24));
	four[1] = (unsigned char)(len >> 16);
	four[2] = (unsigned char)(len >> 8);
	four[3] = (unsigned char)len;
	buf_append(b, four, 4);
}

static void
add_pair(struct buf *params, const char *pair)
{
	const char	*eq = strchr(pair, '=');
	size_t		 name_len, value_len;

	if (eq == NULL) {
		fprintf(stderr, "fcgi-request: \"%s\" is not NAME=VALUE\n",
		    pair);
		exit(2);
	}
	name_len = (size_t)(eq - pair);
	value_len = strlen(eq + 1);
	add_length(params, name_len);
	add_length(params, value_len);
	buf_append(params, pair, name_len);
	buf_append(params, eq + 1, value_len);
}

static int
write_all(int fd, const char *data, size_t len)
{
	ssize_t	 n;

	while (len > 0) {
		if ((n = write(fd, data, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
read_all(int fd, unsigned char *dst, size_t len)
{
	ssize_t	 n;

	while (len > 0) {
		if ((n = read(fd, dst, len)) <= 0) {
			if (n == -1 && errno == EINTR)
				continue;
			return -1;
		}
		dst += n;
		len -= (size_t)n;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static const unsigned char begin[8] = { 0, 1, 0, 0, 0, 0, 0, 0 };
	struct sockaddr_un	 sun;
	struct buf		 params = BUF_INIT, wire = BUF_INIT;
	unsigned char		 head[8], body[65536 + 256];
	const char		*marker = NULL;
	long			 pause_ms = 0;
	size_t			 half, len;
	struct timespec		 ts;
	int			 ch, fd, i;

	while ((ch = getopt(argc, argv, "p:m:")) != -1) {
		if (ch == 'p')
			pause_ms = atol(optarg);
		else if (ch == 'm')
			marker = optarg;
		else
			return 2;
	}
	if (argc - optind < 1) {
		fputs("usage: fcgi-request [-p MS] [-m FILE] SOCKET "
		    "NAME=VALUE...\n", stderr);
		return 2;
	}
	for (i = optind + 1; i < argc; i++)
		add_pair(&params, argv[i]);

	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		return 1;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", argv[optind]);
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		fprintf(stderr, "fcgi-request: connect %s: %s\n",
		    argv[optind], strerror(errno));
		return 1;
	}

	/* Two PARAMS records, so the pause falls between them. */
	half = params.len / 2;
	add_record(&wire, FCGI_BEGIN_REQUEST, begin, sizeof(begin));
	add_record(&wire, FCGI_PARAMS, params.data, half);
	if (write_all(fd, wire.data, wire.len) != 0)
		return 1;
	if (pause_ms > 0) {
		if (marker != NULL)
			close(open(marker, O_WRONLY | O_CREAT | O_TRUNC, 0644));
		ts.tv_sec = pause_ms / 1000;
		ts.tv_nsec = (pause_ms % 1000) * 1000000;
		nanosleep(&ts, NULL);
	}
	buf_reset(&wire);
	add_record(&wire, FCGI_PARAMS, params.data + half, params.len - half);
	add_record(&wire, FCGI_PARAMS, "", 0);
	add_record(&wire, FCGI_STDIN, "", 0);
	if (write_all(fd, wire.data, wire.len) != 0)
		return 1;

	for (;;) {
		if (read_all(fd, head, sizeof(head)) != 0) {
			fputs("fcgi-request: connection closed before the end "
			    "of the request\n", stderr);
			return 1;
		}
		len = (size_t)head[4] << 8 | head[5];
		if (read_all(fd, body, len + head[6]) != 0)
			return 1;
		if (head[1] == FCGI_STDOUT)
			fwrite(body, 1, len, stdout);
		else if (head[1] == FCGI_STDERR)
			fwrite(body, 1, len, stderr);
		else if (head[1] == FCGI_END_REQUEST)
			break;
	}
	close(fd);
	buf_free(&params);
	buf_free(&wire);
	return 0;
}
