/*
 * Diagnostics collected while loading a file: every problem is kept with
 * its position, so a loader can report all of them at once and refuse the
 * file, the way `nginx -t` does. Printed as FILE:LINE:COLUMN: message.
 */
#ifndef STETHOSCOPE_DIAG_H
#define STETHOSCOPE_DIAG_H

#include <stddef.h>
#include <stdio.h>

#include "buf.h"

struct diag {
	char	*file;
	int	 line;		/* 1-based; 0 when the problem has no position */
	int	 column;	/* 1-based; 0 when unknown */
	char	*message;
};

struct diag_list {
	struct diag	*items;
	size_t		 count;
	size_t		 cap;
};

#define DIAG_LIST_INIT { NULL, 0, 0 }

/* Record one problem. file may be NULL. */
void	diag_add(struct diag_list *list, const char *file, int line,
	    int column, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));

/* Append one problem as "FILE:LINE:COLUMN: message", without a newline. */
void	diag_format(const struct diag *d, struct buf *out);

/* Write each problem as one line "FILE:LINE:COLUMN: message". */
void	diag_print(const struct diag_list *list, FILE *out);

/* Log each problem at error level under the given component. */
void	diag_log(const struct diag_list *list, const char *component);

void	diag_clear(struct diag_list *list);

#endif
