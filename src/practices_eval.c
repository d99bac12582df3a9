/*
 * Evaluating the practices table on one device: the platform rules every
 * practice shares, the rule kind's own decision, and the sorted verdict.
 */

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "device.h"
#include "practices.h"
#include "practices_internal.h"
#include "version.h"
#include "xalloc.h"

static const char *const status_names[STATUS__MAX] = {
	[STATUS_WARN] = "warn",
	[STATUS_NUDGE] = "nudge",
	[STATUS_UNKNOWN] = "unknown",
	[STATUS_OK] = "ok",
	[STATUS_NA] = "na",
};

static const char *const rating_names[RATING__MAX] = {
	[RATING_CRITICAL] = "critical",
	[RATING_HIGH] = "high",
	[RATING_MEDIUM] = "medium",
	[RATING_LOW] = "low",
};

const char *
status_name(enum status status)
{
	if ((unsigned)status >= STATUS__MAX)
		return "invalid";
	return status_names[status];
}

int
status_parse(const char *name, enum status *out)
{
	int	 i;

	for (i = 0; i < STATUS__MAX; i++)
		if (strcmp(status_names[i], name) == 0) {
			*out = (enum status)i;
			return 0;
		}
	return -1;
}

const char *
rating_name(enum rating rating)
{
	if ((unsigned)rating >= RATING__MAX)
		return "invalid";
	return rating_names[rating];
}

int
rating_parse(const char *name, enum rating *out)
{
	int	 i;

	for (i = 0; i < RATING__MAX; i++)
		if (strcmp(rating_names[i], name) == 0) {
			*out = (enum rating)i;
			return 0;
		}
	return -1;
}

/*
 * Return 1 when the device's OS version is at or above the practice's
 * not_applicable_from version for its platform. A missing or unreadable
 * version never makes a practice not applicable.
 */
static int
past_na_version(const struct practice *pr, const struct device_record *device)
{
	const struct version_floor	*from = &pr->na_from[device->platform];
	struct version			 v;

	if (from->text == NULL || version_parse(device->os_version, &v) != 0)
		return 0;
	return version_compare(&v, &from->version) >= 0;
}

/* Apply the platform rules, then the rule kind, to fill one result. */
static void
evaluate_practice(const struct practice *pr,
    const struct device_record *device, struct practice_result *res)
{
	struct rule_outcome	 outcome = { STATUS_UNKNOWN, NULL, 0 };
	int			 known;

	known = device->platform > PLATFORM_UNKNOWN &&
	    device->platform < PLATFORM__MAX;

	if (known && pr->not_applicable[device->platform])
		outcome.status = STATUS_NA;
	else if (known && past_na_version(pr, device))
		outcome.status = STATUS_NA;
	else if (known && pr->always_ok[device->platform])
		outcome.status = STATUS_OK;
	else if (!known && pr->platform_required)
		outcome.details = xstrdup("The device's platform is not "
		    "known.");
	else
		rule_kinds[pr->kind]->evaluate(pr, device, &outcome);

	res->key = pr->key;
	res->status = outcome.status;
	res->rating = pr->rating;
	res->title = pr->titles[outcome.status];
	res->description = pr->description;
	res->directions = known ? pr->directions[device->platform] : NULL;
	res->link = pr->link;
	res->details = outcome.details;
	res->last_updated = outcome.last_updated;
}

/* Worst status first, then the most important rating, then by key. */
static int
compare_results(const void *a, const void *b)
{
	const struct practice_result	*x = a, *y = b;

	if (x->status != y->status)
		return x->status < y->status ? -1 : 1;
	if (x->rating != y->rating)
		return x->rating < y->rating ? -1 : 1;
	return strcmp(x->key, y->key);
}

void
practices_evaluate(const struct practices *p,
    const struct device_record *device, struct verdict *out)
{
	size_t	 i;

	memset(out, 0, sizeof(*out));
	out->status = STATUS_UNKNOWN;
	if (p->count == 0)
		return;

	out->results = xcalloc(p->count, sizeof(out->results[0]));
	out->count = p->count;
	for (i = 0; i < p->count; i++)
		evaluate_practice(&p->items[i], device, &out->results[i]);
	qsort(out->results, out->count, sizeof(out->results[0]),
	    compare_results);

	/* Sorted worst first, so the first result is the device's status. */
	out->status = out->results[0].status;
}

void
verdict_free(struct verdict *v)
{
	size_t	 i;

	if (v == NULL)
		return;
	for (i = 0; i < v->count; i++)
		free(v->results[i].details);
	free(v->results);
	memset(v, 0, sizeof(*v));
}
