/*
 * The JAMF Pro source: Macs, through the Classic API (XML under
 * .../JSSResource) with a bearer token from the Jamf Pro API.
 *
 * Settings (the mapping under "sources: jamf:" in stethoscope.yaml):
 *
 *   url: https://jamf.example.com/JSSResource   # required, http or https
 *   # Either a user account (POST /api/v1/auth/token with Basic auth):
 *   username: stethoscope-api
 *   password_file: /etc/stethoscope/jamf-password  # or password_env: NAME
 *   # or an API client (POST /api/oauth/token, client_credentials):
 *   client_id: 0a1b2c3d-...
 *   client_secret_file: /etc/stethoscope/jamf-secret  # or client_secret_env
 *   timeout_ms: 10000            # per request, 100 to 120000
 *   max_connections: 5           # 1 to 20; the vendor requests at most 5
 *   max_response_bytes: 8388608  # 1024 to 268435456
 *   email_lookup: both           # users, match or both (see below)
 *   firewall_attribute: Firewall Status
 *   screenlock_attribute: Screen Saver Lock Enabled
 *   remotelogin_attribute: Remote Login
 *   autoupdate_attributes:
 *     - Automatic Check Enabled
 *     - Automatic Download Enabled
 *     - Critical Updates Enabled
 *     - Automatic macOS Updates Enabled
 *
 * Lookups: by email, GET /users/email/{email} (the computers linked to
 * every user with that email) and GET /computers/match/{email} (computers
 * whose location matches), then GET /computers/id/{id} for each computer
 * found; email_lookup picks one or both listings. By serial number, GET
 * /computers/serialnumber/{serial}; by MAC address, GET
 * /computers/macaddress/{mac}. A 404 means no such device, not a failure.
 *
 * Extension attributes feed the practices that JAMF has no native field
 * for. Their values are read without regard to case: on is "1", "true",
 * "yes", "on" or "enabled", off is "0", "false", "no", "off" or "disabled".
 * The firewall attribute uses the macOS firewall's global state: 0 off,
 * 1 on, 2 on and blocking all incoming connections. When present it wins
 * over the native security/firewall_enabled field.
 */
#ifndef STETHOSCOPE_SOURCE_JAMF_H
#define STETHOSCOPE_SOURCE_JAMF_H

#include <stddef.h>

#include <libxml/tree.h>
#include <libxml/xpath.h>

#include "buf.h"
#include "device.h"
#include "source.h"

#define JAMF_SOURCE_NAME		"jamf"
#define JAMF_DEFAULT_TIMEOUT_MS		10000
#define JAMF_DEFAULT_MAX_CONNECTIONS	5

#define JAMF_DEFAULT_FIREWALL_ATTRIBUTE		"Firewall Status"
#define JAMF_DEFAULT_SCREENLOCK_ATTRIBUTE	"Screen Saver Lock Enabled"
#define JAMF_DEFAULT_REMOTELOGIN_ATTRIBUTE	"Remote Login"

/* The extension attribute names that feed practices. */
struct jamf_attribute_names {
	char	 *firewall;
	char	 *screenlock;
	char	 *remotelogin;
	char	**autoupdate;	/* every one must be on for autoupdate */
	size_t	  autoupdate_count;
};

extern const struct source_ops jamf_source;

/*
 * Fill rec (zeroed by the caller) from one <computer> element, as in the
 * response to GET /computers/id/{id}, using ctx for XPath. Missing or empty
 * fields stay unknown. rec->source is set to "jamf". The record owns what
 * is stored in it; free it with device_record_free.
 */
void	jamf_computer_to_record(const struct jamf_attribute_names *names,
	    xmlXPathContextPtr ctx, xmlNodePtr computer,
	    struct device_record *rec);

/*
 * Parse one computer document (root element <computer>) into rec with
 * jamf_computer_to_record. Returns 0, or -1 with the reason in err
 * ("malformed XML at line 3", "expected a <computer> document") and rec
 * left zeroed.
 */
int	jamf_parse_computer(const struct jamf_attribute_names *names,
	    const char *xml, size_t len, struct device_record *rec,
	    struct buf *err);

/*
 * Append to *ids the computer ids in a response to /users/email/{email},
 * /users/name/{name} or /computers/match/{term}, skipping ids already in
 * the list. *ids and every id are owned by the caller. Returns 0, or -1
 * with the reason in err.
 */
int	jamf_parse_computer_ids(const char *xml, size_t len, char ***ids,
	    size_t *count, struct buf *err);

#endif
