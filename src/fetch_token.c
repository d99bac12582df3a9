/*
 * The token cache of one fetcher: bearer and access tokens that the source
 * adapters fetched (the JAMF API token, Google access tokens per subject and
 * scope), kept until shortly before they expire. A worker keeps a handful,
 * so a short list is enough. Token memory is wiped before it is freed.
 */

#include <stdlib.h>
#include <string.h>

#include "fetch.h"
#include "fetch_internal.h"
#include "xalloc.h"

/* Beyond this many keys, the token that expires first makes room. */
#define TOKEN_CACHE_MAX		64

struct token_entry {
	struct token_entry	*next;
	char			*key;
	char			*token;
	long			 usable_until_ms; /* expiry minus the margin */
};

struct token_cache {
	struct token_entry	*head;
	size_t			 count;
};

struct token_cache *
token_cache_new(void)
{
	return xcalloc(1, sizeof(struct token_cache));
}

static void
free_entry(struct token_entry *e)
{
	explicit_bzero(e->token, strlen(e->token));
	free(e->token);
	free(e->key);
	free(e);
}

/* Unlink the entry that p points to and free it. */
static void
remove_at(struct token_cache *c, struct token_entry **p)
{
	struct token_entry	*e = *p;

	*p = e->next;
	c->count--;
	free_entry(e);
}

static struct token_entry **
find_slot(struct token_cache *c, const char *key)
{
	struct token_entry	**p;

	for (p = &c->head; *p != NULL; p = &(*p)->next)
		if (strcmp((*p)->key, key) == 0)
			return p;
	return NULL;
}

/* Remove unusable entries, then the one closest to expiry while full. */
static void
make_room(struct token_cache *c, long now)
{
	struct token_entry	**p, **first;

	for (p = &c->head; *p != NULL;)
		if ((*p)->usable_until_ms <= now)
			remove_at(c, p);
		else
			p = &(*p)->next;

	while (c->count >= TOKEN_CACHE_MAX) {
		first = &c->head;
		for (p = &c->head; *p != NULL; p = &(*p)->next)
			if ((*p)->usable_until_ms < (*first)->usable_until_ms)
				first = p;
		remove_at(c, first);
	}
}

const char *
fetch_token_get(struct fetcher *f, const char *key)
{
	struct token_entry	**p;

	if ((p = find_slot(f->tokens, key)) == NULL)
		return NULL;
	if ((*p)->usable_until_ms <= fetch_now_ms()) {
		remove_at(f->tokens, p);
		return NULL;
	}
	return (*p)->token;
}

int
fetch_token_put(struct fetcher *f, const char *key, const char *token,
    long lifetime_s)
{
	struct token_entry	*e;
	long			 now = fetch_now_ms();

	fetch_token_invalidate(f, key);
	if (lifetime_s <= FETCH_TOKEN_MARGIN_S)
		return -1;

	/* Lifetimes beyond a year are cut there, to keep the sum in a long. */
	if (lifetime_s > 366L * 86400)
		lifetime_s = 366L * 86400;
	make_room(f->tokens, now);
	e = xcalloc(1, sizeof(*e));
	e->key = xstrdup(key);
	e->token = xstrdup(token);
	e->usable_until_ms = now + (lifetime_s - FETCH_TOKEN_MARGIN_S) * 1000;
	e->next = f->tokens->head;
	f->tokens->head = e;
	f->tokens->count++;
	return 0;
}

void
fetch_token_invalidate(struct fetcher *f, const char *key)
{
	struct token_entry	**p;

	if ((p = find_slot(f->tokens, key)) != NULL)
		remove_at(f->tokens, p);
}

void
token_cache_free(struct token_cache *c)
{
	if (c == NULL)
		return;
	while (c->head != NULL)
		remove_at(c, &c->head);
	free(c);
}
