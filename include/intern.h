/*
 * String interning: a hash table that gives each distinct byte string a
 * dense index, 0, 1, 2, ... in the order the strings were first added.
 * Merging uses it to turn identifiers into small integers and to find
 * duplicates in linear time. Keys are copied; they may contain NUL bytes.
 */
#ifndef STETHOSCOPE_INTERN_H
#define STETHOSCOPE_INTERN_H

#include <stddef.h>
#include <stdint.h>

#define INTERN_NONE	UINT32_MAX

/*
 * A slot of the hash table. It repeats the key's place in bytes so that
 * a lookup reads one slot and the key itself, and keeps the high bits of
 * the hash so that other keys are rarely read at all.
 */
struct intern_slot {
	uint32_t	 index1;	/* index + 1; 0 marks an empty slot */
	uint32_t	 hash_high;
	uint32_t	 offset;	/* of the key in bytes */
	uint32_t	 len;
};

struct intern {
	struct intern_slot *slots;
	size_t		 slot_count;	/* a power of two, or 0 before the first add */
	uint64_t	*hashes;	/* per index */
	size_t		*offsets;	/* per index, into bytes */
	size_t		 index_cap;
	char		*bytes;		/* every key followed by a NUL */
	size_t		 bytes_len;
	size_t		 bytes_cap;
	uint32_t	 count;
};

#define INTERN_INIT	{ NULL, 0, NULL, NULL, 0, NULL, 0, 0, 0 }

/*
 * Return the index of the len bytes at key, adding a copy if they are
 * new; *added (when not NULL) is set to 1 for a new key and 0 otherwise.
 * Aborts with a log line when memory runs out, the table would pass
 * INTERN_NONE - 1 keys, or the keys would pass 4 GiB in total.
 */
uint32_t	 intern_add(struct intern *table, const void *key, size_t len,
		    int *added);

/* Return the index of key, or INTERN_NONE if it was never added. */
uint32_t	 intern_find(const struct intern *table, const void *key,
		    size_t len);

/*
 * Return the stored copy of the key with the given index, NUL-terminated,
 * and its length in *len (when not NULL). The pointer is valid until the
 * next intern_add.
 */
const char	*intern_key(const struct intern *table, uint32_t index,
		    size_t *len);

/* Free the table's memory and leave it empty and reusable. */
void		 intern_free(struct intern *table);

#endif
