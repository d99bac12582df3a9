/*
 * Declarations shared by the JAMF source's files: the adapter state built
 * from the settings (jamf_settings.c), the lookups (jamf.c) and the
 * parsing of computer documents (jamf_parse.c, jamf_practices.c).
 */
#ifndef STETHOSCOPE_JAMF_INTERNAL_H
#define STETHOSCOPE_JAMF_INTERNAL_H

#include <stddef.h>
#include <time.h>

#include <libxml/tree.h>
#include <libxml/xpath.h>

#include "device.h"
#include "diag.h"
#include "source_jamf.h"
#include "yaml_tree.h"

enum jamf_email_lookup {
	JAMF_EMAIL_BOTH,	/* /users/email and /computers/match */
	JAMF_EMAIL_USERS,
	JAMF_EMAIL_MATCH,
	JAMF_EMAIL__MAX
};

/* The adapter state: checked settings and the credentials they name. */
struct jamf {
	char			*url;		/* .../JSSResource, no '/' at the end */
	char			*api_url;	/* url without /JSSResource */
	char			*username;	/* or NULL for an API client */
	char			*password;	/* wiped when freed */
	char			*client_id;	/* or NULL for a user account */
	char			*client_secret;	/* wiped when freed */
	char			*token_key;	/* the fetcher's token cache key */
	long			 timeout_ms;
	long			 max_connections;
	size_t			 max_response_bytes;
	int			 email_lookup;	/* enum jamf_email_lookup */
	struct jamf_attribute_names names;
};

/* jamf_settings.c */
void	*jamf_configure(const char *file, const struct ynode *settings,
	    struct diag_list *diags);
void	 jamf_free(void *state);

/* jamf_practices.c */

/* Return 1 for an "on" word, 0 for an "off" word, -1 for anything else. */
int	 jamf_switch_value(const char *s);

/* Add every observation that the computer element supports to rec. */
void	 jamf_observe_practices(struct device_record *rec,
	    const struct jamf_attribute_names *names, xmlXPathContextPtr ctx,
	    xmlNodePtr computer, time_t reported);

#endif
