/*
 * Declarations shared by the Google source's files: the adapter state
 * built from the settings (google.c) and the lookups (google_lookup.c).
 */
#ifndef STETHOSCOPE_GOOGLE_INTERNAL_H
#define STETHOSCOPE_GOOGLE_INTERNAL_H

#include <stddef.h>

#include "source.h"
#include "source_google.h"
#include "upstream_answer.h"

/* The adapter state: checked settings and the service-account key. */
struct google {
	char			*url;		/* no '/' at the end */
	char			*key_file;	/* as configured */
	char			*token_uri;	/* setting, or NULL for the key file's */
	char			*subject;
	long			 timeout_ms;
	long			 max_connections;
	size_t			 max_response_bytes;
	struct google_key	*key;
	char			*token_key;	/* the fetcher's token cache key */
};

extern const struct upstream_labels google_labels;

/* google_lookup.c: the source's start(). */
void	google_start(void *state, struct lookup *lookup,
	    enum lookup_kind kind, const char *value);

#endif
