/*
 * Checking a JWT assertion for the fake Google server, the way Google's
 * OAuth 2 token endpoint checks a service account's. The RS256 signature
 * must verify with the account's public key, and issuer and audience must
 * be the expected ones. iat and exp must cover now and lie at most one
 * hour apart.
 */
#ifndef STETHOSCOPE_FAKE_JWT_H
#define STETHOSCOPE_FAKE_JWT_H

#include <json-c/json.h>
#include <openssl/evp.h>

/*
 * Check jwt. Returns NULL with its claims in *claims (the caller puts
 * them), or a sentence saying why the assertion is invalid (*claims may
 * then still need a put).
 */
const char	*fake_jwt_check(EVP_PKEY *public_key, const char *issuer,
		    const char *audience, const char *jwt,
		    struct json_object **claims);

/* Return the string under key in obj, lent by obj, or NULL. */
const char	*fake_jwt_string(struct json_object *obj, const char *key);

#endif
