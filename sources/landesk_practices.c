/*
 * The observations a LANDESK machine response supports: encryption from
 * BitLocker, the firewall of the bound network adapters, and the screen
 * saver, automatic update and missing patch results of the vulnerability
 * scan.
 */

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "buf.h"
#include "device.h"
#include "landesk_internal.h"
#include "source_landesk.h"
#include "xalloc.h"

/* ---- encryption ---------------------------------------------------------- */

/* Return the number a status such as "1 - On" starts with, or -1. */
static int
leading_code(const char *s)
{
	int	 code = 0;

	if (s == NULL || !isdigit((unsigned char)*s))
		return -1;
	for (; isdigit((unsigned char)*s) && code < 1000; s++)
		code = code * 10 + (*s - '0');
	return code;
}

/* BitLocker conversion states, as Windows numbers them. */
static const struct {
	int		 code;
	enum observed	 value;
	const char	*text;		/* follows the drive letter */
} conversion_states[] = {
	{ 0, OBSERVED_FALSE, " is not encrypted" },
	{ 1, OBSERVED_TRUE, " is fully encrypted" },
	{ 2, OBSERVED_FALSE, " is still being encrypted" },
	{ 3, OBSERVED_FALSE, " is being decrypted" },
	{ 4, OBSERVED_FALSE, " has encryption paused" },
	{ 5, OBSERVED_FALSE, " has decryption paused" },
};

static int
same_drive(const char *a, const char *b)
{
	size_t	 la = strlen(a), lb = strlen(b);

	while (la > 0 && (a[la - 1] == '\\' || a[la - 1] == '/'))
		la--;
	while (lb > 0 && (b[lb - 1] == '\\' || b[lb - 1] == '/'))
		lb--;
	return la == lb && strncasecmp(a, b, la) == 0;
}

/* Return the BitLocker instance of the system drive, or NULL. */
static const char *
system_drive_instance(const struct landesk_parse_settings *s,
    const struct landesk_items *items, const char **instances, size_t n)
{
	const char	*letter;
	size_t		 i;

	for (i = 0; i < n; i++) {
		letter = landesk_instance_value(items,
		    s->columns[LANDESK_COL_BITLOCKER_DRIVE], instances[i]);
		if (letter != NULL && same_drive(letter, s->system_drive))
			return instances[i];
	}
	/* One volume without a letter column is taken as the system drive. */
	if (n == 1 && landesk_instance_value(items,
	    s->columns[LANDESK_COL_BITLOCKER_DRIVE], instances[0]) == NULL)
		return instances[0];
	return NULL;
}

static enum observed
judge_volume(const char *drive, const char *protection, const char *conversion,
    const char *percentage, struct buf *details)
{
	int	 prot = leading_code(protection), conv = leading_code(conversion);
	int	 pct = leading_code(percentage);
	size_t	 i;

	if (prot == 0) {
		buf_printf(details, "BitLocker protection is off for %s", drive);
		return OBSERVED_FALSE;
	}
	if (prot == 1 && (conv == 1 || (conv == -1 && pct == 100))) {
		buf_printf(details, "BitLocker protects %s", drive);
		return OBSERVED_TRUE;
	}
	for (i = 0; prot == 1 && i < sizeof(conversion_states) /
	    sizeof(conversion_states[0]); i++) {
		if (conversion_states[i].code != conv)
			continue;
		buf_printf(details, "%s%s", drive, conversion_states[i].text);
		if (pct > 0 && pct < 100)
			buf_printf(details, " (%d%% encrypted)", pct);
		return conversion_states[i].value;
	}
	buf_printf(details, "LANDESK reported BitLocker protection \"%s\" and "
	    "conversion \"%s\" for %s", protection != NULL ? protection : "",
	    conversion != NULL ? conversion : "", drive);
	return OBSERVED_UNKNOWN;
}

