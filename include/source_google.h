/*
 * The Google source: Android and iOS phones and tablets and Chromebooks,
 * through the Admin SDK Directory API (JSON), with an access token that a
 * service account with domain-wide delegation obtains for an admin.
 *
 * Settings (the mapping under "sources: google:" in stethoscope.yaml):
 *
 *   url: https://admin.googleapis.com/admin/directory/v1/customer/my_customer
 *   key_file: /etc/stethoscope/google-key.json   # required
 *   subject: it-admin@example.com                # required
 *   token_uri: https://oauth2.googleapis.com/token
 *   timeout_ms: 10000             # per request, 100 to 120000
 *   max_connections: 4            # 1 to 20
 *   max_response_bytes: 8388608   # 1024 to 268435456
 *
 * key_file is the service-account key JSON that the Google console
 * downloads (client_email, private_key, token_uri). A relative path
 * resolves against the directory of stethoscope.yaml. subject is the
 * admin the service account acts as. token_uri, when set, replaces the
 * key file's. Neither the key nor an access token is ever logged.
 *
 * Lookups by email only: GET devices/mobile?query=email:{email} and GET
 * devices/chromeos?query=recent_user:{email}, both with projection=FULL,
 * run in parallel and follow nextPageToken to the last page. A mobile
 * device is kept when its email list contains the person (or is empty),
 * a Chromebook when the person is its most recent user.
 */
#ifndef STETHOSCOPE_SOURCE_GOOGLE_H
#define STETHOSCOPE_SOURCE_GOOGLE_H

#include <stddef.h>
#include <time.h>

#include <json-c/json.h>

#include "buf.h"
#include "device.h"
#include "fetch.h"
#include "source.h"

#define GOOGLE_SOURCE_NAME		"google"
#define GOOGLE_DEFAULT_URL \
	"https://admin.googleapis.com/admin/directory/v1/customer/my_customer"
#define GOOGLE_DEFAULT_TIMEOUT_MS	10000
#define GOOGLE_DEFAULT_MAX_CONNECTIONS	4

#define GOOGLE_SCOPE_MOBILE \
	"https://www.googleapis.com/auth/admin.directory.device.mobile.readonly"
#define GOOGLE_SCOPE_CHROMEOS \
	"https://www.googleapis.com/auth/admin.directory.device.chromeos.readonly"
/* Both scopes, as the JWT's scope claim lists them. */
#define GOOGLE_SCOPES	GOOGLE_SCOPE_MOBILE " " GOOGLE_SCOPE_CHROMEOS

/* The JWT's iat lies this far in the past, for clock skew. */
#define GOOGLE_JWT_BACKDATE_S		30
/* exp minus iat. Google accepts at most one hour. */
#define GOOGLE_JWT_LIFETIME_S		3600

/* A service-account key file's content, with the private key parsed. */
struct google_key;

extern const struct source_ops google_source;

/* ---- service-account tokens (google_token.c) ----------------------------- */

/*
 * Read the service-account key file at path: a JSON object with
 * client_email, private_key (an unencrypted PEM RSA key of at least 2048
 * bits) and token_uri. token_uri may be NULL to use the file's. When it
 * is given, the file need not have one. Returns the key, freed with
 * google_key_free, or NULL with the reason appended to why. The reason
 * names the file and the field, never the key's content.
 */
struct google_key *google_key_load(const char *path, const char *token_uri,
	    struct buf *why);

/* Free the key and clear its private key material. NULL is allowed. */
void	google_key_free(struct google_key *key);

const char *google_key_client_email(const struct google_key *key);
const char *google_key_token_uri(const struct google_key *key);

/*
 * Build and sign (RS256) the JWT that requests an access token from the
 * token URI: iss is the key's client_email, sub the subject, scope the
 * space-separated scopes, aud the token URI, iat now minus
 * GOOGLE_JWT_BACKDATE_S and exp iat plus GOOGLE_JWT_LIFETIME_S. Returns
 * "header.claims.signature" in base64url without padding, owned by the
 * caller, or NULL (logged) when OpenSSL fails to sign.
 */
char	*google_jwt_build(const struct google_key *key, const char *subject,
	    const char *scope, time_t now);

/*
 * Read a token endpoint's JSON response: access_token (printable ASCII
 * without spaces) and expires_in in seconds (0 when missing or not a
 * positive number). Returns 0 with a new string in *token, or -1 with the
 * reason appended to why.
 */
int	google_token_parse(const char *body, size_t len, char **token,
	    long *expires_in, struct buf *why);

/* ---- one device's JSON into a record (google_parse.c) -------------------- */

/*
 * Fill rec (zeroed by the caller) from one element of "mobiledevices", as
 * in the response to GET devices/mobile. Missing, empty or mistyped fields
 * stay unknown. The record's name is the model, because Google names no
 * mobile device. rec->source is set to "google". Returns 0, or -1 when
 * device is not a JSON object (rec is then left empty).
 */
int	google_mobile_to_record(struct json_object *device,
	    struct device_record *rec);

/*
 * Fill rec from one element of "chromeosdevices", as in the response to
 * GET devices/chromeos, like google_mobile_to_record. The name is the
 * annotated asset id, or else the model.
 */
int	google_chromeos_to_record(struct json_object *device,
	    struct device_record *rec);

/*
 * Return 1 when the mobile device belongs to email: one entry of its
 * "email" list equals it without regard to case or surrounding spaces.
 * Also returns 1 when the list is missing or has no email at all, because
 * Google matched the device and nothing contradicts it. Returns 0
 * otherwise.
 */
int	google_mobile_belongs(struct json_object *device, const char *email);

/*
 * Return 1 when the first entry of the Chromebook's "recentUsers" (its
 * most recent user) is an object whose email equals email without regard
 * to case or surrounding spaces, else 0.
 */
int	google_chromeos_belongs(struct json_object *device, const char *email);

/* ---- failures (google.c) --------------------------------------------------- */

/*
 * The fetch layer's retry predicate: returns 1 for a 403 whose JSON error
 * names the reason userRateLimitExceeded, rateLimitExceeded or
 * quotaExceeded (Google's way of saying "over the quota").
 */
int	google_retry_if_quota(const struct fetch_request *req);

/*
 * Append to out why req (a Directory API request, or the token request
 * when token is 1) brought no usable response: "HTTP 401 from Google: check
 * the service account and domain-wide delegation", "Google quota
 * exceeded; retried until the deadline", the fetch layer's timeout text,
 * and so on. Returns 1 when req failed, or 0 (appending nothing) when its
 * response can be parsed.
 */
int	google_failure_message(const struct fetch_request *req, int token,
	    struct buf *out);

#endif
