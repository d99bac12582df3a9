/*
 * Google service-account tokens: reading the key file, building and
 * signing the JWT with OpenSSL, and reading the token endpoint's response.
 * The requests themselves are made in google.c.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "buf.h"
#include "diag.h"
#include "json_answer.h"
#include "json_file.h"
#include "log.h"
#include "source_google.h"
#include "xalloc.h"

/* A key file from the Google console is about 2.4 KB. */
#define KEY_FILE_MAX_BYTES	(64 * 1024)
#define KEY_FILE_MAX_DEPTH	8
#define KEY_MIN_BITS		2048

struct google_key {
	char		*client_email;
	char		*token_uri;
	EVP_PKEY	*pkey;
};

const char *
google_key_client_email(const struct google_key *key)
{
	return key->client_email;
}

const char *
google_key_token_uri(const struct google_key *key)
{
	return key->token_uri;
}

void
google_key_free(struct google_key *key)
{
	if (key == NULL)
		return;
	free(key->client_email);
	free(key->token_uri);
	EVP_PKEY_free(key->pkey);
	free(key);
}

/* A passphrase callback that supplies none, so OpenSSL never prompts. */
static int
no_passphrase(char *buf, int size, int rwflag, void *arg)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)arg;
	return 0;
}

/* Parse the PEM text of private_key, or return NULL with the reason in why. */
static EVP_PKEY *
parse_private_key(const char *path, const char *pem, struct buf *why)
{
	EVP_PKEY	*pkey;
	BIO		*bio;

	bio = BIO_new_mem_buf(pem, -1);
	if (bio == NULL) {
		buf_printf(why, "%s: cannot read private_key", path);
		return NULL;
	}
	pkey = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL);
	BIO_free(bio);
	/* OpenSSL's error queue may describe the input: drop it unread. */
	ERR_clear_error();
	if (pkey == NULL) {
		buf_printf(why, "%s: private_key is not an unencrypted PEM "
		    "private key", path);
		return NULL;
	}
	if (!EVP_PKEY_is_a(pkey, "RSA") || EVP_PKEY_get_bits(pkey) <
	    KEY_MIN_BITS) {
		buf_printf(why, "%s: private_key must be an RSA key of at "
		    "least %d bits, as RS256 needs", path, KEY_MIN_BITS);
		EVP_PKEY_free(pkey);
		return NULL;
	}
	return pkey;
}

/* Return the non-empty string under key, lent by obj, or NULL. */
static const char *
key_string(struct json_object *obj, const char *key)
{
	struct json_object	*value;
	const char		*s;

	if (!json_object_object_get_ex(obj, key, &value) ||
	    !json_object_is_type(value, json_type_string))
		return NULL;
	s = json_object_get_string(value);
	if (strlen(s) != (size_t)json_object_get_string_len(value))
		return NULL;
	return s[0] != '\0' ? s : NULL;
}

/*
 * Overwrite the private_key string inside the parsed document before
 * json-c frees it. json-c keeps strings in heap buffers that it owns, so
 * writing through the lent pointer is safe here, just before the put.
 */
static void
wipe_private_key(struct json_object *root)
{
	struct json_object	*value;

	if (json_object_object_get_ex(root, "private_key", &value) &&
	    json_object_is_type(value, json_type_string))
		explicit_bzero((char *)json_object_get_string(value),
		    (size_t)json_object_get_string_len(value));
}

struct google_key *
google_key_load(const char *path, const char *token_uri, struct buf *why)
{
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct google_key	*key = NULL;
	struct json_object	*root;
	const char		*email, *pem, *uri;

	root = json_parse_file(path, KEY_FILE_MAX_BYTES, KEY_FILE_MAX_DEPTH,
	    &diags);
	if (root == NULL) {
		if (diags.count > 0 && diags.items[0].line > 0)
			buf_printf(why, "%s:%d:%d: %s", path,
			    diags.items[0].line, diags.items[0].column,
			    diags.items[0].message);
		else if (diags.count > 0)
			buf_printf(why, "%s: %s", path,
			    diags.items[0].message);
		diag_clear(&diags);
		return NULL;
	}
	if (!json_object_is_type(root, json_type_object)) {
		buf_printf(why, "%s: expected the JSON object of a service-"
		    "account key", path);
		goto out;
	}

	email = key_string(root, "client_email");
	pem = key_string(root, "private_key");
	uri = token_uri != NULL ? token_uri : key_string(root, "token_uri");
	if (email == NULL || pem == NULL || uri == NULL) {
		buf_printf(why, "%s: missing %s; download the service "
		    "account's JSON key from the Google console", path,
		    email == NULL ? "client_email" : pem == NULL ?
		    "private_key" : "token_uri");
		goto out;
	}
	if (strncmp(uri, "https://", 8) != 0 &&
	    strncmp(uri, "http://", 7) != 0) {
		buf_printf(why, "%s: token_uri is not an http or https URL",
		    path);
		goto out;
	}

	key = xcalloc(1, sizeof(*key));
	if ((key->pkey = parse_private_key(path, pem, why)) == NULL) {
		google_key_free(key);
		key = NULL;
		goto out;
	}
	key->client_email = xstrdup(email);
	key->token_uri = xstrdup(uri);

out:
	wipe_private_key(root);
	json_object_put(root);
	return key;
}