static void
observe_encryption(const struct landesk_parse_settings *s,
    const struct landesk_items *items, struct device_record *rec, time_t when)
{
	const char	*columns[4], **instances, *instance, *drive;
	struct buf	 details = BUF_INIT;
	enum observed	 value;
	size_t		 n;

	columns[0] = s->columns[LANDESK_COL_BITLOCKER_DRIVE];
	columns[1] = s->columns[LANDESK_COL_BITLOCKER_PROTECTION];
	columns[2] = s->columns[LANDESK_COL_BITLOCKER_CONVERSION];
	columns[3] = s->columns[LANDESK_COL_BITLOCKER_PERCENTAGE];
	instances = landesk_instances(items, columns, 4, &n);
	instance = system_drive_instance(s, items, instances, n);
	if (instance != NULL) {
		drive = landesk_instance_value(items, columns[0], instance);
		value = judge_volume(drive != NULL ? drive : s->system_drive,
		    landesk_instance_value(items, columns[1], instance),
		    landesk_instance_value(items, columns[2], instance),
		    landesk_instance_value(items, columns[3], instance),
		    &details);
		device_record_add_observation(rec, "encryption", value,
		    details.data, value == OBSERVED_UNKNOWN ? 0 : when);
	}
	buf_free(&details);
	free(instances);
}

/* ---- firewall ------------------------------------------------------------ */

/*
 * The firewall is on when every real adapter reports "Yes". Adapters with
 * "Not Installed" (virtual switches, VPN adapters) do not count.
 */
static void
observe_firewall(const struct landesk_parse_settings *s,
    const struct landesk_items *items, struct device_record *rec, time_t when)
{
	const char	*columns[3], **instances, *state, *label;
	struct buf	 off = BUF_INIT, odd = BUF_INIT, details = BUF_INIT;
	size_t		 i, n, real = 0;

	columns[0] = s->columns[LANDESK_COL_ADAPTER_FIREWALL];
	columns[1] = s->columns[LANDESK_COL_ADAPTER_ADDRESS];
	columns[2] = s->columns[LANDESK_COL_ADAPTER_DESCRIPTION];
	instances = landesk_instances(items, columns, 3, &n);
	for (i = 0; i < n; i++) {
		state = landesk_instance_value(items, columns[0], instances[i]);
		if (state == NULL || strcasecmp(state, "Not Installed") == 0)
			continue;
		real++;
		label = landesk_instance_value(items, columns[2], instances[i]);
		if (label == NULL)
			label = landesk_instance_value(items, columns[1],
			    instances[i]);
		if (label == NULL)
			label = "an adapter";
		if (strcasecmp(state, "No") == 0)
			buf_printf(&off, "%s%s", off.len ? ", " : "", label);
		else if (strcasecmp(state, "Yes") != 0)
			buf_printf(&odd, "%s\"%s\" for %s", odd.len ? ", " :
			    "", state, label);
	}
	free(instances);

	if (off.len > 0) {
		buf_printf(&details, "The firewall is off for %s", off.data);
		device_record_add_observation(rec, "firewall", OBSERVED_FALSE,
		    details.data, when);
	} else if (odd.len > 0) {
		buf_printf(&details, "LANDESK reported firewall state %s",
		    odd.data);
		device_record_add_observation(rec, "firewall",
		    OBSERVED_UNKNOWN, details.data, 0);
	} else if (real > 0)
		device_record_add_observation(rec, "firewall", OBSERVED_TRUE,
		    "The firewall is on for every network adapter", when);
	buf_free(&details);
	buf_free(&odd);
	buf_free(&off);
}

/* ---- reason texts -------------------------------------------------------- */

/*
 * Split text into sentences at a '.' followed by the end, white space or
 * an upper-case letter, which the scanner's run-together reasons
 * ("...for user dev.Screen saver...") need. Returns the count; *out holds
 * trimmed copies without the final '.', freed by the caller.
 */
