/* The setters of the site: section: texts and links shown on every page. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"
#include "xalloc.h"
#include "yaml_tree.h"

#define CONFIG_SITE_TEXT_MAX	4096

/* Return a copy of a scalar page text, or NULL after reporting why not. */
static char *
page_text(struct config_loader *ld, const char *name,
    const struct ynode *value)
{
	const unsigned char	*p;

	if (value->kind != YNODE_SCALAR) {
		config_report(ld, value, "\"%s\" must be a string, not %s",
		    name, ynode_kind_name(value->kind));
		return NULL;
	}
	if (value->len == 0 || strlen(value->value) != value->len) {
		config_report(ld, value, "\"%s\" must not be empty or contain "
		    "a NUL character", name);
		return NULL;
	}
	if (value->len > CONFIG_SITE_TEXT_MAX) {
		config_report(ld, value, "\"%s\" is %zu bytes long; the "
		    "maximum is %d", name, value->len, CONFIG_SITE_TEXT_MAX);
		return NULL;
	}
	for (p = (const unsigned char *)value->value; *p != '\0'; p++) {
		if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f) {
			config_report(ld, value, "\"%s\" contains a control "
			    "character", name);
			return NULL;
		}
	}
	return xstrdup(value->value);
}

void
config_set_text(struct config_loader *ld, const struct config_key *key,
    const char *name, const struct ynode *value)
{
	char	**field, *text;

	if ((text = page_text(ld, name, value)) == NULL)
		return;
	field = (char **)((char *)ld->cfg + key->offset);
	free(*field);
	*field = text;
}

/*
 * The contact is shown as a link, so it must be an email address (linked
 * with mailto:) or an http or https URL; anything else could become a
 * javascript: or data: link.
 */
void
config_set_contact(struct config_loader *ld, const struct config_key *key,
    const char *name, const struct ynode *value)
{
	char	*text;
	size_t	 i;

	if ((text = page_text(ld, name, value)) == NULL)
		return;
	for (i = 0; text[i] != '\0'; i++) {
		if (text[i] == ' ' || text[i] == '\n' || text[i] == '\t')
			break;
	}
	if (text[i] != '\0' ||
	    (strncmp(text, "https://", 8) != 0 &&
	    strncmp(text, "http://", 7) != 0 &&
	    config_check_email(text) != NULL)) {
		config_report(ld, value, "\"%s\" must be an email address "
		    "(NAME@DOMAIN) or a URL starting with https:// or "
		    "http://, without spaces", name);
		free(text);
		return;
	}
	free(*(char **)((char *)ld->cfg + key->offset));
	*(char **)((char *)ld->cfg + key->offset) = text;
}

static void
faq_entry(struct config_loader *ld, const char *name,
    const struct ynode *item, struct config_faq *out)
{
	char	 field[64];
	size_t	 k;

	for (k = 0; k < item->count; k++) {
		const struct ynode *keynode = item->keys[k];
		char **target = NULL;

		if (strcmp(keynode->value, "question") == 0)
			target = &out->question;
		else if (strcmp(keynode->value, "answer") == 0)
			target = &out->answer;
		if (target == NULL) {
			config_report(ld, keynode, "unknown key in a \"%s\" "
			    "entry; expected one of: question, answer", name);
			continue;
		}
		snprintf(field, sizeof(field), "%s entry %s", name,
		    keynode->value);
		free(*target);
		*target = page_text(ld, field, item->items[k]);
	}
	if (out->question == NULL || out->answer == NULL)
		config_report(ld, item, "a \"%s\" entry needs both a question "
		    "and an answer", name);
}

void
config_set_faq(struct config_loader *ld, const struct config_key *key,
    const char *name, const struct ynode *value)
{
	struct config	*cfg = ld->cfg;
	size_t		 i;

	(void)key;
	cfg->faq = xcalloc(value->count ? value->count : 1,
	    sizeof(cfg->faq[0]));
	for (i = 0; i < value->count; i++) {
		const struct ynode *item = value->items[i];
		struct config_faq *entry = &cfg->faq[cfg->faq_count];

		if (item->kind != YNODE_MAPPING) {
			config_report(ld, item, "\"%s\" entries must be "
			    "mappings with a question and an answer, not %s",
			    name, ynode_kind_name(item->kind));
			continue;
		}
		faq_entry(ld, name, item, entry);
		cfg->faq_count++;
	}
}
