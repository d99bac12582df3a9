/*
 * The practices rules table: practices.yaml loaded into an immutable
 * table, and the evaluation of every practice on one device.
 *
 * Each practice names a rule kind (observed, os_version, software) that
 * turns a device record into a status, plus the texts shown on the page.
 * practices.yaml(5) describes every setting. A loaded table is never
 * changed, so a reload builds a new table and swaps it in whole.
 */
#ifndef STETHOSCOPE_PRACTICES_H
#define STETHOSCOPE_PRACTICES_H

#include <stddef.h>
#include <time.h>

#include "device.h"
#include "diag.h"

#define PRACTICES_MAX_FILE_BYTES	(1024 * 1024)
#define PRACTICES_MAX_DEPTH		16

/* Statuses in sorting order, worst first. */
enum status {
	STATUS_WARN,		/* must fix */
	STATUS_NUDGE,		/* should fix */
	STATUS_UNKNOWN,		/* no data */
	STATUS_OK,
	STATUS_NA,		/* does not apply to this device */
	STATUS__MAX
};

/* Ratings in sorting order, most important first. */
enum rating {
	RATING_CRITICAL,
	RATING_HIGH,
	RATING_MEDIUM,
	RATING_LOW,
	RATING__MAX
};

struct practices;

/* The outcome of one practice on one device. */
struct practice_result {
	const char	*key;		/* "encryption", ... */
	enum status	 status;
	enum rating	 rating;
	const char	*title;		/* the title for this status */
	const char	*description;	/* why the practice matters */
	const char	*directions;	/* for the device's platform, or NULL */
	const char	*link;		/* or NULL */
	char		*details;	/* what was found, or NULL; owned */
	time_t		 last_updated;	/* of the observation; 0 when unknown */
};

/*
 * Every practice evaluated on one device, sorted worst status first, then
 * by rating (critical first), then by key. status is the worst status of
 * the results, so a device where every practice is na has status na.
 */
struct verdict {
	enum status		 status;
	struct practice_result	*results;
	size_t			 count;
};

/* Return "warn", "nudge", "unknown", "ok" or "na", or "invalid" if unknown. */
const char *status_name(enum status status);

/* Parse a status name exactly as status_name writes it. Returns 0 or -1. */
int	status_parse(const char *name, enum status *out);

/* Return "critical", "high", "medium" or "low", or "invalid" if unknown. */
const char *rating_name(enum rating rating);

/* Parse a rating name exactly as rating_name writes it. Returns 0 or -1. */
int	rating_parse(const char *name, enum rating *out);

/*
 * Load and validate the practices file at path. On success return 0 and
 * store a table in *out that the caller frees with practices_free. On any
 * problem return -1, leave *out NULL and add every problem found to diags
 * as FILE:LINE:COLUMN: message naming the setting and what was expected.
 */
int	practices_load(const char *path, struct practices **out,
	    struct diag_list *diags);

/*
 * Load text of len bytes as if read from a file named filename; otherwise
 * the same as practices_load. For tests and for checking text in memory.
 */
int	practices_load_buffer(const char *filename, const char *text,
	    size_t len, struct practices **out, struct diag_list *diags);

/*
 * Load path and free the table again: `stethoscope check` uses this to
 * validate without serving. Returns 0, or -1 with every problem in diags.
 */
int	practices_check_file(const char *path, struct diag_list *diags);

/* Free a table and everything in it. NULL is allowed. */
void	practices_free(struct practices *p);

/* Return the number of practices in the table; never 0 for a loaded table. */
size_t	practices_count(const struct practices *p);

/* Return the key of practice i (in file order), or NULL when i is too big. */
const char *practices_key(const struct practices *p, size_t i);

/* One practice as the admin page lists it; strings borrow the table's. */
struct practice_summary {
	const char	*key;
	const char	*kind;		/* "observed", "os_version", "software" */
	const char	*rating;	/* "critical", ... */
	const char	*title;		/* the title shown when it is in warn */
};

/* Fill *out for practice i (in file order). Returns 0, or -1 when i is too big. */
int	practices_summary(const struct practices *p, size_t i,
	    struct practice_summary *out);

/*
 * Evaluate every practice of p on device and fill *out, which the caller
 * releases with verdict_free. The results borrow the table's strings, so
 * the verdict must be freed before p is; details are the verdict's own.
 * Cannot fail: allocation failures abort through xmalloc.
 */
void	practices_evaluate(const struct practices *p,
	    const struct device_record *device, struct verdict *out);

/* Free what practices_evaluate allocated and zero *v. NULL is allowed. */
void	verdict_free(struct verdict *v);

#endif
