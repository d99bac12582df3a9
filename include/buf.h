/*
 * A growable byte buffer with explicit length and capacity. Rendered pages,
 * response bodies and log lines are built in one. The data is always
 * NUL-terminated after len bytes, so buf.data can be used as a C string
 * when the content has no embedded NUL.
 */
#ifndef STETHOSCOPE_BUF_H
#define STETHOSCOPE_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};

#define BUF_INIT { NULL, 0, 0 }

/* Reserve room for at least extra more bytes plus the terminating NUL. */
void	 buf_reserve(struct buf *b, size_t extra);

void	 buf_append(struct buf *b, const void *data, size_t len);
void	 buf_puts(struct buf *b, const char *s);
void	 buf_putc(struct buf *b, char c);
void	 buf_printf(struct buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	 buf_vprintf(struct buf *b, const char *fmt, va_list ap)
	    __attribute__((format(printf, 2, 0)));

/* Forget the content but keep the memory for reuse. */
void	 buf_reset(struct buf *b);

/*
 * Return the content as a NUL-terminated string owned by the caller and
 * leave the buffer empty. Never returns NULL.
 */
char	*buf_detach(struct buf *b);

void	 buf_free(struct buf *b);

#endif
