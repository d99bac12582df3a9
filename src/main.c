/* The stethoscope command: subcommands for serving, checking and rendering. */

#include <getopt.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <json-c/json.h>
#include <libxml/parser.h>

#include "app.h"
#include "buf.h"
#include "config.h"
#include "device.h"
#include "device_json.h"
#include "evaluate.h"
#include "identifier.h"
#include "json_file.h"
#include "log.h"
#include "lookup.h"
#include "master.h"
#include "practices.h"
#include "template.h"
#include "xalloc.h"

#define DEFAULT_CONFIG	STETHOSCOPE_SYSCONFDIR "/stethoscope.yaml"
#define EXIT_USAGE	2

static const char usage_text[] =
    "usage: stethoscope serve [-f] [-c FILE]\n"
    "       stethoscope check [-c FILE]\n"
    "       stethoscope render [--partials DIR] TEMPLATE DATA.json\n"
    "       stethoscope evaluate [-c FILE] RECORDS.json\n"
    "       stethoscope lookup [-c FILE] [--json] EMAIL | --serial S | --mac M\n"
    "       stethoscope version\n"
    "       stethoscope help\n";

static const char help_text[] =
    "\n"
    "Commands:\n"
    "  serve    run the master process and its FastCGI workers;\n"
    "           -f stays in the foreground (use it under systemd)\n"
    "  check    validate the config, the practices file and every\n"
    "           template, print \"ok\" or each error as FILE:LINE:COLUMN\n"
    "  render   render one template with a JSON data file to standard\n"
    "           output; --partials names the directory of partials\n"
    "  evaluate merge the device records in RECORDS.json, evaluate every\n"
    "           practice of the configured practices file, and print the\n"
    "           devices with their statuses as JSON\n"
    "  lookup   ask every configured source for a person's devices (or\n"
    "           one device by serial or MAC address), merge and evaluate\n"
    "           them, and print them with the errors of failed sources;\n"
    "           --json prints the same form as evaluate\n"
    "  version  print the version\n"
    "  help     print this text\n"
    "\n"
    "Options:\n"
    "  -c FILE  the configuration file (default " DEFAULT_CONFIG ")\n"
    "\n"
    "Signals to serve: HUP reloads, TERM or INT stops after the requests\n"
    "in flight. See stethoscope(8).\n";

static int usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* Print why the command line is wrong, then the usage; return 2. */
static int
usage_error(const char *fmt, ...)
{
	va_list	 ap;

	fputs("stethoscope: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fputs(usage_text, stderr);
	return EXIT_USAGE;
}

/*
 * Parse "-c FILE" and, when allowed, "-f" for serve and check. Returns 0,
 * or EXIT_USAGE after printing why.
 */
static int
parse_config_options(int argc, char **argv, int allow_f,
    const char **config, int *foreground)
{
	int	 ch;

	optind = 1;
	opterr = 0;
	while ((ch = getopt(argc, argv, allow_f ? "+:c:f" : "+:c:")) != -1) {
		switch (ch) {
		case 'c':
			*config = optarg;
			break;
		case 'f':
			*foreground = 1;
			break;
		case ':':
			return usage_error("option -%c needs a value", optopt);
		default:
			return usage_error("unknown option -%c", optopt);
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument \"%s\"", argv[optind]);
	return 0;
}

static int
cmd_serve(int argc, char **argv)
{
	const char	*config = DEFAULT_CONFIG;
	int		 foreground = 0, rc;

	if ((rc = parse_config_options(argc, argv, 1, &config,
	    &foreground)) != 0)
		return rc;
	return master_run(config, foreground);
}

static int
cmd_check(int argc, char **argv)
{
	struct diag_list d = DIAG_LIST_INIT;
	struct app	*app;
	const char	*config = DEFAULT_CONFIG;
	int		 foreground = 0, rc;

	if ((rc = parse_config_options(argc, argv, 0, &config,
	    &foreground)) != 0)
		return rc;

	/* Only the diagnostics matter here, not the loader's log lines. */
	log_set_level(LOG_LEVEL_ERROR);
	if (app_load(config, &app, &d) != 0) {
		diag_print(&d, stderr);
		fprintf(stderr, "%s: %zu problem(s) found\n", config, d.count);
		diag_clear(&d);
		return 1;
	}
	app_free(app);
	puts("ok");
	return 0;
}

/* The template's name in the set: its file name without ".mustache". */
static char *
template_name(const char *path)
{
	char	*copy, *base, *dot, *name;

	copy = xstrdup(path);
	base = basename(copy);
	if ((dot = strrchr(base, '.')) != NULL && dot != base)
		*dot = '\0';
	name = xstrdup(base);
	free(copy);
	return name;
}

static int
cmd_render(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "partials",	required_argument,	NULL,	'p' },
		{ NULL,		0,			NULL,	0 },
	};
	struct diag_list	 d = DIAG_LIST_INIT;
	struct template_set	*set = NULL;
	struct json_object	*data = NULL;
	struct buf		 out = BUF_INIT;
	const char		*partials = NULL;
	char			*name = NULL;
	int			 ch, rc = 1;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+p:", long_options,
	    NULL)) != -1) {
		if (ch == 'p')
			partials = optarg;
		else
			return usage_error("unknown or incomplete option in "
			    "\"%s\"", argv[optind - 1]);
	}
	if (argc - optind != 2)
		return usage_error("render needs TEMPLATE and DATA.json");

	set = template_set_new();
	name = template_name(argv[optind]);
	if (partials != NULL &&
	    template_set_load_dir(set, partials, &d) != 0)
		goto out;
	if (template_set_add_file(set, name, argv[optind], &d) != 0 ||
	    template_set_link(set, &d) != 0)
		goto out;
	data = json_parse_file(argv[optind + 1], JSON_FILE_MAX_BYTES,
	    JSON_FILE_MAX_DEPTH, &d);
	if (data == NULL)
		goto out;

	if (template_render(set, name, data, &out) != 0) {
		diag_add(&d, argv[optind], 0, 0, "rendering failed: partials "
		    "nest deeper than the limit");
		goto out;
	}
	fwrite(out.data, 1, out.len, stdout);
	rc = fflush(stdout) == 0 ? 0 : 1;

