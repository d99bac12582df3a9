/* Checking RS256-signed JWT assertions for the fake Google server. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "buf.h"
#include "fake_jwt.h"

#define JWT_MAX_BYTES		8192
/* Google accepts an iat a little in the future, for clock skew. */
#define CLOCK_SKEW_S		60

static int
base64url_value(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

/* Decode unpadded base64url. Returns 0, or -1 for an invalid character. */
static int
base64url_decode(const char *s, size_t len, struct buf *out)
{
	uint32_t	 acc = 0;
	size_t		 i;
	int		 bits = 0, v;

	if (len % 4 == 1)
		return -1;
	for (i = 0; i < len; i++) {
		if ((v = base64url_value((unsigned char)s[i])) < 0)
			return -1;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf_putc(out, (char)(acc >> bits & 0xff));
		}
	}
	buf_puts(out, "");
	return 0;
}

static struct json_object *
decode_part(const char *s, size_t len)
{
	struct json_object	*obj;
	struct buf		 text = BUF_INIT;

	if (base64url_decode(s, len, &text) != 0) {
		buf_free(&text);
		return NULL;
	}
	obj = json_tokener_parse(text.data);
	buf_free(&text);
	if (obj != NULL && !json_object_is_type(obj, json_type_object)) {
		json_object_put(obj);
		return NULL;
	}
	return obj;
}

const char *
fake_jwt_string(struct json_object *obj, const char *key)
{
	struct json_object	*v;

	if (!json_object_object_get_ex(obj, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static int
member_int(struct json_object *obj, const char *key, int64_t *out)
{
	struct json_object	*v;

	if (!json_object_object_get_ex(obj, key, &v) ||
	    !json_object_is_type(v, json_type_int))
		return -1;
	*out = json_object_get_int64(v);
	return 0;
}

static int
signature_valid(EVP_PKEY *public_key, const char *signed_part,
    size_t signed_len, const char *sig64, size_t sig64_len)
{
	struct buf	 sig = BUF_INIT;
	EVP_MD_CTX	*ctx;
	int		 ok = 0;

	if (base64url_decode(sig64, sig64_len, &sig) != 0 || sig.len == 0)
		goto out;
	if ((ctx = EVP_MD_CTX_new()) == NULL)
		goto out;
	ok = EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL,
	    public_key) == 1 && EVP_DigestVerify(ctx,
	    (const unsigned char *)sig.data, sig.len,
	    (const unsigned char *)signed_part, signed_len) == 1;
	EVP_MD_CTX_free(ctx);
out:
	ERR_clear_error();
	buf_free(&sig);
	return ok;
}

const char *
fake_jwt_check(EVP_PKEY *public_key, const char *issuer, const char *audience,
    const char *jwt, struct json_object **claims)
{
	struct json_object	*header;
	const char		*dot1, *dot2, *alg, *iss, *aud;
	int64_t			 iat, exp;
	time_t			 now = time(NULL);
	const char		*problem = NULL;

	*claims = NULL;
	if (strlen(jwt) > JWT_MAX_BYTES || (dot1 = strchr(jwt, '.')) == NULL ||
	    (dot2 = strchr(dot1 + 1, '.')) == NULL || strchr(dot2 + 1, '.'))
		return "the assertion is not a signed JWT";
	if ((header = decode_part(jwt, (size_t)(dot1 - jwt))) == NULL)
		return "the JWT header is not base64url JSON";
	alg = fake_jwt_string(header, "alg");
	if (alg == NULL || strcmp(alg, "RS256") != 0)
		problem = "the JWT header's alg is not RS256";
	else if (fake_jwt_string(header, "typ") != NULL &&
	    strcmp(fake_jwt_string(header, "typ"), "JWT") != 0)
		problem = "the JWT header's typ is not JWT";
	json_object_put(header);
	if (problem != NULL)
		return problem;

	if (!signature_valid(public_key, jwt, (size_t)(dot2 - jwt), dot2 + 1,
	    strlen(dot2 + 1)))
		return "the signature does not match the service account's key";
	if ((*claims = decode_part(dot1 + 1, (size_t)(dot2 - dot1 - 1))) ==
	    NULL)
		return "the JWT claims are not base64url JSON";

	iss = fake_jwt_string(*claims, "iss");
	aud = fake_jwt_string(*claims, "aud");
	if (iss == NULL || strcmp(iss, issuer) != 0)
		return "iss is not the service account's client_email";
	if (aud == NULL || strcmp(aud, audience) != 0)
		return "aud is not this token endpoint's URI";
	if (member_int(*claims, "iat", &iat) != 0 ||
	    member_int(*claims, "exp", &exp) != 0)
		return "iat or exp is missing";
	if (iat > now + CLOCK_SKEW_S)
		return "iat lies in the future";
	if (exp <= now)
		return "the JWT has expired";
	if (exp - iat > 3600 || exp <= iat)
		return "exp must lie after iat and at most one hour later";
	return NULL;
}
