/*
 * The key table behind config_load, shared by the table walk and loader
 * (config.c) and the setters that check and store each value
 * (config_setters.c). Nothing outside these files uses it.
 */
#ifndef STETHOSCOPE_CONFIG_INTERNAL_H
#define STETHOSCOPE_CONFIG_INTERNAL_H

#include <stddef.h>

#include "config.h"
#include "diag.h"
#include "yaml_tree.h"

#define CONFIG_MAX_WORKERS	256

struct config_loader {
	const char		*file;	/* as given, for messages */
	char			*dir;	/* absolute directory of the file */
	struct config		*cfg;
	struct diag_list	*diags;
};

struct config_key;

/*
 * Check value and store it in the field that key describes. name is the
 * dotted key for messages ("limits.max_body_bytes"). Problems go to
 * ld->diags, and the field then keeps its default.
 */
typedef void config_setter(struct config_loader *ld,
    const struct config_key *key, const char *name,
    const struct ynode *value);

/*
 * Check one list entry in place, possibly rewriting it (lower-casing an
 * email). Return NULL when it is valid, or the end of a message that
 * follows "NAME entry VALUE".
 */
typedef const char *config_item_check(char *value);

/* One row of a key table: how a key is checked and where it is stored. */
struct config_key {
	const char		*name;
	enum ynode_kind		 kind;
	const char		*expected;	/* for messages: "an integer" */
	config_setter		*set;
	size_t			 offset;	/* of the field to set */
	size_t			 count_offset;	/* lists: of the entry count */
	long long		 min, max;	/* integers: range as written */
	long long		 scale;		/* integers: factor to stored units */
	config_item_check	*check;		/* lists: entry validator */
	int			 required;
	const struct config_key	*sub;		/* mappings: their keys */
	size_t			 nsub;
};

config_setter	config_set_listen, config_set_socket_mode, config_set_int,
		config_set_size, config_set_log_level, config_set_path,
		config_set_string_list, config_set_section, config_set_sources,
		config_set_text, config_set_contact, config_set_faq;
config_item_check config_check_email, config_check_group;

/* Add a diagnostic at node's position in the file being loaded. */
void	config_report(struct config_loader *ld, const struct ynode *node,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * Check every key of map against table and call the setters. prefix is the
 * dotted name of the enclosing section, or NULL at the top level.
 */
void	config_walk_mapping(struct config_loader *ld, const struct ynode *map,
	    const struct config_key *table, size_t n, const char *prefix);

#endif
