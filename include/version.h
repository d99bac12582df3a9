/*
 * Operating system and application versions as device sources report
 * them, parsed and compared numerically.
 *
 * A version is its numeric dotted prefix: after leading blanks and an
 * optional "v" or "V", one or more decimal components separated by single
 * dots. Components compare as numbers ("10.10" is newer than "10.9",
 * "10.01" equals "10.1"), and missing components count as zero ("9.3"
 * equals "9.3.0").
 *
 * The prefix ends at the first character that is neither a digit nor a
 * dot followed by a digit. Everything from there on is the suffix:
 *   "14.4.1 (23E224)"   14.4.1, suffix " (23E224)"
 *   "8.0.0_r1"          8.0.0,  suffix "_r1"
 *   "17.1.2 beta"       17.1.2, suffix " beta" (a pre-release)
 * A suffix is ignored for comparison with one exception: when one of its
 * words is a pre-release marker, the version compares below the same
 * numbers without a marker, so "17.1.2 beta" < "17.1.2" < "17.1.3 beta".
 * Words are the runs of letters and digits between other characters, and
 * a word is a marker when it is "alpha", "beta", "rc", "pre", "preview" or
 * "dev" (any case), optionally followed by digits ("beta2", "RC1").
 * Two pre-releases of the same numbers compare equal: "beta 1" and "rc 2"
 * are not ordered.
 *
 * A string without a leading digit (after blanks and "v"), with a component
 * above UINT64_MAX or with more than VERSION_MAX_PARTS components cannot
 * be parsed: version_parse then returns -1, and callers report the
 * version as unknown.
 */
#ifndef STETHOSCOPE_VERSION_H
#define STETHOSCOPE_VERSION_H

#include <stddef.h>
#include <stdint.h>

#define VERSION_MAX_PARTS	16

struct version {
	uint64_t	 parts[VERSION_MAX_PARTS];
	size_t		 count;		/* components written, 1 or more */
	int		 prerelease;	/* 1 when the suffix marks one */
	int		 has_suffix;	/* 1 when anything but blanks follows */
};

/*
 * Parse text into *out. Returns 0, or -1 when text is NULL or cannot be
 * parsed; *out is then zeroed. Never reads past the terminating NUL.
 */
int	version_parse(const char *text, struct version *out);

/*
 * Compare two parsed versions. Returns a negative number, zero or a
 * positive number as a is older than, equal to or newer than b.
 */
int	version_compare(const struct version *a, const struct version *b);

/*
 * Parse and compare two strings, storing the result of version_compare in
 * *cmp. Returns 0, or -1 when either string cannot be parsed; *cmp is
 * then left unchanged.
 */
int	version_compare_text(const char *a, const char *b, int *cmp);

/*
 * Return how many leading components a and b have in common, counting
 * only components that both wrote: "15.7.3" and "15.0" share 1,
 * "10.0.26100" and "10.0.26100.7000" share 3, "14.1" and "15.1" share 0.
 */
size_t	version_common_prefix(const struct version *a,
	    const struct version *b);

#endif
