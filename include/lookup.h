/*
 * Running a lookup through every configured source in two stages within
 * one deadline (see source.h for the stages).
 */
#ifndef STETHOSCOPE_LOOKUP_H
#define STETHOSCOPE_LOOKUP_H

#include "config.h"
#include "fetch.h"
#include "source.h"

/*
 * Look value up (an email, a serial or a MAC address, as kind says) in
 * every source of cfg that supports it, then, for an email, look up the
 * serials and MACs that ownership sources reported in the device sources.
 * Fills out, which the caller releases with lookup_free; the records are
 * not merged yet. Sources that fail or run out of time are listed in
 * out->errors and cost only their own records.
 */
void	lookup_run(const struct config *cfg, struct fetcher *fetcher,
	    enum lookup_kind kind, const char *value, struct lookup *out);

void	lookup_free(struct lookup *lookup);

/*
 * Create the fetcher a worker (or a command) keeps for its life, with the
 * config's CA file, cache lifetime and per-source connection limits.
 */
struct fetcher *lookup_fetcher_new(const struct config *cfg);

#endif
