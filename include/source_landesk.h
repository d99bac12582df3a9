/*
 * The LANDESK / Ivanti Endpoint Manager source: Windows devices, through
 * the HTTP GET form of the MBSDK web service (.../MBSDKService/MsgSDK.asmx),
 * which responds with XML in the namespace LANDESK_NAMESPACE.
 *
 * Settings (the mapping under "sources: landesk:" in stethoscope.yaml):
 *
 *   url: https://core.example.com/MBSDKService/MsgSDK.asmx   # required
 *   auth: ntlm                   # ntlm (default) or basic
 *   username: EXAMPLE\svc-stethoscope                    # required
 *   password_file: /etc/stethoscope/landesk-password     # or password_env
 *   column_set: Stethoscope      # the column set defined on the core server
 *   timeout_ms: 10000            # per request, 100 to 120000
 *   max_connections: 4           # 1 to 20
 *   max_response_bytes: 8388608  # 1024 to 268435456
 *   timezone: UTC                # zone of the scan dates, see below
 *   email_filter: "Computer.Primary Owner Email = '{email}' OR
 *                  Computer.Login Name = '{login}'"
 *   serial_filter: "Computer.System.Serial Number = '{serial}'"
 *   mac_filter: "Computer.Network.TCPIP.Bound Adapter.Physical Address =
 *                '{mac}'"
 *   system_drive: "C:"           # the volume that decides encryption
 *   screensaver_check: ST000202  # id of the screen saver check
 *   autoupdate_check: ST000003v2 # id of the automatic update check
 *   patch_severities: [Critical, High]
 *   columns: { serial: Computer.System.Serial Number, ... }
 *
 * Lookups: GET ListMachines?Filter=FILTER finds the devices, then GET
 * GetMachineDataEX?GUID=GUID&ColumnSetName=COLUMN_SET reads each one. The
 * filters are inventory queries in which {email}, {login} (the part of
 * the email before '@'), {serial} and {mac} (twelve upper-case hex digits,
 * as LANDESK stores it) are replaced by the value looked up, quoted for
 * the query: a single quote inside the value is doubled. Each filter must
 * use its own placeholder: email_filter {email} or {login}, serial_filter
 * {serial}, mac_filter {mac}.
 *
 * NOTE: the query syntax of the default filters, the shape of the
 * responses read here and the default column paths were written from the
 * vendor's inventory names, not checked against a real core server, and
 * NTLM has not run against any server: compare them with yours.
 *
 * The GetMachineDataEX response lists the column set's values as
 * Data/MachineData items with a Key (the column path, with "(N)" after a
 * table name for each instance, as in "Computer.Network.TCPIP.Bound
 * Adapter(1).Physical Address") and a Value. The columns setting names
 * the column path for each value the source reads, without instance
 * markers; LANDESK_COLUMNS below lists the keys and their defaults.
 *
 * timezone: the scan dates carry no zone. Accepted are "UTC", a fixed
 * offset "+01:00" or "-05:30", or an IANA zone name such as
 * "Europe/Berlin" that exists under /usr/share/zoneinfo (then daylight
 * saving time follows the zone's rules). Dates are read as
 * "YYYY-MM-DD HH:MM:SS" (or with a "T", optionally with a fraction) or
 * "M/D/YYYY h:mm:ss AM" (or 24-hour without AM/PM).
 */
#ifndef STETHOSCOPE_SOURCE_LANDESK_H
#define STETHOSCOPE_SOURCE_LANDESK_H

#include <stddef.h>
#include <time.h>

#include "buf.h"
#include "device.h"
#include "source.h"

#define LANDESK_SOURCE_NAME		"landesk"
#define LANDESK_NAMESPACE		"http://landesk.com/MBSDKService/MBSDK/"
#define LANDESK_DEFAULT_TIMEOUT_MS	10000
#define LANDESK_DEFAULT_MAX_CONNECTIONS	4

/*
 * The inventory values the source reads, each from a configurable column:
 * X(ID, settings key under "columns:", default column path).
 */
