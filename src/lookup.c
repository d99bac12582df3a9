/* The shared state of one lookup: recording the failure of a source. */

#include <stdarg.h>
#include <stdlib.h>

#include "buf.h"
#include "source.h"
#include "xalloc.h"

void
lookup_add_error(struct lookup *lookup, const char *source,
    const char *fmt, ...)
{
	struct source_error	*e;
	struct buf		 message = BUF_INIT;
	va_list			 ap;

	va_start(ap, fmt);
	buf_vprintf(&message, fmt, ap);
	va_end(ap);

	lookup->errors = xrealloc(lookup->errors,
	    (lookup->error_count + 1) * sizeof(lookup->errors[0]));
	e = &lookup->errors[lookup->error_count++];
	e->source = xstrdup(source);
	e->message = buf_detach(&message);
}