/* ---- the JWT --------------------------------------------------------------- */

/* Append len bytes of data in base64url (RFC 4648, section 5), unpadded. */
static void
base64url_append(struct buf *out, const unsigned char *data, size_t len)
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-_";
	uint32_t	 v;
	size_t		 i;

	for (i = 0; i + 2 < len; i += 3) {
		v = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8 |
		    data[i + 2];
		buf_putc(out, alphabet[v >> 18 & 63]);
		buf_putc(out, alphabet[v >> 12 & 63]);
		buf_putc(out, alphabet[v >> 6 & 63]);
		buf_putc(out, alphabet[v & 63]);
	}
	if (len - i == 1) {
		v = (uint32_t)data[i] << 16;
		buf_putc(out, alphabet[v >> 18 & 63]);
		buf_putc(out, alphabet[v >> 12 & 63]);
	} else if (len - i == 2) {
		v = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8;
		buf_putc(out, alphabet[v >> 18 & 63]);
		buf_putc(out, alphabet[v >> 12 & 63]);
		buf_putc(out, alphabet[v >> 6 & 63]);
	}
}

static void
append_json_part(struct buf *out, struct json_object *obj)
{
	const char	*text;

	text = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
	base64url_append(out, (const unsigned char *)text, strlen(text));
}

/* Append the RS256 signature of out's content to out. */
static int
append_signature(struct buf *out, EVP_PKEY *pkey)
{
	EVP_MD_CTX	*ctx;
	unsigned char	*sig = NULL;
	size_t		 sig_len = 0;
	int		 rc = -1;

	if ((ctx = EVP_MD_CTX_new()) == NULL)
		goto out;
	if (EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, pkey) != 1 ||
	    EVP_DigestSign(ctx, NULL, &sig_len,
	    (const unsigned char *)out->data, out->len) != 1)
		goto out;
	sig = xmalloc(sig_len);
	if (EVP_DigestSign(ctx, sig, &sig_len,
	    (const unsigned char *)out->data, out->len) != 1)
		goto out;
	buf_putc(out, '.');
	base64url_append(out, sig, sig_len);
	rc = 0;
out:
	ERR_clear_error();
	free(sig);
	EVP_MD_CTX_free(ctx);
	return rc;
}

char *
google_jwt_build(const struct google_key *key, const char *subject,
    const char *scope, time_t now)
{
	struct json_object	*header, *claims;
	struct buf		 jwt = BUF_INIT;
	int64_t			 iat = (int64_t)now - GOOGLE_JWT_BACKDATE_S;

	header = json_object_new_object();
	json_object_object_add(header, "alg", json_object_new_string("RS256"));
	json_object_object_add(header, "typ", json_object_new_string("JWT"));

	claims = json_object_new_object();
	json_object_object_add(claims, "iss",
	    json_object_new_string(key->client_email));
	json_object_object_add(claims, "sub", json_object_new_string(subject));
	json_object_object_add(claims, "scope", json_object_new_string(scope));
	json_object_object_add(claims, "aud",
	    json_object_new_string(key->token_uri));
	json_object_object_add(claims, "iat", json_object_new_int64(iat));
	json_object_object_add(claims, "exp",
	    json_object_new_int64(iat + GOOGLE_JWT_LIFETIME_S));

	append_json_part(&jwt, header);
	buf_putc(&jwt, '.');
	append_json_part(&jwt, claims);
	json_object_put(header);
	json_object_put(claims);

	if (append_signature(&jwt, key->pkey) != 0) {
		log_error(GOOGLE_SOURCE_NAME, "cannot sign the token request "
		    "with the service account's key (OpenSSL failed)");
		buf_free(&jwt);
		return NULL;
	}
	return buf_detach(&jwt);
}

/* ---- the token endpoint's response --------------------------------------- */

static int
valid_token(const char *s)
{
	size_t	 i;

	if (s[0] == '\0')
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return 0;
	return 1;
}

int
google_token_parse(const char *body, size_t len, char **token,
    long *expires_in, struct buf *why)
{
	struct json_object	*root, *value;
	const char		*s;
	int64_t			 seconds;
	int			 rc = -1;

	*token = NULL;
	*expires_in = 0;
	if ((root = json_answer_parse_text(body, len, why)) == NULL)
		return -1;

	if (!json_object_object_get_ex(root, "access_token", &value) ||
	    !json_object_is_type(value, json_type_string)) {
		buf_puts(why, "the token response from Google has no "
		    "access_token");
		goto out;
	}
	s = json_object_get_string(value);
	if (!valid_token(s) ||
	    strlen(s) != (size_t)json_object_get_string_len(value)) {
		buf_puts(why, "the token response from Google has an invalid "
		    "access_token");
		goto out;
	}
	*token = xstrdup(s);
	/* As in wipe_private_key: json-c owns this buffer until the put. */
	explicit_bzero((char *)s, strlen(s));

	if (json_object_object_get_ex(root, "expires_in", &value) &&
	    json_object_is_type(value, json_type_int)) {
		seconds = json_object_get_int64(value);
		if (seconds > 0 && seconds <= 366L * 86400)
			*expires_in = (long)seconds;
	}
	rc = 0;
out:
	json_object_put(root);
	return rc;
}
