/*
 * Declarations shared by the LANDESK source's files: the adapter state
 * built from the settings (landesk_settings.c), the lookups (landesk.c),
 * the response parsing (landesk_parse.c), the practices (landesk_practices.c)
 * and the scan dates (landesk_time.c).
 */
#ifndef STETHOSCOPE_LANDESK_INTERNAL_H
#define STETHOSCOPE_LANDESK_INTERNAL_H

#include <stddef.h>
#include <time.h>

#include "device.h"
#include "diag.h"
#include "fetch.h"
#include "source_landesk.h"
#include "yaml_tree.h"

enum landesk_filter {
	LANDESK_FILTER_EMAIL,
	LANDESK_FILTER_SERIAL,
	LANDESK_FILTER_MAC,
	LANDESK_FILTER__MAX
};

/* The adapter state: checked settings and the password they name. */
struct landesk {
	char			*url;		/* .../MsgSDK.asmx, no '/' at the end */
	int			 auth;		/* enum fetch_auth */
	char			*username;
	char			*password;	/* wiped when freed */
	char			*column_set;
	char			*timezone;	/* as written; parsed into parse.zone */
	char			*filters[LANDESK_FILTER__MAX];
	long			 timeout_ms;
	long			 max_connections;
	size_t			 max_response_bytes;
	struct landesk_parse_settings parse;
};

/* One Key/Value item of a machine response, its key split up. */
struct landesk_item {
	char	*column;	/* the key without "(N)" instance markers */
	char	*instance;	/* "1", "1/2", or "" when the key has none */
	char	*value;		/* NULL when empty */
};

struct landesk_items {
	struct landesk_item	*items;
	size_t			 count;
};

/* landesk_settings.c */
void	*landesk_configure(const char *file, const struct ynode *settings,
	    struct diag_list *diags);
void	 landesk_free(void *state);

/*
 * Build the ListMachines filter for a lookup from its template: the
 * placeholder replaced by value (an email, a canonical serial or a
 * canonical MAC address), quoted for the query. Returns a string the
 * caller frees, or NULL when value cannot be used (a MAC address that is
 * not canonical).
 */
char	*landesk_filter_for(const struct landesk *ld, enum landesk_filter kind,
	    const char *value);

/* landesk_parse.c */

/* Return the first value of column in any instance, or NULL. */
const char *landesk_value(const struct landesk_items *items,
	    const char *column);

/* Return the value of column in instance, or NULL. */
const char *landesk_instance_value(const struct landesk_items *items,
	    const char *column, const char *instance);

/*
 * Return the distinct instances in which any of columns (count of them,
 * NULL entries skipped) has an item, in order of first appearance. The
 * array is the caller's; its strings belong to items.
 */
const char **landesk_instances(const struct landesk_items *items,
	    const char *const *columns, size_t count, size_t *found);

/* landesk_practices.c */

/* Add every observation the items support to rec. */
void	 landesk_observe_practices(const struct landesk_parse_settings *s,
	    const struct landesk_items *items, struct device_record *rec,
	    time_t hardware_date, time_t software_date);

#endif
