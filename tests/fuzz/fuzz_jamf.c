/*
 * libFuzzer target for the JAMF parsers: the input is read both as a
 * computer document and as a user or match listing.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <libxml/parser.h>

#include "buf.h"
#include "device.h"
#include "log.h"
#include "source_jamf.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *autoupdate[] = {
	"Automatic Check Enabled", "Automatic Download Enabled",
	"Critical Updates Enabled", "Automatic macOS Updates Enabled",
};

static const struct jamf_attribute_names names = {
	.firewall = "Firewall Status",
	.screenlock = "Screen Saver Lock Enabled",
	.remotelogin = "Remote Login",
	.autoupdate = autoupdate,
	.autoupdate_count = 4,
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	xmlInitParser();
	log_set_level(LOG_LEVEL_NONE);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct device_record	 rec;
	struct buf		 err = BUF_INIT;
	char			**ids = NULL;
	size_t			 count = 0, i;

	if (jamf_parse_computer(&names, (const char *)data, size, &rec,
	    &err) == 0)
		device_record_free(&rec);
	buf_reset(&err);
	(void)jamf_parse_computer_ids((const char *)data, size, &ids, &count,
	    &err);
	for (i = 0; i < count; i++)
		free(ids[i]);
	free(ids);
	buf_free(&err);
	return 0;
}