static size_t
split_sentences(const char *text, char ***out)
{
	const char	*start = text, *p, *end;
	size_t		 n = 0;

	*out = NULL;
	for (p = text;; p++) {
		if (*p != '\0' && !(*p == '.' && (p[1] == '\0' ||
		    isspace((unsigned char)p[1]) ||
		    isupper((unsigned char)p[1]))))
			continue;
		while (start < p && isspace((unsigned char)*start))
			start++;
		end = p;
		while (end > start && isspace((unsigned char)end[-1]))
			end--;
		if (end > start) {
			*out = xrealloc(*out, (n + 1) * sizeof(**out));
			(*out)[n++] = xstrndup(start, (size_t)(end - start));
		}
		if (*p == '\0')
			break;
		start = p + 1;
	}
	return n;
}

static void
free_sentences(char **sentences, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(sentences[i]);
	free(sentences);
}

/*
 * Find "for local user NAME" or "for user NAME" (also with a colon before
 * NAME) in sentence. Returns the
 * user's name (a new string) and removes the phrase, or returns NULL.
 */
static char *
take_user(char *sentence)
{
	static const char *const phrases[] = { " for local user",
	    " for user" };
	char	*at, *name_start, *name_end, *user;
	size_t	 i;

	for (i = 0; i < sizeof(phrases) / sizeof(phrases[0]); i++) {
		if ((at = strcasestr(sentence, phrases[i])) == NULL)
			continue;
		name_start = at + strlen(phrases[i]);
		if (*name_start != ' ' && *name_start != ':')
			continue;
		name_start += strspn(name_start, ": ");
		name_end = name_start + strcspn(name_start, " ,;");
		if (name_end == name_start)
			continue;
		user = xstrndup(name_start, (size_t)(name_end - name_start));
		memmove(at, name_end, strlen(name_end) + 1);
		return user;
	}
	return NULL;
}

/* Lower-case a leading capital unless the word is an acronym ("BIOS"). */
static void
append_clause(struct buf *out, const char *clause)
{
	if (isupper((unsigned char)clause[0]) &&
	    islower((unsigned char)clause[1])) {
		buf_putc(out, (char)tolower((unsigned char)clause[0]));
		clause++;
	}
	buf_puts(out, clause);
}

void
landesk_screensaver_details(const char *reason, struct buf *out)
{
	char	**sentences, **users;
	size_t	  i, j, n, first = out->len;

	n = split_sentences(reason, &sentences);
	users = xcalloc(n + 1, sizeof(*users));
	for (i = 0; i < n; i++)
		users[i] = take_user(sentences[i]);

	/* Sentences without a user first, then one group per user. */
	for (i = 0; i < n; i++) {
		if (users[i] != NULL)
			continue;
		buf_puts(out, out->len > first ? " " : "");
		buf_printf(out, "%s.", sentences[i]);
	}
	for (i = 0; i < n; i++) {
		if (users[i] == NULL || sentences[i][0] == '\0')
			continue;
		buf_printf(out, "%sLocal user %s: ", out->len > first ? " " :
		    "", users[i]);
		for (j = i; j < n; j++) {
			if (users[j] == NULL || strcmp(users[j], users[i]) != 0)
				continue;
			if (j > i)
				buf_puts(out, "; ");
			append_clause(out, sentences[j]);
			if (j > i)
				sentences[j][0] = '\0';
		}
		buf_putc(out, '.');
	}
	for (i = 0; i < n; i++)
		free(users[i]);
	free(users);
	free_sentences(sentences, n);
}

/* Put the scanner's sentences back together with proper spacing. */
static void
readable_reason(const char *reason, struct buf *out)
{
	char	**sentences;
	size_t	  i, n;

	n = split_sentences(reason, &sentences);
	for (i = 0; i < n; i++)
		buf_printf(out, "%s%s.", i > 0 ? " " : "", sentences[i]);
	free_sentences(sentences, n);
}

/* ---- vulnerability scan results ------------------------------------------ */

struct scan_results {
	const char	*screensaver;	/* the failed check's reason, or "" */
	const char	*autoupdate;
	struct buf	 missing;	/* titles of missing patches */
	int		 known;		/* the scan ran */
	time_t		 when;
};

static int
listed(const char *value, char *const *list, size_t count)
{
	size_t	 i;

	for (i = 0; value != NULL && i < count; i++)
		if (strcasecmp(value, list[i]) == 0)
			return 1;
	return 0;
}

