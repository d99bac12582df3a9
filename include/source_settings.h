/*
 * Checking the settings of one source (the mapping under "sources: NAME:"
 * in stethoscope.yaml) against a table of keys, and reading the
 * credentials that the settings name. Every problem becomes a diagnostic
 * FILE:LINE:COLUMN: sources.NAME.KEY: what was expected, and all of them
 * are collected before the source is refused.
 *
 * Secret values never appear in a diagnostic or a log line: messages about
 * a password file name the file, and messages about a variable name the
 * variable.
 */
#ifndef STETHOSCOPE_SOURCE_SETTINGS_H
#define STETHOSCOPE_SOURCE_SETTINGS_H

#include <stddef.h>

#include "diag.h"
#include "yaml_tree.h"

/* Maximum size of a secret read from a file or the environment, in bytes. */
#define SOURCE_SECRET_MAX_BYTES	4096

enum source_setting_type {
	SOURCE_SETTING_STRING,		/* char *: non-empty, no control characters */
	SOURCE_SETTING_URL,		/* char *: http:// or https://, no trailing '/' */
	SOURCE_SETTING_LONG,		/* long: an integer within min..max */
	SOURCE_SETTING_SIZE,		/* size_t: an integer within min..max */
	SOURCE_SETTING_CHOICE,		/* int: the index of the value in choices */
	SOURCE_SETTING_STRING_LIST,	/* char **: with the count at count_offset */
	SOURCE_SETTING_MAPPING,		/* a nested table, same target struct */
	SOURCE_SETTING_SECRET,		/* names a secret: source_secret_read reads it */
	SOURCE_SETTING__MAX
};

/* One row of a settings table: a key, how it is checked, where it goes. */
struct source_setting {
	const char			*name;
	enum source_setting_type	 type;
	size_t				 offset;	/* of the field in the target */
	long long			 min, max;	/* LONG and SIZE */
	const char *const		*choices;	/* CHOICE: NULL-terminated */
	size_t				 count_offset;	/* STRING_LIST: a size_t */
	const struct source_setting	*sub;		/* MAPPING: its keys */
	size_t				 nsub;
};

/*
 * Check every key of settings against table and store the values in the
 * struct at target. Fields of keys that are absent keep what the caller
 * put there (the defaults). Strings and lists set as defaults must be heap
 * copies, because a configured value frees and replaces them.
 * source is the source's name, used in messages as "sources.NAME.KEY".
 * Unknown keys, values of the wrong kind and invalid values are all added
 * to diags with their position in file. Returns 0, or -1 when anything was
 * added to diags.
 */
int	source_settings_apply(const char *file, const char *source,
	    const struct ynode *settings, const struct source_setting *table,
	    size_t n, void *target, struct diag_list *diags);

/*
 * Free the strings and lists that table describes in target (those that
 * source_settings_apply may have stored) and set them to NULL.
 */
void	source_settings_free(const struct source_setting *table, size_t n,
	    void *target);

/*
 * Read a secret named by one of two settings: the key file_key contains a
 * path (relative paths resolve against the directory of file) and the
 * key env_key the name of an environment variable. Exactly one of the two
 * must be set. The file's content is used without its trailing line
 * breaks. Returns the secret, owned by the caller (free it with
 * source_secret_free), or NULL with the problem added to diags. When
 * neither key is set and required is 0, returns NULL without a problem.
 */
char	*source_secret_read(const char *file, const char *source,
	    const struct ynode *settings, const char *file_key,
	    const char *env_key, int required, struct diag_list *diags);

/* Overwrite the secret's bytes, then free it. NULL is allowed. */
void	source_secret_free(char *secret);

/*
 * Add a diagnostic at node's position (or, when node is NULL, without a
 * position) with the message prefixed by "sources.NAME.KEY: ".
 */
void	source_settings_report(struct diag_list *diags, const char *file,
	    const char *source, const char *key, const struct ynode *node,
	    const char *fmt, ...) __attribute__((format(printf, 6, 7)));

#endif
