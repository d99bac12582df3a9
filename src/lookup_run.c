/* The two stages of a lookup across the configured sources. */

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "identifier.h"
#include "log.h"
#include "lookup.h"
#include "xalloc.h"

static const char *const kind_names[LOOKUP__MAX] = {
	[LOOKUP_EMAIL] = "email",
	[LOOKUP_SERIAL] = "serial",
	[LOOKUP_MAC] = "MAC address",
};

struct fetcher *
lookup_fetcher_new(const struct config *cfg)
{
	struct fetch_options	 opts;

	memset(&opts, 0, sizeof(opts));
	opts.ca_file = cfg->ca_file;
	opts.cache_ttl_s = cfg->cache_ttl_s;
	return fetcher_new(&opts);
}

static int
is_ownership_source(const struct config *cfg, const char *name)
{
	size_t	 i;

	for (i = 0; i < cfg->source_count; i++)
		if (strcmp(cfg->sources[i].ops->name, name) == 0)
			return cfg->sources[i].ops->ownership;
	return 0;
}

/* Return 1 when a device source already reported a record with serial. */
static int
serial_known(const struct lookup *lookup, const struct config *cfg,
    const char *serial)
{
	const struct device_record *r;
	size_t	 i;

	for (i = 0; i < lookup->records.count; i++) {
		r = &lookup->records.items[i];
		if (r->ids.serial != NULL && strcasecmp(r->ids.serial,
		    serial) == 0 && !is_ownership_source(cfg, r->source))
			return 1;
	}
	return 0;
}

static int
mac_known(const struct lookup *lookup, const struct config *cfg,
    const char *mac)
{
	const struct device_record *r;
	size_t	 i, k;

	for (i = 0; i < lookup->records.count; i++) {
		r = &lookup->records.items[i];
		if (is_ownership_source(cfg, r->source))
			continue;
		for (k = 0; k < r->ids.mac_count; k++)
			if (strcmp(r->ids.macs[k], mac) == 0)
				return 1;
	}
	return 0;
}

static void
start_all(const struct config *cfg, struct lookup *lookup,
    enum lookup_kind kind, const char *value, int device_sources_only)
{
	const struct source_instance *s;
	size_t	 i;

	for (i = 0; i < cfg->source_count; i++) {
		s = &cfg->sources[i];
		if (!(s->ops->lookups & SOURCE_SUPPORTS(kind)))
			continue;
		if (device_sources_only && s->ops->ownership)
			continue;
		log_debug("lookup", "asking %s for %s %s", s->ops->name,
		    kind_names[kind], value);
		s->ops->start(s->state, lookup, kind, value);
	}
}

/*
 * Stage two for one device that an ownership source listed: ask the device
 * sources for it unless one of them has reported it already. A serial is
 * enough to find a device; MAC addresses are asked only for assets
 * without a serial. Called as soon as the ownership source appends the
 * record, so this stage overlaps with the slow sources of stage one.
 */
static void
start_stage_two(struct lookup *lookup, const struct device_record *owned)
{
	const struct config	*cfg = lookup->context;
	struct device_record	 copy;
	size_t			 k;

	/* Starting a lookup may append records and move owned: copy it. */
	memset(&copy, 0, sizeof(copy));
	device_record_copy(&copy, owned);

	if (copy.ids.serial != NULL) {
		if (!serial_known(lookup, cfg, copy.ids.serial))
			start_all(cfg, lookup, LOOKUP_SERIAL, copy.ids.serial,
			    1);
	} else {
		for (k = 0; k < copy.ids.mac_count; k++)
			if (!mac_known(lookup, cfg, copy.ids.macs[k]))
				start_all(cfg, lookup, LOOKUP_MAC,
				    copy.ids.macs[k], 1);
	}
	device_record_free(&copy);
}

void
lookup_run(const struct config *cfg, struct fetcher *fetcher,
    enum lookup_kind kind, const char *value, struct lookup *out)
{
	long	 started;

	memset(out, 0, sizeof(*out));
	out->fetcher = fetcher;
	started = fetch_now_ms();
	out->deadline_ms = started + cfg->fetch_deadline_ms;

	if (kind == LOOKUP_EMAIL) {
		out->owned = start_stage_two;
		out->context = cfg;
	}
	start_all(cfg, out, kind, value, 0);
	fetch_run(fetcher, out->deadline_ms);

	log_info("lookup", "%s %s: %zu records, %zu source errors in %ld ms",
	    kind_names[kind], value, out->records.count, out->error_count,
	    fetch_now_ms() - started);
}

void
lookup_free(struct lookup *lookup)
{
	size_t	 i;

	for (i = 0; i < lookup->error_count; i++) {
		free(lookup->errors[i].source);
		free(lookup->errors[i].message);
	}
	free(lookup->errors);
	device_list_free(&lookup->records);
	memset(lookup, 0, sizeof(*lookup));
}
