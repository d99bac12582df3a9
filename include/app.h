/*
 * Everything a worker serves from: the config, the compiled templates and
 * the practices. The master loads a complete app, validates it, and only
 * then hands it to new workers, so a bad file never replaces a good one.
 */
#ifndef STETHOSCOPE_APP_H
#define STETHOSCOPE_APP_H

#include <time.h>

#include "config.h"
#include "diag.h"

struct practices;
struct template_set;

struct app {
	struct config		*config;
	struct practices	*practices;
	struct template_set	*templates;
	char			 static_prefix[40];	/* "/static/<tag>" */
	time_t			 loaded_at;	/* when app_load finished */
};

/* The templates every app needs; loading fails when one is missing. */
extern const char *const app_required_templates[];

/*
 * Load the config at config_path, the practices file and every template
 * it names. Returns 0 and a new app in *out, or -1 with every problem in
 * diags and *out NULL. Free the app with app_free.
 */
int	app_load(const char *config_path, struct app **out,
	    struct diag_list *diags);

void	app_free(struct app *app);

#endif
