/*
 * libFuzzer target for the LANDESK parsers: the input is read as a
 * GetMachineDataEX response, as a ListMachines response, as a screen saver
 * reason text and as a scan date.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "buf.h"
#include "device.h"
#include "log.h"
#include "source_landesk.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define DEFAULT_COLUMN(id, key, column)	[LANDESK_COL_##id] = column,

static char *columns[LANDESK_COL__MAX] = {
	LANDESK_COLUMNS(DEFAULT_COLUMN)
};
static char *severities[] = { "Critical", "High" };
static struct landesk_parse_settings settings;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	xmlInitParser();
	log_set_level(LOG_LEVEL_NONE);
	memcpy(settings.columns, columns, sizeof(columns));
	settings.zone.kind = LANDESK_ZONE_OFFSET;
	settings.zone.offset_s = 3600;
	settings.system_drive = "C:";
	settings.screensaver_check = "ST000202";
	settings.autoupdate_check = "ST000003v2";
	settings.patch_severities = severities;
	settings.patch_severity_count = 2;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct device_record	 rec;
	struct buf		 err = BUF_INIT, text = BUF_INIT;
	char			**guids = NULL;
	size_t			 count = 0, i;
	time_t			 t;

	if (landesk_parse_machine(&settings, (const char *)data, size,
	    "fuzz@example.com", &rec, &err) == 0)
		device_record_free(&rec);
	(void)landesk_parse_machine_list((const char *)data, size, &guids,
	    &count, &err);
	for (i = 0; i < count; i++)
		free(guids[i]);
	free(guids);

	/* The text functions take C strings: stop at the first NUL. */
	buf_append(&text, data, size);
	buf_puts(&text, "");
	landesk_screensaver_details(text.data, &err);
	(void)landesk_parse_date(&settings.zone, text.data, &t);
	buf_free(&text);
	buf_free(&err);
	return 0;
}
