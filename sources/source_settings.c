/* Checking a source's settings mapping against its table, reading secrets. */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "diag.h"
#include "source_settings.h"
#include "xalloc.h"
#include "yaml_tree.h"

/* Dotted key for messages, such as "columns.serial". */
struct key_path {
	const char	*file;
	const char	*source;
	const char	*prefix;	/* NULL at the top of the mapping */
	struct diag_list *diags;
};

void
source_settings_report(struct diag_list *diags, const char *file,
    const char *source, const char *key, const struct ynode *node,
    const char *fmt, ...)
{
	struct buf	 msg = BUF_INIT;
	va_list		 ap;

	buf_printf(&msg, "sources.%s", source);
	if (key != NULL)
		buf_printf(&msg, ".%s", key);
	buf_puts(&msg, ": ");
	va_start(ap, fmt);
	buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	diag_add(diags, file, node != NULL ? node->line : 0,
	    node != NULL ? node->column : 0, "%s", msg.data);
	buf_free(&msg);
}

static void *
field(void *target, size_t offset)
{
	return (char *)target + offset;
}

static int
has_control(const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 1;
	return 0;
}

/* Return the value as text, or NULL after reporting why it cannot be. */
static const char *
scalar_text(const struct key_path *kp, const char *key,
    const struct ynode *value)
{
	if (value->kind != YNODE_SCALAR) {
		source_settings_report(kp->diags, kp->file, kp->source, key,
		    value, "expected a string, not %s",
		    ynode_kind_name(value->kind));
		return NULL;
	}
	if (value->len == 0 || ynode_is_null(value)) {
		source_settings_report(kp->diags, kp->file, kp->source, key,
		    value, "must not be empty");
		return NULL;
	}
	if (has_control(value->value, value->len)) {
		source_settings_report(kp->diags, kp->file, kp->source, key,
		    value, "must not contain control characters");
		return NULL;
	}
	return value->value;
}

static void
replace_string(void *target, size_t offset, const char *text, size_t len)
{
	char	**slot = field(target, offset);

	free(*slot);
	*slot = xstrndup(text, len);
}

/*
 * Accept "http://HOST[:PORT]/PATH" or https. Credentials in the URL are
 * rejected because URLs reach logs; query and fragment have no meaning in
 * a base URL.
 */
static const char *
url_problem(const char *url)
{
	const char	*authority;
	size_t		 authority_len;

	if (strncasecmp(url, "http://", 7) == 0)
		authority = url + 7;
	else if (strncasecmp(url, "https://", 8) == 0)
		authority = url + 8;
	else
		return "expected a URL starting with http:// or https://";
	authority_len = strcspn(authority, "/");
	if (authority_len == 0)
		return "expected a host name after the scheme";
	if (memchr(authority, '@', authority_len) != NULL)
		return "must not contain credentials; use the username and "
		    "password settings";
	if (strpbrk(url, " ?#\\") != NULL)
		return "must not contain spaces, backslashes, a query or a "
		    "fragment";
	return NULL;
}

static void
set_url(const struct key_path *kp, const char *key, const struct ynode *value,
    void *target, size_t offset)
{
	const char	*text, *problem;
	size_t		 len;

	if ((text = scalar_text(kp, key, value)) == NULL)
		return;
	if ((problem = url_problem(text)) != NULL) {
		source_settings_report(kp->diags, kp->file, kp->source, key,
		    value, "%s", problem);
		return;
	}
	len = value->len;
	while (len > 0 && text[len - 1] == '/')
		len--;
	replace_string(target, offset, text, len);
}

