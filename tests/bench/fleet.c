/*
 * The synthetic fleet generator. Each device gets a unique serial
 * number, MAC addresses, UDID and IMEI derived from its index. So two
 * devices never share an identifier by accident, and the only shared
 * values in the fleet are the deliberate ones below.
 */

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fleet.h"
#include "xalloc.h"

#define COUNT(a)		(sizeof(a) / sizeof((a)[0]))

/* 2026-11-30T10:00:00Z: the fleet's "now". */
#define FLEET_NOW		1796032800
#define DAY			86400

enum fleet_source {
	SOURCE_JAMF,
	SOURCE_LANDESK,
	SOURCE_GOOGLE,
	SOURCE_BITFIT,
	SOURCE_FLEET,
	SOURCE__MAX
};

static const char *const source_names[SOURCE__MAX] = {
	"jamf", "landesk", "google", "bitfit", "fleet",
};

/* How the sources spell a MAC address. */
enum mac_style {
	MAC_COLON_UPPER,	/* JAMF, bitFit */
	MAC_COLON_LOWER,	/* osquery */
	MAC_BARE_UPPER,		/* LANDESK */
	MAC_BARE_LOWER,		/* ChromeOS */
	MAC_DASH_UPPER,		/* Windows tools */
	MAC_DOTTED_LOWER,	/* network gear */
};

/*
 * Vendor prefixes with the group and locally administered bits clear,
 * two per platform (wired and wireless), indexed by enum platform.
 */
static const unsigned char vendor_prefixes[PLATFORM__MAX][2][3] = {
	[PLATFORM_MAC]		= { { 0xF0, 0x18, 0x98 }, { 0xA4, 0x83, 0xE7 } },
	[PLATFORM_WINDOWS]	= { { 0x00, 0x14, 0x22 }, { 0x54, 0xE1, 0xAC } },
	[PLATFORM_IOS]		= { { 0x3C, 0x22, 0xFB }, { 0x3C, 0x22, 0xFC } },
	[PLATFORM_ANDROID]	= { { 0x00, 0x16, 0x32 }, { 0x00, 0x16, 0x33 } },
	[PLATFORM_CHROMEOS]	= { { 0x00, 0x1A, 0x11 }, { 0x00, 0x1A, 0x12 } },
};

/*
 * One universally administered address that many Windows machines
 * report, as VPN virtual adapters and shared docking stations do.
 */
static const unsigned char shared_adapter_mac[6] = {
	0x00, 0x05, 0x9A, 0x3C, 0x7A, 0x00,
};

/* Placeholders that inventory tools put where a serial belongs. */
static const char *const placeholder_serials[] = {
	"To be filled by O.E.M.", "Default string", "System Serial Number",
	"0", "Not Available", "N/A", "0123456789", "None",
};

static const struct {
	const char	*name;
	const char	*versions[3];
} applications[] = {
	{ "Firefox",		{ "128.0", "129.0.1", "130.0" } },
	{ "Google Chrome",	{ "126.0.6478.127", "127.0.6533.89", NULL } },
	{ "Slack",		{ "4.39.90", "4.40.120", NULL } },
	{ "Zoom",		{ "6.1.0", "6.1.5", NULL } },
	{ "1Password",		{ "8.10.36", NULL, NULL } },
	{ "Visual Studio Code",	{ "1.91.1", "1.92.0", NULL } },
	{ "Microsoft Teams",	{ "24165.1410.2974.6689", NULL, NULL } },
	{ "CrowdStrike Falcon",	{ "7.16.18605", "7.17.18721", NULL } },
};

static const char *const services[] = {
	"sshd", "cupsd", "CSFalconService", "wuauserv", "mDNSResponder",
};

static const char *const practice_keys[] = {
	"encryption", "firewall", "autoupdate", "screenlock",
};

struct rng {
	uint64_t	 state;
};

