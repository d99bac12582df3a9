/*
 * The response cache of one fetcher: successful responses to cacheable GET
 * requests, keyed by source, method, URL and the caller's cache key, kept
 * for a fixed time and bounded by entries and bytes with least recently
 * used eviction. A hash table finds entries and a doubly linked list keeps
 * them in order of use.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fetch.h"
#include "fetch_internal.h"
#include "xalloc.h"

struct cache_entry {
	struct cache_entry	*bucket_next;
	struct cache_entry	*newer;
	struct cache_entry	*older;
	char			*key;		/* contains NULs: use key_len */
	size_t			 key_len;
	uint64_t		 hash;
	long			 status;
	char			*body;
	size_t			 body_len;
	char			*content_type;	/* or NULL */
	long			 stored_ms;
	size_t			 cost;		/* counted against max_bytes */
};

struct response_cache {
	struct cache_entry	**buckets;
	size_t			 bucket_count;	/* a power of two */
	struct cache_entry	*newest;
	struct cache_entry	*oldest;
	size_t			 entries;
	size_t			 bytes;
	size_t			 max_entries;
	size_t			 max_bytes;
	long			 ttl_ms;
};

/* FNV-1a, 64 bits. */
static uint64_t
hash_key(const char *key, size_t len)
{
	uint64_t	 h = 14695981039346656037ULL;
	size_t		 i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)key[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/* Build the key "source NUL method NUL url NUL cache_key" into key. */
static void
build_key(struct buf *key, const struct fetch_request *req)
{
	buf_puts(key, req->source);
	buf_putc(key, '\0');
	buf_puts(key, fetch_method_name(req->method));
	buf_putc(key, '\0');
	buf_puts(key, req->url);
	buf_putc(key, '\0');
	if (req->cache_key != NULL)
		buf_puts(key, req->cache_key);
}

struct response_cache *
response_cache_new(long ttl_ms, size_t max_entries, size_t max_bytes)
{
	struct response_cache	*c;
	size_t			 count = 16;

	c = xcalloc(1, sizeof(*c));
	while (count < max_entries && count < SIZE_MAX / 2)
		count *= 2;
	c->buckets = xcalloc(count, sizeof(*c->buckets));
	c->bucket_count = count;
	c->max_entries = max_entries;
	c->max_bytes = max_bytes;
	c->ttl_ms = ttl_ms;
	return c;
}

static struct cache_entry *
find_entry(const struct response_cache *c, const char *key, size_t len,
    uint64_t hash)
{
	struct cache_entry	*e;

	e = c->buckets[hash & (c->bucket_count - 1)];
	for (; e != NULL; e = e->bucket_next)
		if (e->hash == hash && e->key_len == len &&
		    memcmp(e->key, key, len) == 0)
			return e;
	return NULL;
}

static void
unlink_use_order(struct response_cache *c, struct cache_entry *e)
{
	if (e->newer != NULL)
		e->newer->older = e->older;
	else
		c->newest = e->older;
	if (e->older != NULL)
		e->older->newer = e->newer;
	else
		c->oldest = e->newer;
	e->newer = e->older = NULL;
}

static void
link_newest(struct response_cache *c, struct cache_entry *e)
{
	e->newer = NULL;
	e->older = c->newest;
	if (c->newest != NULL)
		c->newest->newer = e;
	else
		c->oldest = e;
	c->newest = e;
}

static void
remove_entry(struct response_cache *c, struct cache_entry *e)
{
	struct cache_entry	**p;

	p = &c->buckets[e->hash & (c->bucket_count - 1)];
	while (*p != e)
		p = &(*p)->bucket_next;
	*p = e->bucket_next;
	unlink_use_order(c, e);
	c->entries--;
	c->bytes -= e->cost;
	free(e->key);
	free(e->body);
	free(e->content_type);
	free(e);
}

int
response_cache_lookup(struct response_cache *c, struct fetch_request *req,
    long now_ms)
{
	struct cache_entry	*e;
	struct buf		 key = BUF_INIT;
	int			 hit = 0;

	build_key(&key, req);
	e = find_entry(c, key.data, key.len, hash_key(key.data, key.len));
	if (e == NULL)
		goto out;
	if (now_ms - e->stored_ms >= c->ttl_ms) {
		remove_entry(c, e);
		goto out;
	}

	unlink_use_order(c, e);
	link_newest(c, e);
	req->status = e->status;
	buf_reset(&req->body);
	buf_append(&req->body, e->body, e->body_len);
	free(req->content_type);
	req->content_type = e->content_type != NULL ?
	    xstrdup(e->content_type) : NULL;
	req->from_cache = 1;
	hit = 1;
out:
	buf_free(&key);
	return hit;
}

void
response_cache_store(struct response_cache *c, const struct fetch_request *req,
    long now_ms)
{
	struct cache_entry	*e;
	struct buf		 key = BUF_INIT;
	uint64_t		 hash;
	size_t			 cost, bucket;

	build_key(&key, req);
	hash = hash_key(key.data, key.len);

	/* A fresh response replaces the old one in any case. */
	if ((e = find_entry(c, key.data, key.len, hash)) != NULL)
		remove_entry(c, e);

	cost = sizeof(*e) + key.len + req->body.len;
	if (req->content_type != NULL)
		cost += strlen(req->content_type) + 1;
	if (cost > c->max_bytes || c->max_entries == 0) {
		buf_free(&key);
		return;
	}
	while (c->oldest != NULL && (c->entries >= c->max_entries ||
	    c->bytes + cost > c->max_bytes))
		remove_entry(c, c->oldest);

	e = xcalloc(1, sizeof(*e));
	e->key_len = key.len;
	e->key = buf_detach(&key);
	e->hash = hash;
	e->status = req->status;
	e->body_len = req->body.len;
	e->body = xmalloc(req->body.len + 1);
	if (req->body.len > 0)
		memcpy(e->body, req->body.data, req->body.len);
	e->body[req->body.len] = '\0';
	e->content_type = req->content_type != NULL ?
	    xstrdup(req->content_type) : NULL;
	e->stored_ms = now_ms;
	e->cost = cost;

	bucket = hash & (c->bucket_count - 1);
	e->bucket_next = c->buckets[bucket];
	c->buckets[bucket] = e;
	link_newest(c, e);
	c->entries++;
	c->bytes += cost;
}

void
response_cache_clear(struct response_cache *c)
{
	while (c->oldest != NULL)
		remove_entry(c, c->oldest);
}

void
response_cache_free(struct response_cache *c)
{
	if (c == NULL)
		return;
	response_cache_clear(c);
	free(c->buckets);
	free(c);
}
