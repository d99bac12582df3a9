/*
 * The source interface: one adapter per upstream system, compiled in and
 * listed in source_table. Adding a source means one new file under
 * sources/ and one line in the table (sources/table.c).
 *
 * A lookup runs in two stages within one deadline. Stage one asks every
 * source that supports it for the person's devices by email. Stage two
 * takes the serial numbers and MAC addresses that ownership sources
 * (bitFit) reported and asks the device sources that support those
 * lookups, so that a device filed under a wrong or missing email still
 * reaches its owner. All requests of a stage go out in parallel through
 * the worker's fetcher.
 */
#ifndef STETHOSCOPE_SOURCE_H
#define STETHOSCOPE_SOURCE_H

#include <stddef.h>

#include "device.h"
#include "diag.h"
#include "fetch.h"
#include "yaml_tree.h"

enum lookup_kind {
	LOOKUP_EMAIL,
	LOOKUP_SERIAL,
	LOOKUP_MAC,
	LOOKUP__MAX
};

#define SOURCE_SUPPORTS(kind)	(1u << (kind))

/* A failure of one source, as the page and `stethoscope lookup` show it. */
struct source_error {
	char	*source;
	char	*message;	/* says what failed and what to check; no secrets */
};

/* One lookup in progress, shared by every source taking part. */
struct lookup {
	struct fetcher		*fetcher;
	long			 deadline_ms;	/* on the fetch_now_ms() clock */
	struct device_list	 records;	/* every source appends here */
	struct source_error	*errors;
	size_t			 error_count;

	/*
	 * Called by ownership sources for each record they append, right
	 * after appending it, so that stage two for that device starts at
	 * once instead of waiting for the slowest source of stage one. May
	 * be NULL.
	 */
	void			(*owned)(struct lookup *lookup,
				    const struct device_record *rec);
	const void		*context;	/* for owned */
};

/*
 * Record that source failed, with a message for people: "timed out after
 * 2000 ms", "HTTP 401 from JAMF: check the API credentials", "malformed
 * XML at line 3". The message must not contain a credential.
 */
void	lookup_add_error(struct lookup *lookup, const char *source,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

struct source_ops {
	const char	*name;		/* the key under "sources:" in the config */
	unsigned	 lookups;	/* SOURCE_SUPPORTS(kind) bits */
	int		 ownership;	/* 1: reports who owns which device */

	/*
	 * Validate the settings mapping of this source (file names the
	 * config file for positions) and return the adapter's state, or
	 * NULL with every problem in diags. Credentials are read here from
	 * the files or environment variables the settings name.
	 */
	void		*(*configure)(const char *file,
			    const struct ynode *settings,
			    struct diag_list *diags);
	void		 (*free)(void *state);

	/*
	 * Start looking up value (an email, a canonical serial or a
	 * canonical MAC) by adding requests to lookup->fetcher. Their done
	 * callbacks append records to lookup->records (with source set to
	 * this source's name) or call lookup_add_error, and may add
	 * follow-up requests. Called in the worker, never concurrently.
	 */
	void		 (*start)(void *state, struct lookup *lookup,
			    enum lookup_kind kind, const char *value);
};

/* Every compiled-in source, NULL-terminated. */
extern const struct source_ops *const source_table[];

/* Return the source named name, or NULL. */
const struct source_ops *source_find(const char *name);

#endif
