/* Loading and validating everything a worker serves from. */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"
#include "buf.h"
#include "log.h"
#include "practices.h"
#include "template.h"
#include "xalloc.h"

const char *const app_required_templates[] = {
	"layout", "index", "error", "devices", "device", "faq",
	"admin_lookup", "admin_practices", NULL,
};

#define FNV_OFFSET	0xcbf29ce484222325ULL
#define FNV_PRIME	0x100000001b3ULL

static uint64_t
fnv_update(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t	 i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= FNV_PRIME;
	}
	return h;
}

static int
compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Hash the names and contents of the files under dir, in sorted order and
 * down to a few levels, so that the tag in static URLs changes whenever a
 * file does and browsers may cache each URL for good.
 */
static uint64_t
hash_dir(uint64_t h, const char *dir, int depth)
{
	DIR		*d;
	struct dirent	*e;
	struct stat	 st;
	char		**names = NULL, *path;
	size_t		 count = 0, cap = 0, i;
	char		 chunk[8192];
	ssize_t		 n;
	int		 fd;

	if (depth > 4 || (d = opendir(dir)) == NULL)
		return h;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (count == cap) {
			cap = cap ? cap * 2 : 16;
			names = xrealloc(names, cap * sizeof(names[0]));
		}
		names[count++] = xstrdup(e->d_name);
	}
	closedir(d);
	qsort(names, count, sizeof(names[0]), compare_names);

	for (i = 0; i < count; i++) {
		path = xmalloc(strlen(dir) + strlen(names[i]) + 2);
		sprintf(path, "%s/%s", dir, names[i]);
		h = fnv_update(h, names[i], strlen(names[i]) + 1);
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			h = hash_dir(h, path, depth + 1);
		} else if ((fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
			while ((n = read(fd, chunk, sizeof(chunk))) > 0)
				h = fnv_update(h, chunk, (size_t)n);
			close(fd);
		}
		free(path);
		free(names[i]);
	}
	free(names);
	return h;
}

static int
load_templates(struct app *app, struct diag_list *diags)
{
	const struct config	*cfg = app->config;
	struct buf		 path = BUF_INIT;
	struct stat		 st;
	int			 rc = 0;
	size_t			 i;

	app->templates = template_set_new();
	if (template_set_load_dir(app->templates, cfg->templates_dir,
	    diags) != 0)
		rc = -1;

	buf_printf(&path, "%s/partials", cfg->templates_dir);
	if (stat(path.data, &st) == 0 &&
	    template_set_load_dir(app->templates, path.data, diags) != 0)
		rc = -1;

	if (template_set_link(app->templates, diags) != 0)
		rc = -1;

	for (i = 0; app_required_templates[i] != NULL; i++) {
		if (template_set_has(app->templates, app_required_templates[i]))
			continue;
		/* A file that exists but failed to compile is reported already. */
		buf_reset(&path);
		buf_printf(&path, "%s/%s.mustache", cfg->templates_dir,
		    app_required_templates[i]);
		if (stat(path.data, &st) == 0)
			continue;
		diag_add(diags, cfg->templates_dir, 0, 0,
		    "missing template \"%s.mustache\"; every installation needs "
		    "it", app_required_templates[i]);
		rc = -1;
	}
	buf_free(&path);
	return rc;
}

int
app_load(const char *config_path, struct app **out, struct diag_list *diags)
{
	struct app	*app;
	int		 rc = 0;
	uint64_t	 tag;

	*out = NULL;
	app = xcalloc(1, sizeof(*app));
	if (config_load(config_path, &app->config, diags) != 0)
		goto fail;

	if (practices_load(app->config->practices_path, &app->practices,
	    diags) != 0)
		rc = -1;
	if (load_templates(app, diags) != 0)
		rc = -1;
	if (rc != 0)
		goto fail;

	tag = FNV_OFFSET;
	if (app->config->static_dir != NULL)
		tag = hash_dir(tag, app->config->static_dir, 0);
	snprintf(app->static_prefix, sizeof(app->static_prefix),
	    "/static/%016llx", (unsigned long long)tag);
	app->loaded_at = time(NULL);

	*out = app;
	return 0;

fail:
	app_free(app);
	return -1;
}

void
app_free(struct app *app)
{
	if (app == NULL)
		return;
	if (app->templates != NULL)
		template_set_free(app->templates);
	if (app->practices != NULL)
		practices_free(app->practices);
	config_free(app->config);
	free(app);
}
