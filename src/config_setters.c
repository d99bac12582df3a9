/* The setters of the stethoscope.yaml key table: check a value, store it. */

#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/un.h>

#include "buf.h"
#include "config_internal.h"
#include "source.h"
#include "diag.h"
#include "log.h"
#include "xalloc.h"
#include "yaml_tree.h"

static void *
field_ptr(struct config_loader *ld, size_t offset)
{
	return (char *)ld->cfg + offset;
}

void
config_report(struct config_loader *ld, const struct ynode *node,
    const char *fmt, ...)
{
	struct buf	 msg = BUF_INIT;
	va_list		 ap;

	va_start(ap, fmt);
	buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	diag_add(ld->diags, ld->file, node->line, node->column, "%s",
	    msg.data);
	buf_free(&msg);
}

/* Return value->value quoted for a message. The caller frees it. */
static char *
quote_value(const struct ynode *value)
{
	struct buf	 b = BUF_INIT;

	yaml_quote(&b, value->value, value->len);
	return buf_detach(&b);
}

/* Scalar text usable as a C string: not empty and without a NUL byte. */
static const char *
scalar_text(struct config_loader *ld, const char *name,
    const struct ynode *value)
{
	if (value->len == 0) {
		config_report(ld, value, "\"%s\" must not be empty", name);
		return NULL;
	}
	if (strlen(value->value) != value->len) {
		config_report(ld, value, "\"%s\" contains a NUL character",
		    name);
		return NULL;
	}
	return value->value;
}

static int
has_space_or_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

static int
parse_port(const char *s)
{
	long	 port = 0;

	if (*s == '\0' || strlen(s) > 5)
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		port = port * 10 + (*s - '0');
	}
	return port >= 1 && port <= 65535 ? (int)port : -1;
}

static void
check_unix_listen(struct config_loader *ld, const char *name,
    const struct ynode *value, const char *path)
{
	char	*quoted;
	size_t	 max;

	max = sizeof(((struct sockaddr_un *)NULL)->sun_path) - 1;
	if (path[0] != '/') {
		quoted = quote_value(value);
		config_report(ld, value, "\"%s\" must name an absolute "
		    "socket path, as in "
		    "\"unix:/run/stethoscope/stethoscope.sock\", not %s",
		    name, quoted);
		free(quoted);
	} else if (strlen(path) > max) {
		config_report(ld, value, "\"%s\" socket path is %zu bytes; "
		    "the limit is %zu", name, strlen(path), max);
	}
}

/*
 * An IPv6 address contains colons, so it must be written in brackets
 * ("[::1]") for the last colon to start the port. Other hosts have neither.
 */
static int
host_brackets_valid(const char *host, size_t len)
{
	if (host[0] == '[')
		return len >= 3 && host[len - 1] == ']' &&
		    strchr(host + 1, '[') == NULL &&
		    strchr(host, ']') == host + len - 1;
	return strchr(host, ':') == NULL && strchr(host, ']') == NULL;
}

/* Check "HOST:PORT", where an IPv6 HOST is written in brackets. */
static void
check_inet_listen(struct config_loader *ld, const char *name,
    const struct ynode *value, const char *text)
{
	const char	*colon;
	char		*host, *quoted;
	size_t		 hostlen;

	quoted = quote_value(value);
	colon = strrchr(text, ':');
	if (colon == NULL) {
		config_report(ld, value, "\"%s\" must be "
		    "\"unix:/absolute/path\" or \"HOST:PORT\", not %s", name,
		    quoted);
		goto out;
	}
	host = xstrndup(text, (size_t)(colon - text));
	hostlen = strlen(host);

	if (hostlen == 0)
		config_report(ld, value, "\"%s\" needs a host before the "
		    "port, as in \"127.0.0.1:9000\", not %s", name, quoted);
	else if (has_space_or_control(host))
		config_report(ld, value, "\"%s\" host must not contain "
		    "spaces or control characters, not %s", name, quoted);
	else if (!host_brackets_valid(host, hostlen))
		config_report(ld, value, "\"%s\" must write an IPv6 address in "
		    "brackets, as in \"[::1]:9000\", not %s", name, quoted);
	if (parse_port(colon + 1) == -1)
		config_report(ld, value, "\"%s\" port must be a number from "
		    "1 to 65535, not %s", name, quoted);
	free(host);

out:
	free(quoted);
}

