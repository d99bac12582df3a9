/* Tests for loading and validating stethoscope.yaml, and for admin checks. */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "config.h"
#include "diag.h"

#define MAX_EXPECTED	4

/* The three required keys, so a case can isolate one problem from line 4. */
#define REQUIRED \
	"listen: unix:/run/s.sock\npractices: p.yaml\ntemplates: t\n"

/* The required keys other than listen, for listen cases from line 3. */
#define REQUIRED_BUT_LISTEN \
	"practices: p.yaml\ntemplates: t\n"

#define UNKNOWN_TOP_KEY "expected one of: listen, socket_mode, workers, " \
	"practices, templates, static, admins, log_level, pid_file, " \
	"drain_timeout, limits, fetch, site, sources"

#define NOT_EMAIL "is not an email address; expected NAME@DOMAIN with " \
	"one \"@\" and no spaces"

struct fixture {
	char	 dir[64];
	char	 cwd[4096];
};

static struct fixture *fx;

static int
setup(void **state)
{
	(void)state;
	fx = calloc(1, sizeof(*fx));
	if (fx == NULL || getcwd(fx->cwd, sizeof(fx->cwd)) == NULL)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/test_config.XXXXXX");
	if (mkdtemp(fx->dir) == NULL)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	struct buf	 cmd = BUF_INIT;
	int		 rc;

	(void)state;
	if (chdir(fx->cwd) == -1)
		return -1;
	buf_printf(&cmd, "rm -rf '%s'", fx->dir);
	rc = system(cmd.data);
	buf_free(&cmd);
	free(fx);
	return rc == 0 ? 0 : -1;
}