/* Parse a decimal integer within min..max into out; 0 or -1. */
static int
parse_integer(const char *s, long long min, long long max, long long *out)
{
	long long	 v = 0;
	int		 negative = 0;

	if (*s == '-') {
		negative = 1;
		s++;
	}
	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (LLONG_MAX - 9) / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	if (negative)
		v = -v;
	if (v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static void
set_integer(const struct key_path *kp, const struct source_setting *row,
    const char *key, const struct ynode *value, void *target)
{
	const char	*text;
	long long	 v;

	if ((text = scalar_text(kp, key, value)) == NULL)
		return;
	if (parse_integer(text, row->min, row->max, &v) != 0) {
		source_settings_report(kp->diags, kp->file, kp->source, key,
		    value, "expected an integer from %lld to %lld", row->min,
		    row->max);
		return;
	}
	if (row->type == SOURCE_SETTING_LONG)
		*(long *)field(target, row->offset) = (long)v;
	else
		*(size_t *)field(target, row->offset) = (size_t)v;
}

static void
set_choice(const struct key_path *kp, const struct source_setting *row,
    const char *key, const struct ynode *value, void *target)
{
	struct buf	 expected = BUF_INIT;
	const char	*text;
	int		 i;

	if ((text = scalar_text(kp, key, value)) == NULL)
		return;
	for (i = 0; row->choices[i] != NULL; i++) {
		if (strcmp(row->choices[i], text) == 0) {
			*(int *)field(target, row->offset) = i;
			return;
		}
	}
	for (i = 0; row->choices[i] != NULL; i++)
		buf_printf(&expected, "%s%s", i > 0 ? ", " : "",
		    row->choices[i]);
	source_settings_report(kp->diags, kp->file, kp->source, key, value,
	    "expected one of: %s", expected.data);
	buf_free(&expected);
}

static void
free_list(char **items, size_t count)
{
	size_t	 i;

	for (i = 0; i < count; i++)
		free(items[i]);
	free(items);
}

static void
set_string_list(const struct key_path *kp, const struct source_setting *row,
    const char *key, const struct ynode *value, void *target)
{
	char		***slot = field(target, row->offset);
	size_t		 *count = field(target, row->count_offset);
	char		**items;
	size_t		  i, n = 0, errors = kp->diags->count;
	struct buf	  item_key = BUF_INIT;

	if (value->kind != YNODE_SEQUENCE) {
		source_settings_report(kp->diags, kp->file, kp->source, key,
		    value, "expected a list of strings, not %s",
		    ynode_kind_name(value->kind));
		return;
	}
	items = xcalloc(value->count + 1, sizeof(*items));
	for (i = 0; i < value->count; i++) {
		buf_reset(&item_key);
		buf_printf(&item_key, "%s[%zu]", key, i);
		if (scalar_text(kp, item_key.data, value->items[i]) != NULL)
			items[n++] = xstrndup(value->items[i]->value,
			    value->items[i]->len);
	}
	buf_free(&item_key);
	if (kp->diags->count > errors) {
		free_list(items, n);
		return;
	}
	free_list(*slot, *count);
	*slot = items;
	*count = n;
}

static const struct source_setting *
find_row(const struct source_setting *table, size_t n, const struct ynode *key)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strlen(table[i].name) == key->len &&
		    memcmp(table[i].name, key->value, key->len) == 0)
			return &table[i];
	return NULL;
}

static void
report_unknown(const struct key_path *kp, const struct ynode *keynode,
    const struct source_setting *table, size_t n)
{
	struct buf	 quoted = BUF_INIT, expected = BUF_INIT;
	size_t		 i;

	yaml_quote(&quoted, keynode->value, keynode->len);
	for (i = 0; i < n; i++)
		buf_printf(&expected, "%s%s", i > 0 ? ", " : "", table[i].name);
	source_settings_report(kp->diags, kp->file, kp->source, kp->prefix,
	    keynode, "unknown key %s; expected one of: %s", quoted.data,
	    expected.data);
	buf_free(&expected);
	buf_free(&quoted);
}

static void walk(const struct key_path *kp, const struct ynode *map,
    const struct source_setting *table, size_t n, void *target);

