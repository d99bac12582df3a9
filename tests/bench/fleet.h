/*
 * A synthetic fleet of device records for benchmarks and tests, with the
 * overlaps and defects of real sources. Each device has about three
 * records from jamf, landesk, google, bitfit and fleet (osquery), which
 * share serials and MAC addresses in different spellings. Mixed in are
 * placeholder serials, locally administered and shared MAC addresses,
 * and a few serials mistyped in the inventory. Records carry
 * observations with times, OS versions and software. The same record
 * count and seed give the same fleet.
 */
#ifndef STETHOSCOPE_FLEET_H
#define STETHOSCOPE_FLEET_H

#include <stddef.h>

#include "device.h"

/* What a correct merge of a generated fleet must produce. */
struct fleet_truth {
	size_t	*device_of;		/* per record: the device it describes */
	size_t	 devices;
	size_t	 expected_groups;	/* merged devices a correct merge yields */
	size_t	 conflicting;		/* records whose serial was mistyped */
	size_t	 isolated;		/* records without a usable identifier */
};

/* Append exactly records generated records to out (a device_list). */
void	fleet_generate(size_t records, unsigned seed, struct device_list *out);

/* Do what fleet_generate does and describe the result in *truth. */
void	fleet_generate_truth(size_t records, unsigned seed,
	    struct device_list *out, struct fleet_truth *truth);

void	fleet_truth_free(struct fleet_truth *truth);

#endif