/* Write DIR/relpath and return its full path, which the caller frees. */
static char *
write_file(const char *relpath, const char *text, size_t len)
{
	struct buf	 path = BUF_INIT;
	FILE		*f;

	buf_printf(&path, "%s/%s", fx->dir, relpath);
	f = fopen(path.data, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return buf_detach(&path);
}

static char *
write_config(const char *text)
{
	return write_file("stethoscope.yaml", text, strlen(text));
}

static char *
format_diag(const struct diag *d)
{
	struct buf	 b = BUF_INIT;

	buf_printf(&b, "%d:%d: %s", d->line, d->column, d->message);
	return buf_detach(&b);
}

/* Compare diags with "LINE:COLUMN: message" strings, in order. */
static void
assert_diags(const struct diag_list *diags, const char *path,
    const char *const *expected)
{
	size_t	 i, n;
	char	*got;

	for (n = 0; n < MAX_EXPECTED && expected[n] != NULL; n++)
		;
	for (i = 0; diags->count != n && i < diags->count; i++) {
		got = format_diag(&diags->items[i]);
		print_message("got: %s\n", got);
		free(got);
	}
	assert_int_equal(diags->count, n);
	for (i = 0; i < n; i++) {
		assert_string_equal(diags->items[i].file, path);
		got = format_diag(&diags->items[i]);
		assert_string_equal(got, expected[i]);
		free(got);
	}
}

static int
online_cpus(void)
{
	long	 n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return 1;
	return n > 256 ? 256 : (int)n;
}

/* --- valid files ------------------------------------------------------ */

static void
test_full_file(void **state)
{
	static const char text[] =
	    "# every key\n"
	    "listen: 127.0.0.1:9000\n"
	    "socket_mode: \"0640\"\n"
	    "workers: 3\n"
	    "practices: /etc/stethoscope/practices.yaml\n"
	    "templates: /usr/share/stethoscope/templates\n"
	    "static: /usr/share/stethoscope/static\n"
	    "admins:\n"
	    "  emails: [Alice@Example.COM, bob@example.com]\n"
	    "  groups:\n"
	    "    - security-admins\n"
	    "    - IT Ops\n"
	    "log_level: debug\n"
	    "pid_file: /run/stethoscope/stethoscope.pid\n"
	    "drain_timeout: 25\n"
	    "limits:\n"
	    "  max_query_bytes: 8192\n"
	    "  max_body_bytes: 0\n";
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct config		*cfg = NULL;
	char			*path;

	(void)state;
	path = write_config(text);
	assert_int_equal(config_load(path, &cfg, &diags), 0);
	assert_int_equal(diags.count, 0);
	assert_non_null(cfg);

	assert_string_equal(cfg->path, path);
	assert_string_equal(cfg->listen, "127.0.0.1:9000");
	assert_int_equal(cfg->socket_mode, 0640);
	assert_int_equal(cfg->workers, 3);
	assert_string_equal(cfg->practices_path,
	    "/etc/stethoscope/practices.yaml");
	assert_string_equal(cfg->templates_dir,
	    "/usr/share/stethoscope/templates");
	assert_string_equal(cfg->static_dir, "/usr/share/stethoscope/static");
	assert_int_equal(cfg->admin_email_count, 2);
	assert_string_equal(cfg->admin_emails[0], "alice@example.com");
	assert_string_equal(cfg->admin_emails[1], "bob@example.com");
	assert_int_equal(cfg->admin_group_count, 2);
	assert_string_equal(cfg->admin_groups[0], "security-admins");
	assert_string_equal(cfg->admin_groups[1], "IT Ops");
	assert_int_equal(cfg->log_level, LOG_LEVEL_DEBUG);
	assert_string_equal(cfg->pid_file, "/run/stethoscope/stethoscope.pid");
	assert_int_equal(cfg->drain_timeout_ms, 25000);
	assert_int_equal(cfg->max_query_bytes, 8192);
	assert_int_equal(cfg->max_body_bytes, 0);

	config_free(cfg);
	free(path);
}

static void
test_defaults(void **state)
{
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct config		*cfg = NULL;
	char			*path;

	(void)state;
	path = write_config("listen: unix:/run/s.sock\n"
	    "practices: /p.yaml\ntemplates: /t\n");
	assert_int_equal(config_load(path, &cfg, &diags), 0);
	assert_int_equal(diags.count, 0);

	assert_string_equal(cfg->listen, "unix:/run/s.sock");
	assert_int_equal(cfg->socket_mode, 0660);
	assert_int_equal(cfg->workers, online_cpus());
	assert_null(cfg->static_dir);
	assert_null(cfg->pid_file);
	assert_int_equal(cfg->admin_email_count, 0);
	assert_int_equal(cfg->admin_group_count, 0);
	assert_int_equal(cfg->log_level, LOG_LEVEL_INFO);
	assert_int_equal(cfg->drain_timeout_ms, 10000);
	assert_int_equal(cfg->max_query_bytes, 4096);
	assert_int_equal(cfg->max_body_bytes, 65536);
	assert_string_equal(cfg->site_title, "Stethoscope");
	assert_null(cfg->site_name);
	assert_null(cfg->site_contact);
	assert_int_equal(cfg->stale_days, 14);
	assert_int_equal(cfg->faq_count, 0);

	config_free(cfg);
	free(path);
}

static void
test_site_section(void **state)
{
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct config		*cfg = NULL;
	char			*path;

	(void)state;
	path = write_config(REQUIRED
	    "site:\n"
	    "  name: Example Ltd\n"
	    "  title: Device check\n"
	    "  contact: Help@Example.com\n"
	    "  stale_days: 30\n"
	    "  faq:\n"
	    "    - question: Why?\n"
	    "      answer: Because.\n"
	    "    - { question: Who?, answer: IT }\n");
	assert_int_equal(config_load(path, &cfg, &diags), 0);
	assert_int_equal(diags.count, 0);

	assert_string_equal(cfg->site_name, "Example Ltd");
	assert_string_equal(cfg->site_title, "Device check");
	assert_string_equal(cfg->site_contact, "help@example.com");
	assert_int_equal(cfg->stale_days, 30);
	assert_int_equal(cfg->faq_count, 2);
	assert_string_equal(cfg->faq[0].question, "Why?");
	assert_string_equal(cfg->faq[0].answer, "Because.");
	assert_string_equal(cfg->faq[1].question, "Who?");
	assert_string_equal(cfg->faq[1].answer, "IT");

	config_free(cfg);
	free(path);
}

static void
test_site_contact_url(void **state)
{
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct config		*cfg = NULL;
	char			*path;

	(void)state;
	path = write_config(REQUIRED
	    "site:\n  contact: https://help.example.com/devices\n");
	assert_int_equal(config_load(path, &cfg, &diags), 0);
	assert_string_equal(cfg->site_contact,
	    "https://help.example.com/devices");
	config_free(cfg);
	free(path);
}

static void
test_null_values_keep_defaults(void **state)
{
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct config		*cfg = NULL;
	char			*path;

	(void)state;
	path = write_config(REQUIRED "static: ~\npid_file:\nworkers: null\n"
	    "admins:\nlimits:\n  max_body_bytes:\nsocket_mode:\n");
	assert_int_equal(config_load(path, &cfg, &diags), 0);
	assert_null(cfg->static_dir);
	assert_null(cfg->pid_file);
	assert_int_equal(cfg->workers, online_cpus());
	assert_int_equal(cfg->admin_email_count, 0);
	assert_int_equal(cfg->max_body_bytes, 65536);
	assert_int_equal(cfg->socket_mode, 0660);
	config_free(cfg);
	free(path);
}

static void
test_workers_zero_means_cpus(void **state)
{
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct config		*cfg = NULL;
	char			*path;

	(void)state;
	path = write_config(REQUIRED "workers: 0\n");
	assert_int_equal(config_load(path, &cfg, &diags), 0);
	assert_int_equal(cfg->workers, online_cpus());
	assert_true(cfg->workers >= 1);
	config_free(cfg);
	free(path);
}

static void
check_paths(const struct config *cfg, const char *base)
{
	struct buf	 want = BUF_INIT;

	buf_printf(&want, "%s/sub/practices.yaml", base);
	assert_string_equal(cfg->practices_path, want.data);
	buf_reset(&want);
	buf_printf(&want, "%s/sub/tpl", base);
	assert_string_equal(cfg->templates_dir, want.data);
	buf_reset(&want);
	buf_printf(&want, "%s/sub/../static", base);
	assert_string_equal(cfg->static_dir, want.data);
	buf_reset(&want);
	buf_printf(&want, "%s/sub/run/s.pid", base);
	assert_string_equal(cfg->pid_file, want.data);
	buf_reset(&want);
	buf_printf(&want, "%s/sub/s.yaml", base);
	assert_string_equal(cfg->path, want.data);
	buf_free(&want);
}

static void
test_relative_paths(void **state)
{
	static const char text[] =
	    "listen: unix:/run/s.sock\n"
	    "practices: practices.yaml\n"
	    "templates: ./tpl\n"
	    "static: ../static\n"
	    "pid_file: run/s.pid\n";
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct config		*cfg = NULL;
	struct buf		 sub = BUF_INIT;
	char			*path, base[4096];

	(void)state;
	buf_printf(&sub, "%s/sub", fx->dir);
	assert_int_equal(mkdir(sub.data, 0700), 0);
	path = write_file("sub/s.yaml", text, strlen(text));

	/* Loaded by absolute path from an unrelated directory. */
	assert_int_equal(chdir("/"), 0);
	assert_int_equal(config_load(path, &cfg, &diags), 0);
	check_paths(cfg, fx->dir);
	config_free(cfg);

	/* Loaded by relative paths from the parent directory. */
	assert_int_equal(chdir(fx->dir), 0);
	assert_non_null(getcwd(base, sizeof(base)));
	assert_int_equal(config_load("sub/s.yaml", &cfg, &diags), 0);
	check_paths(cfg, base);
	config_free(cfg);
	assert_int_equal(config_load("./sub/s.yaml", &cfg, &diags), 0);
	check_paths(cfg, base);
	config_free(cfg);

	/* Loaded from its own directory by bare file name. */
	assert_int_equal(chdir("sub"), 0);
	assert_int_equal(config_load("s.yaml", &cfg, &diags), 0);
	check_paths(cfg, base);
	config_free(cfg);

	assert_int_equal(diags.count, 0);
	assert_int_equal(chdir(fx->cwd), 0);
	buf_free(&sub);
	free(path);
}

static void
test_valid_values(void **state)
{
	static const struct {
		const char	*line;
		const char	*listen;
		mode_t		 mode;
	} cases[] = {
		{ "socket_mode: \"0660\"\n", "unix:/run/s.sock", 0660 },
		{ "socket_mode: 0600\n", "unix:/run/s.sock", 0600 },
		{ "socket_mode: '640'\n", "unix:/run/s.sock", 0640 },
		{ "socket_mode: 0\n", "unix:/run/s.sock", 0 },
		{ "socket_mode: 0775\n", "unix:/run/s.sock", 0775 },
		{ "listen: 0.0.0.0:65535\n", "0.0.0.0:65535", 0660 },
		{ "listen: localhost:1\n", "localhost:1", 0660 },
		{ "listen: '[::1]:9000'\n", "[::1]:9000", 0660 },
		{ "listen: \"unix:/s\"\n", "unix:/s", 0660 },
	};
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct config		*cfg = NULL;
	struct buf		 text = BUF_INIT;
	char			*path;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		print_message("case: %s", cases[i].line);
		buf_reset(&text);
		buf_puts(&text, REQUIRED_BUT_LISTEN);
		if (strncmp(cases[i].line, "listen:", 7) != 0)
			buf_puts(&text, "listen: unix:/run/s.sock\n");
		buf_puts(&text, cases[i].line);
		path = write_config(text.data);
		assert_int_equal(config_load(path, &cfg, &diags), 0);
		assert_string_equal(cfg->listen, cases[i].listen);
		assert_int_equal(cfg->socket_mode, cases[i].mode);
		config_free(cfg);
		free(path);
	}
	buf_free(&text);
}

