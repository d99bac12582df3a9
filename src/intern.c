/* String interning with an open-addressing hash table. */

#include <stdlib.h>
#include <string.h>

#include "intern.h"
#include "log.h"
#include "xalloc.h"

/*
 * Hash eight bytes at a time with a multiply and rotate per word, then
 * mix the result so that the low bits, which pick the slot, depend on
 * every input bit. Keys are short (identifiers, names), so this is
 * several times faster than a byte-at-a-time hash.
 */
static uint64_t
hash_bytes(const void *key, size_t len)
{
	const unsigned char	*p = key;
	uint64_t		 h = 0x9E3779B97F4A7C15ULL ^ len, word;

	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&word, p, 8);
		h = (h ^ word) * 0xff51afd7ed558ccdULL;
		h = (h << 31) | (h >> 33);
	}
	if (len > 0) {
		word = 0;
		memcpy(&word, p, len);
		h = (h ^ word) * 0xff51afd7ed558ccdULL;
		h = (h << 31) | (h >> 33);
	}
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

static size_t
key_length(const struct intern *table, uint32_t index)
{
	size_t	 end;

	end = index + 1 < table->count ? table->offsets[index + 1] :
	    table->bytes_len;
	return end - table->offsets[index] - 1;
}

/*
 * Return the slot that contains key, or the empty slot where it belongs.
 * The hash bits kept in each slot spare reading other keys, which are
 * elsewhere in memory, for nearly every slot that does not match.
 */
static size_t
find_slot(const struct intern *table, const void *key, size_t len,
    uint64_t hash)
{
	const struct intern_slot *s;
	size_t			 mask = table->slot_count - 1, slot;
	uint32_t		 high = (uint32_t)(hash >> 32);

	for (slot = hash & mask; ; slot = (slot + 1) & mask) {
		s = &table->slots[slot];
		if (s->index1 == 0)
			return slot;
		if (s->hash_high == high && s->len == len &&
		    memcmp(table->bytes + s->offset, key, len) == 0)
			return slot;
	}
}

static void
set_slot(struct intern *table, size_t slot, uint32_t index, uint64_t hash)
{
	struct intern_slot	*s = &table->slots[slot];

	s->index1 = index + 1;
	s->hash_high = (uint32_t)(hash >> 32);
	s->offset = (uint32_t)table->offsets[index];
	s->len = (uint32_t)key_length(table, index);
}

/* Double the slots, keeping the load factor at or below one half. */
static void
grow_slots(struct intern *table)
{
	size_t		 count, mask, slot;
	uint32_t	 index;

	count = table->slot_count ? table->slot_count * 2 : 64;
	free(table->slots);
	table->slots = xcalloc(count, sizeof(table->slots[0]));
	table->slot_count = count;
	mask = count - 1;

	for (index = 0; index < table->count; index++) {
		slot = table->hashes[index] & mask;
		while (table->slots[slot].index1 != 0)
			slot = (slot + 1) & mask;
		set_slot(table, slot, index, table->hashes[index]);
	}
}

uint32_t
intern_add(struct intern *table, const void *key, size_t len, int *added)
{
	uint64_t	 hash = hash_bytes(key, len);
	size_t		 slot;
	uint32_t	 index;

	if (added != NULL)
		*added = 0;
	if (table->slot_count != 0) {
		slot = find_slot(table, key, len, hash);
		if (table->slots[slot].index1 != 0)
			return table->slots[slot].index1 - 1;
	}

	if (table->count >= INTERN_NONE - 1 ||
	    len >= UINT32_MAX - table->bytes_len) {
		log_error("alloc", "intern table is full at %u keys of %zu "
		    "bytes", table->count, table->bytes_len);
		abort();
	}
	if (2 * ((size_t)table->count + 1) > table->slot_count)
		grow_slots(table);
	if (table->count == table->index_cap) {
		table->index_cap = table->index_cap ? table->index_cap * 2 : 64;
		table->hashes = xrealloc(table->hashes,
		    table->index_cap * sizeof(table->hashes[0]));
		table->offsets = xrealloc(table->offsets,
		    table->index_cap * sizeof(table->offsets[0]));
	}
	if (len + 1 > table->bytes_cap - table->bytes_len) {
		while (len + 1 > table->bytes_cap - table->bytes_len)
			table->bytes_cap = table->bytes_cap ?
			    table->bytes_cap * 2 : 1024;
		table->bytes = xrealloc(table->bytes, table->bytes_cap);
	}

	index = table->count++;
	table->hashes[index] = hash;
	table->offsets[index] = table->bytes_len;
	if (len > 0)
		memcpy(table->bytes + table->bytes_len, key, len);
	table->bytes[table->bytes_len + len] = '\0';
	table->bytes_len += len + 1;

	slot = find_slot(table, key, len, hash);
	set_slot(table, slot, index, hash);
	if (added != NULL)
		*added = 1;
	return index;
}

uint32_t
intern_find(const struct intern *table, const void *key, size_t len)
{
	size_t	 slot;

	if (table->slot_count == 0)
		return INTERN_NONE;
	slot = find_slot(table, key, len, hash_bytes(key, len));
	return table->slots[slot].index1 != 0 ? table->slots[slot].index1 - 1 :
	    INTERN_NONE;
}

const char *
intern_key(const struct intern *table, uint32_t index, size_t *len)
{
	if (len != NULL)
		*len = key_length(table, index);
	return table->bytes + table->offsets[index];
}

void
intern_free(struct intern *table)
{
	free(table->slots);
	free(table->hashes);
	free(table->offsets);
	free(table->bytes);
	memset(table, 0, sizeof(*table));
}