static void
apply_row(const struct key_path *kp, const struct source_setting *row,
    const char *key, const struct ynode *value, void *target)
{
	struct key_path	 sub;

	switch (row->type) {
	case SOURCE_SETTING_STRING:
		if (scalar_text(kp, key, value) != NULL)
			replace_string(target, row->offset, value->value,
			    value->len);
		break;
	case SOURCE_SETTING_URL:
		set_url(kp, key, value, target, row->offset);
		break;
	case SOURCE_SETTING_LONG:
	case SOURCE_SETTING_SIZE:
		set_integer(kp, row, key, value, target);
		break;
	case SOURCE_SETTING_CHOICE:
		set_choice(kp, row, key, value, target);
		break;
	case SOURCE_SETTING_STRING_LIST:
		set_string_list(kp, row, key, value, target);
		break;
	case SOURCE_SETTING_MAPPING:
		if (value->kind != YNODE_MAPPING) {
			source_settings_report(kp->diags, kp->file,
			    kp->source, key, value, "expected a mapping, not "
			    "%s", ynode_kind_name(value->kind));
			break;
		}
		sub = *kp;
		sub.prefix = key;
		walk(&sub, value, row->sub, row->nsub, target);
		break;
	case SOURCE_SETTING_SECRET:
	case SOURCE_SETTING__MAX:
		break;
	}
}

static void
walk(const struct key_path *kp, const struct ynode *map,
    const struct source_setting *table, size_t n, void *target)
{
	const struct source_setting	*row;
	struct buf			 key = BUF_INIT;
	size_t				 i;

	for (i = 0; i < map->count; i++) {
		if ((row = find_row(table, n, map->keys[i])) == NULL) {
			report_unknown(kp, map->keys[i], table, n);
			continue;
		}
		buf_reset(&key);
		if (kp->prefix != NULL)
			buf_printf(&key, "%s.", kp->prefix);
		buf_puts(&key, row->name);
		apply_row(kp, row, key.data, map->items[i], target);
	}
	buf_free(&key);
}

int
source_settings_apply(const char *file, const char *source,
    const struct ynode *settings, const struct source_setting *table,
    size_t n, void *target, struct diag_list *diags)
{
	struct key_path	 kp = { file, source, NULL, diags };
	size_t		 errors = diags->count;

	if (settings == NULL || settings->kind != YNODE_MAPPING) {
		source_settings_report(diags, file, source, NULL, settings,
		    "expected a mapping of settings, not %s", settings == NULL ?
		    "nothing" : ynode_kind_name(settings->kind));
		return -1;
	}
	walk(&kp, settings, table, n, target);
	return diags->count > errors ? -1 : 0;
}

void
source_settings_free(const struct source_setting *table, size_t n,
    void *target)
{
	size_t	 i;
	char	**text;
	char	***list;

	for (i = 0; i < n; i++) {
		switch (table[i].type) {
		case SOURCE_SETTING_STRING:
		case SOURCE_SETTING_URL:
			text = field(target, table[i].offset);
			free(*text);
			*text = NULL;
			break;
		case SOURCE_SETTING_STRING_LIST:
			list = field(target, table[i].offset);
			free_list(*list, *(size_t *)field(target,
			    table[i].count_offset));
			*list = NULL;
			*(size_t *)field(target, table[i].count_offset) = 0;
			break;
		case SOURCE_SETTING_MAPPING:
			source_settings_free(table[i].sub, table[i].nsub,
			    target);
			break;
		default:
			break;
		}
	}
}

/* ---- secrets ------------------------------------------------------------- */

void
source_secret_free(char *secret)
{
	if (secret == NULL)
		return;
	explicit_bzero(secret, strlen(secret));
	free(secret);
}

/* Return path resolved against the directory of the config file. */
static char *
resolve_path(const char *config_file, const char *path)
{
	const char	*slash;
	struct buf	 b = BUF_INIT;

	if (path[0] == '/' || config_file == NULL ||
	    (slash = strrchr(config_file, '/')) == NULL)
		return xstrdup(path);
	buf_append(&b, config_file, (size_t)(slash - config_file) + 1);
	buf_puts(&b, path);
	return buf_detach(&b);
}

/*
 * Read the secret file at path into a new string, without trailing line
 * breaks. On failure return NULL with a message in why that names the
 * file but not the secret.
 */