static void
test_range_limits_accepted(void **state)
{
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct config		*cfg = NULL;
	char			*path;

	(void)state;
	path = write_config(REQUIRED "workers: 256\ndrain_timeout: 3600\n"
	    "limits:\n  max_query_bytes: '1048576'\n"
	    "  max_body_bytes: 67108864\n");
	assert_int_equal(config_load(path, &cfg, &diags), 0);
	assert_int_equal(cfg->workers, 256);
	assert_int_equal(cfg->drain_timeout_ms, 3600000);
	assert_int_equal(cfg->max_query_bytes, 1048576);
	assert_int_equal(cfg->max_body_bytes, 67108864);
	config_free(cfg);
	free(path);

	path = write_config(REQUIRED "workers: 1\ndrain_timeout: 0\n"
	    "limits:\n  max_query_bytes: 256\n");
	assert_int_equal(config_load(path, &cfg, &diags), 0);
	assert_int_equal(cfg->workers, 1);
	assert_int_equal(cfg->drain_timeout_ms, 0);
	assert_int_equal(cfg->max_query_bytes, 256);
	config_free(cfg);
	free(path);
}

/* --- rejections --------------------------------------------------------- */

struct error_case {
	const char	*name;
	const char	*text;
	const char	*expected[MAX_EXPECTED + 1];
};