void
config_set_listen(struct config_loader *ld, const struct config_key *key,
    const char *name, const struct ynode *value)
{
	static const char unix_prefix[] = "unix:";
	const char	*text;
	size_t		 errors_before;
	char		**field;

	if ((text = scalar_text(ld, name, value)) == NULL)
		return;

	errors_before = ld->diags->count;
	if (strncmp(text, unix_prefix, sizeof(unix_prefix) - 1) == 0)
		check_unix_listen(ld, name, value,
		    text + sizeof(unix_prefix) - 1);
	else
		check_inet_listen(ld, name, value, text);
	if (ld->diags->count > errors_before)
		return;

	field = field_ptr(ld, key->offset);
	free(*field);
	*field = xstrdup(text);
}

/*
 * The mode is read as octal text whether it was quoted or not, because
 * YAML 1.1 and 1.2 disagree on what a plain 0660 means.
 */
void
config_set_socket_mode(struct config_loader *ld,
    const struct config_key *key, const char *name, const struct ynode *value)
{
	const char	*text, *p;
	char		*quoted;
	unsigned long	 mode = 0;

	if ((text = scalar_text(ld, name, value)) == NULL)
		return;

	/* Saturate instead of overflowing, since anything above 0777 fails. */
	quoted = quote_value(value);
	for (p = text; *p >= '0' && *p <= '7'; p++)
		if (mode <= 0777)
			mode = mode * 8 + (unsigned long)(*p - '0');
	if (*p != '\0') {
		config_report(ld, value, "\"%s\" must be an octal mode such as "
		    "\"0660\", not %s", name, quoted);
	} else if (mode > 0777) {
		config_report(ld, value, "\"%s\" %s has bits beyond 0777; use "
		    "permission bits only, such as \"0660\"", name, quoted);
	} else if (mode & 0002) {
		config_report(ld, value, "\"%s\" %s makes the socket "
		    "world-writable, so any local user could connect and "
		    "forge identities; use \"0660\" and put the web server in "
		    "the group", name, quoted);
	} else {
		*(mode_t *)field_ptr(ld, key->offset) = (mode_t)mode;
	}
	free(quoted);
}

/*
 * Parse a decimal integer within [key->min, key->max] and multiply it by
 * key->scale. Quoted numbers are accepted too. Return 0, or -1 after
 * reporting the value and the allowed range.
 */
static int
parse_in_range(struct config_loader *ld, const struct config_key *key,
    const char *name, const struct ynode *value, long long *out)
{
	const char	*p;
	char		*quoted;
	long long	 n = 0;
	int		 ok;

	ok = value->len > 0 && value->len <= 18;
	for (p = value->value; ok && *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			ok = 0;
		else
			n = n * 10 + (*p - '0');
	}
	if (ok && (size_t)(p - value->value) != value->len)
		ok = 0;
	if (ok && n >= key->min && n <= key->max) {
		*out = n * key->scale;
		return 0;
	}

	quoted = quote_value(value);
	config_report(ld, value, "\"%s\" must be %s from %lld to %lld, not %s",
	    name, key->expected, key->min, key->max, quoted);
	free(quoted);
	return -1;
}

void
config_set_int(struct config_loader *ld, const struct config_key *key,
    const char *name, const struct ynode *value)
{
	long long	 n;

	if (parse_in_range(ld, key, name, value, &n) == 0)
		*(int *)field_ptr(ld, key->offset) = (int)n;
}

void
config_set_size(struct config_loader *ld, const struct config_key *key,
    const char *name, const struct ynode *value)
{
	long long	 n;

	if (parse_in_range(ld, key, name, value, &n) == 0)
		*(size_t *)field_ptr(ld, key->offset) = (size_t)n;
}

void
config_set_log_level(struct config_loader *ld,
    const struct config_key *key, const char *name, const struct ynode *value)
{
	enum log_level	 level;
	char		*quoted;

	if (strlen(value->value) == value->len &&
	    log_level_parse(value->value, &level) == 0) {
		*(enum log_level *)field_ptr(ld, key->offset) = level;
		return;
	}
	quoted = quote_value(value);
	config_report(ld, value, "\"%s\" must be one of error, warn, info, "
	    "debug, not %s", name, quoted);
	free(quoted);
}