static char *
read_secret_file(const char *path, struct buf *why)
{
	struct stat	 st;
	char		*data = NULL;
	ssize_t		 got;
	size_t		 len = 0, size = 0;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		buf_printf(why, "cannot open %s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		buf_printf(why, "%s is not a regular file", path);
		goto fail;
	}
	if (st.st_size > SOURCE_SECRET_MAX_BYTES) {
		buf_printf(why, "%s is larger than %d bytes", path,
		    SOURCE_SECRET_MAX_BYTES);
		goto fail;
	}
	size = (size_t)st.st_size;
	data = xmalloc(size + 1);
	while (len < size) {
		got = read(fd, data + len, size - len);
		if (got == -1 && errno == EINTR)
			continue;
		if (got <= 0) {
			buf_printf(why, "cannot read %s: %s", path,
			    got == -1 ? strerror(errno) : "the file shrank");
			goto fail;
		}
		len += (size_t)got;
	}
	close(fd);
	while (len > 0 && (data[len - 1] == '\n' || data[len - 1] == '\r'))
		len--;
	data[len] = '\0';
	return data;

fail:
	if (data != NULL) {
		explicit_bzero(data, size + 1);
		free(data);
	}
	close(fd);
	return NULL;
}

static int
valid_env_name(const char *s)
{
	size_t	 i;

	if (!((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z') ||
	    s[0] == '_'))
		return 0;
	for (i = 1; s[i] != '\0'; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

/* Check a secret's text; NULL when usable, else why not. */
static const char *
secret_problem(const char *secret)
{
	if (secret[0] == '\0')
		return "is empty";
	if (has_control(secret, strlen(secret)))
		return "contains control characters";
	return NULL;
}

static char *
secret_from_file(const char *file, const char *source, const char *key,
    const struct ynode *value, struct diag_list *diags)
{
	struct buf	 why = BUF_INIT;
	const char	*problem;
	char		*path, *secret;

	if (value->kind != YNODE_SCALAR || value->len == 0 ||
	    strlen(value->value) != value->len) {
		source_settings_report(diags, file, source, key, value,
		    "expected the path of a file that contains the secret");
		return NULL;
	}
	path = resolve_path(file, value->value);
	secret = read_secret_file(path, &why);
	if (secret != NULL && (problem = secret_problem(secret)) != NULL) {
		buf_printf(&why, "%s %s", path, problem);
		source_secret_free(secret);
		secret = NULL;
	}
	if (secret == NULL)
		source_settings_report(diags, file, source, key, value, "%s",
		    why.data);
	buf_free(&why);
	free(path);
	return secret;
}

static char *
secret_from_env(const char *file, const char *source, const char *key,
    const struct ynode *value, struct diag_list *diags)
{
	const char	*secret, *problem;

	if (value->kind != YNODE_SCALAR || !valid_env_name(value->value)) {
		source_settings_report(diags, file, source, key, value,
		    "expected the name of an environment variable (letters, "
		    "digits and '_')");
		return NULL;
	}
	if ((secret = getenv(value->value)) == NULL) {
		source_settings_report(diags, file, source, key, value,
		    "the environment variable %s is not set", value->value);
		return NULL;
	}
	if ((problem = secret_problem(secret)) != NULL) {
		source_settings_report(diags, file, source, key, value,
		    "the environment variable %s %s", value->value, problem);
		return NULL;
	}
	return xstrdup(secret);
}

char *
source_secret_read(const char *file, const char *source,
    const struct ynode *settings, const char *file_key, const char *env_key,
    int required, struct diag_list *diags)
{
	const struct ynode	*path, *env;

	path = ynode_get(settings, file_key);
	env = ynode_get(settings, env_key);
	if (path != NULL && env != NULL) {
		source_settings_report(diags, file, source, env_key, env,
		    "set either %s or %s, not both", file_key, env_key);
		return NULL;
	}
	if (path != NULL)
		return secret_from_file(file, source, file_key, path, diags);
	if (env != NULL)
		return secret_from_env(file, source, env_key, env, diags);
	if (required)
		source_settings_report(diags, file, source, NULL, settings,
		    "missing %s or %s", file_key, env_key);
	return NULL;
}