static const struct error_case error_cases[] = {
	/* Structure. */
	{ "empty file", "",
	    { "1:1: empty file; expected a mapping" } },
	{ "comments only", "# nothing yet\n",
	    { "1:1: empty file; expected a mapping" } },
	{ "top level list", "- listen\n",
	    { "1:1: the top level must be a mapping of keys such as "
	      "\"listen\", not a list" } },
	{ "top level scalar", "\n  hello\n",
	    { "2:3: the top level must be a mapping of keys such as "
	      "\"listen\", not a scalar" } },
	{ "yaml error passes through", REQUIRED "workers: 1\nworkers: 2\n",
	    { "5:1: duplicate key \"workers\" (first defined at 4:1)" } },
	{ "yaml tag passes through", REQUIRED "workers: !!int 2\n",
	    { "4:10: tag \"!!int\" is not supported; "
	      "write the value without a tag" } },
	{ "unknown key", REQUIRED "colour: red\n",
	    { "4:1: unknown key \"colour\"; " UNKNOWN_TOP_KEY } },
	{ "unknown key in limits", REQUIRED "limits:\n  max_headers: 3\n",
	    { "5:3: unknown key \"limits.max_headers\"; expected one of: "
	      "max_query_bytes, max_body_bytes" } },
	{ "unknown key in admins", REQUIRED "admins:\n  users: [a]\n",
	    { "5:3: unknown key \"admins.users\"; expected one of: "
	      "emails, groups" } },
	{ "unknown key with control character", REQUIRED "\"a\\tb\": 1\n",
	    { "4:1: unknown key \"a\\x09b\"; " UNKNOWN_TOP_KEY } },

	/* Required keys. */
	{ "missing listen", REQUIRED_BUT_LISTEN,
	    { "1:1: missing required key \"listen\"" } },
	{ "missing all required", "# header\nworkers: 2\n",
	    { "2:1: missing required key \"listen\"",
	      "2:1: missing required key \"practices\"",
	      "2:1: missing required key \"templates\"" } },
	{ "listen without value", "listen:\n" REQUIRED_BUT_LISTEN,
	    { "1:8: \"listen\" has no value; expected a string" } },
	{ "practices is null", "practices: ~\nlisten: unix:/s\ntemplates: t\n",
	    { "1:12: \"practices\" has no value; expected a path" } },

	/* Node kinds. */
	{ "workers list", REQUIRED "workers: [1]\n",
	    { "4:10: \"workers\" must be an integer, not a list" } },
	{ "workers mapping", REQUIRED "workers:\n  count: 1\n",
	    { "5:3: \"workers\" must be an integer, not a mapping" } },
	{ "listen mapping", REQUIRED_BUT_LISTEN "listen: {a: b}\n",
	    { "3:9: \"listen\" must be a string, not a mapping" } },
	{ "static list", REQUIRED "static: [a, b]\n",
	    { "4:9: \"static\" must be a path, not a list" } },
	{ "admins list", REQUIRED "admins: [a@b.c]\n",
	    { "4:9: \"admins\" must be a mapping, not a list" } },
	{ "limits scalar", REQUIRED "limits: 4096\n",
	    { "4:9: \"limits\" must be a mapping, not a scalar" } },
	{ "log_level list", REQUIRED "log_level: [info]\n",
	    { "4:12: \"log_level\" must be a string, not a list" } },
	{ "emails scalar", REQUIRED "admins:\n  emails: a@b.c\n",
	    { "5:11: \"admins.emails\" must be a list of email addresses, "
	      "not a scalar" } },
	{ "groups mapping", REQUIRED "admins:\n  groups: {a: 1}\n",
	    { "5:11: \"admins.groups\" must be a list of group names, "
	      "not a mapping" } },

	/* listen. */
	{ "listen no port", REQUIRED_BUT_LISTEN "listen: localhost\n",
	    { "3:9: \"listen\" must be \"unix:/absolute/path\" or "
	      "\"HOST:PORT\", not \"localhost\"" } },
	{ "listen relative unix", REQUIRED_BUT_LISTEN "listen: unix:run/s\n",
	    { "3:9: \"listen\" must name an absolute socket path, as in "
	      "\"unix:/run/stethoscope/stethoscope.sock\", "
	      "not \"unix:run/s\"" } },
	{ "listen empty unix", REQUIRED_BUT_LISTEN "listen: 'unix:'\n",
	    { "3:9: \"listen\" must name an absolute socket path, as in "
	      "\"unix:/run/stethoscope/stethoscope.sock\", not \"unix:\"" } },
	{ "listen unix too long", REQUIRED_BUT_LISTEN "listen: unix:/"
	    "0123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789"
	    "0123456789012345678901234567890\n",
	    { "3:9: \"listen\" socket path is 112 bytes; the limit is 107" } },
	{ "listen port name", REQUIRED_BUT_LISTEN "listen: localhost:http\n",
	    { "3:9: \"listen\" port must be a number from 1 to 65535, "
	      "not \"localhost:http\"" } },
	{ "listen port zero", REQUIRED_BUT_LISTEN "listen: 127.0.0.1:0\n",
	    { "3:9: \"listen\" port must be a number from 1 to 65535, "
	      "not \"127.0.0.1:0\"" } },
	{ "listen port too big", REQUIRED_BUT_LISTEN "listen: h:65536\n",
	    { "3:9: \"listen\" port must be a number from 1 to 65535, "
	      "not \"h:65536\"" } },
	{ "listen port missing", REQUIRED_BUT_LISTEN "listen: 'h:'\n",
	    { "3:9: \"listen\" port must be a number from 1 to 65535, "
	      "not \"h:\"" } },
	{ "listen no host", REQUIRED_BUT_LISTEN "listen: ':9000'\n",
	    { "3:9: \"listen\" needs a host before the port, as in "
	      "\"127.0.0.1:9000\", not \":9000\"" } },
	{ "listen bare ipv6", REQUIRED_BUT_LISTEN "listen: '::1:9000'\n",
	    { "3:9: \"listen\" must write an IPv6 address in brackets, as in "
	      "\"[::1]:9000\", not \"::1:9000\"" } },
	{ "listen unclosed bracket",
	    REQUIRED_BUT_LISTEN "listen: '[::1:9000'\n",
	    { "3:9: \"listen\" must write an IPv6 address in brackets, as in "
	      "\"[::1]:9000\", not \"[::1:9000\"" } },
	{ "listen host with space", REQUIRED_BUT_LISTEN "listen: 'a b:9000'\n",
	    { "3:9: \"listen\" host must not contain spaces or control "
	      "characters, not \"a b:9000\"" } },
	{ "listen two problems", REQUIRED_BUT_LISTEN "listen: ':x'\n",
	    { "3:9: \"listen\" needs a host before the port, as in "
	      "\"127.0.0.1:9000\", not \":x\"",
	      "3:9: \"listen\" port must be a number from 1 to 65535, "
	      "not \":x\"" } },

	/* socket_mode. */
	{ "socket_mode symbolic", REQUIRED "socket_mode: rw-rw----\n",
	    { "4:14: \"socket_mode\" must be an octal mode such as \"0660\", "
	      "not \"rw-rw----\"" } },
	{ "socket_mode digit 8", REQUIRED "socket_mode: \"0680\"\n",
	    { "4:14: \"socket_mode\" must be an octal mode such as \"0660\", "
	      "not \"0680\"" } },
	{ "socket_mode empty", REQUIRED "socket_mode: ''\n",
	    { "4:14: \"socket_mode\" must not be empty" } },
	{ "socket_mode sticky", REQUIRED "socket_mode: \"1770\"\n",
	    { "4:14: \"socket_mode\" \"1770\" has bits beyond 0777; use "
	      "permission bits only, such as \"0660\"" } },
	{ "socket_mode huge", REQUIRED "socket_mode: 77777777777777777777\n",
	    { "4:14: \"socket_mode\" \"77777777777777777777\" has bits beyond "
	      "0777; use permission bits only, such as \"0660\"" } },
	{ "socket_mode world-writable", REQUIRED "socket_mode: \"0666\"\n",
	    { "4:14: \"socket_mode\" \"0666\" makes the socket world-writable, "
	      "so any local user could connect and forge identities; use "
	      "\"0660\" and put the web server in the group" } },
	{ "socket_mode other write only", REQUIRED "socket_mode: 0602\n",
	    { "4:14: \"socket_mode\" \"0602\" makes the socket world-writable, "
	      "so any local user could connect and forge identities; use "
	      "\"0660\" and put the web server in the group" } },

	/* Integers. */
	{ "workers word", REQUIRED "workers: many\n",
	    { "4:10: \"workers\" must be an integer from 0 to 256, "
	      "not \"many\"" } },
	{ "workers too many", REQUIRED "workers: 257\n",
	    { "4:10: \"workers\" must be an integer from 0 to 256, "
	      "not \"257\"" } },
	{ "workers negative", REQUIRED "workers: -1\n",
	    { "4:10: \"workers\" must be an integer from 0 to 256, "
	      "not \"-1\"" } },
	{ "workers fraction", REQUIRED "workers: 1.5\n",
	    { "4:10: \"workers\" must be an integer from 0 to 256, "
	      "not \"1.5\"" } },
	{ "workers overflow", REQUIRED "workers: 99999999999999999999999\n",
	    { "4:10: \"workers\" must be an integer from 0 to 256, "
	      "not \"99999999999999999999999\"" } },
	{ "workers with NUL", REQUIRED "workers: \"1\\02\"\n",
	    { "4:10: \"workers\" must be an integer from 0 to 256, "
	      "not \"1\\x002\"" } },
	{ "drain_timeout too long", REQUIRED "drain_timeout: 3601\n",
	    { "4:16: \"drain_timeout\" must be a number of seconds from 0 to "
	      "3600, not \"3601\"" } },
	{ "drain_timeout with unit", REQUIRED "drain_timeout: 10s\n",
	    { "4:16: \"drain_timeout\" must be a number of seconds from 0 to "
	      "3600, not \"10s\"" } },
	{ "max_query_bytes too small", REQUIRED
	    "limits:\n  max_query_bytes: 255\n",
	    { "5:20: \"limits.max_query_bytes\" must be a number of bytes "
	      "from 256 to 1048576, not \"255\"" } },
	{ "max_query_bytes too big", REQUIRED
	    "limits:\n  max_query_bytes: 1048577\n",
	    { "5:20: \"limits.max_query_bytes\" must be a number of bytes "
	      "from 256 to 1048576, not \"1048577\"" } },
	{ "max_body_bytes too big", REQUIRED
	    "limits:\n  max_body_bytes: 67108865\n",
	    { "5:19: \"limits.max_body_bytes\" must be a number of bytes "
	      "from 0 to 67108864, not \"67108865\"" } },

	/* log_level. */
	{ "log_level unknown", REQUIRED "log_level: verbose\n",
	    { "4:12: \"log_level\" must be one of error, warn, info, debug, "
	      "not \"verbose\"" } },
	{ "log_level capitalised", REQUIRED "log_level: Info\n",
	    { "4:12: \"log_level\" must be one of error, warn, info, debug, "
	      "not \"Info\"" } },

	/* Paths. */
	{ "practices empty", "listen: unix:/s\npractices: ''\ntemplates: t\n",
	    { "2:12: \"practices\" must not be empty" } },
	{ "templates with NUL", "listen: unix:/s\npractices: p\n"
	    "templates: \"a\\0b\"\n",
	    { "3:12: \"templates\" contains a NUL character" } },

	/* admins. */
	{ "email without at", REQUIRED "admins:\n  emails: [bob]\n",
	    { "5:12: \"admins.emails\" entry \"bob\" " NOT_EMAIL } },
	{ "email with two ats", REQUIRED "admins:\n  emails: [a@b@c]\n",
	    { "5:12: \"admins.emails\" entry \"a@b@c\" " NOT_EMAIL } },
	{ "email with space", REQUIRED "admins:\n  emails: ['a b@c']\n",
	    { "5:12: \"admins.emails\" entry \"a b@c\" " NOT_EMAIL } },
	{ "email empty local part", REQUIRED "admins:\n  emails: ['@c']\n",
	    { "5:12: \"admins.emails\" entry \"@c\" " NOT_EMAIL } },
	{ "email empty domain", REQUIRED "admins:\n  emails: ['a@']\n",
	    { "5:12: \"admins.emails\" entry \"a@\" " NOT_EMAIL } },
	{ "email control character", REQUIRED
	    "admins:\n  emails: [\"a\\x01@c\"]\n",
	    { "5:12: \"admins.emails\" entry \"a\\x01@c\" " NOT_EMAIL } },
	{ "email entry list", REQUIRED "admins:\n  emails:\n    - [a@b]\n",
	    { "6:7: \"admins.emails\" entries must be strings, not a list" } },
	{ "email entry empty", REQUIRED "admins:\n  emails: ['']\n",
	    { "5:12: \"admins.emails\" entries must not be empty or contain "
	      "a NUL character" } },
	{ "group with comma", REQUIRED "admins:\n  groups: ['a,b']\n",
	    { "5:12: \"admins.groups\" entry \"a,b\" contains a comma; the SSO "
	      "proxy separates groups with commas, so list each group as "
	      "its own entry" } },
	{ "group with leading space", REQUIRED "admins:\n  groups: [' a']\n",
	    { "5:12: \"admins.groups\" entry \" a\" starts or ends with a "
	      "space, so it could never match a group from the SSO proxy" } },
	{ "group with control character", REQUIRED
	    "admins:\n  groups: [\"a\\tb\"]\n",
	    { "5:12: \"admins.groups\" entry \"a\\x09b\" contains a control "
	      "character" } },
	{ "group empty", REQUIRED "admins:\n  groups:\n    - ''\n",
	    { "6:7: \"admins.groups\" entries must not be empty or contain "
	      "a NUL character" } },
	{ "site contact javascript", REQUIRED
	    "site:\n  contact: javascript:alert(1)\n",
	    { "5:12: \"site.contact\" must be an email address (NAME@DOMAIN) "
	      "or a URL starting with https:// or http://, without spaces" } },
	{ "site stale_days zero", REQUIRED "site:\n  stale_days: 0\n",
	    { "5:15: \"site.stale_days\" must be a number of days from 1 to "
	      "3650, not \"0\"" } },
	{ "site faq entry scalar", REQUIRED "site:\n  faq:\n    - hello\n",
	    { "6:7: \"site.faq\" entries must be mappings with a question "
	      "and an answer, not a scalar" } },
	{ "site faq entry unknown key", REQUIRED
	    "site:\n  faq:\n    - { question: a, answer: b, link: c }\n",
	    { "6:33: unknown key in a \"site.faq\" entry; expected one of: "
	      "question, answer" } },
	{ "site faq entry without answer", REQUIRED
	    "site:\n  faq:\n    - question: a\n",
	    { "6:7: a \"site.faq\" entry needs both a question and an "
	      "answer" } },
	{ "site title empty", REQUIRED "site:\n  title: ''\n",
	    { "5:10: \"site.title\" must not be empty or contain a NUL "
	      "character" } },
	{ "group entry mapping", REQUIRED "admins:\n  groups:\n    - a: 1\n",
	    { "6:7: \"admins.groups\" entries must be strings, "
	      "not a mapping" } },
};

