/* Loading and validating stethoscope.yaml against a table of keys. */

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "config_internal.h"
#include "source.h"
#include "diag.h"
#include "log.h"
#include "xalloc.h"
#include "yaml_tree.h"

/* stethoscope.yaml is three levels deep, so 16 leaves room for more. */
#define CONFIG_MAX_DEPTH	16

#define FIELD(f)	offsetof(struct config, f)
#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const struct config_key admin_keys[] = {
	{ .name = "emails", .kind = YNODE_SEQUENCE,
	  .expected = "a list of email addresses",
	  .set = config_set_string_list, .offset = FIELD(admin_emails),
	  .count_offset = FIELD(admin_email_count),
	  .check = config_check_email },
	{ .name = "groups", .kind = YNODE_SEQUENCE,
	  .expected = "a list of group names",
	  .set = config_set_string_list, .offset = FIELD(admin_groups),
	  .count_offset = FIELD(admin_group_count),
	  .check = config_check_group },
};

static const struct config_key limit_keys[] = {
	{ .name = "max_query_bytes", .kind = YNODE_SCALAR,
	  .expected = "a number of bytes", .set = config_set_size,
	  .offset = FIELD(max_query_bytes), .min = 256, .max = 1048576,
	  .scale = 1 },
	{ .name = "max_body_bytes", .kind = YNODE_SCALAR,
	  .expected = "a number of bytes", .set = config_set_size,
	  .offset = FIELD(max_body_bytes), .min = 0, .max = 67108864,
	  .scale = 1 },
};

static const struct config_key fetch_keys[] = {
	{ .name = "deadline_ms", .kind = YNODE_SCALAR,
	  .expected = "a number of milliseconds", .set = config_set_int,
	  .offset = FIELD(fetch_deadline_ms), .min = 100, .max = 25000,
	  .scale = 1 },
	{ .name = "cache_ttl", .kind = YNODE_SCALAR,
	  .expected = "a number of seconds", .set = config_set_int,
	  .offset = FIELD(cache_ttl_s), .min = 0, .max = 3600, .scale = 1 },
	{ .name = "ca_file", .kind = YNODE_SCALAR, .expected = "a path",
	  .set = config_set_path, .offset = FIELD(ca_file) },
};

static const struct config_key site_keys[] = {
	{ .name = "name", .kind = YNODE_SCALAR, .expected = "a string",
	  .set = config_set_text, .offset = FIELD(site_name) },
	{ .name = "title", .kind = YNODE_SCALAR, .expected = "a string",
	  .set = config_set_text, .offset = FIELD(site_title) },
	{ .name = "contact", .kind = YNODE_SCALAR,
	  .expected = "an email address or a URL",
	  .set = config_set_contact, .offset = FIELD(site_contact) },
	{ .name = "stale_days", .kind = YNODE_SCALAR,
	  .expected = "a number of days", .set = config_set_int,
	  .offset = FIELD(stale_days), .min = 1, .max = 3650, .scale = 1 },
	{ .name = "faq", .kind = YNODE_SEQUENCE,
	  .expected = "a list of questions and answers",
	  .set = config_set_faq },
};

static const struct config_key top_keys[] = {
	{ .name = "listen", .kind = YNODE_SCALAR, .expected = "a string",
	  .set = config_set_listen, .offset = FIELD(listen), .required = 1 },
	{ .name = "socket_mode", .kind = YNODE_SCALAR,
	  .expected = "an octal mode such as \"0660\"",
	  .set = config_set_socket_mode, .offset = FIELD(socket_mode) },
	{ .name = "workers", .kind = YNODE_SCALAR, .expected = "an integer",
	  .set = config_set_int, .offset = FIELD(workers), .min = 0,
	  .max = CONFIG_MAX_WORKERS, .scale = 1 },
	{ .name = "practices", .kind = YNODE_SCALAR, .expected = "a path",
	  .set = config_set_path, .offset = FIELD(practices_path),
	  .required = 1 },
	{ .name = "templates", .kind = YNODE_SCALAR, .expected = "a path",
	  .set = config_set_path, .offset = FIELD(templates_dir),
	  .required = 1 },
	{ .name = "static", .kind = YNODE_SCALAR, .expected = "a path",
	  .set = config_set_path, .offset = FIELD(static_dir) },
	{ .name = "admins", .kind = YNODE_MAPPING, .expected = "a mapping",
	  .set = config_set_section, .sub = admin_keys,
	  .nsub = NELEM(admin_keys) },
	{ .name = "log_level", .kind = YNODE_SCALAR, .expected = "a string",
	  .set = config_set_log_level, .offset = FIELD(log_level) },
	{ .name = "pid_file", .kind = YNODE_SCALAR, .expected = "a path",
	  .set = config_set_path, .offset = FIELD(pid_file) },
	{ .name = "drain_timeout", .kind = YNODE_SCALAR,
	  .expected = "a number of seconds", .set = config_set_int,
	  .offset = FIELD(drain_timeout_ms), .min = 0, .max = 3600,
	  .scale = 1000 },
	{ .name = "limits", .kind = YNODE_MAPPING, .expected = "a mapping",
	  .set = config_set_section, .sub = limit_keys,
	  .nsub = NELEM(limit_keys) },
	{ .name = "fetch", .kind = YNODE_MAPPING, .expected = "a mapping",
	  .set = config_set_section, .sub = fetch_keys,
	  .nsub = NELEM(fetch_keys) },
	{ .name = "site", .kind = YNODE_MAPPING, .expected = "a mapping",
	  .set = config_set_section, .sub = site_keys,
	  .nsub = NELEM(site_keys) },
	{ .name = "sources", .kind = YNODE_MAPPING,
	  .expected = "a mapping of source names to their settings",
	  .set = config_set_sources },
};

