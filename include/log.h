/*
 * One line per event on stderr:
 *   2026-12-04T20:01:02.345Z info 4242 master: started worker 4243
 * When stderr is connected to journald (JOURNAL_STREAM is set), each line
 * starts with the syslog priority as "<N>" so the journal keeps the level.
 * Control characters in the message are written as \xNN so that a value
 * from a user or an upstream cannot forge a log line.
 */
#ifndef STETHOSCOPE_LOG_H
#define STETHOSCOPE_LOG_H

enum log_level {
	LOG_LEVEL_NONE = 0,	/* nothing is logged; for tests and fuzzing */
	LOG_LEVEL_ERROR = 3,
	LOG_LEVEL_WARN = 4,
	LOG_LEVEL_INFO = 6,
	LOG_LEVEL_DEBUG = 7,
};

/* Messages above this level are dropped. The default is LOG_LEVEL_INFO. */
void	log_set_level(enum log_level level);
enum log_level log_get_level(void);

/* Parse "error", "warn", "info" or "debug". Returns 0, or -1 if unknown. */
int	log_level_parse(const char *name, enum log_level *out);

void	log_msg(enum log_level level, const char *component,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#define log_error(c, ...)	log_msg(LOG_LEVEL_ERROR, (c), __VA_ARGS__)
#define log_warn(c, ...)	log_msg(LOG_LEVEL_WARN, (c), __VA_ARGS__)
#define log_info(c, ...)	log_msg(LOG_LEVEL_INFO, (c), __VA_ARGS__)
#define log_debug(c, ...)	log_msg(LOG_LEVEL_DEBUG, (c), __VA_ARGS__)

#endif