static void
test_error_cases(void **state)
{
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct config		*cfg;
	char			*path;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(error_cases) / sizeof(error_cases[0]); i++) {
		const struct error_case *c = &error_cases[i];

		print_message("case: %s\n", c->name);
		path = write_config(c->text);
		cfg = (struct config *)1;
		assert_int_equal(config_load(path, &cfg, &diags), -1);
		assert_null(cfg);
		assert_diags(&diags, path, c->expected);
		diag_clear(&diags);
		free(path);
	}
}

static void
test_several_errors_collected(void **state)
{
	static const char text[] =
	    "listen: localhost\n"
	    "workers: lots\n"
	    "colour: red\n"
	    "admins:\n"
	    "  emails: [ok@example.com, broken]\n"
	    "  groups: ['a,b', fine]\n"
	    "log_level: loud\n";
	static const char *const expected[] = {
		"1:9: \"listen\" must be \"unix:/absolute/path\" or "
		    "\"HOST:PORT\", not \"localhost\"",
		"2:10: \"workers\" must be an integer from 0 to 256, "
		    "not \"lots\"",
		"3:1: unknown key \"colour\"; " UNKNOWN_TOP_KEY,
		"5:28: \"admins.emails\" entry \"broken\" " NOT_EMAIL,
		"6:12: \"admins.groups\" entry \"a,b\" contains a comma; the SSO "
		    "proxy separates groups with commas, so list each group "
		    "as its own entry",
		"7:12: \"log_level\" must be one of error, warn, info, debug, "
		    "not \"loud\"",
		"1:1: missing required key \"practices\"",
		"1:1: missing required key \"templates\"",
	};
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct config		*cfg = NULL;
	char			*path, *got;
	size_t			 i, n = sizeof(expected) / sizeof(expected[0]);

	(void)state;
	path = write_config(text);
	assert_int_equal(config_load(path, &cfg, &diags), -1);
	assert_null(cfg);
	assert_int_equal(diags.count, n);
	for (i = 0; i < n; i++) {
		got = format_diag(&diags.items[i]);
		assert_string_equal(got, expected[i]);
		free(got);
	}
	diag_clear(&diags);
	free(path);
}

