/*
 * The service configuration, stethoscope.yaml.
 *
 * Example:
 *   listen: unix:/run/stethoscope/stethoscope.sock    # or 127.0.0.1:9000
 *   socket_mode: "0660"
 *   workers: 0                 # 0 or absent: one per online CPU
 *   practices: practices.yaml  # relative paths resolve against the
 *   templates: /usr/share/stethoscope/templates   # config file's directory
 *   static: /usr/share/stethoscope/static
 *   admins:
 *     emails: [alice@example.com]
 *     groups: [security-admins]
 *   log_level: info            # error, warn, info, debug
 *   pid_file: /run/stethoscope/stethoscope.pid
 *   drain_timeout: 10          # seconds
 *   limits:
 *     max_query_bytes: 4096
 *     max_body_bytes: 65536
 *   fetch:
 *     deadline_ms: 5000        # the whole page's budget for the sources
 *     cache_ttl: 60            # seconds; 0 disables the response cache
 *     ca_file: /etc/ssl/private-ca.pem
 *   site:
 *     name: Example Ltd        # the organisation, shown in the footer
 *     title: Stethoscope       # the application's name in every <title>
 *     contact: it@example.com  # an email address or an http(s) URL
 *     stale_days: 14           # a device not seen for longer is stale
 *     faq:
 *       - { question: ..., answer: ... }
 *   sources:                   # each adapter validates its own settings
 *     jamf: { url: ..., ... }
 */
#ifndef STETHOSCOPE_CONFIG_H
#define STETHOSCOPE_CONFIG_H

#include <stddef.h>
#include <sys/types.h>

#include "diag.h"
#include "log.h"

#define CONFIG_MAX_FILE_BYTES	(1024 * 1024)

struct source_ops;

/* One configured source: its adapter and the state its settings built. */
struct source_instance {
	const struct source_ops	*ops;
	void			*state;
};

/* One entry of site.faq. */
struct config_faq {
	char	*question;
	char	*answer;
};

struct config {
	char		*path;		/* the file this was loaded from */
	char		*listen;	/* "unix:PATH" or "HOST:PORT", HOST a loopback or any address */
	mode_t		 socket_mode;	/* for a unix socket; default 0660 */
	int		 workers;	/* resolved: never 0 after loading */
	char		*practices_path;	/* absolute after loading */
	char		*templates_dir;		/* absolute after loading */
	char		*static_dir;		/* absolute after loading */
	char		**admin_emails;	/* lower-cased */
	size_t		 admin_email_count;
	char		**admin_groups;
	size_t		 admin_group_count;
	enum log_level	 log_level;	/* default info */
	char		*pid_file;	/* NULL when not set */
	int		 drain_timeout_ms;	/* default 10000 */
	size_t		 max_query_bytes;	/* default 4096 */
	size_t		 max_body_bytes;	/* default 65536 */
	int		 fetch_deadline_ms;	/* default 5000 */
	int		 cache_ttl_s;		/* default 60 */
	char		*ca_file;		/* NULL: the system's CAs */
	char		*site_name;		/* NULL when not set */
	char		*site_title;		/* default "Stethoscope" */
	char		*site_contact;		/* email or http(s) URL; NULL when not set */
	int		 stale_days;		/* default 14 */
	struct config_faq *faq;			/* in the order of the file */
	size_t		 faq_count;
	struct source_instance *sources;	/* in the order of the file */
	size_t		 source_count;
};

/*
 * Load and validate the file at path. On success return 0 and a config in
 * *out that the caller frees with config_free. On any error return -1,
 * leave *out NULL and add every problem found to diags as
 * FILE:LINE:COLUMN: message naming the key and what was expected.
 */
int	config_load(const char *path, struct config **out,
	    struct diag_list *diags);

void	config_free(struct config *cfg);

/*
 * Return 1 when the person is an admin: the email matches one of
 * admin_emails (case-insensitively), or one of the comma-separated groups
 * matches one of admin_groups exactly after trimming spaces.
 */
int	config_is_admin(const struct config *cfg, const char *email,
	    const char *groups);

#endif
