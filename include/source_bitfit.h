/*
 * The bitFit source: the ownership inventory, which records which devices
 * a person owns (REST, JSON). Its records carry identifiers, names, models
 * and the owner's email but no observations. The lookup then asks the
 * device sources about their serials and MAC addresses in stage two.
 *
 * Settings (the mapping under "sources: bitfit:" in stethoscope.yaml):
 *
 *   url: https://bitfit.example.com/api/v1          # required
 *   api_token_file: /etc/stethoscope/bitfit-token   # or api_token_env: NAME
 *   timeout_ms: 10000             # per request, 100 to 120000
 *   max_connections: 4            # 1 to 20
 *   max_response_bytes: 8388608   # 1024 to 268435456
 *
 * The API token travels as the api_token query parameter, so URLs are
 * never logged or shown with their query string.
 *
 * Lookups by email: GET users?search={email} (a loose search: only users
 * whose email equals the person's, ignoring case, are kept), GET
 * users/{id}/assets for each, then GET assets/{id} for each asset, whose
 * fields[] carry the MAC address and UDID. An asset response embeds its
 * user with that user's own API token: nothing is copied from it, and raw
 * responses are never logged.
 */
#ifndef STETHOSCOPE_SOURCE_BITFIT_H
#define STETHOSCOPE_SOURCE_BITFIT_H

#include <json-c/json.h>

#include "buf.h"
#include "device.h"
#include "fetch.h"
#include "source.h"

#define BITFIT_SOURCE_NAME		"bitfit"
#define BITFIT_DEFAULT_TIMEOUT_MS	10000
#define BITFIT_DEFAULT_MAX_CONNECTIONS	4

extern const struct source_ops bitfit_source;

/*
 * Fill rec (zeroed by the caller) from one asset object: an element of
 * the items[] of GET users/{id}/assets, or the item of GET assets/{id}.
 * Reads id (the source id), serial_number, name, model, type.label_single
 * and, in fields[], the entries whose base_name reads "mac_address",
 * "udid" or "imei" once case, spaces, dashes and underscores are ignored.
 * The embedded user object is ignored. The platform comes from the type
 * label or a Mac, iPhone, iPad or Chromebook model name, else stays
 * unknown. rec->source is set to "bitfit", and the owner's email is left
 * to the caller. Returns 0, or -1 when asset is not a JSON object.
 */
int	bitfit_asset_to_record(struct json_object *asset,
	    struct device_record *rec);

/*
 * Return 1 when the user object's email equals email, ignoring case and
 * surrounding spaces, else 0.
 */
int	bitfit_user_matches(struct json_object *user, const char *email);

/*
 * Append to out why req brought no usable response ("HTTP 401 from bitFit:
 * check the API token (api_token_file or api_token_env)", "bitFit rate
 * limit exceeded; retried until the deadline", ...). Returns 1 when req
 * failed, or 0 (appending nothing) when its response can be parsed.
 */
int	bitfit_failure_message(const struct fetch_request *req,
	    struct buf *out);

#endif