static void
test_missing_file(void **state)
{
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct config		*cfg = (struct config *)1;
	struct buf		 path = BUF_INIT;

	(void)state;
	buf_printf(&path, "%s/absent.yaml", fx->dir);
	assert_int_equal(config_load(path.data, &cfg, &diags), -1);
	assert_null(cfg);
	assert_int_equal(diags.count, 1);
	assert_string_equal(diags.items[0].file, path.data);
	assert_int_equal(diags.items[0].line, 0);
	assert_string_equal(diags.items[0].message,
	    "cannot read: No such file or directory");
	diag_clear(&diags);
	buf_free(&path);
}

static void
test_file_too_large(void **state)
{
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct config		*cfg = NULL;
	struct buf		 text = BUF_INIT, want = BUF_INIT;
	char			*path;

	(void)state;
	buf_puts(&text, REQUIRED);
	while (text.len <= CONFIG_MAX_FILE_BYTES)
		buf_puts(&text, "# padding padding padding padding padding\n");
	path = write_file("stethoscope.yaml", text.data, text.len);
	assert_int_equal(config_load(path, &cfg, &diags), -1);
	assert_int_equal(diags.count, 1);
	buf_printf(&want, "file is %zu bytes; the limit is %d", text.len,
	    CONFIG_MAX_FILE_BYTES);
	assert_string_equal(diags.items[0].message, want.data);
	diag_clear(&diags);
	buf_free(&want);
	buf_free(&text);
	free(path);
}