/* Relative paths resolve against the config file's directory. */
void
config_set_path(struct config_loader *ld, const struct config_key *key,
    const char *name, const struct ynode *value)
{
	struct buf	 path = BUF_INIT;
	const char	*text;
	char		**field;

	if ((text = scalar_text(ld, name, value)) == NULL)
		return;

	while (text[0] == '.' && text[1] == '/')
		text += 2;
	if (text[0] != '/') {
		buf_puts(&path, ld->dir);
		if (path.len == 0 || path.data[path.len - 1] != '/')
			buf_putc(&path, '/');
	}
	buf_puts(&path, text);

	field = field_ptr(ld, key->offset);
	free(*field);
	*field = buf_detach(&path);
}

const char *
config_check_email(char *value)
{
	char	*at, *p;

	at = strchr(value, '@');
	if (at == NULL || at == value || at[1] == '\0' ||
	    strchr(at + 1, '@') != NULL || has_space_or_control(value))
		return "is not an email address; expected NAME@DOMAIN with "
		    "one \"@\" and no spaces";
	for (p = value; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return NULL;
}

/* Groups reach the worker comma-separated, with spaces trimmed. */
const char *
config_check_group(char *value)
{
	const char	*p;
	size_t		 len;

	len = strlen(value);
	if (strchr(value, ',') != NULL)
		return "contains a comma; the SSO proxy separates groups with "
		    "commas, so list each group as its own entry";
	if (value[0] == ' ' || value[len - 1] == ' ')
		return "starts or ends with a space, so it could never match "
		    "a group from the SSO proxy";
	for (p = value; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return "contains a control character";
	return NULL;
}

void
config_set_string_list(struct config_loader *ld,
    const struct config_key *key, const char *name, const struct ynode *value)
{
	char		**list, *entry, *quoted;
	const char	*problem;
	size_t		 i, n = 0;

	list = xcalloc(value->count + 1, sizeof(list[0]));
	for (i = 0; i < value->count; i++) {
		const struct ynode *item = value->items[i];

		if (item->kind != YNODE_SCALAR) {
			config_report(ld, item, "\"%s\" entries must be "
			    "strings, not %s", name,
			    ynode_kind_name(item->kind));
			continue;
		}
		if (item->len == 0 || strlen(item->value) != item->len) {
			config_report(ld, item, "\"%s\" entries must not be "
			    "empty or contain a NUL character", name);
			continue;
		}
		entry = xstrdup(item->value);
		if ((problem = key->check(entry)) != NULL) {
			quoted = quote_value(item);
			config_report(ld, item, "\"%s\" entry %s %s", name,
			    quoted, problem);
			free(quoted);
			free(entry);
			continue;
		}
		list[n++] = entry;
	}

	*(char ***)field_ptr(ld, key->offset) = list;
	*(size_t *)field_ptr(ld, key->count_offset) = n;
}

void
config_set_section(struct config_loader *ld, const struct config_key *key,
    const char *name, const struct ynode *value)
{
	config_walk_mapping(ld, value, key->sub, key->nsub, name);
}

/*
 * Hand each entry of the sources mapping to the adapter of that name,
 * which checks its own settings and builds its state.
 */
void
config_set_sources(struct config_loader *ld, const struct config_key *key,
    const char *name, const struct ynode *value)
{
	const struct source_ops	*ops;
	struct buf		 known = BUF_INIT;
	struct config		*cfg = ld->cfg;
	void			*state;
	size_t			 i;

	(void)key;
	(void)name;
	for (i = 0; source_table[i] != NULL; i++)
		buf_printf(&known, "%s%s", i > 0 ? ", " : "",
		    source_table[i]->name);

	cfg->sources = xcalloc(value->count ? value->count : 1,
	    sizeof(cfg->sources[0]));
	for (i = 0; i < value->count; i++) {
		ops = source_find(value->keys[i]->value);
		if (ops == NULL) {
			config_report(ld, value->keys[i], "unknown source "
			    "\"%s\"; expected one of: %s",
			    value->keys[i]->value, known.data ? known.data : "");
			continue;
		}
		if (value->items[i]->kind != YNODE_MAPPING) {
			config_report(ld, value->items[i], "\"sources.%s\" must "
			    "be a mapping of settings, not %s", ops->name,
			    ynode_kind_name(value->items[i]->kind));
			continue;
		}
		state = ops->configure(cfg->path, value->items[i], ld->diags);
		if (state == NULL)
			continue;
		cfg->sources[cfg->source_count].ops = ops;
		cfg->sources[cfg->source_count].state = state;
		cfg->source_count++;
	}
	buf_free(&known);
}