#define LANDESK_COLUMNS(X) \
	X(DEVICE_NAME, "device_name", "Computer.Device Name") \
	X(OWNER_EMAIL, "owner_email", "Computer.Primary Owner Email") \
	X(SERIAL, "serial", "Computer.System.Serial Number") \
	X(MODEL, "model", "Computer.System.Model") \
	X(MANUFACTURER, "manufacturer", "Computer.System.Manufacturer") \
	X(SYSTEM_VERSION, "system_version", "Computer.System.Version") \
	X(OS_NAME, "os_name", "Computer.OS.Name") \
	X(OS_VERSION, "os_version", \
	    "Computer.OS.NT Info.Current Version") \
	X(OS_RELEASE_ID, "os_release_id", \
	    "Computer.OS.NT Info.Release ID") \
	X(OS_BUILD, "os_build", "Computer.OS.NT Info.Current Build") \
	X(BITLOCKER_DRIVE, "bitlocker_drive", \
	    "Computer.BitLocker.Drive.Drive Letter") \
	X(BITLOCKER_PROTECTION, "bitlocker_protection", \
	    "Computer.BitLocker.Drive.Protection Status") \
	X(BITLOCKER_CONVERSION, "bitlocker_conversion", \
	    "Computer.BitLocker.Drive.Conversion Status") \
	X(BITLOCKER_PERCENTAGE, "bitlocker_percentage", \
	    "Computer.BitLocker.Drive.Encryption Percentage") \
	X(ADAPTER_ADDRESS, "adapter_address", \
	    "Computer.Network.TCPIP.Bound Adapter.Physical Address") \
	X(ADAPTER_FIREWALL, "adapter_firewall", \
	    "Computer.Network.TCPIP.Bound Adapter.Firewall Enabled") \
	X(ADAPTER_DESCRIPTION, "adapter_description", \
	    "Computer.Network.TCPIP.Bound Adapter.Description") \
	X(VULNERABILITY_ID, "vulnerability_id", \
	    "Computer.Vulnerability.ID") \
	X(VULNERABILITY_TITLE, "vulnerability_title", \
	    "Computer.Vulnerability.Title") \
	X(VULNERABILITY_SEVERITY, "vulnerability_severity", \
	    "Computer.Vulnerability.Severity") \
	X(VULNERABILITY_REASON, "vulnerability_reason", \
	    "Computer.Vulnerability.Reason") \
	X(VULNERABILITY_SCAN_DATE, "vulnerability_scan_date", \
	    "Computer.LANDesk.Inventory.Last Vulnerability Scan Date") \
	X(SOFTWARE_NAME, "software_name", \
	    "Computer.Software.Package.Name") \
	X(SOFTWARE_VERSION, "software_version", \
	    "Computer.Software.Package.Version") \
	X(SERVICE_NAME, "service_name", "Computer.Services.Name") \
	X(SERVICE_STATE, "service_state", "Computer.Services.State") \
	X(HARDWARE_SCAN_DATE, "hardware_scan_date", \
	    "Computer.LANDesk.Inventory.Last Hardware Scan Date") \
	X(SOFTWARE_SCAN_DATE, "software_scan_date", \
	    "Computer.LANDesk.Inventory.Last Software Scan Date")

#define LANDESK_COLUMN_ENUM(id, key, column)	LANDESK_COL_##id,

enum landesk_column {
	LANDESK_COLUMNS(LANDESK_COLUMN_ENUM)
	LANDESK_COL__MAX
};

enum landesk_zone_kind {
	LANDESK_ZONE_UTC,
	LANDESK_ZONE_OFFSET,
	LANDESK_ZONE_NAMED,
	LANDESK_ZONE__MAX
};

/* The zone in which the core server writes scan dates. */
struct landesk_zone {
	enum landesk_zone_kind	 kind;
	long			 offset_s;	/* OFFSET: east of UTC */
	char			*name;		/* NAMED: an IANA name */
};

/* The settings that parsing a machine response needs. */
struct landesk_parse_settings {
	char			*columns[LANDESK_COL__MAX];
	struct landesk_zone	 zone;
	char			*system_drive;
	char			*screensaver_check;
	char			*autoupdate_check;
	char			**patch_severities;
	size_t			 patch_severity_count;
};

extern const struct source_ops landesk_source;

/*
 * Parse one GetMachineDataEX response into rec (zeroed here). owner_email,
 * when not NULL, is the email the device was found by; it is used when
 * the owner email column is empty. Returns 0, or -1 with the reason in err
 * ("malformed XML at line 3", "expected a MachineDataEX response in the
 * MBSDK namespace") and rec left zeroed. rec owns what is stored in it.
 */
int	landesk_parse_machine(const struct landesk_parse_settings *settings,
	    const char *xml, size_t len, const char *owner_email,
	    struct device_record *rec, struct buf *err);

/*
 * Append the GUIDs of a ListMachines response to *guids (owned by the
 * caller, as is every GUID), skipping duplicates. Returns 0, or -1 with
 * the reason in err.
 */
int	landesk_parse_machine_list(const char *xml, size_t len, char ***guids,
	    size_t *count, struct buf *err);

/*
 * Parse a zone-less scan date written in zone. Returns 0 with the time in
 * *out, or -1 when text is not in one of the accepted forms.
 */
int	landesk_parse_date(const struct landesk_zone *zone, const char *text,
	    time_t *out);

/*
 * Parse a timezone setting into zone (name copied). Returns 0, or -1 when
 * it is none of the accepted forms or the named zone does not exist.
 */
int	landesk_zone_parse(const char *text, struct landesk_zone *zone);

/*
 * Turn the run-together reason text of the screen saver check into one
 * sentence per local user, such as "Local user dev: screen saver is
 * disabled; screen saver timeout is 1800 seconds." Sentences that name no
 * user come first, unchanged. Appends to out.
 */
void	landesk_screensaver_details(const char *reason, struct buf *out);

#endif