static void
test_too_deep(void **state)
{
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct config		*cfg = NULL;
	struct buf		 text = BUF_INIT;
	char			*path;
	int			 i;

	(void)state;
	buf_puts(&text, REQUIRED "limits: ");
	for (i = 0; i < 16; i++)
		buf_putc(&text, '[');
	path = write_config(text.data);
	assert_int_equal(config_load(path, &cfg, &diags), -1);
	assert_int_equal(diags.count, 1);
	assert_int_equal(diags.items[0].line, 4);
	assert_int_equal(diags.items[0].column, 24);
	assert_string_equal(diags.items[0].message,
	    "nesting deeper than 16 levels");
	diag_clear(&diags);
	buf_free(&text);
	free(path);
}

/* --- config_is_admin ---------------------------------------------------- */

static void
test_is_admin(void **state)
{
	static const struct {
		const char	*email;
		const char	*groups;
		int		 expected;
	} cases[] = {
		{ "alice@example.com", NULL, 1 },
		{ "ALICE@Example.Com", NULL, 1 },
		{ "alice@example.org", NULL, 0 },
		{ "alice", NULL, 0 },
		{ "", "", 0 },
		{ NULL, NULL, 0 },
		{ "eve@example.com", "security-admins", 1 },
		{ "eve@example.com", "staff, security-admins", 1 },
		{ "eve@example.com", " staff ,\tIT Ops\t, x", 1 },
		{ "eve@example.com", "IT Ops", 1 },
		{ "eve@example.com", "IT  Ops", 0 },
		{ "eve@example.com", "Security-Admins", 0 },
		{ "eve@example.com", "security", 0 },
		{ "eve@example.com", "security-admins-2", 0 },
		{ "eve@example.com", "staff,,", 0 },
		{ "eve@example.com", ",", 0 },
		{ "eve@example.com", "", 0 },
		{ NULL, "staff,security-admins", 1 },
		{ "eve@example.com", "security-admins,security-admins", 1 },
	};
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct config		*cfg = NULL;
	char			*path;
	size_t			 i;

	(void)state;
	path = write_config(REQUIRED "admins:\n"
	    "  emails: [Alice@Example.com]\n"
	    "  groups: [security-admins, IT Ops]\n");
	assert_int_equal(config_load(path, &cfg, &diags), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		print_message("case %zu: %s / %s\n", i,
		    cases[i].email != NULL ? cases[i].email : "(null)",
		    cases[i].groups != NULL ? cases[i].groups : "(null)");
		assert_int_equal(config_is_admin(cfg, cases[i].email,
		    cases[i].groups), cases[i].expected);
	}
	config_free(cfg);
	free(path);
}