static void
collect_scan(const struct landesk_parse_settings *s,
    const struct landesk_items *items, struct scan_results *r)
{
	const char	*columns[4], **instances, *id, *title, *reason;
	size_t		 i, n;

	columns[0] = s->columns[LANDESK_COL_VULNERABILITY_ID];
	columns[1] = s->columns[LANDESK_COL_VULNERABILITY_TITLE];
	columns[2] = s->columns[LANDESK_COL_VULNERABILITY_SEVERITY];
	columns[3] = s->columns[LANDESK_COL_VULNERABILITY_REASON];
	instances = landesk_instances(items, columns, 4, &n);
	if (n > 0)
		r->known = 1;
	for (i = 0; i < n; i++) {
		id = landesk_instance_value(items, columns[0], instances[i]);
		title = landesk_instance_value(items, columns[1], instances[i]);
		reason = landesk_instance_value(items, columns[3],
		    instances[i]);
		if (id != NULL && strcasecmp(id, s->screensaver_check) == 0)
			r->screensaver = reason != NULL ? reason : "";
		else if (id != NULL && strcasecmp(id, s->autoupdate_check) == 0)
			r->autoupdate = reason != NULL ? reason : "";
		else if (listed(landesk_instance_value(items, columns[2],
		    instances[i]), s->patch_severities,
		    s->patch_severity_count))
			buf_printf(&r->missing, "%s%s", r->missing.len ?
			    "; " : "", title != NULL ? title : id != NULL ?
			    id : "an unnamed patch");
	}
	free(instances);
}

static void
observe_scan(const struct landesk_parse_settings *s,
    const struct landesk_items *items, struct device_record *rec,
    time_t software_date)
{
	struct scan_results	 r = { NULL, NULL, BUF_INIT, 0, 0 };
	struct buf		 details = BUF_INIT;
	size_t			 i;

	if (landesk_parse_date(&s->zone, landesk_value(items,
	    s->columns[LANDESK_COL_VULNERABILITY_SCAN_DATE]), &r.when) == 0)
		r.known = 1;
	else
		r.when = software_date;
	collect_scan(s, items, &r);
	if (!r.known)
		goto out;

	if (r.screensaver != NULL) {
		landesk_screensaver_details(r.screensaver, &details);
		device_record_add_observation(rec, "screenlock", OBSERVED_FALSE,
		    details.len > 0 ? details.data : "The screen saver check "
		    "failed", r.when);
	} else
		device_record_add_observation(rec, "screenlock", OBSERVED_TRUE,
		    "The screen saver settings passed the check", r.when);

	buf_reset(&details);
	if (r.autoupdate != NULL) {
		readable_reason(r.autoupdate, &details);
		device_record_add_observation(rec, "autoupdate", OBSERVED_FALSE,
		    details.len > 0 ? details.data : "The automatic update "
		    "check failed", r.when);
	} else
		device_record_add_observation(rec, "autoupdate", OBSERVED_TRUE,
		    "Automatic updates passed the check", r.when);

	buf_reset(&details);
	if (r.missing.len > 0) {
		buf_printf(&details, "Missing updates: %s", r.missing.data);
		device_record_add_observation(rec, "uptodate", OBSERVED_FALSE,
		    details.data, r.when);
	} else {
		buf_puts(&details, "No missing updates rated ");
		for (i = 0; i < s->patch_severity_count; i++)
			buf_printf(&details, "%s%s", i == 0 ? "" :
			    i + 1 == s->patch_severity_count ? " or " : ", ",
			    s->patch_severities[i]);
		device_record_add_observation(rec, "uptodate", OBSERVED_TRUE,
		    details.data, r.when);
	}

out:
	buf_free(&details);
	buf_free(&r.missing);
}

void
landesk_observe_practices(const struct landesk_parse_settings *s,
    const struct landesk_items *items, struct device_record *rec,
    time_t hardware_date, time_t software_date)
{
	observe_encryption(s, items, rec, hardware_date);
	observe_firewall(s, items, rec, hardware_date);
	observe_scan(s, items, rec, software_date);
}
