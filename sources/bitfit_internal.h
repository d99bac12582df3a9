/*
 * Declarations shared by the bitFit source's files: the adapter state
 * built from the settings (bitfit.c) and the lookups (bitfit_lookup.c).
 */
#ifndef STETHOSCOPE_BITFIT_INTERNAL_H
#define STETHOSCOPE_BITFIT_INTERNAL_H

#include <stddef.h>

#include "source.h"
#include "source_bitfit.h"

/* The adapter state: checked settings and the API token. */
struct bitfit {
	char		*url;		/* no '/' at the end */
	char		*api_token;	/* wiped when freed; never logged */
	long		 timeout_ms;
	long		 max_connections;
	size_t		 max_response_bytes;
};

/* bitfit_lookup.c: the source's start(). */
void	bitfit_start(void *state, struct lookup *lookup,
	    enum lookup_kind kind, const char *value);

#endif