static void
test_is_admin_without_admins(void **state)
{
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct config		*cfg = NULL;
	char			*path;

	(void)state;
	path = write_config(REQUIRED "admins:\n  emails: []\n  groups: []\n");
	assert_int_equal(config_load(path, &cfg, &diags), 0);
	assert_int_equal(cfg->admin_email_count, 0);
	assert_int_equal(cfg->admin_group_count, 0);
	assert_int_equal(config_is_admin(cfg, "alice@example.com", "a,b"), 0);
	assert_int_equal(config_is_admin(cfg, "", ""), 0);
	config_free(cfg);
	free(path);

	path = write_config(REQUIRED);
	assert_int_equal(config_load(path, &cfg, &diags), 0);
	assert_int_equal(config_is_admin(cfg, "alice@example.com", "admins"),
	    0);
	config_free(cfg);
	free(path);

	assert_int_equal(config_is_admin(NULL, "alice@example.com", "a"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_file),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_null_values_keep_defaults),
		cmocka_unit_test(test_site_section),
		cmocka_unit_test(test_site_contact_url),
		cmocka_unit_test(test_workers_zero_means_cpus),
		cmocka_unit_test(test_relative_paths),
		cmocka_unit_test(test_valid_values),
		cmocka_unit_test(test_range_limits_accepted),
		cmocka_unit_test(test_error_cases),
		cmocka_unit_test(test_several_errors_collected),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_file_too_large),
		cmocka_unit_test(test_too_deep),
		cmocka_unit_test(test_is_admin),
		cmocka_unit_test(test_is_admin_without_admins),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
