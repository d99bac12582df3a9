/* Parsing and formatting RFC 3339 timestamps. */

#include <string.h>
#include <time.h>

#include "rfc3339.h"

/*
 * Read exactly width decimal digits at *p, advance past them and store
 * their value. Returns 0, or -1 if a character is not a digit.
 */
static int
read_digits(const char **p, int width, int *value)
{
	int	 i;

	*value = 0;
	for (i = 0; i < width; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return -1;
		*value = *value * 10 + ((*p)[i] - '0');
	}
	*p += width;
	return 0;
}

/* Consume one of the allowed characters at *p. Returns 0, or -1 if none. */
static int
expect_char(const char **p, const char *allowed)
{
	if (**p == '\0' || strchr(allowed, **p) == NULL)
		return -1;
	(*p)++;
	return 0;
}

static int
days_in_month(int year, int month)
{
	static const int days[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
	};
	int	 leap;

	leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	return month == 2 && leap ? 29 : days[month - 1];
}

/* Parse "Z" or "+hh:mm" / "-hh:mm" into seconds east of UTC. */
static int
read_offset(const char **p, long *seconds)
{
	int	 sign, hours, minutes;

	if (**p == 'Z' || **p == 'z') {
		(*p)++;
		*seconds = 0;
		return 0;
	}
	if (**p != '+' && **p != '-')
		return -1;
	sign = **p == '-' ? -1 : 1;
	(*p)++;
	if (read_digits(p, 2, &hours) != 0 || expect_char(p, ":") != 0 ||
	    read_digits(p, 2, &minutes) != 0)
		return -1;
	if (hours > 23 || minutes > 59)
		return -1;
	*seconds = sign * (hours * 3600L + minutes * 60L);
	return 0;
}

int
rfc3339_parse(const char *s, time_t *out)
{
	struct tm	 tm;
	const char	*p = s;
	int		 year, month, day, hour, minute, second;
	long		 offset;
	time_t		 t;

	if (s == NULL)
		return -1;

	if (read_digits(&p, 4, &year) != 0 || expect_char(&p, "-") != 0 ||
	    read_digits(&p, 2, &month) != 0 || expect_char(&p, "-") != 0 ||
	    read_digits(&p, 2, &day) != 0 || expect_char(&p, "Tt ") != 0 ||
	    read_digits(&p, 2, &hour) != 0 || expect_char(&p, ":") != 0 ||
	    read_digits(&p, 2, &minute) != 0 || expect_char(&p, ":") != 0 ||
	    read_digits(&p, 2, &second) != 0)
		return -1;
	if (month < 1 || month > 12 || day < 1 ||
	    day > days_in_month(year, month) || hour > 23 || minute > 59 ||
	    second > 60)
		return -1;

	/* A fraction needs at least one digit; its value is dropped. */
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -1;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (read_offset(&p, &offset) != 0 || *p != '\0')
		return -1;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = year - 1900;
	tm.tm_mon = month - 1;
	tm.tm_mday = day;
	tm.tm_hour = hour;
	tm.tm_min = minute;
	tm.tm_sec = second;
	t = timegm(&tm);
	*out = t - offset;
	return 0;
}

int
rfc3339_format(time_t t, char *out, size_t outlen)
{
	struct tm	 tm;

	if (outlen < RFC3339_SIZE || gmtime_r(&t, &tm) == NULL)
		return -1;
	if (tm.tm_year < -1900 || tm.tm_year > 9999 - 1900)
		return -1;
	if (strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return -1;
	return 0;
}
