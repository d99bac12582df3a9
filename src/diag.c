/* Collected load-time diagnostics with file positions. */

#include <stdarg.h>
#include <stdlib.h>

#include "buf.h"
#include "diag.h"
#include "log.h"
#include "xalloc.h"

void
diag_add(struct diag_list *list, const char *file, int line, int column,
    const char *fmt, ...)
{
	struct buf	 msg = BUF_INIT;
	struct diag	*d;
	va_list		 ap;

	va_start(ap, fmt);
	buf_vprintf(&msg, fmt, ap);
	va_end(ap);

	if (list->count == list->cap) {
		list->cap = list->cap ? list->cap * 2 : 8;
		list->items = xrealloc(list->items,
		    list->cap * sizeof(list->items[0]));
	}
	d = &list->items[list->count++];
	d->file = xstrdup(file != NULL ? file : "-");
	d->line = line;
	d->column = column;
	d->message = buf_detach(&msg);
}

void
diag_format(const struct diag *d, struct buf *out)
{
	buf_puts(out, d->file);
	if (d->line > 0) {
		buf_printf(out, ":%d", d->line);
		if (d->column > 0)
			buf_printf(out, ":%d", d->column);
	}
	buf_printf(out, ": %s", d->message);
}

void
diag_print(const struct diag_list *list, FILE *out)
{
	struct buf	 line = BUF_INIT;
	size_t		 i;

	for (i = 0; i < list->count; i++) {
		buf_reset(&line);
		diag_format(&list->items[i], &line);
		fprintf(out, "%s\n", line.data);
	}
	buf_free(&line);
}

void
diag_log(const struct diag_list *list, const char *component)
{
	struct buf	 line = BUF_INIT;
	size_t		 i;

	for (i = 0; i < list->count; i++) {
		buf_reset(&line);
		diag_format(&list->items[i], &line);
		log_error(component, "%s", line.data);
	}
	buf_free(&line);
}

void
diag_clear(struct diag_list *list)
{
	size_t	 i;

	for (i = 0; i < list->count; i++) {
		free(list->items[i].file);
		free(list->items[i].message);
	}
	free(list->items);
	list->items = NULL;
	list->count = list->cap = 0;
}
