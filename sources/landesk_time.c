/*
 * LANDESK scan dates: timestamps without a zone, read in the zone the
 * settings name (UTC, a fixed offset, or an IANA zone).
 */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "buf.h"
#include "source_landesk.h"
#include "xalloc.h"

#define ZONEINFO_DIR	"/usr/share/zoneinfo"

/* Parse "+HH:MM" or "-HH:MM" (at most 14 hours) into seconds east of UTC. */
static int
parse_offset(const char *s, long *out)
{
	int	 hours, minutes, end = 0;

	if ((s[0] != '+' && s[0] != '-') || strlen(s) != 6 ||
	    !isdigit((unsigned char)s[1]) || !isdigit((unsigned char)s[2]) ||
	    s[3] != ':' || !isdigit((unsigned char)s[4]) ||
	    !isdigit((unsigned char)s[5]) ||
	    sscanf(s + 1, "%2d:%2d%n", &hours, &minutes, &end) != 2 ||
	    end != 5 || hours > 14 || minutes > 59)
		return -1;
	*out = (hours * 3600L + minutes * 60L) * (s[0] == '-' ? -1 : 1);
	return 0;
}

/*
 * A zone name is path components of letters, digits, '_', '-' and '+',
 * none of them "." or "..", naming a file under ZONEINFO_DIR.
 */
static int
zone_name_exists(const char *name)
{
	struct buf	 path = BUF_INIT;
	struct stat	 st;
	const char	*p;
	int		 ok;

	if (name[0] == '\0' || name[0] == '/' || strstr(name, "..") != NULL ||
	    strstr(name, "//") != NULL)
		return 0;
	for (p = name; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && strchr("_-+/", *p) == NULL)
			return 0;
	buf_printf(&path, "%s/%s", ZONEINFO_DIR, name);
	ok = stat(path.data, &st) == 0 && S_ISREG(st.st_mode);
	buf_free(&path);
	return ok;
}

int
landesk_zone_parse(const char *text, struct landesk_zone *zone)
{
	long	 offset;

	memset(zone, 0, sizeof(*zone));
	if (strcasecmp(text, "UTC") == 0 || strcmp(text, "Z") == 0) {
		zone->kind = LANDESK_ZONE_UTC;
		return 0;
	}
	if (parse_offset(text, &offset) == 0) {
		zone->kind = LANDESK_ZONE_OFFSET;
		zone->offset_s = offset;
		return 0;
	}
	if (zone_name_exists(text)) {
		zone->kind = LANDESK_ZONE_NAMED;
		zone->name = xstrdup(text);
		return 0;
	}
	return -1;
}

/* Read "YYYY-MM-DD HH:MM:SS" with ' ' or 'T', an optional fraction. */
static int
parse_iso(const char *s, struct tm *tm)
{
	int	 end = 0;

	if (sscanf(s, "%4d-%2d-%2d%*1[ T]%2d:%2d:%2d%n", &tm->tm_year,
	    &tm->tm_mon, &tm->tm_mday, &tm->tm_hour, &tm->tm_min,
	    &tm->tm_sec, &end) != 6 || end < 19)
		return -1;
	s += end;
	if (*s == '.')
		for (s++; isdigit((unsigned char)*s); s++)
			continue;
	return *s == '\0' ? 0 : -1;
}

/* Read "M/D/YYYY h:mm:ss AM" or the 24-hour form without AM/PM. */
static int
parse_us(const char *s, struct tm *tm)
{
	char	 half[3] = "";
	int	 end = 0, n;

	n = sscanf(s, "%2d/%2d/%4d %2d:%2d:%2d%n %2[AaPp]%*1[Mm]%n",
	    &tm->tm_mon, &tm->tm_mday, &tm->tm_year, &tm->tm_hour, &tm->tm_min,
	    &tm->tm_sec, &end, half, &end);
	if (n < 6 || s[end] != '\0')
		return -1;
	if (half[0] != '\0') {
		if (tm->tm_hour < 1 || tm->tm_hour > 12)
			return -1;
		tm->tm_hour %= 12;
		if (half[0] == 'P' || half[0] == 'p')
			tm->tm_hour += 12;
	}
	return 0;
}

static int
fields_valid(const struct tm *tm)
{
	static const int days[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	return tm->tm_year >= 1970 && tm->tm_year <= 9999 &&
	    tm->tm_mon >= 1 && tm->tm_mon <= 12 && tm->tm_mday >= 1 &&
	    tm->tm_mday <= days[tm->tm_mon - 1] && tm->tm_hour <= 23 &&
	    tm->tm_min <= 59 && tm->tm_sec <= 60;
}

/*
 * mktime in a named zone. The worker is single-threaded, so switching TZ
 * for the call and back is safe there.
 */
static time_t
named_zone_time(const char *name, struct tm *tm)
{
	char	*saved = NULL;
	time_t	 t;

	if (getenv("TZ") != NULL)
		saved = xstrdup(getenv("TZ"));
	setenv("TZ", name, 1);
	tzset();
	tm->tm_isdst = -1;
	t = mktime(tm);
	if (saved != NULL)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
	free(saved);
	return t;
}

int
landesk_parse_date(const struct landesk_zone *zone, const char *text,
    time_t *out)
{
	struct tm	 tm;
	time_t		 t;

	if (text == NULL)
		return -1;
	memset(&tm, 0, sizeof(tm));
	if (parse_iso(text, &tm) != 0) {
		memset(&tm, 0, sizeof(tm));
		if (parse_us(text, &tm) != 0)
			return -1;
	}
	if (!fields_valid(&tm))
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;

	switch (zone->kind) {
	case LANDESK_ZONE_OFFSET:
		t = timegm(&tm) - zone->offset_s;
		break;
	case LANDESK_ZONE_NAMED:
		t = named_zone_time(zone->name, &tm);
		break;
	default:
		t = timegm(&tm);
		break;
	}
	if (t == (time_t)-1)
		return -1;
	*out = t;
	return 0;
}
