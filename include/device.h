/*
 * Device records: what one source reports about one device, and the
 * merged device built from every record that describes the same machine.
 * Plain C structs; JSON appears only at the edges (device_json.h).
 */
#ifndef STETHOSCOPE_DEVICE_H
#define STETHOSCOPE_DEVICE_H

#include <stddef.h>
#include <time.h>

enum platform {
	PLATFORM_UNKNOWN,
	PLATFORM_MAC,
	PLATFORM_WINDOWS,
	PLATFORM_LINUX,
	PLATFORM_IOS,
	PLATFORM_ANDROID,
	PLATFORM_CHROMEOS,
	PLATFORM__MAX
};

/* An observed fact: whether the device follows a practice. */
enum observed {
	OBSERVED_UNKNOWN,
	OBSERVED_FALSE,
	OBSERVED_TRUE,
	OBSERVED__MAX
};

struct observation {
	char		*key;		/* practice key, such as "encryption" */
	enum observed	 value;
	char		*details;	/* text a person can act on, or NULL */
	time_t		 observed_at;	/* 0 when the source gives no time */
};

struct software_item {
	char	*name;
	char	*version;	/* NULL when unknown */
};

struct device_identifiers {
	char	*serial;	/* NULL when absent or a placeholder */
	char	*udid;
	char	*imei;
	char	*meid;
	char	*source_id;	/* the source's own id; only matches within one source */
	char	**macs;		/* canonical "AA:BB:CC:DD:EE:FF", usable ones only */
	size_t	 mac_count;
	size_t	 mac_cap;	/* allocated; 0 is fine for an array built by hand */
};

struct device_record {
	char			*source;	/* "jamf", "landesk", "google", ... */
	char			*name;
	char			*model;
	char			*manufacturer;
	enum platform		 platform;
	char			*os_name;	/* "macOS", "Windows", "iOS", ... */
	char			*os_version;
	char			*email;		/* owner, lower-cased */
	time_t			 last_sync;	/* 0 when unknown */
	struct device_identifiers ids;
	struct observation	*observations;
	size_t			 observation_count;
	struct software_item	*software;
	size_t			 software_count;
	char			**services;	/* running services */
	size_t			 service_count;

	/* Allocated lengths for the device_record_add_* functions. */
	size_t			 observation_cap;
	size_t			 software_cap;
	size_t			 service_cap;
};

/* A growable array of records that owns them. */
struct device_list {
	struct device_record	*items;
	size_t			 count;
	size_t			 cap;
};

/*
 * One physical device: the fields merged from its records and the names
 * of the sources that contributed, in first-seen order.
 */
struct merged_device {
	struct device_record	 record;
	char			**sources;
	size_t			 source_count;
	size_t			*members;	/* indexes of the input records, ascending */
	size_t			 member_count;
};

struct merged_list {
	struct merged_device	*items;
	size_t			 count;
};

/* Return "Mac", "Windows", "Linux", "iOS", "Android", "ChromeOS" or "unknown". */
const char *platform_name(enum platform p);

/*
 * Parse a platform name or a common alias ("macOS", "Mac OS X", "iPadOS",
 * "Chrome OS", "ubuntu"), ignoring case, spaces and punctuation. Returns
 * 0, or -1 if unknown; "unknown" itself is not a platform name.
 */
int	platform_parse(const char *name, enum platform *out);

/* Return the record's observation for key, or NULL. */
const struct observation *device_observation(const struct device_record *rec,
	    const char *key);

/*
 * Append a zeroed record to list and return it; the list owns it. The
 * pointer stays valid until the next device_list_add on the same list.
 */
struct device_record *device_list_add(struct device_list *list);

/*
 * Append a copy of mac (expected in canonical form, see identifier.h) to
 * the record's MAC addresses. The record owns the copy.
 */
void	device_record_add_mac(struct device_record *rec, const char *mac);

/*
 * Append an observation with copies of key and details (details may be
 * NULL) and return it. It does not replace an existing one with the same
 * key. The returned pointer is valid until the next append.
 */
struct observation *device_record_add_observation(struct device_record *rec,
	    const char *key, enum observed value, const char *details,
	    time_t observed_at);

/* Append copies of an installed application's name and version (may be NULL). */
void	device_record_add_software(struct device_record *rec,
	    const char *name, const char *version);

/* Append a copy of a running service's name. */
void	device_record_add_service(struct device_record *rec, const char *name);

/*
 * Make dst a deep copy of src: every string and array is copied, so the
 * two can be freed independently. dst's previous content is not freed.
 */
void	device_record_copy(struct device_record *dst,
	    const struct device_record *src);

/* Free everything the record owns and zero it. NULL is allowed. */
void	device_record_free(struct device_record *rec);

/* Free every record and the array, and zero the list. NULL is allowed. */
void	device_list_free(struct device_list *list);

/* Free every merged device and the array, and zero the list. NULL is allowed. */
void	merged_list_free(struct merged_list *list);

#endif