/* xorshift64*, seeded so that seed 0 still works. */
static uint64_t
rng_next(struct rng *r)
{
	r->state ^= r->state >> 12;
	r->state ^= r->state << 25;
	r->state ^= r->state >> 27;
	return r->state * 0x2545F4914F6CDD1DULL;
}

static size_t
rng_below(struct rng *r, size_t n)
{
	return n == 0 ? 0 : (size_t)(rng_next(r) % n);
}

/* Return 1 with the given percent probability. */
static int
rng_percent(struct rng *r, unsigned percent)
{
	return rng_below(r, 100) < percent;
}

static char *
format_string(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *
format_string(const char *fmt, ...)
{
	struct buf	 b = BUF_INIT;
	va_list		 ap;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	return buf_detach(&b);
}

static char *
format_mac(const unsigned char o[6], enum mac_style style)
{
	switch (style) {
	case MAC_COLON_UPPER:
		return format_string("%02X:%02X:%02X:%02X:%02X:%02X",
		    o[0], o[1], o[2], o[3], o[4], o[5]);
	case MAC_COLON_LOWER:
		return format_string("%02x:%02x:%02x:%02x:%02x:%02x",
		    o[0], o[1], o[2], o[3], o[4], o[5]);
	case MAC_BARE_UPPER:
		return format_string("%02X%02X%02X%02X%02X%02X",
		    o[0], o[1], o[2], o[3], o[4], o[5]);
	case MAC_BARE_LOWER:
		return format_string("%02x%02x%02x%02x%02x%02x",
		    o[0], o[1], o[2], o[3], o[4], o[5]);
	case MAC_DASH_UPPER:
		return format_string("%02X-%02X-%02X-%02X-%02X-%02X",
		    o[0], o[1], o[2], o[3], o[4], o[5]);
	case MAC_DOTTED_LOWER:
		return format_string("%02x%02x.%02x%02x.%02x%02x",
		    o[0], o[1], o[2], o[3], o[4], o[5]);
	}
	return xstrdup("");
}

static void
add_mac(struct device_record *rec, const unsigned char octets[6],
    enum mac_style style)
{
	char	*mac = format_mac(octets, style);

	device_record_add_mac(rec, mac);
	free(mac);
}

/* One of eight locally administered addresses shared across the fleet. */
static void
add_local_mac(struct device_record *rec, struct rng *r)
{
	unsigned char	 o[6] = { 0x02, 0x5A, 0x10, 0x00, 0x00, 0x00 };

	o[0] = (unsigned char)(0x02 | (rng_below(r, 8) << 4));
	o[5] = (unsigned char)rng_below(r, 4);
	add_mac(rec, o, rng_percent(r, 50) ? MAC_COLON_UPPER : MAC_BARE_LOWER);
}

/* Everything the generator decides about one device before its records. */
struct fleet_device {
	size_t		 index;
	enum platform	 platform;
	char		 serial[32];
	char		 typo_serial[32];	/* the mistyped inventory serial */
	char		 udid[48];
	char		 imei[20];
	unsigned char	 mac[6];		/* primary: on every linked record */
	unsigned char	 mac2[6];
	char		 email[48];
	time_t		 last_sync;
};

static void
device_init(struct fleet_device *dev, size_t index, size_t people,
    struct rng *r)
{
	/* Vendor-like prefixes, then the index in hex digits. */
	static const struct {
		const char	*prefix;
		int		 digits;
	} serial_forms[PLATFORM__MAX] = {
		[PLATFORM_MAC]		= { "C02", 9 },
		[PLATFORM_WINDOWS]	= { "5CG", 7 },
		[PLATFORM_IOS]		= { "DNP", 9 },
		[PLATFORM_ANDROID]	= { "R58M", 6 },
		[PLATFORM_CHROMEOS]	= { "NXH", 8 },
	};
	size_t	 roll = rng_below(r, 100), i;

	memset(dev, 0, sizeof(*dev));
	dev->index = index;
	if (roll < 40)
		dev->platform = PLATFORM_MAC;
	else if (roll < 75)
		dev->platform = PLATFORM_WINDOWS;
	else if (roll < 85)
		dev->platform = PLATFORM_IOS;
	else if (roll < 95)
		dev->platform = PLATFORM_ANDROID;
	else
		dev->platform = PLATFORM_CHROMEOS;

	snprintf(dev->serial, sizeof(dev->serial), "%s%0*zX",
	    serial_forms[dev->platform].prefix,
	    serial_forms[dev->platform].digits, index);
	snprintf(dev->typo_serial, sizeof(dev->typo_serial), "X%s",
	    dev->serial + 1);
	snprintf(dev->udid, sizeof(dev->udid), "00008030-%016zX", index);
	snprintf(dev->imei, sizeof(dev->imei), "35%013zu", index);
	for (i = 0; i < 3; i++) {
		dev->mac[i] = vendor_prefixes[dev->platform][0][i];
		dev->mac2[i] = vendor_prefixes[dev->platform][1][i];
	}
	dev->mac[3] = dev->mac2[3] = (unsigned char)(index >> 16);
	dev->mac[4] = dev->mac2[4] = (unsigned char)(index >> 8);
	dev->mac[5] = dev->mac2[5] = (unsigned char)index;

	snprintf(dev->email, sizeof(dev->email), "person%05zu@example.com",
	    rng_below(r, people));
	dev->last_sync = FLEET_NOW - (time_t)rng_below(r, 30 * DAY);
}

static void
add_observations(struct device_record *rec, struct rng *r, size_t count)
{
	size_t	 i;
	time_t	 when;

	for (i = 0; i < count; i++) {
		when = rec->last_sync - (time_t)rng_below(r, 3 * DAY);
		device_record_add_observation(rec, practice_keys[i],
		    rng_percent(r, 85) ? OBSERVED_TRUE : OBSERVED_FALSE,
		    NULL, when);
	}
}

static void
add_software(struct device_record *rec, struct rng *r, size_t apps,
    size_t svcs)
{
	size_t	 i, a, v;

	for (i = 0; i < apps; i++) {
		a = rng_below(r, COUNT(applications));
		v = rng_below(r, 3);
		if (applications[a].versions[v] == NULL)
			v = 0;
		device_record_add_software(rec, applications[a].name,
		    applications[a].versions[v]);
	}
	for (i = 0; i < svcs; i++)
		device_record_add_service(rec,
		    services[rng_below(r, COUNT(services))]);
}

static const char *
os_name_for(enum platform p)
{
	static const char *const names[PLATFORM__MAX] = {
		[PLATFORM_MAC]		= "macOS",
		[PLATFORM_WINDOWS]	= "Windows",
		[PLATFORM_IOS]		= "iOS",
		[PLATFORM_ANDROID]	= "Android",
		[PLATFORM_CHROMEOS]	= "ChromeOS",
	};

	return names[p];
}

static char *
os_version_for(enum platform p, struct rng *r)
{
	switch (p) {
	case PLATFORM_MAC:
		return format_string("%d.%zu.%zu", rng_percent(r, 70) ? 14 : 13,
		    rng_below(r, 7), rng_below(r, 2));
	case PLATFORM_WINDOWS:
		return xstrdup(rng_percent(r, 60) ? "10.0.22631" :
		    "10.0.19045");
	case PLATFORM_IOS:
		return format_string("17.%zu", rng_below(r, 6));
	case PLATFORM_ANDROID:
		return format_string("%zu", 12 + rng_below(r, 3));
	case PLATFORM_CHROMEOS:
		return format_string("120.0.6099.%zu", 200 + rng_below(r, 100));
	default:
		return NULL;
	}
}

/* Records of one source, and the device each describes. */
struct block {
	struct device_list	 list;
	size_t			*owner;
	size_t			 owner_cap;
};

/* Which records a device gets; decided before any is built. */
struct plan {
	int	 from[SOURCE__MAX];
	int	 mistyped;		/* bitfit has typo_serial */
	int	 placeholder;		/* landesk has a placeholder serial */
	int	 shared_adapter;	/* landesk also reports shared_adapter_mac */
	int	 spare_asset;		/* an extra bitfit record with no usable id */
	size_t	 records;
};

static void
plan_device(const struct fleet_device *dev, struct rng *r, struct plan *p)
{
	size_t	 i;

	memset(p, 0, sizeof(*p));
	switch (dev->platform) {
	case PLATFORM_MAC:
		p->from[SOURCE_JAMF] = 1;
		p->from[SOURCE_FLEET] = rng_percent(r, 90);
		break;
	case PLATFORM_WINDOWS:
		p->from[SOURCE_LANDESK] = 1;
		p->from[SOURCE_FLEET] = rng_percent(r, 85);
		p->placeholder = rng_percent(r, 4);
		p->shared_adapter = !p->placeholder && rng_percent(r, 3);
		break;
	case PLATFORM_CHROMEOS:
		p->from[SOURCE_GOOGLE] = 1;
		p->from[SOURCE_FLEET] = rng_percent(r, 30);
		break;
	default:
		p->from[SOURCE_GOOGLE] = 1;
		break;
	}
	p->from[SOURCE_BITFIT] = 1;

	/*
	 * A mistyped serial splits the bitfit record off only when the
	 * device's main record has the real serial to conflict with. Next
	 * to a placeholder it would simply become the device's serial.
	 */
	p->mistyped = !p->placeholder && rng_percent(r, 1);
	p->spare_asset = rng_percent(r, 2);

	for (i = 0; i < SOURCE__MAX; i++)
		p->records += (size_t)p->from[i];
	p->records += (size_t)p->spare_asset;
}

/* A new record from source for dev, with the fields every source sets. */
static struct device_record *
new_record(struct block *blocks, enum fleet_source source, size_t owner,
    const struct fleet_device *dev, struct rng *r)
{
	struct block		*b = &blocks[source];
	struct device_record	*rec;

	if (b->list.count == b->owner_cap) {
		b->owner_cap = b->owner_cap ? b->owner_cap * 2 : 256;
		b->owner = xrealloc(b->owner,
		    b->owner_cap * sizeof(b->owner[0]));
	}
	b->owner[b->list.count] = owner;
	rec = device_list_add(&b->list);
	rec->source = xstrdup(source_names[source]);
	if (dev == NULL)
		return rec;

	rec->platform = dev->platform;
	rec->email = xstrdup(dev->email);
	rec->last_sync = dev->last_sync - (time_t)rng_below(r, 2 * DAY);
	rec->os_name = xstrdup(os_name_for(dev->platform));
	rec->os_version = os_version_for(dev->platform, r);
	rec->ids.source_id = format_string("%s-%zu", source_names[source],
	    dev->index);
	return rec;
}

/* The device management record: jamf, landesk or google. */
static void
build_managed(struct block *blocks, const struct fleet_device *dev,
    const struct plan *p, struct rng *r)
{
	static const char *const models[PLATFORM__MAX] = {
		[PLATFORM_MAC]		= "MacBookPro18,3",
		[PLATFORM_WINDOWS]	= "ThinkPad T14 Gen 3",
		[PLATFORM_IOS]		= "iPhone15,2",
		[PLATFORM_ANDROID]	= "Pixel 8",
		[PLATFORM_CHROMEOS]	= "Chromebook 514",
	};
	struct device_record	*rec;
	enum fleet_source	 source;

	source = p->from[SOURCE_JAMF] ? SOURCE_JAMF :
	    p->from[SOURCE_LANDESK] ? SOURCE_LANDESK : SOURCE_GOOGLE;
	rec = new_record(blocks, source, dev->index, dev, r);
	rec->name = format_string("%s-%05zu", os_name_for(dev->platform),
	    dev->index);
	rec->model = xstrdup(models[dev->platform]);

	switch (dev->platform) {
	case PLATFORM_MAC:
		rec->ids.serial = xstrdup(dev->serial);
		rec->ids.udid = xstrdup(dev->udid);
		add_mac(rec, dev->mac, MAC_COLON_UPPER);
		if (rng_percent(r, 60))
			add_local_mac(rec, r);
		add_observations(rec, r, 4);
		add_software(rec, r, 3 + rng_below(r, 4), 1 + rng_below(r, 2));
		break;
	case PLATFORM_WINDOWS:
		rec->ids.serial = xstrdup(p->placeholder ? placeholder_serials[
		    rng_below(r, COUNT(placeholder_serials))] : dev->serial);
		add_mac(rec, dev->mac, MAC_BARE_UPPER);
		if (p->shared_adapter)
			add_mac(rec, shared_adapter_mac, MAC_BARE_UPPER);
		add_observations(rec, r, 4);
		add_software(rec, r, 3 + rng_below(r, 4), 1 + rng_below(r, 3));
		break;
	case PLATFORM_CHROMEOS:
		rec->ids.serial = xstrdup(dev->serial);
		add_mac(rec, dev->mac, MAC_BARE_LOWER);
		add_mac(rec, dev->mac2, MAC_BARE_LOWER);
		add_observations(rec, r, 2);
		break;
	default:
		rec->ids.serial = xstrdup(dev->serial);
		rec->ids.imei = xstrdup(dev->imei);
		if (p->mistyped || rng_percent(r, 30))
			add_mac(rec, dev->mac, MAC_COLON_LOWER);
		add_observations(rec, r, 2);
		break;
	}
}

/* The inventory record. Its serial or MAC address links it to the device. */
static void
build_bitfit(struct block *blocks, const struct fleet_device *dev,
    const struct plan *p, struct rng *r)
{
	static const enum mac_style styles[PLATFORM__MAX] = {
		[PLATFORM_MAC]		= MAC_COLON_UPPER,
		[PLATFORM_WINDOWS]	= MAC_DASH_UPPER,
		[PLATFORM_IOS]		= MAC_COLON_UPPER,
		[PLATFORM_ANDROID]	= MAC_COLON_UPPER,
		[PLATFORM_CHROMEOS]	= MAC_DOTTED_LOWER,
	};
	struct device_record	*rec;
	int			 mobile;

	mobile = dev->platform == PLATFORM_IOS ||
	    dev->platform == PLATFORM_ANDROID;
	rec = new_record(blocks, SOURCE_BITFIT, dev->index, dev, r);
	rec->name = format_string("Asset %05zu", dev->index);
	if (p->mistyped)
		rec->ids.serial = xstrdup(dev->typo_serial);
	else if (rng_percent(r, 20))
		rec->ids.serial = format_string(" %s ", dev->serial);
	else
		rec->ids.serial = xstrdup(dev->serial);
	if (dev->platform == PLATFORM_IOS)
		rec->ids.udid = xstrdup(dev->udid);
	if (!mobile || p->mistyped)
		add_mac(rec, dev->mac, styles[dev->platform]);
}

/* osquery reports the primary MAC address and seldom a serial. */
static void
build_fleet(struct block *blocks, const struct fleet_device *dev,
    struct rng *r)
{
	struct device_record	*rec;
	char			*p;

	rec = new_record(blocks, SOURCE_FLEET, dev->index, dev, r);
	rec->name = format_string("host-%05zu", dev->index);
	add_mac(rec, dev->mac, MAC_COLON_LOWER);
	if (rng_percent(r, 20)) {
		rec->ids.serial = xstrdup(dev->serial);
		for (p = rec->ids.serial; *p != '\0'; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
	}
	rec->last_sync = FLEET_NOW - (time_t)rng_below(r, 2 * DAY);
	add_observations(rec, r, 1);
	add_software(rec, r, 2 + rng_below(r, 3), 0);
}

/* An inventory asset with a placeholder serial and a shared local address. */
static void
build_spare(struct block *blocks, size_t owner, const struct fleet_device *dev,
    struct rng *r)
{
	struct device_record	*rec;

	rec = new_record(blocks, SOURCE_BITFIT, owner, NULL, r);
	if (dev != NULL) {
		rec->email = xstrdup(dev->email);
		rec->ids.serial = xstrdup(placeholder_serials[rng_below(r,
		    COUNT(placeholder_serials))]);
		add_local_mac(rec, r);
	}
	rec->ids.source_id = format_string("bitfit-spare-%zu", owner);
}

/* Shuffle one block (Fisher-Yates), keeping owners in step. */
static void
shuffle_block(struct block *b, struct rng *r)
{
	struct device_record	 tmp;
	size_t			 i, j, owner;

	for (i = b->list.count; i > 1; i--) {
		j = rng_below(r, i);
		tmp = b->list.items[i - 1];
		b->list.items[i - 1] = b->list.items[j];
		b->list.items[j] = tmp;
		owner = b->owner[i - 1];
		b->owner[i - 1] = b->owner[j];
		b->owner[j] = owner;
	}
}

void
fleet_generate_truth(size_t records, unsigned seed, struct device_list *out,
    struct fleet_truth *truth)
{
	struct block		 blocks[SOURCE__MAX];
	struct fleet_device	 dev;
	struct plan		 plan;
	struct rng		 r;
	size_t			 total = 0, people, i, s, at = 0;

	memset(blocks, 0, sizeof(blocks));
	memset(truth, 0, sizeof(*truth));
	r.state = 0x9E3779B97F4A7C15ULL ^ ((uint64_t)seed << 1) ^ 1;
	people = records / 6 + 1;

	/* Whole devices while they fit, then spare assets up to the count. */
	for (;;) {
		device_init(&dev, truth->devices, people, &r);
		plan_device(&dev, &r, &plan);
		if (total + plan.records > records)
			break;
		build_managed(blocks, &dev, &plan, &r);
		build_bitfit(blocks, &dev, &plan, &r);
		if (plan.from[SOURCE_FLEET])
			build_fleet(blocks, &dev, &r);
		if (plan.spare_asset)
			build_spare(blocks, dev.index, &dev, &r);
		total += plan.records;
		truth->devices++;
		truth->expected_groups += 1 + (size_t)plan.mistyped +
		    (size_t)plan.spare_asset;
		truth->conflicting += (size_t)plan.mistyped;
		truth->isolated += (size_t)plan.spare_asset;
	}
	for (; total < records; total++) {
		build_spare(blocks, truth->devices, NULL, &r);
		truth->devices++;
		truth->expected_groups++;
		truth->isolated++;
	}

	/*
	 * Sources list their devices in their own order, one source after
	 * another. The records are copied in that order, as an adapter
	 * allocates them while parsing, so that their memory layout is like
	 * that of a real fetch.
	 */
	truth->device_of = xmalloc((records + 1) * sizeof(truth->device_of[0]));
	for (s = 0; s < SOURCE__MAX; s++) {
		shuffle_block(&blocks[s], &r);
		for (i = 0; i < blocks[s].list.count; i++) {
			truth->device_of[at++] = blocks[s].owner[i];
			device_record_copy(device_list_add(out),
			    &blocks[s].list.items[i]);
		}
		device_list_free(&blocks[s].list);
		free(blocks[s].owner);
	}
}

void
fleet_generate(size_t records, unsigned seed, struct device_list *out)
{
	struct fleet_truth	 truth;

	fleet_generate_truth(records, seed, out, &truth);
	fleet_truth_free(&truth);
}

void
fleet_truth_free(struct fleet_truth *truth)
{
	free(truth->device_of);
	memset(truth, 0, sizeof(*truth));
}
