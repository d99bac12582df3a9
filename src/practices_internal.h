/*
 * Internals of the practices table: the loaded practice, the rule kind
 * interface, and the setting parsers that the loader (practices_load.c,
 * practices_common.c) and the rule kinds (practices_rules.c,
 * practices_os_version.c, practices_software.c) share. Nothing outside the
 * practices files uses it.
 */
#ifndef STETHOSCOPE_PRACTICES_INTERNAL_H
#define STETHOSCOPE_PRACTICES_INTERNAL_H

#include <stddef.h>
#include <time.h>

#include "buf.h"
#include "device.h"
#include "diag.h"
#include "practices.h"
#include "version.h"
#include "yaml_tree.h"

enum rule_kind {
	RULE_OBSERVED,
	RULE_OS_VERSION,
	RULE_SOFTWARE,
	RULE_KIND__MAX
};

/* A version from the practices file, with its text for details. */
struct version_floor {
	struct version	 version;
	char		*text;
};

/* One or more floors for one platform; see rule_pick_floor. */
struct version_list {
	struct version_floor	*items;
	size_t			 count;
};

struct practice {
	char		*key;
	enum rule_kind	 kind;
	char		*titles[STATUS__MAX];	/* every status has one */
	char		*description;
	char		*directions[PLATFORM__MAX];	/* or NULL */
	char		*link;			/* NULL when not given */
	enum rating	 rating;
	unsigned char	 not_applicable[PLATFORM__MAX];
	unsigned char	 always_ok[PLATFORM__MAX];
	struct version_floor na_from[PLATFORM__MAX];	/* text NULL: not set */
	int		 platform_required;
	enum status	 status_if_missing;
	enum status	 status_if_false;
	void		*settings;		/* owned by the rule kind */
	int		 line, column;		/* of the practice's mapping */
};

struct practices {
	struct practice	*items;
	size_t		 count;
};

/* State while one file loads. */
struct practices_loader {
	const char		*file;		/* as given, for messages */
	struct diag_list	*diags;
	struct buf		 subject;	/* "practice \"firewall\"" */
};

/* What a rule kind's evaluator decides; details are owned by the caller. */
struct rule_outcome {
	enum status	 status;
	char		*details;	/* or NULL */
	time_t		 last_updated;	/* 0 when unknown */
};

/*
 * Check value and store it in target, a struct practice for the common
 * settings or the rule kind's settings. name is the setting's key.
 * Problems go to the loader's diagnostics and leave target unchanged.
 */
typedef void setting_parser(struct practices_loader *ld, void *target,
    const char *name, const struct ynode *value);

/* One row of a settings table. */
struct setting {
	const char	*name;
	int		 required;
	setting_parser	*parse;
};

/* One row of the rule kind table: a kind's settings and behaviour. */
struct rule_kind_def {
	const char		*name;
	const struct setting	*settings;
	size_t			 setting_count;

	/* Return a zeroed settings struct for the parsers to fill. */
	void	*(*new_settings)(void);

	/* Check settings that depend on each other, once all are read. */
	void	 (*check)(struct practices_loader *ld, const void *settings,
		    const struct ynode *map);

	/* Decide the status of pr once the platform rules have not. */
	void	 (*evaluate)(const struct practice *pr,
		    const struct device_record *device,
		    struct rule_outcome *out);

	void	 (*free_settings)(void *settings);
};

/* The settings of every practice, in practices_common.c. */
extern const struct setting	common_settings[];
extern const size_t		common_setting_count;

/* The kinds, each defined in its own file, and the table indexing them. */
extern const struct rule_kind_def observed_kind, os_version_kind,
	software_kind;
extern const struct rule_kind_def *const rule_kinds[RULE_KIND__MAX];

/* --- setting parsers (practices_settings.c) ------------------------------ */

/* Add a diagnostic at node, prefixed with the practice being loaded. */
void	loader_report(struct practices_loader *ld, const struct ynode *node,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * Return the text of a non-empty scalar without NUL bytes, or NULL after
 * reporting why not. expected names the value for messages ("a string").
 */
const char *setting_text(struct practices_loader *ld, const char *name,
	    const struct ynode *value, const char *expected);

int	setting_bool(struct practices_loader *ld, const char *name,
	    const struct ynode *value, int *out);
int	setting_status(struct practices_loader *ld, const char *name,
	    const struct ynode *value, enum status *out);

/* Parse a platform name in a key or a value: Mac, Windows, ... */
int	setting_platform(struct practices_loader *ld, const char *name,
	    const struct ynode *node, enum platform *out);

/*
 * Parse a version written in the practices file: only the dotted numbers,
 * without a suffix. On success the floor owns a copy of the text.
 */
int	setting_version(struct practices_loader *ld, const char *name,
	    const struct ynode *value, struct version_floor *out);

/* Parse a version or a list of versions into *out, appending. */
int	setting_version_list(struct practices_loader *ld, const char *name,
	    const struct ynode *value, struct version_list *out);

/* Parse a list of platform names into a set. */
int	setting_platform_set(struct practices_loader *ld, const char *name,
	    const struct ynode *value, unsigned char set[PLATFORM__MAX]);

/*
 * Parse a list of non-empty strings (or a single string) into a new array
 * stored in *out with *count entries. Returns 0 or -1.
 */
int	setting_string_list(struct practices_loader *ld, const char *name,
	    const struct ynode *value, char ***out, size_t *count);

/*
 * Check that value is a mapping of platform names and call each for every
 * entry whose platform is valid and not repeated. dotted is "NAME.KEY".
 */
typedef void platform_entry(struct practices_loader *ld, void *arg,
    enum platform platform, const char *dotted, const struct ynode *value);
int	setting_platform_map(struct practices_loader *ld, const char *name,
	    const struct ynode *value, platform_entry *each, void *arg);

void	version_floor_free(struct version_floor *floor);
void	version_list_free(struct version_list *list);
void	string_list_free(char **list, size_t count);

/* --- evaluation helpers (practices_rules.c) ------------------------------ */

/*
 * Pick the floor that applies to v: the one sharing the most leading
 * components with v, and among those the lowest. So floors 14.8.3, 15.7.3
 * and 26.2 hold each release line to its own patch level, and a version
 * of a line not listed meets the lowest floor. NULL when the list is empty.
 */
const struct version_floor *rule_pick_floor(const struct version_list *list,
	    const struct version *v);

/* Return the device's OS name, or its platform name when no OS name is set. */
const char *rule_os_label(const struct device_record *device);

/* Return s without leading and trailing blanks, as a new string. */
char	*rule_trimmed(const char *s);

#endif