/* --- the table walk ------------------------------------------------------ */

static void
report_unknown_key(struct config_loader *ld, const struct ynode *keynode,
    const struct config_key *table, size_t n, const char *prefix)
{
	struct buf	 name = BUF_INIT, expected = BUF_INIT;
	struct buf	 quoted = BUF_INIT;
	size_t		 i;

	if (prefix != NULL)
		buf_printf(&name, "%s.", prefix);
	buf_append(&name, keynode->value, keynode->len);
	for (i = 0; i < n; i++)
		buf_printf(&expected, "%s%s", i > 0 ? ", " : "",
		    table[i].name);

	/* Quote the whole dotted name so control characters are escaped. */
	yaml_quote(&quoted, name.data, name.len);
	config_report(ld, keynode, "unknown key %s; expected one of: %s",
	    quoted.data, expected.data);

	buf_free(&quoted);
	buf_free(&expected);
	buf_free(&name);
}

static const struct config_key *
find_key(const struct config_key *table, size_t n, const struct ynode *key)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strlen(table[i].name) == key->len &&
		    memcmp(table[i].name, key->value, key->len) == 0)
			return &table[i];
	return NULL;
}

/*
 * Check every key of map against table and call the setters. A null value
 * ("key:" with nothing after it, or "~") leaves the default in place,
 * except for a required key. prefix is the dotted name of the enclosing
 * section, or NULL at the top level.
 */
void
config_walk_mapping(struct config_loader *ld, const struct ynode *map,
    const struct config_key *table, size_t n, const char *prefix)
{
	struct buf		 name = BUF_INIT;
	const struct config_key	*key;
	const struct ynode	*value;
	unsigned char		*seen;
	size_t			 i;

	seen = xcalloc(n, 1);
	for (i = 0; i < map->count; i++) {
		if ((key = find_key(table, n, map->keys[i])) == NULL) {
			report_unknown_key(ld, map->keys[i], table, n, prefix);
			continue;
		}
		seen[key - table] = 1;
		value = map->items[i];

		buf_reset(&name);
		if (prefix != NULL)
			buf_printf(&name, "%s.", prefix);
		buf_puts(&name, key->name);

		if (ynode_is_null(value)) {
			if (key->required)
				config_report(ld, value, "\"%s\" has no value; "
				    "expected %s", name.data, key->expected);
			continue;
		}
		if (value->kind != key->kind) {
			config_report(ld, value, "\"%s\" must be %s, not %s",
			    name.data, key->expected,
			    ynode_kind_name(value->kind));
			continue;
		}
		key->set(ld, key, name.data, value);
	}

	for (i = 0; i < n; i++) {
		if (!table[i].required || seen[i])
			continue;
		if (prefix != NULL)
			config_report(ld, map, "missing required key \"%s.%s\"",
			    prefix, table[i].name);
		else
			config_report(ld, map, "missing required key \"%s\"",
			    table[i].name);
	}
	free(seen);
	buf_free(&name);
}

/* --- loading -------------------------------------------------------------- */

/* Return path made absolute against the working directory, or NULL. */
static char *
absolute_path(const char *path)
{
	struct buf	 b = BUF_INIT;
	char		*cwd;

	if (path[0] == '/')
		return xstrdup(path);
	if ((cwd = getcwd(NULL, 0)) == NULL)
		return NULL;
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	buf_puts(&b, cwd);
	if (b.data[b.len - 1] != '/')
		buf_putc(&b, '/');
	buf_puts(&b, path);
	free(cwd);
	return buf_detach(&b);
}

static char *
directory_of(const char *abspath)
{
	const char	*slash;

	slash = strrchr(abspath, '/');
	if (slash == abspath)
		return xstrdup("/");
	return xstrndup(abspath, (size_t)(slash - abspath));
}

