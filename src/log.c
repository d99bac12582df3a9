/* One-line event logging to stderr. */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "log.h"

static enum log_level current_level = LOG_LEVEL_INFO;

static const struct {
	const char	*name;
	enum log_level	 level;
} level_names[] = {
	{ "error",	LOG_LEVEL_ERROR },
	{ "warn",	LOG_LEVEL_WARN },
	{ "info",	LOG_LEVEL_INFO },
	{ "debug",	LOG_LEVEL_DEBUG },
};

void
log_set_level(enum log_level level)
{
	current_level = level;
}

enum log_level
log_get_level(void)
{
	return current_level;
}

int
log_level_parse(const char *name, enum log_level *out)
{
	size_t	 i;

	for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
		if (strcmp(name, level_names[i].name) == 0) {
			*out = level_names[i].level;
			return 0;
		}
	}
	return -1;
}

static const char *
level_name(enum log_level level)
{
	size_t	 i;

	for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (level_names[i].level == level)
			return level_names[i].name;
	return "info";
}

void
log_msg(enum log_level level, const char *component, const char *fmt, ...)
{
	struct buf	 raw = BUF_INIT, line = BUF_INIT;
	struct timeval	 tv;
	struct tm	 tm;
	char		 stamp[32];
	va_list		 ap;
	size_t		 i;
	unsigned char	 c;

	if (level > current_level)
		return;

	va_start(ap, fmt);
	buf_vprintf(&raw, fmt, ap);
	va_end(ap);

	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);

	if (getenv("JOURNAL_STREAM") != NULL)
		buf_printf(&line, "<%d>", (int)level);
	buf_printf(&line, "%s.%03ldZ %s %ld %s: ", stamp,
	    (long)(tv.tv_usec / 1000), level_name(level), (long)getpid(),
	    component);

	/* Escape control characters so that no value can start a new line. */
	for (i = 0; i < raw.len; i++) {
		c = (unsigned char)raw.data[i];
		if (c < 0x20 || c == 0x7f)
			buf_printf(&line, "\\x%02x", c);
		else
			buf_putc(&line, (char)c);
	}
	buf_putc(&line, '\n');

	/* One write per line keeps lines from several processes whole. */
	(void)!write(STDERR_FILENO, line.data, line.len);

	buf_free(&raw);
	buf_free(&line);
}