out:
	diag_print(&d, stderr);
	diag_clear(&d);
	buf_free(&out);
	json_object_put(data);
	if (set != NULL)
		template_set_free(set);
	free(name);
	return rc;
}

static int
cmd_evaluate(int argc, char **argv)
{
	struct diag_list	 d = DIAG_LIST_INIT;
	struct config		*cfg = NULL;
	struct practices	*practices = NULL;
	struct device_list	 records = { NULL, 0, 0 };
	struct json_object	*input = NULL, *view = NULL;
	const char		*config = DEFAULT_CONFIG, *path;
	int			 ch, rc = 1;

	optind = 1;
	opterr = 0;
	while ((ch = getopt(argc, argv, "+:c:")) != -1) {
		if (ch == 'c')
			config = optarg;
		else if (ch == ':')
			return usage_error("option -%c needs a value", optopt);
		else
			return usage_error("unknown option -%c", optopt);
	}
	if (argc - optind != 1)
		return usage_error("evaluate needs one RECORDS.json file");
	path = argv[optind];

	log_set_level(LOG_LEVEL_WARN);
	if (config_load(config, &cfg, &d) != 0 ||
	    practices_load(cfg->practices_path, &practices, &d) != 0)
		goto out;
	input = json_parse_file(path, JSON_FILE_MAX_BYTES * 16,
	    JSON_FILE_MAX_DEPTH, &d);
	if (input == NULL || device_json_parse(path, input, &records, &d) != 0)
		goto out;

	if ((view = evaluate_records(practices, &records)) == NULL) {
		diag_add(&d, path, 0, 0, "too many records to merge");
		goto out;
	}
	puts(json_object_to_json_string_ext(view, JSON_C_TO_STRING_PRETTY |
	    JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
	rc = fflush(stdout) == 0 ? 0 : 1;

out:
	diag_print(&d, stderr);
	diag_clear(&d);
	json_object_put(view);
	json_object_put(input);
	device_list_free(&records);
	if (practices != NULL)
		practices_free(practices);
	config_free(cfg);
	return rc;
}

/* Print the evaluated devices and the source errors for people. */
static void
print_lookup_text(struct json_object *view, const struct lookup *lookup)
{
	struct json_object	*devices, *device, *practices, *field;
	const char		*name;
	size_t			 i, n;

	json_object_object_get_ex(view, "devices", &devices);
	n = json_object_array_length(devices);
	if (n == 0)
		puts("no devices found");
	for (i = 0; i < n; i++) {
		device = json_object_array_get_idx(devices, i);
		name = json_object_object_get_ex(device, "name", &field) ?
		    json_object_get_string(field) : "(no name)";
		printf("%s: %s\n", name,
		    json_object_object_get_ex(device, "status", &field) ?
		    json_object_get_string(field) : "unknown");
		if (json_object_object_get_ex(device, "sources", &field))
			printf("  sources: %s\n", json_object_to_json_string_ext(
			    field, JSON_C_TO_STRING_PLAIN));
		if (!json_object_object_get_ex(device, "practices",
		    &practices))
			continue;
		json_object_object_foreach(practices, key, result) {
			printf("  %-8s %-15s %s", json_object_object_get_ex(
			    result, "status", &field) ?
			    json_object_get_string(field) : "?", key,
			    json_object_object_get_ex(result, "title", &field) ?
			    json_object_get_string(field) : "");
			if (json_object_object_get_ex(result, "details",
			    &field))
				printf(" (%s)", json_object_get_string(field));
			putchar('\n');
		}
	}
	for (i = 0; i < lookup->error_count; i++)
		printf("error: %s: %s\n", lookup->errors[i].source,
		    lookup->errors[i].message);
}

static int
cmd_lookup(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "json",	no_argument,		NULL,	'j' },
		{ "serial",	required_argument,	NULL,	's' },
		{ "mac",	required_argument,	NULL,	'm' },
		{ NULL,		0,			NULL,	0 },
	};
	struct diag_list	 d = DIAG_LIST_INIT;
	struct config		*cfg = NULL;
	struct practices	*practices = NULL;
	struct fetcher		*fetcher = NULL;
	struct lookup		 lookup;
	struct json_object	*view = NULL, *errors, *item;
	enum lookup_kind	 kind = LOOKUP_EMAIL;
	const char		*config = DEFAULT_CONFIG, *value = NULL;
	char			 mac[32];
	int			 ch, json = 0, rc = 1, found = 0;
	size_t			 i;

	memset(&lookup, 0, sizeof(lookup));
	optind = 1;
	opterr = 0;
	/* No "+": options may follow the email, as in "lookup EMAIL --json". */
	while ((ch = getopt_long(argc, argv, ":c:", long_options,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			config = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 's':
			kind = LOOKUP_SERIAL;
			value = optarg;
			found++;
			break;
		case 'm':
			kind = LOOKUP_MAC;
			value = optarg;
			found++;
			break;
		default:
			return usage_error("unknown or incomplete option in "
			    "\"%s\"", argv[optind - 1]);
		}
	}
	if (found == 0 && argc - optind == 1)
		value = argv[optind];
	else if (found != 1 || argc - optind != 0)
		return usage_error("lookup needs one EMAIL, --serial or --mac");

	if (kind == LOOKUP_MAC) {
		if (mac_canonicalize(value, mac, sizeof(mac)) != 0)
			return usage_error("invalid MAC address \"%s\"", value);
		value = mac;
	}

	log_set_level(LOG_LEVEL_WARN);
	if (config_load(config, &cfg, &d) != 0 ||
	    practices_load(cfg->practices_path, &practices, &d) != 0)
		goto out;
	if (cfg->source_count == 0) {
		diag_add(&d, config, 0, 0, "no sources are configured; add a "
		    "\"sources\" section");
		goto out;
	}

	fetcher = lookup_fetcher_new(cfg);
	lookup_run(cfg, fetcher, kind, value, &lookup);
	if ((view = evaluate_records(practices, &lookup.records)) == NULL) {
		diag_add(&d, config, 0, 0, "too many records to merge");
		goto out;
	}

	if (json) {
		errors = json_object_new_array();
		for (i = 0; i < lookup.error_count; i++) {
			item = json_object_new_object();
			json_object_object_add(item, "source",
			    json_object_new_string(lookup.errors[i].source));
			json_object_object_add(item, "message",
			    json_object_new_string(lookup.errors[i].message));
			json_object_array_add(errors, item);
		}
		json_object_object_add(view, "errors", errors);
		puts(json_object_to_json_string_ext(view,
		    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
		    JSON_C_TO_STRING_NOSLASHESCAPE));
	} else
		print_lookup_text(view, &lookup);
	rc = fflush(stdout) == 0 ? 0 : 1;

out:
	diag_print(&d, stderr);
	diag_clear(&d);
	json_object_put(view);
	lookup_free(&lookup);
	if (fetcher != NULL)
		fetcher_free(fetcher);
	if (practices != NULL)
		practices_free(practices);
	config_free(cfg);
	return rc;
}

static int
cmd_version(int argc, char **argv)
{
	(void)argv;
	if (argc > 1)
		return usage_error("version takes no arguments");
	printf("stethoscope %s\n", STETHOSCOPE_VERSION);
	return 0;
}

static int
cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs(usage_text, stdout);
	fputs(help_text, stdout);
	return 0;
}

static const struct {
	const char	*name;
	int		(*run)(int argc, char **argv);
} commands[] = {
	{ "serve",	cmd_serve },
	{ "check",	cmd_check },
	{ "render",	cmd_render },
	{ "evaluate",	cmd_evaluate },
	{ "lookup",	cmd_lookup },
	{ "version",	cmd_version },
	{ "help",	cmd_help },
	{ "--help",	cmd_help },
	{ "--version",	cmd_version },
};

int
main(int argc, char **argv)
{
	size_t	 i;

	/* Once per process, before any fork: libcurl and libxml2 state. */
	curl_global_init(CURL_GLOBAL_DEFAULT);
	xmlInitParser();

	if (argc < 2)
		return usage_error("missing command");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	return usage_error("unknown command \"%s\"", argv[1]);
}