static void
set_defaults(struct config *cfg)
{
	cfg->socket_mode = 0660;
	cfg->workers = 0;
	cfg->log_level = LOG_LEVEL_INFO;
	cfg->drain_timeout_ms = 10000;
	cfg->max_query_bytes = 4096;
	cfg->max_body_bytes = 65536;
	cfg->fetch_deadline_ms = 5000;
	cfg->cache_ttl_s = 60;
	cfg->stale_days = 14;
}

/* Turn workers: 0 into one worker per online CPU, at most the maximum. */
static int
resolve_workers(int workers)
{
	long	 cpus;

	if (workers > 0)
		return workers;
	cpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (cpus < 1)
		return 1;
	return cpus > CONFIG_MAX_WORKERS ? CONFIG_MAX_WORKERS : (int)cpus;
}

int
config_load(const char *path, struct config **out, struct diag_list *diags)
{
	struct yaml_limits	 limits = { CONFIG_MAX_FILE_BYTES,
				    CONFIG_MAX_DEPTH };
	struct config_loader	 ld;
	struct ynode		*root = NULL;
	size_t			 errors_before;
	int			 rc = -1;

	*out = NULL;
	errors_before = diags->count;
	memset(&ld, 0, sizeof(ld));
	ld.file = path;
	ld.diags = diags;
	ld.cfg = xcalloc(1, sizeof(*ld.cfg));
	set_defaults(ld.cfg);

	if (yaml_tree_load_file(path, &limits, &root, diags) == -1)
		goto out;
	if (root == NULL) {
		diag_add(diags, path, 1, 1, "empty file; expected a mapping");
		goto out;
	}
	if (root->kind != YNODE_MAPPING) {
		config_report(&ld, root, "the top level must be a mapping of "
		    "keys such as \"listen\", not %s",
		    ynode_kind_name(root->kind));
		goto out;
	}

	if ((ld.cfg->path = absolute_path(path)) == NULL) {
		diag_add(diags, path, 0, 0, "cannot resolve relative paths: "
		    "getcwd: %s", strerror(errno));
		goto out;
	}
	ld.dir = directory_of(ld.cfg->path);

	config_walk_mapping(&ld, root, top_keys, NELEM(top_keys), NULL);
	if (diags->count > errors_before)
		goto out;

	ld.cfg->workers = resolve_workers(ld.cfg->workers);
	if (ld.cfg->site_title == NULL)
		ld.cfg->site_title = xstrdup("Stethoscope");
	*out = ld.cfg;
	ld.cfg = NULL;
	rc = 0;

out:
	config_free(ld.cfg);
	free(ld.dir);
	ynode_free(root);
	return rc;
}

static void
free_list(char **list, size_t count)
{
	size_t	 i;

	for (i = 0; i < count; i++)
		free(list[i]);
	free(list);
}

void
config_free(struct config *cfg)
{
	size_t	 i;

	if (cfg == NULL)
		return;
	free(cfg->path);
	free(cfg->listen);
	free(cfg->practices_path);
	free(cfg->templates_dir);
	free(cfg->static_dir);
	free_list(cfg->admin_emails, cfg->admin_email_count);
	free_list(cfg->admin_groups, cfg->admin_group_count);
	free(cfg->pid_file);
	free(cfg->ca_file);
	free(cfg->site_name);
	free(cfg->site_title);
	free(cfg->site_contact);
	for (i = 0; i < cfg->faq_count; i++) {
		free(cfg->faq[i].question);
		free(cfg->faq[i].answer);
	}
	free(cfg->faq);
	for (i = 0; i < cfg->source_count; i++)
		if (cfg->sources[i].state != NULL)
			cfg->sources[i].ops->free(cfg->sources[i].state);
	free(cfg->sources);
	free(cfg);
}

/* Return 1 when the group [start, end) trimmed of blanks is an admin group. */
static int
is_admin_group(const struct config *cfg, const char *start, const char *end)
{
	size_t	 i, len;

	while (start < end && (*start == ' ' || *start == '\t'))
		start++;
	while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	len = (size_t)(end - start);
	if (len == 0)
		return 0;
	for (i = 0; i < cfg->admin_group_count; i++)
		if (strlen(cfg->admin_groups[i]) == len &&
		    memcmp(cfg->admin_groups[i], start, len) == 0)
			return 1;
	return 0;
}

int
config_is_admin(const struct config *cfg, const char *email,
    const char *groups)
{
	const char	*start, *comma;
	size_t		 i;

	if (cfg == NULL)
		return 0;

	if (email != NULL && email[0] != '\0')
		for (i = 0; i < cfg->admin_email_count; i++)
			if (strcasecmp(cfg->admin_emails[i], email) == 0)
				return 1;

	if (groups == NULL)
		return 0;
	for (start = groups;; start = comma + 1) {
		comma = strchr(start, ',');
		if (is_admin_group(cfg, start,
		    comma != NULL ? comma : start + strlen(start)))
			return 1;
		if (comma == NULL)
			return 0;
	}
}
