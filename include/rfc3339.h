/*
 * RFC 3339 timestamps ("2026-11-30T10:00:00Z", "2026-11-30T11:00:00.25+01:00"),
 * the time format of the JSON device records and of several sources.
 */
#ifndef STETHOSCOPE_RFC3339_H
#define STETHOSCOPE_RFC3339_H

#include <stddef.h>
#include <time.h>

/* Bytes needed by rfc3339_format, with the NUL. */
#define RFC3339_SIZE	sizeof("YYYY-MM-DDTHH:MM:SSZ")

/*
 * Parse an RFC 3339 date-time: YYYY-MM-DD, "T" (or "t" or a space),
 * hh:mm:ss, an optional fraction of any length (dropped, not rounded),
 * then "Z" (or "z") or an offset "+hh:mm" / "-hh:mm". Days are checked
 * against the month, leap years included. A leap second (:60) becomes
 * the first second of the next minute. Nothing may follow. Returns 0 with
 * seconds since the epoch in out, or -1 if s is not such a timestamp.
 */
int	rfc3339_parse(const char *s, time_t *out);

/*
 * Format t as UTC, "YYYY-MM-DDTHH:MM:SSZ", into out (outlen bytes, at
 * least RFC3339_SIZE). Returns 0, or -1 if out is too small or the year
 * falls outside 0000 to 9999.
 */
int	rfc3339_format(time_t t, char *out, size_t outlen);

#endif
